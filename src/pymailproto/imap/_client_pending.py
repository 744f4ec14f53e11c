"""What a client is owed for one command, and which responses are that command's result.

A server's untagged responses carry no tag (RFC 9051 §2.2.2): which command a ``* 12 FETCH``
answers has to be inferred. :func:`claims` holds the rules, one place for all commands: a
command claims the response types that are its documented result ("Responses:" in each
command's section of RFC 9051 §6), narrowed where the response says more (a FETCH response for
a message outside the command's set, an ESEARCH for another tag, a STATUS for another
mailbox). Everything else that arrives while the command is in flight is *unsolicited* -- a
new message (EXISTS), another session's flag change (FETCH FLAGS), an alert -- and is kept
apart, in :attr:`PendingCommand.unsolicited`, never in the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._codes import Code
from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_any import CapabilityCommand, IdCommand
from pymailproto.imap._commands_auth import (
    EnableCommand,
    GetMetadataCommand,
    GetQuotaCommand,
    GetQuotaRootCommand,
)
from pymailproto.imap._commands_mailbox import (
    ListCommand,
    LsubCommand,
    NamespaceCommand,
    StatusCommand,
)
from pymailproto.imap._commands_search import SearchCommand, SortCommand, ThreadCommand
from pymailproto.imap._commands_select import ExamineCommand, SelectCommand
from pymailproto.imap._commands_selected import (
    ExpungeCommand,
    FetchCommand,
    MoveCommand,
    StoreCommand,
)
from pymailproto.imap._errors import IMAPParseError
from pymailproto.imap._response_base import Condition, Response, StatusResponse
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
)
from pymailproto.imap._responses_message import ExpungeResponse, FetchResponse, VanishedResponse
from pymailproto.imap._values import Fragment, WireOptions

__all__ = ["CommandFailed", "PendingCommand", "claims"]

_R = TypeVar("_R", bound=Response)


class CommandFailed(Exception):
    """The server answered a command with a tagged NO or BAD; ``response`` says why.

    ``response.condition`` is NO ("operational error") or BAD ("protocol error", RFC 9051
    §7.1); ``response.code`` often says more (``Code.TRYCREATE``, ``Code.AUTHENTICATIONFAILED``,
    ``Code.OVERQUOTA`` ...). ``command`` is what was refused (its repr masks credentials).
    """

    def __init__(self, command: Command, response: StatusResponse) -> None:
        # The response as the server sent it, without its tag: "NO [TRYCREATE] no mailbox".
        wire = response.to_bytes(WireOptions(utf8=True)).decode("utf-8", "replace")
        said = wire.partition(" ")[2].rstrip("\r\n")
        super().__init__(f"{command.NAME or type(command).__name__} failed: {said}")
        self.command = command
        self.response = response

    @property
    def code(self) -> object:
        """The response code, if the server sent one."""
        return self.response.code


class PendingCommand:
    """One command sent (or queued) on a :class:`~._client.ClientConnection`, and its answer.

    ``responses`` fills with the untagged responses that are this command's result (see
    :func:`claims`), ``unsolicited`` with the others that arrived while it was in flight;
    ``result`` is the tagged completion. ``error`` is set instead when the completion could
    not be read (it broke the grammar) or never came (the connection closed).
    """

    __slots__ = (
        "_fragments",
        "command",
        "continued",
        "error",
        "rejected",
        "responses",
        "result",
        "sent_at",
        "unsolicited",
        "waiting_for_continuation",
    )

    def __init__(self, command: Command) -> None:
        #: The command.
        self.command = command
        #: The untagged responses that answer it.
        self.responses: list[Response] = []
        #: The other untagged responses that arrived while it was in flight.
        self.unsolicited: list[Response] = []
        #: The tagged completion (OK, NO or BAD), once it arrives.
        self.result: StatusResponse | None = None
        #: Why there is no (usable) completion: the connection closed, or it was unreadable.
        self.error: Exception | None = None
        #: Responses refused whole while it was in flight -- over a limit or holding a NUL
        #: (:class:`~pymailproto.imap.ResponseRejected`): part of its result may be missing.
        self.rejected: list[IMAPParseError] = []
        #: When its first octet was handed out to be sent (the connection's clock), or None.
        self.sent_at: float | None = None
        #: The server sent a continuation request that the caller must answer (AUTHENTICATE,
        #: IDLE); set when the request is delivered as an event.
        self.continued = False
        #: The command is written up to a synchronizing literal and waits for ``+``.
        self.waiting_for_continuation = False
        self._fragments: list[Fragment] | None = None

    @property
    def tag(self) -> str:
        """The command's tag."""
        return self.command.tag

    @property
    def done(self) -> bool:
        """Whether the command is over: completed, or failed for good."""
        return self.result is not None or self.error is not None

    @property
    def ok(self) -> bool:
        """Whether the command completed with a tagged OK."""
        return self.result is not None and self.result.condition is Condition.OK

    def check(self) -> StatusResponse:
        """The tagged OK; raises :class:`CommandFailed` for NO/BAD, or the ``error``."""
        if self.error is not None:
            raise self.error
        if self.rejected:
            raise RemoteProtocolError(
                f"{self.command.NAME or type(self.command).__name__}: a response was refused "
                f"({self.rejected[0]}); its result would be incomplete"
            )
        result = self.result
        if result is None:
            raise LocalProtocolError(f"{self.command!r} has not completed yet")
        if result.condition is not Condition.OK:
            raise CommandFailed(self.command, result)
        return result

    def of_type(self, kind: type[_R]) -> list[_R]:
        """The responses of type ``kind`` in this command's result."""
        return [r for r in self.responses if isinstance(r, kind)]

    def __repr__(self) -> str:
        state = "done" if self.done else "pending"
        return f"<PendingCommand {self.command!r} {state} result={self.result!r}>"


# --- which untagged responses answer which command ------------------------------------------------


def _fetch_claims(command: Command, response: Response, exists: int) -> bool:
    assert isinstance(command, (FetchCommand, StoreCommand))
    if not isinstance(response, FetchResponse):
        return False
    if isinstance(command, StoreCommand) and command.silent:
        return False  # RFC 9051 §6.4.6: .SILENT asks for no untagged FETCH
    if command.uid:
        uid = response.uid
        # RFC 9051 §6.4.9: a UID command's FETCH responses include the UID. "*" is the
        # highest UID in use, which the client may not know: any UID reported is at most it,
        # so "*" stands for this one (n:* then contains it, as the RFC says it must).
        return uid is not None and command.sequence_set.contains(uid, uid)
    number = response.number
    return command.sequence_set.contains(number, max(exists, number))


def _search_claims(command: Command, response: Response, exists: int) -> bool:
    if isinstance(response, ESearchResponse):
        # RFC 4731 §3.1: the correlator names the command; none means it is unsolicited...
        # except from servers that omit it, which a client cannot tell apart: claim those.
        return response.tag is None or response.tag == command.tag
    if isinstance(command, SortCommand):
        return isinstance(response, SortResponse)
    if isinstance(command, ThreadCommand):
        return isinstance(response, ThreadResponse)
    return isinstance(response, SearchResponse)


def _status_claims(command: Command, response: Response, exists: int) -> bool:
    assert isinstance(command, StatusCommand)
    return isinstance(response, MailboxStatusResponse) and response.mailbox == command.mailbox


def _types(*kinds: type[Response]) -> Callable[[Command, Response, int], bool]:
    def claim(command: Command, response: Response, exists: int) -> bool:
        return isinstance(response, kinds)

    return claim


def _select_claims(command: Command, response: Response, exists: int) -> bool:
    # RFC 9051 §6.3.2: FLAGS, EXISTS, LIST; OK [PERMANENTFLAGS|UIDNEXT|UIDVALIDITY|...];
    # RFC 3501 §6.3.1 adds RECENT and OK [UNSEEN]; RFC 7162 §3.1.2.1 OK [HIGHESTMODSEQ],
    # §3.2.5 VANISHED (EARLIER) and FETCH for QRESYNC.
    if isinstance(
        response,
        (FlagsResponse, ExistsResponse, RecentResponse, ListResponse, VanishedResponse),
    ):
        return True
    if isinstance(response, FetchResponse):
        return True
    return (
        isinstance(response, StatusResponse)
        and response.condition is Condition.OK
        and response.code is not None
        and response.code is not Code.ALERT
    )


_CLAIMS: dict[type[Command], Callable[[Command, Response, int], bool]] = {
    CapabilityCommand: _types(CapabilityResponse),
    IdCommand: _types(IdResponse),
    EnableCommand: _types(EnabledResponse),
    NamespaceCommand: _types(NamespaceResponse),
    # LIST-STATUS (RFC 5819 §1): STATUS responses come with the LIST ones.
    ListCommand: _types(ListResponse, MailboxStatusResponse),
    LsubCommand: _types(ListResponse),
    StatusCommand: _status_claims,
    SelectCommand: _select_claims,
    ExamineCommand: _select_claims,
    GetQuotaCommand: _types(QuotaResponse),
    GetQuotaRootCommand: _types(QuotaRootResponse, QuotaResponse),
    GetMetadataCommand: _types(MetadataResponse),
    SearchCommand: _search_claims,
    SortCommand: _search_claims,
    ThreadCommand: _search_claims,
    FetchCommand: _fetch_claims,
    StoreCommand: _fetch_claims,
    # What EXPUNGE and MOVE remove is their result (RFC 9051 §6.4.3, RFC 6851 §3.3);
    # the OK [COPYUID] of a MOVE arrives untagged before them (RFC 6851 §4.3).
    ExpungeCommand: _types(ExpungeResponse, VanishedResponse),
    MoveCommand: lambda c, r, n: (
        isinstance(r, (ExpungeResponse, VanishedResponse))
        or (isinstance(r, StatusResponse) and r.tag is None and r.code is not None)
    ),
}


def claims(command: Command, response: Response, exists: int) -> bool:
    """Whether untagged ``response`` is part of ``command``'s result; ``exists`` is the
    selected mailbox's message count (for ``*`` in a sequence set)."""
    rule = _CLAIMS.get(type(command))
    return rule is not None and rule(command, response, exists)
