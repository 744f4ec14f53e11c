"""Lexical pieces of header field values (RFC 5322 §3.2, RFC 2045 §5.1), shared by the MIME
field parsers and the address parser.

Everything works on ``bytes`` and never raises: an unterminated comment or quoted string runs to
the end of the value, as Dovecot reads them.
"""

from __future__ import annotations

import re

__all__ = ["comment_end", "decode_text", "skip_cfws", "unfold", "unquote"]

# RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by WSP. A header value as cut
# out of a field also ends with its own line break, and may start with the WSP after the colon.
_LINE_BREAK = re.compile(rb"\r?\n")
_STRIP = b" \t\r\n"
_WSP = re.compile(rb"[ \t\r\n]*")
_QUOTED_PAIR = re.compile(rb"\\(.)", re.S)


def unfold(value: bytes) -> bytes:
    """A field body with its folding line breaks removed and outer whitespace stripped.

    ``b" a\\r\\n b\\r\\n"`` gives ``b"a b"``: only the CRLFs go, the WSP after them stays.
    """
    return _LINE_BREAK.sub(b"", value).strip(_STRIP)


def comment_end(value: bytes, pos: int) -> tuple[int, bool]:
    """Where the comment opening at ``value[pos] == "("`` ends (RFC 5322 §3.2.2: comments nest,
    and a backslash quotes the next octet), and whether it was closed (if not, it runs to the
    end of ``value``)."""
    depth = 0
    end = len(value)
    while pos < end:
        octet = value[pos]
        if octet == 0x5C:  # quoted-pair
            pos += 2
            continue
        if octet == 0x28:
            depth += 1
        elif octet == 0x29:
            depth -= 1
            if depth == 0:
                return pos + 1, True
        pos += 1
    return end, False


def skip_cfws(value: bytes, pos: int) -> int:
    """``pos`` moved past any folding whitespace and comments (RFC 5322 §3.2.2 CFWS)."""
    end = len(value)
    while True:
        match = _WSP.match(value, pos)
        assert match is not None  # the pattern matches the empty string
        pos = match.end()
        if pos >= end or value[pos] != 0x28:
            return pos
        pos, _ = comment_end(value, pos)


def unquote(text: bytes) -> bytes:
    """The content of a quoted string or comment: quoted-pairs (``\\x``) resolved."""
    return _QUOTED_PAIR.sub(rb"\1", text) if b"\\" in text else text


def decode_text(value: bytes) -> str:
    """Header text as ``str``: UTF-8 (RFC 6532; invalid octets become U+FFFD), then RFC 2047
    encoded-words decoded with :mod:`email.header`. Text that cannot be decoded (an unknown
    charset, a broken encoded-word) is returned undecoded."""
    text = value.decode("utf-8", "replace")
    if "=?" not in text:
        return text
    from email.errors import HeaderParseError  # noqa: PLC0415 (imported on first use)
    from email.header import decode_header, make_header  # noqa: PLC0415

    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text
