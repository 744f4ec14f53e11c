"""The client's small parts: argument forms, capabilities, COMPRESS, timing, the state table."""

from __future__ import annotations

import email.message
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto.errors import RemoteProtocolError
from pymailproto.imap import (
    BodySection,
    Capabilities,
    ClientConnection,
    ConnectionState,
    FetchAttribute,
    FetchCommand,
    FetchMacro,
    Flag,
    LiteralSupport,
    LoginCommand,
    NoopCommand,
    SequenceSet,
    SortCriterion,
    SortKey,
    StatusAtt,
)
from pymailproto.imap import search as s
from pymailproto.imap._client_args import (
    fetch_items,
    flags,
    message_bytes,
    message_ids,
    search_keys,
    sort_criteria,
    status_items,
)
from pymailproto.imap._compress import CHUNK, Deflater, Inflater
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._states import ALLOWED, ON_SUCCESS, allowed_in


def test_fetch_items_accept_text_macros_and_typed_values() -> None:
    assert fetch_items("FAST") is FetchMacro.FAST
    assert fetch_items("flags") == [FetchAttribute.FLAGS]
    assert fetch_items(FetchAttribute.UID) == [FetchAttribute.UID]
    [peek] = fetch_items(["BODY.PEEK[HEADER]"])
    assert isinstance(peek, BodySection)
    assert peek.peek
    with pytest.raises(IMAPValueError, match="not a FETCH item"):
        fetch_items("BODY[")


def test_search_keys_from_text_or_builders() -> None:
    assert search_keys("UNSEEN FROM alice") == [s.Unseen(), s.From("alice")]
    key = s.Unseen() & s.Flagged()
    assert search_keys(key) is key
    assert search_keys([s.All()]) == [s.All()]
    with pytest.raises(IMAPValueError, match="not SEARCH criteria"):
        search_keys("FROM")


def test_message_ids_forms() -> None:
    assert message_ids("1:*") == SequenceSet.parse("1:*")
    assert message_ids(7) == SequenceSet([7])
    assert message_ids([3, 1, 2]) == SequenceSet.parse("1:3")
    with pytest.raises(IMAPValueError):
        message_ids([])


def test_flags_and_status_and_sort_forms() -> None:
    assert flags("\\Seen") == [Flag.SEEN]
    assert flags([Flag.DRAFT, "$Forwarded"]) == [Flag.DRAFT, Flag("$Forwarded")]
    assert status_items(["messages", StatusAtt.UIDNEXT]) == [StatusAtt.MESSAGES, StatusAtt.UIDNEXT]
    with pytest.raises(IMAPValueError):
        status_items(["NOPE"])
    assert sort_criteria("REVERSE DATE SUBJECT") == [
        SortCriterion(SortKey.DATE, reverse=True),
        SortCriterion(SortKey.SUBJECT),
    ]
    assert sort_criteria([SortCriterion(SortKey.ARRIVAL), "reverse size"]) == [
        SortCriterion(SortKey.ARRIVAL),
        SortCriterion(SortKey.SIZE, reverse=True),
    ]
    for bad in ("REVERSE", "", "COLOUR", "BACKWARDS DATE"):
        with pytest.raises(IMAPValueError):
            sort_criteria(bad)


def test_message_bytes_uses_crlf() -> None:
    msg = email.message.EmailMessage()
    msg["Subject"] = "hi"
    msg.set_content("body\n")
    assert b"\r\n\r\nbody\r\n" in message_bytes(msg)
    assert message_bytes("a\nb\r\nc") == b"a\r\nb\r\nc"
    assert message_bytes(b"x\r\n") == b"x\r\n"
    with pytest.raises(TypeError):
        message_bytes(3)  # type: ignore[arg-type]


def test_capabilities_honour_imap4rev2() -> None:
    rev1 = Capabilities(["IMAP4rev1", "LITERAL+", "AUTH=PLAIN", "auth=scram-sha-256"])
    assert rev1.literals is LiteralSupport.LITERAL_PLUS
    assert rev1.auth_mechanisms == ("PLAIN", "SCRAM-SHA-256")
    assert "IDLE" not in rev1
    assert not rev1.rev2
    rev2 = Capabilities(["IMAP4rev2"])
    # RFC 9051 Appendix E: IDLE, MOVE, LITERAL- ... are part of IMAP4rev2.
    assert "IDLE" in rev2
    assert "move" in rev2
    assert rev2.literals is LiteralSupport.LITERAL_MINUS
    assert rev2.rev2
    assert [str(c) for c in rev2] == ["IMAP4rev2"]
    assert len(rev2) == 1
    assert Capabilities(["imap4REV2"]) == rev2
    assert hash(Capabilities(["IMAP4rev2"])) == hash(rev2)
    assert not Capabilities()
    assert Capabilities(["LOGINDISABLED"]).login_disabled
    assert Capabilities().literals is LiteralSupport.SYNC_ONLY
    assert "IMAP4rev2" in repr(rev2)
    assert (rev2 == "IMAP4rev2") is False


@given(st.lists(st.binary(max_size=3000), max_size=10))
def test_deflate_round_trip_in_bounded_chunks(messages: list[bytes]) -> None:
    deflater, inflater = Deflater(), Inflater()
    out = b""
    for message in messages:
        inflater.feed(deflater.compress(message))
        while inflater.has_pending:
            chunk = inflater.next_chunk()
            assert len(chunk) <= CHUNK
            out += chunk
    assert out == b"".join(messages)
    assert inflater.next_chunk() == b""


def test_corrupt_or_finished_deflate_streams_are_errors() -> None:
    inflater = Inflater()
    inflater.feed(b"\xff\xff\xff\xff")
    with pytest.raises(RemoteProtocolError, match="corrupt"):
        inflater.next_chunk()
    finished = zlib.compressobj(wbits=-15)
    data = finished.compress(b"bye") + finished.flush() + b"more"
    inflater = Inflater()
    inflater.feed(data)
    with pytest.raises(RemoteProtocolError, match="after the end"):
        inflater.next_chunk()


def test_the_state_table_covers_every_command_that_changes_state() -> None:
    assert set(ON_SUCCESS) <= set(ALLOWED)
    assert allowed_in(NoopCommand("A1")) == ALLOWED[NoopCommand]
    assert ConnectionState.SELECTED in allowed_in(FetchCommand("A1", "1", FetchAttribute.UID))


def test_waited_reports_the_oldest_command_in_flight() -> None:
    now = [100.0]
    conn = ClientConnection(clock=lambda: now[0])
    assert conn.waited() is None
    conn.receive_data(b"* OK hi\r\n")
    conn.next_event()
    conn.send(LoginCommand(conn.next_tag(), "a", "b"))
    conn.send(NoopCommand(conn.next_tag()))
    now[0] = 103.5
    assert conn.waited() == 3.5
    assert [p.tag for p in conn.in_flight] == ["A1", "A2"]
    assert conn.queued == ()
    assert ClientConnection().waited() is None
