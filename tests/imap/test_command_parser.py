"""CommandParser: the round trip of every command, literal announcements (checked before they
are handed over), errors with tags and offsets that never desynchronise the stream,
continuation lines, session settings, limits, and a fuzzer that only ever sees the four kinds
of event."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError
from pymailproto.imap._command_base import Command
from pymailproto.imap._command_parser import CommandError, CommandParser, ParserEvent
from pymailproto.imap._commands_any import NoopCommand
from pymailproto.imap._commands_auth import AppendCommand, AppendMessage, IdleCommand
from pymailproto.imap._commands_mailbox import CreateCommand
from pymailproto.imap._commands_nonauth import AuthenticateCommand, LoginCommand, StartTlsCommand
from pymailproto.imap._commands_search import SearchCommand
from pymailproto.imap._commands_select import SelectCommand
from pymailproto.imap._commands_special import AuthenticateResponse, ContinuationLine, IdleDone
from pymailproto.imap._framing_events import NEED_DATA, LiteralAnnounced, Rejection
from pymailproto.imap._search import Text
from pymailproto.imap._values import (
    LineFragment,
    LiteralFragment,
    LiteralMode,
    LiteralSupport,
    WireOptions,
)
from tests.imap import strategies as s
from tests.imap import strategies_commands as c

SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- round trips ----------------------------------------------------------------------------------


@SLOW
@given(st.data())
def test_every_command_round_trips(data: st.DataObject) -> None:
    options = data.draw(s.wire_options)
    command = data.draw(c.commands(options.utf8))
    wire = command.to_bytes(options)
    events = c.collect([wire], utf8=options.utf8, literals=options.literals)
    assert c.values(events) == [command], wire


@SLOW
@given(st.data())
def test_clients_wait_where_the_fragments_say(data: st.DataObject) -> None:
    # Fed one fragment at a time, the parser announces a literal exactly after each line that
    # ends in a synchronizing literal's header -- where the client must wait for "+".
    options = data.draw(s.wire_options)
    command = data.draw(c.commands(options.utf8))
    fragments = command.fragments(options)
    parser = CommandParser(utf8=options.utf8, literals=options.literals)
    seen: list[ParserEvent] = []
    for index, fragment in enumerate(fragments):
        if fragment.data:  # an empty literal has no octets to feed (b"" is the end)
            parser.feed(fragment.data)
        events = []
        for event in parser:
            events.append(event)
            if isinstance(event, LiteralAnnounced):
                parser.accept_literal()
        following = fragments[index + 1] if index + 1 < len(fragments) else None
        if isinstance(following, LiteralFragment) and following.mode is LiteralMode.SYNC:
            assert len(events) == 1
            assert isinstance(events[0], LiteralAnnounced)
            assert events[0].binary == following.binary
        else:
            assert not any(isinstance(event, LiteralAnnounced) for event in events)
        seen.extend(events)
    assert c.values(seen) == [command]
    assert isinstance(fragments[-1], LineFragment)
    assert fragments[-1].data.endswith(b"\r\n")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_pipelined_commands_at_random_splits(data: st.DataObject) -> None:
    options = data.draw(s.wire_options)
    commands = data.draw(st.lists(c.commands(options.utf8), min_size=1, max_size=5))
    wire = b"".join(command.to_bytes(options) for command in commands)
    points = data.draw(st.lists(st.integers(0, len(wire)), max_size=10))
    events = c.collect(c.split(wire, points), utf8=options.utf8, literals=options.literals)
    assert c.values(events) == commands


@settings(max_examples=100, deadline=None)
@given(st.lists(c.continuation_lines, min_size=1, max_size=4), st.data())
def test_continuation_lines_round_trip(lines: list[ContinuationLine], data: st.DataObject) -> None:
    expected: list[object] = []
    wire = b""
    for line in lines:
        command: Command = (
            IdleCommand("I1") if isinstance(line, IdleDone) else AuthenticateCommand("A1", "X")
        )
        expected += [command, line]
        wire += command.to_bytes() + line.to_bytes()
    points = data.draw(st.lists(st.integers(0, len(wire)), max_size=8))
    assert c.values(c.collect(c.split(wire, points), expected)) == expected


# --- literals -------------------------------------------------------------------------------------


def test_rfc_3501_literal_example() -> None:
    # RFC 3501 §7.5: a literal accepted twice, then one refused at once -- the command name is
    # unknown whatever the literal holds, so the client is answered before uploading it.
    parser = CommandParser()
    parser.feed(b"A001 LOGIN {11}\r\n")
    assert isinstance(parser.next_event(), LiteralAnnounced)
    parser.accept_literal()
    assert parser.next_event() is NEED_DATA
    parser.feed(b"FRED FOOBAR {7}\r\n")
    announced = parser.next_event()
    assert isinstance(announced, LiteralAnnounced)
    assert announced.prefix == b"A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\n"
    parser.accept_literal()
    parser.feed(b"fat man\r\nA044 BLURDYBLOOP {102856}\r\n")
    events = list(parser)
    assert events[0] == LoginCommand("A001", "FRED FOOBAR", "fat man")
    assert isinstance(events[1], CommandError)
    assert (events[1].tag, events[1].offset) == ("A044", 5)
    assert "BLURDYBLOOP" in events[1].text
    assert parser.pending is None  # refused: the client sends no literal
    parser.feed(b"A045 NOOP\r\n")
    assert list(parser) == [NoopCommand("A045")]


@pytest.mark.parametrize(
    ("prefix", "offset"),
    [
        (b"t FETCH 1 {5}\r\n", 10),  # no fetch-att is a literal
        (b"t NOOP {5}\r\n", 6),
        (b"t APPEND x (\\Seen \\*) {5}\r\n", 18),
        (b"t SELECT INBOX {5}\r\n", 14),
        (b"t STORE 1 FLAGS {5}\r\n", 16),
    ],
)
def test_literals_of_hopeless_commands_are_refused(prefix: bytes, offset: int) -> None:
    parser = CommandParser()
    parser.feed(prefix + b"t2 NOOP\r\n")
    events = list(parser)
    assert isinstance(events[0], CommandError)
    assert (events[0].tag, events[0].offset) == ("t", offset)
    assert events[1:] == [NoopCommand("t2")]


@pytest.mark.parametrize(
    "prefix",
    [
        b"t LOGIN {5}\r\n",
        b"t LOGIN joe {5}\r\n",
        b"t APPEND x (\\Seen) {5}\r\n",
        b"t APPEND x ~{5}\r\n",
        b"t APPEND x UTF8 (~{5}\r\n",
        b"t SEARCH HEADER {5}\r\n",
        b"t FETCH 1 BODY[HEADER.FIELDS ({5}\r\n",
        b"t LIST {5}\r\n",
        b"t SELECT {5}\r\n",
        b"t SETMETADATA x (/a ~{5}\r\n",
        b"t ID ({5}\r\n",
    ],
)
def test_literals_of_plausible_commands_are_announced(prefix: bytes) -> None:
    parser = CommandParser()
    parser.feed(prefix)
    event = parser.next_event()
    assert isinstance(event, LiteralAnnounced)
    assert event.prefix == prefix
    assert parser.pending is event


def test_long_prefixes_are_not_checked() -> None:
    limits = IMAPLimits(max_command_line=1024)
    parser = CommandParser(limits, literals=LiteralSupport.LITERAL_PLUS)
    head = b"t NOOP {2000+}\r\n" + b"x" * 2000 + b" {5}\r\n"
    parser.feed(head)
    assert isinstance(parser.next_event(), LiteralAnnounced)  # handed over unchecked
    parser.refuse_literal()
    parser.feed(b"t2 NOOP\r\n")
    assert list(parser) == [NoopCommand("t2")]


def test_refusing_a_literal_ends_the_command() -> None:
    parser = CommandParser()
    parser.feed(b"t APPEND x {99}\r\nt2 NOOP\r\n")
    assert isinstance(parser.next_event(), LiteralAnnounced)
    parser.refuse_literal()
    assert list(parser) == [NoopCommand("t2")]


def test_deciding_is_required() -> None:
    parser = CommandParser()
    parser.feed(b"t LOGIN {3}\r\n")
    assert isinstance(parser.next_event(), LiteralAnnounced)
    with pytest.raises(LocalProtocolError):
        parser.next_event()


@pytest.mark.parametrize(
    ("literals", "size", "outcome"),
    [
        (LiteralSupport.SYNC_ONLY, 3, "error"),  # "{n+}" needs LITERAL+/LITERAL-
        (LiteralSupport.LITERAL_MINUS, 4096, "command"),
        (LiteralSupport.LITERAL_MINUS, 4097, "too big"),  # RFC 7888 §5
        (LiteralSupport.LITERAL_PLUS, 5000, "command"),
    ],
)
def test_literal_support(literals: LiteralSupport, size: int, outcome: str) -> None:
    parser = CommandParser(literals=literals)
    parser.feed(b"t APPEND x {%d+}\r\n" % size + b"m" * size + b"\r\nt2 NOOP\r\n")
    events = list(parser)
    assert events[-1] == NoopCommand("t2")
    first = events[0]
    if outcome == "command":
        assert first == AppendCommand("t", "x", AppendMessage(b"m" * size))
    else:
        assert isinstance(first, CommandError)
        assert first.tag == "t"
        assert first.too_big == (outcome == "too big")
        if outcome == "too big":
            assert first.rejection is Rejection.NONSYNC_LITERAL_TOO_LARGE
            assert first.offset is None


def test_limits() -> None:
    limits = IMAPLimits(max_command_line=600, max_literal_size=10, max_nesting_depth=5)
    parser = CommandParser(limits)
    parser.feed(b"t1 NOOP" + b" " * 700 + b"\r\nt2 APPEND x {11}\r\nt3 SEARCH ((((((ALL))))))\r\n")
    events = list(parser)
    assert [(e.tag, e.rejection) for e in events if isinstance(e, CommandError)][:2] == [
        ("t1", Rejection.LINE_TOO_LONG),
        ("t2", Rejection.LITERAL_TOO_LARGE),
    ]
    assert [isinstance(e, CommandError) and e.too_big for e in events[:2]] == [False, True]
    assert isinstance(events[2], CommandError)
    assert events[2].tag == "t3"
    assert events[2].rejection is None
    assert events[2].offset is not None
    assert not events[2].too_big


def test_fatal_framing_errors() -> None:
    # A non-synchronizing literal whose count is beyond number64 cannot be skipped.
    parser = CommandParser()
    parser.feed(b"t APPEND x {99999999999999999999+}\r\nmore\r\n")
    events = list(parser)
    assert len(events) == 1
    assert isinstance(events[0], CommandError)
    assert events[0].fatal
    parser.feed(b"t2 NOOP\r\n")
    assert list(parser) == []
    assert parser.next_event() is NEED_DATA


# --- errors ---------------------------------------------------------------------------------------


def test_bad_commands_never_desynchronise() -> None:
    wire = (
        b"A1 FOO {4+}\r\n\r\nA2\r\n"  # a bad command whose literal looks like a command
        b"\r\n"  # no tag at all: "* BAD"
        b"A3 SELECT\r\n"
        b"A4 SEARCH TEXT {3+}\r\nabc\r\n"
        b"A5 NOOP\r\n"
    )
    for chunks in ([wire], c.bytewise(wire)):
        events = c.collect(chunks)
        assert [(type(e).__name__, getattr(e, "tag", None)) for e in events] == [
            ("CommandError", "A1"),
            ("CommandError", None),
            ("CommandError", "A3"),
            ("SearchCommand", "A4"),
            ("NoopCommand", "A5"),
        ]
        assert events[3] == SearchCommand("A4", Text("abc"))


def test_error_texts_are_printable() -> None:
    parser = CommandParser()
    parser.feed(b"t SELECT \xc3\xa9\x01\r\n[x\r\n")
    events = list(parser)
    for event in events:
        assert isinstance(event, CommandError)
        assert event.text.isascii()
        assert event.text.isprintable()
        assert not event.text.startswith("[")


# --- continuation lines ---------------------------------------------------------------------------


def test_idle_and_done() -> None:
    parser = CommandParser()
    parser.feed(b"A002 IDLE\r\n")
    (idle,) = list(parser)
    assert isinstance(idle, IdleCommand)
    parser.expect_continuation(idle)
    assert parser.expecting is idle
    parser.feed(b"done\r\nA003 NOOP\r\n")
    assert list(parser) == [IdleDone(), NoopCommand("A003")]
    assert parser.expecting is None


def test_idle_without_done() -> None:
    parser = CommandParser()
    parser.expect_continuation(IdleCommand("A002"))
    parser.feed(b"A003 NOOP\r\nA004 NOOP\r\n")
    events = list(parser)
    assert isinstance(events[0], CommandError)
    assert (events[0].tag, events[0].offset) == ("A002", 0)
    assert events[1] == NoopCommand("A004")


def test_authenticate_exchange() -> None:
    command = AuthenticateCommand("A1", "PLAIN")
    parser = CommandParser()
    parser.expect_continuation(command)
    parser.feed(b"AHVzZXIAc2VjcmV0\r\n")
    assert list(parser) == [AuthenticateResponse(b"\0user\0secret")]
    parser.expect_continuation(command)
    parser.feed(b"*\r\n")
    (cancel,) = list(parser)
    assert isinstance(cancel, AuthenticateResponse)
    assert cancel.cancelled
    parser.expect_continuation(command)
    parser.feed(b"=AAA\r\n")  # RFC 9051 §6.2.2: invalid BASE64 -- tagged BAD
    (error,) = list(parser)
    assert isinstance(error, CommandError)
    assert (error.tag, error.offset) == ("A1", 0)
    parser.expect_continuation(command)
    parser.feed(b"abc {5}\r\n")  # not even a line
    (error,) = list(parser)
    assert isinstance(error, CommandError)
    assert error.tag == "A1"
    assert parser.pending is None
    parser.feed(b"A2 NOOP\r\n")
    assert list(parser) == [NoopCommand("A2")]


def test_rejected_continuation_line() -> None:
    parser = CommandParser(IMAPLimits(max_command_line=600))
    parser.expect_continuation(AuthenticateCommand("A1", "X"))
    parser.feed(b"A" * 700 + b"\r\nA2 NOOP\r\n")
    events = list(parser)
    assert isinstance(events[0], CommandError)
    assert (events[0].tag, events[0].rejection) == ("A1", Rejection.LINE_TOO_LONG)
    assert events[1] == NoopCommand("A2")


def test_expect_continuation_arguments() -> None:
    parser = CommandParser()
    with pytest.raises(TypeError):
        parser.expect_continuation(NoopCommand("t"))  # type: ignore[arg-type]
    parser.expect_continuation(IdleCommand("t"))
    parser.expect_continuation(None)
    parser.feed(b"t2 NOOP\r\n")
    assert list(parser) == [NoopCommand("t2")]


# --- session settings, end, STARTTLS --------------------------------------------------------------


def test_utf8_setting() -> None:
    parser = CommandParser()
    wire = 't CREATE "Entw\u00fcrfe"\r\n'.encode()
    parser.feed(wire)
    (error,) = list(parser)
    assert isinstance(error, CommandError)  # 8-bit quoted before ENABLE UTF8=ACCEPT
    parser.utf8 = True
    parser.feed(wire)
    assert list(parser) == [CreateCommand("t", "Entw\u00fcrfe")]
    parser.utf8 = False
    parser.feed(b"t CREATE Entw&APw-rfe\r\n")
    assert list(parser) == [CreateCommand("t", "Entw\u00fcrfe")]


def test_end_of_input() -> None:
    parser = CommandParser()
    parser.feed(b"t NOOP\r\nt2 NO")
    parser.feed(b"")
    assert list(parser) == [NoopCommand("t")]
    assert parser.closed
    assert parser.incomplete
    assert list(parser) == []
    clean = CommandParser()
    clean.feed(b"")
    assert list(clean) == []
    assert clean.closed
    assert not clean.incomplete


def test_clear_for_starttls() -> None:
    parser = CommandParser()
    parser.feed(b"t STARTTLS\r\nt2 NOOP\r\n")
    assert parser.next_event() == StartTlsCommand("t")
    assert parser.buffered == len(b"t2 NOOP\r\n")
    parser.expect_continuation(IdleCommand("x"))
    assert parser.clear() == b"t2 NOOP\r\n"  # never read as a command
    assert parser.expecting is None
    assert list(parser) == []
    assert parser.buffered == 0


def test_constructor() -> None:
    assert CommandParser().literals is LiteralSupport.LITERAL_MINUS
    assert CommandParser(literals=LiteralSupport.SYNC_ONLY).literals is LiteralSupport.SYNC_ONLY
    with pytest.raises(TypeError):
        CommandParser(literals="LITERAL+")  # type: ignore[arg-type]
    parser = CommandParser(IMAPLimits(max_nonsync_literal=None))
    parser.feed(b"t LOGIN {5000+}\r\n" + b"x" * 5000 + b" y\r\n")
    (event,) = list(parser)
    assert isinstance(event, CommandError)  # LITERAL- still means at most 4096 octets
    assert event.rejection is Rejection.NONSYNC_LITERAL_TOO_LARGE


# --- fuzzing --------------------------------------------------------------------------------------

_PIECES = (
    b"t",
    b" ",
    b"\r\n",
    b"{3}\r\n",
    b"{2+}\r\n",
    b"~{1}\r\n",
    b"{99999999999999999999}\r\n",
    b"(",
    b")",
    b'"',
    b"\\",
    b"\0",
    b"\xff",
    b"UID ",
    b"FETCH 1 ",
    b"APPEND x ",
    b"SEARCH ",
    b"NOOP",
    b"DONE",
    b"*",
    b"AAAA",
    b"SELECT INBOX (QRESYNC (1 2 ",
    b"STORE 1 (UNCHANGEDSINCE 5) +FLAGS ",
)
_KINDS = (Command, ContinuationLine, LiteralAnnounced, CommandError)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(s.fuzz_bytes(*_PIECES), max_size=6),
    st.lists(st.sampled_from(["accept", "refuse", "idle", "auth", "none", "utf8"]), max_size=20),
)
def test_fuzz_only_the_four_kinds_of_event(chunks: list[bytes], choices: list[str]) -> None:
    limits = IMAPLimits(
        max_command_line=512, max_literal_size=64, max_message_size=2048, max_literals=4
    )
    parser = CommandParser(limits)
    decisions = iter(choices)
    for chunk in [*(chunk for chunk in chunks if chunk), b""]:  # b"" is the end
        parser.feed(chunk)
        for event in parser:
            assert isinstance(event, _KINDS)
            choice = next(decisions, "accept")
            if isinstance(event, LiteralAnnounced):
                if choice == "refuse":
                    parser.refuse_literal()
                else:
                    parser.accept_literal()
            elif choice == "idle":
                parser.expect_continuation(IdleCommand("i"))
            elif choice == "auth":
                parser.expect_continuation(AuthenticateCommand("a", "X"))
            elif choice == "utf8":
                parser.utf8 = not parser.utf8
            if isinstance(event, CommandError):
                assert event.text.isascii()
                assert event.text.isprintable()
            assert parser.buffered <= limits.max_message_size + 64  # type: ignore[operator]
    assert parser.closed or parser.next_event() is NEED_DATA


def test_event_dataclasses() -> None:
    error = CommandError("t", "x")
    assert (error.offset, error.rejection, error.fatal, error.too_big) == (None, None, False, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        error.tag = "u"  # type: ignore[misc]
    assert WireOptions() == WireOptions(utf8=False)
    select: Command = SelectCommand("t", "x")
    assert select != NoopCommand("t")
