"""The IMAP server's SORT and THREAD commands (RFC 5256): base subject, sent date, the sort
keys, the ORDEREDSUBJECT and REFERENCES threading algorithms, and the command handlers.

Messages are selected exactly as SEARCH selects them (:mod:`._imap_searching`); what is
computed here reads only the :class:`~._imap_search.SearchableMessage` protocol, so the tests
drive it with synthetic messages.

Strings compare with :meth:`str.casefold`, an approximation of the ``i;unicode-casemap``
collation RFC 5256 §7 asks for (no normalization to NFKD). Threads may be as deep as the
mailbox is large, so no tree is walked by recursion.
"""

from __future__ import annotations

import email.utils
import itertools
import re
from collections.abc import Callable, Generator, Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from pymailproto.imap import (
    BadCharsetCode,
    Command,
    Condition,
    SearchKey,
    SortCommand,
    SortCriterion,
    SortKey,
    SortResponse,
    StatusResponse,
    Thread,
    ThreadCommand,
    ThreadResponse,
)
from pymailproto.servers._imap_search import (
    SearchableMessage,
    SearchContext,
    UnknownCharsetError,
    compile_search,
    highest_modseq,
)
from pymailproto.servers._imap_searching import StoredMessage

if TYPE_CHECKING:
    from pymailproto.servers._imap_session import IMAPSession, SessionStep

__all__ = [
    "THREAD_ALGORITHMS",
    "base_subject",
    "is_reply_or_forward",
    "sent_datetime",
    "sort_command",
    "sort_messages",
    "thread_command",
    "thread_messages",
]

#: The threading algorithms served (RFC 5256 §3), for the THREAD= capabilities.
THREAD_ALGORITHMS = ("ORDEREDSUBJECT", "REFERENCES")

M = TypeVar("M", bound=SearchableMessage)

# --- base subject (RFC 5256 §2.1) -----------------------------------------------------------------
#
#   subj-refwd   = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
#   subj-blob    = "[" *BLOBCHAR "]" *WSP
#   subj-leader  = (*subj-blob subj-refwd) / WSP
#   subj-trailer = "(fwd)" / WSP
#   subj-fwd-hdr = "[fwd:"    subj-fwd-trl = "]"
#
# After step (1) the only WSP left is a single SP.

_WSP_RUN = re.compile(r"[ \t\r\n]+")
_BLOB = r"\[[^\[\]]*\] *"
_LEADER_REFWD = re.compile(rf"(?:{_BLOB})*(?:re|fwd?) *(?:{_BLOB})?:", re.IGNORECASE)
_BLOB_PREFIX = re.compile(_BLOB)


def _extract(subject: str) -> tuple[str, bool]:
    """The base subject, and whether extracting it removed a reply/forward marker (a
    subj-refwd, a "(fwd)" subj-trailer, or subj-fwd-hdr and subj-fwd-trl; RFC 5256 §3)."""
    text = _WSP_RUN.sub(" ", subject)  # (1); RFC 2047 is already decoded by the caller
    marked = False
    while True:
        # (2) subj-trailer, repeated
        while True:
            if text.endswith(" "):
                text = text[:-1]
            elif text[-5:].lower() == "(fwd)":
                text = text[:-5]
                marked = True
            else:
                break
        # (3), (4), repeated (5)
        while True:
            if text.startswith(" "):
                text = text[1:]
                continue
            leader = _LEADER_REFWD.match(text)
            if leader is not None:
                text = text[leader.end() :]
                marked = True
                continue
            blob = _BLOB_PREFIX.match(text)
            if blob is not None and blob.end() < len(text):
                # "removing that prefix leaves a non-empty subj-base": the blob took the
                # spaces after it and the trailer is gone, so what is left is one.
                text = text[blob.end() :]
                continue
            break
        # (6) "[fwd:" ... "]" wrapping: unwrap and repeat from (2)
        if text[:5].lower() == "[fwd:" and text.endswith("]"):
            text = text[5:-1]
            marked = True
            continue
        return text, marked


def base_subject(subject: str) -> str:
    """The base subject (RFC 5256 §2.1) of an RFC 2047-decoded subject, case preserved;
    compare base subjects with :meth:`str.casefold`."""
    return _extract(subject)[0]


def is_reply_or_forward(subject: str) -> bool:
    """Whether base subject extraction removes a reply or forward marker (RFC 5256 §3)."""
    return _extract(subject)[1]


# --- sent date (RFC 5256 §2.2) and the other keys (§3) --------------------------------------------


def sent_datetime(message: SearchableMessage) -> datetime:
    """The sent date: the Date: field in UTC (a missing or invalid zone is UTC), or the
    internal date when there is no Date: field or it cannot be parsed (RFC 5256 §2.2)."""
    for value in message.header_values("date")[:1]:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            break
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    return message.internal_date.astimezone(timezone.utc)


def _mailbox_of(message: SearchableMessage, field: str) -> str:
    """The addr-mailbox (local part) of the first address in ``field``, case-folded; the
    empty string when there is none (RFC 5256 §3)."""
    for _name, address in email.utils.getaddresses(list(message.header_values(field))):
        if address:
            local = address.rpartition("@")[0] if "@" in address else address
            return local.casefold()
    return ""


def _subject_of(message: SearchableMessage) -> str:
    values = message.header_values("subject")
    return values[0] if values else ""


def _sort_key(key: SortKey) -> Callable[[SearchableMessage], Any]:
    if key is SortKey.ARRIVAL:
        return lambda m: m.internal_date.astimezone(timezone.utc)
    if key is SortKey.DATE:
        return sent_datetime
    if key is SortKey.SIZE:
        return lambda m: m.size
    if key is SortKey.SUBJECT:
        return lambda m: base_subject(_subject_of(m)).casefold()
    field = {SortKey.FROM: "from", SortKey.TO: "to", SortKey.CC: "cc"}[key]
    return lambda m: _mailbox_of(m, field)


def sort_messages(messages: Iterable[M], criteria: Iterable[SortCriterion]) -> list[M]:
    """``messages`` in the order of the sort criteria, each ascending unless REVERSE; ties
    by ascending sequence number, which REVERSE does not affect (RFC 5256 §3)."""
    ordered = sorted(messages, key=lambda m: m.seq)
    # Stable sorts from the least significant criterion to the most; a reverse stable sort
    # keeps equal elements in their order, so sequence numbers stay ascending among ties.
    for criterion in reversed(tuple(criteria)):
        get = _sort_key(criterion.key)
        values = {id(m): get(m) for m in ordered}
        ordered.sort(key=lambda m: values[id(m)], reverse=criterion.reverse)
    return ordered


# --- threading (RFC 5256 §3) ----------------------------------------------------------------------


class _Node:
    """A container of the REFERENCES algorithm: a message, or a dummy (``info`` None)."""

    __slots__ = ("children", "info", "parent")

    def __init__(self, info: _Info | None = None) -> None:
        self.info = info
        self.parent: _Node | None = None
        self.children: list[_Node] = []


class _Info:
    """What threading needs of one message, computed once."""

    __slots__ = ("date", "message", "number", "reply", "seq", "subject")

    def __init__(self, message: SearchableMessage, *, uid: bool) -> None:
        self.message = message
        self.seq = message.seq
        self.number = message.uid if uid else message.seq
        self.date = sent_datetime(message)
        base, self.reply = _extract(_subject_of(message))
        self.subject = base.casefold()

    def order(self) -> tuple[datetime, int]:
        """Sent date, ties by sequence number (RFC 5256 §2.2)."""
        return (self.date, self.seq)


def _ordered_subject(infos: list[_Info]) -> list[Thread]:
    """ORDEREDSUBJECT: sort by base subject then sent date, one thread per base subject
    (the first message the root, the others its children), threads by the sent date of
    their first message."""
    infos = sorted(infos, key=lambda i: (i.subject, i.date, i.seq))
    groups = [list(group) for _, group in itertools.groupby(infos, key=lambda i: i.subject)]
    groups.sort(key=lambda group: group[0].order())
    threads = []
    for first, *rest in groups:
        if len(rest) == 1:
            threads.append(Thread([first.number, rest[0].number]))
        else:
            threads.append(Thread([first.number], [Thread([i.number]) for i in rest]))
    return threads


# RFC 5322 msg-id: "<" id-left "@" id-right ">"; a quoted id-left (obsolete syntax) is the
# same Message ID as the unquoted one (RFC 5256 §3, REFERENCES note).
_MSG_ID = re.compile(r"<([^<>@]+)@([^<>@]+)>")
_QUOTED_PAIR = re.compile(r"\\(.)")


def _message_ids(text: str) -> list[str]:
    """The valid Message IDs in a field, in order, normalized."""
    ids = []
    for id_left, id_right in _MSG_ID.findall(text):
        left, right = id_left.strip(), id_right.strip()
        if len(left) >= 2 and left[0] == left[-1] == '"':
            left = _QUOTED_PAIR.sub(r"\1", left[1:-1])
        if left and right and " " not in left + right:
            ids.append(f"{left}@{right}")
    return ids


def _references(message: SearchableMessage) -> list[str]:
    """References if it has valid Message IDs, else the first of In-Reply-To (RFC 5256 §3)."""
    refs = _message_ids(" ".join(message.header_values("references")))
    if refs:
        return refs
    return _message_ids(" ".join(message.header_values("in-reply-to")))[:1]


def _is_ancestor(node: _Node, of: _Node) -> bool:
    """Whether ``node`` is ``of`` or one of its ancestors."""
    current: _Node | None = of
    while current is not None:
        if current is node:
            return True
        current = current.parent
    return False


def _link(parent: _Node, child: _Node) -> None:
    child.parent = parent
    parent.children.append(child)


def _unlink(child: _Node) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
        child.parent = None


def _post_order(root: _Node) -> list[_Node]:
    """Every node under ``root`` (root included), children before their parent."""
    out: list[_Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    out.reverse()
    return out


def _first_info(node: _Node) -> _Info | None:
    """The node's message, or a dummy's first child's (RFC 5256 §3 steps 4-6)."""
    while node.info is None:
        if not node.children:
            return None
        node = node.children[0]
    return node.info


def _node_order(node: _Node) -> tuple[datetime, int]:
    info = _first_info(node)
    assert info is not None  # pruning leaves no childless dummy
    return info.order()


def _set_children(node: _Node, children: list[_Node]) -> None:
    node.children = children
    for child in children:
        child.parent = node


def _build_links(infos: list[_Info]) -> _Node:
    """Step 1 (A and B) and step 2: the containers linked, under a root."""
    table: dict[str, _Node] = {}
    nodes: list[_Node] = []
    for info in sorted(infos, key=lambda i: i.seq):
        ids = _message_ids(" ".join(info.message.header_values("message-id")))[:1]
        node = table.get(ids[0]) if ids else None
        if node is None or node.info is not None:
            # no valid Message-ID, or a duplicate of an earlier message's: a unique ID,
            # that is, a container no reference can reach
            node = _Node()
            if ids and ids[0] not in table:
                table[ids[0]] = node
            nodes.append(node)
        node.info = info
        refs = []
        for ref in _references(info.message):
            ref_node = table.get(ref)
            if ref_node is None:
                ref_node = table[ref] = _Node()  # a dummy, until that message turns up
                nodes.append(ref_node)
            refs.append(ref_node)
        # (A) the references, each the parent of the next; existing links are kept
        for parent, child in itertools.pairwise(refs):
            if child.parent is None and not _is_ancestor(child, parent):
                _link(parent, child)
        # (B) the last reference is the message's parent: a truncated References may have
        # put it elsewhere, so that link is broken first
        _unlink(node)
        if refs and not _is_ancestor(node, refs[-1]):
            _link(refs[-1], node)
    root = _Node()
    for node in nodes:  # (2) the parentless, under the root
        if node.parent is None:
            _link(root, node)
    return root


def _prune(root: _Node) -> None:
    """Step 3: dummies without children go, dummies with children give way to them
    (at the top level only when there is a single child)."""
    for node in _post_order(root):
        kept: list[_Node] = []
        for child in node.children:
            if child.info is not None:
                kept.append(child)
            elif node is not root or len(child.children) == 1:
                kept.extend(child.children)  # already pruned: no dummies among them
            elif child.children:
                kept.append(child)
        _set_children(node, kept)


def _merge_subjects(root: _Node) -> None:
    """Step 5: top-level threads with the same (non-empty) base subject gathered."""

    def subject(node: _Node) -> str:
        info = _first_info(node)
        return info.subject if info is not None else ""

    def reply(node: _Node) -> bool:
        return node.info is not None and node.info.reply

    table: dict[str, _Node] = {}
    for node in root.children:  # (B)
        key = subject(node)
        if not key:
            continue
        held = table.get(key)
        if held is None or (
            held.info is not None and (node.info is None or (reply(held) and not reply(node)))
        ):
            table[key] = node
    for node in list(root.children):  # (C)
        key = subject(node)
        if not key or node.parent is not root:
            continue
        held = table[key]
        if held is node:
            continue
        if held.info is None and node.info is None:
            children = node.children
            _unlink(node)
            for child in children:
                child.parent = held
            held.children.extend(children)
        elif held.info is None or (reply(node) and not reply(held)):
            _unlink(node)
            _link(held, node)
        else:
            dummy = _Node()
            dummy.parent = root
            root.children[root.children.index(held)] = dummy
            held.parent = None
            _unlink(node)
            _link(dummy, held)
            _link(dummy, node)
            table[key] = dummy


def _to_threads(root: _Node) -> list[Thread]:
    """The tree as thread-lists: a chain while a message has one child, then a split."""
    # For each node, its thread-list as (messages in reverse, sub-threads), built children
    # first so that a long chain is extended, not copied.
    built: dict[int, tuple[list[int], tuple[Thread, ...]]] = {}

    def thread_of(node: _Node) -> Thread:
        messages, children = built.pop(id(node))
        return Thread(reversed(messages), children)

    for node in _post_order(root):
        if node is root:
            break
        if len(node.children) == 1:
            messages, children = built.pop(id(node.children[0]))
        else:
            messages, children = [], tuple(thread_of(child) for child in node.children)
        if node.info is not None:
            messages.append(node.info.number)
        built[id(node)] = (messages, children)
    return [thread_of(child) for child in root.children]


def _references_threads(infos: list[_Info]) -> list[Thread]:
    """REFERENCES (RFC 5256 §3 steps 1-6)."""
    root = _build_links(infos)  # (1), (2)
    _prune(root)  # (3)
    for child in root.children:  # (4): a dummy sorts by its first child
        if child.info is None:
            child.children.sort(key=_node_order)
    root.children.sort(key=_node_order)
    _merge_subjects(root)  # (5)
    for node in _post_order(root):  # (6) the youngest siblings first
        node.children.sort(key=_node_order)
    return _to_threads(root)


def thread_messages(
    messages: Iterable[SearchableMessage], algorithm: str, *, uid: bool = False
) -> tuple[Thread, ...]:
    """The threads of ``messages`` by ``algorithm`` (``ORDEREDSUBJECT`` or ``REFERENCES``,
    RFC 5256 §3), numbered by UID when ``uid`` (UID THREAD), else by sequence number.
    ValueError for another algorithm."""
    infos = [_Info(message, uid=uid) for message in messages]
    name = algorithm.upper()
    if name == "ORDEREDSUBJECT":
        return tuple(_ordered_subject(infos))
    if name == "REFERENCES":
        return tuple(_references_threads(infos))
    raise ValueError(f"unsupported threading algorithm: {algorithm!r}")


# --- the commands ---------------------------------------------------------------------------------


def _matching(
    session: IMAPSession, tag: str, keys: Sequence[SearchKey], charset: str
) -> tuple[list[StoredMessage], bool] | None:
    """The selected mailbox's messages that match ``keys``, and whether the search used
    MODSEQ; None after answering NO [BADCHARSET] (as SEARCH does, RFC 9051 §6.4.4)."""
    view = session.view
    assert view is not None
    mailbox = view.mailbox
    infos = {info.uid: info for info in mailbox.messages()}
    messages = [
        StoredMessage(
            seq,
            infos[uid],
            mailbox,
            recent=uid in view.recent,
            cache=session.structure_cache,
            scope=session.user,
        )
        for seq, uid in enumerate(view.uids, 1)
        if uid in infos  # expunged by another session and not announced yet: skipped
    ]
    context = SearchContext.for_messages(
        messages, uidnext=mailbox.uidnext, now=session.now(), saved=session.saved_search
    )
    try:
        matcher = compile_search(keys, context, charset=charset)
        matched = matcher.filter(messages)
    except UnknownCharsetError:
        session.no(tag, "unsupported charset", BadCharsetCode(["UTF-8", "US-ASCII"]))
        return None
    return matched, matcher.uses_modseq


def sort_command(session: IMAPSession, command: Command) -> Generator[SessionStep, Any, None]:
    """SORT and UID SORT (RFC 5256 §3), with the MODSEQ of a CONDSTORE search (RFC 7162
    §3.1.9). RETURN options (ESORT, RFC 5267) are not served: BAD."""
    assert isinstance(command, SortCommand)
    if command.returns is not None:
        session.conn.send(
            StatusResponse(Condition.BAD, "SORT RETURN is not supported", tag=command.tag)
        )
        return
    found = _matching(session, command.tag, command.keys, command.charset)
    if found is None:
        return
    matched, modseq = found
    ordered = sort_messages(matched, command.criteria)
    numbers = [m.uid if command.uid else m.seq for m in ordered]
    highest = highest_modseq(ordered) if modseq and numbers else None
    session.conn.send(SortResponse(numbers, modseq=highest or None))
    prefix = "UID " if command.uid else ""
    session.ok(command.tag, f"{prefix}SORT completed", expunges=False)
    return
    yield  # a generator, like every handler that may wait


def thread_command(session: IMAPSession, command: Command) -> Generator[SessionStep, Any, None]:
    """THREAD and UID THREAD (RFC 5256 §3); BAD for an algorithm not served."""
    assert isinstance(command, ThreadCommand)
    if command.algorithm.upper() not in THREAD_ALGORITHMS:
        session.conn.send(
            StatusResponse(
                Condition.BAD,
                f"unsupported threading algorithm {command.algorithm}",
                tag=command.tag,
            )
        )
        return
    found = _matching(session, command.tag, command.keys, command.charset)
    if found is None:
        return
    matched, _modseq = found
    threads = thread_messages(matched, command.algorithm, uid=command.uid)
    session.conn.send(ThreadResponse(threads))
    prefix = "UID " if command.uid else ""
    session.ok(command.tag, f"{prefix}THREAD completed", expunges=False)
    return
    yield  # a generator, like every handler that may wait
