"""The IMAP connection states and which command may be sent in which: one table for both roles.

RFC 9051 §3 (and RFC 3501 §3)::

               +----------------------+
               |connection established|
               +----------------------+
                          ||
                          \\/
        +--------------------------------------+
        |          server greeting             |
        +--------------------------------------+
                  || (1)       || (2)        || (3)
                  \\/          ||            ||
        +-----------------+    ||            ||
        |Not Authenticated|    ||            ||
        +-----------------+    ||            ||
         || (7)   || (4)       ||            ||
         ||       \\/          \\/           ||
         ||     +----------------+           ||
         ||     | Authenticated  |<=++       ||
         ||     +----------------+  ||       ||
         ||       || (7)   || (5)   || (6)   ||
         ||       ||       \\/      ||       ||
         ||       ||    +--------+  ||       ||
         ||       ||    |Selected|==++       ||
         ||       ||    +--------+           ||
         ||       ||       || (7)            ||
         \\/      \\/      \\/               \\/
        +--------------------------------------+
        |               Logout                 |
        +--------------------------------------+

:data:`ALLOWED` says in which states each command may be sent, :data:`ON_SUCCESS` which state
its tagged OK leads to. A client checks its commands against them before sending; a server
answers a command sent in the wrong state with BAD. "A rejected command (BAD response) never
changes the state ... A failed command (NO response) generally does not change the state ...
with the exception of the SELECT and EXAMINE commands" (RFC 9051 §6): :data:`ON_FAILURE`.
"""

from __future__ import annotations

import enum

from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_any import (
    CapabilityCommand,
    IdCommand,
    LogoutCommand,
    NoopCommand,
)
from pymailproto.imap._commands_auth import (
    AppendCommand,
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
from pymailproto.imap._commands_nonauth import AuthenticateCommand, LoginCommand, StartTlsCommand
from pymailproto.imap._commands_search import SearchCommand, SortCommand, ThreadCommand
from pymailproto.imap._commands_select import ExamineCommand, SelectCommand
from pymailproto.imap._commands_selected import (
    CheckCommand,
    CloseCommand,
    CopyCommand,
    ExpungeCommand,
    FetchCommand,
    MoveCommand,
    StoreCommand,
    UnselectCommand,
)

__all__ = ["ALLOWED", "ON_FAILURE", "ON_SUCCESS", "ConnectionState", "allowed_in"]


class ConnectionState(enum.Enum):
    """Where an IMAP connection stands (RFC 9051 §3)."""

    #: Before the greeting has arrived (a client's view only).
    GREETING = "greeting"
    #: §3.1: the client must authenticate before most commands are permitted.
    NOT_AUTHENTICATED = "not authenticated"
    #: §3.2: a mailbox must be selected before messages can be accessed.
    AUTHENTICATED = "authenticated"
    #: §3.3: a mailbox has been selected.
    SELECTED = "selected"
    #: §3.4: the connection is being terminated (LOGOUT sent, or BYE received).
    LOGOUT = "logout"


_ANY = frozenset(
    {
        ConnectionState.NOT_AUTHENTICATED,
        ConnectionState.AUTHENTICATED,
        ConnectionState.SELECTED,
    }
)
_NOT_AUTH = frozenset({ConnectionState.NOT_AUTHENTICATED})
_AUTH = frozenset({ConnectionState.AUTHENTICATED, ConnectionState.SELECTED})
_ONLY_AUTH = frozenset({ConnectionState.AUTHENTICATED})
_SELECTED = frozenset({ConnectionState.SELECTED})

#: The states in which each command may be sent.
ALLOWED: dict[type[Command], frozenset[ConnectionState]] = {
    # RFC 9051 §6.1: any state. ID: RFC 2971 §3.1 ("valid in any state").
    CapabilityCommand: _ANY,
    NoopCommand: _ANY,
    LogoutCommand: _ANY,
    IdCommand: _ANY,
    # §6.2: not authenticated.
    StartTlsCommand: _NOT_AUTH,
    AuthenticateCommand: _NOT_AUTH,
    LoginCommand: _NOT_AUTH,
    # RFC 5161 §3.1: "The ENABLE command is only valid in the authenticated state".
    EnableCommand: _ONLY_AUTH,
    # §6.3: authenticated (and so also selected).
    SelectCommand: _AUTH,
    ExamineCommand: _AUTH,
    CreateCommand: _AUTH,
    DeleteCommand: _AUTH,
    RenameCommand: _AUTH,
    SubscribeCommand: _AUTH,
    UnsubscribeCommand: _AUTH,
    ListCommand: _AUTH,
    LsubCommand: _AUTH,
    NamespaceCommand: _AUTH,
    StatusCommand: _AUTH,
    AppendCommand: _AUTH,
    IdleCommand: _AUTH,
    # RFC 4978 §5: command-auth; RFC 9208 §4, RFC 5464 §4: command-auth.
    CompressCommand: _AUTH,
    GetQuotaCommand: _AUTH,
    GetQuotaRootCommand: _AUTH,
    SetQuotaCommand: _AUTH,
    GetMetadataCommand: _AUTH,
    SetMetadataCommand: _AUTH,
    # §6.4: selected. SORT/THREAD: RFC 5256 §3 (command-select).
    CheckCommand: _SELECTED,
    CloseCommand: _SELECTED,
    UnselectCommand: _SELECTED,
    ExpungeCommand: _SELECTED,
    SearchCommand: _SELECTED,
    FetchCommand: _SELECTED,
    StoreCommand: _SELECTED,
    CopyCommand: _SELECTED,
    MoveCommand: _SELECTED,
    SortCommand: _SELECTED,
    ThreadCommand: _SELECTED,
}

#: The state a command's tagged OK leads to (commands not listed leave it unchanged).
ON_SUCCESS: dict[type[Command], ConnectionState] = {
    LoginCommand: ConnectionState.AUTHENTICATED,  # §6.2.3
    AuthenticateCommand: ConnectionState.AUTHENTICATED,  # §6.2.2
    SelectCommand: ConnectionState.SELECTED,  # §6.3.2
    ExamineCommand: ConnectionState.SELECTED,  # §6.3.3
    CloseCommand: ConnectionState.AUTHENTICATED,  # §6.4.1
    UnselectCommand: ConnectionState.AUTHENTICATED,  # §6.4.2
    LogoutCommand: ConnectionState.LOGOUT,  # §6.1.3
}

#: The state a command's tagged NO leads to: "NO - select failure, now in authenticated
#: state" (RFC 9051 §6.3.2; §6.3.3 for EXAMINE).
ON_FAILURE: dict[type[Command], ConnectionState] = {
    SelectCommand: ConnectionState.AUTHENTICATED,
    ExamineCommand: ConnectionState.AUTHENTICATED,
}


def allowed_in(command: Command) -> frozenset[ConnectionState]:
    """The states in which ``command`` may be sent (any state for commands the table lacks:
    extensions it does not know are the server's to judge)."""
    return ALLOWED.get(type(command), _ANY)
