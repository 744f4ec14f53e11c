"""ClientConnection: sequencing, pipelining, DATA and BDAT, STARTTLS, AUTH, replies, LMTP."""

# mypy keeps ``conn.state`` narrowed after an assert, although send()/feed() change it.
# mypy: disable-error-code="comparison-overlap"

from __future__ import annotations

import pytest

from pymailproto._limits import SMTPLimits
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import (
    TRANSITIONS,
    Auth,
    AuthResponse,
    Bdat,
    Body,
    ClientConnection,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfMessage,
    Expn,
    Greeting,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    MailParams,
    MessageChunk,
    Noop,
    Notify,
    Quit,
    RcptParams,
    RcptTo,
    Reply,
    Ret,
    Rset,
    StartTLS,
    State,
    Vrfy,
)
from pymailproto.smtp._state import CHUNK_STATES
from tests.smtp.client_helpers import (
    ALICE,
    ALL_EXTENSIONS,
    BOB,
    CAROL,
    JOSE,
    SAMPLES,
    client_in,
    ehlo_reply,
    feed,
    greeted,
    in_transaction,
    ok,
    refused,
    send,
    wire,
)

# ---------------------------------------------------------------------------- greeting


def test_greeting() -> None:
    conn = ClientConnection()
    assert conn.waiting
    events = feed(conn, b"220-mx.example ESMTP\r\n220 ready\r\n")
    assert events == [Greeting(220, ["mx.example ESMTP", "ready"])]
    assert type(events[0]) is Greeting
    assert conn.state is State.CONNECTED
    assert not conn.waiting


def test_greeting_554_leaves_only_quit() -> None:
    # RFC 5321 §3.1: after a 554 greeting the client SHOULD send QUIT.
    conn = client_in(State.REFUSED)
    for cls in (Ehlo, Helo, MailFrom, Rset, Noop, Vrfy, Help):
        assert "out of sequence" in refused(conn, SAMPLES[cls])
    conn.send(Quit())
    assert conn.data_to_send() == b"QUIT\r\n"
    feed(conn, b"221 bye\r\n")
    assert conn.state is State.CLOSED


@pytest.mark.parametrize("when", ["greeting", "command", "unsolicited", "mid-flight"])
def test_any_421_closes(when: str) -> None:
    # RFC 5321 §3.8: 421 may answer anything; the connection is over.
    mail = rcpt = None
    conn = ClientConnection() if when == "greeting" else greeted("PIPELINING")
    if when in ("command", "mid-flight"):
        mail = send(conn, MailFrom(ALICE))
        rcpt = send(conn, RcptTo(BOB)) if when == "mid-flight" else None
    events = feed(conn, b"421 shutting down\r\n")
    assert [(e.code, e.text) for e in events if isinstance(e, Reply)] == [(421, "shutting down")]
    assert conn.state is State.CLOSED
    assert conn.next_event() == ConnectionClosed()
    if mail is not None:
        assert mail.reply.code == 421
    if rcpt is not None:
        assert not rcpt.done
        assert not rcpt.replies
    assert "closed" in refused(conn, Noop())


def test_unsolicited_reply_is_an_error() -> None:
    conn = greeted()
    with pytest.raises(RemoteProtocolError, match="unsolicited"):
        feed(conn, ok())


def test_peer_close() -> None:
    conn = greeted()
    conn.send(Noop())
    conn.receive_data(b"250 partial")
    conn.receive_data(b"")
    assert conn.next_event() == ConnectionClosed()
    assert conn.state is State.CLOSED
    assert "closed" in refused(conn, Noop())


# ---------------------------------------------------------------------------- pipelining


def test_without_pipelining_one_command_at_a_time() -> None:
    conn = greeted("SIZE 1000")
    mail = send(conn, MailFrom(ALICE))
    rcpt = send(conn, RcptTo(BOB))
    assert conn.data_to_send() == wire(MailFrom(ALICE))
    assert conn.data_to_send() == b""
    feed(conn, ok())
    assert mail.done
    assert not rcpt.done
    assert conn.data_to_send() == wire(RcptTo(BOB))
    feed(conn, ok())
    assert rcpt.done
    assert conn.state is State.RCPT
    # Content after the end of data waits as well (no pipelining).
    conn.send(Data())
    feed(conn, b"354 go\r\n")
    conn.data_to_send()
    conn.send(EndOfMessage())
    conn.send(Quit())
    assert conn.data_to_send() == b".\r\n"
    feed(conn, ok())
    assert conn.data_to_send() == b"QUIT\r\n"


def test_pipelined_transaction_goes_in_one_flight() -> None:
    # RFC 2920 §4, second example.
    conn = greeted("PIPELINING")
    units = [MailFrom(ALICE), RcptTo(BOB), RcptTo(CAROL), Data()]
    handles = [send(conn, u) for u in units]
    assert conn.data_to_send() == wire(*units)
    feed(conn, ok("sender"), ok("r1"), ok("r2"), b"354 go\r\n")
    assert [h.reply.text for h in handles] == ["sender", "r1", "r2", "go"]
    assert conn.state is State.DATA
    assert conn.in_message
    assert conn.recipient_count == 2
    conn.send(MessageChunk(b"..\r\n"))
    eom = send(conn, EndOfMessage())
    quit_ = send(conn, Quit())  # message content may begin a group, QUIT ends it
    assert "CLOSED" in refused(conn, Noop())  # nothing at all can follow QUIT
    assert conn.data_to_send() == b"...\r\n.\r\nQUIT\r\n"
    feed(conn, ok("sent"), b"221 bye\r\n")
    assert eom.reply.text == "sent"
    assert quit_ is not None
    assert quit_.reply.code == 221
    assert conn.state is State.CLOSED


@pytest.mark.parametrize(
    "ender",
    [Ehlo("c.example"), Noop(), Help(), Vrfy("bob"), Expn("list"), Data()],
    ids=lambda c: type(c).__name__,
)
def test_nothing_passes_a_group_ender(ender: Command) -> None:
    # RFC 2920 §3.1: EHLO, DATA, VRFY, EXPN, TURN, QUIT and NOOP end a group.
    conn = in_transaction(*ALL_EXTENSIONS, rcpts=1) if isinstance(ender, Data) else None
    conn = conn or greeted(*ALL_EXTENSIONS)
    first = send(conn, ender)
    if isinstance(ender, Data):
        refused(conn, Rset())  # nothing but content (after 354) can follow DATA
        assert "354" in refused(conn, MessageChunk(b"x"))
        assert conn.data_to_send() == wire(ender)
        return
    conn.send(Rset())
    assert conn.data_to_send() == wire(ender)
    feed(conn, Reply(250, ["server.example", "PIPELINING"]) if isinstance(ender, Ehlo) else ok())
    assert first is not None
    assert first.done
    assert conn.data_to_send() == b"RSET\r\n"


@pytest.mark.parametrize("ender", [StartTLS(), Auth("PLAIN"), Auth("PLAIN", b"\0u\0p")])
def test_nothing_is_queued_behind_starttls_or_auth(ender: Command) -> None:
    # RFC 3207 §4.2 and RFC 4954 §4: what follows depends on the reply (a TLS handshake, a
    # 334 challenge that the next line must answer), so the client must wait.
    conn = greeted(*ALL_EXTENSIONS)
    conn.send(ender)
    for unit in (Noop(), Rset(), Ehlo("c.example"), Auth("PLAIN")):
        assert "wait for the reply" in refused(conn, unit)
    assert conn.data_to_send() == wire(ender)


def test_rfc2920_some_recipients_fail() -> None:
    conn = greeted("PIPELINING")
    h = [send(conn, u) for u in (MailFrom(ALICE), RcptTo(BOB), RcptTo(CAROL), Data())]
    feed(conn, ok(), b"550 no such user\r\n", ok(), b"354 go\r\n")
    assert [x.reply.code for x in h] == [250, 550, 250, 354]
    assert conn.state is State.DATA
    assert conn.recipient_count == 1


def test_rfc2920_some_recipients_fail_and_data_refused() -> None:
    conn = greeted("PIPELINING")
    h = [send(conn, u) for u in (MailFrom(ALICE), RcptTo(BOB), RcptTo(CAROL), Data())]
    feed(conn, ok(), b"550 no\r\n", ok(), b"451 later\r\n")
    assert [x.reply.code for x in h] == [250, 550, 250, 451]
    assert conn.state is State.RCPT
    assert not conn.in_message
    conn.send(Rset())
    assert conn.data_to_send().endswith(b"RSET\r\n")


def test_rfc2920_all_recipients_fail_data_554() -> None:
    conn = greeted("PIPELINING")
    h = [send(conn, u) for u in (MailFrom(ALICE), RcptTo(BOB), RcptTo(CAROL), Data())]
    feed(conn, ok(), b"550 no\r\n", b"550 no\r\n", b"554 no valid recipients\r\n")
    assert [x.reply.code for x in h] == [250, 550, 550, 554]
    assert conn.state is State.MAIL
    assert not conn.in_message
    assert "354" in refused(conn, MessageChunk(b"x"))
    refused(conn, EndOfMessage())


def test_rfc2920_all_recipients_fail_but_354() -> None:
    # RFC 2920 §3.1: a server that answers 354 anyway gets an empty message.
    conn = greeted("PIPELINING")
    for unit in (MailFrom(ALICE), RcptTo(BOB), RcptTo(CAROL), Data()):
        conn.send(unit)
    conn.data_to_send()
    feed(conn, ok(), b"550 no\r\n", b"550 no\r\n", b"354 go ahead\r\n")
    assert conn.state is State.DATA
    assert conn.in_message
    eom = send(conn, EndOfMessage())
    conn.send(Quit())
    assert conn.data_to_send() == b".\r\nQUIT\r\n"
    feed(conn, b"554 no valid recipients\r\n", b"221 bye\r\n")
    assert eom.reply.code == 554
    assert conn.state is State.CLOSED


def test_pipelined_behind_a_refused_mail() -> None:
    conn = greeted("PIPELINING")
    mail, rcpt = send(conn, MailFrom(ALICE)), conn.send(RcptTo(BOB))
    feed(conn, b"550 go away\r\n", b"503 need MAIL\r\n")
    assert (mail.reply.code, rcpt is not None and rcpt.reply.code) == (550, 503)
    assert conn.state is State.READY
    refused(conn, RcptTo(BOB))  # resynchronised: the projection is READY again


def test_server_accepting_an_impossible_command_is_an_error() -> None:
    conn = greeted("PIPELINING")
    conn.send(MailFrom(ALICE))
    conn.send(RcptTo(BOB))
    with pytest.raises(RemoteProtocolError, match="out-of-sequence"):
        feed(conn, b"550 no\r\n", ok())


@pytest.mark.parametrize(
    ("unit", "reply"),
    [(Data(), ok()), (MailFrom(ALICE), b"354 what\r\n"), (Noop(), b"334 \r\n")],
)
def test_reply_of_the_wrong_class(unit: Command, reply: bytes) -> None:
    conn = in_transaction(rcpts=1) if isinstance(unit, Data) else greeted()
    conn.send(unit)
    with pytest.raises(RemoteProtocolError, match="not a valid reply"):
        feed(conn, reply)


# ---------------------------------------------------------------------------- sequencing

_STATES = [s for s in State if s is not State.GREETING]


@pytest.mark.parametrize("state", _STATES, ids=lambda s: s.name)
@pytest.mark.parametrize("lmtp", [False, True], ids=["smtp", "lmtp"])
def test_out_of_sequence_commands_are_refused(state: State, lmtp: bool) -> None:
    """Every command with no key in TRANSITIONS for the state is refused, nothing else is."""
    for cls, sample in SAMPLES.items():
        if (cls is Lhlo) != lmtp and cls in (Ehlo, Helo, Lhlo):
            continue
        conn = client_in(state, lmtp=lmtp)
        if cls is Bdat:
            legal = state in CHUNK_STATES
        elif cls is AuthResponse:
            legal = state is State.AUTH
        else:
            legal = (state, cls) in TRANSITIONS
        if state is State.READY and cls is Auth:
            conn.authenticated = False
        if legal:
            assert conn.send(sample) is not None, (state, cls)
        else:
            refused(conn, sample)


def test_projection_follows_queued_commands() -> None:
    conn = greeted()  # no pipelining: the commands wait, but the sequence is checked ahead
    conn.send(MailFrom(ALICE))
    refused(conn, MailFrom(ALICE))
    conn.send(RcptTo(BOB))
    conn.send(Data())
    refused(conn, Rset())
    assert conn.waiting


def test_commands_before_the_greeting_wait_for_it() -> None:
    conn = ClientConnection()
    conn.send(Ehlo("c.example"))
    assert conn.data_to_send() == b""
    feed(conn, b"220 hi\r\n")
    assert conn.data_to_send() == b"EHLO c.example\r\n"


@pytest.mark.parametrize("lmtp", [False, True])
def test_hello_verb_must_match_the_protocol(lmtp: bool) -> None:
    conn = client_in(State.CONNECTED, lmtp=lmtp)
    if lmtp:
        assert "LHLO" in refused(conn, Ehlo("c.example"))
        assert "LHLO" in refused(conn, Helo("c.example"))
    else:
        assert "LMTP" in refused(conn, Lhlo("c.example"))


def test_content_outside_data_is_refused() -> None:
    conn = in_transaction(*ALL_EXTENSIONS)
    assert "354" in refused(conn, MessageChunk(b"early"))
    assert "DATA" in refused(conn, EndOfMessage())
    conn.send(Data())
    assert "354" in refused(conn, MessageChunk(b"before the reply"))


def test_send_refuses_non_units() -> None:
    conn = greeted()
    refused(conn, "NOOP")  # type: ignore[arg-type]
    refused(conn, Reply(250))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- parameters

_MAIL_NEEDS = [
    (MailParams(size=10), "SIZE"),
    (MailParams(smtputf8=True), "SMTPUTF8"),
    (MailParams(ret=Ret.HDRS), "DSN"),
    (MailParams(envid="x"), "DSN"),
    (MailParams(auth="<>"), "AUTH"),
    (MailParams(body=Body.SEVENBIT), "8BITMIME"),
    (MailParams(body=Body.EIGHTBITMIME), "8BITMIME"),
    (MailParams(body=Body.BINARYMIME), "BINARYMIME"),
    (MailParams(extra=(("XFOO", None),)), "XFOO"),
]


@pytest.mark.parametrize(("params", "needed"), _MAIL_NEEDS)
def test_mail_parameters_need_their_extension(params: MailParams, needed: str) -> None:
    others = [e for e in [*ALL_EXTENSIONS, "XFOO"] if e.split()[0] != needed]
    assert needed in refused(greeted(*others), MailFrom(ALICE, params))
    assert greeted(*ALL_EXTENSIONS, "XFOO").send(MailFrom(ALICE, params)) is not None


@pytest.mark.parametrize(
    "params", [RcptParams(notify=frozenset({Notify.DELAY})), RcptParams(orcpt=("rfc822", "a@b"))]
)
def test_rcpt_parameters_need_dsn(params: RcptParams) -> None:
    conn = greeted("PIPELINING")
    conn.send(MailFrom(ALICE))
    assert "DSN" in refused(conn, RcptTo(BOB, params))
    conn = greeted("PIPELINING", "DSN")
    conn.send(MailFrom(ALICE))
    assert conn.send(RcptTo(BOB, params)) is not None


def test_declared_size_over_the_limit() -> None:
    conn = greeted("SIZE 1000")
    assert "RFC 1870" in refused(conn, MailFrom(ALICE, MailParams(size=1001)))
    conn.send(MailFrom(ALICE, MailParams(size=1000)))
    assert greeted("SIZE 0").send(MailFrom(ALICE, MailParams(size=10**19))) is not None


def test_non_ascii_sender_needs_the_smtputf8_parameter() -> None:
    conn = greeted("SMTPUTF8", "PIPELINING")
    assert "SMTPUTF8" in refused(conn, MailFrom(JOSE))
    conn.send(MailFrom(JOSE, MailParams(smtputf8=True)))
    assert conn.send(RcptTo(JOSE)) is not None
    assert conn.data_to_send() == "MAIL FROM:<josé@example.org> SMTPUTF8\r\n".encode() + (
        "RCPT TO:<josé@example.org>\r\n".encode()
    )


def test_non_ascii_recipient_needs_an_smtputf8_transaction() -> None:
    conn = greeted("SMTPUTF8", "PIPELINING")
    conn.send(MailFrom(ALICE))
    assert "SMTPUTF8" in refused(conn, RcptTo(JOSE))


def test_binarymime_cannot_use_data() -> None:
    # RFC 3030 §3: "BINARYMIME cannot be used with the DATA command" (503 if tried).
    conn = greeted(*ALL_EXTENSIONS)
    conn.send(MailFrom(ALICE, MailParams(body=Body.BINARYMIME)))
    conn.send(RcptTo(BOB))
    assert "BDAT" in refused(conn, Data())
    conn.send(Bdat(0, last=True))


def test_starttls_checks() -> None:
    assert "did not offer" in refused(greeted("PIPELINING"), StartTLS())
    assert "already" in refused(greeted(*ALL_EXTENSIONS, tls_active=True), StartTLS())


def test_auth_checks() -> None:
    assert "did not offer" in refused(greeted("AUTH LOGIN"), Auth("PLAIN"))
    assert "334" in refused(greeted("AUTH PLAIN"), AuthResponse(b"x"))
    conn = greeted("AUTH PLAIN")
    conn.send(Auth("PLAIN", b"\0u\0p"))
    feed(conn, b"235 ok\r\n")
    assert conn.authenticated
    # RFC 4954 §4: after a successful AUTH, no more AUTH commands in the session.
    assert "RFC 4954" in refused(conn, Auth("PLAIN"))


def test_auth_exchange() -> None:
    conn = greeted("AUTH LOGIN")
    auth = send(conn, Auth("LOGIN"))
    assert conn.data_to_send() == b"AUTH LOGIN\r\n"
    feed(conn, b"334 VXNlcm5hbWU6\r\n")
    assert conn.state is State.AUTH
    assert auth.reply.challenge == b"Username:"
    refused(conn, Noop())
    step = send(conn, AuthResponse(b"user"))
    assert "334" in refused(conn, AuthResponse(b"again"))  # one line per challenge
    feed(conn, b"334 UGFzc3dvcmQ6\r\n")
    assert step is not None
    assert step.reply.challenge == b"Password:"
    conn.send(AuthResponse(b"pw"))
    assert conn.data_to_send() == b"dXNlcg==\r\ncHc=\r\n"
    feed(conn, b"235 2.7.0 Authentication successful\r\n")
    assert conn.state is State.READY
    assert conn.authenticated


def test_auth_cancelled_and_failed() -> None:
    conn = greeted("AUTH PLAIN")
    conn.send(Auth("PLAIN"))
    feed(conn, b"334 \r\n")
    conn.send(AuthResponse(cancelled=True))
    assert conn.data_to_send().endswith(b"*\r\n")
    feed(conn, b"501 cancelled\r\n")
    assert conn.state is State.READY
    assert not conn.authenticated
    conn.send(Auth("PLAIN", b"\0u\0bad"))
    feed(conn, b"535 5.7.8 no\r\n")
    assert conn.state is State.READY
    assert not conn.authenticated


# ---------------------------------------------------------------------------- replies


@pytest.mark.parametrize("line", [b"25", b"2500 x", b"abc", b"250x", b"260 x", b"600 x"])
def test_malformed_reply_lines(line: bytes) -> None:
    conn = greeted()
    conn.send(Noop())
    with pytest.raises(RemoteProtocolError):
        feed(conn, line + b"\r\n")


def test_code_mismatch_inside_a_multi_line_reply() -> None:
    conn = greeted()
    conn.send(Noop())
    with pytest.raises(RemoteProtocolError, match="changed"):
        feed(conn, b"250-a\r\n251 b\r\n")


@pytest.mark.parametrize("line", [b"250", b"250 "])
def test_bare_codes(line: bytes) -> None:
    conn = greeted()
    noop = send(conn, Noop())
    assert feed(conn, line + b"\r\n") == [Reply(250, "")]
    assert noop.done


def test_reply_line_limits() -> None:
    conn = greeted(limits=SMTPLimits(max_reply_line=600, max_auth_line=600, max_reply_lines=3))
    conn.send(Noop())
    feed(conn, b"250-a\r\n250-b\r\n250 " + b"c" * 590 + b"\r\n")
    conn.send(Noop())
    with pytest.raises(RemoteProtocolError, match="longer than 3 lines"):
        feed(conn, b"250-a\r\n250-b\r\n250-c\r\n250 d\r\n")
    conn = greeted(limits=SMTPLimits(max_reply_line=600, max_auth_line=600))
    conn.send(Noop())
    with pytest.raises(RemoteProtocolError, match="longer than 600"):
        feed(conn, b"250 " + b"x" * 600 + b"\r\n")


def test_reply_split_anywhere() -> None:
    data = b"220 hi\r\n250-server.example\r\n250 PIPELINING\r\n"
    for size in (1, 2, 3, 7):
        conn = ClientConnection()
        conn.send(Ehlo("c.example"))
        events = []
        for i in range(0, len(data), size):
            events += feed(conn, data[i : i + size])
        assert events == [Greeting(220, "hi"), Reply(250, ["server.example", "PIPELINING"])]
        assert conn.pipelining


def test_pending_reply() -> None:
    conn = greeted()
    noop = send(conn, Noop("x"))
    assert not noop.done
    assert "Noop" in repr(noop)
    with pytest.raises(LocalProtocolError, match="no reply"):
        _ = noop.reply
    feed(conn, ok())
    assert noop.done
    assert noop.replies == [Reply(250, "OK")]


# ---------------------------------------------------------------------------- tracing


def test_trace_masks_secrets() -> None:
    lines: list[str] = []
    conn = ClientConnection(trace=lines.append)
    feed(conn, b"220 hi\r\n")
    conn.send(Ehlo("c.example"))
    feed(conn, ehlo_reply("AUTH PLAIN", "CHUNKING", "PIPELINING"))
    conn.send(Auth("PLAIN"))
    feed(conn, b"334 \r\n")
    conn.send(AuthResponse(cancelled=True))
    feed(conn, b"501 cancelled\r\n")
    conn.send(Auth("PLAIN", b"\0user\0secret"))
    feed(conn, b"334 \r\n")
    conn.send(AuthResponse(b"\0user\0secret"))
    feed(conn, b"235 ok\r\n")
    for unit in (MailFrom(ALICE), RcptTo(BOB), Data()):
        conn.send(unit)
    feed(conn, ok(), ok(), b"354 go\r\n")
    conn.send(MessageChunk(b"abc"))
    conn.send(EndOfMessage())
    for bdat_unit in (MailFrom(ALICE), RcptTo(BOB), Bdat(2, last=True), MessageChunk(b"xy")):
        conn.send(bdat_unit)
    assert not any("secret" in line or "AHVzZXI" in line for line in lines)
    for expected in (
        "S: 220 hi",
        "C: EHLO c.example",
        "C: AUTH PLAIN",
        "C: *",
        "C: AUTH PLAIN [credentials]",
        "C: [credentials]",
        "C: [3 octets of message data]",
        "C: .",
        "C: BDAT 2 LAST",
        "C: [2 octets of message data]",
    ):
        assert expected in lines
