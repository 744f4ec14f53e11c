"""ESMTP parameters of MAIL and RCPT: the generic grammar and the parameters we understand.

The generic grammar is RFC 5321 §4.1.2::

    Mail-parameters  = esmtp-param *(SP esmtp-param)
    Rcpt-parameters  = esmtp-param *(SP esmtp-param)
    esmtp-param      = esmtp-keyword ["=" esmtp-value]
    esmtp-keyword    = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    esmtp-value      = 1*(%d33-60 / %d62-126)
                     ; any CHAR excluding "=", SP, and control characters.

extended by RFC 6531 §3.3 (``esmtp-value =/ UTF8-non-ascii``) once SMTPUTF8 is in use. On top of
it, :class:`MailParams` and :class:`RcptParams` give typed, validated access to SIZE (RFC 1870),
BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), AUTH (RFC 4954 §5) and the DSN parameters RET,
ENVID, NOTIFY and ORCPT (RFC 3461 §4). Unknown keywords are kept in ``extra`` as received; the
caller decides what to do with them (our server answers 555).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pymailproto.smtp._address import Address, AddressError

__all__ = [
    "Body",
    "MailParams",
    "Notify",
    "ParameterError",
    "RcptParams",
    "Ret",
    "format_params",
    "parse_params",
    "xtext_decode",
    "xtext_encode",
]


class ParameterError(ValueError):
    """A parameter is malformed or has a value its extension does not allow."""


class Body(str, enum.Enum):
    """The BODY values.

    RFC 6152 §2: ``body-value = "7BIT" / "8BITMIME"``;
    RFC 3030 §3: ``body-value ::= "7BIT" / "8BITMIME" / "BINARYMIME"``.
    """

    SEVENBIT = "7BIT"
    EIGHTBITMIME = "8BITMIME"
    BINARYMIME = "BINARYMIME"


class Ret(str, enum.Enum):
    """RFC 3461 §4.3: the RET values FULL and HDRS."""

    FULL = "FULL"
    HDRS = "HDRS"


class Notify(str, enum.Enum):
    """RFC 3461 §4.1: ``notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"``."""

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    DELAY = "DELAY"


# RFC 5321 §4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
_KEYWORD = re.compile("[A-Za-z0-9][A-Za-z0-9-]*")
# RFC 5321 §4.1.2: esmtp-value = 1*(%d33-60 / %d62-126)
_VALUE = re.compile("[\x21-\x3c\x3e-\x7e]+")
# RFC 6531 §3.3: esmtp-value =/ UTF8-non-ascii. Read as widening the character set; C1 controls
# and lone surrogates stay out (controls are never allowed, surrogates are not UTF-8).
_VALUE_UTF8 = re.compile("[\x21-\x3c\x3e-\x7e\u00a0-\ud7ff\ue000-\U0010ffff]+")
# RFC 3461 §4: xchar = any ASCII CHAR between "!" (33) and "~" (126) inclusive, except "+" and "="
#              hexchar = ASCII "+" immediately followed by two upper case hexadecimal digits
_XTEXT = re.compile("(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\\+[0-9A-F]{2})*")
# RFC 3461 §4.2: addr-type = atom (RFC 822: any CHAR except specials, SPACE and CTLs, which is
# the RFC 5322 §3.2.3 atext set).
_ATOM = re.compile("[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+")
# RFC 3461 §4.2, §4.4: ENVID and the ORCPT address "MUST consist entirely of printable (graphic
# and white space) characters from the US-ASCII repertoire" before xtext encoding.
_PRINTABLE = re.compile("[\x20-\x7e]*")
# RFC 6533 §3 lets SMTPUTF8 sessions carry UTF-8 original recipients (addr-type "utf-8", raw
# or \x{HHHH}-escaped), and Postfix sends "rfc822;" with xtext-encoded UTF-8 octets; both are
# accepted when reading. Control characters never are.
_ORCPT_ADDRESS = re.compile("[\x20-\x7e\u00a0-\ud7ff\ue000-\U0010ffff]*")
_UNICODE_ESCAPE = re.compile(r"\\x\{([0-9A-Fa-f]{2,6})\}")

_E = TypeVar("_E", bound=enum.Enum)

MAX_SIZE_DIGITS = 20  # RFC 1870: size-value ::= 1*20DIGIT
MAX_ENVID = 100  # RFC 3461 §4.4: "The ENVID parameter MAY be up to 100 characters in length."
MAX_ORCPT = 500  # RFC 3461 §4.2: "The entire ORCPT parameter MAY be up to 500 characters."


# --- xtext ---------------------------------------------------------------------------------


def xtext_encode(value: str) -> str:
    """Encode ``value`` (as UTF-8) as RFC 3461 §4 ``xtext = *( xchar / hexchar )``.

    Octets outside "!".."~", and "+" and "=", become ``+XX`` with upper-case hex digits.
    """
    try:
        octets = value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError("a lone surrogate cannot be encoded as UTF-8") from None
    return "".join(
        chr(octet) if 33 <= octet <= 126 and octet not in (0x2B, 0x3D) else f"+{octet:02X}"
        for octet in octets
    )


def xtext_decode(value: str) -> str:
    """Decode an RFC 3461 §4 xtext strictly (upper-case hex only); the octets must be UTF-8."""
    if not _XTEXT.fullmatch(value):
        raise ParameterError(f"invalid xtext {value!r} (RFC 3461 §4)")
    octets = bytearray()
    i = 0
    while i < len(value):
        if value[i] == "+":
            octets.append(int(value[i + 1 : i + 3], 16))
            i += 3
        else:
            octets.append(ord(value[i]))
            i += 1
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"xtext {value!r} does not decode to UTF-8 (RFC 3461 §4)") from None


def _decode_orcpt_address(value: str) -> str:
    """An ORCPT address: xtext (RFC 3461 §4.2), or RFC 6533 utf-8-addr-unitext/-xtext."""
    if value.isascii() and "\\x{" not in value:
        return xtext_decode(value)
    ascii_part = _UNICODE_ESCAPE.sub(lambda m: _code_point(m.group(1)), value)
    out = []
    for run in re.split(r"([^\x00-\x7f]+)", ascii_part):
        out.append(run if not run.isascii() else xtext_decode(run))
    return "".join(out)


def _code_point(hexdigits: str) -> str:
    point = int(hexdigits, 16)
    if point < 0x80 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        raise ParameterError(f"invalid \\x{{{hexdigits}}} in ORCPT (RFC 6533 §3)")
    return chr(point)


# --- the generic grammar -------------------------------------------------------------------


def _check_param(keyword: object, value: object, utf8: bool) -> None:
    if not isinstance(keyword, str) or not _KEYWORD.fullmatch(keyword):
        raise ParameterError(f"invalid esmtp-keyword {keyword!r} (RFC 5321 §4.1.2)")
    if value is None:
        return
    if not isinstance(value, str) or not _VALUE_UTF8.fullmatch(value):
        raise ParameterError(f"invalid esmtp-value for {keyword} (RFC 5321 §4.1.2)")
    if not utf8 and not _VALUE.fullmatch(value):
        raise ParameterError(f"non-ASCII esmtp-value for {keyword} requires SMTPUTF8 (RFC 6531)")


def parse_params(text: str, *, utf8: bool = False) -> list[tuple[str, str | None]]:
    """Parse ``esmtp-param *(SP esmtp-param)`` (RFC 5321 §4.1.2).

    Keywords come back upper-cased, values as sent. Extra spaces between (and around) the
    parameters are tolerated; a repeated keyword is an error (e.g. RFC 3461 §4.5).
    """
    params: list[tuple[str, str | None]] = []
    if not text:
        return params
    seen: set[str] = set()
    for token in text.split(" "):
        if token == "":
            continue
        keyword, equals, value = token.partition("=")
        _check_param(keyword, value if equals else None, utf8)
        keyword = keyword.upper()
        if keyword in seen:
            raise ParameterError(f"duplicate parameter {keyword}")
        seen.add(keyword)
        params.append((keyword, value if equals else None))
    return params


def format_params(params: Iterable[tuple[str, str | None]]) -> str:
    """Serialize parameters as ``KEY=value KEY`` (no leading space), validating each one.

    Non-ASCII values are accepted (RFC 6531 §3.3); whether SMTPUTF8 was negotiated is the
    caller's concern.
    """
    words: list[str] = []
    seen: set[str] = set()
    for keyword, value in params:
        _check_param(keyword, value, True)
        if keyword.upper() in seen:
            raise ParameterError(f"duplicate parameter {keyword.upper()}")
        seen.add(keyword.upper())
        words.append(keyword if value is None else f"{keyword}={value}")
    return " ".join(words)


def _check_extra(extra: object, known: frozenset[str]) -> tuple[tuple[str, str | None], ...]:
    if not isinstance(extra, (tuple, list)):
        raise ParameterError("extra must be a tuple of (keyword, value) pairs")
    pairs: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for item in extra:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ParameterError("extra must be a tuple of (keyword, value) pairs")
        keyword, value = item
        _check_param(keyword, value, True)
        if keyword.upper() in known or keyword.upper() in seen:
            raise ParameterError(f"{keyword} cannot be an extra parameter here")
        seen.add(keyword.upper())
        pairs.append((keyword, value))
    return tuple(pairs)


def _collect(params: Sequence[tuple[str, str | None]]) -> dict[str, tuple[str, str | None]]:
    """Index by upper-cased keyword (keeping the keyword as received), refusing repeats."""
    collected: dict[str, tuple[str, str | None]] = {}
    for keyword, value in params:
        if not isinstance(keyword, str):
            raise ParameterError(f"invalid esmtp-keyword {keyword!r} (RFC 5321 §4.1.2)")
        if keyword.upper() in collected:
            raise ParameterError(f"duplicate parameter {keyword.upper()}")
        collected[keyword.upper()] = (keyword, value)
    return collected


def _required(keyword: str, value: str | None) -> str:
    if value is None:
        raise ParameterError(f"{keyword} requires a value")
    return value


def _enum_value(enum_type: type[_E], keyword: str, value: str | None) -> _E:
    # Keywords such as FULL/HDRS and NEVER/SUCCESS may be in any case (RFC 3461 §4.1, §4.3).
    try:
        return enum_type(_required(keyword, value).upper())
    except ValueError:
        raise ParameterError(f"invalid {keyword} value {value!r}") from None


# --- MAIL ----------------------------------------------------------------------------------

_MAIL_KEYWORDS = frozenset({"SIZE", "BODY", "SMTPUTF8", "AUTH", "RET", "ENVID"})


@dataclass(frozen=True, slots=True)
class MailParams:
    """The parameters of a MAIL command, typed and validated.

    ``size``: RFC 1870 ``size-value ::= 1*20DIGIT``. ``body``: RFC 6152 / RFC 3030 ``BODY=``.
    ``smtputf8``: RFC 6531 §3.4, a parameter without value. ``auth``: RFC 4954 §5, the decoded
    xtext, "MUST be either a <mailbox> or the two characters <>". ``ret``: RFC 3461 §4.3.
    ``envid``: RFC 3461 §4.4 ``envid-parameter = "ENVID=" xtext``, decoded, printable US-ASCII, at
    most 100 characters. ``extra``: any other parameters, as received.
    """

    size: int | None = None
    body: Body | None = None
    smtputf8: bool = False
    auth: str | None = None
    ret: Ret | None = None
    envid: str | None = None
    extra: tuple[tuple[str, str | None], ...] = ()

    def __post_init__(self) -> None:
        size = self.size
        if size is not None and (
            not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < 10**20
        ):
            raise ParameterError(f"SIZE must be an integer of at most 20 digits, not {size!r}")
        if self.body is not None and not isinstance(self.body, Body):
            raise ParameterError(f"BODY must be a Body, not {self.body!r}")
        if not isinstance(self.smtputf8, bool):
            raise ParameterError("smtputf8 must be a bool")
        if self.auth is not None:
            if not isinstance(self.auth, str):
                raise ParameterError("AUTH must be a str")
            if self.auth != "<>":
                try:
                    Address.parse(self.auth)
                except AddressError as exc:
                    raise ParameterError(
                        f"AUTH must be a mailbox or <> (RFC 4954 §5): {exc}"
                    ) from None
        if self.ret is not None and not isinstance(self.ret, Ret):
            raise ParameterError(f"RET must be a Ret, not {self.ret!r}")
        envid = self.envid
        if envid is not None and (
            not isinstance(envid, str)
            or not 0 < len(envid) <= MAX_ENVID
            or not _PRINTABLE.fullmatch(envid)
        ):
            raise ParameterError(
                "ENVID must be 1-100 printable US-ASCII characters (RFC 3461 §4.4)"
            )
        object.__setattr__(self, "extra", _check_extra(self.extra, _MAIL_KEYWORDS))

    @classmethod
    def from_params(cls, params: Sequence[tuple[str, str | None]]) -> MailParams:
        """Interpret parsed parameters; ParameterError for malformed known parameters."""
        if not params:
            return _NO_MAIL_PARAMS
        collected = _collect(params)
        size: int | None = None
        body: Body | None = None
        ret: Ret | None = None
        auth: str | None = None
        envid: str | None = None
        smtputf8 = False
        if "SIZE" in collected:
            keyword, value = collected.pop("SIZE")
            value = _required(keyword, value)
            if not (value.isascii() and value.isdigit() and len(value) <= MAX_SIZE_DIGITS):
                raise ParameterError(f"SIZE must be 1*20DIGIT (RFC 1870), not {value!r}")
            size = int(value)
        if "BODY" in collected:
            body = _enum_value(Body, *collected.pop("BODY"))
        if "SMTPUTF8" in collected:
            if collected.pop("SMTPUTF8")[1] is not None:
                raise ParameterError("SMTPUTF8 does not accept a value (RFC 6531 §3.4)")
            smtputf8 = True
        if "AUTH" in collected:
            auth = xtext_decode(_required(*collected.pop("AUTH")))
        if "RET" in collected:
            ret = _enum_value(Ret, *collected.pop("RET"))
        if "ENVID" in collected:
            envid = xtext_decode(_required(*collected.pop("ENVID")))
        return cls(
            size=size,
            body=body,
            smtputf8=smtputf8,
            auth=auth,
            ret=ret,
            envid=envid,
            extra=tuple(collected.values()),
        )

    def to_params(self) -> list[tuple[str, str | None]]:
        """The parameters in canonical order, values encoded for the wire."""
        params: list[tuple[str, str | None]] = []
        if self.size is not None:
            params.append(("SIZE", str(self.size)))
        if self.body is not None:
            params.append(("BODY", self.body.value))
        if self.smtputf8:
            params.append(("SMTPUTF8", None))
        if self.auth is not None:
            params.append(("AUTH", xtext_encode(self.auth)))
        if self.ret is not None:
            params.append(("RET", self.ret.value))
        if self.envid is not None:
            params.append(("ENVID", xtext_encode(self.envid)))
        params.extend(self.extra)
        return params

    def keywords(self) -> tuple[str, ...]:
        """The keywords present, upper-cased (to check them against the EHLO extensions)."""
        if self is _NO_MAIL_PARAMS:
            return ()
        return tuple(keyword.upper() for keyword, _ in self.to_params())


# --- RCPT ----------------------------------------------------------------------------------

_RCPT_KEYWORDS = frozenset({"NOTIFY", "ORCPT"})
_NOTIFY_ORDER = (Notify.SUCCESS, Notify.FAILURE, Notify.DELAY)


@dataclass(frozen=True, slots=True)
class RcptParams:
    """The parameters of a RCPT command, typed and validated.

    ``notify``: RFC 3461 §4.1, ``None`` when absent, ``frozenset()`` for NEVER.
    ``orcpt``: RFC 3461 §4.2 ``original-recipient-address = addr-type ";" xtext`` as
    ``(addr-type, decoded address)``. ``extra``: any other parameters, as received.
    """

    notify: frozenset[Notify] | None = None
    orcpt: tuple[str, str] | None = None
    extra: tuple[tuple[str, str | None], ...] = ()

    def __post_init__(self) -> None:
        if self.notify is not None and (
            not isinstance(self.notify, frozenset)
            or not all(isinstance(item, Notify) for item in self.notify)
        ):
            raise ParameterError("notify must be a frozenset of Notify members")
        if self.orcpt is not None:
            if not (
                isinstance(self.orcpt, tuple)
                and len(self.orcpt) == 2
                and all(isinstance(part, str) for part in self.orcpt)
            ):
                raise ParameterError("orcpt must be an (addr-type, address) pair of str")
            addr_type, address = self.orcpt
            if not _ATOM.fullmatch(addr_type):
                raise ParameterError(f"invalid ORCPT addr-type {addr_type!r} (RFC 3461 §4.2)")
            if not _ORCPT_ADDRESS.fullmatch(address):
                raise ParameterError("ORCPT address must be printable text (RFC 3461 §4.2)")
            if len(addr_type) + 1 + len(xtext_encode(address)) > MAX_ORCPT:
                raise ParameterError(f"ORCPT longer than {MAX_ORCPT} characters (RFC 3461 §4.2)")
        object.__setattr__(self, "extra", _check_extra(self.extra, _RCPT_KEYWORDS))

    @classmethod
    def from_params(cls, params: Sequence[tuple[str, str | None]]) -> RcptParams:
        """Interpret parsed parameters; ParameterError for malformed known parameters."""
        if not params:
            return _NO_RCPT_PARAMS
        collected = _collect(params)
        notify: frozenset[Notify] | None = None
        orcpt = None
        if "NOTIFY" in collected:
            # RFC 3461 §4.1: notify-esmtp-value = "NEVER" / 1#notify-list-element
            #                notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"
            keyword, value = collected.pop("NOTIFY")
            items = _required(keyword, value).split(",")
            if [item.upper() for item in items] == ["NEVER"]:
                notify = frozenset()
            elif any(item.upper() == "NEVER" for item in items):
                raise ParameterError("NOTIFY=NEVER must appear by itself (RFC 3461 §4.1)")
            else:
                notify = frozenset(_enum_value(Notify, keyword, item) for item in items)
        if "ORCPT" in collected:
            keyword, value = collected.pop("ORCPT")
            addr_type, semicolon, xtext = _required(keyword, value).partition(";")
            if not semicolon:
                raise ParameterError('ORCPT must be addr-type ";" xtext (RFC 3461 §4.2)')
            orcpt = (addr_type, _decode_orcpt_address(xtext))
        return cls(notify=notify, orcpt=orcpt, extra=tuple(collected.values()))

    def to_params(self) -> list[tuple[str, str | None]]:
        """The parameters in canonical order, values encoded for the wire."""
        params: list[tuple[str, str | None]] = []
        if self.notify is not None:
            value = ",".join(item.value for item in _NOTIFY_ORDER if item in self.notify)
            params.append(("NOTIFY", value or "NEVER"))
        if self.orcpt is not None:
            params.append(("ORCPT", f"{self.orcpt[0]};{xtext_encode(self.orcpt[1])}"))
        params.extend(self.extra)
        return params

    def keywords(self) -> tuple[str, ...]:
        """The keywords present, upper-cased (to check them against the EHLO extensions)."""
        if self is _NO_RCPT_PARAMS:
            return ()
        return tuple(keyword.upper() for keyword, _ in self.to_params())


# Most commands carry no parameters: share one empty value of each kind (they are immutable).
_NO_MAIL_PARAMS = MailParams()
_NO_RCPT_PARAMS = RcptParams()
