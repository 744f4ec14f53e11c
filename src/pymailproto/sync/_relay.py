"""A handler that forwards every received message to a smarthost with the blocking client."""

from __future__ import annotations

from pymailproto._relay import RelayTarget, relay_reply
from pymailproto.errors import ProtocolError
from pymailproto.servers import Envelope, SMTPHandler
from pymailproto.smtp import Reply, SendResult
from pymailproto.smtp._results import ReplyError
from pymailproto.sync._smtp import SMTPClient

__all__ = ["RelayHandler"]


class RelayHandler(SMTPHandler):
    """Relay each message to ``target`` before answering the client (for sync/threaded servers).

    The client gets 250 only once the smarthost accepted the message, so nothing is
    acknowledged that was not handed on. Use :class:`pymailproto.aio.RelayHandler` on the
    asyncio server.
    """

    def __init__(self, target: RelayTarget) -> None:
        self.target = target

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        outcome: SendResult | BaseException
        try:
            with SMTPClient(**self.target.client_arguments()) as client:
                if self.target.username is not None:
                    client.login(self.target.username, self.target.password or "")
                outcome = client.send_message(envelope.data, envelope.mail_from, envelope.rcpt_to)
        except (ReplyError, ProtocolError, OSError) as exc:
            outcome = exc
        return relay_reply(envelope, outcome)
