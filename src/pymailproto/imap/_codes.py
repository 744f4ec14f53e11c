"""Response codes and the text of status responses (RFC 9051 §7.1, RFC 3501 §7.1).

RFC 9051 §9::

    resp-text       = ["[" resp-text-code "]" SP] [text]
    resp-text-code  = "ALERT" /
                      "BADCHARSET" [SP "(" charset *(SP charset) ")" ] /
                      capability-data / "PARSE" /
                      "PERMANENTFLAGS" SP
                          "(" [flag-perm *(SP flag-perm)] ")" /
                      "READ-ONLY" / "READ-WRITE" / "TRYCREATE" /
                      "UIDNEXT" SP nz-number /
                      "UIDVALIDITY" SP nz-number /
                      resp-code-apnd / resp-code-copy / "UIDNOTSTICKY" /
                      "UNAVAILABLE" / "AUTHENTICATIONFAILED" /
                      "AUTHORIZATIONFAILED" / "EXPIRED" /
                      "PRIVACYREQUIRED" / "CONTACTADMIN" / "NOPERM" /
                      "INUSE" / "EXPUNGEISSUED" / "CORRUPTION" /
                      "SERVERBUG" / "CLIENTBUG" / "CANNOT" /
                      "LIMIT" / "OVERQUOTA" / "ALREADYEXISTS" /
                      "NONEXISTENT" / "NOTSAVED" / "HASCHILDREN" /
                      "CLOSED" /
                      "UNKNOWN-CTE" /
                      atom [SP 1*<any TEXT-CHAR except "]">]
    resp-code-apnd  = "APPENDUID" SP nz-number SP append-uid
    resp-code-copy  = "COPYUID" SP nz-number SP uid-set SP uid-set
    append-uid      = uniqueid
    capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2"
                      *(SP capability)
    capability      = ("AUTH=" auth-type) / atom
    charset         = atom / quoted

plus, from other documents:

* RFC 3501 §9: ``"UNSEEN" SP nz-number`` (gone from IMAP4rev2) and ``BADCHARSET``'s charsets as
  ``astring`` (read here; written as ``atom / quoted``, which is valid for both);
* RFC 4315 §4 (UIDPLUS), with MULTIAPPEND: ``append-uid =/ uid-set``;
* RFC 7162 §7 (CONDSTORE/QRESYNC): ``"HIGHESTMODSEQ" SP mod-sequence-value / "NOMODSEQ" /
  "MODIFIED" SP sequence-set``, ``"CLOSED"``;
* RFC 9208 §7 (QUOTA) ``"OVERQUOTA"`` (also in RFC 9051); RFC 6154 §6 ``"USEATTR"``;
  RFC 4978 §5 ``"COMPRESSIONACTIVE"``;
* RFC 5464 (METADATA; not on disk, the rule as the issue gives it): ``"METADATA" SP
  ("LONGENTRIES" SP number / "MAXSIZE" SP number / "TOOMANY" / "NOPRIVATE")``;
* RFC 8474 (OBJECTID; not on disk, the rule as the issue gives it): ``"MAILBOXID" SP "("
  objectid ")"``.

Model: codes without arguments are members of the :class:`Code` enum; each code with
arguments is a frozen dataclass (``UidNextCode(4392)``, ``CopyUidCode(...)``); anything else is
an :class:`UnknownCode` (``atom`` and optional text), which clients "MUST ignore" (RFC 9051
§7.1). :data:`ResponseCode` is their union.

Reading follows the grammar's alternatives: a known code whose arguments do not parse (say
``[UIDNEXT abc]``) still matches the generic ``atom [SP 1*<any TEXT-CHAR except "]">]``
alternative and is read as an :class:`UnknownCode`; and a ``[`` that starts no code at all is
ordinary text (``resp-text``'s code part is optional, and ``text`` may contain ``[``). One
leniency: RFC 9051 §7.1 shows ``e NO [CONTACTADMIN]`` with no SP after ``]``; a code followed
directly by the end of the line is accepted as a code with empty text. Written back, a code is
always followed by SP, as the grammar says. Another: RFC 9051 §6.4.4.4 shows ``[BADCHARSET
UTF-8]``, without the parentheses the grammar requires; that is read as the list it means.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias, TypeVar

from pymailproto.imap._capability import Capability, read_capability
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._extension import check_objectid, read_objectid
from pymailproto.imap._flags import Flag, format_flag_list, read_flag_perm_list
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet, read_sequence_set, read_uid_set
from pymailproto.imap._values import (
    Writer,
    check_atom,
    check_number,
    check_nz_number,
    check_nz_number64,
)

__all__ = [
    "AppendUidCode",
    "BadCharsetCode",
    "CapabilityCode",
    "Code",
    "CopyUidCode",
    "HighestModSeqCode",
    "MailboxIdCode",
    "MetadataCode",
    "ModifiedCode",
    "PermanentFlagsCode",
    "ResponseCode",
    "UidNextCode",
    "UidValidityCode",
    "UnknownCode",
    "UnseenCode",
    "check_charset",
    "read_charset",
    "read_resp_text",
    "read_resp_text_code",
    "write_charset",
    "write_resp_text",
    "write_resp_text_code",
]


class Code(enum.Enum):
    """Response codes without arguments, spelled as on the wire (RFC 9051 §7.1 unless noted)."""

    #: The text is an alert for the user (only after TLS/SASL confidentiality, §7.1).
    ALERT = "ALERT"
    #: CREATE/RENAME target exists.
    ALREADYEXISTS = "ALREADYEXISTS"
    #: Authentication failed; do not retry with the same credentials.
    AUTHENTICATIONFAILED = "AUTHENTICATIONFAILED"
    #: Authenticated, but may not act as the requested authorization identity.
    AUTHORIZATIONFAILED = "AUTHORIZATIONFAILED"
    #: The operation violates a server invariant and can never succeed.
    CANNOT = "CANNOT"
    #: The server detected a client bug.
    CLIENTBUG = "CLIENTBUG"
    #: The previously selected mailbox was closed (RFC 9051, RFC 7162 §3.2.11).
    CLOSED = "CLOSED"
    #: COMPRESS refused: a compression layer is already active (RFC 4978 §3).
    COMPRESSIONACTIVE = "COMPRESSIONACTIVE"
    #: The user should contact the administrator.
    CONTACTADMIN = "CONTACTADMIN"
    #: Relevant data (the mailbox) is corrupt.
    CORRUPTION = "CORRUPTION"
    #: The credentials have expired.
    EXPIRED = "EXPIRED"
    #: Someone else expunged messages in this mailbox.
    EXPUNGEISSUED = "EXPUNGEISSUED"
    #: DELETE refused: the mailbox has children.
    HASCHILDREN = "HASCHILDREN"
    #: A resource is in use (locked); retry later.
    INUSE = "INUSE"
    #: An implementation limit was hit.
    LIMIT = "LIMIT"
    #: The mailbox keeps no mod-sequences (RFC 7162 §3.1.2.2).
    NOMODSEQ = "NOMODSEQ"
    #: The thing to delete or rename does not exist.
    NONEXISTENT = "NONEXISTENT"
    #: Access control forbids the operation.
    NOPERM = "NOPERM"
    #: SEARCH ... RETURN (SAVE) result was not saved (RFC 9051 §6.4.4.3).
    NOTSAVED = "NOTSAVED"
    #: The user is, or would be, over quota (RFC 9051, RFC 9208 §4.3.1).
    OVERQUOTA = "OVERQUOTA"
    #: A message's header could not be parsed.
    PARSE = "PARSE"
    #: The operation needs a confidential connection.
    PRIVACYREQUIRED = "PRIVACYREQUIRED"
    #: The mailbox is (now) read-only.
    READ_ONLY = "READ-ONLY"
    #: The mailbox is (now) read-write.
    READ_WRITE = "READ-WRITE"
    #: The server hit a bug of its own.
    SERVERBUG = "SERVERBUG"
    #: The target mailbox does not exist; CREATE may help.
    TRYCREATE = "TRYCREATE"
    #: UIDs are not persistent in this mailbox (RFC 4315 §3).
    UIDNOTSTICKY = "UIDNOTSTICKY"
    #: A subsystem is down; temporary failure.
    UNAVAILABLE = "UNAVAILABLE"
    #: The section's Content-Transfer-Encoding is unknown to the server.
    UNKNOWN_CTE = "UNKNOWN-CTE"
    #: CREATE ... (USE (...)): that special use cannot be set (RFC 6154 §3).
    USEATTR = "USEATTR"


_CODES = {code.value: code for code in Code}
# capability-data must name one of these (RFC 9051 §9, RFC 3501 §9).
_VERSIONS = frozenset({"IMAP4REV1", "IMAP4REV2"})
_C = TypeVar("_C")

# --- charsets (SEARCH's CHARSET and BADCHARSET) ---------------------------------------------------

_ATOM_TEXT = re.compile(r'[^\x00-\x20\x7f-\U0010ffff(){%*"\\\]]+')
_CHARSET_TEXT = re.compile(r"[\x20-\x7e]+")


def check_charset(value: str) -> str:
    """A charset name: non-empty printable US-ASCII (``charset = atom / quoted``, RFC 9051 §9;
    "MUST be registered with IANA")."""
    if not isinstance(value, str) or _CHARSET_TEXT.fullmatch(value) is None:
        raise IMAPValueError(f"not a charset name (printable US-ASCII): {value!r}")
    return value


def read_charset(reader: Reader) -> str:
    """``charset = atom / quoted`` (RFC 9051 §9); RFC 3501 §9 has ``astring``, which is read
    too (a superset). The name must be printable US-ASCII."""
    pos = reader.pos
    data = reader.read_astring()
    text = data.decode("latin-1")
    if _CHARSET_TEXT.fullmatch(text) is None:
        reader.pos = pos
        raise reader.error("charset (a printable US-ASCII name)", pos)
    return text


def write_charset(writer: Writer, value: str) -> None:
    """``charset``: an atom when the name is one, else quoted (valid for RFC 3501 and 9051)."""
    if _ATOM_TEXT.fullmatch(value) is not None:
        writer.raw(value.encode("ascii"))
    else:
        writer.quoted(value)


# --- codes with arguments -------------------------------------------------------------------------


def _nz(value: object, what: str) -> int:
    try:
        return check_nz_number(value)  # type: ignore[arg-type]
    except IMAPValueError:
        raise IMAPValueError(f"{what} is an nz-number (0 < n < 2**32): {value!r}") from None


def _uid_set(value: object, what: str) -> SequenceSet:
    if not isinstance(value, SequenceSet):
        raise IMAPValueError(f"{what} is a SequenceSet, not {type(value).__name__}")
    if value.is_search_result or value.has_star:
        raise IMAPValueError(f"{what} is a uid-set: no '*' or '$' (RFC 9051 §7.1)")
    return value


def _ranges(value: SequenceSet) -> Iterator[tuple[int, int]]:
    """The ranges of a uid-set (no "*"), each as (low, high)."""
    for first, last in value.items:
        if not isinstance(first, int) or not isinstance(last, int):  # pragma: no cover
            raise IMAPValueError("a uid-set has no '*'")  # _uid_set / read_uid_set refuse it
        yield (first, last) if first <= last else (last, first)


def _expand(value: SequenceSet) -> Iterator[int]:
    """The numbers of a uid-set in the order written, each range ascending (RFC 9051 §7.1:
    "a range of 12:10 is exactly equivalent to 10:12")."""
    for low, high in _ranges(value):
        yield from range(low, high + 1)


def _size(value: SequenceSet) -> int:
    return sum(high - low + 1 for low, high in _ranges(value))


def _runs(value: SequenceSet) -> tuple[tuple[int, int], ...]:
    """The ordered sequence a uid-set denotes, as its maximal ascending runs: ``1,2:3`` and
    ``1:3`` give ``((1, 3),)``, ``3,2`` gives ``((3, 3), (2, 2))``. Two uid-sets denote the
    same UIDs in the same order exactly when their runs are equal. (A :class:`SequenceSet`
    compares as a set; in APPENDUID and COPYUID the order carries the pairing.)"""
    runs: list[tuple[int, int]] = []
    for low, high in _ranges(value):
        if runs and runs[-1][1] + 1 == low:
            runs[-1] = (runs[-1][0], high)
        else:
            runs.append((low, high))
    return tuple(runs)


@dataclass(frozen=True, slots=True, init=False)
class BadCharsetCode:
    """``BADCHARSET [SP "(" charset *(SP charset) ")"]``: SEARCH's charset is not supported;
    ``charsets`` lists those that are (empty: no list given)."""

    charsets: tuple[str, ...]

    def __init__(self, charsets: Iterable[str] = ()) -> None:
        object.__setattr__(self, "charsets", tuple(check_charset(c) for c in charsets))


@dataclass(frozen=True, slots=True, init=False)
class CapabilityCode:
    """``capability-data`` as a code: ``CAPABILITY IMAP4rev2 AUTH=PLAIN ...``, the same
    :class:`~pymailproto.imap._capability.Capability` values as the CAPABILITY response
    (``str`` arguments are converted).

    The grammar requires ``IMAP4rev2`` (RFC 9051) or ``IMAP4rev1`` (RFC 3501) in the list, as
    in the CAPABILITY response; that is not checked here (the code reader and this constructor
    take any list), and the response parser applies it with its ``CAPABILITY_WITHOUT_VERSION``
    quirk, the same way for both forms (see :mod:`pymailproto.imap._quirks`).
    """

    capabilities: tuple[Capability, ...]

    def __init__(self, capabilities: Iterable[Capability | str]) -> None:
        caps = tuple(
            capability if isinstance(capability, Capability) else Capability(capability)
            for capability in capabilities
        )
        if not caps:
            raise IMAPValueError("CAPABILITY lists at least one capability (RFC 9051 §9)")
        object.__setattr__(self, "capabilities", caps)

    @property
    def has_version(self) -> bool:
        """Whether the list names ``IMAP4rev1`` or ``IMAP4rev2``, as the grammar requires."""
        return any(capability.key in _VERSIONS for capability in self.capabilities)


@dataclass(frozen=True, slots=True, init=False)
class PermanentFlagsCode:
    """``PERMANENTFLAGS SP "(" [flag-perm *(SP flag-perm)] ")"`` (``\\*`` allowed)."""

    flags: tuple[Flag, ...]

    def __init__(self, flags: Iterable[Flag]) -> None:
        items = tuple(flags)
        if not all(isinstance(flag, Flag) for flag in items):
            raise IMAPValueError(f"PERMANENTFLAGS takes Flags: {items!r}")
        object.__setattr__(self, "flags", items)


@dataclass(frozen=True, slots=True, init=False)
class UidNextCode:
    """``UIDNEXT SP nz-number``: the next UID to be assigned."""

    uid: int

    def __init__(self, uid: int) -> None:
        object.__setattr__(self, "uid", _nz(uid, "UIDNEXT"))


@dataclass(frozen=True, slots=True, init=False)
class UidValidityCode:
    """``UIDVALIDITY SP nz-number``."""

    uidvalidity: int

    def __init__(self, uidvalidity: int) -> None:
        object.__setattr__(self, "uidvalidity", _nz(uidvalidity, "UIDVALIDITY"))


@dataclass(frozen=True, slots=True, init=False)
class UnseenCode:
    """``UNSEEN SP nz-number`` (RFC 3501 §7.1 only): the first unseen message's number."""

    number: int

    def __init__(self, number: int) -> None:
        object.__setattr__(self, "number", _nz(number, "UNSEEN"))


@dataclass(frozen=True, slots=True, init=False, eq=False)
class AppendUidCode:
    """``APPENDUID SP nz-number SP append-uid`` (RFC 4315 §3, RFC 9051 §7.1): the
    destination's UIDVALIDITY and the UID(s) given to the appended message(s), in order.

    ``AppendUidCode(38505, 3955)`` or, after MULTIAPPEND, a uid-set.
    """

    uidvalidity: int
    uids: SequenceSet

    def __init__(self, uidvalidity: int, uids: int | SequenceSet) -> None:
        object.__setattr__(self, "uidvalidity", _nz(uidvalidity, "APPENDUID's UIDVALIDITY"))
        if isinstance(uids, int) and not isinstance(uids, bool):
            uids = SequenceSet([_nz(uids, "APPENDUID's UID")])
        object.__setattr__(self, "uids", _uid_set(uids, "APPENDUID's UIDs"))

    def ids(self) -> list[int]:
        """The assigned UIDs in the order of the appended messages (see :class:`CopyUidCode`
        on ordered comparison, which applies here too)."""
        return list(_expand(self.uids))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AppendUidCode):
            return NotImplemented
        return (self.uidvalidity, _runs(self.uids)) == (other.uidvalidity, _runs(other.uids))

    def __hash__(self) -> int:
        return hash((self.uidvalidity, _runs(self.uids)))


@dataclass(frozen=True, slots=True, init=False, eq=False)
class CopyUidCode:
    """``COPYUID SP nz-number SP uid-set SP uid-set`` (RFC 4315 §3, RFC 9051 §7.1): the
    destination's UIDVALIDITY, the source UIDs in the order copied, and the UIDs they got.

    The two sets must denote the same number of UIDs; :meth:`pairs` matches them up. Unlike
    plain sequence-sets, the sets compare in order (``1,2`` is not ``2,1`` here).
    """

    uidvalidity: int
    source: SequenceSet
    destination: SequenceSet

    def __init__(
        self, uidvalidity: int, source: SequenceSet | str, destination: SequenceSet | str
    ) -> None:
        if isinstance(source, str):
            source = SequenceSet.parse(source)
        if isinstance(destination, str):
            destination = SequenceSet.parse(destination)
        object.__setattr__(self, "uidvalidity", _nz(uidvalidity, "COPYUID's UIDVALIDITY"))
        object.__setattr__(self, "source", _uid_set(source, "COPYUID's source"))
        object.__setattr__(self, "destination", _uid_set(destination, "COPYUID's destination"))
        if _size(source) != _size(destination):
            raise IMAPValueError(
                f"COPYUID sets differ in size: {source} has {_size(source)} UIDs, "
                f"{destination} has {_size(destination)} (RFC 9051 §7.1)"
            )

    def pairs(self) -> list[tuple[int, int]]:
        """``(source UID, destination UID)`` pairs, in order (RFC 9051 §7.1: "the destination
        UID set corresponds to the source UID set and is in the same order").

        Raises :class:`IMAPValueError` when a server sent sets of different sizes.
        """
        if _size(self.source) != _size(self.destination):
            raise IMAPValueError(
                f"COPYUID sets differ in size: {self.source} and {self.destination}"
            )
        return list(zip(_expand(self.source), _expand(self.destination), strict=True))

    def mapping(self) -> dict[int, int]:
        """Source UID to destination UID."""
        return dict(self.pairs())

    def _key(self) -> tuple[int, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
        return (self.uidvalidity, _runs(self.source), _runs(self.destination))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CopyUidCode):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True, init=False)
class HighestModSeqCode:
    """``HIGHESTMODSEQ SP mod-sequence-value`` (RFC 7162 §3.1.2.1)."""

    modseq: int

    def __init__(self, modseq: int) -> None:
        object.__setattr__(self, "modseq", check_nz_number64(modseq))


@dataclass(frozen=True, slots=True, init=False)
class ModifiedCode:
    """``MODIFIED SP sequence-set`` (RFC 7162 §3.1.3): messages a conditional STORE skipped
    (message numbers, or UIDs after UID STORE). ``$`` is refused: it names no messages."""

    numbers: SequenceSet

    def __init__(self, numbers: SequenceSet | str) -> None:
        if isinstance(numbers, str):
            numbers = SequenceSet.parse(numbers)
        if not isinstance(numbers, SequenceSet) or numbers.is_search_result:
            raise IMAPValueError(f"MODIFIED takes a sequence-set without '$': {numbers!r}")
        object.__setattr__(self, "numbers", numbers)


MetadataKind: TypeAlias = Literal["LONGENTRIES", "MAXSIZE", "TOOMANY", "NOPRIVATE"]
_METADATA_NUMBERED = ("LONGENTRIES", "MAXSIZE")
_METADATA_KINDS = ("LONGENTRIES", "MAXSIZE", "TOOMANY", "NOPRIVATE")


@dataclass(frozen=True, slots=True, init=False)
class MetadataCode:
    """``METADATA SP ("LONGENTRIES" SP number / "MAXSIZE" SP number / "TOOMANY" /
    "NOPRIVATE")`` (RFC 5464): ``MetadataCode("MAXSIZE", 1024)``."""

    kind: MetadataKind
    number: int | None

    def __init__(self, kind: MetadataKind, number: int | None = None) -> None:
        if kind not in _METADATA_KINDS:
            raise IMAPValueError(f"unknown METADATA response code kind: {kind!r}")
        if kind in _METADATA_NUMBERED:
            check_number(number)  # type: ignore[arg-type]
        elif number is not None:
            raise IMAPValueError(f"METADATA {kind} takes no number")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "number", number)


@dataclass(frozen=True, slots=True, init=False)
class MailboxIdCode:
    """``MAILBOXID SP "(" objectid ")"`` (RFC 8474): the id of a mailbox."""

    objectid: str

    def __init__(self, objectid: str) -> None:
        object.__setattr__(self, "objectid", check_objectid(objectid))


_TEXT_CHARS = re.compile(r"[\x01-\x09\x0b\x0c\x0e-\x5c\x5e-\x7f]+")


@dataclass(frozen=True, slots=True, init=False)
class UnknownCode:
    """Any other code: ``atom [SP 1*<any TEXT-CHAR except "]">]`` (RFC 9051 §9).

    Clients "MUST ignore response codes that they do not recognize" (RFC 9051 §7.1). The atom
    keeps its spelling. Built in Python, the atom may not be one of the codes above (that would
    be read back as the typed code); read from the wire it may, when the arguments of a known
    code did not parse (``[UIDNEXT abc]``).
    """

    atom: str
    text: str | None

    def __init__(self, atom: str, text: str | None = None) -> None:
        check_atom(atom)
        if atom.upper() in _KNOWN:
            raise IMAPValueError(f"{atom!r} is a known response code; use its class")
        if text is not None and (not isinstance(text, str) or _TEXT_CHARS.fullmatch(text) is None):
            raise IMAPValueError(
                f'code text is 1*<any TEXT-CHAR except "]"> (7-bit, RFC 9051 §9): {text!r}'
            )
        object.__setattr__(self, "atom", atom)
        object.__setattr__(self, "text", text)


ResponseCode: TypeAlias = (
    Code
    | BadCharsetCode
    | CapabilityCode
    | PermanentFlagsCode
    | UidNextCode
    | UidValidityCode
    | UnseenCode
    | AppendUidCode
    | CopyUidCode
    | HighestModSeqCode
    | ModifiedCode
    | MetadataCode
    | MailboxIdCode
    | UnknownCode
)


def _new(cls: type[_C], **fields: object) -> _C:
    """A value from fields already validated by the reader (the trusted path)."""
    value = object.__new__(cls)
    for name, field_value in fields.items():
        object.__setattr__(value, name, field_value)
    return value


# --- reading --------------------------------------------------------------------------------------


def _read_badcharset(reader: Reader) -> BadCharsetCode:
    if not reader.skip_sp():
        return _new(BadCharsetCode, charsets=())
    if reader.peek() != 0x28:
        # Lenient: RFC 9051 §6.4.4.4's own example sends "[BADCHARSET UTF-8]", without the
        # parentheses; atoms (which cannot hold "]") separated by SP are read as the list.
        charsets = [reader.read_atom()]
        while reader.skip_sp():
            charsets.append(reader.read_atom())
        return _new(BadCharsetCode, charsets=tuple(charsets))
    reader.open_list()
    charsets = [read_charset(reader)]
    while reader.skip_sp():
        charsets.append(read_charset(reader))
    reader.close_list()
    return _new(BadCharsetCode, charsets=tuple(charsets))


def _read_capability(reader: Reader) -> CapabilityCode:
    caps = []
    while reader.skip_sp():
        caps.append(read_capability(reader))
    if not caps:
        raise reader.error("SP capability")
    return _new(CapabilityCode, capabilities=tuple(caps))


def _read_permanentflags(reader: Reader) -> PermanentFlagsCode:
    reader.expect_sp()
    return _new(PermanentFlagsCode, flags=read_flag_perm_list(reader))


def _read_uidnext(reader: Reader) -> UidNextCode:
    reader.expect_sp()
    return _new(UidNextCode, uid=reader.read_nz_number())


def _read_uidvalidity(reader: Reader) -> UidValidityCode:
    reader.expect_sp()
    return _new(UidValidityCode, uidvalidity=reader.read_nz_number())


def _read_unseen(reader: Reader) -> UnseenCode:
    reader.expect_sp()
    return _new(UnseenCode, number=reader.read_nz_number())


def _read_appenduid(reader: Reader) -> AppendUidCode:
    reader.expect_sp()
    uidvalidity = reader.read_nz_number()
    reader.expect_sp()
    return _new(AppendUidCode, uidvalidity=uidvalidity, uids=read_uid_set(reader))


def _read_copyuid(reader: Reader) -> CopyUidCode:
    reader.expect_sp()
    uidvalidity = reader.read_nz_number()
    reader.expect_sp()
    source = read_uid_set(reader)
    reader.expect_sp()
    destination = read_uid_set(reader)
    return _new(CopyUidCode, uidvalidity=uidvalidity, source=source, destination=destination)


def _read_highestmodseq(reader: Reader) -> HighestModSeqCode:
    reader.expect_sp()
    return _new(HighestModSeqCode, modseq=reader.read_mod_sequence_value())


def _read_modified(reader: Reader) -> ModifiedCode:
    reader.expect_sp()
    pos = reader.pos
    numbers = read_sequence_set(reader)
    if numbers.is_search_result:
        raise reader.error("sequence-set", pos)
    return _new(ModifiedCode, numbers=numbers)


def _read_metadata(reader: Reader) -> MetadataCode:
    reader.expect_sp()
    pos = reader.pos
    kind = reader.read_keyword()
    if kind in _METADATA_NUMBERED:
        reader.expect_sp()
        return _new(MetadataCode, kind=kind, number=reader.read_number())
    if kind in _METADATA_KINDS:
        return _new(MetadataCode, kind=kind, number=None)
    raise reader.error("LONGENTRIES, MAXSIZE, TOOMANY or NOPRIVATE", pos)


def _read_mailboxid(reader: Reader) -> MailboxIdCode:
    reader.expect_sp()
    reader.open_list()
    objectid = read_objectid(reader)
    reader.close_list()
    return _new(MailboxIdCode, objectid=objectid)


_READERS: dict[str, Callable[[Reader], ResponseCode]] = {
    "BADCHARSET": _read_badcharset,
    "CAPABILITY": _read_capability,
    "PERMANENTFLAGS": _read_permanentflags,
    "UIDNEXT": _read_uidnext,
    "UIDVALIDITY": _read_uidvalidity,
    "UNSEEN": _read_unseen,
    "APPENDUID": _read_appenduid,
    "COPYUID": _read_copyuid,
    "HIGHESTMODSEQ": _read_highestmodseq,
    "MODIFIED": _read_modified,
    "METADATA": _read_metadata,
    "MAILBOXID": _read_mailboxid,
}
_KNOWN = frozenset(_CODES) | frozenset(_READERS)
_GENERIC_TEXT = re.compile(rb"[\x01-\x09\x0b\x0c\x0e-\x5c\x5e-\x7f]+")


def _read_generic(reader: Reader, atom: str) -> UnknownCode:
    """``atom [SP 1*<any TEXT-CHAR except "]">]``, the reader just after the atom."""
    text = None
    if reader.at(b" "):
        m = _GENERIC_TEXT.match(reader.buf, reader.pos + 1)
        if m is None:
            raise reader.error('1*<any TEXT-CHAR except "]">', reader.pos + 1)
        text = m.group().decode("ascii")
        reader.pos = m.end()
    return _new(UnknownCode, atom=atom, text=text)


def read_resp_text_code(reader: Reader) -> ResponseCode:
    """``resp-text-code`` (see the module docstring): what is between ``[`` and ``]``.

    The code must end at a ``]``, where the reader is left (the ``]`` is not consumed). A known
    code whose arguments do not parse is read by the generic alternative as an
    :class:`UnknownCode`.
    """
    atom = reader.read_atom()
    name = atom.upper()
    after = reader.pos
    code = _CODES.get(name)
    if code is not None and reader.at(b"]"):
        return code
    read = _READERS.get(name)
    if read is not None:
        depth = reader.depth
        try:
            value = read(reader)
        except IMAPParseError:
            pass
        else:
            if reader.at(b"]"):
                return value
        reader.pos = after
        reader.depth = depth
    generic = _read_generic(reader, atom)
    if not reader.at(b"]"):
        raise reader.error('"]"')
    return generic


def read_resp_text(reader: Reader) -> tuple[ResponseCode | None, str]:
    """``resp-text = ["[" resp-text-code "]" SP] [text]`` (RFC 9051 §9), up to the CRLF (not
    consumed). Returns ``(code or None, text)``; the text may be empty.

    A ``[`` that does not start a well-formed code is part of the text (see the module
    docstring), so this raises only for octets that ``text`` cannot hold (NUL, bare CR, 8-bit
    without UTF-8, malformed UTF-8) -- and those surface where the caller expects the CRLF.
    """
    start = reader.pos
    code: ResponseCode | None = None
    if reader.at(b"["):
        depth = reader.depth
        reader.pos = start + 1
        try:
            code = read_resp_text_code(reader)
            reader.expect(b"]")
        except IMAPParseError:
            code = None
        else:
            if not reader.skip_sp() and not (reader.at(b"\r\n") or reader.at_end()):
                code = None  # "[...]x": the grammar reads it as text
        if code is None:
            reader.pos = start
            reader.depth = depth
    if reader.peek() in (-1, 0x00, 0x0A, 0x0D):
        return code, ""  # empty text; anything odd here is the caller's CRLF error
    return code, reader.read_text()


# --- writing --------------------------------------------------------------------------------------


def write_resp_text_code(writer: Writer, code: ResponseCode) -> None:
    """The wire form of a code, without the brackets. Known names are written upper-case."""
    if isinstance(code, Code):
        writer.raw(code.value.encode("ascii"))
    elif isinstance(code, BadCharsetCode):
        writer.raw(b"BADCHARSET")
        if code.charsets:
            writer.raw(b" (")
            for index, charset in enumerate(code.charsets):
                if index:
                    writer.sp()
                write_charset(writer, charset)
            writer.raw(b")")
    elif isinstance(code, CapabilityCode):
        writer.raw(b"CAPABILITY " + b" ".join([c.to_bytes() for c in code.capabilities]))
    elif isinstance(code, PermanentFlagsCode):
        writer.raw(b"PERMANENTFLAGS " + format_flag_list(code.flags, perm=True))
    elif isinstance(code, UidNextCode):
        writer.raw(b"UIDNEXT %d" % code.uid)
    elif isinstance(code, UidValidityCode):
        writer.raw(b"UIDVALIDITY %d" % code.uidvalidity)
    elif isinstance(code, UnseenCode):
        writer.raw(b"UNSEEN %d" % code.number)
    elif isinstance(code, AppendUidCode):
        writer.raw(b"APPENDUID %d " % code.uidvalidity + code.uids.to_bytes())
    elif isinstance(code, CopyUidCode):
        writer.raw(
            b"COPYUID %d " % code.uidvalidity
            + code.source.to_bytes()
            + b" "
            + code.destination.to_bytes()
        )
    elif isinstance(code, HighestModSeqCode):
        writer.raw(b"HIGHESTMODSEQ %d" % code.modseq)
    elif isinstance(code, ModifiedCode):
        writer.raw(b"MODIFIED " + code.numbers.to_bytes())
    elif isinstance(code, MetadataCode):
        writer.raw(b"METADATA " + code.kind.encode("ascii"))
        if code.number is not None:
            writer.raw(b" %d" % code.number)
    elif isinstance(code, MailboxIdCode):
        writer.raw(b"MAILBOXID (" + code.objectid.encode("ascii") + b")")
    elif isinstance(code, UnknownCode):
        writer.raw(code.atom.encode("ascii"))
        if code.text is not None:
            writer.raw(b" " + code.text.encode("ascii"))
    else:
        raise IMAPValueError(f"not a response code: {code!r}")


def write_resp_text(writer: Writer, code: ResponseCode | None, text: str) -> None:
    """``resp-text``: ``[code] text``. A code is always followed by SP (RFC 9051 §9), even when
    the text is empty.

    ``text`` may not hold CR, LF or NUL; non-ASCII needs UTF-8 enabled (``writer.options.utf8``,
    RFC 9051 §9 ``text``). Without a code, a text that would be read back as one (``"[ALERT]
    x"``) is refused: it cannot round-trip.
    """
    data = _text_octets(text, writer.options.utf8)
    if code is not None:
        writer.raw(b"[")
        write_resp_text_code(writer, code)
        writer.raw(b"] ")
    elif data.startswith(b"["):
        parsed, _ = read_resp_text(Reader(data + b"\r\n", utf8=True))
        if parsed is not None:
            raise IMAPValueError(
                f"text {text!r} would be read as a response code; pass the code separately"
            )
    writer.raw(data)


def _text_octets(text: str, utf8: bool) -> bytes:
    if not isinstance(text, str):
        raise TypeError(f"response text is str, not {type(text).__name__}")
    if "\r" in text or "\n" in text or "\x00" in text:
        raise IMAPValueError(f"response text cannot hold CR, LF or NUL: {text!r}")
    if text.isascii():
        return text.encode("ascii")
    if not utf8:
        raise IMAPValueError("non-ASCII response text needs UTF-8 enabled (RFC 9051 §9 text)")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise IMAPValueError(f"response text has no UTF-8 form: {text!r}") from None
