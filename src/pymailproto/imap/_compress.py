"""COMPRESS=DEFLATE (RFC 4978): the two directions of a compressed IMAP connection, sans I/O.

DEFLATE is RFC 1951's raw format: "The windowBits value must be in the range -8 to -15, or
else deflateInit2() uses the wrong format" (RFC 4978 §4), so stdlib :mod:`zlib` with
``wbits=-15``. One stream per direction lasts the rest of the connection. Every batch of
output is flushed with ``Z_SYNC_FLUSH``, so the peer can decompress all of it before it
answers (a command must arrive whole, not sit in the compressor), keeping the dictionary.

Input is decompressed *on demand*, at most :data:`CHUNK` octets at a time, so a small
compressed input that expands to gigabytes (a "zip bomb") never sits in memory at once: the
connection pulls another chunk only when its parser has consumed the previous ones, and the
parser's limits bound what it holds.
"""

from __future__ import annotations

import zlib

from pymailproto.errors import RemoteProtocolError

__all__ = ["CHUNK", "Deflater", "Inflater"]

#: The most decompressed octets produced per step.
CHUNK = 65536


class Deflater:
    """Compresses what a connection sends (RFC 4978 §4)."""

    __slots__ = ("_zlib",)

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)

    def compress(self, data: bytes) -> bytes:
        """``data`` compressed and flushed, ready to send."""
        return self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)


class Inflater:
    """Decompresses what a connection receives, a bounded chunk at a time."""

    __slots__ = ("_pending", "_zlib")

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(-15)
        self._pending = b""

    def feed(self, data: bytes) -> None:
        """Compressed octets received."""
        self._pending += data

    @property
    def has_pending(self) -> bool:
        """Whether compressed input remains to be decompressed."""
        return bool(self._pending) or bool(self._zlib.unconsumed_tail)

    def next_chunk(self) -> bytes:
        """Up to :data:`CHUNK` decompressed octets (``b""`` when nothing is pending)."""
        z = self._zlib
        source = z.unconsumed_tail + self._pending
        self._pending = b""
        if not source:
            return b""
        try:
            out = z.decompress(source, CHUNK)
        except zlib.error as exc:
            raise RemoteProtocolError(f"COMPRESS=DEFLATE: corrupt input ({exc})") from None
        if z.unused_data:
            # The compressed stream lasts as long as the connection ("all commands and/or
            # responses after COMPRESS", RFC 4978 §3): octets after its end are an error (a
            # peer may end the stream as it closes the connection, and send nothing after).
            raise RemoteProtocolError("COMPRESS=DEFLATE: data after the end of the stream")
        return out
