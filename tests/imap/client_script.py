"""Run an IMAP client procedure against a ``C:``/``S:`` transcript, without a network.

A script is the dialogue as the RFCs print it::

    S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
    C: A1 LOGIN alice secret
    S: A1 OK done

Each ``S:`` line is a server line (CRLF added); consecutive ones form a *flight* that is fed
when the procedure asks to receive -- whole, one byte at a time, or in random pieces (the
``split``), so every split gives the same result. Before a flight is fed, the client must have
written exactly the ``C:`` lines that precede it (a literal's octets are lines of their own,
``{n}`` counting their CRLFs). ``-- TLS --`` is where the
client must ask for the TLS handshake. A :class:`~pymailproto._io.Poll` that finds no flight
pending times out (the fake clock moves on by its seconds).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from pymailproto._io import IO, Item, Poll
from pymailproto.imap import ClientConnection

SPLITS = ["whole", "bytes", "random"]


@dataclass
class Flight:
    side: str  # "C", "S" or "TLS"
    data: bytes = b""


def parse(script: str) -> list[Flight]:
    """The flights of a script: consecutive lines of one side joined."""
    flights: list[Flight] = []
    for raw in script.strip("\n").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "-- TLS --":
            flights.append(Flight("TLS"))
            continue
        side, _, text = raw.strip().partition(":")
        if side not in ("C", "S"):
            raise ValueError(f"cannot read script line {raw!r}")
        text = text[1:] if text.startswith(" ") else text
        data = text.encode("utf-8") + b"\r\n"
        if flights and flights[-1].side == side:
            flights[-1].data += data
        else:
            flights.append(Flight(side, data))
    return flights


def pieces(data: bytes, split: str, rng: random.Random) -> Iterator[bytes]:
    if split == "whole":
        yield data
    elif split == "bytes":
        for i in range(len(data)):
            yield data[i : i + 1]
    else:
        i = 0
        while i < len(data):
            n = rng.randint(1, 40)
            yield data[i : i + n]
            i += n


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Run:
    """What a scripted run produced."""

    result: Any
    items: list[Any] = field(default_factory=list)
    sent: bytes = b""
    tls: bool = False


def make_connection(**kwargs: Any) -> ClientConnection:
    kwargs.setdefault("clock", FakeClock())
    return ClientConnection(**kwargs)


def run_script(
    script: str,
    procedure: Callable[[ClientConnection], Generator[Any, None, Any]],
    *,
    split: str = "whole",
    conn: ClientConnection | None = None,
    seed: int = 0,
    on_item: Callable[[Any], None] | None = None,
    eof: bool = False,
) -> Run:
    """Drive ``procedure(conn)`` through ``script``; every C: line must be sent in order.
    ``eof``: after the last line the server closes the connection."""
    conn = conn if conn is not None else make_connection()
    clock = conn.clock
    rng = random.Random(seed)
    flights = parse(script)
    expected_sent = b""
    sent = b""
    index = 0
    feeding: Iterator[bytes] | None = None
    run = Run(None)

    def take_client_lines() -> None:
        nonlocal index, expected_sent
        while index < len(flights) and flights[index].side == "C":
            expected_sent += flights[index].data
            index += 1

    def next_server_piece(polling: bool) -> bytes | None:
        nonlocal index, feeding
        while True:
            if feeding is not None:
                piece = next(feeding, None)
                if piece is not None:
                    return piece
                feeding = None
            # The client polls before writing what the script says it writes next: the
            # server has nothing to say until then, so the poll times out.
            if (
                polling
                and index < len(flights)
                and flights[index].side == "C"
                and sent != expected_sent + flights[index].data
            ):
                return None
            take_client_lines()
            assert sent == expected_sent, (
                f"the client sent {sent!r}\nbut the script says {expected_sent!r}"
            )
            if index >= len(flights) or flights[index].side != "S":
                return None
            feeding = pieces(flights[index].data, split, rng)
            index += 1

    gen = procedure(conn)
    try:
        request = next(gen)
        while True:
            sent += conn.data_to_send()
            if request is IO.RECEIVE or type(request) is Poll:
                piece = next_server_piece(type(request) is Poll)
                if piece is None:
                    if eof:
                        conn.receive_data(b"")
                    elif type(request) is Poll:
                        request.timed_out = True
                        if isinstance(clock, FakeClock):
                            clock.now += request.seconds
                    else:
                        raise AssertionError(
                            f"the client waits for the server, the script has nothing left "
                            f"(sent so far: {sent!r})"
                        )
                else:
                    conn.receive_data(piece)
            elif request is IO.START_TLS:
                take_client_lines()
                assert sent == expected_sent
                assert index < len(flights), "the client asked for TLS after the script"
                assert flights[index].side == "TLS", "the client asked for TLS too early"
                index += 1
                run.tls = True
            elif type(request) is Item:
                run.items.append(request.value)
                if on_item is not None:
                    on_item(request.value)
            request = gen.send(None)
    except StopIteration as done:
        run.result = done.value
    sent += conn.data_to_send()
    take_client_lines()
    assert sent == expected_sent, f"the client sent {sent!r}\nbut the script says {expected_sent!r}"
    unread = index < len(flights) or (feeding is not None and next(feeding, None) is not None)
    assert not unread, "the script has lines the client never read"
    run.sent = sent
    return run


def greeted(capabilities: str = "IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN") -> str:
    """A greeting line with capabilities, for scripts that start after it."""
    return f"S: * OK [CAPABILITY {capabilities}] ready"
