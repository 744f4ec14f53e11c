"""What an embedded SMTP server does with mail: the handler hooks and the built-in handlers.

A handler is an object with any of the ``handle_*`` methods below. Each hook may return a
:class:`~pymailproto.smtp.Reply` to answer with (accept or refuse) or ``None`` for the
default answer. On the asyncio server hooks may also be ``async def``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from pymailproto.smtp import Address, MailFrom, RcptTo, Reply

__all__ = [
    "HOOK_NAMES",
    "CaptureHandler",
    "Envelope",
    "SMTPHandler",
    "SinkHandler",
    "implemented_hooks",
]


@dataclass
class Envelope:
    """One received message with its envelope.

    ``mail_from`` is the reverse-path as text (``""`` for the null path ``<>``); ``rcpt_to``
    the accepted recipients; ``data`` the message content, un-stuffed, CRLF line endings.
    """

    mail_from: str = ""
    rcpt_to: list[str] = field(default_factory=list)
    data: bytes = b""
    #: The MAIL command as received (sender Address and its parameters).
    mail: MailFrom | None = None
    #: The accepted RCPT commands, in order.
    rcpts: list[RcptTo] = field(default_factory=list)
    #: The name the client gave in EHLO/HELO/LHLO.
    client_name: str | None = None
    #: The authenticated user, if the client used AUTH.
    auth_user: str | None = None
    #: Whether the message arrived over TLS.
    tls: bool = False
    #: The client's address, as the transport reported it.
    peer: str = ""

    @property
    def sender(self) -> Address | None:
        """The reverse-path as an Address (None for ``<>``)."""
        return self.mail.sender if self.mail else None


class SMTPHandler:
    """Base class with every hook; override the ones you need.

    ``session`` is the :class:`~pymailproto.servers.SMTPSession` of the connection (it has
    ``.envelope``, ``.conn``, ``.peer``, ``.auth_user``).
    """

    #: Keep message content in ``envelope.data``. A handler that consumes content as it
    #: streams (``handle_data_chunk``) sets this False, and the server holds none of it.
    collect_content = True

    def handle_connect(self, session: object) -> Reply | None:
        """The greeting; return a 554 reply to refuse the connection (RFC 5321 §3.1)."""
        return None

    def handle_ehlo(self, session: object, domain: str) -> Reply | None:
        """EHLO/LHLO; the default reply advertises exactly what the server offers."""
        return None

    def handle_mail(self, session: object, mail: MailFrom) -> Reply | None:
        """MAIL FROM: accept (None or 2yz) or refuse the sender."""
        return None

    def handle_rcpt(self, session: object, rcpt: RcptTo) -> Reply | None:
        """RCPT TO: accept (None or 2yz) or refuse the recipient."""
        return None

    def handle_data_chunk(self, session: object, data: bytes) -> None:
        """A piece of message content as it streams in; the default keeps it in memory."""

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        """The complete message. LMTP: return one reply per recipient, or one for all."""
        return None

    def handle_rset(self, session: object) -> None:
        """The client sent RSET: the transaction in progress, if any, is abandoned."""

    def handle_quit(self, session: object) -> None:
        """The client said QUIT."""


#: Every hook a handler may implement, in the order a session calls them.
HOOK_NAMES = (
    "handle_connect",
    "handle_ehlo",
    "handle_mail",
    "handle_rcpt",
    "handle_data_chunk",
    "handle_message",
    "handle_rset",
    "handle_quit",
)


def implemented_hooks(handler: object) -> frozenset[str]:
    """The hooks ``handler`` really implements: it has them, and not as SMTPHandler's no-ops.

    A session calls only these; the others would answer None anyway. Skipping them saves a
    round through the transport for every command.
    """
    names = set()
    for name in HOOK_NAMES:
        method = getattr(handler, name, None)
        if method is None:
            continue
        if getattr(method, "__func__", None) is getattr(SMTPHandler, name):
            continue
        names.add(name)
    return frozenset(names)


class SinkHandler(SMTPHandler):
    """Accepts everything and keeps nothing (benchmarks, black holes): content is discarded
    as it arrives (``collect_content`` is False)."""

    collect_content = False


class CaptureHandler(SMTPHandler):
    """Keeps every received message in ``messages``; thread-safe; for tests.

    ::

        capture = CaptureHandler()
        with SMTPServer(port=0, handler=capture) as server:
            ...  # send mail to server.port
            capture.wait_for(1, timeout=5)
            assert capture.messages[0].rcpt_to == ["bob@example.net"]
    """

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self._cond = threading.Condition()

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        with self._cond:
            self.messages.append(envelope)
            self._cond.notify_all()
        return None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Envelope]:
        """Block until ``count`` messages arrived; TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.messages)} of {count} messages after {timeout}s")
                self._cond.wait(left)
            return list(self.messages)
