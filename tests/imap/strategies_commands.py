"""Hypothesis strategies for every IMAP command -- valid values only -- and the helpers that the
command tests share: known-answer vectors, and a driver that feeds bytes to a CommandParser
whole, byte by byte or at given split points and collects what comes out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

from pymailproto.imap._command_base import Command, ExtParam, read_command
from pymailproto.imap._command_parser import CommandError, CommandParser, ParserEvent
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
from pymailproto.imap._commands_search import SearchCommand, SortCommand, ThreadCommand
from pymailproto.imap._commands_select import ExamineCommand, QResync, SelectCommand
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
from pymailproto.imap._commands_special import AuthenticateResponse, ContinuationLine, IdleDone
from pymailproto.imap._framing_events import LiteralAnnounced
from pymailproto.imap._lexer import Reader
from pymailproto.imap._list import ListArguments
from pymailproto.imap._metadata import GetMetadata, SetMetadata
from pymailproto.imap._values import LiteralSupport, WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_ext as x
from tests.imap import strategies_fetch as f
from tests.imap import strategies_query as q

# --- known-answer vectors -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vector:
    """A command from an RFC: its bytes as sent, the value they denote, and -- where our
    serializer writes it differently -- the canonical bytes (with the reason in ``note``)."""

    source: str
    wire: bytes
    expected: Command | ContinuationLine
    canonical: bytes | None = None
    note: str = ""
    #: Options under which ``expected`` serializes to the canonical bytes.
    options: WireOptions = field(default_factory=WireOptions)

    def __str__(self) -> str:
        return f"{self.source}: {self.wire[:60]!r}"


def read_line(data: bytes, expected: object, *, utf8: bool = False) -> object:
    """Parse ``data`` as what ``expected`` is (a command or a continuation line)."""
    reader = Reader(data, utf8=utf8)
    if isinstance(expected, IdleDone):
        return IdleDone.read(reader)
    if isinstance(expected, AuthenticateResponse):
        return AuthenticateResponse.read(reader)
    return read_command(reader)


def check_vector(vector: Vector, *, utf8: bool = False) -> None:
    """Parse, compare, re-encode, re-parse."""
    assert read_line(vector.wire, vector.expected, utf8=utf8) == vector.expected, vector
    out = vector.expected.to_bytes(vector.options)
    assert out == (vector.canonical or vector.wire), vector
    assert read_line(out, vector.expected, utf8=utf8) == vector.expected, vector


def transcript(vectors: Iterable[Vector]) -> tuple[bytes, list[Command | ContinuationLine]]:
    """The vectors' bytes one after the other, and the values they denote."""
    items = list(vectors)
    return b"".join(vector.wire for vector in items), [vector.expected for vector in items]


def split(data: bytes, points: Iterable[int]) -> list[bytes]:
    """``data`` cut at ``points`` (any order, repeats allowed)."""
    cuts = sorted({0, len(data), *(point for point in points if 0 < point < len(data))})
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


def bytewise(data: bytes) -> list[bytes]:
    """``data`` one octet at a time."""
    return [data[i : i + 1] for i in range(len(data))]


def collect(
    chunks: Iterable[bytes],
    expected: Sequence[object] = (),
    *,
    utf8: bool = False,
    literals: LiteralSupport = LiteralSupport.LITERAL_MINUS,
    parser: CommandParser | None = None,
    accept: bool = True,
) -> list[ParserEvent]:
    """Feed ``chunks`` to a parser; every event, literals accepted (or refused).

    Continuation lines are announced as a server would: when the next value ``expected``
    holds (counting commands and continuation lines only) is a continuation line, the last
    IDLE or AUTHENTICATE command is passed to ``expect_continuation``.
    """
    parser = parser or CommandParser(utf8=utf8, literals=literals)
    events: list[ParserEvent] = []
    done = 0
    last: IdleCommand | AuthenticateCommand | None = None
    for chunk in chunks:
        parser.feed(chunk)
        for event in parser:
            events.append(event)
            if isinstance(event, LiteralAnnounced):
                if accept:
                    parser.accept_literal()
                else:
                    parser.refuse_literal()
                continue
            done += 1
            if isinstance(event, (IdleCommand, AuthenticateCommand)):
                last = event
            if done < len(expected) and isinstance(expected[done], ContinuationLine):
                parser.expect_continuation(last)
    return events


def values(events: Iterable[ParserEvent]) -> list[ParserEvent]:
    """The events without the literal announcements."""
    return [event for event in events if not isinstance(event, LiteralAnnounced)]


def errors(events: Iterable[ParserEvent]) -> list[CommandError]:
    """The CommandErrors among ``events``."""
    return [event for event in events if isinstance(event, CommandError)]


# --- strategies -----------------------------------------------------------------------------------

tags = s.tags


def mailboxes(utf8: bool) -> st.SearchStrategy[str]:
    """Mailbox names that can be written with UTF-8 on (``utf8``) or off."""
    return s.utf8_mailbox_names if utf8 else s.mailbox_names


def ext_params(*reserved: str) -> st.SearchStrategy[list[ExtParam]]:
    """Generic extension parameters (RFC 4466), names avoiding ``reserved``."""
    return st.lists(
        st.tuples(q.labels(*reserved), st.one_of(st.none(), q.tagged_ext_vals)),
        max_size=2,
        unique_by=lambda param: param[0],
    )


_bare = st.sampled_from(
    [
        CapabilityCommand,
        NoopCommand,
        LogoutCommand,
        StartTlsCommand,
        NamespaceCommand,
        IdleCommand,
        CheckCommand,
        CloseCommand,
        UnselectCommand,
    ]
)
bare_commands: st.SearchStrategy[Command] = st.builds(lambda cls, tag: cls(tag), _bare, tags)

id_commands = st.builds(IdCommand, tags, x.id_params)
_credentials = st.one_of(s.literal_octets, s.astring_atoms)
login_commands = st.builds(LoginCommand, tags, _credentials, _credentials)
authenticate_commands = st.builds(
    AuthenticateCommand, tags, s.atoms, st.one_of(st.none(), st.binary(max_size=48))
)
compress_commands = st.builds(
    CompressCommand, tags, st.one_of(st.just("DEFLATE"), st.just("deflate"), s.atoms)
)
enable_commands = st.builds(EnableCommand, tags, st.lists(x.capabilities, min_size=1, max_size=4))
getquota_commands = st.builds(GetQuotaCommand, tags, x.quota_roots)
setquota_commands = st.builds(
    lambda tag, value: SetQuotaCommand(tag, value.root, value.limits), tags, x.set_quotas
)
qresyncs = st.builds(
    QResync,
    s.nz_numbers,
    s.mod_sequence_values,
    st.one_of(st.none(), s.uid_sets),
    seq_match=st.one_of(st.none(), st.tuples(s.uid_sets, s.uid_sets)),
)
expunge_commands = st.one_of(
    st.builds(ExpungeCommand, tags),
    st.builds(lambda tag, uids: ExpungeCommand(tag, uids, uid=True), tags, s.sequence_sets),
)
_messages = st.one_of(
    st.builds(
        AppendMessage,
        s.literal_octets,
        flags=st.one_of(st.none(), st.lists(s.flags, max_size=3)),
        date_time=st.one_of(st.none(), s.date_times),
    ),
    st.builds(
        AppendMessage,
        s.literal8_octets,
        flags=st.one_of(st.none(), st.lists(s.flags, max_size=3)),
        form=st.sampled_from([AppendForm.BINARY, AppendForm.UTF8]),
    ),
)
_search_key_lists = st.lists(q.search_keys, min_size=1, max_size=3)
search_commands = st.builds(
    lambda tag, program, uid: SearchCommand(
        tag, program.keys, charset=program.charset, returns=program.returns, uid=uid
    ),
    tags,
    q.search_programs,
    st.booleans(),
)
sort_commands = st.builds(
    SortCommand,
    tags,
    x.sort_criteria,
    _search_key_lists,
    charset=q.charsets,
    returns=st.one_of(st.none(), st.lists(q.search_returns, max_size=3)),
    uid=st.booleans(),
)
thread_commands = st.builds(
    ThreadCommand,
    tags,
    x.thread_algorithms,
    _search_key_lists,
    charset=q.charsets,
    uid=st.booleans(),
)


@st.composite
def fetch_commands(draw: st.DrawFn) -> FetchCommand:
    """FETCH and UID FETCH, with or without modifiers (VANISHED only where allowed)."""
    uid = draw(st.booleans())
    changed_since = draw(st.one_of(st.none(), s.mod_sequence_values))
    vanished = uid and changed_since is not None and draw(st.booleans())
    return FetchCommand(
        draw(tags),
        draw(s.sequence_sets),
        draw(f.fetch_att_lists),
        changed_since=changed_since,
        vanished=vanished,
        params=draw(ext_params("CHANGEDSINCE", "VANISHED")),
        uid=uid,
    )


store_commands = st.builds(
    StoreCommand,
    tags,
    s.sequence_sets,
    st.sampled_from(StoreMode),
    st.lists(s.flags, max_size=4),
    silent=st.booleans(),
    unchanged_since=st.one_of(st.none(), s.mod_sequence_valzers),
    params=ext_params("UNCHANGEDSINCE"),
    uid=st.booleans(),
)


def commands(utf8: bool) -> st.SearchStrategy[Command]:
    """Any command, its mailbox names writable with UTF-8 on (``utf8``) or off."""
    names = mailboxes(utf8)

    def metadata(tag: str, value: GetMetadata | SetMetadata) -> Command:
        if isinstance(value, GetMetadata):
            return GetMetadataCommand(tag, value.mailbox, value.entries, value.options)
        return SetMetadataCommand(tag, value.mailbox, value.items)

    def listing(tag: str, value: ListArguments) -> ListCommand:
        return ListCommand(
            tag, value.reference, value.patterns, selection=value.selection, returns=value.returns
        )

    select_args = {
        "condstore": st.booleans(),
        "qresync": st.one_of(st.none(), qresyncs),
        "params": ext_params("CONDSTORE", "QRESYNC"),
    }
    return st.one_of(
        bare_commands,
        id_commands,
        login_commands,
        authenticate_commands,
        st.builds(SelectCommand, tags, names, **select_args),
        st.builds(ExamineCommand, tags, names, **select_args),
        st.builds(
            CreateCommand,
            tags,
            names,
            use=st.one_of(st.none(), st.lists(s.mailbox_attributes, max_size=3)),
            params=ext_params("USE"),
        ),
        st.builds(
            lambda cls, tag, name: cls(tag, name),
            st.sampled_from(
                [DeleteCommand, SubscribeCommand, UnsubscribeCommand, GetQuotaRootCommand]
            ),
            tags,
            names,
        ),
        st.builds(RenameCommand, tags, names, names),
        st.builds(listing, tags, q.list_arguments(names)),
        st.builds(LsubCommand, tags, names, names),
        st.builds(StatusCommand, tags, names, q.status_att_lists),
        st.builds(AppendCommand, tags, names, st.lists(_messages, min_size=1, max_size=3)),
        enable_commands,
        compress_commands,
        getquota_commands,
        setquota_commands,
        st.builds(metadata, tags, x.metadata_commands(utf8)),
        expunge_commands,
        st.builds(
            lambda cls, tag, seq, name, uid: cls(tag, seq, name, uid=uid),
            st.sampled_from([CopyCommand, MoveCommand]),
            tags,
            s.sequence_sets,
            names,
            st.booleans(),
        ),
        fetch_commands(),
        store_commands,
        search_commands,
        sort_commands,
        thread_commands,
    )


continuation_lines: st.SearchStrategy[ContinuationLine] = st.one_of(
    st.just(IdleDone()),
    st.builds(AuthenticateResponse, st.one_of(st.none(), st.binary(max_size=64))),
)
