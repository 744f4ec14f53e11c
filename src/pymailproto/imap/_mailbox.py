"""Mailbox names: INBOX, modified UTF-7 and UTF-8 on the wire.

RFC 9051 §9::

    mailbox         = "INBOX" / astring
                        ; INBOX is case insensitive.  All case variants
                        ; of INBOX (e.g., "iNbOx") MUST be interpreted as
                        ; INBOX, not as an astring.

On the wire a name is encoded in one of two ways, depending on the session, not on the name:

* IMAP4rev1 (RFC 3501 §5.1.3, RFC 9051 Appendix A.1): modified UTF-7 -- printable ASCII
  except "&" as itself, "&" as "&-", everything else as modified BASE64 of UTF-16 between
  "&" and "-". Decoding here is strict: only the one canonical encoding of each name is
  accepted (no BASE64 for printable ASCII, no padding or stray bits, no "-&" null shift, every
  shift closed by "-"), as the RFC's "MUST NOT" rules demand.
* After ``ENABLE UTF8=ACCEPT`` (RFC 6855 §3) or ``ENABLE IMAP4rev2`` (RFC 9051 §5.1): UTF-8,
  without control characters, U+2028 or U+2029 (RFC 6855 §3).

Mailbox names are plain ``str`` in the API, not a value class: they are dict keys in the
mailstore and user code, they are shown to users, and their wire form depends on the session
state (UTF-8 enabled or not), so a value object could not fix its bytes at construction anyway.
The one piece of canonicalisation -- every case variant of INBOX is ``"INBOX"`` -- happens in
:func:`normalize_mailbox`, which both :func:`encode_mailbox` and :func:`decode_mailbox` apply.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader

__all__ = [
    "INBOX",
    "decode_mailbox",
    "encode_mailbox",
    "is_inbox",
    "join_mailbox",
    "normalize_mailbox",
    "read_mailbox",
    "split_mailbox",
    "utf7_decode",
    "utf7_encode",
]

INBOX = "INBOX"

# RFC 3501 §5.1.3: "printable US-ASCII characters, except for "&", represent themselves; that
# is, characters with octet values 0x20-0x25 and 0x27-0x7e."
_DIRECT = re.compile(r"[\x20-\x25\x27-\x7e]*")
_RUNS = re.compile(r"([\x20-\x7e]+)|([^\x20-\x7e]+)")
_DIRECT_BYTES = re.compile(rb"[\x20-\x25\x27-\x7e]*")
# "&" shifts to modified BASE64 ("," instead of "/"), "-" shifts back; "&-" is "&".
_SHIFTED = re.compile(rb"&([A-Za-z0-9+,]*)-")
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+,]*")
# RFC 6855 §3: names "MUST NOT contain control characters (U+0000-U+001F and U+0080-U+009F),
# a delete character (U+007F), a line separator (U+2028), or a paragraph separator (U+2029)".
_NOT_IN_UTF8_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class _BadName(Exception):
    def __init__(self, problem: str, index: int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.index = index


def is_inbox(name: str) -> bool:
    """Whether ``name`` is INBOX in some case (RFC 9051 §5.1).

    ASCII case only: ``"\u0131nbox"`` (dotless i) upper-cases to ``"INBOX"`` in Unicode, but the
    ABNF's case-insensitivity (RFC 9051 §9 note 1, RFC 5234 §2.3) is about US-ASCII letters.
    """
    return len(name) == 5 and name.isascii() and name.upper() == INBOX


def normalize_mailbox(name: str) -> str:
    """``"INBOX"`` for every case variant of INBOX, otherwise ``name`` unchanged.

    Only the whole name is special (RFC 9051 §5.1); ``inbox/Sent`` is left alone.
    """
    return INBOX if is_inbox(name) else name


# --- modified UTF-7 -------------------------------------------------------------------------------


def utf7_encode(name: str) -> bytes:
    """The modified UTF-7 form of ``name`` (RFC 3501 §5.1.3)."""
    if _DIRECT.fullmatch(name) is not None:
        return name.encode("ascii")
    out = []
    for direct, shifted in _RUNS.findall(name):
        if direct:
            out.append(direct.replace("&", "&-").encode("ascii"))
            continue
        try:
            utf16 = shifted.encode("utf-16-be")
        except UnicodeEncodeError:
            raise IMAPValueError(f"mailbox name has no Unicode form: {name!r}") from None
        out.append(b"&" + _b64encode(utf16) + b"-")
    return b"".join(out)


def _b64encode(utf16: bytes) -> bytes:
    return base64.b64encode(utf16).rstrip(b"=").replace(b"/", b",")


def _utf7_decode(data: bytes) -> str:
    """Strict modified UTF-7 decoding; raises :class:`_BadName` with the failing index."""
    if _DIRECT_BYTES.fullmatch(data) is not None:
        return data.decode("ascii")
    out: list[str] = []
    pos = 0
    last_shift_end = -1
    end = len(data)
    while pos < end:
        direct = _DIRECT_BYTES.match(data, pos).end()  # type: ignore[union-attr]
        out.append(data[pos:direct].decode("ascii"))
        pos = direct
        if pos == end:
            break
        if data[pos] != 0x26:
            raise _BadName("octet that is neither printable ASCII nor modified BASE64", pos)
        m = _SHIFTED.match(data, pos)
        if m is None:
            stop = _BASE64_RUN.match(data, pos + 1).end()  # type: ignore[union-attr]
            if stop == end:
                raise _BadName('"&" shift not closed by "-" (RFC 3501 §5.1.3)', pos)
            raise _BadName(
                '"-" expected to close the modified BASE64 shift (RFC 3501 §5.1.3)', stop
            )
        encoded = m.group(1)
        if not encoded:
            out.append("&")
        else:
            if pos == last_shift_end:
                raise _BadName('null shift "-&" (RFC 3501 §5.1.3)', pos)
            out.append(_decode_shift(encoded, pos + 1))
            last_shift_end = m.end()
        pos = m.end()
    return "".join(out)


def _decode_shift(encoded: bytes, index: int) -> str:
    # k UTF-16 units are 16k bits, written in ceil(16k / 6) characters with the stray bits zero.
    units = len(encoded) * 6 // 16
    standard = encoded.replace(b",", b"/")
    try:
        utf16 = base64.b64decode(standard + b"=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        raise _BadName("modified BASE64 of impossible length", index) from None
    if units == 0 or len(utf16) != 2 * units or _b64encode(utf16) != encoded:
        raise _BadName("non-canonical modified BASE64 (length or stray bits)", index)
    try:
        text = utf16.decode("utf-16-be")
    except UnicodeDecodeError:
        raise _BadName("modified BASE64 is not valid UTF-16", index) from None
    if any("\x20" <= ch <= "\x7e" for ch in text):
        raise _BadName("modified BASE64 used for printable US-ASCII (RFC 3501 §5.1.3)", index)
    return text


def utf7_decode(data: bytes) -> str:
    """Decode a modified UTF-7 name (RFC 3501 §5.1.3), refusing every non-canonical form."""
    try:
        return _utf7_decode(data)
    except _BadName as exc:
        raise IMAPValueError(
            f"invalid modified UTF-7 mailbox name {data!r}: {exc.problem} at index {exc.index}"
        ) from None


# --- session-dependent wire forms ----------------------------------------------------------------


def encode_mailbox(name: str, *, utf8: bool) -> bytes:
    """The octets of mailbox ``name`` on the wire (to be sent as an astring).

    ``utf8``: UTF-8 is enabled (RFC 6855 §3 / IMAP4rev2); otherwise modified UTF-7.
    """
    if not isinstance(name, str):
        raise TypeError(f"mailbox names are str, not {type(name).__name__}")
    name = normalize_mailbox(name)
    if not utf8:
        return utf7_encode(name)
    bad = _NOT_IN_UTF8_NAMES.search(name)
    if bad is not None:
        raise IMAPValueError(
            f"mailbox name may not contain {bad.group()!r} (RFC 6855 §3): {name!r}"
        )
    return name.encode("utf-8")


def _decode(data: bytes, utf8: bool) -> str:
    if not utf8:
        return normalize_mailbox(_utf7_decode(data))
    try:
        name = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadName("invalid UTF-8 (RFC 6855 §3)", exc.start) from None
    bad = _NOT_IN_UTF8_NAMES.search(name)
    if bad is not None:
        raise _BadName(f"{bad.group()!r} is not allowed in a name (RFC 6855 §3)", bad.start())
    return normalize_mailbox(name)


def decode_mailbox(data: bytes, *, utf8: bool) -> str:
    """The mailbox name that the octets ``data`` denote (see :func:`encode_mailbox`)."""
    try:
        return _decode(data, utf8)
    except _BadName as exc:
        raise IMAPValueError(
            f"invalid mailbox name {data!r}: {exc.problem} at index {exc.index}"
        ) from None


def read_mailbox(reader: Reader, *, utf8: bool) -> str:
    """``mailbox = "INBOX" / astring`` (RFC 9051 §9), decoded.

    An undecodable name is an :class:`IMAPParseError` whose offset is where the name starts.
    """
    start = reader.pos
    data = reader.read_astring()
    try:
        return _decode(data, utf8)
    except _BadName as exc:
        reader.pos = start
        raise IMAPParseError(
            f"invalid mailbox name at offset {start}: {exc.problem} "
            f"at octet {exc.index} of the name",
            offset=start,
            tag=reader.tag,
        ) from None


# --- hierarchy ------------------------------------------------------------------------------------


def split_mailbox(name: str, delimiter: str | None) -> list[str]:
    """The levels of ``name`` (RFC 9051 §5.1.1: one delimiter character for all levels).

    ``delimiter`` is what LIST returned; None (NIL) means a flat namespace.
    """
    if delimiter is None:
        return [name]
    if len(delimiter) != 1:
        raise IMAPValueError(f"a hierarchy delimiter is a single character: {delimiter!r}")
    return name.split(delimiter)


def join_mailbox(levels: Iterable[str], delimiter: str) -> str:
    """The name made of ``levels`` (none of which may contain the delimiter)."""
    if len(delimiter) != 1:
        raise IMAPValueError(f"a hierarchy delimiter is a single character: {delimiter!r}")
    parts = list(levels)
    for part in parts:
        if delimiter in part:
            raise IMAPValueError(f"level {part!r} contains the delimiter {delimiter!r}")
    if not parts:
        raise IMAPValueError("a mailbox name has at least one level")
    return normalize_mailbox(delimiter.join(parts))
