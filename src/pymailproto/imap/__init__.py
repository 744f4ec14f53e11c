"""IMAP4rev1 (RFC 3501) and IMAP4rev2 (RFC 9051): the codec both roles stand on.

Being built (issue 4): the framing layer -- whole commands and responses cut from the byte
stream, literals counted, limits enforced -- comes first; the typed values, commands,
responses and the connections follow.
"""

from __future__ import annotations

from pymailproto.imap._framing import CommandFramer, ResponseFramer
from pymailproto.imap._framing_events import (
    NEED_DATA,
    EndOfInput,
    FramingEvent,
    LiteralAnnounced,
    LiteralChunk,
    LiteralSpan,
    LiteralStreamed,
    Message,
    MessageRejected,
    Rejection,
)

__all__ = [
    "NEED_DATA",
    "CommandFramer",
    "EndOfInput",
    "FramingEvent",
    "LiteralAnnounced",
    "LiteralChunk",
    "LiteralSpan",
    "LiteralStreamed",
    "Message",
    "MessageRejected",
    "Rejection",
    "ResponseFramer",
]
