"""One IMAP server connection from greeting to LOGOUT, written once for every transport.

:meth:`IMAPSession.run` is a generator over an :class:`~pymailproto.imap.ServerConnection`:
it turns commands into answers using a :class:`~pymailproto.mailstore.Mailstore` and an
:class:`~pymailproto.sasl.Authenticator`, and yields when it needs the outside world:

* ``IO.RECEIVE`` / ``IO.FLUSH`` / ``IO.START_TLS`` -- as for every session;
* a :class:`~pymailproto._io.Poll` while IDLE waits: read if the client says something
  within ``poll.seconds``, else come back so the session can send other sessions' changes.

When the generator returns, the transport flushes and closes the connection. The commands of
the authenticated state live in :mod:`._imap_mailboxes`, those of the selected state in
:mod:`._imap_messages`; this module has the loop, the any-state and not-authenticated
commands, and the answers to errors.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymailproto._io import IO, Poll
from pymailproto.errors import LocalProtocolError
from pymailproto.imap import (
    NEED_DATA,
    AuthenticateCommand,
    AuthenticateResponse,
    Bye,
    Capability,
    CapabilityCode,
    CapabilityCommand,
    CapabilityResponse,
    ClientClosed,
    Code,
    Command,
    CommandError,
    CompressCommand,
    Condition,
    ConnectionState,
    ContinuationRequest,
    EnableCommand,
    EnabledResponse,
    Greeting,
    IdCommand,
    IdleCommand,
    IdleDone,
    IDParams,
    IdResponse,
    LiteralChunk,
    LiteralStreamed,
    LoginCommand,
    LogoutCommand,
    NamespaceCommand,
    NoopCommand,
    ServerConnection,
    StartTlsCommand,
    StatusResponse,
    UnknownCode,
)
from pymailproto.imap._codes import ResponseCode
from pymailproto.mailstore import Mailstore, MailstoreError
from pymailproto.mime import StructureCache
from pymailproto.sasl import Authenticator, Challenge, Success, server_mechanism, server_mechanisms
from pymailproto.servers._imap_mailboxes import handler_for, namespace_response, streamed_append
from pymailproto.servers._imap_view import SelectedView

__all__ = ["IMAPSession", "IMAPSessionOptions", "SessionStep"]

SessionStep = IO | Poll

#: How often an IDLE looks for other sessions' changes (seconds).
IDLE_POLL = 0.25


@dataclass(frozen=True)
class IMAPSessionOptions:
    """What a server offers: TLS, plaintext logins, extensions, limits on misbehaviour."""

    #: STARTTLS is possible (the transport has a ``starttls_context``).
    starttls: bool = False
    #: LOGIN and plaintext AUTHENTICATE are allowed without TLS (RFC 9051 §6.2.3: otherwise
    #: LOGINDISABLED is advertised and LOGIN refused).
    allow_plaintext_auth: bool = False
    #: Failed logins before the server says BYE (RFC 9051 §6.2.3 suggests limiting them).
    max_failed_logins: int = 3
    #: Commands a client may send before authenticating.
    max_unauthenticated_commands: int = 25
    #: The name in the greeting.
    hostname: str = "localhost"
    #: The current time, aware (SEARCH OLDER/YOUNGER): the transport's clock; sessions read
    #: no clock of their own.
    clock: Callable[[], datetime] | None = None
    #: Extensions advertised besides the base protocol (the session implements each).
    extensions: tuple[str, ...] = field(
        default=(
            "LITERAL-",
            "SASL-IR",
            "ID",
            "ENABLE",
            "IDLE",
            "NAMESPACE",
            "UNSELECT",
            "UIDPLUS",
            "MOVE",
            "CHILDREN",
            "SPECIAL-USE",
            "LIST-EXTENDED",
            "LIST-STATUS",
            "MULTIAPPEND",
            "COMPRESS=DEFLATE",
            "CONDSTORE",
            "QUOTA",
        )
    )


class IMAPSession:
    """The server side of one connection: commands in, store operations and answers out."""

    def __init__(
        self,
        conn: ServerConnection,
        store: Mailstore,
        authenticator: Authenticator | None,
        options: IMAPSessionOptions | None = None,
        *,
        peer: str = "",
        structure_cache: StructureCache | None = None,
    ) -> None:
        self.conn = conn
        self.store = store
        self.authenticator = authenticator
        self.options = options or IMAPSessionOptions()
        self.peer = peer
        #: The authenticated user.
        self.user: str | None = None
        #: The selected mailbox, as this session sees it.
        self.view: SelectedView | None = None
        #: What the client ENABLEd (upper case).
        self.enabled: set[str] = set()
        #: Parsed MIME structures of recently fetched messages (FETCH BODYSTRUCTURE, sections,
        #: SEARCH): the server's, shared by its sessions, when it gives one.
        self.structure_cache = structure_cache or StructureCache(256)
        #: The SEARCH result variable ``$`` as UIDs (RFC 9051 §6.4.4.1), empty after SELECT.
        self.saved_search: frozenset[int] = frozenset()
        self._failed_logins = 0
        self._unauthenticated_commands = 0

    # --- capabilities ---------------------------------------------------------------------------

    def capabilities(self, *, authenticated: bool | None = None) -> list[Capability]:
        """What the server advertises now (RFC 9051 §7.2.2): it changes with TLS and login
        (``authenticated``: as it will be once logged in, default: the current state)."""
        caps = [Capability("IMAP4rev1")]
        conn = self.conn
        if authenticated is None:
            authenticated = conn.state is not ConnectionState.NOT_AUTHENTICATED
        if not authenticated:
            plaintext_ok = conn.tls_active or self.options.allow_plaintext_auth
            if self.options.starttls and not conn.tls_active:
                caps.append(Capability("STARTTLS"))
            if not plaintext_ok:
                caps.append(Capability("LOGINDISABLED"))  # RFC 9051 §6.2.3
            elif self.authenticator is not None:
                caps += [Capability.auth(name) for name in self._mechanisms()]
        caps += [Capability(name) for name in self.options.extensions if self._offers(name)]
        return caps

    def _offers(self, name: str) -> bool:
        if name == "COMPRESS=DEFLATE":
            return not self.conn.compressed
        return True

    def _mechanisms(self) -> tuple[str, ...]:
        if self.authenticator is None:
            return ()
        # EXTERNAL needs an identity from the transport, which this session does not have.
        return tuple(m for m in server_mechanisms(self.authenticator) if m != "EXTERNAL")

    def now(self) -> datetime:
        """The current time (OLDER/YOUNGER): the transport's clock, given in the options."""
        clock = self.options.clock
        if clock is None:
            raise LocalProtocolError("this session has no clock (IMAPSessionOptions.clock)")
        return clock()

    @property
    def closing(self) -> bool:
        """The conversation is over (LOGOUT, BYE) or the client went away."""
        return self.conn.state is ConnectionState.LOGOUT

    # --- the loop -------------------------------------------------------------------------------

    def run(self) -> Generator[SessionStep, Any, None]:
        """Serve the connection until LOGOUT, BYE, or the client going away."""
        conn = self.conn
        conn.send(
            Greeting(
                Condition.OK,
                f"{self.options.hostname} pymailproto IMAP ready",
                CapabilityCode(self.capabilities()),
            )
        )
        try:
            while not self.closing:
                event = conn.next_event()
                if event is NEED_DATA:
                    yield IO.RECEIVE
                    continue
                if isinstance(event, ClientClosed):
                    return
                if isinstance(event, CommandError):
                    self.bad(event)
                    continue
                if isinstance(event, LiteralStreamed):
                    # A big APPEND: its message is written to the store as it arrives.
                    yield from streamed_append(self, event)
                    yield IO.FLUSH
                    continue
                if isinstance(event, (LiteralChunk, IdleDone)):
                    # A stray DONE (after the IDLE ended): answered as a bad command.
                    conn.send(StatusResponse(Condition.BAD, "unexpected data"))
                    continue
                if isinstance(event, AuthenticateResponse):
                    continue  # a stray continuation line: nothing waits for it
                assert isinstance(event, Command)
                yield from self._dispatch(event)
                yield IO.FLUSH
        finally:
            if self.view is not None:
                self.view.close()
                self.view = None

    def _dispatch(self, command: Command) -> Generator[SessionStep, Any, None]:
        conn = self.conn
        if conn.state is ConnectionState.NOT_AUTHENTICATED:
            self._unauthenticated_commands += 1
            if self._unauthenticated_commands > self.options.max_unauthenticated_commands:
                conn.send(Bye("too many commands without logging in"))
                return
        handler = _HANDLERS.get(type(command)) or handler_for(command)
        if handler is None:
            # SORT, THREAD, METADATA...: not implemented by this server yet.
            self.no(command.tag, f"{command.NAME or 'this command'} is not supported", Code.CANNOT)
            return
        try:
            result = handler(self, command)
            if result is not None:
                yield from result
        except MailstoreError as exc:
            self.no(command.tag, str(exc), _code(exc.response_code))

    # --- answers --------------------------------------------------------------------------------

    def ok(
        self,
        tag: str,
        text: str = "completed",
        code: ResponseCode | None = None,
        *,
        expunges: bool = True,
    ) -> None:
        """A tagged OK, after the selected mailbox's changes by other sessions (RFC 9051
        §7: a server sends them before completing a command). ``expunges=False`` for FETCH,
        STORE and SEARCH, which must not be followed by EXPUNGE (RFC 9051 §7.5.1)."""
        self._updates(expunges)
        self.conn.send(StatusResponse(Condition.OK, text, code, tag=tag))

    def no(self, tag: str, text: str, code: ResponseCode | None = None) -> None:
        """A tagged NO: the command failed (updates first, as for :meth:`ok`)."""
        self._updates(True)
        self.conn.send(StatusResponse(Condition.NO, self._text(text), code, tag=tag))

    def _text(self, text: str) -> str:
        # RFC 9051 §9: resp-text is ASCII unless UTF-8 is enabled (store messages may cite
        # "RFC 9051 §6.3.5"); CR/LF never.
        text = " ".join(text.split())
        return (
            text
            if self.conn.utf8 or text.isascii()
            else text.replace("§", "section ").encode("ascii", "replace").decode("ascii")
        )

    def _updates(self, expunges: bool) -> None:
        view = self.view
        if view is not None and view.has_updates:
            for response in view.pending_updates(expunges=expunges):
                self.conn.send(response)

    def bad(self, error: CommandError) -> None:
        """Answer a command that broke the grammar or a limit: BAD (BYE when fatal)."""
        if error.fatal:
            self.conn.send(Bye(f"unreadable command stream: {error.text}"))
            return
        self.conn.send(
            StatusResponse(Condition.BAD, error.text or "invalid command", tag=error.tag)
        )

    # --- any state ------------------------------------------------------------------------------

    def _capability(self, command: Command) -> None:
        self.conn.send(CapabilityResponse(self.capabilities()))
        self.ok(command.tag, "CAPABILITY completed")

    def _noop(self, command: Command) -> None:
        self.ok(command.tag, "NOOP completed")

    def _logout(self, command: Command) -> None:
        # RFC 9051 §6.1.3: BYE, then the tagged OK, then close.
        self.conn.send(Bye("logging out"))
        self.ok(command.tag, "LOGOUT completed")

    def _id(self, command: Command) -> None:
        assert isinstance(command, IdCommand)
        self.conn.send(IdResponse(IDParams({"name": "pymailproto"})))
        self.ok(command.tag, "ID completed")

    def _enable(self, command: Command) -> None:
        assert isinstance(command, EnableCommand)
        # RFC 5161 §3.1: ENABLED lists what this command enabled; unknown ones are ignored.
        known = {"CONDSTORE", "QRESYNC"}
        newly = [c for c in command.capabilities if c.key in known and c.key not in self.enabled]
        self.enabled |= {c.key for c in newly}
        if "QRESYNC" in self.enabled:
            self.enabled.add("CONDSTORE")  # RFC 7162 §3.2.3: QRESYNC implies CONDSTORE
        self.conn.send(EnabledResponse(newly))
        self.ok(command.tag, "ENABLE completed")

    def _namespace(self, command: Command) -> None:
        self.conn.send(namespace_response(self))
        self.ok(command.tag, "NAMESPACE completed")

    def _idle(self, command: Command) -> Generator[SessionStep, Any, None]:
        # RFC 9051 §6.3.13 / RFC 2177: "+ idling", then pushes until DONE.
        conn = self.conn
        conn.send(ContinuationRequest("idling"))
        while True:
            view = self.view
            if view is not None:
                for response in view.pending_updates():
                    conn.send(response)
            event = conn.next_event()
            if event is NEED_DATA:
                poll = Poll(IDLE_POLL)
                yield poll
                continue
            if isinstance(event, ClientClosed):
                return
            if isinstance(event, IdleDone):
                self.ok(command.tag, "IDLE terminated")
                return
            if isinstance(event, CommandError):
                self.bad(event)
                return
            conn.send(StatusResponse(Condition.BAD, "expected DONE", tag=command.tag))
            return

    # --- not authenticated ----------------------------------------------------------------------

    def _starttls(self, command: Command) -> Generator[SessionStep, Any, None]:
        if not self.options.starttls or self.conn.tls_active:
            self.conn.send(
                StatusResponse(Condition.BAD, "STARTTLS is not available", tag=command.tag)
            )
            return
        self.ok(command.tag, "Begin TLS negotiation now")
        yield IO.FLUSH
        self.conn.start_tls()  # RFC 9051 §6.2.1: what the client sent before is discarded
        yield IO.START_TLS

    def _compress(self, command: Command) -> None:
        assert isinstance(command, CompressCommand)
        if command.algorithm.upper() != "DEFLATE":
            self.conn.send(StatusResponse(Condition.BAD, "unknown algorithm", tag=command.tag))
        elif self.conn.compressed:
            self.no(command.tag, "already compressing", Code.COMPRESSIONACTIVE)
        else:
            self.ok(command.tag, "DEFLATE active")

    def _plaintext_refused(self, tag: str) -> bool:
        if self.conn.tls_active or self.options.allow_plaintext_auth:
            return False
        # RFC 9051 §6.2.3: LOGINDISABLED -- a NO, with PRIVACYREQUIRED (RFC 5530).
        self.no(tag, "use STARTTLS first", Code.PRIVACYREQUIRED)
        return True

    def _login(self, command: Command) -> None:
        assert isinstance(command, LoginCommand)
        if self._plaintext_refused(command.tag):
            return
        user = command.username.decode("utf-8", "replace")
        password = command.password.decode("utf-8", "replace")
        checker = self.authenticator
        if checker is not None and checker.check_password(user, password):
            self._logged_in(command.tag, user)
        else:
            self._failed(command.tag)

    def _authenticate(self, command: Command) -> Generator[SessionStep, Any, None]:
        assert isinstance(command, AuthenticateCommand)
        conn = self.conn
        if self._plaintext_refused(command.tag):
            return
        name = command.mechanism.upper()
        if self.authenticator is None or name not in self._mechanisms():
            self.no(command.tag, f"{name} is not supported", Code.CANNOT)
            return
        mechanism = server_mechanism(name, self.authenticator)
        step = mechanism.start(command.initial_response)
        while isinstance(step, Challenge):
            # RFC 9051 §6.2.2: "+" SP base64 challenge, then one line of response.
            conn.send(ContinuationRequest(base64.b64encode(step.data).decode("ascii")))
            while (event := conn.next_event()) is NEED_DATA:
                yield IO.RECEIVE
            if isinstance(event, ClientClosed):
                return
            if isinstance(event, CommandError):
                self.bad(event)
                return
            if not isinstance(event, AuthenticateResponse) or event.data is None:
                conn.send(
                    StatusResponse(Condition.BAD, "authentication cancelled", tag=command.tag)
                )
                return
            step = mechanism.step(event.data)
        if isinstance(step, Success) and step.authzid in ("", step.authcid):
            self._logged_in(command.tag, step.authcid)
        else:
            self._failed(command.tag)

    def _logged_in(self, tag: str, user: str) -> None:
        self.user = user
        self.store.account(user)  # the account (with INBOX) exists for every valid user
        # RFC 9051 §6.2.2: the OK may carry the new capabilities, saving the client a
        # CAPABILITY round trip (the state changes as the OK is sent).
        code = CapabilityCode(self.capabilities(authenticated=True))
        self.conn.send(StatusResponse(Condition.OK, "logged in", code, tag=tag))

    def _failed(self, tag: str) -> None:
        self._failed_logins += 1
        self.no(tag, "authentication failed", Code.AUTHENTICATIONFAILED)
        if self._failed_logins >= self.options.max_failed_logins:
            self.conn.send(Bye("too many failed logins"))


def _code(name: str | None) -> ResponseCode | None:
    if name is None:
        return None
    try:
        return Code(name)
    except ValueError:
        return UnknownCode(name)


_Handler = Callable[[IMAPSession, Command], "Generator[SessionStep, Any, None] | None"]

_HANDLERS: dict[type[Command], _Handler] = {
    CapabilityCommand: IMAPSession._capability,
    NoopCommand: IMAPSession._noop,
    LogoutCommand: IMAPSession._logout,
    IdCommand: IMAPSession._id,
    EnableCommand: IMAPSession._enable,
    NamespaceCommand: IMAPSession._namespace,
    IdleCommand: IMAPSession._idle,
    StartTlsCommand: IMAPSession._starttls,
    CompressCommand: IMAPSession._compress,
    LoginCommand: IMAPSession._login,
    AuthenticateCommand: IMAPSession._authenticate,
}
