"""Relaying to a smarthost: the target and how its answer becomes ours (both transports)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError
from pymailproto.servers import Envelope
from pymailproto.smtp import (
    Reply,
)
from pymailproto.smtp._results import MessageTooLarge, ReplyError, SendResult

__all__ = ["RelayTarget", "relay_reply"]


@dataclass(frozen=True)
class RelayTarget:
    """Where a relay handler forwards mail (the "smarthost") and how to log in there."""

    host: str
    port: int | None = None
    tls: TLSMode = TLSMode.STARTTLS
    ssl_context: ssl.SSLContext | None = None
    username: str | None = None
    password: str | None = None
    timeout: float | None = 60.0

    def client_arguments(self) -> dict[str, Any]:
        """Keyword arguments for SMTPClient (sync or asyncio)."""
        return {
            "host": self.host,
            "port": self.port,
            "tls": self.tls,
            "ssl_context": self.ssl_context,
            "timeout": self.timeout,
        }


def relay_reply(envelope: Envelope, outcome: SendResult | BaseException) -> Reply:
    """Our reply to the client after forwarding its message to the smarthost.

    All delivered: 250 with the smarthost's answer. Refused there: the same class of failure
    (4yz stays temporary so the client retries). Unreachable: 451 4.4.1 (RFC 3463 X.4.1).
    Partly refused: 250, since the message did go out; the refusals are in the text.
    """
    if isinstance(outcome, SendResult):
        refused = [r for r in envelope.rcpt_to if r not in outcome.delivered]
        note = f" (refused there: {', '.join(refused)})" if refused else ""
        return Reply(250, f"Relayed: {outcome.reply.text_lines[0]}{note}", "2.0.0")
    if isinstance(outcome, ReplyError):
        reply = outcome.reply
        if reply.is_transient:
            return Reply(451, f"Smarthost: {reply.text_lines[0]}", "4.4.0")
        return Reply(554, f"Smarthost refused: {reply.text_lines[0]}", "5.0.0")
    if isinstance(outcome, MessageTooLarge):
        return Reply(552, "Message too large for the smarthost", "5.3.4")
    if isinstance(outcome, LocalProtocolError):
        return Reply(554, f"Cannot relay: {outcome.message}", "5.3.3")
    return Reply(451, f"Smarthost unreachable: {outcome}", "4.4.1")
