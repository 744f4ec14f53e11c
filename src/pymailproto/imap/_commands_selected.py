"""The selected state's message commands: CHECK, CLOSE, UNSELECT, EXPUNGE, UID EXPUNGE, FETCH,
STORE, COPY, MOVE, and the UID form of each (SEARCH, SORT, THREAD: :mod:`._commands_search`).

RFC 9051 §9 (RFC 3501 §9 adds ``"CHECK"``, RFC 4315 §4 ``uid-expunge``, RFC 6851 §5 ``move``)::

    command-select  = "CLOSE" / "UNSELECT" / "EXPUNGE" / copy /
                       move / fetch / store / search / uid
    copy            = "COPY" SP sequence-set SP mailbox
    move            = "MOVE" SP sequence-set SP mailbox
    store           = "STORE" SP sequence-set SP store-att-flags
    store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
                      (flag-list / (flag *(SP flag)))
    uid             = "UID" SP
                      (copy / move / fetch / search / store /
                       uid-expunge)
    uid-expunge     = "EXPUNGE" SP sequence-set

RFC 4466 §2 (not on disk) and RFC 7162 §7 add the modifiers::

    fetch           = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" /
                      fetch-att / "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]
    fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"
    fetch-modifier  = fetch-modifier-name [ SP fetch-modif-params ]
    fetch-modifier  =/ chgsince-fetch-mod
    chgsince-fetch-mod  = "CHANGEDSINCE" SP mod-sequence-value
    rexpunges-fetch-mod =  "VANISHED"
                        ;; It is only allowed in the UID FETCH command.
    store           = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
    store-modifiers =  SP "(" store-modifier *(SP store-modifier) ")"
    store-modifier  = store-modifier-name [SP store-modif-params]
    store-modifier  =/ "UNCHANGEDSINCE" SP mod-sequence-valzer
                        ;; Only a single "UNCHANGEDSINCE" may be specified

The UID prefix is a field: ``uid=True`` on :class:`FetchCommand`, :class:`StoreCommand`,
:class:`CopyCommand`, :class:`MoveCommand` and :class:`ExpungeCommand` (where it needs the
sequence set, RFC 4315 §2.1). VANISHED is refused without ``uid`` (RFC 7162 §3.2.6: "The server
MUST return a tagged BAD response if this response is specified as a modifier to the FETCH
command") and without CHANGEDSINCE ("MUST only be specified together with the CHANGEDSINCE UID
FETCH modifier"), both when built and when read -- a server answers BAD either way.

Canonical forms: a single fetch-att is written bare (``FETCH 1 FLAGS``) unless modifiers
follow (``FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)``, as RFC 7162 writes it), several in parentheses;
STORE's flags always as a flag-list, ``+FLAGS (\\Deleted)`` (RFC 9051's own examples; the bare
``flag *(SP flag)`` form is read too).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from pymailproto.imap._command_base import (
    Command,
    ExtParam,
    check_bool,
    check_ext_params,
    check_mailbox,
    check_sequence_set,
    read_command_mailbox,
    read_ext_param,
    read_name,
    register,
    tag_of_reader,
    write_ext_params,
    write_mailbox,
)
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._fetch import (
    BinarySection,
    BinarySize,
    BodySection,
    FetchAtt,
    FetchAttribute,
    FetchMacro,
    read_fetch_atts,
    write_fetch_att,
    write_fetch_atts,
)
from pymailproto.imap._flags import Flag, format_flag_list, read_flag, read_flag_list
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet, read_sequence_set
from pymailproto.imap._values import (
    Writer,
    _trusted,
    check_number64,
    check_nz_number64,
    check_tag,
)

__all__ = [
    "CheckCommand",
    "CloseCommand",
    "CopyCommand",
    "ExpungeCommand",
    "FetchCommand",
    "MoveCommand",
    "StoreCommand",
    "StoreMode",
    "UnselectCommand",
]

_T = TypeVar("_T", bound="_TransferCommand")
_FETCH_MODIFIERS = ("CHANGEDSINCE", "VANISHED")
_STORE_MODIFIERS = ("UNCHANGEDSINCE",)
_FETCH_ATT_TYPES = (FetchAttribute, BodySection, BinarySection, BinarySize)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _uid_prefix(uid: bool) -> bytes:
    return b"UID " if uid else b""


@register
@dataclass(frozen=True, slots=True)
class CheckCommand(Command):
    """``CHECK`` (RFC 3501 §6.4.1; removed from IMAP4rev2, where NOOP does its work)."""

    NAME: ClassVar[str] = "CHECK"


@register
@dataclass(frozen=True, slots=True)
class CloseCommand(Command):
    """``CLOSE`` (RFC 9051 §6.4.1): expunge silently and leave the selected state."""

    NAME: ClassVar[str] = "CLOSE"


@register
@dataclass(frozen=True, slots=True)
class UnselectCommand(Command):
    """``UNSELECT`` (RFC 9051 §6.4.2, RFC 3691): leave the selected state without expunging."""

    NAME: ClassVar[str] = "UNSELECT"


@register
@dataclass(frozen=True, slots=True, init=False)
class ExpungeCommand(Command):
    """``EXPUNGE`` (RFC 9051 §6.4.3), or ``UID EXPUNGE sequence-set`` (RFC 4315 §2.1,
    RFC 9051 §6.4.9)::

        ExpungeCommand("A202")
        ExpungeCommand("A003", "3000:3002", uid=True)      # A003 UID EXPUNGE 3000:3002

    ``sequence_set`` (UIDs) is required with ``uid`` and refused without it.
    """

    NAME: ClassVar[str] = "EXPUNGE"
    UID_FORM: ClassVar[bool] = True
    sequence_set: SequenceSet | None
    uid: bool

    def __init__(
        self, tag: str, sequence_set: SequenceSet | str | None = None, *, uid: bool = False
    ) -> None:
        check_bool(uid, "uid")
        if uid != (sequence_set is not None):
            raise IMAPValueError("UID EXPUNGE takes a sequence set; EXPUNGE takes none")
        _set(self, "tag", check_tag(tag))
        _set(
            self, "sequence_set", None if sequence_set is None else check_sequence_set(sequence_set)
        )
        _set(self, "uid", uid)

    @classmethod
    def read(cls, reader: Reader) -> ExpungeCommand:
        """``"EXPUNGE"`` or ``"UID" SP "EXPUNGE" SP sequence-set``, then CRLF."""
        uid = read_name(reader, b"EXPUNGE", uid=True)
        sequence_set = None
        if uid:
            reader.expect_sp()
            sequence_set = read_sequence_set(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), sequence_set=sequence_set, uid=uid)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(_uid_prefix(self.uid) + b"EXPUNGE")
        if self.sequence_set is not None:
            writer.raw(b" " + self.sequence_set.to_bytes())


# --- COPY / MOVE ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _TransferCommand(Command):
    """``[UID SP] NAME SP sequence-set SP mailbox``."""

    UID_FORM: ClassVar[bool] = True
    sequence_set: SequenceSet
    mailbox: str
    uid: bool

    def __init__(
        self, tag: str, sequence_set: SequenceSet | str, mailbox: str, *, uid: bool = False
    ) -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "sequence_set", check_sequence_set(sequence_set))
        _set(self, "mailbox", check_mailbox(mailbox))
        _set(self, "uid", check_bool(uid, "uid"))

    @classmethod
    def read(cls: type[_T], reader: Reader) -> _T:
        """``["UID" SP] NAME SP sequence-set SP mailbox`` CRLF."""
        uid = read_name(reader, cls.NAME.encode("ascii"), uid=True)
        reader.expect_sp()
        sequence_set = read_sequence_set(reader)
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        reader.finish()
        return _trusted(
            cls, tag=tag_of_reader(reader), sequence_set=sequence_set, mailbox=mailbox, uid=uid
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(
            _uid_prefix(self.uid)
            + self.NAME.encode("ascii")
            + b" "
            + self.sequence_set.to_bytes()
            + b" "
        )
        write_mailbox(writer, self.mailbox)


@register
@dataclass(frozen=True, slots=True, init=False)
class CopyCommand(_TransferCommand):
    """``[UID] COPY sequence-set mailbox`` (RFC 9051 §6.4.7)::

    CopyCommand("A003", "2:4", "MEETING")
    """

    NAME: ClassVar[str] = "COPY"


@register
@dataclass(frozen=True, slots=True, init=False)
class MoveCommand(_TransferCommand):
    """``[UID] MOVE sequence-set mailbox`` (RFC 9051 §6.4.8, RFC 6851)::

    MoveCommand("a", "42:69", "foo", uid=True)
    """

    NAME: ClassVar[str] = "MOVE"


# --- FETCH ----------------------------------------------------------------------------------------


def _fetch_items(items: object) -> FetchMacro | tuple[FetchAtt, ...]:
    if isinstance(items, FetchMacro):
        return items
    if isinstance(items, _FETCH_ATT_TYPES):
        return (items,)
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise IMAPValueError(f"FETCH takes a FetchMacro or fetch-atts, not {items!r}")
    atts = tuple(items)
    if not atts:
        raise IMAPValueError("FETCH needs at least one data item (RFC 9051 §9)")
    for att in atts:
        if not isinstance(att, _FETCH_ATT_TYPES):
            raise IMAPValueError(f"not a fetch-att: {att!r}")
    return atts


def _vanished_problem(uid: bool, changed_since: int | None) -> str | None:
    if not uid:
        return "VANISHED is only allowed in UID FETCH (RFC 7162 §3.2.6)"
    if changed_since is None:
        return "VANISHED needs CHANGEDSINCE (RFC 7162 §3.2.6)"
    return None


@register
@dataclass(frozen=True, slots=True, init=False)
class FetchCommand(Command):
    """``[UID] FETCH sequence-set items [(modifiers)]`` (RFC 9051 §6.4.5; RFC 7162)::

        FetchCommand("A654", "2:4", [FetchAttribute.FLAGS, BodySection(Section.parse("TEXT"))])
        FetchCommand("a003", "12", FetchMacro.FULL)
        FetchCommand("s100", "300:500", FetchAttribute.FLAGS, uid=True,
                     changed_since=12345, vanished=True)

    ``items``: a :class:`~._fetch.FetchMacro`, or fetch-atts (one, or a non-empty list).
    ``changed_since`` (CONDSTORE), ``vanished`` (QRESYNC) and other ``params`` are the
    fetch modifiers.
    """

    NAME: ClassVar[str] = "FETCH"
    UID_FORM: ClassVar[bool] = True
    sequence_set: SequenceSet
    items: FetchMacro | tuple[FetchAtt, ...]
    changed_since: int | None
    vanished: bool
    params: tuple[ExtParam, ...]
    uid: bool

    def __init__(
        self,
        tag: str,
        sequence_set: SequenceSet | str,
        items: FetchMacro | FetchAtt | Iterable[FetchAtt],
        *,
        changed_since: int | None = None,
        vanished: bool = False,
        params: Iterable[ExtParam] = (),
        uid: bool = False,
    ) -> None:
        check_bool(uid, "uid")
        if check_bool(vanished, "vanished"):
            problem = _vanished_problem(uid, changed_since)
            if problem is not None:
                raise IMAPValueError(problem)
        _set(self, "tag", check_tag(tag))
        _set(self, "sequence_set", check_sequence_set(sequence_set))
        _set(self, "items", _fetch_items(items))
        _set(
            self,
            "changed_since",
            None if changed_since is None else check_nz_number64(changed_since),
        )
        _set(self, "vanished", vanished)
        _set(self, "params", check_ext_params(params, _FETCH_MODIFIERS))
        _set(self, "uid", uid)

    @classmethod
    def read(cls, reader: Reader) -> FetchCommand:
        """``["UID" SP] "FETCH" SP sequence-set SP items [fetch-modifiers]`` CRLF."""
        uid = read_name(reader, b"FETCH", uid=True)
        reader.expect_sp()
        sequence_set = read_sequence_set(reader)
        reader.expect_sp()
        items = read_fetch_atts(reader)
        changed_since = None
        vanished = False
        vanished_pos = 0
        params: list[ExtParam] = []
        if reader.at(b" ("):
            reader.pos += 1
            reader.open_list()
            seen: set[str] = set()
            while True:
                pos = reader.pos
                name = reader.read_keyword()
                if name in seen:
                    raise reader.fail(f"fetch modifier {name} given twice", pos)
                seen.add(name)
                if name == "CHANGEDSINCE":
                    reader.expect_sp()
                    changed_since = reader.read_mod_sequence_value()
                elif name == "VANISHED":
                    vanished_pos = pos
                    vanished = True
                else:
                    params.append(read_ext_param(reader, name))
                if not reader.skip_sp():
                    break
            reader.close_list()
            if vanished:
                problem = _vanished_problem(uid, changed_since)
                if problem is not None:
                    raise reader.fail(problem, vanished_pos)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            sequence_set=sequence_set,
            items=items,
            changed_since=changed_since,
            vanished=vanished,
            params=tuple(params),
            uid=uid,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(_uid_prefix(self.uid) + b"FETCH " + self.sequence_set.to_bytes() + b" ")
        modified = self.changed_since is not None or self.vanished or bool(self.params)
        if modified and isinstance(self.items, tuple) and len(self.items) == 1:
            # Parenthesised before modifiers, as in RFC 7162's examples: "PREVIEW (LAZY)"
            # would otherwise read as the PREVIEW (LAZY) fetch-att (RFC 8970 §3.1).
            writer.raw(b"(")
            write_fetch_att(writer, self.items[0])
            writer.raw(b")")
        else:
            write_fetch_atts(writer, self.items)
        if not modified:
            return
        writer.raw(b" (")
        first = True
        if self.changed_since is not None:
            writer.raw(b"CHANGEDSINCE %d" % self.changed_since)
            first = False
        if self.vanished:
            writer.raw(b"VANISHED" if first else b" VANISHED")
            first = False
        write_ext_params(writer, self.params, first)
        writer.raw(b")")


# --- STORE ----------------------------------------------------------------------------------------


class StoreMode(enum.Enum):
    """What STORE does with the flags (RFC 9051 §6.4.6); the value is the wire prefix."""

    #: ``FLAGS``: replace the flags.
    REPLACE = ""
    #: ``+FLAGS``: add them.
    ADD = "+"
    #: ``-FLAGS``: remove them.
    REMOVE = "-"


@register
@dataclass(frozen=True, slots=True, init=False)
class StoreCommand(Command):
    """``[UID] STORE sequence-set [(modifiers)] [+|-]FLAGS[.SILENT] (flags)`` (RFC 9051
    §6.4.6; UNCHANGEDSINCE, RFC 7162 §3.1.3)::

        StoreCommand("A003", "2:4", StoreMode.ADD, [Flag.DELETED])
        StoreCommand("a103", "6,4,8", StoreMode.ADD, [Flag.DELETED], silent=True,
                     unchanged_since=12121230045, uid=True)

    ``silent``: ``.SILENT`` (no untagged FETCH of the new flags). ``params``: other store
    modifiers (RFC 4466) as ``(NAME, value)`` pairs.
    """

    NAME: ClassVar[str] = "STORE"
    UID_FORM: ClassVar[bool] = True
    sequence_set: SequenceSet
    mode: StoreMode
    flags: tuple[Flag, ...]
    silent: bool
    unchanged_since: int | None
    params: tuple[ExtParam, ...]
    uid: bool

    def __init__(
        self,
        tag: str,
        sequence_set: SequenceSet | str,
        mode: StoreMode,
        flags: Iterable[Flag],
        *,
        silent: bool = False,
        unchanged_since: int | None = None,
        params: Iterable[ExtParam] = (),
        uid: bool = False,
    ) -> None:
        if not isinstance(mode, StoreMode):
            raise IMAPValueError(f"not a StoreMode: {mode!r}")
        items = tuple(flags)
        format_flag_list(items)  # Flags only, and no "\*"
        _set(self, "tag", check_tag(tag))
        _set(self, "sequence_set", check_sequence_set(sequence_set))
        _set(self, "mode", mode)
        _set(self, "flags", items)
        _set(self, "silent", check_bool(silent, "silent"))
        _set(
            self,
            "unchanged_since",
            None if unchanged_since is None else check_number64(unchanged_since),
        )
        _set(self, "params", check_ext_params(params, _STORE_MODIFIERS))
        _set(self, "uid", check_bool(uid, "uid"))

    @classmethod
    def read(cls, reader: Reader) -> StoreCommand:
        """``["UID" SP] "STORE" SP sequence-set [store-modifiers] SP store-att-flags`` CRLF."""
        uid = read_name(reader, b"STORE", uid=True)
        reader.expect_sp()
        sequence_set = read_sequence_set(reader)
        unchanged_since = None
        params: list[ExtParam] = []
        if reader.at(b" ("):
            reader.pos += 1
            reader.open_list()
            seen: set[str] = set()
            while True:
                pos = reader.pos
                name = reader.read_keyword()
                if name in seen:
                    raise reader.fail(f"store modifier {name} given twice", pos)
                seen.add(name)
                if name == "UNCHANGEDSINCE":
                    reader.expect_sp()
                    unchanged_since = reader.read_mod_sequence_valzer()
                else:
                    params.append(read_ext_param(reader, name))
                if not reader.skip_sp():
                    break
            reader.close_list()
        reader.expect_sp()
        mode = StoreMode.REPLACE
        if reader.skip(b"+"):
            mode = StoreMode.ADD
        elif reader.skip(b"-"):
            mode = StoreMode.REMOVE
        pos = reader.pos
        word = reader.read_keyword()
        if word not in ("FLAGS", "FLAGS.SILENT"):
            raise reader.error('"FLAGS" or "FLAGS.SILENT" (store-att-flags)', pos)
        reader.expect_sp()
        if reader.peek() == 0x28:
            flags = read_flag_list(reader)
        else:
            items = [read_flag(reader)]
            while reader.skip_sp():
                items.append(read_flag(reader))
            flags = tuple(items)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            sequence_set=sequence_set,
            mode=mode,
            flags=flags,
            silent=word == "FLAGS.SILENT",
            unchanged_since=unchanged_since,
            params=tuple(params),
            uid=uid,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(_uid_prefix(self.uid) + b"STORE " + self.sequence_set.to_bytes())
        if self.unchanged_since is not None or self.params:
            writer.raw(b" (")
            first = True
            if self.unchanged_since is not None:
                writer.raw(b"UNCHANGEDSINCE %d" % self.unchanged_since)
                first = False
            write_ext_params(writer, self.params, first)
            writer.raw(b")")
        writer.raw(b" " + self.mode.value.encode("ascii") + b"FLAGS")
        if self.silent:
            writer.raw(b".SILENT")
        writer.raw(b" " + format_flag_list(self.flags))
