"""The blocking SMTP/LMTP client."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from pymailproto._client_front import SMTPClientBase
from pymailproto._dual import BlockingSession
from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import Address, Extensions, Outcome, Outgoing, Reply, State
from pymailproto.smtp._params import MailParams, RcptParams
from pymailproto.smtp._procedures import Procedure
from pymailproto.smtp._results import SendResult
from pymailproto.sync._driver import BlockingStream, run

if TYPE_CHECKING:
    from email.message import Message

__all__ = ["SMTPClient"]

T = TypeVar("T")
# Failures after which the connection is unusable.
_BROKEN = (OSError, RemoteProtocolError)


class SMTPClient(SMTPClientBase, BlockingSession):
    """A blocking SMTP (or LMTP) client; use it as a context manager.

    ::

        with SMTPClient("mail.example.com", tls=TLSMode.STARTTLS) as client:
            client.login("user", "password")
            result = client.send_message(msg)

    ``tls`` is one explicit policy: ``PLAINTEXT``, ``STARTTLS`` (required: no silent
    fallback) or ``IMPLICIT``. Certificates are verified with ``ssl.create_default_context()``
    unless another ``ssl_context`` is given. ``timeout`` bounds connecting and every wait;
    without it the RFC 5321 §4.5.3.2 per-stage timeouts apply (``timeouts`` to tune them).
    ``trace`` receives the dialogue as ``C:``/``S:`` lines with secrets masked.
    """

    _stream: BlockingStream | None = None

    def _goodbye(self) -> None:
        self.quit()

    def connect(self) -> Extensions:
        """Connect, read the greeting, EHLO, and STARTTLS when the TLS mode asks for it."""
        if self._stream is not None:
            raise LocalProtocolError("already connected")
        o = self._front.options
        implicit = o.ssl_context if o.tls is TLSMode.IMPLICIT else None
        self._stream = BlockingStream.connect(o.host, o.port, o.connect_timeout, implicit)
        try:
            return self._run(self._front.open())
        except BaseException:
            self.close()
            raise

    def login(self, username: str, password: str, *, mechanism: str | None = None) -> Reply:
        """Authenticate with the strongest mechanism both sides support (or ``mechanism``)."""
        return self._run(self._front.login(username, password, mechanism))

    def auth(
        self,
        mechanism: str,
        username: str,
        password: str | None = None,
        *,
        token: str | None = None,
        authzid: str = "",
    ) -> Reply:
        """Authenticate with a named mechanism: XOAUTH2/OAUTHBEARER (``token``), SCRAM, ..."""
        return self._run(self._front.auth(mechanism, username, password, token, authzid))

    def send_message(
        self,
        message: Message | bytes | str,
        from_addr: str | Address | None = None,
        to_addrs: str | Address | Sequence[str | Address] | None = None,
        *,
        mail_params: MailParams | None = None,
        rcpt_params: RcptParams | None = None,
    ) -> SendResult:
        """Send one message; the envelope comes from the headers unless given."""
        front = self._front
        return self._run(front.send_message(message, from_addr, to_addrs, mail_params, rcpt_params))

    def send_messages(self, messages: Iterable[Outgoing | Message]) -> list[Outcome]:
        """Send many messages over this connection; one outcome per message, in order.

        With PIPELINING the end of each message and the next one's MAIL, RCPT and DATA share
        one write (RFC 2920 §3.1): one round trip per message instead of two. An outcome is
        the :class:`~pymailproto.smtp.SendResult`, or the refusal (a ``ReplyError``) or
        local error (e.g. ``MissingExtension``) that stopped that message; the others are
        still sent. Items are :class:`~pymailproto.smtp.Outgoing` (message and envelope) or
        ``email.message.Message`` (envelope from the headers).
        """
        return self._run(self._front.send_messages(messages))

    def noop(self) -> Reply:
        """NOOP: check the connection is alive."""
        return self._run(self._front.noop())

    def rset(self) -> Reply:
        """RSET: abandon the current transaction."""
        return self._run(self._front.rset())

    def verify(self, address: str) -> Reply:
        """VRFY: ask the server about an address (most answer 252)."""
        return self._run(self._front.verify(address))

    def quit(self) -> Reply | None:
        """QUIT politely; returns the reply, or None when the connection was already gone."""
        if self._stream is None or self._front.conn.state is State.CLOSED:
            return None
        return self._run(self._front.quit())

    def close(self) -> None:
        """Close the socket without QUIT."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _run(self, procedure: Procedure[T]) -> T:
        if self._stream is None:
            raise LocalProtocolError("not connected; call connect() or use 'with'")
        o = self._front.options
        try:
            return run(procedure, self._front.conn, self._stream, o.ssl_context, o.host)
        except _BROKEN:
            # The connection is unusable now (reset, timeout, garbage): close it, so that
            # leaving a ``with`` block does not try to QUIT over it.
            self.close()
            raise
