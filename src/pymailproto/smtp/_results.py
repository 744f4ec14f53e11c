"""What the client procedures return, and the refusals they raise.

A refusal by the server is not a protocol error: the conversation was correct, the server just
said no. Those are :class:`ReplyError` subclasses carrying the reply. A server that breaks the
protocol raises :class:`pymailproto.errors.RemoteProtocolError`; a request the server cannot
satisfy by what it advertised raises :class:`MissingExtension` before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp._reply import Reply

__all__ = [
    "AuthenticationFailed",
    "DataRefused",
    "MessageTooLarge",
    "MissingExtension",
    "RecipientsRefused",
    "ReplyError",
    "SendResult",
    "SenderRefused",
]


@dataclass(frozen=True)
class SendResult:
    """The outcome of one mail transaction.

    ``accepted`` and ``refused`` map each recipient (as written in RCPT) to its RCPT reply.
    ``deliveries`` maps each accepted recipient to the reply after the data: in LMTP one per
    recipient (RFC 2033 §4.2), in SMTP the same final reply for all.
    """

    sender_reply: Reply
    accepted: Mapping[str, Reply]
    refused: Mapping[str, Reply]
    reply: Reply
    deliveries: Mapping[str, Reply] = field(default_factory=dict)

    @property
    def delivered(self) -> list[str]:
        """Recipients whose delivery reply was positive."""
        return [rcpt for rcpt, reply in self.deliveries.items() if reply.is_positive]


class ReplyError(Exception):
    """The server refused a command; ``reply`` says why."""

    def __init__(self, message: str, reply: Reply) -> None:
        super().__init__(f"{message}: {reply}")
        self.reply = reply


class SenderRefused(ReplyError):
    """MAIL FROM was refused."""


class RecipientsRefused(ReplyError):
    """Every recipient was refused; ``refused`` maps each to its reply."""

    def __init__(self, refused: Mapping[str, Reply]) -> None:
        last = list(refused.values())[-1]
        count = len(refused)
        super().__init__(
            "the recipient was refused" if count == 1 else f"all {count} recipients refused", last
        )
        self.refused = dict(refused)


class DataRefused(ReplyError):
    """The message itself was refused (at DATA, a BDAT chunk, or after the data).

    ``result`` is set when the refusal came after the data (in LMTP: every delivery failed), so
    callers can see each recipient's reply; it is ``None`` when the refusal came at DATA or at
    a BDAT chunk.
    """

    def __init__(self, reply: Reply, result: SendResult | None = None) -> None:
        super().__init__("message refused", reply)
        self.result = result


class AuthenticationFailed(ReplyError):
    """AUTH ended with a refusal (535, 534, 454, ...)."""


class MissingExtension(LocalProtocolError):
    """The message or request needs an extension the server did not advertise."""

    def __init__(self, extension: str, why: str) -> None:
        super().__init__(f"the server does not offer {extension}, needed {why}")
        self.extension = extension


class MessageTooLarge(LocalProtocolError):
    """The message is larger than the server's advertised SIZE (RFC 1870)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"message of {size} octets exceeds the server's limit of {limit}")
        self.size = size
        self.limit = limit
