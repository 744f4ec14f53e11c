"""Message content in the DATA phase: dot-stuffing out, un-stuffing in (RFC 5321 §4.5.2).

The end of the data is ``<CRLF>.<CRLF>`` and nothing else (RFC 5321 §4.1.1.4). Accepting a
bare LF or bare CR as part of a line ending is what made SMTP smuggling possible (a relay and
a receiver disagreeing on where a message ends), so the reader here:

* only recognises a line start right after CRLF, never after a bare LF or bare CR;
* by default rejects the whole message when it contains a bare CR or LF at all
  (RFC 5321 §2.3.8: they MUST NOT appear outside a CRLF pair in SMTP), or a NUL (never
  allowed in 7bit or 8bit text, RFC 2045 §2.7-§2.8; binary needs BDAT, RFC 3030 §3), which
  receivers that strip NULs would otherwise read as ``<CRLF><NUL>.<CRLF>`` = end of data;
* never holds more than one partial line: content leaves as :class:`MessageChunk` events as soon
  as it can be decided, so a 1 GB message streams through in bounded memory.

Both classes work on whole buffers with C-speed ``bytes`` methods rather than per-byte loops.
"""

from __future__ import annotations

import re

from pymailproto.smtp._reply import Reply

__all__ = ["DataReader", "DotStuffer"]

_LINE_END = re.compile(rb"\r\n|\r|\n")
_END = b".\r\n"


class DataReader:
    """Server side: turn DATA-phase bytes into content chunks, detecting the end marker.

    Call :meth:`read` with the buffered bytes; it returns ``(consumed, content, ended)``.
    ``error`` holds the reply to send at the end when the message broke a rule (the content
    is then no longer returned, but reading continues to the real end marker).
    """

    __slots__ = (
        "_at_line_start",
        "_line_len",
        "_max_line",
        "_max_size",
        "_strict",
        "error",
        "size",
    )

    def __init__(self, *, max_line: int | None, max_size: int | None, strict: bool) -> None:
        self._at_line_start = True
        self._line_len = 0  # octets of the current, unfinished line already passed on
        self._max_line = max_line
        self._max_size = max_size
        self._strict = strict
        self.size = 0
        self.error: Reply | None = None

    def read(self, data: bytes) -> tuple[int, bytes, bool]:
        """Consume a prefix of ``data``; return (octets consumed, un-stuffed content, ended)."""
        out: list[bytes] = []
        i = 0
        n = len(data)
        ended = False
        while i < n:
            if self._at_line_start and data[i] == 0x2E:  # "."
                if data.startswith(_END, i):
                    i += 3
                    ended = True
                    break
                if n - i < 3 and _END.startswith(data[i:]):
                    break  # "." or ".\r": not yet decidable
                i += 1  # RFC 5321 §4.5.2: drop the first of a line's leading dots
                if i == n:
                    self._at_line_start = False
                    break
            # Content up to and including the CRLF that precedes the next line starting with
            # a dot (which needs a decision), or everything that cannot be half a CRLF.
            k = data.find(b"\r\n.", i)
            if k >= 0:
                end = k + 2
            else:
                end = n - 1 if data.endswith(b"\r") else n
                if end <= i:
                    break
            segment = data[i:end]
            self._check(segment)
            if self.error is None:
                out.append(segment)
            i = end
            self._at_line_start = segment.endswith(b"\r\n")
            if i < n and not self._at_line_start:
                break  # only a possible half CRLF is left
        return i, b"".join(out), ended

    def _check(self, segment: bytes) -> None:
        # Every rule is checked over the whole message, and the first broken one in _FAULTS
        # order is reported: which reply a message gets must not depend on how its bytes
        # were split into pieces (a segment can hold several faults or only one of them).
        self.size += len(segment)
        if self._max_size is not None and self.size > self._max_size:
            self._fault(_TOO_BIG)
        lines = segment.split(b"\r\n")
        crlfs = len(lines) - 1
        if self._strict and (
            segment.count(b"\r") != crlfs or segment.count(b"\n") != crlfs or b"\0" in segment
        ):
            self._fault(_BARE)
        if self._max_line is None:
            return
        limit = self._max_line - 2  # RFC 5321 §4.5.3.1.6 counts the CRLF
        # The first line continues one passed on before; the last may go on in the next read.
        self._line_len += len(lines[0])
        if crlfs:
            longest = max(self._line_len, *map(len, lines))
            self._line_len = len(lines[-1])
        else:
            longest = self._line_len
        if longest > limit:
            self._fault(_LONG_LINE)

    def _fault(self, reply: Reply) -> None:
        if self.error is None or _FAULTS.index(reply) < _FAULTS.index(self.error):
            self.error = reply


# RFC 1870 §6.1: 552 when the message exceeds the fixed maximum size.
_TOO_BIG = Reply(552, "Message size exceeds fixed maximum message size", "5.3.4")
# RFC 5321 §2.3.8, RFC 2045 §2.8: the smuggling class of bugs relies on bare line endings,
# and on NULs that some receivers strip.
_BARE = Reply(550, "Message contains bare CR, LF or NUL characters", "5.6.0")
# RFC 5321 §4.5.3.1.6 and §4.5.3.1.9 ("500 Line too long").
_LONG_LINE = Reply(500, "Line too long in message data", "5.5.2")
_FAULTS = (_TOO_BIG, _BARE, _LONG_LINE)


class DotStuffer:
    """Client side: make message bytes safe for DATA (RFC 5321 §4.5.2).

    Line endings are normalised to CRLF (a bare LF or CR becomes CRLF, as smtplib does), a
    leading dot on any line is doubled, and :meth:`finish` adds the ``.<CRLF>`` terminator
    (preceded by a CRLF if the content did not end with one).
    """

    __slots__ = ("_at_line_start", "_pending_cr")

    def __init__(self) -> None:
        self._at_line_start = True
        self._pending_cr = False

    def feed(self, data: bytes) -> bytes:
        """Return the wire form of the next piece of content."""
        if not data:
            return b""
        if self._pending_cr:
            data = b"\r" + data
            self._pending_cr = False
        if data.endswith(b"\r"):
            # Might be the first half of a CRLF split across pieces: decide with the next one.
            data = data[:-1]
            self._pending_cr = True
            if not data:
                return b""
        crlfs = data.count(b"\r\n")
        if data.count(b"\r") != crlfs or data.count(b"\n") != crlfs:
            data = _LINE_END.sub(b"\r\n", data)
        if self._at_line_start and data.startswith(b"."):
            data = b"." + data
        data = data.replace(b"\r\n.", b"\r\n..")
        self._at_line_start = data.endswith(b"\r\n")
        return data

    def finish(self) -> bytes:
        """The bytes that end the message: any pending line end, then ``.<CRLF>``."""
        tail = b""
        if self._pending_cr:
            tail = b"\r\n"
            self._pending_cr = False
        elif not self._at_line_start:
            tail = b"\r\n"
        self._at_line_start = True
        return tail + _END
