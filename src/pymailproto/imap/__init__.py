"""IMAP4rev1 (RFC 3501) and IMAP4rev2 (RFC 9051): the codec both roles stand on.

The grammar of both directions, typed, parse and serialize (issue 4):

* framing -- :class:`CommandFramer` / :class:`ResponseFramer` cut whole commands and responses
  from the byte stream before any parsing, literals counted and limits enforced;
* parsing -- :class:`CommandParser` (a server's) and :class:`ResponseParser` (a client's):
  ``feed(data)``, then iterate to get typed commands / responses as they complete;
* serializing -- :func:`serialize` (the whole wire form, for tests and logs) and
  :func:`serialize_fragments` (lines and literals, so a client knows where to wait for ``+``);
* the values: :class:`SequenceSet`, :class:`Flag`, :class:`Envelope`, the body structures,
  :class:`FetchData`, the search keys (:mod:`pymailproto.imap.search`), response codes, ...

See docs/imap-grammar.md. On this codec stands the client's sans-IO connection (issue 5):

* :class:`ClientConnection` -- tags, pipelining, literals and continuations, AUTHENTICATE,
  IDLE, STARTTLS, COMPRESS, capabilities and the selected mailbox's state
  (:class:`SelectedMailbox`); each command tracked by a :class:`PendingCommand`;
* :class:`ServerConnection` -- the server's side: commands checked against the state,
  literals answered (or refused before the octets), continuations, STARTTLS, COMPRESS, UTF-8.

See docs/imap-client.md; ``pymailproto.sync.IMAPClient`` and ``pymailproto.aio.IMAPClient`` run
its procedures over sockets.
"""

from __future__ import annotations

from pymailproto.imap._body import (
    BasicBody,
    BodyStructure,
    Disposition,
    Extension,
    MessageBody,
    MultipartBody,
    TextBody,
)
from pymailproto.imap._capabilities import Capabilities
from pymailproto.imap._capability import (
    Capability,
)
from pymailproto.imap._client import ClientConnection, ConnectionClosed, ParseFailure
from pymailproto.imap._client_pending import CommandFailed, PendingCommand
from pymailproto.imap._codes import (
    AppendUidCode,
    BadCharsetCode,
    CapabilityCode,
    Code,
    CopyUidCode,
    HighestModSeqCode,
    MailboxIdCode,
    MetadataCode,
    ModifiedCode,
    PermanentFlagsCode,
    UidNextCode,
    UidValidityCode,
    UnknownCode,
    UnseenCode,
)
from pymailproto.imap._command_base import (
    Command,
)
from pymailproto.imap._command_parser import (
    CommandError,
    CommandParser,
)
from pymailproto.imap._commands_any import (
    CapabilityCommand,
    IdCommand,
    LogoutCommand,
    NoopCommand,
)
from pymailproto.imap._commands_auth import (
    AppendCommand,
    AppendForm,
    AppendMessage,
    CompressCommand,
    EnableCommand,
    GetMetadataCommand,
    GetQuotaCommand,
    GetQuotaRootCommand,
    IdleCommand,
    SetMetadataCommand,
    SetQuotaCommand,
)
from pymailproto.imap._commands_mailbox import (
    CreateCommand,
    DeleteCommand,
    ListCommand,
    LsubCommand,
    NamespaceCommand,
    RenameCommand,
    StatusCommand,
    SubscribeCommand,
    UnsubscribeCommand,
)
from pymailproto.imap._commands_nonauth import (
    AuthenticateCommand,
    LoginCommand,
    StartTlsCommand,
)
from pymailproto.imap._commands_search import (
    SearchCommand,
    SortCommand,
    ThreadCommand,
)
from pymailproto.imap._commands_select import (
    ExamineCommand,
    QResync,
    SelectCommand,
)
from pymailproto.imap._commands_selected import (
    CheckCommand,
    CloseCommand,
    CopyCommand,
    ExpungeCommand,
    FetchCommand,
    MoveCommand,
    StoreCommand,
    StoreMode,
    UnselectCommand,
)
from pymailproto.imap._commands_special import (
    AuthenticateResponse,
    IdleDone,
    RawCommand,
)
from pymailproto.imap._envelope import (
    Address,
    Envelope,
)
from pymailproto.imap._errors import (
    IMAPParseError,
    IMAPValueError,
)
from pymailproto.imap._fetch import (
    BinarySection,
    BinarySize,
    BodySection,
    FetchAttribute,
    FetchMacro,
)
from pymailproto.imap._flags import (
    Flag,
    MailboxAttribute,
)
from pymailproto.imap._framing import (
    CommandFramer,
    ResponseFramer,
)
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
from pymailproto.imap._id import (
    IDParams,
)
from pymailproto.imap._list import (
    ListReturnOption,
    ListReturnStatus,
    ListSelectOption,
)
from pymailproto.imap._metadata import (
    Depth,
    GetMetadataOptions,
)
from pymailproto.imap._msg_att import (
    BinaryKey,
    BodyKey,
    FetchData,
    FetchItemError,
)
from pymailproto.imap._namespace import (
    Namespace,
)
from pymailproto.imap._procedures import MissingCapability
from pymailproto.imap._procedures_mail import AppendResult, ListEntry
from pymailproto.imap._quirks import (
    Quirks,
)
from pymailproto.imap._quota import (
    QuotaLimit,
    QuotaUsage,
)
from pymailproto.imap._response_base import (
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
    UnknownResponse,
)
from pymailproto.imap._response_parser import (
    ResponseParser,
    ResponseRejected,
    parse_response,
)
from pymailproto.imap._responses_data import (
    CapabilityResponse,
    EnabledResponse,
    ESearchResponse,
    ExistsResponse,
    FlagsResponse,
    IdResponse,
    ListResponse,
    MailboxStatusResponse,
    MetadataResponse,
    NamespaceResponse,
    QuotaResponse,
    QuotaRootResponse,
    RecentResponse,
    SearchResponse,
    SortResponse,
    ThreadResponse,
    UnsolicitedMetadataResponse,
)
from pymailproto.imap._responses_message import (
    ExpungeResponse,
    FetchResponse,
    StreamedLiteral,
    VanishedResponse,
)
from pymailproto.imap._search import (
    SearchProgram,
    SearchReturnOption,
)
from pymailproto.imap._search_keys import (
    SearchKey,
)
from pymailproto.imap._section import (
    Partial,
    Section,
    SectionText,
)
from pymailproto.imap._selected import MailboxSnapshot, SelectedMailbox
from pymailproto.imap._sequence import (
    SequenceSet,
)
from pymailproto.imap._serialize import fragments as serialize_fragments
from pymailproto.imap._serialize import serialize
from pymailproto.imap._server import ClientClosed, ServerConnection
from pymailproto.imap._sort_thread import (
    SortCriterion,
    SortKey,
    Thread,
)
from pymailproto.imap._states import ConnectionState
from pymailproto.imap._status import (
    StatusAtt,
)
from pymailproto.imap._values import (
    NIL,
    Atom,
    LineFragment,
    LiteralFragment,
    LiteralSupport,
    Quoted,
    WireOptions,
)

__all__ = [
    "NEED_DATA",
    "NIL",
    "Address",
    "AppendCommand",
    "AppendForm",
    "AppendMessage",
    "AppendResult",
    "AppendUidCode",
    "Atom",
    "AuthenticateCommand",
    "AuthenticateResponse",
    "BadCharsetCode",
    "BasicBody",
    "BinaryKey",
    "BinarySection",
    "BinarySize",
    "BodyKey",
    "BodySection",
    "BodyStructure",
    "Bye",
    "Capabilities",
    "Capability",
    "CapabilityCode",
    "CapabilityCommand",
    "CapabilityResponse",
    "CheckCommand",
    "ClientClosed",
    "ClientConnection",
    "CloseCommand",
    "Code",
    "Command",
    "CommandError",
    "CommandFailed",
    "CommandFramer",
    "CommandParser",
    "CompressCommand",
    "Condition",
    "ConnectionClosed",
    "ConnectionState",
    "ContinuationRequest",
    "CopyCommand",
    "CopyUidCode",
    "CreateCommand",
    "DeleteCommand",
    "Depth",
    "Disposition",
    "ESearchResponse",
    "EnableCommand",
    "EnabledResponse",
    "EndOfInput",
    "Envelope",
    "ExamineCommand",
    "ExistsResponse",
    "ExpungeCommand",
    "ExpungeResponse",
    "Extension",
    "FetchAttribute",
    "FetchCommand",
    "FetchData",
    "FetchItemError",
    "FetchMacro",
    "FetchResponse",
    "Flag",
    "FlagsResponse",
    "FramingEvent",
    "GetMetadataCommand",
    "GetMetadataOptions",
    "GetQuotaCommand",
    "GetQuotaRootCommand",
    "Greeting",
    "HighestModSeqCode",
    "IDParams",
    "IMAPParseError",
    "IMAPValueError",
    "IdCommand",
    "IdResponse",
    "IdleCommand",
    "IdleDone",
    "LineFragment",
    "ListCommand",
    "ListEntry",
    "ListResponse",
    "ListReturnOption",
    "ListReturnStatus",
    "ListSelectOption",
    "LiteralAnnounced",
    "LiteralChunk",
    "LiteralFragment",
    "LiteralSpan",
    "LiteralStreamed",
    "LiteralSupport",
    "LoginCommand",
    "LogoutCommand",
    "LsubCommand",
    "MailboxAttribute",
    "MailboxIdCode",
    "MailboxSnapshot",
    "MailboxStatusResponse",
    "Message",
    "MessageBody",
    "MessageRejected",
    "MetadataCode",
    "MetadataResponse",
    "MissingCapability",
    "ModifiedCode",
    "MoveCommand",
    "MultipartBody",
    "Namespace",
    "NamespaceCommand",
    "NamespaceResponse",
    "NoopCommand",
    "ParseFailure",
    "Partial",
    "PendingCommand",
    "PermanentFlagsCode",
    "QResync",
    "Quirks",
    "QuotaLimit",
    "QuotaResponse",
    "QuotaRootResponse",
    "QuotaUsage",
    "Quoted",
    "RawCommand",
    "RecentResponse",
    "Rejection",
    "RenameCommand",
    "Response",
    "ResponseFramer",
    "ResponseParser",
    "ResponseRejected",
    "SearchCommand",
    "SearchKey",
    "SearchProgram",
    "SearchResponse",
    "SearchReturnOption",
    "Section",
    "SectionText",
    "SelectCommand",
    "SelectedMailbox",
    "SequenceSet",
    "ServerConnection",
    "SetMetadataCommand",
    "SetQuotaCommand",
    "SortCommand",
    "SortCriterion",
    "SortKey",
    "SortResponse",
    "StartTlsCommand",
    "StatusAtt",
    "StatusAttr",
    "StatusCommand",
    "StatusResponse",
    "StoreCommand",
    "StoreMode",
    "StreamedLiteral",
    "SubscribeCommand",
    "TextBody",
    "Thread",
    "ThreadCommand",
    "ThreadResponse",
    "UidNextCode",
    "UidValidityCode",
    "UnknownCode",
    "UnknownResponse",
    "UnseenCode",
    "UnselectCommand",
    "UnsolicitedMetadataResponse",
    "UnsubscribeCommand",
    "VanishedResponse",
    "WireOptions",
    "parse_response",
    "serialize",
    "serialize_fragments",
]

#: The name DESIGN.md gives STATUS attributes.
StatusAttr = StatusAtt
