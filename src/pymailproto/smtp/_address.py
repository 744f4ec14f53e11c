"""SMTP mailboxes and paths: the address grammar of RFC 5321 §4.1.2/§4.1.3 and RFC 6531 §3.3.

An :class:`Address` is a validated mailbox; it cannot hold anything that would serialize to
something other than one ``Mailbox`` of the grammar (no CR, LF, NUL or other control character can
get in, so an address can never smuggle a command). The path functions parse the
``Reverse-path`` / ``Forward-path`` arguments of MAIL and RCPT, tolerate (and drop) source routes
and enforce the size limits of §4.5.3.1; :class:`Address` itself does not, since clients may try
longer objects.

With ``utf8=False`` any non-ASCII character is an error (RFC 5321 §4.1.2: such characters "MUST
NOT be used in MAIL or RCPT commands"); with ``utf8=True`` the SMTPUTF8 extensions of RFC 6531 §3.3
apply::

    atext        =/ UTF8-non-ascii
    qtextSMTP    =/ UTF8-non-ascii
    sub-domain   =/ U-label
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "Address",
    "AddressError",
    "format_path",
    "is_address_literal",
    "is_domain",
    "parse_forward_path",
    "parse_reverse_path",
    "split_path",
]

# RFC 5321 §4.5.3.1.1-3: sizes in octets (UTF-8 octets once SMTPUTF8 is in use).
MAX_LOCAL_PART = 64
MAX_DOMAIN = 255
MAX_PATH = 256


class AddressError(ValueError):
    """A mailbox or path violates the grammar or a size limit; the message names the rule."""


# --- character classes ---------------------------------------------------------------------

# RFC 5322 §3.2.3 (atext, referenced by RFC 5321 §4.1.2 Atom):
#   atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" /
#           "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~"
_ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~"
# RFC 6532 §3.1 UTF8-non-ascii: any non-ASCII scalar value. We leave out the C1 controls
# (U+0080-U+009F) and lone surrogates, which cannot be encoded as UTF-8: no control character
# may ever appear in an address.
_NON_ASCII = "\u00a0-\ud7ff\ue000-\U0010ffff"

# RFC 5321 §4.1.2: Dot-string = Atom *("." Atom); Atom = 1*atext
_DOT_STRING = re.compile("[" + _ATEXT + "]+(?:\\.[" + _ATEXT + "]+)*")
_DOT_STRING_UTF8 = re.compile(
    "[" + _ATEXT + _NON_ASCII + "]+(?:\\.[" + _ATEXT + _NON_ASCII + "]+)*"
)
# RFC 5321 §4.1.2: qtextSMTP = %d32-33 / %d35-91 / %d93-126 and quoted-pairSMTP = %d92 %d32-126,
# so every printable ASCII character and SP can be carried by a Quoted-string: refusing the
# characters below is all it takes for any local part to be representable.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# RFC 5321 §4.1.2:
#   sub-domain = Let-dig [Ldh-str]
#   Let-dig    = ALPHA / DIGIT
#   Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
_SUB_DOMAIN = re.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_LDH_STR = re.compile("[A-Za-z0-9-]*[A-Za-z0-9]")
# RFC 5321 §4.1.3: Snum = 1*3DIGIT ; representing a decimal integer value in the range 0-255
_IPV4 = re.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})")
# RFC 5321 §4.1.3: IPv6-hex = 1*4HEXDIG
_IPV6_HEX = re.compile("[0-9A-Fa-f]{1,4}")
# RFC 5321 §4.1.3: dcontent = %d33-90 / %d94-126 ; Printable US-ASCII excl. "[", "\", "]"
_DCONTENT = re.compile("[\x21-\x5a\x5e-\x7e]+")


def _check_characters(text: str, utf8: bool, what: str) -> None:
    """Refuse control characters always and non-ASCII unless SMTPUTF8 is in use."""
    if _FORBIDDEN.search(text):
        raise AddressError(f"control character in {what} (RFC 5321 §4.1.2)")
    if not utf8 and not text.isascii():
        raise AddressError(f"non-ASCII character in {what} requires SMTPUTF8 (RFC 6531 §3.3)")


# --- domains and address literals ----------------------------------------------------------


def _is_u_label(label: str) -> bool:
    """RFC 6531 §3.3: ``sub-domain =/ U-label`` (RFC 5890 §2.3.2.1).

    Full IDNA2008 validation needs the Unicode derived-property tables, which the stdlib lacks;
    this checks the structural rules of RFC 5891 §4.2.3 (NFC, no leading combining mark, no
    hyphen at either end or in positions 3 and 4) and allows only letters, marks and digits
    besides ASCII LDH characters, which keeps out every delimiter, space and symbol.
    """
    if label.isascii() or not unicodedata.is_normalized("NFC", label):
        return False
    if label[0] == "-" or label[-1] == "-" or label[2:4] == "--":
        return False
    if unicodedata.category(label[0])[0] == "M":
        return False
    for ch in label:
        if ch.isascii():
            if not (ch.isalnum() or ch == "-"):
                return False
        elif unicodedata.category(ch)[0] not in "LMN":
            return False
    return True


def is_domain(text: str, *, utf8: bool = False) -> bool:
    """Whether ``text`` is an RFC 5321 ``Domain`` (with U-labels when ``utf8``).

    RFC 5321 §4.1.2: ``Domain = sub-domain *("." sub-domain)``;
    RFC 6531 §3.3: ``sub-domain =/ U-label``.
    """
    if not text.isascii() and (not utf8 or _FORBIDDEN.search(text)):
        return False
    return all(
        _SUB_DOMAIN.fullmatch(label) is not None or (utf8 and label != "" and _is_u_label(label))
        for label in text.split(".")
    )


def _is_ipv4(text: str) -> bool:
    """RFC 5321 §4.1.3: ``IPv4-address-literal = Snum 3("." Snum)``."""
    match = _IPV4.fullmatch(text)
    return match is not None and all(int(snum) <= 255 for snum in match.groups())


def _hex_groups(text: str) -> int | None:
    """Count the ``IPv6-hex *(":" IPv6-hex)`` groups of ``text`` ("" is zero groups)."""
    if text == "":
        return 0
    groups = text.split(":")
    if not all(_IPV6_HEX.fullmatch(group) for group in groups):
        return None
    return len(groups)


def _is_ipv6(text: str) -> bool:
    """RFC 5321 §4.1.3::

    IPv6-addr   = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp
    IPv6-full   = IPv6-hex 7(":" IPv6-hex)
    IPv6-comp   = [IPv6-hex *5(":" IPv6-hex)] "::" [IPv6-hex *5(":" IPv6-hex)]
                  ; No more than 6 groups in addition to the "::" may be present.
    IPv6v4-full = IPv6-hex 5(":" IPv6-hex) ":" IPv4-address-literal
    IPv6v4-comp = [IPv6-hex *3(":" IPv6-hex)] "::" [IPv6-hex *3(":" IPv6-hex) ":"]
                  IPv4-address-literal
                  ; No more than 4 groups in addition to the "::" and IPv4-address-literal.
    """
    groups = 8
    if "." in text:
        colon = text.rfind(":")
        if colon < 0 or not _is_ipv4(text[colon + 1 :]):
            return False
        # Keep a trailing "::" (as in "::1.2.3.4"), drop the single ":" before the IPv4 part.
        text = text[: colon + 1]
        text = text if text.endswith("::") else text[:-1]
        groups = 6
    if "::" not in text:
        return _hex_groups(text) == groups
    parts = text.split("::")
    if len(parts) != 2:
        return False
    left, right = _hex_groups(parts[0]), _hex_groups(parts[1])
    return left is not None and right is not None and left + right <= groups - 2


def is_address_literal(text: str) -> bool:
    """Whether ``text`` is an RFC 5321 §4.1.3 ``address-literal``, brackets included::

    address-literal  = "[" ( IPv4-address-literal / IPv6-address-literal /
                             General-address-literal ) "]"
    IPv6-address-literal     = "IPv6:" IPv6-addr
    General-address-literal  = Standardized-tag ":" 1*dcontent
    Standardized-tag         = Ldh-str

    A literal tagged "IPv6" (ABNF strings are case-insensitive) must hold a valid IPv6-addr; it
    is not accepted as a General-address-literal instead.
    """
    if len(text) < 3 or text[0] != "[" or text[-1] != "]":
        return False
    inner = text[1:-1]
    if _is_ipv4(inner):
        return True
    tag, colon, content = inner.partition(":")
    if not colon:
        return False
    if tag.lower() == "ipv6":
        return _is_ipv6(content)
    return _LDH_STR.fullmatch(tag) is not None and _DCONTENT.fullmatch(content) is not None


# --- mailboxes -----------------------------------------------------------------------------


def _format_local_part(local_part: str) -> str:
    """The local part in the form with minimum quoting (RFC 5321 §4.1.2 SHOULD).

    ``Local-part = Dot-string / Quoted-string``; in a Quoted-string only DQUOTE and "\\" need a
    quoted-pair (``qtextSMTP = %d32-33 / %d35-91 / %d93-126``).
    """
    if _DOT_STRING_UTF8.fullmatch(local_part):
        return local_part
    return '"' + local_part.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _split_mailbox(text: str, utf8: bool) -> tuple[str, str, str]:
    """Parse ``Mailbox = Local-part "@" ( Domain / address-literal )`` (RFC 5321 §4.1.2).

    Returns the de-quoted local part, the local part as it appeared (for the size limit) and the
    domain. Characters have already been checked by the caller.
    """
    if text.startswith('"'):
        # Quoted-string = DQUOTE *QcontentSMTP DQUOTE ; QcontentSMTP = qtextSMTP / quoted-pairSMTP
        chars: list[str] = []
        i = 1
        while True:
            if i >= len(text):
                raise AddressError("unterminated Quoted-string (RFC 5321 §4.1.2)")
            ch = text[i]
            if ch == '"':
                break
            if ch == "\\":
                # quoted-pairSMTP = %d92 %d32-126 (RFC 6531 does not extend it)
                if i + 1 >= len(text) or not "\x20" <= text[i + 1] <= "\x7e":
                    raise AddressError("invalid quoted-pairSMTP (RFC 5321 §4.1.2)")
                chars.append(text[i + 1])
                i += 2
                continue
            # Every other character left here is qtextSMTP (controls were refused before).
            chars.append(ch)
            i += 1
        local_part, wire_local = "".join(chars), text[: i + 1]
        if text[i + 1 : i + 2] != "@":
            raise AddressError('expected "@" after the Quoted-string (RFC 5321 §4.1.2)')
        domain = text[i + 2 :]
    else:
        local_part, at, domain = text.partition("@")
        if not at:
            raise AddressError('Mailbox lacks "@" (RFC 5321 §4.1.2)')
        pattern = _DOT_STRING_UTF8 if utf8 else _DOT_STRING
        if not pattern.fullmatch(local_part):
            raise AddressError(
                "Local-part is neither Dot-string nor Quoted-string (RFC 5321 §4.1.2)"
            )
        wire_local = local_part
    if domain.startswith("["):
        if not is_address_literal(domain):
            raise AddressError(f"invalid address-literal {domain!r} (RFC 5321 §4.1.3)")
    elif not is_domain(domain, utf8=utf8):
        raise AddressError(f"invalid Domain {domain!r} (RFC 5321 §4.1.2)")
    return local_part, wire_local, domain


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox: ``Mailbox = Local-part "@" ( Domain / address-literal )`` (RFC 5321 §4.1.2).

    ``local_part`` is the unquoted value (``'john smith'`` for ``"john smith"@example.com``);
    ``domain`` is a Domain or an address-literal with its brackets. ``domain == ""`` only for the
    special ``<Postmaster>`` forward-path of RFC 5321 §4.1.1.3, with ``local_part ==
    "Postmaster"``. Non-ASCII characters are accepted (see :attr:`needs_smtputf8`); lengths are
    not checked here (RFC 5321 §4.5.3.1: clients may try longer objects).
    """

    local_part: str
    domain: str
    # The text form, made once: parsed addresses are shared (see _parse_mailbox), and the
    # server and client write the same ones for every message.
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.local_part, str) or not isinstance(self.domain, str):
            raise TypeError("Address local_part and domain must be str")
        _check_characters(self.local_part, True, "Local-part")
        _check_characters(self.domain, True, "domain")
        if self.domain == "":
            if self.local_part != "Postmaster":
                raise AddressError('an empty domain is only allowed for "Postmaster" (§4.1.1.3)')
            return
        if not (is_domain(self.domain, utf8=True) or is_address_literal(self.domain)):
            raise AddressError(
                f"{self.domain!r} is neither a Domain nor an address-literal (RFC 5321 §4.1.2)"
            )

    def __str__(self) -> str:
        text = self._text
        if text is None:
            if self.domain == "":
                text = self.local_part
            else:
                text = _format_local_part(self.local_part) + "@" + self.domain
            object.__setattr__(self, "_text", text)
        return text

    @property
    def needs_smtputf8(self) -> bool:
        """Whether the mailbox contains a non-ASCII character (RFC 6531 §3.3)."""
        return not (self.local_part.isascii() and self.domain.isascii())

    @classmethod
    def parse(cls, text: str, *, utf8: bool = True) -> Address:
        """Parse a bare mailbox ``local@domain`` (no angle brackets); no size limits applied."""
        if cls is Address:
            return _parse_mailbox(text, utf8)  # Addresses are immutable: share parsed ones
        _check_characters(text, utf8, "Mailbox")
        local_part, _, domain = _split_mailbox(text, utf8)
        return cls(local_part, domain)


# Senders and recipients repeat from message to message; parsing and validating an address
# is the costliest step of a MAIL or RCPT, so valid ones are remembered (bounded caches).
@functools.lru_cache(maxsize=4096)
def _parse_mailbox(text: str, utf8: bool) -> Address:
    _check_characters(text, utf8, "Mailbox")
    local_part, _, domain = _split_mailbox(text, utf8)
    return Address(local_part, domain)


# --- paths ---------------------------------------------------------------------------------


def split_path(argument: str) -> tuple[str, str]:
    """Split a MAIL/RCPT argument into the ``<...>`` path and the parameters after it.

    RFC 5321 §4.1.1.2: ``mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF``. Leading
    spaces are skipped (many clients send ``MAIL FROM: <a@b>``). The closing ``>`` is looked for
    outside Quoted-strings and address literals, since both may contain ``>``.
    """
    text = argument.lstrip(" ")
    if not text.startswith("<"):
        raise AddressError('path must be enclosed in "<" and ">" (RFC 5321 §4.1.2)')
    i = text.find(">")
    if i < 0 or '"' in text[:i] or "[" in text[:i]:
        i = _path_end(text)
    path, rest = text[: i + 1], text[i + 1 :]
    if rest and rest[0] != " ":
        raise AddressError("expected SP after the path (RFC 5321 §4.1.1.2)")
    return path, rest.lstrip(" ")


def _path_end(text: str) -> int:
    """The index of the ``>`` closing the path, skipping Quoted-strings and address literals."""
    in_quote = in_literal = False
    i = 1
    while i < len(text):
        ch = text[i]
        if in_quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_quote = False
        elif in_literal:
            in_literal = ch != "]"
        elif ch == '"':
            in_quote = True
        elif ch == "[":
            in_literal = True
        elif ch == ">":
            break
        i += 1
    else:
        raise AddressError('path lacks its closing ">" (RFC 5321 §4.1.2)')
    return i


def _strip_brackets(path: str, utf8: bool) -> str:
    _check_characters(path, utf8, "path")
    if len(path) < 2 or path[0] != "<" or path[-1] != ">":
        raise AddressError('path must be enclosed in "<" and ">" (RFC 5321 §4.1.2)')
    return path[1:-1]


def _parse_path(path: str, inner: str, utf8: bool) -> Address:
    """RFC 5321 §4.1.2::

    Path      = "<" [ A-d-l ":" ] Mailbox ">"
    A-d-l     = At-domain *( "," At-domain )
              ; Note that this form, the so-called "source route", MUST BE accepted,
              ; SHOULD NOT be generated, and SHOULD be ignored.
    At-domain = "@" Domain
    """
    if inner.startswith("@"):
        # A Domain never contains ":", so the first one ends the A-d-l.
        adl, colon, inner = inner.partition(":")
        if not colon or not all(
            at_domain.startswith("@") and is_domain(at_domain[1:], utf8=utf8)
            for at_domain in adl.split(",")
        ):
            raise AddressError("invalid source route A-d-l (RFC 5321 §4.1.2, Appendix C)")
    local_part, wire_local, domain = _split_mailbox(inner, utf8)
    if len(wire_local.encode()) > MAX_LOCAL_PART:
        raise AddressError(f"Local-part longer than {MAX_LOCAL_PART} octets (RFC 5321 §4.5.3.1.1)")
    if len(domain.encode()) > MAX_DOMAIN:
        raise AddressError(f"domain longer than {MAX_DOMAIN} octets (RFC 5321 §4.5.3.1.2)")
    if len(path.encode()) > MAX_PATH:
        raise AddressError(f"path longer than {MAX_PATH} octets (RFC 5321 §4.5.3.1.3)")
    return Address(local_part, domain)


@functools.lru_cache(maxsize=4096)
def _reverse_path(path: str, utf8: bool) -> Address | None:
    inner = _strip_brackets(path, utf8)
    if inner == "":
        return None
    return _parse_path(path, inner, utf8)


@functools.lru_cache(maxsize=4096)
def _forward_path(path: str, utf8: bool) -> Address:
    inner = _strip_brackets(path, utf8)
    if inner == "":
        raise AddressError('the null path "<>" is not a Forward-path (RFC 5321 §4.1.2)')
    if inner.isascii() and inner.lower() == "postmaster":
        return Address("Postmaster", "")
    return _parse_path(path, inner, utf8)


def parse_reverse_path(path: str, *, utf8: bool = False) -> Address | None:
    """Parse ``Reverse-path = Path / "<>"`` (RFC 5321 §4.1.2); ``"<>"`` gives ``None``.

    A source route is accepted and dropped (§4.1.1.3, Appendix C); the sizes of §4.5.3.1 are
    enforced (Local-part 64, domain 255, path 256 octets).
    """
    return _reverse_path(path, utf8)


def parse_forward_path(path: str, *, utf8: bool = False) -> Address:
    """Parse a RCPT argument path (RFC 5321 §4.1.1.3)::

    rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path ) ...
    Forward-path = Path

    ``<Postmaster>`` (case-insensitive) gives ``Address("Postmaster", "")``; ``<>`` is an error.
    """
    return _forward_path(path, utf8)


def format_path(address: Address | None) -> str:
    """The wire form of a path: ``"<>"`` for ``None``, otherwise ``"<" Mailbox ">"``."""
    return "<>" if address is None else f"<{address}>"
