"""IMAP framing under hypothesis: garbage, arbitrary splits, and well-formed round trips.

The promises checked: any input gives events or a fatal RemoteProtocolError (never another
exception, never a hang); the framer never holds more than ``max_message_size`` octets once
it has handed out what it can; how the input is split changes nothing; and well-formed
messages come out exactly as they went in, each literal where its span says.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto._limits import IMAPLimits
from pymailproto.errors import RemoteProtocolError
from pymailproto.imap._framing import CommandFramer, ResponseFramer
from pymailproto.imap._framing_events import (
    NEED_DATA,
    EndOfInput,
    LiteralAnnounced,
    LiteralChunk,
    LiteralStreamed,
    Message,
    MessageRejected,
)
from tests.imap.test_framing import Fatal, Framer, drain, frame

# Pieces of IMAP and of the ways it goes wrong.
TOKENS = [
    b"a1 ", b"* ", b"+ ", b"* OK ", b"a2 NO ", b"FETCH ", b"x", b"yz", b" ", b"(", b")",
    b"{", b"}", b"+}", b"~{", b"~", b"0", b"1", b"3", b"9", b"{3}", b"{2+}", b"~{1}",
    b"{0}", b"{12}", b"{70+}", b"{99999999999999999999+}", b"{00000000000000000000004}",
    b"\r\n", b"\r", b"\n", b"\0", b"\xff", b"{5}\r\n", b"{1+}\r\n", b"~{2+}\r\n",
]  # fmt: skip

LIMITS = IMAPLimits(
    max_command_line=40,
    max_response_line=48,
    max_literal_size=60,
    max_nonsync_literal=20,
    max_message_size=150,
    max_literals=3,
)


def policy(event: LiteralAnnounced) -> str:
    """A decision that depends only on the announcement, never on how bytes arrived."""
    return ("accept", "stream", "refuse")[(event.length + event.index) % 3]


def make(server: bool, threshold: int | None) -> Callable[[], Framer]:
    role = CommandFramer if server else ResponseFramer
    return lambda: role(LIMITS, stream_threshold=threshold)


garbage = st.lists(st.sampled_from(TOKENS), max_size=80).map(b"".join)
thresholds = st.sampled_from([None, 0, 1, 4, 30])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    edges = sorted({0, len(data), *(cut for cut in cuts if cut < len(data))})
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=500, deadline=None)
@given(
    data=garbage,
    cuts=st.lists(st.integers(0, 400), max_size=25),
    server=st.booleans(),
    threshold=thresholds,
)
def test_garbage_gives_events_or_a_fatal_error_in_bounded_memory(
    data: bytes, cuts: list[int], server: bool, threshold: int | None
) -> None:
    framer = make(server, threshold)()
    events: list[object] = []
    for piece in [*split(data, cuts), b""]:
        framer.receive_data(piece)
        events += drain(framer, policy)
        assert LIMITS.max_message_size is not None
        assert framer.buffered <= LIMITS.max_message_size
        if events and isinstance(events[-1], Fatal):
            try:
                framer.next_event()
            except RemoteProtocolError as exc:
                assert exc.fatal
            else:
                raise AssertionError("a dead framer came back to life")
            return
    allowed = (Message, MessageRejected, LiteralAnnounced, LiteralStreamed, LiteralChunk)
    assert all(isinstance(event, allowed) for event in events[:-1])
    assert isinstance(events[-1], EndOfInput)
    assert framer.next_event() == events[-1]


@settings(max_examples=500, deadline=None)
@given(
    data=garbage,
    cuts=st.lists(st.integers(0, 400), max_size=25),
    server=st.booleans(),
    threshold=thresholds,
)
def test_garbage_frames_the_same_whatever_the_split(
    data: bytes, cuts: list[int], server: bool, threshold: int | None
) -> None:
    factory = make(server, threshold)
    whole = frame(factory, [*split(data, []), b""], policy)
    assert frame(factory, [*split(data, cuts), b""], policy) == whole
    one_by_one = [data[i : i + 1] for i in range(len(data))]
    assert frame(factory, [*one_by_one, b""], policy) == whole


# ---------------------------------------------------------------------- well-formed input

TEXT = st.text(alphabet='abcXYZ09 ()[]\\"*%.', max_size=12).map(str.encode)


@st.composite
def commands(draw: st.DrawFn) -> tuple[bytes, list[bytes], list[bytes]]:
    """A command: its wire form, and each literal's (octets, announcement)."""
    tag = draw(st.sampled_from([b"a1", b"B.2", b"c]3"]))
    wire = [tag, b" CMD ", draw(TEXT)]
    octets: list[bytes] = []
    announcements: list[bytes] = []
    for _ in range(draw(st.integers(0, 3))):
        binary = draw(st.booleans())
        alphabet = bytes(range(256)) if binary else bytes(range(1, 256))
        payload = bytes(draw(st.lists(st.sampled_from(alphabet), max_size=40)))
        form = draw(st.sampled_from([b"{%d}", b"{%d+}"]))
        announcement = (b"~" if binary else b"") + form % len(payload)
        wire += [b" ", announcement, b"\r\n", payload, draw(TEXT)]
        octets.append(payload)
        announcements.append(announcement)
    wire.append(b"\r\n")
    return b"".join(wire), octets, announcements


@settings(max_examples=300, deadline=None)
@given(
    batch=st.lists(commands(), min_size=1, max_size=6),
    cuts=st.lists(st.integers(0, 2000), max_size=30),
    threshold=thresholds,
)
def test_well_formed_commands_come_out_as_they_went_in(
    batch: list[tuple[bytes, list[bytes], list[bytes]]], cuts: list[int], threshold: int | None
) -> None:
    stream = b"".join(wire for wire, _, _ in batch)
    limits = IMAPLimits(max_nonsync_literal=None)
    framer = CommandFramer(limits, stream_threshold=threshold)
    got: list[Message] = []
    chunks: list[bytes] = []
    for piece in split(stream, cuts):
        framer.receive_data(piece)
        while (event := framer.next_event()) is not NEED_DATA:
            if isinstance(event, LiteralAnnounced):
                framer.accept_literal()
            elif isinstance(event, LiteralChunk):
                chunks[-1] += event.data
            elif isinstance(event, LiteralStreamed):
                chunks.append(b"")
            else:
                assert isinstance(event, Message)
                got.append(event)
    assert framer.buffered == 0
    assert len(got) == len(batch)
    streamed = iter(chunks)
    for message, (wire, octets, announcements) in zip(got, batch, strict=True):
        assert len(message.literals) == len(octets)
        rebuilt = bytearray()
        position = 0
        spans = enumerate(message.literals)
        for (index, span), payload, announcement in zip(spans, octets, announcements, strict=True):
            assert message.data[: span.offset].endswith(announcement + b"\r\n")
            assert span.length == len(payload)
            assert span.binary == announcement.startswith(b"~")
            assert span.synchronizing == (not announcement.endswith(b"+}"))
            assert span.streamed == (threshold is not None and len(payload) >= threshold)
            rebuilt += message.data[position : span.offset]
            if span.streamed:
                rebuilt += next(streamed)
            else:
                rebuilt += message.literal(index)
            position = span.end
        rebuilt += message.data[position:]
        assert bytes(rebuilt) == wire
