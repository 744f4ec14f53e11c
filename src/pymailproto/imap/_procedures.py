"""Whole IMAP client procedures for the session -- connect, STARTTLS, log in, ENABLE, IDLE --
written once, sans I/O.

Each procedure is a generator over a :class:`~._client.ClientConnection` that yields
:class:`~pymailproto._io.IO` requests (and, for streaming ones, :class:`~pymailproto._io.Item`
results) and returns its result; the blocking and asyncio clients only drive them. The
mailbox and message procedures are in :mod:`._procedures_mail`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Generator, Iterable, Mapping
from typing import TypeVar

from pymailproto._io import IO, Item, Poll
from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._capabilities import Capabilities
from pymailproto.imap._client import ClientConnection, ConnectionClosed, ParseFailure
from pymailproto.imap._client_pending import PendingCommand
from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_any import CapabilityCommand, IdCommand, LogoutCommand, NoopCommand
from pymailproto.imap._commands_auth import CompressCommand, EnableCommand, IdleCommand
from pymailproto.imap._commands_mailbox import NamespaceCommand
from pymailproto.imap._commands_nonauth import AuthenticateCommand, LoginCommand, StartTlsCommand
from pymailproto.imap._commands_special import AuthenticateResponse, IdleDone
from pymailproto.imap._framing_events import NEED_DATA
from pymailproto.imap._id import IDParams
from pymailproto.imap._response_base import Condition, ContinuationRequest, Response
from pymailproto.imap._responses_data import EnabledResponse, IdResponse, NamespaceResponse
from pymailproto.imap._states import ConnectionState
from pymailproto.sasl import ClientMechanism, choose_mechanism, client_mechanism

__all__ = [
    "IdleControl",
    "MissingCapability",
    "authenticate",
    "capability",
    "command",
    "compress",
    "enable",
    "identify",
    "idle",
    "login",
    "logout",
    "namespace",
    "noop",
    "open_session",
    "wait",
]

T = TypeVar("T")
Steps = Generator[IO, None, T]


class MissingCapability(LocalProtocolError):
    """The server lacks a capability the call needs (``STARTTLS``, ``IDLE``, ``AUTH=...``)."""

    def __init__(self, capability: str, why: str) -> None:
        super().__init__(f"the server does not support {capability} ({why})")
        self.capability = capability


# --- the primitives -------------------------------------------------------------------------------


def wait(conn: ClientConnection, pending: PendingCommand) -> Steps[PendingCommand]:
    """Receive until ``pending`` is over; return it (check it with ``pending.check()``)."""
    while not pending.done:
        event = conn.next_event()
        if event is NEED_DATA:
            yield IO.RECEIVE
        elif type(event) is ConnectionClosed:
            break  # every command in flight now carries the error
        elif type(event) is ContinuationRequest:
            raise RemoteProtocolError("a continuation request the command did not ask for")
    return pending


def command(conn: ClientConnection, cmd: Command) -> Steps[PendingCommand]:
    """Send ``cmd``, wait for its completion; a NO/BAD raises :class:`CommandFailed`."""
    pending = yield from wait(conn, conn.send(cmd))
    pending.check()
    return pending


def _ensure_capabilities(conn: ClientConnection) -> Steps[Capabilities]:
    if conn.capabilities_stale or not conn.capabilities:
        yield from command(conn, CapabilityCommand(conn.next_tag()))
    return conn.capabilities


# --- the session ----------------------------------------------------------------------------------


def open_session(conn: ClientConnection, tls: TLSMode) -> Steps[Capabilities]:
    """Read the greeting, upgrade with STARTTLS if ``tls`` says so, learn the capabilities.

    With ``TLSMode.STARTTLS`` the upgrade is required: a server that does not offer it or
    refuses it raises instead of continuing in plaintext (RFC 8314 §3: no silent downgrade);
    a PREAUTH greeting on a plaintext connection is refused for the same reason (RFC 9051
    §6.2.1: "a client MUST NOT ... when it receives a PREAUTH greeting" and wants TLS).
    """
    while conn.greeting is None:
        event = conn.next_event()
        if event is NEED_DATA:
            yield IO.RECEIVE
        elif type(event) is ConnectionClosed:
            raise RemoteProtocolError("the server closed the connection before its greeting")
        elif type(event) is ParseFailure:
            raise RemoteProtocolError(f"unreadable greeting: {event.error}")
    greeting = conn.greeting
    if greeting.condition is Condition.BYE:
        raise RemoteProtocolError(f"the server refused the connection: {greeting.text}")
    if tls is TLSMode.STARTTLS and not conn.tls_active:
        if conn.state is ConnectionState.AUTHENTICATED:
            raise RemoteProtocolError(
                "PREAUTH greeting on a plaintext connection: STARTTLS is impossible"
            )
        caps = yield from _ensure_capabilities(conn)
        if "STARTTLS" not in caps:
            raise MissingCapability("STARTTLS", "TLSMode.STARTTLS was requested")
        yield from command(conn, StartTlsCommand(conn.next_tag()))
        yield IO.START_TLS
        conn.tls_started()
    return (yield from _ensure_capabilities(conn))


def capability(conn: ClientConnection) -> Steps[Capabilities]:
    """CAPABILITY: ask the server again."""
    yield from command(conn, CapabilityCommand(conn.next_tag()))
    return conn.capabilities


def noop(conn: ClientConnection) -> Steps[list[Response]]:
    """NOOP; returns the unsolicited responses it collected (new mail, flag changes)."""
    pending = yield from command(conn, NoopCommand(conn.next_tag()))
    return pending.unsolicited + pending.responses


def logout(conn: ClientConnection) -> Steps[None]:
    """LOGOUT: the server says BYE, completes the command and closes (RFC 9051 §6.1.3).
    Nothing to do when the session is already over (LOGOUT sent, or BYE received)."""
    if conn.state is ConnectionState.LOGOUT:
        return None
    pending = yield from wait(conn, conn.send(LogoutCommand(conn.next_tag())))
    if pending.result is None and conn.bye is None:
        pending.check()  # raises the error: no BYE, no completion
    return None


def _refuse_plaintext(conn: ClientConnection, allow_plaintext: bool) -> None:
    if not conn.tls_active and not allow_plaintext:
        raise LocalProtocolError(
            "refusing to send credentials over an unencrypted connection; use TLS, or pass "
            "allow_plaintext_auth=True to the client if the network is trusted"
        )


def _login_can_carry(value: str) -> bool:
    # RFC 6855 §5: LOGIN is not extended to UTF-8; its astrings are ASCII (RFC 9051 §9).
    return value.isascii() and "\0" not in value


def login(
    conn: ClientConnection, username: str, password: str, *, allow_plaintext: bool = False
) -> Steps[Capabilities]:
    """Log in with the user name and password.

    LOGIN when it can carry them; when they are not ASCII (RFC 6855 §5: LOGIN has no UTF-8) or
    the server says LOGINDISABLED, AUTHENTICATE with the strongest password mechanism both
    sides support (SCRAM-SHA-256 ... PLAIN, all UTF-8). Refuses to send them without TLS
    unless allowed.
    """
    _refuse_plaintext(conn, allow_plaintext)
    caps = yield from _ensure_capabilities(conn)
    if caps.login_disabled or not (_login_can_carry(username) and _login_can_carry(password)):
        mechanism = choose_mechanism(caps.auth_mechanisms, have_password=True)
        if mechanism is None:
            offered = " ".join(caps.auth_mechanisms) or "no AUTH= at all"
            raise MissingCapability(
                "a password mechanism (AUTH=PLAIN, SCRAM-SHA-256, ...)",
                f"LOGIN cannot carry these credentials or is disabled; offered: {offered}",
            )
        mech = client_mechanism(mechanism, username, password)
        return (yield from authenticate(conn, mech, allow_plaintext=allow_plaintext))
    yield from command(conn, LoginCommand(conn.next_tag(), username, password))
    return (yield from _ensure_capabilities(conn))


def authenticate(
    conn: ClientConnection, mech: ClientMechanism, *, allow_plaintext: bool = False
) -> Steps[Capabilities]:
    """AUTHENTICATE with any SASL mechanism (RFC 9051 §6.2.2); SASL-IR when offered.

    Each ``+`` challenge is answered by the mechanism; a challenge it cannot accept cancels
    the exchange with ``*`` and raises. A mechanism that needs the server's proof (SCRAM)
    must have it before the OK is believed.
    """
    if mech.name != "EXTERNAL":
        _refuse_plaintext(conn, allow_plaintext)
    caps = yield from _ensure_capabilities(conn)
    if mech.name not in caps.auth_mechanisms:
        raise MissingCapability(f"AUTH={mech.name}", "to authenticate")
    initial = mech.initial_response()
    # RFC 4959 §3 (SASL-IR): the initial response goes on the command line; without it the
    # client waits for the first, empty, challenge (RFC 9051 §6.2.2).
    use_ir = initial is not None and "SASL-IR" in caps
    pending = conn.send(
        AuthenticateCommand(conn.next_tag(), mech.name, initial if use_ir else None)
    )
    first = True
    while not pending.done:
        event = conn.next_event()
        if event is NEED_DATA:
            yield IO.RECEIVE
        elif type(event) is ConnectionClosed:
            break
        elif type(event) is ContinuationRequest:
            challenge = _challenge(event)
            if first and initial is not None and not use_ir:
                answer = initial
            else:
                try:
                    answer = mech.respond(challenge)
                except RemoteProtocolError:
                    # RFC 9051 §6.2.2: "*" cancels; the server answers BAD. Then say why.
                    conn.send(AuthenticateResponse(None))
                    yield from wait(conn, pending)
                    raise
            first = False
            conn.send(AuthenticateResponse(answer))
    pending.check()
    if not mech.complete:
        raise RemoteProtocolError(f"the server ended {mech.name} before proving its identity")
    return (yield from _ensure_capabilities(conn))


def _challenge(request: ContinuationRequest) -> bytes:
    # RFC 9051 §7.6: continue-req = "+" SP (resp-text / base64); an empty challenge is "+ ".
    text = request.text.strip()
    if not text or request.code is not None:
        return b""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise RemoteProtocolError(f"a SASL challenge that is not base64: {text[:60]!r}") from None


def enable(conn: ClientConnection, names: Iterable[str]) -> Steps[frozenset[str]]:
    """ENABLE extensions (RFC 5161): returns those the server enabled, upper case."""
    caps = yield from _ensure_capabilities(conn)
    if "ENABLE" not in caps:
        raise MissingCapability("ENABLE", "to enable extensions")
    pending = yield from command(conn, EnableCommand(conn.next_tag(), list(names)))
    enabled: set[str] = set()
    for response in pending.of_type(EnabledResponse):
        enabled |= {c.key for c in response.capabilities}
    return frozenset(enabled)


def identify(
    conn: ClientConnection, fields: Mapping[str, str | None] | None
) -> Steps[dict[str, str | None]]:
    """ID (RFC 2971): send ours (or NIL), return the server's fields."""
    params = IDParams(fields) if fields else None
    pending = yield from command(conn, IdCommand(conn.next_tag(), params))
    result: dict[str, str | None] = {}
    for response in pending.of_type(IdResponse):
        if response.params is not None:
            for key, value in response.params.pairs:
                name = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
                result[name] = None if value is None else value.decode("utf-8", "replace")
    return result


def namespace(conn: ClientConnection) -> Steps[NamespaceResponse]:
    """NAMESPACE (RFC 9051 §6.3.10, RFC 2342)."""
    pending = yield from command(conn, NamespaceCommand(conn.next_tag()))
    found = pending.of_type(NamespaceResponse)
    if not found:
        raise RemoteProtocolError("NAMESPACE completed without a NAMESPACE response")
    return found[-1]


def compress(conn: ClientConnection) -> Steps[None]:
    """COMPRESS=DEFLATE (RFC 4978): both directions compressed from here on."""
    caps = yield from _ensure_capabilities(conn)
    if "COMPRESS=DEFLATE" not in caps:
        raise MissingCapability("COMPRESS=DEFLATE", "to compress the connection")
    yield from command(conn, CompressCommand(conn.next_tag(), "DEFLATE"))


# --- IDLE -----------------------------------------------------------------------------------------

#: RFC 9051 §5.4: a server's inactivity autologout timer is at least 30 minutes; RFC 2177 §3:
#: "clients using IDLE are advised to terminate the IDLE and re-issue it at least every 29
#: minutes to avoid being logged off".
IDLE_RENEW_AFTER = 29 * 60.0


class IdleControl:
    """What an IDLE loop consults between reads: :meth:`stop` asks it to end (from another
    thread too); ``poll`` is how long a read may wait before the loop looks again."""

    __slots__ = ("poll", "renew_after", "stop_requested", "timeout")

    def __init__(
        self,
        *,
        timeout: float | None = None,
        renew_after: float = IDLE_RENEW_AFTER,
        poll: float | None = None,
    ) -> None:
        #: End the IDLE after this many seconds (None: only when stopped or closed).
        self.timeout = timeout
        #: Send DONE and IDLE again after this many seconds.
        self.renew_after = renew_after
        #: The longest single wait for a push (None: until the next deadline).
        self.poll = poll
        self.stop_requested = False

    def stop(self) -> None:
        """Ask the loop to end the IDLE (DONE) at its next look."""
        self.stop_requested = True


def idle(
    conn: ClientConnection, control: IdleControl
) -> Generator[IO | Poll | Item[Response], None, None]:
    """IDLE (RFC 9051 §6.3.13, RFC 2177): yield each server push as an :class:`Item`.

    Re-issued every ``control.renew_after`` seconds; ended with DONE when ``control.timeout``
    has passed or :meth:`IdleControl.stop` was called, and by a BYE or the connection closing
    (then the iteration just ends). Needs ``conn.clock``.
    """
    clock = conn.clock
    if clock is None:
        raise LocalProtocolError("IDLE needs a connection with a clock")
    caps = yield from _ensure_capabilities(conn)
    if "IDLE" not in caps:
        raise MissingCapability("IDLE", "to wait for changes")
    deadline = None if control.timeout is None else clock() + control.timeout
    while True:
        pending = conn.send(IdleCommand(conn.next_tag()))
        renew_at = clock() + control.renew_after
        idling = done_sent = False
        while not pending.done:
            now = clock()
            ending = control.stop_requested or (deadline is not None and now >= deadline)
            if idling and not done_sent and (ending or now >= renew_at):
                conn.send(IdleDone())
                done_sent = True
            event = conn.next_event()
            if event is NEED_DATA:
                if not idling or done_sent:
                    yield IO.RECEIVE
                    continue
                wait_for = renew_at - now
                if deadline is not None:
                    wait_for = min(wait_for, deadline - now)
                if control.poll is not None:
                    wait_for = min(wait_for, control.poll)
                yield Poll(max(wait_for, 0.0))
            elif type(event) is ConnectionClosed:
                return
            elif type(event) is ContinuationRequest:
                idling = True  # RFC 2177 §3: "+ idling"
            elif isinstance(event, Response) and getattr(event, "tag", None) is None:
                yield Item(event)
        if pending.error is not None and conn.bye is not None:
            return  # the server ended the session with BYE
        pending.check()
        if control.stop_requested or (deadline is not None and clock() >= deadline):
            control.stop_requested = False
            return
