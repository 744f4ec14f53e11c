"""SEARCH, SORT and THREAD, and their UID forms (RFC 9051 §6.4.4, RFC 5256, RFC 4731).

RFC 9051 §9 (the keys, the RETURN options and CHARSET are in :mod:`._search`)::

    search          = "SEARCH" [search-return-opts]
                      SP search-program
    search-return-opts = SP "RETURN" SP "(" [search-return-opt
                         *(SP search-return-opt)] ")"

RFC 5256 §5::

    sort            = ["UID" SP] "SORT" SP sort-criteria SP search-criteria
    thread          = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
    search-criteria = charset 1*(SP search-key)

SORT also takes search-return-opts before its criteria (ESORT, RFC 5267; not on disk -- the
position is the one RFC 7162 §3.1.11 shows: ``a SORT RETURN (ALL) (DATE) UTF-8 MODSEQ 1234``).
SORT and THREAD always name a charset (unlike SEARCH, where it is optional); the default here
is ``"UTF-8"``, which servers must support (RFC 5256 §3).

RFC 6855 §3 says a client that enabled UTF8=ACCEPT "MUST NOT issue a SEARCH command that
contains a charset specification", and RFC 9051 keeps CHARSET for IMAP4rev2: which applies
depends on what was enabled, so that rule is the connection's, not the codec's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from pymailproto.imap._codes import check_charset, read_charset, write_charset
from pymailproto.imap._command_base import Command, check_bool, read_name, register, tag_of_reader
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._extension import write_tagged_ext_val
from pymailproto.imap._lexer import Reader
from pymailproto.imap._search import (
    SearchKey,
    SearchProgram,
    SearchReturn,
    SearchReturnOption,
    _read_return_option,
    read_search_keys,
    read_search_program,
)
from pymailproto.imap._sort_thread import (
    SortCriterion,
    read_sort_criteria,
    read_thread_alg,
    write_sort_criteria,
    write_thread_alg,
)
from pymailproto.imap._values import Writer, _trusted, check_atom, check_tag

__all__ = ["SearchCommand", "SortCommand", "ThreadCommand"]


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _uid_prefix(uid: bool) -> bytes:
    return b"UID " if uid else b""


def _write_keys(writer: Writer, keys: Iterable[SearchKey]) -> None:
    for index, key in enumerate(keys):
        if index:
            writer.sp()
        key.write(writer)


def _write_returns(writer: Writer, returns: Iterable[SearchReturn]) -> None:
    """``"RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"``."""
    writer.raw(b"RETURN (")
    for index, option in enumerate(returns):
        if index:
            writer.sp()
        if isinstance(option, SearchReturnOption):
            writer.raw(option.value.encode("ascii"))
        else:
            writer.raw(option.name.encode("ascii"))
            if option.value is not None:
                writer.sp()
                write_tagged_ext_val(writer, option.value)
    writer.raw(b")")


def _search_criteria(
    keys: SearchKey | Iterable[SearchKey], charset: str
) -> tuple[tuple[SearchKey, ...], str]:
    """Validated ``search-criteria`` (RFC 5256 §5): a charset and one or more keys."""
    return SearchProgram(keys).keys, check_charset(charset)


def _read_search_criteria(reader: Reader) -> tuple[str, tuple[SearchKey, ...]]:
    """``search-criteria = charset 1*(SP search-key)``."""
    charset = read_charset(reader)
    reader.expect_sp()
    return charset, read_search_keys(reader)


@register
@dataclass(frozen=True, slots=True, init=False)
class SearchCommand(Command):
    """``[UID] SEARCH [RETURN (...)] [CHARSET charset] keys`` (RFC 9051 §6.4.4)::

        SearchCommand("A282", [Flagged(), Since(date(1994, 2, 1)), Not(From("Smith"))])
        SearchCommand("A285", SequenceKey("1:5000"), uid=True,
                      returns=[SearchReturnOption.MIN, SearchReturnOption.MAX])

    ``keys``, ``charset`` and ``returns`` are those of :class:`~._search.SearchProgram`
    (``returns`` None: no RETURN, an IMAP4rev1 SEARCH response; a tuple, maybe empty: ESEARCH).
    """

    NAME: ClassVar[str] = "SEARCH"
    UID_FORM: ClassVar[bool] = True
    keys: tuple[SearchKey, ...]
    charset: str | None
    returns: tuple[SearchReturn, ...] | None
    uid: bool

    def __init__(
        self,
        tag: str,
        keys: SearchKey | Iterable[SearchKey],
        *,
        charset: str | None = None,
        returns: Iterable[SearchReturn] | None = None,
        uid: bool = False,
    ) -> None:
        program = SearchProgram(keys, charset=charset, returns=returns)
        _set(self, "tag", check_tag(tag))
        _set(self, "keys", program.keys)
        _set(self, "charset", program.charset)
        _set(self, "returns", program.returns)
        _set(self, "uid", check_bool(uid, "uid"))

    @property
    def program(self) -> SearchProgram:
        """The arguments as a :class:`~._search.SearchProgram`."""
        return _trusted(SearchProgram, keys=self.keys, charset=self.charset, returns=self.returns)

    @classmethod
    def read(cls, reader: Reader) -> SearchCommand:
        """``["UID" SP] "SEARCH" [search-return-opts] SP search-program`` CRLF."""
        uid = read_name(reader, b"SEARCH", uid=True)
        reader.expect_sp()
        program = read_search_program(reader)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            keys=program.keys,
            charset=program.charset,
            returns=program.returns,
            uid=uid,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(_uid_prefix(self.uid) + b"SEARCH ")
        self.program.write(writer)


@register
@dataclass(frozen=True, slots=True, init=False)
class SortCommand(Command):
    """``[UID] SORT [RETURN (...)] (criteria) charset keys`` (RFC 5256 §3; ESORT RETURN)::

    SortCommand("A282", [SortCriterion(SortKey.SUBJECT)], Since(date(1994, 2, 1)))
    # A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994
    """

    NAME: ClassVar[str] = "SORT"
    UID_FORM: ClassVar[bool] = True
    criteria: tuple[SortCriterion, ...]
    charset: str
    keys: tuple[SearchKey, ...]
    returns: tuple[SearchReturn, ...] | None
    uid: bool

    def __init__(
        self,
        tag: str,
        criteria: Iterable[SortCriterion],
        keys: SearchKey | Iterable[SearchKey],
        *,
        charset: str = "UTF-8",
        returns: Iterable[SearchReturn] | None = None,
        uid: bool = False,
    ) -> None:
        items = tuple(criteria)
        if not items or not all(isinstance(item, SortCriterion) for item in items):
            raise IMAPValueError("SORT takes one or more SortCriterions (RFC 5256 §5)")
        checked_keys, checked_charset = _search_criteria(keys, charset)
        _set(self, "tag", check_tag(tag))
        _set(self, "criteria", items)
        _set(self, "charset", checked_charset)
        _set(self, "keys", checked_keys)
        program = None if returns is None else SearchProgram(checked_keys, returns=returns)
        _set(self, "returns", None if program is None else program.returns)
        _set(self, "uid", check_bool(uid, "uid"))

    @classmethod
    def read(cls, reader: Reader) -> SortCommand:
        """``["UID" SP] "SORT" [SP "RETURN" SP "(" ... ")"] SP sort-criteria SP
        search-criteria`` CRLF."""
        uid = read_name(reader, b"SORT", uid=True)
        reader.expect_sp()
        returns = None
        if reader.skip_keyword(b"RETURN"):
            reader.expect_sp()
            returns = tuple(reader.read_list(_read_return_option))
            reader.expect_sp()
        criteria = read_sort_criteria(reader)
        reader.expect_sp()
        charset, keys = _read_search_criteria(reader)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            criteria=criteria,
            charset=charset,
            keys=keys,
            returns=returns,
            uid=uid,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(_uid_prefix(self.uid) + b"SORT ")
        if self.returns is not None:
            _write_returns(writer, self.returns)
            writer.sp()
        write_sort_criteria(writer, self.criteria)
        writer.sp()
        write_charset(writer, self.charset)
        writer.sp()
        _write_keys(writer, self.keys)


@register
@dataclass(frozen=True, slots=True, init=False)
class ThreadCommand(Command):
    """``[UID] THREAD algorithm charset keys`` (RFC 5256 §3)::

        ThreadCommand("A283", "ORDEREDSUBJECT", Since(date(2000, 3, 5)))
        # A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2000

    The algorithm name is upper-cased (``ORDEREDSUBJECT``, ``REFERENCES`` or an extension's
    atom).
    """

    NAME: ClassVar[str] = "THREAD"
    UID_FORM: ClassVar[bool] = True
    algorithm: str
    charset: str
    keys: tuple[SearchKey, ...]
    uid: bool

    def __init__(
        self,
        tag: str,
        algorithm: str,
        keys: SearchKey | Iterable[SearchKey],
        *,
        charset: str = "UTF-8",
        uid: bool = False,
    ) -> None:
        checked_keys, checked_charset = _search_criteria(keys, charset)
        _set(self, "tag", check_tag(tag))
        _set(self, "algorithm", check_atom(algorithm).upper())
        _set(self, "charset", checked_charset)
        _set(self, "keys", checked_keys)
        _set(self, "uid", check_bool(uid, "uid"))

    @classmethod
    def read(cls, reader: Reader) -> ThreadCommand:
        """``["UID" SP] "THREAD" SP thread-alg SP search-criteria`` CRLF."""
        uid = read_name(reader, b"THREAD", uid=True)
        reader.expect_sp()
        algorithm = read_thread_alg(reader)
        reader.expect_sp()
        charset, keys = _read_search_criteria(reader)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            algorithm=algorithm,
            charset=charset,
            keys=keys,
            uid=uid,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(_uid_prefix(self.uid) + b"THREAD ")
        write_thread_alg(writer, self.algorithm)
        writer.sp()
        write_charset(writer, self.charset)
        writer.sp()
        _write_keys(writer, self.keys)
