"""An incremental receive buffer for line-based protocols.

Bytes arrive in arbitrary pieces; protocol cores ask for complete lines or exact byte counts.
Two promises make this safe against a hostile peer:

* **Linear cost.** The buffer remembers how far it has already searched for a line terminator,
  so feeding a line one byte at a time costs O(n) in total, not O(n^2).
* **Bounded memory.** A line longer than the caller's limit is never stored: the buffer raises
  :class:`LineTooLong` once, then discards bytes up to and including the next CRLF, so the
  conversation can resynchronise on the following line.
"""

from __future__ import annotations

__all__ = ["LineTooLong", "ReceiveBuffer"]

CRLF = b"\r\n"


class LineTooLong(Exception):
    """A line exceeded the limit; its bytes are being discarded up to the next CRLF."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"line longer than {limit} octets")
        self.limit = limit


class ReceiveBuffer:
    """Bytes received and not yet consumed by a protocol core."""

    __slots__ = ("_data", "_searched", "_skipping", "data")

    def __init__(self) -> None:
        #: The buffered bytes, for looking only (``if buffer.data``); consume with the methods.
        #: Always the same bytearray, so a core may keep a reference to it.
        self.data = self._data = bytearray()
        # Bytes from the start of _data already known to contain no CRLF.
        self._searched = 0
        # True while discarding the rest of an over-long line.
        self._skipping = False

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def feed(self, data: bytes) -> None:
        """Append received bytes."""
        self._data += data

    @property
    def skipping(self) -> bool:
        """True while the tail of an over-long line is being thrown away."""
        return self._skipping

    def next_line(self, max_length: int) -> bytes | None:
        """Remove and return the next line *without* its CRLF, or ``None`` if none is complete.

        ``max_length`` counts the CRLF, as RFC 5321 §4.5.3.1 does. A longer line raises
        :class:`LineTooLong` once; its remaining bytes are dropped as they arrive.
        """
        data = self._data
        if self._skipping:
            end = data.find(CRLF, max(self._searched - 1, 0))
            if end < 0:
                # Keep a trailing CR: it may be the first half of the CRLF we are waiting for.
                keep = 1 if data.endswith(b"\r") else 0
                del data[: len(data) - keep]
                self._searched = keep
                return None
            del data[: end + 2]
            self._searched = 0
            self._skipping = False
        end = data.find(CRLF, max(self._searched - 1, 0))
        if end < 0 or end + 2 > max_length:
            if end >= 0 or len(data) >= max_length:
                self._skipping = True
                self._searched = 0
                raise LineTooLong(max_length)
            self._searched = len(data)
            return None
        line = bytes(data[:end])
        del data[: end + 2]
        self._searched = 0
        return line

    def take(self, max_count: int) -> bytes:
        """Remove and return up to ``max_count`` bytes (fewer if fewer are buffered)."""
        data = self._data
        if max_count >= len(data):
            chunk = bytes(data)
            data.clear()
        else:
            chunk = bytes(data[:max_count])
            del data[:max_count]
        self._searched = 0
        return chunk

    def peek(self, max_count: int | None = None) -> bytes:
        """Return a copy of everything buffered (or its first ``max_count`` bytes), unconsumed."""
        return bytes(self._data if max_count is None else self._data[:max_count])

    def clear(self) -> int:
        """Discard everything buffered; return how many bytes were dropped."""
        dropped = len(self._data)
        self._data.clear()
        self._searched = 0
        self._skipping = False
        return dropped
