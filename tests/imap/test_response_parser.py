"""ResponseParser: the RFC transcripts, every way of splitting the input, errors that do not
stop the stream, streamed literals, limits, and the fuzz promise (responses or IMAPParseError,
never another exception, bounded memory)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError
from pymailproto.imap._codes import Code, UidValidityCode, UnknownCode
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._framing import ResponseFramer
from pymailproto.imap._framing_events import (
    NEED_DATA,
    LiteralChunk,
    LiteralSpan,
    LiteralStreamed,
    Message,
    Rejection,
)
from pymailproto.imap._msg_att import BodyKey, FetchItemError
from pymailproto.imap._quirks import Quirks
from pymailproto.imap._response_base import (
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
    UnknownResponse,
)
from pymailproto.imap._response_parser import (
    ResponseParser,
    ResponseRejected,
    _EightBitReader,
    parse_response,
)
from pymailproto.imap._responses_data import (
    DATA_READERS,
    CapabilityResponse,
    ExistsResponse,
    FlagsResponse,
    ListResponse,
)
from pymailproto.imap._responses_message import FetchResponse, StreamedLiteral
from pymailproto.imap._section import Section
from pymailproto.imap._values import WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_responses as sr

VECTORS = Path(__file__).parent / "vectors" / "responses.txt"

# --- the RFC transcripts --------------------------------------------------------------------------


@dataclass
class Transcript:
    source: str
    flags: set[str] = field(default_factory=set)
    lines: list[bytes] = field(default_factory=list)
    #: Index of the line a response ends on -> its canonical serialization.
    canonical: dict[int, bytes] = field(default_factory=dict)

    @property
    def wire(self) -> bytes:
        return b"".join(line + b"\r\n" for line in self.lines)


def _text(line: str) -> bytes:
    text = line[3:] if line[2:3] == " " else line[2:]
    if text.endswith("<SP>"):
        text = text[:-4] + " "
    return text.encode("utf-8")


def load_transcripts() -> list[Transcript]:
    transcripts: list[Transcript] = []
    for line in VECTORS.read_text("utf-8").splitlines():
        if line.startswith("@ "):
            transcripts.append(Transcript(line[2:]))
        elif line.startswith("! "):
            transcripts[-1].flags.update(line[2:].split())
        elif line.startswith("S:"):
            transcripts[-1].lines.append(_text(line))
        elif line.startswith("=:"):
            ending = len(transcripts[-1].lines) - 1
            previous = transcripts[-1].canonical.get(ending)
            text = _text(line) + b"\r\n"
            transcripts[-1].canonical[ending] = text if previous is None else previous + text
        else:
            assert not line or line.startswith("#"), line
    return transcripts


TRANSCRIPTS = load_transcripts()
_IDS = [f"{n:03d} {t.source}" for n, t in enumerate(TRANSCRIPTS)]


def _expected_bytes(transcript: Transcript) -> list[bytes]:
    """Each response's expected serialization: its own bytes (cut by the framer), or the
    canonical form given for the line it ends on."""
    framer = ResponseFramer()
    framer.receive_data(transcript.wire)
    out: list[bytes] = []
    ends = list(itertools.accumulate(len(line) + 2 for line in transcript.lines))
    offset = 0
    while (event := framer.next_event()) is not NEED_DATA:
        assert isinstance(event, Message)
        offset += len(event.data)
        out.append(transcript.canonical.get(ends.index(offset), event.data))
    return out


def _kwargs(transcript: Transcript) -> dict[str, Any]:
    return {"greeting": "greeting" in transcript.flags}


def test_the_transcripts_cover_the_rfcs() -> None:
    sources = {t.source.split(" ")[0] for t in TRANSCRIPTS}
    assert sources == {
        "rfc3501.txt",
        "rfc9051.txt",
        "rfc2342.txt",
        "rfc2971.txt",
        "rfc4315.txt",
        "rfc4731.txt",
        "rfc4978.txt",
        "rfc5161.txt",
        "rfc5256.txt",
        "rfc5258.txt",
        "rfc5819.txt",
        "rfc6154.txt",
        "rfc6851.txt",
        "rfc7162.txt",
        "rfc9208.txt",
        "rfc2177.txt",
    }
    assert sum(len(t.lines) for t in TRANSCRIPTS) > 650


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=_IDS)
def test_transcript(transcript: Transcript) -> None:
    events = sr.collect([transcript.wire], **_kwargs(transcript))
    responses = sr.responses_of(events)
    expected = _expected_bytes(transcript)
    assert len(responses) == len(expected)
    for response, wire in zip(responses, expected, strict=True):
        assert not isinstance(response, UnknownResponse), response
        if isinstance(response, FetchResponse):
            assert not response.data.errors, response
        # Re-serialized: the same bytes, or the documented canonical form ...
        assert response.to_bytes() == wire
        # ... which reads back as the same value.
        assert parse_response(wire, greeting=isinstance(response, Greeting)) == response


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=_IDS)
def test_transcript_byte_by_byte(transcript: Transcript) -> None:
    whole = sr.collect([transcript.wire], **_kwargs(transcript))
    assert sr.collect(sr.bytewise(transcript.wire), **_kwargs(transcript)) == whole


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(TRANSCRIPTS), st.lists(st.integers(0, 4000), max_size=12))
def test_transcript_split_anywhere(transcript: Transcript, points: list[int]) -> None:
    whole = sr.collect([transcript.wire], **_kwargs(transcript))
    assert sr.collect(sr.split(transcript.wire, points), **_kwargs(transcript)) == whole


def test_the_rfc9051_sample_session() -> None:
    """RFC 9051 §8, read into its values (the transcript test checks every other example)."""
    session = [t for t in TRANSCRIPTS if t.source == "rfc9051.txt §8"]
    events = [e for t in session for e in sr.collect([t.wire], **_kwargs(t))]
    greeting = events[0]
    assert isinstance(greeting, Greeting)
    assert greeting.condition is Condition.OK
    assert greeting.text == "IMAP4rev2 Service Ready"
    assert isinstance(events[2], ContinuationRequest)
    assert events[2].data is not None
    assert events[2].data.startswith(b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
    fetch = [e for e in events if isinstance(e, FetchResponse)]
    assert fetch[0].number == 12
    assert fetch[0].data.rfc822_size == 4286
    assert fetch[0].data.envelope is not None
    assert fetch[0].data.envelope.subject == b"IMAP4rev2 WG mtg summary and minutes"
    header = fetch[1].data.section("HEADER")
    assert header is not None
    assert len(header) == 342
    assert header.endswith(b"\r\n\r\n")
    assert isinstance(events[-2], Bye)
    assert events[-1] == StatusResponse(Condition.OK, "LOGOUT completed", tag="a006")


# --- every response type, round trips -------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sr.wire_settings.flatmap(lambda w: st.tuples(st.just(w), sr.responses(w[0]))))
def test_serialize_then_parse(case: tuple[tuple[bool, WireOptions], Response]) -> None:
    (utf8, options), response = case
    wire = response.to_bytes(options)
    assert sr.parse_one(wire, utf8=utf8) == response
    # parse -> serialize is the canonical form again
    assert sr.parse_one(wire, utf8=utf8).to_bytes(options) == wire  # type: ignore[union-attr]


@settings(max_examples=100, deadline=None)
@given(sr.greetings())
def test_greetings_round_trip(greeting: Greeting) -> None:
    assert sr.parse_one(greeting.to_bytes(), greeting=True) == greeting


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sr.responses(), min_size=1, max_size=6), st.lists(st.integers(0, 3000)))
def test_any_split_gives_the_same_responses(responses: list[Response], points: list[int]) -> None:
    wire = b"".join(response.to_bytes() for response in responses)
    assert sr.collect(sr.split(wire, points)) == responses
    assert sr.collect(sr.bytewise(wire)) == responses


# --- errors: yielded, and the stream goes on ------------------------------------------------------


def test_a_malformed_response_is_yielded_and_parsing_goes_on() -> None:
    events = sr.collect([b"* 3 EXISTS\r\nA1 OK [UIDVALIDITY 0] x\r\nA2 FOO bar\r\n* 4 EXISTS\r\n"])
    assert events[0] == ExistsResponse(3)
    # UIDVALIDITY 0 is not that code (nz-number): the grammar's generic code (RFC 9051 §9)
    status = events[1]
    assert isinstance(status, StatusResponse)
    assert status.tag == "A1"
    assert status.text == "x"
    assert isinstance(status.code, UnknownCode)
    assert status.code.atom == "UIDVALIDITY"
    error = events[2]
    assert isinstance(error, IMAPParseError)
    assert (error.tag, error.offset) == ("A2", 3)
    assert "OK, NO or BAD" in error.message
    assert events[3] == ExistsResponse(4)


@pytest.mark.parametrize(
    ("data", "tag", "offset"),
    [
        (b"* 0 FETCH (UID 1)\r\n", None, 2),
        (b"* 0 EXPUNGE\r\n", None, 2),
        (b"* 1 CAPABILITY IMAP4rev1\r\n", None, 4),
        (b"* EXISTS\r\n", None, 2),
        (b"* 1 FETCH (UID 1) x\r\n", None, 17),
        (b"* 1 FETCH (BODY[1.0] {1}\r\nx)\r\n", None, 18),
        (b"* 12345678901 FETCH (UID 1)\r\n", None, 2),
        (b"* FLAGS (\\Seen\r\n", None, 14),
        (b"tag NO\r\nextra", "tag", 6),
        (b"+OK\r\n", None, 1),
        (b"* (x)\r\n", None, 2),
        (b"* 5 (x)\r\n", None, 4),
        (b"* OK \x80\r\n", None, 5),
    ],
)
def test_errors_carry_the_tag_and_offset(data: bytes, tag: str | None, offset: int) -> None:
    events = sr.collect([data], quirks=Quirks.NONE, eof=False)
    error = events[0]
    assert isinstance(error, IMAPParseError), events
    assert (error.tag, error.offset) == (tag, offset)


def test_a_fetch_item_that_can_be_skipped_does_not_cost_the_response() -> None:
    response = sr.parse_one(b'* 7 FETCH (UID 9 INTERNALDATE "bad date" FLAGS (\\Seen))\r\n')
    assert isinstance(response, FetchResponse)
    assert response.uid == 9
    assert response.data.flags is not None
    assert isinstance(response.data["INTERNALDATE"], FetchItemError)


def test_framing_rejections_are_errors_with_their_reason() -> None:
    limits = IMAPLimits(max_response_line=64)
    events = sr.collect(
        [b"A1 OK " + b"x" * 100 + b"\r\n", b"* 1 EXISTS\r\n", b"* 2 EXISTS\x00\r\n"],
        limits=limits,
    )
    first, second, third = events
    assert isinstance(first, ResponseRejected)
    assert first.tag == "A1"
    assert first.reason is Rejection.LINE_TOO_LONG
    assert first.offset == 0
    assert second == ExistsResponse(1)
    assert isinstance(third, ResponseRejected)
    assert third.reason is Rejection.NUL


def test_a_fatal_framing_error_ends_the_stream() -> None:
    parser = ResponseParser()
    parser.feed(b"* 1 FETCH (BODY[] {99999999999999999999}\r\n")
    error = next(iter(parser))
    assert isinstance(error, IMAPParseError)
    assert error.fatal
    parser.feed(b"* 2 EXISTS\r\n")
    assert list(parser) == []


def test_end_of_input() -> None:
    parser = ResponseParser()
    parser.feed(b"* 1 EXISTS\r\n* 2 EXI")
    assert list(parser) == [ExistsResponse(1)]
    assert not parser.closed
    assert parser.buffered == 7
    parser.feed(b"")
    assert list(parser) == []
    assert parser.closed
    assert parser.incomplete
    with pytest.raises(LocalProtocolError):
        parser.feed(b"more")
    assert parser.next_event() is not None  # NEED_DATA: nothing more, ever


def test_clear_returns_the_unparsed_bytes() -> None:
    parser = ResponseParser()
    parser.feed(b"a1 OK Begin TLS negotiation now\r\n\x16\x03\x01")
    assert list(parser) == [StatusResponse(Condition.OK, "Begin TLS negotiation now", tag="a1")]
    assert parser.clear() == b"\x16\x03\x01"
    assert parser.buffered == 0


def test_parse_response() -> None:
    assert parse_response(b"* 3 EXISTS\r\n") == ExistsResponse(3)
    for data in (b"* 3 EXISTS\r\n* 4 EXISTS\r\n", b"* 3 EXISTS", b"* 3 EXISTS\r\n* 4"):
        with pytest.raises(IMAPParseError, match="exactly one"):
            parse_response(data)
    with pytest.raises(IMAPParseError, match="EXISTS, RECENT"):
        parse_response(b"* 3 ENABLED\r\n")


def test_quirks_must_be_quirks() -> None:
    with pytest.raises(TypeError):
        ResponseParser(quirks=0)  # type: ignore[arg-type]


# --- session settings -----------------------------------------------------------------------------


def test_the_greeting_setting() -> None:
    ok = b"* OK [UIDVALIDITY 1] ready\r\n"
    assert sr.parse_one(ok, greeting=True) == Greeting(Condition.OK, "ready", UidValidityCode(1))
    assert sr.parse_one(ok) == StatusResponse(Condition.OK, "ready", UidValidityCode(1))
    assert sr.parse_one(b"* BYE go\r\n", greeting=True) == Greeting(Condition.BYE, "go")
    assert sr.parse_one(b"* BYE go\r\n") == Bye("go")
    # PREAUTH is valid only as a greeting: it is one wherever it comes
    assert sr.parse_one(b"* PREAUTH hi\r\n") == Greeting(Condition.PREAUTH, "hi")
    # only the first response is the greeting, whatever it is
    events = sr.collect([b"* 1 EXISTS\r\n* OK x\r\n"], greeting=True)
    assert events == [ExistsResponse(1), StatusResponse(Condition.OK, "x")]
    events = sr.collect([b"* NO x\r\n* OK y\r\n"], greeting=True)
    assert events == [StatusResponse(Condition.NO, "x"), StatusResponse(Condition.OK, "y")]


def test_the_utf8_setting() -> None:
    parser = ResponseParser()
    parser.feed(b'* LIST () "/" "&AOk-t&AOk-"\r\n')
    (response,) = list(parser)
    assert isinstance(response, ListResponse)
    assert response.mailbox == "été"
    parser.utf8 = True  # after ENABLE UTF8=ACCEPT
    parser.feed(b'* LIST () "/" "\xc3\xa9t\xc3\xa9"\r\n')
    (response,) = list(parser)
    assert isinstance(response, ListResponse)
    assert response.mailbox == "été"


def test_a_data_response_with_a_value_the_model_refuses() -> None:
    # LIST allows one selectability attribute; read, the grammar is all that is enforced, but
    # a mailbox name that is not modified UTF-7 is an error of the response
    events = sr.collect([b'* LIST () "/" "&Jjo"\r\n'], quirks=Quirks.NONE)
    assert isinstance(events[0], IMAPParseError)


# --- streamed literals ----------------------------------------------------------------------------

_BIG = b"* 12 FETCH (UID 5 BODY[] {20}\r\n0123456789abcdefghij FLAGS (\\Seen))\r\na1 OK done\r\n"


@pytest.mark.parametrize("pieces", [[_BIG], sr.bytewise(_BIG)], ids=["whole", "bytewise"])
def test_streamed_literals(pieces: list[bytes]) -> None:
    events = sr.comparable(sr.collect(pieces, stream_threshold=10))
    streamed, chunks, fetch, done = events
    assert isinstance(streamed, LiteralStreamed)
    assert streamed.prefix == b"* 12 FETCH (UID 5 BODY[] {20}\r\n"
    assert chunks == ("chunks", b"0123456789abcdefghij", True)
    assert isinstance(fetch, FetchResponse)
    assert fetch.uid == 5
    placeholder = fetch.data[BodyKey()]
    assert isinstance(placeholder, StreamedLiteral)
    assert placeholder.length == 20
    assert placeholder == StreamedLiteral(streamed.literal)
    assert fetch.data.flags is not None
    assert done == StatusResponse(Condition.OK, "done", tag="a1")


def test_a_streamed_literal_elsewhere_in_a_response() -> None:
    data = b"* METADATA INBOX (/shared/comment {12}\r\nhello world!)\r\n"
    events = sr.collect([data], stream_threshold=5)
    response = events[-1]
    assert response.items[0][1] == StreamedLiteral(events[0].literal)  # type: ignore[union-attr]
    # an unknown response cannot be kept without its octets
    events = sr.collect([b"* XFOO {12}\r\nhello world!\r\n"], stream_threshold=5)
    assert isinstance(events[-1], IMAPParseError)


def test_a_streamed_literal_of_a_response_repaired_by_a_quirk() -> None:
    data = b"* 1 FETCH (BODY[] {10}\r\n0123456789 UID 2 )\r\n"
    events = sr.collect([data], stream_threshold=5)
    fetch = events[-1]
    assert isinstance(fetch, FetchResponse)
    assert fetch.uid == 2
    assert isinstance(fetch.data[BodyKey()], StreamedLiteral)


# --- fuzzing --------------------------------------------------------------------------------------

_PIECES = (
    b"* ",
    b"a1 ",
    b"+ ",
    b"OK",
    b"NO",
    b"BYE",
    b"PREAUTH",
    b"FETCH",
    b"1 ",
    b"EXISTS",
    b"(",
    b")",
    b" ",
    b"\r\n",
    b"{3}\r\nabc",
    b'"x"',
    b"NIL",
    b"CAPABILITY IMAP4rev1",
    b"[",
    b"]",
    b'LIST () "/" ',
    b"STATUS",
    b"SEARCH",
    b"UID",
    b"FLAGS (\\Seen)",
    b"ENVELOPE",
    b"BODYSTRUCTURE",
    b"BODY[] ",
    b"\xc3\xa9",
    b"\xff",
    b'"',
    b"\\",
    b"~{2}\r\n\x00a",
    b"  ",
    b"VANISHED (EARLIER) 1:3",
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    s.fuzz_bytes(*_PIECES),
    st.sampled_from([Quirks.NONE, Quirks.DEFAULT, Quirks.ALL]),
    st.booleans(),
    st.sampled_from([None, 2]),
)
def test_fuzz(data: bytes, quirks: Quirks, utf8: bool, threshold: int | None) -> None:
    limits = IMAPLimits(max_response_line=200, max_message_size=400, max_literals=4)
    parser = ResponseParser(limits, quirks=quirks, utf8=utf8, stream_threshold=threshold)
    for piece in ([data] if data else []) + [data + b"\r\n", b""]:
        parser.feed(piece)
        for event in parser:
            assert isinstance(event, (Response, IMAPParseError, LiteralStreamed, LiteralChunk))
            if isinstance(event, IMAPParseError):
                assert event.offset >= 0
        # bounded memory: once it needs data, the parser holds less than a message
        assert parser.buffered < 400


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.fuzz_bytes(*_PIECES), st.booleans())
def test_fuzz_what_parses_serializes_canonically(data: bytes, utf8: bool) -> None:
    for event in sr.collect([data + b"\r\n"], utf8=utf8):
        if not isinstance(event, Response):
            continue
        try:
            wire = event.to_bytes(WireOptions(utf8=utf8))
        except Exception as exc:
            assert not utf8, exc
            continue
        back = parse_response(wire, utf8=utf8, greeting=isinstance(event, Greeting))
        assert back == event
        assert back.to_bytes(WireOptions(utf8=utf8)) == wire


def test_literal_spans_in_a_message_can_be_streamed_ones() -> None:
    span = LiteralSpan(0, 3, streamed=True)
    assert StreamedLiteral(span).length == 3
    assert StreamedLiteral(span) != b""
    assert hash(StreamedLiteral(span)) == hash(span)
    assert repr(StreamedLiteral(span)) == "StreamedLiteral(length=3)"


def test_status_codes_are_read() -> None:
    response = sr.parse_one(b"A1 NO [TRYCREATE] no such mailbox\r\n")
    assert response == StatusResponse(Condition.NO, "no such mailbox", Code.TRYCREATE, tag="A1")
    assert sr.parse_one(b"* CAPABILITY IMAP4rev1 IDLE\r\n") == CapabilityResponse(
        ["IMAP4rev1", "IDLE"]
    )
    assert sr.parse_one(b"* FLAGS ()\r\n") == FlagsResponse([])


def test_streamed_and_inline_literals_in_one_response() -> None:
    data = b"* 1 FETCH (BODY[1] {2}\r\nab BODY[2] {12}\r\nhello world! UID 4)\r\n"
    events = sr.collect([data], stream_threshold=5)
    fetch = events[-1]
    assert isinstance(fetch, FetchResponse)
    assert fetch.data.section("1") == b"ab"
    assert isinstance(fetch.data[BodyKey(Section.parse("2"))], StreamedLiteral)


def test_eight_bit_octets_next_to_a_streamed_literal() -> None:
    data = (
        b"* 1 FETCH (BODY[] {12}\r\nhello world! "
        b'ENVELOPE (NIL "caf\xc3\xa9" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n'
    )
    strict = sr.collect([data], stream_threshold=5, quirks=Quirks.NONE)
    assert isinstance(strict[-1], IMAPParseError)
    fetch = sr.collect([data], stream_threshold=5)[-1]
    assert isinstance(fetch, FetchResponse)
    assert fetch.data.envelope is not None
    assert fetch.data.envelope.subject == "café".encode()


def test_the_eight_bit_reader() -> None:
    reader = _EightBitReader(b"\r\n", utf8=False, max_depth=10, streamed={})
    with pytest.raises(IMAPParseError, match="text"):
        reader.read_text()


def test_a_value_error_from_a_reader_is_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(reader: object, utf8: bool, quirks: Quirks) -> Response:
        raise IMAPValueError("refused")

    monkeypatch.setitem(DATA_READERS, "FLAGS", refuse)
    error = sr.parse_one(b"* FLAGS ()\r\n")
    assert isinstance(error, IMAPParseError)
    assert error.message == "refused"
