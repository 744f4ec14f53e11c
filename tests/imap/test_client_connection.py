"""ClientConnection on its own: pipelining, literals, STARTTLS, COMPRESS, bad servers."""

from __future__ import annotations

import zlib

import pytest

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap import (
    NEED_DATA,
    AppendCommand,
    AppendMessage,
    AuthenticateResponse,
    CapabilityCommand,
    ClientConnection,
    CommandFailed,
    ConnectionClosed,
    ConnectionState,
    ContinuationRequest,
    FetchAttribute,
    FetchCommand,
    FetchResponse,
    IdleCommand,
    IdleDone,
    LoginCommand,
    LogoutCommand,
    NoopCommand,
    ParseFailure,
    RawCommand,
    SelectCommand,
    SequenceSet,
    StartTlsCommand,
    StatusResponse,
    parse_response,
)
from pymailproto.imap._client_trace import trace_command
from pymailproto.imap._codes import Code
from pymailproto.imap._commands_auth import CompressCommand
from pymailproto.imap._errors import IMAPValueError


def events(conn: ClientConnection) -> list[object]:
    out: list[object] = []
    while (event := conn.next_event()) is not NEED_DATA:
        out.append(event)
        if isinstance(event, ConnectionClosed):
            break
    return out


def greeted(caps: str = "IMAP4rev1", **kwargs: object) -> ClientConnection:
    conn = ClientConnection(**kwargs)  # type: ignore[arg-type]
    conn.receive_data(f"* OK [CAPABILITY {caps}] hi\r\n".encode())
    events(conn)
    return conn


def authenticated(caps: str = "IMAP4rev1") -> ClientConnection:
    conn = greeted(caps)
    pending = conn.send(LoginCommand(conn.next_tag(), "a", "b"))
    conn.data_to_send()
    conn.receive_data(f"{pending.tag} OK [CAPABILITY {caps}] in\r\n".encode())
    events(conn)
    assert conn.state is ConnectionState.AUTHENTICATED
    return conn


def test_nothing_is_written_before_the_greeting() -> None:
    conn = ClientConnection()
    conn.send(CapabilityCommand(conn.next_tag()))
    assert conn.data_to_send() == b""
    conn.receive_data(b"* OK hi\r\n")
    events(conn)
    assert conn.data_to_send() == b"A1 CAPABILITY\r\n"


def test_pipelined_commands_complete_by_tag_in_any_order() -> None:
    conn = authenticated()
    first = conn.send(NoopCommand(conn.next_tag()))
    second = conn.send(CapabilityCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A2 NOOP\r\nA3 CAPABILITY\r\n"
    conn.receive_data(b"* CAPABILITY IMAP4rev1 IDLE\r\nA3 OK c\r\nA2 OK n\r\n")
    events(conn)
    assert first.ok
    assert second.ok
    assert second.responses
    assert not first.responses
    assert "IDLE" in conn.capabilities


def test_a_command_waits_behind_a_synchronizing_literal() -> None:
    conn = authenticated()
    append = conn.send(AppendCommand(conn.next_tag(), "INBOX", AppendMessage(b"hello")))
    noop = conn.send(NoopCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A2 APPEND INBOX {5}\r\n"
    assert append.waiting_for_continuation
    conn.receive_data(b"+ go\r\n")
    assert events(conn) == []  # the literal's "+" is the connection's own business
    assert conn.data_to_send() == b"hello\r\nA3 NOOP\r\n"
    conn.receive_data(b"A2 OK done\r\nA3 OK done\r\n")
    events(conn)
    assert append.ok
    assert noop.ok


def test_a_refused_literal_is_never_sent_and_the_queue_moves_on() -> None:
    conn = authenticated()
    append = conn.send(AppendCommand(conn.next_tag(), "Nope", AppendMessage(b"hello")))
    noop = conn.send(NoopCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A2 APPEND Nope {5}\r\n"
    conn.receive_data(b"A2 NO [TRYCREATE] no\r\n")
    events(conn)
    assert append.done
    assert not append.ok
    assert conn.data_to_send() == b"A3 NOOP\r\n"
    assert not noop.done


def test_literal_plus_sends_everything_at_once() -> None:
    conn = authenticated("IMAP4rev1 LITERAL+")
    conn.send(AppendCommand(conn.next_tag(), "INBOX", AppendMessage(b"hello")))
    assert conn.data_to_send() == b"A2 APPEND INBOX {5+}\r\nhello\r\n"


def test_literal_minus_is_limited_to_4096_octets() -> None:
    # RFC 7888 §5: {n+} only up to 4096 octets with LITERAL- (and IMAP4rev2).
    conn = authenticated("IMAP4rev1 LITERAL-")
    conn.send(AppendCommand(conn.next_tag(), "INBOX", AppendMessage(b"x" * 4097)))
    assert conn.data_to_send() == b"A2 APPEND INBOX {4097}\r\n"


def test_commands_in_the_wrong_state_are_refused_locally() -> None:
    conn = greeted()
    with pytest.raises(LocalProtocolError, match="not authenticated"):
        conn.send(FetchCommand(conn.next_tag(), "1", FetchAttribute.FLAGS))
    auth = authenticated()
    with pytest.raises(LocalProtocolError, match="authenticated state"):
        auth.send(FetchCommand(auth.next_tag(), "1", FetchAttribute.FLAGS))
    # Pipelined after a SELECT, FETCH is fine: the state is projected.
    auth.send(SelectCommand(auth.next_tag(), "INBOX"))
    auth.send(FetchCommand(auth.next_tag(), "1", FetchAttribute.FLAGS))


def test_a_tag_in_use_is_refused() -> None:
    conn = authenticated()
    conn.send(NoopCommand("X1"))
    with pytest.raises(LocalProtocolError, match="in use"):
        conn.send(NoopCommand("X1"))


def test_nothing_follows_starttls_until_it_completes_and_injection_is_refused() -> None:
    conn = greeted("IMAP4rev1 STARTTLS")
    starttls = conn.send(StartTlsCommand(conn.next_tag()))
    conn.send(CapabilityCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A1 STARTTLS\r\n"
    # RFC 9051 §6.2.1: octets after the OK, before the handshake, are an attack.
    conn.receive_data(b"A1 OK begin\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")
    with pytest.raises(RemoteProtocolError, match="STARTTLS"):
        events(conn)
    assert starttls.ok


def test_starttls_forgets_the_capabilities() -> None:
    conn = greeted("IMAP4rev1 STARTTLS AUTH=PLAIN")
    conn.send(StartTlsCommand(conn.next_tag()))
    conn.data_to_send()
    conn.receive_data(b"A1 OK begin\r\n")
    events(conn)
    assert not conn.capabilities
    assert conn.capabilities_stale
    conn.tls_started()
    assert conn.tls_active


def test_compress_deflate_both_ways() -> None:
    conn = authenticated("IMAP4rev1 COMPRESS=DEFLATE")
    conn.send(CompressCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A2 COMPRESS DEFLATE\r\n"
    server_out = zlib.compressobj(wbits=-15)
    squeezed = server_out.compress(b"* 3 EXISTS\r\n") + server_out.flush(zlib.Z_SYNC_FLUSH)
    # The compressed stream starts right after the OK's CRLF (RFC 4978 §3), same read.
    conn.receive_data(b"A2 OK compressing\r\n" + squeezed[:5])
    conn.receive_data(squeezed[5:])
    got = events(conn)
    assert conn.compressed
    assert any(type(e).__name__ == "ExistsResponse" for e in got)
    conn.send(NoopCommand(conn.next_tag()))
    wire = conn.data_to_send()
    assert zlib.decompressobj(wbits=-15).decompress(wire) == b"A3 NOOP\r\n"


def test_a_decompression_bomb_is_bounded_by_the_line_limit() -> None:
    conn = ClientConnection(limits=IMAPLimits(max_response_line=100_000))
    conn.receive_data(b"* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] hi\r\n")
    events(conn)
    conn.send(LoginCommand(conn.next_tag(), "a", "b"))
    conn.receive_data(b"A1 OK in\r\n")
    events(conn)
    conn.send(CompressCommand(conn.next_tag()))
    conn.data_to_send()
    bomb = zlib.compressobj(wbits=-15)
    data = bomb.compress(b"* OK " + b"a" * 50_000_000) + bomb.flush(zlib.Z_SYNC_FLUSH)
    assert len(data) < 100_000
    conn.receive_data(b"A2 OK go\r\n" + data + b"\r\n")
    got = events(conn)
    # The over-long line is refused whole (a ParseFailure), memory never held it all.
    assert any(isinstance(e, ParseFailure) for e in got)


def test_idle_and_authenticate_continuations_are_delivered() -> None:
    conn = authenticated()
    idle = conn.send(IdleCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A2 IDLE\r\n"
    # RFC 9051 §6.3.13: nothing but DONE while IDLE holds the line.
    with pytest.raises(LocalProtocolError, match="IDLE"):
        conn.send(NoopCommand(conn.next_tag()))
    conn.receive_data(b"+ idling\r\n* 1 EXISTS\r\n")
    got = events(conn)
    assert isinstance(got[0], ContinuationRequest)
    conn.send(IdleDone())
    assert conn.data_to_send() == b"DONE\r\n"
    conn.receive_data(b"A2 OK done\r\n")
    events(conn)
    assert idle.ok
    conn.send(NoopCommand(conn.next_tag()))
    assert conn.data_to_send() == b"A4 NOOP\r\n"
    with pytest.raises(LocalProtocolError, match="awaits"):
        conn.send(AuthenticateResponse(b"x"))


def test_an_unexpected_continuation_request_is_an_error() -> None:
    conn = authenticated()
    conn.send(NoopCommand(conn.next_tag()))
    conn.receive_data(b"+ what\r\n")
    with pytest.raises(RemoteProtocolError, match="continuation"):
        events(conn)


def test_a_completion_for_no_command_is_an_error() -> None:
    conn = authenticated()
    conn.receive_data(b"Z9 OK who\r\n")
    with pytest.raises(RemoteProtocolError, match="no command"):
        events(conn)


def test_garbage_is_reported_and_a_garbled_completion_fails_its_command() -> None:
    conn = authenticated()
    noop = conn.send(NoopCommand(conn.next_tag()))
    conn.receive_data(b"* 12 FETCH (FLAGS (\\Seen)\r\nA2 FOO bar\r\n")
    got = events(conn)
    assert sum(isinstance(e, ParseFailure) for e in got) == 2
    assert noop.done
    assert isinstance(noop.error, RemoteProtocolError)
    with pytest.raises(RemoteProtocolError):
        noop.check()


def test_bye_then_close_fails_the_commands_in_flight() -> None:
    conn = authenticated()
    pending = conn.send(NoopCommand(conn.next_tag()))
    conn.receive_data(b"* BYE shutting down\r\n")
    conn.receive_data(b"")
    got = events(conn)
    assert isinstance(got[-1], ConnectionClosed)
    assert got[-1].bye is not None
    assert conn.state is ConnectionState.LOGOUT
    with pytest.raises(RemoteProtocolError, match="BYE"):
        pending.check()
    with pytest.raises(LocalProtocolError):
        conn.send(NoopCommand(conn.next_tag()))


def test_a_drop_in_the_middle_of_a_literal_is_reported() -> None:
    conn = authenticated()
    fetch = conn.send(NoopCommand(conn.next_tag()))
    conn.receive_data(b"* 1 FETCH (BODY[] {100}\r\nonly a little")
    conn.receive_data(b"")
    got = events(conn)
    assert isinstance(got[-1], ConnectionClosed)
    assert got[-1].incomplete
    assert isinstance(fetch.error, RemoteProtocolError)


def test_a_literal_over_the_limit_is_refused_without_holding_it() -> None:
    conn = ClientConnection(limits=IMAPLimits(max_literal_size=1000))
    conn.receive_data(b"* OK hi\r\n")
    events(conn)
    conn.send(LoginCommand(conn.next_tag(), "a", "b"))
    conn.receive_data(b"A1 OK in\r\n")
    events(conn)
    conn.receive_data(b"* 1 FETCH (BODY[] {5000}\r\n" + b"x" * 5000 + b")\r\n")
    got = events(conn)
    assert any(isinstance(e, ParseFailure) for e in got)
    assert not any(isinstance(e, FetchResponse) for e in got)


def test_logout_leads_to_the_logout_state() -> None:
    conn = authenticated()
    pending = conn.send(LogoutCommand(conn.next_tag()))
    conn.receive_data(b"* BYE bye\r\nA2 OK done\r\n")
    events(conn)
    assert pending.ok
    assert conn.state is ConnectionState.LOGOUT


def test_raw_commands_are_one_line() -> None:
    assert RawCommand("A1", "X-THING 1 2").to_bytes() == b"A1 X-THING 1 2\r\n"
    for bad in ("X\r\nA2 LOGOUT", "X {5}", "", "1abc", "X\0"):
        with pytest.raises(IMAPValueError):
            RawCommand("A1", bad)


def test_trace_masks_credentials_and_summarises_literals() -> None:
    lines: list[str] = []
    conn = greeted(trace=lines.append)
    conn.send(LoginCommand(conn.next_tag(), "alice", "secret"))
    conn.data_to_send()
    conn.receive_data(b"A1 OK in\r\n")
    events(conn)
    conn.send(AppendCommand(conn.next_tag(), "INBOX", AppendMessage(b"x" * 50)))
    assert "C: A1 LOGIN alice ****" in lines
    assert any("<50 octets>" in line for line in lines)
    assert not any("secret" in line for line in lines)
    assert trace_command(AuthenticateResponse(b"pw")) == "****"


def test_unsolicited_responses_are_kept_apart() -> None:
    conn = authenticated()
    conn.receive_data(b"* OK [ALERT] maintenance tonight\r\n")
    events(conn)
    assert isinstance(conn.unsolicited[-1], StatusResponse)


def test_uid_fetch_to_star_claims_every_uid() -> None:
    conn = authenticated()
    conn.send(SelectCommand(conn.next_tag(), "INBOX"))
    conn.receive_data(b"* 2 EXISTS\r\nA2 OK [READ-WRITE] ok\r\n")
    events(conn)
    fetch = conn.send(
        FetchCommand(conn.next_tag(), SequenceSet.parse("5:*"), FetchAttribute.FLAGS, uid=True)
    )
    plain = conn.send(FetchCommand(conn.next_tag(), "2:*", FetchAttribute.FLAGS))
    conn.receive_data(b"* 1 FETCH (UID 3 FLAGS ())\r\n* 2 FETCH (UID 7 FLAGS ())\r\nA3 OK\r\n")
    conn.receive_data(b"* 2 FETCH (FLAGS (\\Seen))\r\nA4 OK\r\n")
    events(conn)
    # RFC 9051 §6.4.9: "5:*" includes the highest UID even when it is below 5.
    assert [r.uid for r in fetch.of_type(FetchResponse)] == [3, 7]
    assert [r.number for r in plain.of_type(FetchResponse)] == [2]


def test_command_failed_says_what_the_server_said() -> None:
    response = parse_response(b"A1 NO [TRYCREATE] no such mailbox\r\n")
    assert isinstance(response, StatusResponse)
    error = CommandFailed(NoopCommand("A1"), response)
    assert str(error) == "NOOP failed: NO [TRYCREATE] no such mailbox"
    assert error.code is Code.TRYCREATE
