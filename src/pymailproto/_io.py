"""What a sans-IO procedure asks of its driver: the whole contract between protocol and transport.

A client procedure (SMTP ``send_message``, IMAP ``fetch``) is a generator over a sans-IO
connection. It never does I/O; when it needs some, it yields a request and the transport's
driver (``pymailproto.sync``, ``pymailproto.aio``) performs it, then resumes it:

* ``IO.FLUSH`` -- write whatever ``conn.data_to_send()`` holds;
* ``IO.RECEIVE`` -- flush, then read more bytes (within ``conn.timeout`` seconds) and feed them
  to ``conn.receive_data()``;
* ``IO.START_TLS`` -- flush, then wrap the connection in TLS (after the server agreed);
* a :class:`Poll` -- flush, then read if bytes arrive within ``poll.seconds``; if none do,
  set ``poll.timed_out`` and resume anyway (IMAP IDLE waits this way, to renew itself and to
  notice a request to stop);
* an :class:`Item` -- a streaming procedure hands one result to its caller (an IMAP FETCH
  response as it arrives) and goes on when the caller asks for the next.

The procedure's return value is the call's result.
"""

from __future__ import annotations

import enum
from collections.abc import Generator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

__all__ = ["IO", "Item", "Poll", "Procedure", "Pump", "Stream"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class IO(enum.Enum):
    """What a procedure asks its driver to do."""

    FLUSH = "flush"
    RECEIVE = "receive"
    START_TLS = "start_tls"


@dataclass(frozen=True, slots=True)
class Item(Generic[T_co]):
    """One result of a streaming procedure, handed to the caller as soon as it is complete."""

    value: T_co


@dataclass(slots=True)
class Poll:
    """Read what arrives within ``seconds``; ``timed_out`` is set when nothing did."""

    seconds: float
    timed_out: bool = False


#: A client procedure: yields I/O requests, returns its result.
Procedure = Generator[IO, None, T]
#: A streaming procedure: yields I/O requests and items, returns nothing.
Stream = Generator["IO | Poll | Item[T]", None, None]


class Pump(Protocol):
    """What a driver needs of a sans-IO connection."""

    def data_to_send(self) -> bytes:
        """Bytes to write now."""
        ...

    def receive_data(self, data: bytes) -> None:
        """Bytes read; ``b""`` at the end of the stream."""
        ...

    @property
    def timeout(self) -> float:
        """Seconds to wait for the next read."""
        ...

    @property
    def write_timeout(self) -> float:
        """Seconds a write may block."""
        ...
