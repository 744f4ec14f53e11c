"""ServerConnection: sequencing, limits, extension policy, STARTTLS, AUTH and replies.

Every test drives a real :class:`ServerConnection` through :func:`drive`, which feeds bytes,
answers each owed unit the way a permissive application would (:func:`auto_answer`), and
records what came out: events, and :class:`Refused` for each RemoteProtocolError. Message
content, BDAT and LMTP are tested in ``test_data.py`` and the fuzzing is in
``test_server_fuzz.py``; both reuse these helpers.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from pymailproto import smtp
from pymailproto._limits import SMTPLimits, SMTPTimeouts
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import (
    NEED_DATA,
    TRANSITIONS,
    Auth,
    AuthResponse,
    Bdat,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfMessage,
    Event,
    Greeting,
    Lhlo,
    MailFrom,
    MessageChunk,
    Noop,
    Quit,
    RcptTo,
    Reply,
    ServerConnection,
    StartTLS,
    State,
)

# ---------------------------------------------------------------------------- the harness


@dataclass(frozen=True)
class Refused:
    """The server raised RemoteProtocolError; ``code`` is None when it carried no reply."""

    code: int | None
    enhanced: str | None
    fatal: bool


#: What the application answers to an event; None: stop, the test answers by hand.
Answer = Callable[[ServerConnection, Event], "Sequence[Reply] | None"]


def auto_answer(conn: ServerConnection, event: Event) -> list[Reply]:
    """The replies a permissive application gives: yes to everything it is asked."""
    if isinstance(event, MessageChunk | Bdat):
        return []  # not answered: the reply goes to the EndOfChunk/EndOfMessage
    if isinstance(event, Ehlo | Lhlo):
        return [conn.ehlo_reply()]
    if isinstance(event, Data):
        return [Reply(354, "Go ahead")]
    if isinstance(event, StartTLS):
        return [Reply(220, "Ready to start TLS")]
    if isinstance(event, Auth):
        return [Reply(334, "") if event.initial_response is None else Reply(235, "OK")]
    if isinstance(event, AuthResponse):
        return [Reply(501, "Cancelled") if event.cancelled else Reply(235, "OK")]
    if isinstance(event, Quit):
        return [Reply(221, "Bye")]
    if isinstance(event, EndOfMessage) and conn.lmtp:
        return [Reply(250, "OK")] * conn.recipient_count  # RFC 2033 §4.2
    return [Reply(250, "OK")]


def pump(conn: ServerConnection, answer: Answer = auto_answer) -> list[object]:
    """Take events until NEED_DATA or the end, answering each; return what happened."""
    events: list[object] = []
    while True:
        try:
            event = conn.next_event()
        except RemoteProtocolError as exc:
            reply = exc.reply
            assert reply is None or isinstance(reply, Reply)
            if reply is None:
                events.append(Refused(None, None, exc.fatal))
            else:
                events.append(Refused(reply.code, reply.enhanced, exc.fatal))
                conn.send(reply)
            continue
        if event is NEED_DATA:
            return events
        assert isinstance(event, Event)
        events.append(event)
        if isinstance(event, ConnectionClosed):
            return events
        replies = answer(conn, event)
        if replies is None:
            return events
        for reply in replies:
            conn.send(reply)


def drive(
    conn: ServerConnection, *pieces: bytes, close: bool = False, answer: Answer = auto_answer
) -> list[object]:
    """Feed ``pieces`` one at a time (then EOF if ``close``), pumping events after each."""
    events = pump(conn, answer) if state_of(conn) is not State.CLOSED else []
    for piece in [*pieces, *([b""] if close else [])]:
        if state_of(conn) is State.CLOSED:
            break  # the conversation is over; a transport would stop reading
        conn.receive_data(piece)
        events += pump(conn, answer)
    return events


def state_of(conn: ServerConnection) -> State:
    """The connection's state (a call, so that mypy does not narrow it between steps)."""
    return conn.state


def merge_chunks(events: Sequence[object]) -> list[object]:
    """Content may come in any number of MessageChunks; join consecutive ones."""
    merged: list[object] = []
    for event in events:
        if isinstance(event, MessageChunk) and merged and isinstance(merged[-1], MessageChunk):
            merged[-1] = MessageChunk(bytes(merged[-1].data) + bytes(event.data))
        else:
            merged.append(event)
    return merged


def names(events: Sequence[object]) -> list[str]:
    """A compact view: class names, and ``"refused 503"`` for refusals."""
    return [
        f"refused {e.code}" if isinstance(e, Refused) else type(e).__name__
        for e in merge_chunks(events)
    ]


def server(**kwargs: object) -> ServerConnection:
    """A greeted server with its output drained."""
    conn = ServerConnection("mx.test", **kwargs)  # type: ignore[arg-type]
    conn.send(Greeting(220, "mx.test ESMTP"))
    conn.data_to_send()
    return conn


def ready(*lines: bytes, **kwargs: object) -> ServerConnection:
    """A server after EHLO (LHLO in LMTP) and then ``lines``, each answered by auto_answer."""
    conn = server(**kwargs)
    hello = b"LHLO client.test\r\n" if conn.lmtp else b"EHLO client.test\r\n"
    drive(conn, hello, *lines)
    conn.data_to_send()
    return conn


MAIL = b"MAIL FROM:<alice@client.test>\r\n"
RCPT = b"RCPT TO:<bob@mx.test>\r\n"


# ---------------------------------------------------------------------------- basics


def test_constructor_validates() -> None:
    with pytest.raises(ValueError, match="STARTTLS"):
        ServerConnection(extensions=["STARTTLS"])  # has its own argument
    with pytest.raises(LocalProtocolError):
        ServerConnection("two words")
    conn = ServerConnection(timeouts=SMTPTimeouts(server=7.0))
    assert conn.timeout == 7.0


def test_greeting_first_and_554_greeting_serves_only_quit() -> None:
    conn = ServerConnection()
    with pytest.raises(LocalProtocolError, match="greeting"):
        conn.next_event()
    with pytest.raises(LocalProtocolError):
        conn.send(Reply(354, "no"))
    conn.send(Greeting(554, "go away"))
    assert state_of(conn) is State.REFUSED
    events = drive(conn, b"EHLO client.test\r\nQUIT\r\n")
    assert names(events) == ["refused 503", "Quit", "ConnectionClosed"]
    out = b"554 go away\r\n503 Service refused; only QUIT is accepted\r\n221 Bye\r\n"
    assert conn.data_to_send() == out


def test_ehlo_reply_follows_configuration() -> None:
    conn = ServerConnection(
        "mx.test",
        limits=SMTPLimits(max_message_size=None),
        extensions=["pipelining"],
        starttls=True,
        auth_mechanisms=["plain"],
        auth_requires_tls=False,
    )
    lines = ("mx.test greets you", "SIZE 0", "PIPELINING", "STARTTLS", "AUTH PLAIN")
    assert conn.ehlo_reply("mx.test greets you").text_lines == lines


def test_trailing_bytes_wait_for_the_owed_reply() -> None:
    conn = server()
    conn.receive_data(b"EHLO client.test\r\nNOOP\r\n")
    assert isinstance(conn.next_event(), Ehlo)
    with pytest.raises(LocalProtocolError, match="owed"):
        conn.next_event()
    conn.send(conn.ehlo_reply())
    assert conn.next_event() == Noop()


# ---------------------------------------------------------------------------- sequencing

SAMPLES: dict[type[Command], bytes] = {
    Ehlo: b"EHLO client.test",
    smtp.Helo: b"HELO client.test",
    Lhlo: b"LHLO client.test",
    MailFrom: b"MAIL FROM:<alice@client.test>",
    RcptTo: b"RCPT TO:<bob@mx.test>",
    Data: b"DATA",
    smtp.Rset: b"RSET",
    Noop: b"NOOP",
    smtp.Help: b"HELP",
    smtp.Vrfy: b"VRFY bob",
    smtp.Expn: b"EXPN staff",
    Quit: b"QUIT",
    StartTLS: b"STARTTLS",
    Auth: b"AUTH PLAIN AGFsaWNlAHNlY3JldA==",
}
# The states a command line can arrive in (DATA takes content, AUTH takes SASL responses).
COMMAND_STATES = [State.REFUSED, State.CONNECTED, State.READY, State.MAIL, State.RCPT, State.BDAT]
RICH = {"starttls": True, "auth_mechanisms": ("PLAIN",), "auth_requires_tls": False}


def test_samples_cover_every_command() -> None:
    exported = [getattr(smtp, name) for name in smtp.__all__]
    commands = {c for c in exported if isinstance(c, type) and issubclass(c, Command)}
    assert set(SAMPLES) == commands - {Command, Bdat, AuthResponse}


def reach(state: State, lmtp: bool) -> ServerConnection:
    """A server (offering STARTTLS and AUTH) brought to ``state`` the normal way."""
    if state is State.REFUSED:
        conn = ServerConnection("mx.test", lmtp=lmtp, **RICH)  # type: ignore[arg-type]
        conn.send(Greeting(554, "No service"))
        return conn
    if state is State.CONNECTED:
        return server(lmtp=lmtp, **RICH)
    path = {
        State.READY: [],
        State.MAIL: [MAIL],
        State.RCPT: [MAIL, RCPT],
        State.BDAT: [MAIL, RCPT, b"BDAT 3\r\nabc"],
    }[state]
    conn = ready(*path, lmtp=lmtp, **RICH)
    assert state_of(conn) is state
    return conn


def sequence_cases(in_table: bool) -> list[tuple[State, type[Command]]]:
    return [
        (state, command)
        for state in COMMAND_STATES
        for command in SAMPLES
        if ((state, command) in TRANSITIONS) is in_table
    ]


@pytest.mark.parametrize(("state", "command"), sequence_cases(in_table=False))
def test_command_out_of_sequence_is_refused_and_keeps_state(
    state: State, command: type[Command]
) -> None:
    conn = reach(state, lmtp=command is Lhlo)
    before = (conn.mail, conn.recipient_count, conn.advertised)
    events = drive(conn, SAMPLES[command] + b"\r\n")
    assert events == [
        Refused(503, None if state in (State.REFUSED, State.CONNECTED) else "5.5.1", False)
    ]
    assert state_of(conn) is state
    assert (conn.mail, conn.recipient_count, conn.advertised) == before


@pytest.mark.parametrize(("state", "command"), sequence_cases(in_table=True))
def test_command_in_sequence_reaches_the_application(state: State, command: type[Command]) -> None:
    conn = reach(state, lmtp=command is Lhlo)
    events = drive(conn, SAMPLES[command] + b"\r\n")
    if state is State.MAIL and command is Data:
        # RFC 5321 §3.3 / RFC 2920 §3.2: no 354 without a valid recipient.
        assert names(events) == ["refused 554"]
        return
    assert type(events[0]) is command


def test_mail_inside_a_transaction_is_nested() -> None:
    conn = ready(MAIL, RCPT)
    assert drive(conn, MAIL) == [Refused(503, "5.5.1", False)]
    assert conn.data_to_send() == b"503 5.5.1 Nested MAIL command\r\n"
    assert state_of(conn) is State.RCPT


@pytest.mark.parametrize(
    ("extensions", "line"),
    [
        ((), b"MAIL FROM:<a@client.test> BODY=8BITMIME"),
        (("8BITMIME",), b"MAIL FROM:<a@client.test> BODY=BINARYMIME"),
        (("8BITMIME",), b"MAIL FROM:<a@client.test> SMTPUTF8"),
        (("8BITMIME",), b"MAIL FROM:<a@client.test> RET=FULL"),
        (("DSN",), b"MAIL FROM:<a@client.test> AUTH=<>"),
        (("DSN",), b"MAIL FROM:<a@client.test> XFOO=BAR"),
    ],
)
def test_unadvertised_or_unknown_mail_params_get_555(
    extensions: tuple[str, ...], line: bytes
) -> None:
    conn = ready(extensions=extensions)
    assert names(drive(conn, line + b"\r\n")) == ["refused 555"]
    assert state_of(conn) is State.READY


def test_unadvertised_or_unknown_rcpt_params_get_555() -> None:
    conn = ready(MAIL, extensions=["8BITMIME"])
    assert names(drive(conn, b"RCPT TO:<b@mx.test> NOTIFY=NEVER\r\n")) == ["refused 555"]
    conn = ready(MAIL)
    assert names(drive(conn, b"RCPT TO:<b@mx.test> XFOO\r\n")) == ["refused 555"]
    assert names(drive(conn, b"RCPT TO:<b@mx.test> NOTIFY=NEVER\r\n")) == ["RcptTo"]


@pytest.mark.parametrize("param", [b"SIZE=10", b"BODY=7BIT", b"SMTPUTF8", b"RET=HDRS"])
def test_after_helo_every_esmtp_param_gets_555(param: bytes) -> None:
    conn = server()
    drive(conn, b"HELO client.test\r\n")
    assert names(drive(conn, b"MAIL FROM:<a@client.test> " + param + b"\r\n")) == ["refused 555"]
    assert names(drive(conn, MAIL)) == ["MailFrom"]


def test_non_ascii_address_needs_smtputf8() -> None:
    conn = ready()
    assert drive(conn, "MAIL FROM:<jörg@client.test>\r\n".encode()) == [
        Refused(553, "5.6.7", False)
    ]
    drive(conn, MAIL)
    assert drive(conn, "RCPT TO:<jörg@mx.test>\r\n".encode()) == [Refused(553, "5.6.7", False)]
    conn = ready("MAIL FROM:<jörg@client.test> SMTPUTF8\r\n".encode())
    assert names(drive(conn, "RCPT TO:<jörg@mx.test>\r\n".encode())) == ["RcptTo"]


def test_require_auth_refuses_mail_until_235() -> None:
    conn = ready(require_auth=True, auth_mechanisms=["PLAIN"], tls_active=True)
    assert drive(conn, MAIL) == [Refused(530, "5.7.0", False)]

    def deny(conn: ServerConnection, event: Event) -> list[Reply]:
        return [Reply(535, "No")] if isinstance(event, Auth) else auto_answer(conn, event)

    drive(conn, b"AUTH PLAIN AGEAYg==\r\n", answer=deny)
    assert names(drive(conn, MAIL)) == ["refused 530"]
    assert names(drive(conn, b"AUTH PLAIN\r\n", b"AGFsaWNlAHNlY3JldA==\r\n", MAIL)) == [
        "Auth",
        "AuthResponse",
        "MailFrom",
    ]
    assert conn.authenticated


# ---------------------------------------------------------------------------- limits


@pytest.mark.parametrize("auth", [False, True], ids=["plain", "auth-offered"])
def test_command_line_limit_is_512_with_crlf(auth: bool) -> None:
    kwargs = {"auth_mechanisms": ("PLAIN",), "tls_active": True} if auth else {}
    conn = ready(**kwargs)
    fits = b"NOOP " + b"x" * (512 - 7) + b"\r\n"
    assert len(fits) == 512
    assert drive(conn, fits) == [Noop("x" * 505)]
    assert drive(conn, b"NOOP x" + fits[5:]) == [Refused(500, "5.5.2", False)]
    assert names(drive(conn, b"NOOP\r\n")) == ["Noop"]  # recovered on the next line
    assert conn.data_to_send().endswith(b"500 5.5.2 Line too long\r\n250 OK\r\n")


@pytest.mark.parametrize("auth", [False, True], ids=["plain", "auth-offered"])
def test_endless_line_is_one_500_in_bounded_memory(auth: bool) -> None:
    kwargs = {"auth_mechanisms": ("PLAIN",), "tls_active": True} if auth else {}
    conn = ready(**kwargs)
    limit = conn.limits.max_auth_line if auth else conn.limits.max_command_line
    piece = b"A" * 65536
    events: list[object] = []
    for _ in range(10 * 2**20 // len(piece)):
        events += drive(conn, piece)
        assert len(conn._buffer) <= limit
    events += drive(conn, b"\r\nNOOP\r\n")
    assert [e for e in events if isinstance(e, Refused)] == [Refused(500, "5.5.2", False)]
    assert names(events) == ["refused 500", "Noop"]


def test_auth_lines_may_be_12288_octets_when_auth_is_offered() -> None:
    conn = ready(auth_mechanisms=["PLAIN", "EXTERNAL"], tls_active=True)
    blob = b"x" * (3 * 3068)
    line = b"AUTH EXTERNAL " + base64.b64encode(blob) + b"\r\n"
    assert len(line) == 12288
    assert drive(conn, line) == [Auth("EXTERNAL", blob)]
    # RFC 4954 §4: longer is 500 5.5.6, in the AUTH command as in a response line.
    conn = ready(auth_mechanisms=["PLAIN"], tls_active=True)
    assert drive(conn, b"AUTH PLAIN " + b"A" * 12276 + b"\r\n") == [Refused(500, "5.5.6", False)]
    assert drive(conn, b"AUTH PLAIN\r\n") == [Auth("PLAIN")]
    assert state_of(conn) is State.AUTH
    # Up to the limit a response line is read (and here refused as bad base64: 501).
    assert drive(conn, b"A" * 12285 + b"\r\n") == [Refused(501, "5.5.2", False)]
    drive(conn, b"AUTH PLAIN\r\n")
    assert drive(conn, b"A" * 12287 + b"\r\n") == [Refused(500, "5.5.6", False)]
    assert state_of(conn) is State.READY  # RFC 4954 §4: the exchange is cancelled
    assert names(drive(conn, b"NOOP\r\n")) == ["Noop"]
    conn = ready(auth_mechanisms=["PLAIN"])  # no TLS, AUTH not offered: 512 octets
    assert drive(conn, b"AUTH PLAIN " + b"A" * 600 + b"\r\n") == [Refused(500, "5.5.2", False)]


def test_declared_size_over_the_limit_is_552_at_mail() -> None:
    conn = ready(limits=SMTPLimits(max_message_size=1000))
    assert "SIZE 1000" in conn.ehlo_reply().text_lines
    assert drive(conn, b"MAIL FROM:<a@client.test> SIZE=1001\r\n") == [Refused(552, "5.3.4", False)]
    assert state_of(conn) is State.READY
    assert names(drive(conn, b"MAIL FROM:<a@client.test> SIZE=1000\r\n")) == ["MailFrom"]


def test_recipients_over_the_limit_get_452() -> None:
    conn = ready(MAIL, limits=SMTPLimits(max_recipients=2))

    def refuse_first(conn: ServerConnection, event: Event) -> list[Reply]:
        if isinstance(event, RcptTo) and event.recipient.local_part == "nobody":
            return [Reply(550, "No such user")]
        return auto_answer(conn, event)

    events = drive(conn, b"RCPT TO:<nobody@mx.test>\r\n", RCPT, RCPT, RCPT, answer=refuse_first)
    assert names(events) == ["RcptTo", "RcptTo", "RcptTo", "refused 452"]
    assert events[-1] == Refused(452, "4.5.3", False)
    assert conn.recipient_count == 2
    assert state_of(conn) is State.RCPT


def test_too_many_bad_commands_close_with_421() -> None:
    conn = ready(MAIL, RCPT, limits=SMTPLimits(max_bad_commands=3))
    events = drive(
        conn, b"BOGUS\r\nMAIL FROM:<x>\r\nDATA\r\n", b"bad\n\r\n.\r\n", b"BOGUS\r\nNOOP\r\n"
    )
    # The refused message does not count as a bad command; the third bad line is fatal.
    assert names(events) == [
        "refused 500",
        "refused 501",
        "Data",
        "refused 550",
        "refused 421",
        "ConnectionClosed",
    ]
    assert events[-2] == Refused(421, "4.7.0", True)
    assert state_of(conn) is State.CLOSED
    assert conn.data_to_send().endswith(
        b"421 4.7.0 mx.test Too many errors, closing connection\r\n"
    )


# ---------------------------------------------------------------------------- STARTTLS


def test_starttls_discards_pipelined_bytes_and_fails() -> None:
    conn = ready(starttls=True)
    injected = b"MAIL FROM:<evil@attacker.test>\r\n"
    conn.receive_data(b"STARTTLS\r\n" + injected)
    assert conn.next_event() == StartTLS()
    assert conn.starttls_injected == 0
    conn.send(Reply(220, "Ready to start TLS"))
    assert conn.starttls_injected == len(injected)  # the transport must not start the handshake
    assert len(conn._buffer) == 0
    events = drive(conn)
    assert events == [Refused(None, None, True), ConnectionClosed()]
    assert state_of(conn) is State.CLOSED
    assert conn.data_to_send() == b"220 Ready to start TLS\r\n"
    assert len(conn._buffer) == 0


def test_starttls_resets_the_session() -> None:
    conn = ready(MAIL, starttls=True, auth_mechanisms=["PLAIN"])
    assert "AUTH" not in conn.advertised  # not before TLS (auth_requires_tls)
    drive(conn, b"RSET\r\n")
    assert drive(conn, b"STARTTLS\r\n") == [StartTLS()]
    assert state_of(conn) is State.CONNECTED
    assert conn.tls_active
    assert len(conn.advertised) == 0
    assert conn.client_name is None
    assert names(drive(conn, MAIL)) == ["refused 503"]  # EHLO must come again
    drive(conn, b"EHLO client.test\r\n")
    assert "STARTTLS" not in conn.advertised  # RFC 3207 §4.2
    assert conn.advertised.auth_mechanisms == ("PLAIN",)
    assert drive(conn, b"STARTTLS\r\n") == [Refused(503, "5.5.1", False)]


def test_starttls_refused_by_the_application_or_not_offered() -> None:
    conn = ready(starttls=True)

    def no_tls(conn: ServerConnection, event: Event) -> list[Reply]:
        return [Reply(454, "TLS not available")] if isinstance(event, StartTLS) else []

    drive(conn, b"STARTTLS\r\n", answer=no_tls)
    assert state_of(conn) is State.READY
    assert not conn.tls_active
    assert names(drive(ready(), b"STARTTLS\r\n")) == ["refused 502"]
    assert names(drive(ready(starttls=True, tls_active=True), b"STARTTLS\r\n")) == ["refused 503"]


# ---------------------------------------------------------------------------- AUTH


def test_auth_needs_tls_by_default() -> None:
    conn = ready(auth_mechanisms=["PLAIN"])
    assert "AUTH" not in conn.advertised
    assert drive(conn, b"AUTH PLAIN\r\n") == [Refused(530, "5.7.0", False)]
    for kwargs in ({"auth_requires_tls": False}, {"tls_active": True}):
        conn = ready(auth_mechanisms=["PLAIN"], **kwargs)
        assert conn.advertised.auth_mechanisms == ("PLAIN",)
        assert drive(conn, b"AUTH PLAIN\r\n") == [Auth("PLAIN")]


def test_auth_refusals() -> None:
    conn = ready(auth_mechanisms=["PLAIN"], tls_active=True)
    assert drive(conn, b"AUTH CRAM-MD5\r\n") == [Refused(504, "5.5.4", False)]
    assert drive(conn, b"AUTH PLAIN !!!\r\n") == [Refused(501, "5.5.2", False)]
    assert drive(conn, b"AUTH PLAIN\r\n", b"*\r\n") == [Auth("PLAIN"), AuthResponse(cancelled=True)]
    assert state_of(conn) is State.READY
    assert not conn.authenticated
    assert drive(conn, b"AUTH PLAIN\r\n", b"not base64!\r\n") == [
        Auth("PLAIN"),
        Refused(501, "5.5.2", False),
    ]
    assert state_of(conn) is State.READY
    assert drive(conn, b"AUTH PLAIN =\r\n") == [Auth("PLAIN", b"")]
    assert conn.authenticated
    assert drive(conn, b"AUTH PLAIN\r\n") == [Refused(503, "5.5.1", False)]
    # Without any mechanism configured, or after HELO, AUTH is not a known extension.
    assert names(drive(ready(), b"AUTH PLAIN\r\n")) == ["refused 502"]


# ---------------------------------------------------------------------------- enhanced codes


def test_enhanced_codes_only_after_they_were_advertised() -> None:
    conn = server()
    assert drive(conn, MAIL) == [Refused(503, None, False)]  # before EHLO
    drive(conn, b"HELO client.test\r\n")
    assert drive(conn, b"BOGUS\r\n") == [Refused(500, None, False)]
    drive(conn, b"EHLO client.test\r\n")
    assert drive(conn, b"BOGUS\r\n") == [Refused(500, "5.5.1", False)]
    conn = ready(extensions=["PIPELINING"])
    assert drive(conn, b"BOGUS\r\n") == [Refused(500, None, False)]
    assert conn.data_to_send() == b"500 Command unrecognized\r\n"


def test_enhanced_codes_follow_the_reply_actually_sent() -> None:
    conn = server()
    conn.receive_data(b"EHLO client.test\r\nBOGUS\r\n")
    conn.next_event()
    conn.send(Reply(250, ["mx.test", "PIPELINING"]))  # the application's own EHLO reply
    with pytest.raises(RemoteProtocolError) as info:
        conn.next_event()
    assert info.value.reply == Reply(500, "Command unrecognized")


# ---------------------------------------------------------------------------- sending replies


def test_reply_must_suit_the_unit() -> None:
    conn = ready()
    conn.receive_data(MAIL)
    conn.next_event()
    with pytest.raises(LocalProtocolError, match="354"):
        conn.send(Reply(354, "not to MAIL"))
    assert state_of(conn) is State.READY
    assert conn.data_to_send() == b""
    conn.send(Reply(250, "OK"))  # still owed, and now answered
    assert state_of(conn) is State.MAIL
    with pytest.raises(LocalProtocolError, match="Reply"):
        conn.send("250 OK")  # type: ignore[arg-type]


def test_refused_command_needs_an_error_reply() -> None:
    conn = ready()
    conn.receive_data(b"BOGUS\r\n")
    with pytest.raises(RemoteProtocolError):
        conn.next_event()
    with pytest.raises(LocalProtocolError):
        conn.send(Reply(250, "OK"))
    conn.send(Reply(500, "What?"))


def test_reply_lines_over_512_are_refused() -> None:
    conn = ready()
    conn.receive_data(b"HELP\r\n")
    conn.next_event()
    too_long = "x" * (512 - 5)  # "214 " + text + CRLF = 513
    with pytest.raises(LocalProtocolError, match="512"):
        conn.send(Reply(214, ["fine", too_long]))
    conn.send(Reply(214, ["fine", too_long[1:]]))
    assert conn.data_to_send() == b"214-fine\r\n214 " + too_long[1:].encode() + b"\r\n"


def test_only_421_may_be_sent_unasked() -> None:
    conn = ready()
    with pytest.raises(LocalProtocolError, match="421"):
        conn.send(Reply(250, "OK"))
    conn.send(Reply(421, "mx.test shutting down"))
    assert state_of(conn) is State.CLOSED
    assert conn.data_to_send() == b"421 mx.test shutting down\r\n"
    assert conn.next_event() == ConnectionClosed()


def test_trace_shows_the_dialogue_with_secrets_masked() -> None:
    lines: list[str] = []
    conn = ready(auth_mechanisms=["PLAIN", "LOGIN"], tls_active=True, trace=lines.append)
    lines.clear()
    drive(conn, b"AUTH LOGIN\r\n", b"*\r\n", b"AUTH LOGIN\r\n", b"c2VjcmV0\r\n")
    drive(conn, b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n", MAIL, RCPT, b"DATA\r\n.x\r\n.\r\n")
    drive(conn, MAIL, RCPT, b"BDAT 2 LAST\r\nhi")
    assert lines == [
        *["C: AUTH LOGIN", "S: 334 ", "C: *", "S: 501 Cancelled"],
        *["C: AUTH LOGIN", "S: 334 ", "C: [credentials]", "S: 235 OK"],
        *["C: AUTH PLAIN [credentials]", "S: 503 5.5.1 Already authenticated"],
        *["C: MAIL FROM:<alice@client.test>", "S: 250 OK", "C: RCPT TO:<bob@mx.test>", "S: 250 OK"],
        *["C: DATA", "S: 354 Go ahead", "C: [3 octets of message data]", "C: .", "S: 250 OK"],
        *["C: MAIL FROM:<alice@client.test>", "S: 250 OK", "C: RCPT TO:<bob@mx.test>", "S: 250 OK"],
        *["C: BDAT 2 LAST", "C: [2 octets of message data]", "S: 250 OK"],
    ]
