"""IMAP framing: RFC transcripts, literals of every kind, limits, streaming, resynchronisation.

Every vector is framed whole, one byte at a time, at random split points and with the start
of another message behind it, and must give the same events each time (consecutive literal
chunks are merged before comparing: only their boundaries may depend on the split).
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Sequence
from dataclasses import FrozenInstanceError, dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._framing import CommandFramer, ResponseFramer
from pymailproto.imap._framing_events import (
    NEED_DATA,
    EndOfInput,
    LiteralAnnounced,
    LiteralChunk,
    LiteralSpan,
    LiteralStreamed,
    Message,
    MessageRejected,
    Rejection,
    tag_of,
)

Framer = CommandFramer | ResponseFramer
Policy = Callable[[LiteralAnnounced], str]  # "accept", "stream" or "refuse"


@dataclass(frozen=True)
class Fatal:
    """Stands for a fatal RemoteProtocolError in an event list."""

    message: str


def accept(_: LiteralAnnounced) -> str:
    return "accept"


def drain(framer: Framer, policy: Policy = accept) -> list[object]:
    """Every event now available, deciding announced literals with ``policy``."""
    events: list[object] = []
    while True:
        try:
            event = framer.next_event()
        except RemoteProtocolError as exc:
            assert exc.fatal
            events.append(Fatal(exc.message))
            return events
        if event is NEED_DATA:
            return events
        events.append(event)
        if isinstance(event, LiteralAnnounced):
            assert isinstance(framer, CommandFramer)
            assert framer.pending is event
            decision = policy(event)
            if decision == "refuse":
                framer.refuse_literal()
            else:
                framer.accept_literal(stream=True if decision == "stream" else None)
            assert framer.pending is None
        elif isinstance(event, EndOfInput):
            return events


def merged(events: list[object]) -> list[object]:
    out: list[object] = []
    for event in events:
        if isinstance(event, LiteralChunk) and out and isinstance(out[-1], LiteralChunk):
            out[-1] = LiteralChunk(out[-1].data + event.data, event.last)
        else:
            out.append(event)
    return out


def frame(
    factory: Callable[[], Framer], pieces: Sequence[bytes], policy: Policy = accept
) -> list[object]:
    framer = factory()
    events: list[object] = []
    for piece in pieces:
        framer.receive_data(piece)
        events += drain(framer, policy)
        if events and isinstance(events[-1], Fatal):
            break
    return merged(events)


def frame_every_way(
    factory: Callable[[], Framer], data: bytes, policy: Policy = accept
) -> list[object]:
    """Frame ``data`` whole, byte by byte and with trailing bytes; all must agree."""
    whole = frame(factory, [data], policy)
    assert frame(factory, [data[i : i + 1] for i in range(len(data))], policy) == whole
    assert frame(factory, [data + b"z9 NOOP"], policy) == whole
    return whole


def wire(transcript: Sequence[str], side: str) -> bytes:
    """The bytes one side (``"C"`` or ``"S"``) sends in a ``C:``/``S:`` transcript."""
    lines = [line[3:] for line in transcript if line[:2] == side + ":"]
    return b"".join(line.encode() + b"\r\n" for line in lines)


def messages(events: list[object]) -> list[Message]:
    return [event for event in events if isinstance(event, Message)]


def server(**limits: int | None) -> Callable[[], CommandFramer]:
    return lambda: CommandFramer(IMAPLimits(**limits))  # type: ignore[arg-type]


def client(**limits: int | None) -> Callable[[], ResponseFramer]:
    return lambda: ResponseFramer(IMAPLimits(**limits))  # type: ignore[arg-type]


# ---------------------------------------------------------------------- RFC transcripts

# RFC 9051 §8, long lines joined again (the RFC breaks them "for editorial clarity").
SESSION = (
    "S: * OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2"
    " Service Ready",
    "C: a000 starttls",
    "S: a000 OK Proceed with TLS negotiation",
    "C: A001 AUTHENTICATE SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=",
    "S: + cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE"
    "5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=",
    "C: Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhG"
    "SWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3Ft"
    "bWl6N0FuZFZRPQ==",
    "S: + dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==",
    "C:",
    "S: A001 OK SCRAM-SHA-256 authentication successful",
    "C: babc ENABLE IMAP4rev2",
    "S: * ENABLED IMAP4rev2",
    "S: babc OK Some capabilities enabled",
    "C: a002 select inbox",
    "S: * 18 EXISTS",
    "S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
    "S: * OK [UIDVALIDITY 3857529045] UIDs valid",
    'S: * LIST () "/" INBOX ("OLDNAME" ("inbox"))',
    "S: a002 OK [READ-WRITE] SELECT completed",
    "C: a003 fetch 12 full",
    'S: * 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286'
    ' ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and'
    ' minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray"'
    ' "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL'
    ' "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US") ("John Klensin"'
    ' NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.ed>") BODY ("TEXT"'
    ' "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))',
    "S: a003 OK FETCH completed",
    "C: a004 fetch 12 body[header]",
    "S: * 12 FETCH (BODY[HEADER] {342}",
    "S: Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
    "S: From: Terry Gray <gray@cac.washington.edu>",
    "S: Subject: IMAP4rev2 WG mtg summary and minutes",
    "S: To: imap@cac.washington.edu",
    "S: cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>",
    "S: Message-Id: <B27397-0100000@cac.washington.edu>",
    "S: MIME-Version: 1.0",
    "S: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
    "S:",
    "S: )",
    "S: a004 OK FETCH completed",
    "C: a005 store 12 +flags \\deleted",
    "S: * 12 FETCH (FLAGS (\\Seen \\Deleted))",
    "S: a005 OK +FLAGS completed",
    "C: a006 logout",
    "S: * BYE IMAP4rev2 server terminating connection",
    "S: a006 OK LOGOUT completed",
)

HEADER_342 = SESSION[SESSION.index("S: * 12 FETCH (BODY[HEADER] {342}") + 1 :][:9]

# RFC 9051 §6.3.12, first example: a synchronizing literal.
APPEND_SYNC = (
    "C: A003 APPEND saved-messages (\\Seen) {326}",
    "S: + Ready for literal data",
    "C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)",
    "C: From: Fred Foobar <foobar@Blurdybloop.example>",
    "C: Subject: afternoon meeting",
    "C: To: mooch@owatagu.siam.edu.example",
    "C: Message-Id: <B27397-0100000@Blurdybloop.example>",
    "C: MIME-Version: 1.0",
    "C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
    "C:",
    "C: Hello Joe, do you think we can meet at 3:30 tomorrow?",
    "C:",
    "S: A003 OK APPEND completed",
)

# RFC 9051 §6.3.12, second example: a non-synchronizing literal, then more commands.
APPEND_NONSYNC = (
    "C: A003 APPEND saved-messages (\\Seen) {297+}",
    "C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)",
    "C: From: Fred Foobar <foobar@example.com>",
    "C: Subject: afternoon meeting",
    "C: To: mooch@example.com",
    "C: Message-Id: <B27397-0100000@example.com>",
    "C: MIME-Version: 1.0",
    "C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
    "C:",
    "C: Hello Joe, do you think we can meet at 3:30 tomorrow?",
    "C:",
    "S: A003 OK [APPENDUID 38505 3955] APPEND completed",
    "C: A004 COPY 2:4 meeting",
    "S: A004 OK [COPYUID 38505 304,319:320 3956:3958] Done",
    "C: A005 UID COPY 305:310 meeting",
    "S: A005 OK No matching messages, so nothing copied",
    "C: A006 COPY 2 funny",
    "S: A006 OK Done",
    "C: A007 SELECT funny",
    "S: * 1 EXISTS",
    "S: * OK [UIDVALIDITY 3857529045] Validity session-only",
    "S: * OK [UIDNEXT 2] Predicted next UID",
    "S: * NO [UIDNOTSTICKY] Non-persistent UIDs",
    "S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
    "S: * OK [PERMANENTFLAGS (\\Deleted \\Seen)] Limited",
    'S: * LIST () "." funny',
    "S: A007 OK [READ-WRITE] SELECT completed",
)

# RFC 9051 §7.6: two synchronizing literals, then one the server refuses.
CONTINUATION = (
    "C: A001 LOGIN {11}",
    "S: + Ready for additional command text",
    "C: FRED FOOBAR {7}",
    "S: + Ready for additional command text",
    "C: fat man",
    "S: A001 OK LOGIN completed",
    "C: A044 BLURDYBLOOP {102856}",
    'S: A044 BAD No such command as "BLURDYBLOOP"',
)

# RFC 7888 §3.
LITERAL_PLUS = ("C: A001 LOGIN {11+}", "C: FRED FOOBAR {7+}", "C: fat man")


def test_rfc9051_sample_session_server_side() -> None:
    events = frame_every_way(CommandFramer, wire(SESSION, "C"))
    assert all(isinstance(event, Message) for event in events)
    assert [m.tag for m in messages(events)] == [
        *("a000", "A001", None, None, "babc"),
        *("a002", "a003", "a004", "a005", "a006"),
    ]
    assert messages(events)[3].data == b"\r\n"  # the empty final SASL response
    assert all(not m.literals for m in messages(events))


def test_rfc9051_sample_session_client_side() -> None:
    events = frame_every_way(ResponseFramer, wire(SESSION, "S"))
    got = messages(events)
    assert len(got) == len(events) == 20
    assert [m.is_continuation_request for m in got].count(True) == 2
    assert got[2].data.startswith(b"+ cj1y")
    assert got[3].is_continuation_request
    assert [m.tag for m in got if m.tag] == [
        *("a000", "A001", "babc", "a002", "a003", "a004", "a005", "a006"),
    ]
    fetch = got[14]
    head = b"* 12 FETCH (BODY[HEADER] {342}\r\n"
    assert fetch.literals == (LiteralSpan(offset=len(head), length=342),)
    assert fetch.data.startswith(head)
    # The RFC's octet count matches its header text: 9 lines and their CRLFs.
    assert fetch.literal(0) == wire(HEADER_342, "S")
    assert fetch.data[fetch.literals[0].end :] == b")\r\n"


def test_rfc9051_append_with_synchronizing_literal() -> None:
    seen: list[LiteralAnnounced] = []

    def policy(event: LiteralAnnounced) -> str:
        seen.append(event)
        return "accept"

    events = frame_every_way(CommandFramer, wire(APPEND_SYNC, "C"), policy)
    first_line = b"A003 APPEND saved-messages (\\Seen) {326}\r\n"
    announced = LiteralAnnounced("A003", 326, binary=False, prefix=first_line, index=0)
    assert events[0] == announced
    assert seen[0] == announced
    (message,) = messages(events)
    assert message.tag == "A003"
    assert message.literals == (LiteralSpan(len(first_line), 326),)
    assert message.literal(0).startswith(b"Date: Mon, 7 Feb 1994")
    assert message.literal(0).endswith(b"tomorrow?\r\n")
    assert message.data == first_line + message.literal(0) + b"\r\n"
    replies = messages(frame_every_way(ResponseFramer, wire(APPEND_SYNC, "S")))
    assert [r.is_continuation_request for r in replies] == [True, False]


def test_rfc9051_append_with_non_synchronizing_literal_then_more_commands() -> None:
    events = frame_every_way(CommandFramer, wire(APPEND_NONSYNC, "C"))
    got = messages(events)
    assert got == events  # nothing to decide for {n+}
    assert [m.tag for m in got] == ["A003", "A004", "A005", "A006", "A007"]
    head = b"A003 APPEND saved-messages (\\Seen) {297+}\r\n"
    assert got[0].literals == (LiteralSpan(len(head), 297, synchronizing=False),)
    assert got[0].literal(0).endswith(b"3:30 tomorrow?\r\n")
    assert got[1].data == b"A004 COPY 2:4 meeting\r\n"
    responses = messages(frame_every_way(ResponseFramer, wire(APPEND_NONSYNC, "S")))
    assert len(responses) == 12
    assert responses[-1].tag == "A007"


def test_rfc9051_continuation_example_accepts_two_literals_and_refuses_one() -> None:
    def policy(event: LiteralAnnounced) -> str:
        return "refuse" if b"BLURDYBLOOP" in event.prefix else "accept"

    data = wire(CONTINUATION, "C") + b"A045 NOOP\r\n"
    events = frame_every_way(CommandFramer, data, policy)
    assert events == [
        LiteralAnnounced("A001", 11, False, b"A001 LOGIN {11}\r\n", 0),
        LiteralAnnounced("A001", 7, False, b"A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\n", 1),
        Message(
            b"A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n",
            (LiteralSpan(17, 11), LiteralSpan(17 + 11 + 6, 7)),
        ),
        LiteralAnnounced("A044", 102856, False, b"A044 BLURDYBLOOP {102856}\r\n", 0),
        # Refused: the client does not send the octets; the next line is a new command.
        Message(b"A045 NOOP\r\n"),
    ]
    login = messages(events)[0]
    assert [login.literal(0), login.literal(1)] == [b"FRED FOOBAR", b"fat man"]
    # Accepting instead would take the following bytes as the literal's octets.
    assert messages(frame(CommandFramer, [data])) == [login]


def test_rfc7888_non_synchronizing_login() -> None:
    events = frame_every_way(CommandFramer, wire(LITERAL_PLUS, "C"))
    assert events == [
        Message(
            b"A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n",
            (LiteralSpan(18, 11, False), LiteralSpan(18 + 11 + 7, 7, False)),
        )
    ]


def test_rfc9051_search_with_an_8bit_literal() -> None:
    data = "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск\r\n".encode()  # noqa: RUF001 (Russian)
    (announced, message) = frame_every_way(CommandFramer, data)
    assert isinstance(announced, LiteralAnnounced)
    assert announced.length == 12
    assert isinstance(message, Message)
    assert message.literal(0).decode() == "отпуск"


# ---------------------------------------------------------------------- literal forms


def test_literal8_may_carry_nul_and_is_marked_binary() -> None:
    data = b"* 1 FETCH (BINARY[] ~{4}\r\n\0\1\r\n)\r\n"
    (message,) = frame_every_way(ResponseFramer, data)
    assert isinstance(message, Message)
    assert message.literals == (LiteralSpan(26, 4, binary=True),)
    assert message.literal(0) == b"\0\1\r\n"
    # A client's APPEND with literal8 (RFC 7888 §6: ~{n+} with BINARY and LITERAL+).
    events = frame_every_way(CommandFramer, b"a APPEND x ~{3}\r\n\0\0\0 ~{1+}\r\n\0\r\n")
    assert events[0] == LiteralAnnounced("a", 3, True, b"a APPEND x ~{3}\r\n", 0)
    assert events[1] == Message(
        b"a APPEND x ~{3}\r\n\0\0\0 ~{1+}\r\n\0\r\n",
        (LiteralSpan(17, 3, True, True), LiteralSpan(28, 1, False, True)),
    )


def test_zero_length_literals() -> None:
    events = frame_every_way(CommandFramer, b"a LOGIN {0}\r\n {0+}\r\n\r\n")
    assert events[-1] == Message(
        b"a LOGIN {0}\r\n {0+}\r\n\r\n", (LiteralSpan(13, 0), LiteralSpan(20, 0, False))
    )
    (message,) = frame_every_way(ResponseFramer, b"* 1 FETCH (BODY[] {0}\r\n FLAGS ())\r\n")
    assert isinstance(message, Message)
    assert message.literal(0) == b""


def test_literal_last_in_a_message_and_followed_by_more_arguments() -> None:
    last = frame_every_way(CommandFramer, b"a LOGIN fred {4+}\r\npass\r\n")
    assert last == [Message(b"a LOGIN fred {4+}\r\npass\r\n", (LiteralSpan(19, 4, False),))]
    more = frame_every_way(CommandFramer, b"a LOGIN {4+}\r\nfred pass\r\n")
    assert more == [Message(b"a LOGIN {4+}\r\nfred pass\r\n", (LiteralSpan(14, 4, False),))]


def test_several_literals_in_one_message_and_octets_that_look_like_syntax() -> None:
    parts = [b"x\r\n{3}\r\n", b"a2 LOGOUT\r\n", b"}"]
    data = b"a1 APPEND box {%d+}\r\n%s (\\Seen) {%d+}\r\n%s {%d+}\r\n%s\r\n" % (
        len(parts[0]),
        parts[0],
        len(parts[1]),
        parts[1],
        len(parts[2]),
        parts[2],
    )
    (message,) = frame_every_way(CommandFramer, data)
    assert isinstance(message, Message)
    assert [message.literal(i) for i in range(3)] == parts
    assert [span.synchronizing for span in message.literals] == [False] * 3


def test_text_that_only_looks_like_an_announcement_is_no_literal() -> None:
    for ending in (b"{abc}", b"{}", b"{+}", b"{5}}", b"{-1}", b"{ 5}", b"{5 }", b"{5++}", b"5}"):
        data = b"a1 LOGIN " + ending + b"\r\na2 NOOP\r\n"
        events = frame_every_way(CommandFramer, data)
        assert events == [Message(b"a1 LOGIN " + ending + b"\r\n"), Message(b"a2 NOOP\r\n")]


def test_literal_counts_are_number64() -> None:
    # Leading zeros are digits too (number64 = 1*DIGIT).
    (message,) = frame_every_way(CommandFramer, b"a X {" + b"0" * 40 + b"3+}\r\nabc\r\n")
    assert isinstance(message, Message)
    assert message.literal(0) == b"abc"
    limits = IMAPLimits(max_literal_size=None, max_nonsync_literal=None, max_message_size=None)
    biggest = b"a X {9223372036854775807}\r\n"
    events = frame(lambda: CommandFramer(limits), [biggest], lambda _: "refuse")
    assert events == [LiteralAnnounced("a", 2**63 - 1, False, biggest, 0)]
    # One more, or 30 digits: out of range. A waiting client can just be told BAD ...
    for count in (b"9223372036854775808", b"1" * 30):
        data = b"a X {" + count + b"}\r\nb NOOP\r\n"
        assert frame_every_way(lambda: CommandFramer(limits), data) == [
            MessageRejected("a", Rejection.INVALID_LITERAL_LENGTH),
            Message(b"b NOOP\r\n"),
        ]
    # Thousands of digits are refused before any conversion (int() would balk past 4300).
    data = b"a X {" + b"9" * 5000 + b"}\r\nb NOOP\r\n"
    assert frame(lambda: CommandFramer(limits), [data]) == [
        MessageRejected("a", Rejection.INVALID_LITERAL_LENGTH),
        Message(b"b NOOP\r\n"),
    ]
    # ... but octets that are on their way cannot be counted: the stream is lost.
    for factory in (lambda: CommandFramer(limits), lambda: ResponseFramer(limits)):
        for data in (
            b"a X {" + b"9" * 30 + b"+}\r\nb NOOP\r\n",
            b"* 1 FETCH {" + b"9" * 20 + b"}\r\n",
        ):
            if isinstance(factory(), CommandFramer) and not data.startswith(b"a"):
                continue
            events = frame_every_way(factory, data)
            assert len(events) == 1
            assert isinstance(events[0], Fatal)


def test_a_fatal_error_is_final() -> None:
    framer = ResponseFramer()
    framer.receive_data(b"* 1 FETCH (BODY[] {99999999999999999999}\r\n")
    for _ in range(2):
        with pytest.raises(RemoteProtocolError) as info:
            framer.next_event()
        assert info.value.fatal
    framer.receive_data(b"* OK more\r\n")  # dropped: a dead framer keeps nothing
    assert framer.buffered == 0


# ---------------------------------------------------------------------- server decisions


def test_refused_literal_is_not_expected_and_framing_continues() -> None:
    data = b"a1 APPEND INBOX {5}\r\na2 NOOP\r\n"
    events = frame_every_way(CommandFramer, data, lambda _: "refuse")
    assert events == [
        LiteralAnnounced("a1", 5, False, b"a1 APPEND INBOX {5}\r\n", 0),
        Message(b"a2 NOOP\r\n"),
    ]


def test_refusing_a_later_literal_drops_the_whole_command() -> None:
    data = b"a1 LOGIN {1}\r\nx {2}\r\na2 NOOP\r\n"
    events = frame_every_way(CommandFramer, data, lambda e: "refuse" if e.index else "accept")
    assert [type(event) for event in events] == [LiteralAnnounced, LiteralAnnounced, Message]
    assert events[-1] == Message(b"a2 NOOP\r\n")


def test_accepting_with_streaming_and_the_threshold_default() -> None:
    data = b"a1 APPEND INBOX {6}\r\nabcdef\r\n"
    streamed = frame_every_way(CommandFramer, data, lambda _: "stream")
    span = LiteralSpan(21, 6, streamed=True)
    assert streamed == [
        LiteralAnnounced("a1", 6, False, b"a1 APPEND INBOX {6}\r\n", 0),
        LiteralStreamed("a1", span, b"a1 APPEND INBOX {6}\r\n"),
        LiteralChunk(b"abcdef", last=True),
        Message(b"a1 APPEND INBOX {6}\r\n\r\n", (span,)),
    ]
    by_threshold = frame_every_way(lambda: CommandFramer(stream_threshold=6), data)
    assert by_threshold == streamed
    inline = frame_every_way(lambda: CommandFramer(stream_threshold=7), data)
    assert inline[-1] == Message(data, (LiteralSpan(21, 6),))


def test_decisions_are_enforced() -> None:
    framer = CommandFramer()
    with pytest.raises(LocalProtocolError):
        framer.accept_literal()
    with pytest.raises(LocalProtocolError):
        framer.refuse_literal()
    framer.receive_data(b"a1 LOGIN {3}\r\n")
    assert isinstance(framer.next_event(), LiteralAnnounced)
    with pytest.raises(LocalProtocolError):
        framer.next_event()
    framer.accept_literal(stream=False)
    assert framer.next_event() is NEED_DATA
    framer.receive_data(b"bob pw\r\n")
    assert framer.next_event() == Message(b"a1 LOGIN {3}\r\nbob pw\r\n", (LiteralSpan(14, 3),))
    with pytest.raises(ValueError, match="negative"):
        CommandFramer(stream_threshold=-1)


# ---------------------------------------------------------------------- limits


def test_over_long_line_is_reported_skipped_and_the_next_command_framed() -> None:
    factory = server(max_command_line=20)
    fits = b"a1 " + b"x" * 15 + b"\r\n"  # exactly 20 octets with the CRLF
    data = fits + b"a2 " + b"y" * 16 + b"\r\na3 NOOP\r\n"
    assert frame_every_way(factory, data) == [
        Message(fits),
        MessageRejected("a2", Rejection.LINE_TOO_LONG),
        Message(b"a3 NOOP\r\n"),
    ]


def test_over_long_line_is_never_held_in_memory() -> None:
    framer = CommandFramer(IMAPLimits(max_command_line=1000))
    framer.receive_data(b"a1 SEARCH")
    assert framer.next_event() is NEED_DATA
    events: list[object] = []
    for _ in range(1000):
        framer.receive_data(b"z" * 1000)
        events += drain(framer)
        assert framer.buffered < 1000
    framer.receive_data(b"\r")
    assert drain(framer) == []
    assert framer.buffered == 1  # perhaps half of the CRLF
    framer.receive_data(b"\na2 NOOP\r\n")
    events += drain(framer)
    assert events == [MessageRejected("a1", Rejection.LINE_TOO_LONG), Message(b"a2 NOOP\r\n")]


def test_over_long_line_ending_in_a_literal_keeps_the_count() -> None:
    trap = b"a9 DELETE INBOX\r\n"
    long_line = b"a1 X " + b"y" * 50
    # Non-synchronizing: its octets follow and are skipped, never read as a command.
    data = long_line + b" {%d+}\r\n" % len(trap) + trap + b"\r\na2 NOOP\r\n"
    assert frame_every_way(server(max_command_line=30), data) == [
        MessageRejected("a1", Rejection.LINE_TOO_LONG),
        Message(b"a2 NOOP\r\n"),
    ]
    # Synchronizing: the client waits, gets BAD and never sends the octets.
    data = long_line + b" {5}\r\na2 NOOP\r\n"
    assert frame_every_way(server(max_command_line=30), data) == [
        MessageRejected("a1", Rejection.LINE_TOO_LONG),
        Message(b"a2 NOOP\r\n"),
    ]
    # A server's literal always follows.
    data = b"* 1 FETCH " + b"y" * 50 + b" {%d}\r\n" % len(trap) + trap + b")\r\n* 2 EXISTS\r\n"
    assert frame_every_way(client(max_response_line=30), data) == [
        MessageRejected(None, Rejection.LINE_TOO_LONG),
        Message(b"* 2 EXISTS\r\n"),
    ]


def test_a_count_too_padded_to_read_after_skipping_is_fatal_only_if_octets_follow() -> None:
    padded = b"a1 X {" + b"0" * 100 + b"5"
    fatal = frame_every_way(server(max_command_line=30), padded + b"+}\r\nhello\r\n")
    assert len(fatal) == 2
    assert isinstance(fatal[1], Fatal)
    assert frame_every_way(server(max_command_line=30), padded + b"}\r\na2 NOOP\r\n") == [
        MessageRejected("a1", Rejection.LINE_TOO_LONG),
        Message(b"a2 NOOP\r\n"),
    ]
    # A count out of number64's range in a skipped line cannot be skipped either.
    huge = b"* 1 FETCH " + b"x" * 40 + b" {" + b"9" * 20 + b"}\r\nabc\r\n"
    events = frame_every_way(client(max_response_line=30), huge)
    assert events[0] == MessageRejected(None, Rejection.LINE_TOO_LONG)
    assert len(events) == 2
    assert isinstance(events[1], Fatal)


def test_over_large_literals_are_refused_and_their_octets_skipped() -> None:
    trap = b"a9 DELETE INBOX\r\n" * 3
    # A synchronizing literal over the limit: refused, never expected.
    sync = b"a1 APPEND box {%d}\r\na2 NOOP\r\n" % len(trap)
    assert frame_every_way(server(max_literal_size=10), sync) == [
        MessageRejected("a1", Rejection.LITERAL_TOO_LARGE),
        Message(b"a2 NOOP\r\n"),
    ]
    # Non-synchronizing ones come anyway (RFC 7888 §4): skipped, with the rest of the command.
    nonsync = b"a1 APPEND box {%d+}\r\n%s {1+}\r\nx\r\na2 NOOP\r\n" % (len(trap), trap)
    assert frame_every_way(server(max_literal_size=10, max_nonsync_literal=None), nonsync) == [
        MessageRejected("a1", Rejection.LITERAL_TOO_LARGE),
        Message(b"a2 NOOP\r\n"),
    ]
    # LITERAL- (RFC 7888 §5): over 4096 octets a non-synchronizing literal is refused.
    big = b"a1 APPEND box {4097+}\r\n" + b"a9 NOOP\r\n" * 455 + b"xx\r\na2 NOOP\r\n"
    assert frame_every_way(CommandFramer, big) == [
        MessageRejected("a1", Rejection.NONSYNC_LITERAL_TOO_LARGE),
        Message(b"a2 NOOP\r\n"),
    ]
    plus = frame(server(max_nonsync_literal=None), [big])  # LITERAL+
    assert [m.tag for m in messages(plus)] == ["a1", "a2"]
    # A client skips a server's over-large literal the same way.
    fetch = b"* 1 FETCH (BODY[] {%d}\r\n%s)\r\n* 2 EXISTS\r\n" % (len(trap), trap)
    assert frame_every_way(client(max_literal_size=10), fetch) == [
        MessageRejected(None, Rejection.LITERAL_TOO_LARGE),
        Message(b"* 2 EXISTS\r\n"),
    ]


def test_message_size_counts_lines_and_literals() -> None:
    data = b"a1 LOGIN {3+}\r\nabc {4+}\r\ndefg\r\n"  # 31 octets
    assert frame_every_way(server(max_message_size=31), data) == [
        Message(data, (LiteralSpan(15, 3, False), LiteralSpan(25, 4, False)))
    ]
    assert frame_every_way(server(max_message_size=30), data + b"a2 NOOP\r\n") == [
        MessageRejected("a1", Rejection.MESSAGE_TOO_LARGE),
        Message(b"a2 NOOP\r\n"),
    ]
    # A synchronizing literal that leaves no room for the closing CRLF is refused at once.
    assert frame_every_way(server(max_message_size=14), b"a1 X {3}\r\na2 NOOP\r\n") == [
        MessageRejected("a1", Rejection.MESSAGE_TOO_LARGE),
        Message(b"a2 NOOP\r\n"),
    ]
    assert frame(server(max_message_size=15), [b"a1 X {3}\r\nabc\r\n"])[-1] == Message(
        b"a1 X {3}\r\nabc\r\n", (LiteralSpan(10, 3),)
    )
    # When both limits cut a line at the same length, the line limit is named.
    assert frame_every_way(
        server(max_command_line=20, max_message_size=20), b"a1 " + b"x" * 30 + b"\r\n"
    ) == [MessageRejected("a1", Rejection.LINE_TOO_LONG)]
    # Exceeded by a line, not by a literal announcement.
    assert frame_every_way(server(max_message_size=20), b"a1 " + b"x" * 30 + b"\r\n") == [
        MessageRejected("a1", Rejection.MESSAGE_TOO_LARGE)
    ]
    assert frame_every_way(
        server(max_message_size=20), b"a1 LOGIN {3+}\r\nabc " + b"x" * 10 + b"\r\n"
    ) == [MessageRejected("a1", Rejection.MESSAGE_TOO_LARGE)]


def test_the_number_of_literals_is_limited() -> None:
    data = b"a1 X {1+}\r\na {1+}\r\nb {1}\r\na2 NOOP\r\n"
    assert frame_every_way(server(max_literals=2), data) == [
        MessageRejected("a1", Rejection.TOO_MANY_LITERALS),  # at the third, which is never sent
        Message(b"a2 NOOP\r\n"),
    ]


def test_nul_outside_literal8_rejects_the_message() -> None:
    data = b"a1 LOGIN a\0b c\r\na2 LOGIN {3+}\r\na\0b\r\na3 X ~{1+}\r\n\0 {1+}\r\nz\r\na4 NOOP\r\n"
    assert frame_every_way(CommandFramer, data) == [
        MessageRejected("a1", Rejection.NUL),
        MessageRejected("a2", Rejection.NUL),
        Message(
            b"a3 X ~{1+}\r\n\0 {1+}\r\nz\r\n",
            (LiteralSpan(12, 1, False, True), LiteralSpan(20, 1, False)),
        ),
        Message(b"a4 NOOP\r\n"),
    ]
    # A NUL in a line that announces a literal: the literal is still skipped.
    data = b"* 1 FETCH \0 {17}\r\na9 DELETE INBOX\r\n)\r\n* 2 EXISTS\r\n"
    assert frame_every_way(ResponseFramer, data) == [
        MessageRejected(None, Rejection.NUL),
        Message(b"* 2 EXISTS\r\n"),
    ]


def test_nul_in_a_streamed_literal_stops_it() -> None:
    data = b"* 1 FETCH (BODY[] {8}\r\nabc\0efgh)\r\n* 2 EXISTS\r\n"
    events = frame_every_way(lambda: ResponseFramer(stream_threshold=1), data)
    span = LiteralSpan(23, 8, streamed=True)
    assert events == [
        LiteralStreamed(None, span, b"* 1 FETCH (BODY[] {8}\r\n"),
        LiteralChunk(b"abc"),
        MessageRejected(None, Rejection.NUL),
        Message(b"* 2 EXISTS\r\n"),
    ]


# ---------------------------------------------------------------------- client side


def test_client_sees_continuations_and_literals_in_responses() -> None:
    body = b"Subject: hi\r\n\r\nA line that says\r\nA2 OK fake\r\n"
    data = (
        b"+ Ready for literal data\r\n"
        b"+\r\n"
        b"* 3 FETCH (UID 9 BODY[] {%d}\r\n%s FLAGS (\\Seen))\r\n"
        b"A2 OK done\r\n" % (len(body), body)
    )
    events = frame_every_way(ResponseFramer, data)
    assert [m.is_continuation_request for m in messages(events)] == [True, True, False, False]
    fetch = messages(events)[2]
    assert fetch.literal(0) == body
    assert fetch.tag is None
    assert messages(events)[3].tag == "A2"


def test_status_responses_and_continuations_are_single_lines() -> None:
    # RFC 9051 §9: resp-text is text, so "{5}" at its end announces nothing.
    data = (
        b"* OK [ALERT] over quota {5}\r\nA1 NO no {2}\r\n+ send {3}\r\n* BYE x {1}\r\n"
        b"* 2 EXISTS\r\n"
    )
    assert frame_every_way(ResponseFramer, data) == [
        Message(b"* OK [ALERT] over quota {5}\r\n"),
        Message(b"A1 NO no {2}\r\n"),
        Message(b"+ send {3}\r\n"),
        Message(b"* BYE x {1}\r\n"),
        Message(b"* 2 EXISTS\r\n"),
    ]
    # Even when the status line was too long to keep.
    data = b"* OK " + b"x" * 40 + b" {5}\r\n* 2 EXISTS\r\n"
    assert frame_every_way(client(max_response_line=20), data) == [
        MessageRejected(None, Rejection.LINE_TOO_LONG),
        Message(b"* 2 EXISTS\r\n"),
    ]
    # A server reading commands has no such rule: "OK" there is just an argument.
    events = frame(CommandFramer, [b"a1 OK {1}\r\n"])
    assert isinstance(events[0], LiteralAnnounced)


def test_a_large_literal_streams_through_in_bounded_memory() -> None:
    size = 5 * 1024 * 1024
    piece = 64 * 1024
    limits = IMAPLimits(max_literal_size=8 * 1024 * 1024)
    framer = ResponseFramer(limits, stream_threshold=piece)
    head = b"* 7 FETCH (UID 42 BODY[] {%d}\r\n" % size
    block = bytes(range(1, 256)) * 257  # 65535 octets: pieces and chunks never align
    payload_crc, received_crc, received = 0, 0, 0
    peak = 0
    events: list[object] = []
    framer.receive_data(head)
    events += drain(framer)
    sent = 0
    while sent < size:
        part = block[: min(len(block), size - sent)]
        payload_crc = zlib.crc32(part, payload_crc)
        sent += len(part)
        framer.receive_data(part)
        peak = max(peak, framer.buffered)
        for event in drain(framer):
            if isinstance(event, LiteralChunk):
                received += len(event.data)
                received_crc = zlib.crc32(event.data, received_crc)
                assert event.last == (received == size)
            else:
                events.append(event)
        assert framer.buffered <= len(head)  # only the response's head is kept
    framer.receive_data(b" FLAGS (\\Seen))\r\n")
    events += drain(framer)
    assert peak <= len(block) + len(head)
    assert (received, received_crc) == (size, payload_crc)
    span = LiteralSpan(len(head), size, streamed=True)
    assert events == [
        LiteralStreamed(None, span, head),
        Message(head + b" FLAGS (\\Seen))\r\n", (span,)),
    ]
    with pytest.raises(LocalProtocolError):
        events[-1].literal(0)  # type: ignore[attr-defined]


def test_streamed_and_inline_literals_mix_with_correct_offsets() -> None:
    data = b"a1 X {2+}\r\nab {5+}\r\nvwxyz {1+}\r\nc {6+}\r\n123456\r\n"
    events = frame_every_way(
        lambda: CommandFramer(IMAPLimits(max_nonsync_literal=None), stream_threshold=5), data
    )
    message = events[-1]
    assert isinstance(message, Message)
    assert message.data == b"a1 X {2+}\r\nab {5+}\r\n {1+}\r\nc {6+}\r\n\r\n"
    assert [message.literal(i) for i in (0, 2)] == [b"ab", b"c"]
    assert [span.streamed for span in message.literals] == [False, True, False, True]
    chunks = [event.data for event in events if isinstance(event, LiteralChunk)]
    assert chunks == [b"vwxyz", b"123456"]
    starts = [event for event in events if isinstance(event, LiteralStreamed)]
    assert [s.prefix for s in starts] == [
        message.data[: message.literals[1].offset],
        message.data[: message.literals[3].offset],
    ]
    zero = frame_every_way(lambda: ResponseFramer(stream_threshold=0), b"* X {0}\r\n\r\n")
    assert zero[1:] == [
        LiteralChunk(b"", last=True),
        Message(b"* X {0}\r\n\r\n", (LiteralSpan(9, 0, streamed=True),)),
    ]


# ---------------------------------------------------------------------- connection events


def test_clear_drops_bytes_pipelined_behind_starttls() -> None:
    framer = CommandFramer()
    injected = b"a2 LOGIN alice secret\r\na3 SEL"
    framer.receive_data(b"a1 STARTTLS\r\n" + injected)
    assert framer.next_event() == Message(b"a1 STARTTLS\r\n")
    # RFC 9051 §6.2.1: the server gets the octets to start TLS with, or to throw away ...
    assert framer.clear() == injected
    # ... and they are never read as commands.
    assert framer.next_event() is NEED_DATA
    assert framer.buffered == 0
    assert framer.clear() == b""  # nothing was pending
    # A message in progress, a streamed head and a pending decision are dropped too.
    framer = CommandFramer(stream_threshold=1)
    framer.receive_data(b"a1 APPEND x {9}\r\nabc")
    assert isinstance(framer.next_event(), LiteralAnnounced)
    assert framer.clear() == b"a1 APPEND x {9}\r\nabc"
    assert framer.pending is None
    framer.receive_data(b"a1 APPEND x {9}\r\nabc")
    assert isinstance(framer.next_event(), LiteralAnnounced)
    framer.accept_literal()
    assert isinstance(framer.next_event(), LiteralStreamed)
    assert framer.next_event() == LiteralChunk(b"abc")
    assert framer.buffered == len(b"a1 APPEND x {9}\r\n")  # the head, kept aside
    assert framer.clear() == b""
    assert framer.buffered == 0
    framer.receive_data(b"a5 NOOP\r\n")
    assert framer.next_event() == Message(b"a5 NOOP\r\n")


def test_end_of_input() -> None:
    framer = ResponseFramer()
    framer.receive_data(b"* 1 EXISTS\r\n")
    framer.receive_data(b"")
    assert framer.next_event() == Message(b"* 1 EXISTS\r\n")
    assert framer.next_event() == EndOfInput(incomplete=False)
    assert framer.next_event() == EndOfInput(incomplete=False)
    with pytest.raises(LocalProtocolError):
        framer.receive_data(b"more")
    for partial in (b"* 1 FETCH (BODY[] {5}\r\nab", b"* 2 EXI", b"* 3 X " + b"y" * 40):
        framer = ResponseFramer(IMAPLimits(max_response_line=20))
        events = frame(lambda f=framer: f, [partial, b""])  # type: ignore[misc]
        assert events[-1] == EndOfInput(incomplete=True)


# ---------------------------------------------------------------------- cost and splits


class RecordingBytes(bytearray):
    """A bytearray that counts the octets each search looks at."""

    scanned = 0

    def find(self, sub: object, start: int | None = 0, end: int | None = None) -> int:  # type: ignore[override]
        stop = len(self) if end is None else end
        type(self).scanned += max(0, stop - (start or 0))
        return super().find(sub, start, end)  # type: ignore[arg-type]

    def rfind(self, sub: object, start: int | None = 0, end: int | None = None) -> int:  # type: ignore[override]
        stop = len(self) if end is None else end
        type(self).scanned += max(0, stop - (start or 0))
        return super().rfind(sub, start, end)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", [CommandFramer, ResponseFramer])
def test_feeding_one_byte_at_a_time_costs_linear_time(role: type[Framer]) -> None:
    n = 50_000
    literal = b"\r" * n  # CRs that never become a CRLF
    data = b"a1 X " + b"\r" * n + b" {%d+}\r\n" % n + literal + b" " + b"y" * n + b"\r\n"
    too_long = b"a2 " + b"\r" * (2 * n) + b"\r\n"
    limits = IMAPLimits(max_command_line=n + 20, max_response_line=n + 20, max_nonsync_literal=None)
    framer = role(limits)
    framer._buf = RecordingBytes()
    RecordingBytes.scanned = 0
    events: list[object] = []
    stream = data + too_long
    for i in range(len(stream)):
        framer.receive_data(stream[i : i + 1])
        events += drain(framer)
    assert [type(event) for event in events] == [Message, MessageRejected]
    assert len(stream) <= RecordingBytes.scanned <= 4 * len(stream)  # not len**2 / 2


def _vectors() -> list[tuple[Callable[[], Framer], bytes, Policy]]:
    refuse_blurdy: Policy = lambda e: "refuse" if b"BLURDY" in e.prefix else "stream"  # noqa: E731
    return [
        (CommandFramer, wire(SESSION, "C"), accept),
        (ResponseFramer, wire(SESSION, "S"), accept),
        (lambda: ResponseFramer(stream_threshold=100), wire(SESSION, "S"), accept),
        (CommandFramer, wire(APPEND_SYNC, "C"), lambda _: "stream"),
        (CommandFramer, wire(APPEND_NONSYNC, "C"), accept),
        (CommandFramer, wire(CONTINUATION, "C") + b"A045 NOOP\r\n", refuse_blurdy),
        (server(max_command_line=30, max_literal_size=20), wire(APPEND_NONSYNC, "C"), accept),
        (server(max_message_size=60), wire(APPEND_SYNC, "C") + b"a1 X\r\n", accept),
    ]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_split_of_a_vector_gives_the_same_events(data: st.DataObject) -> None:
    factory, stream, policy = data.draw(st.sampled_from(_vectors()))
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=30))
    edges = sorted({0, len(stream), *cuts})
    pieces = [stream[a:b] for a, b in itertools.pairwise(edges)]
    assert frame(factory, pieces, policy) == frame(factory, [stream], policy)


# ---------------------------------------------------------------------- events and limits


def test_event_values_validate_themselves() -> None:
    with pytest.raises(LocalProtocolError):
        LiteralSpan(-1, 3)
    with pytest.raises(LocalProtocolError):
        Message(b"a1 NOOP")
    with pytest.raises(LocalProtocolError):
        Message(b"a {1}\r\nx\r\n", (LiteralSpan(7, 5),))
    with pytest.raises(LocalProtocolError):
        Message(b"a {1}\r\nx {1}\r\ny\r\n", (LiteralSpan(12, 1), LiteralSpan(7, 1)))
    with pytest.raises(LocalProtocolError):
        LiteralAnnounced("a b", 1, False, b"", 0)
    with pytest.raises(LocalProtocolError):
        LiteralAnnounced("a", -1, False, b"", 0)
    with pytest.raises(LocalProtocolError):
        LiteralStreamed("a", LiteralSpan(0, 1), b"")
    with pytest.raises(LocalProtocolError):
        MessageRejected("a", "too long")  # type: ignore[arg-type]
    with pytest.raises(FrozenInstanceError):
        Message(b"\r\n").data = b"x"  # type: ignore[misc]
    assert [
        tag_of(line) for line in (b"A1 OK\r\n", b"* OK", b"+ go", b"a+b X", b"a1", b"\xe9 X")
    ] == [
        "A1",
        None,
        None,
        None,
        None,
        None,
    ]
    assert tag_of(b"abcdef X", 4) is None  # the SP must come within endpos
    assert repr(NEED_DATA) == "NEED_DATA"
    assert Rejection.LINE_TOO_LONG.value == "Command line too long"


def test_imap_limits_defaults_and_validation() -> None:
    limits = IMAPLimits()
    assert limits.max_command_line >= 8192  # RFC 7162 §4
    assert limits.max_nonsync_literal == 4096  # RFC 9051 §4.3, RFC 7888 §5
    assert limits.max_literal_size is not None
    assert limits.max_message_size is not None
    assert limits.max_message_size > limits.max_literal_size
    assert limits.max_nesting_depth > 0
    assert limits.max_literals > 0
    assert CommandFramer().limits == limits
    with pytest.raises(FrozenInstanceError):
        limits.max_literals = 5  # type: ignore[misc]
    relaxed = IMAPLimits(max_literal_size=None, max_message_size=None, max_nonsync_literal=None)
    assert relaxed.max_literal_size is None
    for field in ("max_command_line", "max_literal_size", "max_literals", "max_nesting_depth"):
        with pytest.raises(ValueError, match=field):
            IMAPLimits(**{field: 0})
