"""A handler that forwards every received message to a smarthost with the asyncio client."""

from __future__ import annotations

from pymailproto._relay import RelayTarget, relay_reply
from pymailproto.aio._smtp import SMTPClient
from pymailproto.errors import ProtocolError
from pymailproto.servers import Envelope, SMTPHandler
from pymailproto.smtp import Reply, SendResult
from pymailproto.smtp._results import ReplyError

__all__ = ["RelayHandler"]


class RelayHandler(SMTPHandler):
    """Relay each message to ``target`` before answering the client (for the asyncio server)."""

    def __init__(self, target: RelayTarget) -> None:
        self.target = target

    async def handle_message(  # type: ignore[override]
        self, session: object, envelope: Envelope
    ) -> Reply | list[Reply] | None:
        outcome: SendResult | BaseException
        try:
            async with SMTPClient(**self.target.client_arguments()) as client:
                if self.target.username is not None:
                    await client.login(self.target.username, self.target.password or "")
                outcome = await client.send_message(
                    envelope.data, envelope.mail_from, envelope.rcpt_to
                )
        except (ReplyError, ProtocolError, OSError, TimeoutError) as exc:
            outcome = exc
        return relay_reply(envelope, outcome)
