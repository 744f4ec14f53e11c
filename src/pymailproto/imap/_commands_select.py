"""SELECT and EXAMINE, with their parameters: CONDSTORE and QRESYNC (RFC 9051 §6.3.2-3,
RFC 7162 §3.1.8, §3.2.5).

RFC 9051 §9::

    select          = "SELECT" SP mailbox
    examine         = "EXAMINE" SP mailbox

RFC 4466 §2 (not on disk; the rules RFC 7162 §7 extends)::

    select          = "SELECT" SP mailbox [select-params]
    examine         = "EXAMINE" SP mailbox [select-params]
    select-params   = SP "(" select-param *(SP select-param) ")"
    select-param    = select-param-name [SP select-param-value]
    select-param-name = tagged-ext-label
    select-param-value = tagged-ext-val

RFC 7162 §7::

    select-param        =/ condstore-param
    condstore-param     = "CONDSTORE"
    select-param        =/  "QRESYNC" SP "(" uidvalidity SP
                        mod-sequence-value [SP known-uids]
                        [SP seq-match-data] ")"
    seq-match-data      =  "(" known-sequence-set SP known-uid-set ")"
    uidvalidity         =  nz-number
    known-uids          =  sequence-set
                        ;; Sequence of UIDs; "*" is not allowed.
    known-sequence-set  =  sequence-set
                        ;; * is not allowed.
    known-uid-set       =  sequence-set
                        ;; * is not allowed.

The three ``known-*`` sets are read as ``uid-set`` (RFC 9051 §9): a sequence-set without ``*``
(and without ``$``, which names no UIDs a client knows). A parameter given twice is refused.
Other select parameters are kept as generic ``(NAME, value)`` pairs (``params``).
"""

from __future__ import annotations

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
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet, read_uid_set
from pymailproto.imap._values import Writer, _trusted, check_nz_number, check_nz_number64, check_tag

__all__ = ["ExamineCommand", "QResync", "SelectCommand"]

_S = TypeVar("_S", bound="_SelectBase")
_SELECT_PARAMS = ("CONDSTORE", "QRESYNC")


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _known_set(value: SequenceSet | str, what: str) -> SequenceSet:
    sequence_set = check_sequence_set(value)
    if sequence_set.has_star or sequence_set.is_search_result:
        raise IMAPValueError(f'{what} cannot hold "*" or "$" (RFC 7162 §7)')
    return sequence_set


@dataclass(frozen=True, slots=True, init=False)
class QResync:
    """The QRESYNC select parameter (RFC 7162 §3.2.5): what the client remembers::

        QResync(67890007, 20050715194045000, "41,43:211,214:541")
        QResync(67890007, 90060115194045000, "1:29997",
                seq_match=("5000,7500,9000", "15000,22500,27000"))

    ``uidvalidity`` and ``modseq`` of the last sync; ``known_uids``: the UIDs it knows (None:
    left out); ``seq_match``: message numbers and the UIDs they had, in the same order
    (``seq-match-data``; None: left out).
    """

    uidvalidity: int
    modseq: int
    known_uids: SequenceSet | None
    seq_match: tuple[SequenceSet, SequenceSet] | None

    def __init__(
        self,
        uidvalidity: int,
        modseq: int,
        known_uids: SequenceSet | str | None = None,
        *,
        seq_match: tuple[SequenceSet | str, SequenceSet | str] | None = None,
    ) -> None:
        _set(self, "uidvalidity", check_nz_number(uidvalidity))
        _set(self, "modseq", check_nz_number64(modseq))
        _set(
            self, "known_uids", None if known_uids is None else _known_set(known_uids, "known-uids")
        )
        match = None
        if seq_match is not None:
            if not isinstance(seq_match, tuple) or len(seq_match) != 2:
                raise IMAPValueError("seq_match is a (known-sequence-set, known-uid-set) pair")
            match = (
                _known_set(seq_match[0], "known-sequence-set"),
                _known_set(seq_match[1], "known-uid-set"),
            )
        _set(self, "seq_match", match)


def _read_seq_match(reader: Reader) -> tuple[SequenceSet, SequenceSet]:
    """``seq-match-data = "(" known-sequence-set SP known-uid-set ")"``."""
    reader.open_list()
    numbers = read_uid_set(reader)
    reader.expect_sp()
    uids = read_uid_set(reader)
    reader.close_list()
    return (numbers, uids)


def _read_qresync(reader: Reader) -> QResync:
    """``"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"``."""
    reader.open_list()
    uidvalidity = reader.read_nz_number()
    reader.expect_sp()
    modseq = reader.read_mod_sequence_value()
    known = match = None
    if reader.skip_sp():
        if reader.peek() == 0x28:
            match = _read_seq_match(reader)
        else:
            known = read_uid_set(reader)
            if reader.skip_sp():
                match = _read_seq_match(reader)
    reader.close_list()
    return _trusted(
        QResync, uidvalidity=uidvalidity, modseq=modseq, known_uids=known, seq_match=match
    )


def _write_qresync(writer: Writer, value: QResync) -> None:
    writer.raw(b"QRESYNC (%d %d" % (value.uidvalidity, value.modseq))
    if value.known_uids is not None:
        writer.raw(b" " + value.known_uids.to_bytes())
    if value.seq_match is not None:
        numbers, uids = value.seq_match
        writer.raw(b" (" + numbers.to_bytes() + b" " + uids.to_bytes() + b")")
    writer.raw(b")")


@dataclass(frozen=True, slots=True, init=False)
class _SelectBase(Command):
    """SELECT and EXAMINE share their arguments."""

    mailbox: str
    condstore: bool
    qresync: QResync | None
    params: tuple[ExtParam, ...]

    def __init__(
        self,
        tag: str,
        mailbox: str,
        *,
        condstore: bool = False,
        qresync: QResync | None = None,
        params: Iterable[ExtParam] = (),
    ) -> None:
        if qresync is not None and not isinstance(qresync, QResync):
            raise IMAPValueError(f"not a QResync: {qresync!r}")
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))
        _set(self, "condstore", check_bool(condstore, "condstore"))
        _set(self, "qresync", qresync)
        _set(self, "params", check_ext_params(params, _SELECT_PARAMS))

    @classmethod
    def read(cls: type[_S], reader: Reader) -> _S:
        """``NAME SP mailbox [select-params]`` CRLF."""
        read_name(reader, cls.NAME.encode("ascii"))
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        condstore = False
        qresync = None
        params: list[ExtParam] = []
        if reader.at(b" ("):
            reader.pos += 1
            reader.open_list()
            seen: set[str] = set()
            while True:
                pos = reader.pos
                name = reader.read_keyword()
                if name in seen:
                    raise reader.fail(f"select parameter {name} given twice", pos)
                seen.add(name)
                if name == "CONDSTORE":
                    condstore = True
                elif name == "QRESYNC":
                    reader.expect_sp()
                    qresync = _read_qresync(reader)
                else:
                    params.append(read_ext_param(reader, name))
                if not reader.skip_sp():
                    break
            reader.close_list()
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            mailbox=mailbox,
            condstore=condstore,
            qresync=qresync,
            params=tuple(params),
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(self.NAME.encode("ascii") + b" ")
        write_mailbox(writer, self.mailbox)
        if not (self.condstore or self.qresync or self.params):
            return
        writer.raw(b" (")
        first = True
        if self.condstore:
            writer.raw(b"CONDSTORE")
            first = False
        if self.qresync is not None:
            if not first:
                writer.sp()
            _write_qresync(writer, self.qresync)
            first = False
        write_ext_params(writer, self.params, first)
        writer.raw(b")")


@register
@dataclass(frozen=True, slots=True, init=False)
class SelectCommand(_SelectBase):
    """``SELECT mailbox [(params)]`` (RFC 9051 §6.3.2; CONDSTORE and QRESYNC, RFC 7162)::

        SelectCommand("A142", "INBOX")
        SelectCommand("A142", "INBOX", condstore=True)           # SELECT INBOX (CONDSTORE)
        SelectCommand("A02", "INBOX", qresync=QResync(67890007, 20050715194045000, "41:211"))

    ``params``: other select parameters (RFC 4466) as ``(NAME, value)`` pairs.
    """

    NAME: ClassVar[str] = "SELECT"


@register
@dataclass(frozen=True, slots=True, init=False)
class ExamineCommand(_SelectBase):
    """``EXAMINE mailbox [(params)]`` (RFC 9051 §6.3.3): SELECT, read-only."""

    NAME: ClassVar[str] = "EXAMINE"
