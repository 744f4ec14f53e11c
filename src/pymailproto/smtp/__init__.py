"""SMTP and LMTP as sans-IO state machines (RFC 5321, with the extensions listed below).

Nothing here touches a socket or a clock. A :class:`ClientConnection` turns commands into
bytes and the server's bytes into :class:`Reply` events; a :class:`ServerConnection` turns
the client's bytes into command events and replies into bytes. Both follow one transition
table (:data:`TRANSITIONS`).

Extensions: SIZE (RFC 1870), PIPELINING (2920), 8BITMIME (6152), SMTPUTF8 (6531),
ENHANCEDSTATUSCODES (2034, 3463), STARTTLS (3207), AUTH (4954), CHUNKING and BINARYMIME
(3030), DSN (3461); LMTP (2033).
"""

from __future__ import annotations

from pymailproto.smtp._address import (
    Address,
    AddressError,
    format_path,
    parse_forward_path,
    parse_reverse_path,
)
from pymailproto.smtp._batch import Outcome, Outgoing
from pymailproto.smtp._client import ClientConnection, PendingReply
from pymailproto.smtp._events import (
    NEED_DATA,
    Auth,
    AuthResponse,
    Bdat,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfChunk,
    EndOfMessage,
    Event,
    Expn,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    MessageChunk,
    Noop,
    Quit,
    RcptTo,
    Rset,
    StartTLS,
    Vrfy,
)
from pymailproto.smtp._extensions import KNOWN_EXTENSIONS, Extensions
from pymailproto.smtp._params import (
    Body,
    MailParams,
    Notify,
    ParameterError,
    RcptParams,
    Ret,
    xtext_decode,
    xtext_encode,
)
from pymailproto.smtp._reply import Greeting, Reply
from pymailproto.smtp._results import (
    AuthenticationFailed,
    DataRefused,
    MessageTooLarge,
    MissingExtension,
    RecipientsRefused,
    ReplyError,
    SenderRefused,
    SendResult,
)
from pymailproto.smtp._server import DEFAULT_SERVER_EXTENSIONS, ServerConnection
from pymailproto.smtp._state import TRANSITIONS, State

__all__ = [
    "DEFAULT_SERVER_EXTENSIONS",
    "KNOWN_EXTENSIONS",
    "NEED_DATA",
    "TRANSITIONS",
    "Address",
    "AddressError",
    "Auth",
    "AuthResponse",
    "AuthenticationFailed",
    "Bdat",
    "Body",
    "ClientConnection",
    "Command",
    "ConnectionClosed",
    "Data",
    "DataRefused",
    "Ehlo",
    "EndOfChunk",
    "EndOfMessage",
    "Event",
    "Expn",
    "Extensions",
    "Greeting",
    "Helo",
    "Help",
    "Lhlo",
    "MailFrom",
    "MailParams",
    "MessageChunk",
    "MessageTooLarge",
    "MissingExtension",
    "Noop",
    "Notify",
    "Outcome",
    "Outgoing",
    "ParameterError",
    "PendingReply",
    "Quit",
    "RcptParams",
    "RcptTo",
    "RecipientsRefused",
    "Reply",
    "ReplyError",
    "Ret",
    "Rset",
    "SendResult",
    "SenderRefused",
    "ServerConnection",
    "StartTLS",
    "State",
    "Vrfy",
    "format_path",
    "parse_forward_path",
    "parse_reverse_path",
    "xtext_decode",
    "xtext_encode",
]
