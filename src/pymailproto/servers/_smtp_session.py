"""One SMTP/LMTP server connection from greeting to close, written once for every transport.

:meth:`SMTPSession.run` is a generator: it turns the connection's events into replies, using
the handler and the authenticator, and yields whenever it needs the outside world:

* ``IO.RECEIVE`` / ``IO.FLUSH`` / ``IO.START_TLS`` -- as for client procedures;
* a :class:`HookCall` -- call ``handler.<name>(*args)`` and send back the result (the asyncio
  transport awaits it when the hook is a coroutine function).

When the generator returns, the transport flushes and closes the connection.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from pymailproto._io import IO
from pymailproto.errors import RemoteProtocolError
from pymailproto.sasl import Authenticator, Challenge, ServerMechanism, Success, server_mechanism
from pymailproto.servers._smtp_handlers import HOOK_NAMES, Envelope
from pymailproto.smtp import (
    NEED_DATA,
    Auth,
    AuthResponse,
    Bdat,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfChunk,
    EndOfMessage,
    Event,
    Expn,
    Greeting,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    MessageChunk,
    Noop,
    Quit,
    RcptTo,
    Reply,
    Rset,
    ServerConnection,
    StartTLS,
    State,
    Vrfy,
    format_path,
)

__all__ = ["HookCall", "SMTPSession", "SessionStep"]


@dataclass(frozen=True, slots=True)
class HookCall:
    """Ask the transport to call ``handler.<name>(session, *args)`` and send the result."""

    name: str
    args: tuple[Any, ...]


SessionStep = IO | HookCall

# The replies sent for nearly every message, built once.
_SENDER_OK = Reply(250, "Sender OK", "2.1.0")
_RECIPIENT_OK = Reply(250, "Recipient OK", "2.1.5")
_GO_AHEAD = Reply(354, "End data with <CR><LF>.<CR><LF>")


class SMTPSession:
    """The server side of one connection: protocol events in, handler decisions out."""

    def __init__(
        self,
        conn: ServerConnection,
        *,
        authenticator: Authenticator | None = None,
        peer: str = "",
        collect_content: bool = True,
        hooks: frozenset[str] | None = None,
    ) -> None:
        self.conn = conn
        #: The handler hooks worth calling (see :func:`implemented_hooks`); None: all.
        self.hooks = frozenset(HOOK_NAMES) if hooks is None else hooks
        self.authenticator = authenticator
        self.collect_content = collect_content
        self.peer = peer
        #: The message being received, or the last one.
        self.envelope = Envelope(peer=peer)
        #: The user name the client authenticated as.
        self.auth_user: str | None = None
        self._mechanism: ServerMechanism | None = None
        self._content: list[bytes] = []
        self._failure: Reply | None = None  # a handler failed while content streamed in
        self._size = 0  # octets of the message being received

    def run(self) -> Generator[SessionStep, Any, None]:
        """Serve the connection until QUIT, a fatal error, or the client going away."""
        conn = self.conn
        greeting = yield from self._call("handle_connect")
        conn.send(greeting or Greeting(220, f"{conn.hostname} ESMTP pymailproto ready"))
        closed, need_data, receive, handlers = State.CLOSED, NEED_DATA, IO.RECEIVE, _HANDLERS
        while conn.state is not closed:
            try:
                event = conn.next_event()
            except RemoteProtocolError as exc:
                if exc.reply is None:
                    return  # e.g. bytes injected behind STARTTLS: close without a word
                self._abandon()
                conn.send(exc.reply)
                if exc.fatal:
                    return
                continue
            if event is need_data:
                yield receive
                continue
            handler = handlers.get(type(event))
            if handler is not None:
                yield from handler(self, event)
            elif isinstance(event, ConnectionClosed):
                return
            else:
                assert isinstance(event, Event)
                self._send(self._other(event))

    def _call(self, name: str, *args: Any) -> Generator[SessionStep, Any, Any]:
        """Have the transport call hook ``name`` (if the handler has it); its answer."""
        if name not in self.hooks:
            return None
        return (yield HookCall(name, args))

    def _send(self, reply: Reply) -> None:
        """Send a reply, without an enhanced code unless one was negotiated (RFC 2034 §3)."""
        if reply.enhanced and not self.conn.enhanced_status_codes:
            reply = reply.without_enhanced()
        self.conn.send(reply)

    def _reply(self, code: int, text: str, enhanced: str | None = None) -> Reply:
        """A reply of the session's own, with its enhanced code only once negotiated."""
        return Reply(code, text, enhanced if self.conn.enhanced_status_codes else None)

    # One method per event type (see _HANDLERS below): each answers its event.

    def _on_chunk(self, event: MessageChunk) -> Generator[SessionStep, Any, None]:
        self._size += len(event.data)
        if self.collect_content:
            self._content.append(bytes(event.data))
        failed = yield from self._call("handle_data_chunk", event.data)
        if isinstance(failed, Reply) and self._failure is None:
            self._failure = failed  # answered at the end of the message

    def _on_bdat(self, event: Bdat) -> Generator[SessionStep, Any, None]:
        return  # its octets follow as chunks; the reply goes to EndOfChunk/EndOfMessage
        yield

    def _on_end_of_chunk(self, event: EndOfChunk) -> Generator[SessionStep, Any, None]:
        self._send(self._reply(250, f"{event.size} octets received", "2.0.0"))
        return
        yield

    def _on_end_of_message(self, event: EndOfMessage) -> Generator[SessionStep, Any, None]:
        yield from self._end_of_message()

    def _on_ehlo(self, event: Ehlo | Lhlo) -> Generator[SessionStep, Any, None]:
        self._abandon()
        conn = self.conn
        reply = yield from self._call("handle_ehlo", event.domain)
        self._send(reply or conn.ehlo_reply(f"{conn.hostname} greets {event.domain}"))

    def _on_helo(self, event: Helo) -> Generator[SessionStep, Any, None]:
        self._abandon()
        reply = yield from self._call("handle_ehlo", event.domain)
        self._send(reply or Reply(250, self.conn.hostname))

    def _on_mail(self, event: MailFrom) -> Generator[SessionStep, Any, None]:
        conn = self.conn
        reply = yield from self._call("handle_mail", event)
        self._send(reply or _SENDER_OK)
        if conn.state is State.MAIL:
            self.envelope = Envelope(
                mail_from="" if event.sender is None else str(event.sender),
                mail=event,
                client_name=conn.client_name,
                auth_user=self.auth_user,
                tls=conn.tls_active,
                peer=self.peer,
            )
            self._content = []
            self._size = 0

    def _on_rcpt(self, event: RcptTo) -> Generator[SessionStep, Any, None]:
        reply = yield from self._call("handle_rcpt", event)
        reply = reply or _RECIPIENT_OK
        self._send(reply)
        if reply.is_positive:
            self.envelope.rcpt_to.append(str(event.recipient))
            self.envelope.rcpts.append(event)

    def _on_data(self, event: Data) -> Generator[SessionStep, Any, None]:
        self._send(_GO_AHEAD)
        return
        yield

    def _on_rset(self, event: Rset) -> Generator[SessionStep, Any, None]:
        self._abandon()
        yield from self._call("handle_rset")
        self._send(self._reply(250, "Flushed", "2.0.0"))

    def _on_quit(self, event: Quit) -> Generator[SessionStep, Any, None]:
        yield from self._call("handle_quit")
        self._send(self._reply(221, f"{self.conn.hostname} closing connection", "2.0.0"))

    def _on_starttls(self, event: StartTLS) -> Generator[SessionStep, Any, None]:
        conn = self.conn
        self._send(Reply(220, "Ready to start TLS"))
        if conn.state is State.CONNECTED and not conn.starttls_injected:
            yield IO.START_TLS

    def _on_auth(self, event: Auth | AuthResponse) -> Generator[SessionStep, Any, None]:
        self._send(self._authenticate(event))
        return
        yield

    def _other(self, event: Event) -> Reply:
        if isinstance(event, Noop):
            return self._reply(250, "OK", "2.0.0")
        if isinstance(event, Vrfy):
            # RFC 5321 §3.5.3: 252 when the server will not verify but will accept mail.
            return self._reply(252, "Cannot VRFY user, but will accept message", "2.1.5")
        if isinstance(event, Expn):
            return self._reply(502, "EXPN not available", "5.5.1")
        if isinstance(event, Help):
            return self._reply(214, "See RFC 5321; https://www.rfc-editor.org/rfc/rfc5321", "2.0.0")
        return self._reply(502, "Command not implemented", "5.5.1")

    def _end_of_message(self) -> Generator[SessionStep, Any, None]:
        conn = self.conn
        self.envelope.data = b"".join(self._content)
        self._content = []
        failure, self._failure = self._failure, None
        if failure is not None:
            answer: Any = failure
        else:
            answer = yield from self._call("handle_message", self.envelope)
        if conn.lmtp:
            # RFC 2033 §4.2: one reply per accepted recipient, in RCPT order.
            count = conn.recipient_count
            if isinstance(answer, list):
                replies = list(answer)
            else:
                replies = [answer or self._accepted()] * count
            if len(replies) != count:
                raise ValueError(f"handle_message returned {len(replies)} replies for {count}")
            for reply in replies:
                self._send(reply)
            return
        if isinstance(answer, list):
            raise ValueError("handle_message returns a list of replies only in LMTP")
        self._send(answer or self._accepted())

    def _accepted(self) -> Reply:
        return self._reply(250, f"Message accepted ({self._size} octets)", "2.0.0")

    def _authenticate(self, event: Auth | AuthResponse) -> Reply:
        if isinstance(event, Auth):
            if self.authenticator is None:
                return self._reply(502, "AUTH not available", "5.5.1")
            self._mechanism = server_mechanism(event.mechanism, self.authenticator)
            step = self._mechanism.start(event.initial_response)
        elif event.cancelled or self._mechanism is None:
            self._mechanism = None
            return self._reply(501, "Authentication cancelled", "5.0.0")  # RFC 4954 §4
        else:
            step = self._mechanism.step(event.data)
        if isinstance(step, Challenge):
            return Reply(334, base64.b64encode(step.data).decode("ascii"))
        self._mechanism = None
        if isinstance(step, Success):
            self.auth_user = step.authzid
            return self._reply(235, "Authentication successful", "2.7.0")
        if step.temporary:
            return self._reply(454, "Temporary authentication failure", "4.7.0")
        return self._reply(535, "Authentication credentials invalid", "5.7.8")  # RFC 4954 §6

    def _abandon(self) -> None:
        self._content = []
        self._mechanism = None
        self._failure = None


_Handler = Callable[[SMTPSession, Any], Generator[SessionStep, Any, None]]
#: Event type -> the session method that answers it; other events get _other's reply.
_HANDLERS: dict[type, _Handler] = {
    MessageChunk: SMTPSession._on_chunk,
    Bdat: SMTPSession._on_bdat,
    EndOfChunk: SMTPSession._on_end_of_chunk,
    EndOfMessage: SMTPSession._on_end_of_message,
    Ehlo: SMTPSession._on_ehlo,
    Lhlo: SMTPSession._on_ehlo,
    Helo: SMTPSession._on_helo,
    MailFrom: SMTPSession._on_mail,
    RcptTo: SMTPSession._on_rcpt,
    Data: SMTPSession._on_data,
    Rset: SMTPSession._on_rset,
    Quit: SMTPSession._on_quit,
    StartTLS: SMTPSession._on_starttls,
    Auth: SMTPSession._on_auth,
    AuthResponse: SMTPSession._on_auth,
}


def describe(envelope: Envelope) -> str:
    """A one-line summary of a received message (for logs and ``serve``)."""
    sender = format_path(envelope.sender)
    return f"{sender} -> {', '.join(envelope.rcpt_to)} ({len(envelope.data)} octets)"
