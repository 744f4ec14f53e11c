"""Status responses, greetings, BYE, continuation requests and unknown responses: known answers
from RFC 9051 §7.1 and §7.6 (and RFC 3501 §7.1, §7.5), construction checks, wire forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._capability import Capability
from pymailproto.imap._codes import (
    AppendUidCode,
    CapabilityCode,
    Code,
    CopyUidCode,
    PermanentFlagsCode,
    UidNextCode,
    UidValidityCode,
    UnseenCode,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag
from pymailproto.imap._response_base import (
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
    UnknownResponse,
    response_options,
)
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import LiteralSupport, WireOptions
from tests.imap import strategies_responses as sr

# --- known answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # RFC 9051 §7.1.1
        (
            b"* OK IMAP4rev2 server ready\r\n",
            StatusResponse(Condition.OK, "IMAP4rev2 server ready"),
        ),
        (
            b"* OK [ALERT] System shutdown in 10 minutes\r\n",
            StatusResponse(Condition.OK, "System shutdown in 10 minutes", Code.ALERT),
        ),
        (b"A001 OK LOGIN Completed\r\n", StatusResponse.ok("LOGIN Completed", tag="A001")),
        # RFC 9051 §7.1.2
        (
            b"A223 NO COPY failed: disk is full\r\n",
            StatusResponse.no("COPY failed: disk is full", tag="A223"),
        ),
        # RFC 9051 §7.1.3
        (b"* BAD Command line too long\r\n", StatusResponse.bad("Command line too long")),
        # RFC 9051 §7.1 (response codes)
        (
            b'o356 NO [ALREADYEXISTS] Mailbox "that" already exists\r\n',
            StatusResponse.no('Mailbox "that" already exists', Code.ALREADYEXISTS, tag="o356"),
        ),
        (b"e NO [CONTACTADMIN]\r\n", StatusResponse.no("", Code.CONTACTADMIN, tag="e")),
        # RFC 3501 §8
        (
            b"* OK [UNSEEN 17] Message 17 is the first unseen message\r\n",
            StatusResponse.ok("Message 17 is the first unseen message", UnseenCode(17)),
        ),
        (
            b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
            StatusResponse.ok("UIDs valid", UidValidityCode(3857529045)),
        ),
        (
            b"a002 OK [READ-WRITE] SELECT completed\r\n",
            StatusResponse.ok("SELECT completed", Code.READ_WRITE, tag="a002"),
        ),
        # RFC 3501 §6.3.1
        (
            b"* OK [UIDNEXT 4392] Predicted next UID\r\n",
            StatusResponse.ok("Predicted next UID", UidNextCode(4392)),
        ),
        (
            b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
            StatusResponse.ok(
                "Limited", PermanentFlagsCode([Flag.DELETED, Flag.SEEN, Flag.WILDCARD])
            ),
        ),
        # RFC 4315 §3
        (
            b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n",
            StatusResponse.ok("APPEND completed", AppendUidCode(38505, 3955), tag="A003"),
        ),
        (
            b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
            StatusResponse.ok(
                "Done",
                CopyUidCode(38505, SequenceSet.parse("304,319:320"), "3956:3958"),
                tag="A004",
            ),
        ),
        # RFC 9051 §7.1.5
        (b"* BYE Autologout; idle for too long\r\n", Bye("Autologout; idle for too long")),
        # RFC 9051 §7.6
        (
            b"+ Ready for additional command text\r\n",
            ContinuationRequest("Ready for additional command text"),
        ),
    ],
)
def test_known_answers(data: bytes, expected: Response) -> None:
    assert sr.parse_one(data) == expected
    wire = data if not data.endswith(b"]\r\n") else data[:-2] + b" \r\n"
    assert expected.to_bytes() == wire


def test_greetings() -> None:
    # RFC 9051 §7.1.1, §7.1.4, §8
    assert sr.parse_one(b"* PREAUTH IMAP4rev2 server logged in as Smith\r\n") == Greeting(
        Condition.PREAUTH, "IMAP4rev2 server logged in as Smith"
    )
    ready = sr.parse_one(
        b"* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 "
        b"Service Ready\r\n",
        greeting=True,
    )
    assert ready == Greeting(
        Condition.OK,
        "IMAP4rev2 Service Ready",
        CapabilityCode(["STARTTLS", "AUTH=SCRAM-SHA-256", "LOGINDISABLED", "IMAP4rev2"]),
    )
    assert isinstance(ready, Greeting)
    assert isinstance(ready.code, CapabilityCode)
    assert Capability.IMAP4REV2 in ready.code.capabilities
    assert Greeting(Condition.BYE, "go away").to_bytes() == b"* BYE go away\r\n"


def test_continuation_requests_and_sasl_data() -> None:
    # RFC 9051 §8: a SCRAM challenge
    challenge = sr.parse_one(
        b"+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==\r\n"
    )
    assert isinstance(challenge, ContinuationRequest)
    assert challenge.data == b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    assert ContinuationRequest.with_data(challenge.data) == challenge
    # RFC 9051 §6.2.2: an empty challenge is "+" SP
    assert ContinuationRequest.with_data(b"").to_bytes() == b"+ \r\n"
    assert ContinuationRequest().data == b""
    # text that is not base64, or a code, has no data
    assert ContinuationRequest("Ready for literal data").data is None
    assert ContinuationRequest("idle", Code.ALERT).data is None
    with pytest.raises(TypeError):
        ContinuationRequest.with_data("abc")  # type: ignore[arg-type]


def test_status_response_properties() -> None:
    assert StatusResponse.ok(tag="a").tagged
    assert not StatusResponse.ok().tagged
    assert Bye().condition is Condition.BYE


# --- construction checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: StatusResponse(Condition.PREAUTH),
        lambda: StatusResponse("OK"),  # type: ignore[arg-type]
        lambda: StatusResponse(Condition.OK, "a\r\nb"),
        lambda: StatusResponse(Condition.OK, "a\x00"),
        lambda: StatusResponse(Condition.OK, b"text"),  # type: ignore[arg-type]
        lambda: StatusResponse(Condition.OK, "[ALERT] hidden code"),
        lambda: StatusResponse(Condition.OK, "x", "ALERT"),  # type: ignore[arg-type]
        lambda: StatusResponse(Condition.OK, "x", tag="a b"),
        lambda: StatusResponse(Condition.OK, "x", tag="+"),
        lambda: StatusResponse(Condition.OK, "\udc80"),
        lambda: Greeting(Condition.NO),
        lambda: Bye("a\rb"),
        lambda: ContinuationRequest("a\nb"),
        lambda: UnknownResponse(b"* CAPABILITY IMAP4rev1"),
        lambda: UnknownResponse(b"* 5 fetch (UID 1)"),
        lambda: UnknownResponse(b"A1 OK done"),
        lambda: UnknownResponse(b"* 5"),
        lambda: UnknownResponse(b"* XFOO {5}"),
        lambda: UnknownResponse(b"* XFOO\r\n* 1 EXISTS"),
        lambda: UnknownResponse(b"* XFOO \x00"),
        lambda: UnknownResponse("* XFOO"),  # type: ignore[arg-type]
    ],
)
def test_invalid_values_cannot_be_built(build: object) -> None:
    with pytest.raises(IMAPValueError):
        build()  # type: ignore[operator]


def test_utf8_text_needs_utf8_on_the_wire() -> None:
    response = StatusResponse.ok("Grüße")
    with pytest.raises(IMAPValueError, match="UTF-8"):
        response.to_bytes()
    assert response.to_bytes(WireOptions(utf8=True)) == "* OK Grüße\r\n".encode()
    assert sr.parse_one("* OK Grüße\r\n".encode(), utf8=True) == response


def test_unknown_responses() -> None:
    # RFC 4314 ACL responses are not modelled: kept as sent
    acl = sr.parse_one(b"* ACL INBOX Fred rwipsldexta\r\n")
    assert acl == UnknownResponse(b"* ACL INBOX Fred rwipsldexta")
    assert isinstance(acl, UnknownResponse)
    assert acl.name == "ACL"
    assert acl.to_bytes() == b"* ACL INBOX Fred rwipsldexta\r\n"
    literal = sr.parse_one(b"* 3 XFOO {3}\r\nabc\r\n")
    assert literal == UnknownResponse(b"* 3 XFOO {3}\r\nabc")
    assert sr.parse_one(b"* $odd\r\n") == UnknownResponse(b"* $odd")
    assert UnknownResponse(b"* 12 X-Vendor").name == "X-VENDOR"


def test_responses_are_written_with_synchronizing_literals_only() -> None:
    options = WireOptions(utf8=True, literals=LiteralSupport.LITERAL_PLUS)
    assert response_options(options) == WireOptions(utf8=True)
    assert response_options(WireOptions()) is not None
    fragments = UnknownResponse(b"* X {1}\r\nz").fragments(options)
    assert b"".join(fragment.data for fragment in fragments) == b"* X {1}\r\nz\r\n"


@settings(max_examples=200, deadline=None)
@given(sr.status_responses())
def test_status_round_trip(response: StatusResponse) -> None:
    assert sr.parse_one(response.to_bytes()) == response


@settings(max_examples=100, deadline=None)
@given(sr.continuation_requests())
def test_continuation_round_trip(response: ContinuationRequest) -> None:
    assert sr.parse_one(response.to_bytes()) == response


def test_a_tagged_response_is_a_status() -> None:
    for data in (b"A1 PREAUTH x\r\n", b"A1 BYE x\r\n", b"A1 CAPABILITY IMAP4rev1\r\n"):
        error = sr.parse_one(data)
        assert isinstance(error, IMAPParseError)
        assert (error.tag, error.offset) == ("A1", 3)
