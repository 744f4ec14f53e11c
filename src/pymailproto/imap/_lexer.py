"""The IMAP lexer: a cursor over one complete message and the terminals of the grammar.

The framer hands the grammar one complete command or response exactly as it was on the wire --
literals inline, final CRLF included -- and the grammar parses it in one pass with a
:class:`Reader`. A reader is a position in that buffer plus one method per terminal of RFC 9051
§9 (and the RFC 3501 / RFC 6855 / RFC 7162 / RFC 7888 variants); each method either consumes its
terminal and returns its value, or raises :class:`~pymailproto.imap.IMAPParseError` carrying the
byte offset where the terminal was expected, without moving the cursor. (The list readers,
:meth:`Reader.read_list` and :meth:`Reader.read_body_extension`, may have consumed part of the
list when they raise.)

Conventions that the grammar modules built on the reader follow:

* ``read_x()`` consumes an ``x`` or raises; ``skip_x()`` consumes it if present and says whether
  it did; ``at(...)``/``peek()`` look without consuming.
* Keywords of the grammar are case-insensitive (RFC 9051 §9, note 1): :meth:`Reader.read_keyword`
  returns them upper-cased, :meth:`Reader.skip_keyword` compares case-insensitively.
* Strings (quoted, literal, astring, nstring) are returned as ``bytes``: IMAP strings are octets,
  and only the consumer knows the charset (a mailbox name, a header, a message body). Atoms,
  tags and keywords are ASCII by grammar and are returned as ``str``.
* Parenthesised lists go through :meth:`Reader.open_list` / :meth:`Reader.close_list`, which count
  the nesting depth and refuse to go deeper than ``max_depth``; recursive parsers built on them
  therefore cannot be driven into a ``RecursionError`` by hostile input.
* A reader that raised is not reused: the message is bad as a whole.

Every terminal is matched by a precompiled pattern at the current position
(``pattern.match(buf, pos)``) or found with ``bytes.find`` (the closing DQUOTE), so there is no
per-byte Python loop anywhere on the hot path.

Literals: :meth:`Reader.read_literal` takes the ``n`` octets that follow ``{n}\\r\\n`` in the
buffer. All literal bodies are taken by one private method (``_take``, called with the offset
right after the announcing CRLF -- the framer's ``LiteralSpan.offset``). For streamed literals,
whose octets are absent from the buffer, the response parser uses a reader subclass whose
``_take`` returns a placeholder (see ``_response_parser``); the grammar code is unchanged.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
from typing import TypeAlias, TypeVar

from pymailproto.imap._errors import IMAPParseError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "MAX_NUMBER",
    "MAX_NUMBER64",
    "BodyExtension",
    "Reader",
]

T = TypeVar("T")

#: RFC 9051 §9: number = 1*DIGIT ; Unsigned 32-bit integer (0 <= n < 4,294,967,296)
MAX_NUMBER = 0xFFFF_FFFF
#: RFC 9051 §9: number64 = 1*DIGIT ; Unsigned 63-bit integer (0 <= n <= 9,223,372,036,854,775,807);
#: RFC 7162 §7 mod-sequence-value has the same upper bound.
MAX_NUMBER64 = 0x7FFF_FFFF_FFFF_FFFF
#: Parentheses a message may nest before the reader refuses it. Not from an RFC: deep enough for
#: any real BODYSTRUCTURE (each MIME level costs two or three levels of parentheses), shallow
#: enough that recursive parsers stay far below Python's recursion limit.
DEFAULT_MAX_DEPTH = 100

#: A body-extension value (RFC 9051 §9): an nstring (bytes or None), a number, or a list.
BodyExtension: TypeAlias = bytes | int | tuple["BodyExtension", ...] | None

# --- terminals ------------------------------------------------------------------------------------
# RFC 9051 §9 (same in RFC 3501 §9):
#   ATOM-CHAR      = <any CHAR except atom-specials>
#   atom-specials  = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
#   list-wildcards = "%" / "*";  quoted-specials = DQUOTE / "\";  resp-specials = "]"
# CHAR is %x01-7F and CTL is %x00-1F / %x7F (RFC 5234 B.1), so no 8-bit octet is an ATOM-CHAR.
_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
#   ASTRING-CHAR   = ATOM-CHAR / resp-specials
_ASTRING_CHARS = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\]+')
#   tag            = 1*<any ASTRING-CHAR except "+">
_TAG = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\+]+')
#   list-char      = ATOM-CHAR / list-wildcards / resp-specials
_LIST_CHARS = re.compile(rb'[^\x00-\x20\x7f-\xff(){"\\]+')
#   tagged-ext-label    = tagged-label-fchar *tagged-label-char
#   tagged-label-fchar  = ALPHA / "-" / "_" / "."
#   tagged-label-char   = tagged-label-fchar / DIGIT / ":"
# Every keyword of the grammar ("FETCH", "RFC822.SIZE", "BODY.PEEK", "X-GM-MSGID") has this shape.
_KEYWORD = re.compile(rb"[A-Za-z_.\-][A-Za-z0-9_.:\-]*")
# The same few keywords arrive in every message: remember their upper-cased str (bounded, so
# that a peer sending endless new words cannot grow it; emptied when full).
_KEYWORDS: dict[bytes, str] = {}
_KEYWORDS_MAX = 4096
_KEYWORD_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")
#   quoted      = DQUOTE *QUOTED-CHAR DQUOTE
#   QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials /
#                 UTF8-2 / UTF8-3 / UTF8-4
#   TEXT-CHAR   = <any CHAR except CR and LF>
# Written as normal* (special normal*)* so that a failing match cannot backtrack exponentially.
# 8-bit octets are matched here and judged afterwards (UTF-8 validity, the utf8 flag).
_QUOTED = re.compile(rb'"([^"\\\r\n\x00]*(?:\\["\\][^"\\\r\n\x00]*)*)"')
_QUOTED_PREFIX = re.compile(rb'"[^"\\\r\n\x00]*(?:\\["\\][^"\\\r\n\x00]*)*')
_UNESCAPE = re.compile(rb'\\(["\\])')
#   literal  = "{" number64 ["+"] "}" CRLF *CHAR8   (RFC 9051; RFC 3501/7888: number)
#   literal8 = "~{" number64 "}" CRLF *OCTET       (RFC 9051; the "+" of RFC 4466 is allowed
#                                                    with LITERAL+/- and BINARY, RFC 7888 §6)
_LITERAL = re.compile(rb"\{([0-9]+)(\+?)\}\r\n")
_LITERAL8 = re.compile(rb"~\{([0-9]+)(\+?)\}\r\n")
#   number = 1*DIGIT;  nz-number = digit-nz *DIGIT;  digit-nz = %x31-39
_DIGITS = re.compile(rb"[0-9]+")
_NZ_DIGITS = re.compile(rb"[1-9][0-9]*")
#   text = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4)
_TEXT = re.compile(rb"[^\r\n\x00]+")
#   base64          = *(4base64-char) [base64-terminal]
#   base64-char     = ALPHA / DIGIT / "+" / "/"
#   base64-terminal = (2base64-char "==") / (3base64-char "=")
_BASE64 = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")


class Reader:
    """A cursor over one complete IMAP message (command or response, final CRLF included).

    ``utf8``: accept UTF-8 in quoted strings and text (RFC 9051 §4.3.1, RFC 6855 §3
    ``uQUOTED-CHAR``); with ``False`` only the 7-bit RFC 3501 grammar is accepted. Either way,
    8-bit octets that are not well-formed UTF-8 are refused (RFC 6855 §3: "MUST reject").

    ``nonsync``: accept non-synchronizing literals ``{n+}`` (RFC 7888 §3). A client reading
    responses passes ``False``: they "MUST NOT be sent from server to client" (RFC 9051 §4.3).

    ``max_depth``: how deeply parentheses may nest (see :meth:`open_list`).

    ``tag``: the tag of the message, once known; :meth:`read_tag` sets it, and every error the
    reader raises carries it.
    """

    __slots__ = ("buf", "depth", "end", "max_depth", "nonsync", "pos", "tag", "utf8")

    def __init__(
        self,
        buf: bytes,
        pos: int = 0,
        *,
        utf8: bool = True,
        nonsync: bool = True,
        max_depth: int = DEFAULT_MAX_DEPTH,
        tag: str | None = None,
    ) -> None:
        self.buf = buf
        self.pos = pos
        self.end = len(buf)
        self.utf8 = utf8
        self.nonsync = nonsync
        self.max_depth = max_depth
        self.depth = 0
        self.tag = tag

    def __repr__(self) -> str:
        return f"<Reader at {self.pos} of {self.end}: {self.buf[self.pos : self.pos + 24]!r}>"

    # --- errors ----------------------------------------------------------------------------

    def error(self, expected: str, pos: int | None = None) -> IMAPParseError:
        """An error saying ``expected`` was expected at ``pos`` (default: here); raise it."""
        if pos is None:
            pos = self.pos
        found = "the end of the message" if pos >= self.end else repr(self.buf[pos : pos + 16])
        return IMAPParseError(
            f"expected {expected} at offset {pos}, found {found}", offset=pos, tag=self.tag
        )

    def fail(self, problem: str, pos: int | None = None) -> IMAPParseError:
        """An error describing ``problem`` at ``pos`` (default: here); raise it."""
        if pos is None:
            pos = self.pos
        return IMAPParseError(f"{problem} at offset {pos}", offset=pos, tag=self.tag)

    # --- looking ahead ---------------------------------------------------------------------

    def peek(self) -> int:
        """The next octet as an int, or -1 at the end of the message; never consumes."""
        pos = self.pos
        return self.buf[pos] if pos < self.end else -1

    def at(self, token: bytes) -> bool:
        """Whether the message continues with exactly ``token`` (case-sensitive)."""
        return self.buf.startswith(token, self.pos)

    def at_end(self) -> bool:
        """Whether the whole message has been consumed."""
        return self.pos >= self.end

    # --- punctuation and keywords ----------------------------------------------------------

    def skip(self, token: bytes) -> bool:
        """Consume ``token`` (case-sensitive) if it comes next; say whether it did."""
        if self.buf.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: bytes) -> None:
        """Consume ``token`` (case-sensitive) or raise."""
        if self.buf.startswith(token, self.pos):
            self.pos += len(token)
            return
        raise self.error('"' + token.decode("latin-1") + '"')

    def skip_sp(self) -> bool:
        """Consume one SP if it comes next (RFC 9051 §9 note 2: exactly one space)."""
        pos = self.pos
        if pos < self.end and self.buf[pos] == 0x20:
            self.pos = pos + 1
            return True
        return False

    def expect_sp(self) -> None:
        """``SP`` -- exactly one space (RFC 9051 §9 note 2)."""
        pos = self.pos
        if pos < self.end and self.buf[pos] == 0x20:
            self.pos = pos + 1
            return
        raise self.error("SP")

    def expect_crlf(self) -> None:
        """``CRLF``."""
        if self.buf.startswith(b"\r\n", self.pos):
            self.pos += 2
            return
        raise self.error("CRLF")

    def finish(self) -> None:
        """The final ``CRLF`` of the message, and nothing after it."""
        self.expect_crlf()
        if self.pos != self.end:
            raise self.error("the end of the message")

    def read_keyword(self) -> str:
        """A keyword of the grammar, upper-cased (RFC 9051 §9 note 1: case-insensitive)::

            tagged-ext-label    = tagged-label-fchar *tagged-label-char
            tagged-label-fchar  = ALPHA / "-" / "_" / "."
            tagged-label-char   = tagged-label-fchar / DIGIT / ":"

        It stops before ``[``, so ``BODY[TEXT]`` reads as ``"BODY"`` and leaves the section.
        """
        m = _KEYWORD.match(self.buf, self.pos)
        if m is None:
            raise self.error("a keyword")
        self.pos = m.end()
        word = m.group()
        keyword = _KEYWORDS.get(word)
        if keyword is None:
            keyword = word.decode("ascii").upper()
            if len(_KEYWORDS) >= _KEYWORDS_MAX:
                _KEYWORDS.clear()  # a peer sending endless new words cannot pin the cache
            _KEYWORDS[word] = keyword
        return keyword

    def skip_keyword(self, word: bytes) -> bool:
        """Consume the keyword ``word`` (given upper-case) in any case, if it comes next.

        The keyword must end there: ``skip_keyword(b"BODY")`` does not match ``BODYSTRUCTURE``
        or ``BODY.PEEK``, but does match ``BODY[`` and ``BODY SP``.
        """
        buf = self.buf
        pos = self.pos
        stop = pos + len(word)
        if buf[pos:stop].upper() != word or (stop < self.end and buf[stop] in _KEYWORD_CHARS):
            return False
        self.pos = stop
        return True

    def expect_keyword(self, word: bytes) -> None:
        """Consume the keyword ``word`` (given upper-case) in any case, or raise."""
        if not self.skip_keyword(word):
            raise self.error('"' + word.decode("ascii") + '"')

    # --- atoms and tags ----------------------------------------------------------------------

    def read_atom(self) -> str:
        """``atom = 1*ATOM-CHAR`` (RFC 9051 §9), as spelled."""
        m = _ATOM.match(self.buf, self.pos)
        if m is None:
            raise self.error("atom")
        self.pos = m.end()
        return m.group().decode("ascii")

    def read_tag(self) -> str:
        """``tag = 1*<any ASTRING-CHAR except "+">`` (RFC 9051 §9); remembered in :attr:`tag`."""
        m = _TAG.match(self.buf, self.pos)
        if m is None:
            raise self.error("tag")
        self.pos = m.end()
        tag = m.group().decode("ascii")
        self.tag = tag
        return tag

    # --- strings -----------------------------------------------------------------------------

    def read_quoted(self) -> bytes:
        """A quoted string's content, unescaped (RFC 9051 §9)::

            quoted          = DQUOTE *QUOTED-CHAR DQUOTE
            QUOTED-CHAR     = <any TEXT-CHAR except quoted-specials> /
                              "\\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4
            quoted-specials = DQUOTE / "\\"

        UTF8-2/3/4 only with ``utf8`` (RFC 3501 §9 has the 7-bit form alone).
        """
        buf = self.buf
        pos = self.pos
        if pos < self.end and buf[pos] == 0x22:
            # Fast path: without a backslash the next DQUOTE closes the string, and memchr
            # finds it faster than a character-class pattern walks to it. ("0x5C in data"
            # with an int is a plain memchr; a bytes needle costs several times more.)
            close = buf.find(0x22, pos + 1)
            if close > 0:
                data = buf[pos + 1 : close]
                if (
                    0x5C not in data
                    and 0x0D not in data
                    and 0x0A not in data
                    and 0 not in data
                    and data.isascii()
                ):
                    self.pos = close + 1
                    return data
        return self._read_quoted(pos)

    def _read_quoted(self, pos: int) -> bytes:
        """The general case of :meth:`read_quoted`: quoted-pairs, 8-bit octets, errors."""
        m = _QUOTED.match(self.buf, pos)
        if m is None:
            raise self._quoted_error(pos)
        data = m.group(1)
        if not data.isascii():
            self._check_8bit(data, pos + 1, "quoted string")
        if 0x5C in data:
            data = _UNESCAPE.sub(rb"\1", data)
        self.pos = m.end()
        return data

    def _quoted_error(self, pos: int) -> IMAPParseError:
        if not self.buf.startswith(b'"', pos):
            return self.error("quoted string", pos)
        stop = _QUOTED_PREFIX.match(self.buf, pos).end()  # type: ignore[union-attr]
        octet = self.buf[stop] if stop < self.end else -1
        if octet == 0x5C:
            return self.error('DQUOTE or "\\" after "\\" (quoted-specials)', stop + 1)
        if octet == 0:
            return self.fail("NUL in quoted string (RFC 9051 §9 note 3)", stop)
        return self.error("DQUOTE closing the quoted string", stop)

    def _check_8bit(self, data: bytes, start: int, what: str) -> None:
        """8-bit octets need ``utf8`` and must be UTF-8 (RFC 6855 §3, RFC 3629 §4)."""
        if not self.utf8:
            first = _EIGHT_BIT.search(data).start()  # type: ignore[union-attr]
            raise self.fail(
                f"8-bit octet in {what} (needs UTF8=ACCEPT or IMAP4rev2, RFC 6855 §3)",
                start + first,
            )
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(f"invalid UTF-8 in {what} (RFC 3629 §4)", start + exc.start) from None

    def _length(self, digits: bytes, pos: int) -> int:
        """The octet count of a literal: ``number64`` (RFC 9051 §9)."""
        if len(digits) > 19:
            digits = digits.lstrip(b"0") or b"0"
            if len(digits) > 19:
                raise self.fail("literal length beyond number64 (RFC 9051 §9)", pos)
        n = int(digits)
        if n > MAX_NUMBER64:
            raise self.fail("literal length beyond number64 (RFC 9051 §9)", pos)
        return n

    def _take(self, start: int, n: int) -> bytes:
        """The body of a literal: ``n`` octets at ``start``. The one place literals are taken."""
        stop = start + n
        if stop > self.end:
            raise self.fail(f"literal of {n} octets runs past the end of the message", start)
        self.pos = stop
        return self.buf[start:stop]

    def read_literal(self) -> bytes:
        """A literal's octets (RFC 9051 §9, RFC 7888 §8)::

            literal = "{" number64 ["+"] "}" CRLF *CHAR8
            CHAR8   = %x01-ff

        ``{n+}`` (non-synchronizing) is refused unless ``nonsync``.
        """
        buf = self.buf
        pos = self.pos
        m = _LITERAL.match(buf, pos)
        if m is None:
            raise self.error("literal")
        n = self._length(m.group(1), pos + 1)
        if m.group(2) and not self.nonsync:
            raise self.fail(
                "non-synchronizing literal where only {n} is allowed (RFC 9051 §4.3)", pos
            )
        start = m.end()
        data = self._take(start, n)
        if 0 in data:
            self.pos = pos
            raise self.fail("NUL in literal (CHAR8 = %x01-ff, RFC 9051 §9)", start + data.index(0))
        return data

    def read_literal8(self) -> bytes:
        """A literal8's octets, which may include NUL (RFC 9051 §9; RFC 4466, RFC 7888 §6)::

        literal8 = "~{" number64 ["+"] "}" CRLF *OCTET
        """
        pos = self.pos
        m = _LITERAL8.match(self.buf, pos)
        if m is None:
            raise self.error("literal8")
        n = self._length(m.group(1), pos + 2)
        if m.group(2) and not self.nonsync:
            raise self.fail(
                "non-synchronizing literal8 where only ~{n} is allowed (RFC 9051 §4.3)", pos
            )
        return self._take(m.end(), n)

    def read_string(self) -> bytes:
        """``string = quoted / literal`` (RFC 9051 §9)."""
        octet = self.peek()
        if octet == 0x22:
            return self.read_quoted()
        if octet == 0x7B:
            return self.read_literal()
        raise self.error("string")

    def read_nstring(self) -> bytes | None:
        """``nstring = string / nil`` (RFC 9051 §9); NIL gives None."""
        # The hottest string reader (ENVELOPE, BODY[]): read_quoted's fast path is inlined.
        buf = self.buf
        pos = self.pos
        octet = buf[pos] if pos < self.end else -1
        if octet == 0x22:
            close = buf.find(0x22, pos + 1)
            if close > 0:
                data = buf[pos + 1 : close]
                if (
                    0x5C not in data
                    and 0x0D not in data
                    and 0x0A not in data
                    and 0 not in data
                    and data.isascii()
                ):
                    self.pos = close + 1
                    return data
            return self._read_quoted(pos)
        if octet == 0x7B:
            return self.read_literal()
        stop = pos + 3
        if buf.startswith(b"NIL", pos) and (stop >= self.end or buf[stop] not in _KEYWORD_CHARS):
            self.pos = stop
            return None
        if self.skip_keyword(b"NIL"):  # "nil", "Nil", ... (RFC 9051 §9 note 1)
            return None
        raise self.error("nstring")

    def read_astring(self) -> bytes:
        """``astring = 1*ASTRING-CHAR / string``; ``ASTRING-CHAR = ATOM-CHAR / resp-specials``.

        An atom ``NIL`` is the three octets ``NIL`` here, not nil (RFC 9051 §4.5).
        """
        m = _ASTRING_CHARS.match(self.buf, self.pos)
        if m is not None:
            self.pos = m.end()
            return m.group()
        octet = self.peek()
        if octet == 0x22:
            return self.read_quoted()
        if octet == 0x7B:
            return self.read_literal()
        raise self.error("astring")

    def read_list_mailbox(self) -> bytes:
        """``list-mailbox = 1*list-char / string`` (RFC 9051 §9), the LIST pattern."""
        m = _LIST_CHARS.match(self.buf, self.pos)
        if m is not None:
            self.pos = m.end()
            return m.group()
        octet = self.peek()
        if octet == 0x22:
            return self.read_quoted()
        if octet == 0x7B:
            return self.read_literal()
        raise self.error("list-mailbox")

    def skip_nil(self) -> bool:
        """Consume ``nil = "NIL"`` (any case) if it comes next."""
        return self.skip_keyword(b"NIL")

    def read_nil(self) -> None:
        """``nil = "NIL"`` (RFC 9051 §9), in any case."""
        if not self.skip_keyword(b"NIL"):
            raise self.error("NIL")

    def read_text(self) -> str:
        """``text = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4)`` (RFC 9051 §9) up to the CRLF.

        UTF-8 only with ``utf8`` (RFC 3501 §9: ``text = 1*TEXT-CHAR``).
        """
        pos = self.pos
        m = _TEXT.match(self.buf, pos)
        if m is None:
            raise self.error("text")
        data = m.group()
        if data.isascii():
            self.pos = m.end()
            return data.decode("ascii")
        self._check_8bit(data, pos, "text")
        self.pos = m.end()
        return data.decode("utf-8")

    def read_base64(self) -> bytes:
        """``base64 = *(4base64-char) [base64-terminal]`` (RFC 9051 §9), decoded; may be empty."""
        m = _BASE64.match(self.buf, self.pos)
        assert m is not None  # every pattern part is optional
        self.pos = m.end()
        return binascii.a2b_base64(m.group())

    # --- numbers -----------------------------------------------------------------------------

    def read_number(self) -> int:
        """``number = 1*DIGIT`` ; Unsigned 32-bit integer (0 <= n < 4,294,967,296)."""
        pos = self.pos
        m = _DIGITS.match(self.buf, pos)
        if m is None:
            raise self.error("number")
        digits = m.group()
        if len(digits) > 10:
            digits = digits.lstrip(b"0") or b"0"
            if len(digits) > 10:
                raise self.fail("number beyond 4,294,967,295 (RFC 9051 §9)", pos)
        n = int(digits)
        if n > MAX_NUMBER:
            raise self.fail("number beyond 4,294,967,295 (RFC 9051 §9)", pos)
        self.pos = m.end()
        return n

    def read_nz_number(self) -> int:
        """``nz-number = digit-nz *DIGIT`` ; Non-zero unsigned 32-bit integer."""
        pos = self.pos
        m = _NZ_DIGITS.match(self.buf, pos)
        if m is None:
            raise self.error("nz-number")
        digits = m.group()
        n = int(digits) if len(digits) <= 10 else MAX_NUMBER + 1
        if n > MAX_NUMBER:
            raise self.fail("nz-number beyond 4,294,967,295 (RFC 9051 §9)", pos)
        self.pos = m.end()
        return n

    def _read_64(self, pattern: re.Pattern[bytes], what: str, low: int) -> int:
        pos = self.pos
        m = pattern.match(self.buf, pos)
        if m is None:
            raise self.error(what)
        digits = m.group()
        if len(digits) > 19:
            digits = digits.lstrip(b"0") or b"0"
            if len(digits) > 19:
                raise self.fail(f"{what} beyond 9,223,372,036,854,775,807", pos)
        n = int(digits)
        if n > MAX_NUMBER64:
            raise self.fail(f"{what} beyond 9,223,372,036,854,775,807", pos)
        if n < low:
            raise self.error(what, pos)
        self.pos = m.end()
        return n

    def read_number64(self) -> int:
        """``number64 = 1*DIGIT`` ; Unsigned 63-bit integer (RFC 9051 §9)."""
        return self._read_64(_DIGITS, "number64", 0)

    def read_nz_number64(self) -> int:
        """``nz-number64 = digit-nz *DIGIT`` ; (0 < n <= 9,223,372,036,854,775,807)."""
        return self._read_64(_NZ_DIGITS, "nz-number64", 1)

    def read_mod_sequence_value(self) -> int:
        """RFC 7162 §7::

        mod-sequence-value  = 1*DIGIT
                               ;; Positive unsigned 63-bit integer
                               ;; (1 <= n <= 9,223,372,036,854,775,807).
        """
        return self._read_64(_DIGITS, "mod-sequence-value", 1)

    def read_mod_sequence_valzer(self) -> int:
        """RFC 7162 §7: ``mod-sequence-valzer = "0" / mod-sequence-value``."""
        return self._read_64(_DIGITS, "mod-sequence-valzer", 0)

    # --- parenthesised lists -----------------------------------------------------------------

    def open_list(self) -> None:
        """Consume ``"("`` and enter one level of nesting (RFC 9051 §4.4).

        Raises when the nesting would exceed ``max_depth``, so that no recursive parser built
        on the reader can be made to recurse without bound.
        """
        pos = self.pos
        if pos < self.end and self.buf[pos] == 0x28:
            depth = self.depth + 1
            if depth > self.max_depth:
                raise self.fail(f"parentheses nested deeper than {self.max_depth}", pos)
            self.depth = depth
            self.pos = pos + 1
            return
        raise self.error('"("')

    def close_list(self) -> None:
        """Consume ``")"`` and leave one level of nesting."""
        pos = self.pos
        if pos < self.end and self.buf[pos] == 0x29:
            self.depth -= 1
            self.pos = pos + 1
            return
        raise self.error('")"')

    def read_list(self, item: Callable[[Reader], T]) -> list[T]:
        """``"(" [item *(SP item)] ")"`` -- a possibly empty list of ``item``\\ s.

        ``item`` is any function taking the reader, e.g. ``Reader.read_astring``.
        """
        self.open_list()
        out: list[T] = []
        if self.peek() != 0x29:
            out.append(item(self))
            while self.skip_sp():
                out.append(item(self))
        self.close_list()
        return out

    def read_body_extension(self) -> BodyExtension:
        """One body-extension (RFC 9051 §9), lists as tuples::

            body-extension  = nstring / number / number64 /
                               "(" body-extension *(SP body-extension) ")"

        Nested lists are read with an explicit stack, not recursion; depth is bounded by
        ``max_depth``.
        """
        stack: list[list[BodyExtension]] = []
        buf = self.buf
        while True:
            pos = self.pos
            octet = buf[pos] if pos < self.end else -1
            if octet == 0x28:
                self.open_list()
                stack.append([])
                continue
            value: BodyExtension = (
                self.read_number64() if 0x30 <= octet <= 0x39 else self.read_nstring()
            )
            while True:
                if not stack:
                    return value
                stack[-1].append(value)
                if self.skip_sp():
                    break
                self.close_list()
                value = tuple(stack.pop())
