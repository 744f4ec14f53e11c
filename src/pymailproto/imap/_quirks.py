"""Named leniencies for real servers: what :class:`~pymailproto.imap.ResponseParser` tolerates.

A server that breaks the grammar still has to be read. Each tolerance here is a *repair*: when
a response does not parse, the parser rewrites a copy of it in one precise way and parses the
copy. So a quirk never changes how a valid response reads (it is only tried after the strict
grammar failed), the error reported when the repaired copy fails too is the original one (its
offset is into the bytes the server sent), nothing is ever emitted this way (serializers write
the grammar's form), and every quirk can be switched off: pass ``quirks=Quirks.NONE`` for the
strict grammar, or any combination of the flags below. :attr:`Quirks.DEFAULT` holds the ones
that cannot change a meaning -- they only accept what has one reading -- and is what the
parser uses unless told otherwise.

Literal octets are never touched (a literal's count stays right): repairs only rewrite the
text between literals, and never the inside of a quoted string, except where noted.

The quirks, each with the servers it was reported against:

``TRAILING_SPACE``
    SP before the final CRLF: ``* CAPABILITY IMAP4rev1 \\r\\n`` (imap.exmail.qq.com after
    login; emersion/go-imap#571, modern-email/defects#21; iCloud, apple/swift-nio-imap#233),
    ``* STATUS INBOX (MESSAGES 0) `` (emersion/go-imap#540, modern-email/defects#9),
    ``* SEARCH 28219 29170 `` (David.fx server, jstedfast/MailKit#422). The spaces are
    dropped.
``SPACE_BEFORE_PAREN``
    SP before ``)``: ``* 11487 FETCH (UID 19436 )`` (imap.qq.com, jakartaee/mail-api#209), a
    BODYSTRUCTURE's ``... NIL )`` (yahoo.co.jp, emailjs/emailjs-imap-handler#8). Dropped.
``DOUBLE_SPACE``
    Several SP where the grammar has one: ``LITERAL+  STARTTLS`` in a CAPABILITY list
    (imap-n.global-mail.cn, emersion/go-imap#653), ``(STORAGE  10 512)`` in QUOTA (imap-codec's
    ``quirk_excessive_space_quota_resource``). Collapsed to one.
``MISSING_TEXT``
    A status response without the SP that ``resp-text`` follows: ``A6 OK`` (ppops.net,
    mscdex/node-imap#537), ``* BYE`` (iCloud at logout, djc/imap-proto#131), codes alone
    (apple/swift-nio-imap#550). Read with an empty text. (A code followed directly by CRLF,
    ``* OK [UIDVALIDITY 1]``, is already read by :mod:`~pymailproto.imap._codes`: RFC 9051
    §7.1's own example ``e NO [CONTACTADMIN]`` has it.)
``EMPTY_CONTINUATION``
    ``+`` CRLF without the SP (Yandex, djc/imap-proto#67; apple/swift-nio-imap#222;
    modern-email/defects#7): an empty continuation request.
``CAPABILITY_WITHOUT_VERSION``
    A capability list without ``IMAP4rev1``/``IMAP4rev2``, which ``capability-data`` requires
    (RFC 9051 §9; RFC 3501 §7.2.1 "MUST include the atom IMAP4rev1"). No server is known to
    do this; the tolerance exists because a list without the version still says exactly what
    the server offers. Strict, ``* CAPABILITY`` without it is an error, and ``[CAPABILITY ...]``
    without it reads as the grammar's generic code (an ``UnknownCode``) -- the same rule for
    both forms.
``EIGHT_BIT``
    8-bit octets in quoted strings and text when UTF-8 is not enabled: Proton Mail Bridge
    sends header values raw (modern-email/defects#38); others send Latin-1 (djc/imap-proto#62).
    The response is read again as if UTF8=ACCEPT were on (mailbox names included), and with
    quoted strings allowed to hold any 8-bit octets, kept as sent (the literal they should
    have been); in the text of a status response, octets that are not UTF-8 become U+FFFD
    (the text is for humans).
``UNESCAPED_QUOTES`` (not in DEFAULT)
    A DQUOTE inside a quoted string sent without its backslash:
    ``"<1763943481.JavaMail."cv@notice.zhipin.com"@v-bosszpmail-01>"`` (jakartaee/mail-api#669),
    ``"TEXT" "HTML""`` (jstedfast/MailKit#485), GreenMail's message ids (greenmail#4), Cyrus
    (cyrusimap/cyrus-imapd#427). Where parsing fails right after a DQUOTE, that DQUOTE is taken
    as part of the string, and parsing is tried again (at most :data:`MAX_QUOTE_REPAIRS`
    times). It is a guess -- a string holding ``" "`` and a valid string boundary look alike
    -- so it is opt-in.

The structure parsers have always-on leniencies of their own (SP between body parts or
addresses, a NIL encoding, Gmail's empty multipart, ...): see
:mod:`pymailproto.imap._body_parse`, which indexes them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence

from pymailproto.imap._framing_events import LiteralSpan

__all__ = [
    "MAX_QUOTE_REPAIRS",
    "Quirks",
    "Repaired",
    "repair_spaces",
    "repair_status_text",
    "repair_unescaped_quote",
]

#: How many DQUOTEs one response may have repaired (``UNESCAPED_QUOTES``): each costs a parse.
MAX_QUOTE_REPAIRS = 8


class Quirks(enum.Flag):
    """The leniencies of the response parser; see the module docstring for each."""

    NONE = 0
    TRAILING_SPACE = 1
    SPACE_BEFORE_PAREN = 2
    DOUBLE_SPACE = 4
    MISSING_TEXT = 8
    EMPTY_CONTINUATION = 16
    CAPABILITY_WITHOUT_VERSION = 32
    EIGHT_BIT = 64
    UNESCAPED_QUOTES = 128
    #: Every quirk that only accepts input with one possible reading.
    DEFAULT = 127
    ALL = 255


#: A repaired message: the new bytes, and where each of the original literals now starts.
Repaired = tuple[bytes, tuple[int, ...]]

# Text between literals, as quoted strings (which repairs leave alone) and the rest.
_PIECES = re.compile(rb'"(?:[^"\\\r\n]|\\.)*"|[^"]+|"')
_DOUBLE_SPACE = re.compile(rb"  +")
_SPACE_BEFORE_PAREN = re.compile(rb" +\)")
_TRAILING_SPACE = re.compile(rb" +(?=\r\n\Z)")


def _rewrite(
    data: bytes, literals: Sequence[LiteralSpan], edit: Callable[[bytes, bool], bytes]
) -> Repaired | None:
    """Apply ``edit(text, last)`` to each stretch of text between literals; None if nothing
    changed. ``last`` is set for the stretch that ends the message."""
    out: list[bytes] = []
    offsets: list[int] = []
    size = 0
    position = 0
    changed = False
    for index in range(len(literals) + 1):
        last = index == len(literals)
        stop = len(data) if last else literals[index].offset
        text = data[position:stop]
        new = edit(text, last)
        changed = changed or new != text
        out.append(new)
        size += len(new)
        if not last:
            span = literals[index]
            offsets.append(size)
            octets = data[span.offset : span.end]
            out.append(octets)
            size += len(octets)
            position = span.end
    if not changed:
        return None
    return b"".join(out), tuple(offsets)


def _outside_strings(text: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    """``edit`` applied to the parts of ``text`` that are not quoted strings."""
    return b"".join(
        piece if piece.startswith(b'"') else edit(piece) for piece in _PIECES.findall(text)
    )


def repair_spaces(data: bytes, literals: Sequence[LiteralSpan], quirks: Quirks) -> Repaired | None:
    """``TRAILING_SPACE``, ``SPACE_BEFORE_PAREN`` and ``DOUBLE_SPACE``, as enabled, outside
    quoted strings and literals (for data responses: they hold no free text)."""
    double = Quirks.DOUBLE_SPACE in quirks
    paren = Quirks.SPACE_BEFORE_PAREN in quirks
    trailing = Quirks.TRAILING_SPACE in quirks
    if not (double or paren or trailing):
        return None

    def fix(piece: bytes) -> bytes:
        if double:
            piece = _DOUBLE_SPACE.sub(b" ", piece)
        if paren:
            piece = _SPACE_BEFORE_PAREN.sub(b")", piece)
        return piece

    def edit(text: bytes, last: bool) -> bytes:
        text = _outside_strings(text, fix)
        if trailing and last:
            text = _TRAILING_SPACE.sub(b"", text)
        return text

    return _rewrite(data, literals, edit)


_BARE_CONDITION = re.compile(rb"[^ \r\n]+ (?i:OK|NO|BAD|BYE|PREAUTH)(?=\r\n\Z)")


def repair_status_text(data: bytes, quirks: Quirks) -> bytes | None:
    """``MISSING_TEXT`` (``A6 OK`` CRLF) and ``EMPTY_CONTINUATION`` (``+`` CRLF): add the SP
    before the empty text."""
    if data == b"+\r\n":
        return b"+ \r\n" if Quirks.EMPTY_CONTINUATION in quirks else None
    if Quirks.MISSING_TEXT in quirks and _BARE_CONDITION.match(data) is not None:
        return data[:-2] + b" \r\n"
    return None


def repair_unescaped_quote(
    data: bytes, literals: Sequence[LiteralSpan], offset: int
) -> Repaired | None:
    """``UNESCAPED_QUOTES``: escape the last DQUOTE before ``offset`` (where parsing failed),
    if it is in the text between literals and not escaped already."""
    start = 0
    stop = len(data)
    for span in literals:
        if span.offset > offset:
            stop = span.offset
            break
        start = span.end
    if offset > stop or offset < start:
        return None  # inside a literal's octets
    quote = data.rfind(b'"', start, offset)
    if quote < 0:
        return None
    slashes = len(data[start:quote]) - len(data[start:quote].rstrip(b"\\"))
    if slashes % 2:
        return None
    fixed = data[:quote] + b"\\" + data[quote:]
    offsets = tuple(span.offset + (span.offset > quote) for span in literals)
    return fixed, offsets
