"""Typed IMAP values and their wire forms: atoms, strings, NIL, numbers, tags, fragments.

RFC 9051 §4: "Data in IMAP4rev2 can be in one of several forms: atom, number, string,
parenthesized list, or NIL." A string has three wire forms (quoted, synchronizing literal,
non-synchronizing literal, §4.3) and an ``astring`` may also be an atom. This module holds

* the values -- :class:`Atom`, :class:`Quoted`, :class:`Literal`, :data:`NIL` -- which validate
  on construction, so none can exist that has no valid wire form (no CR, LF or NUL in a quoted
  string, nothing but ATOM-CHARs in an atom, no NUL in a literal that is not a literal8);
* the choosers -- :func:`choose_astring`, :func:`choose_string`, :func:`choose_nstring` -- which
  pick the cheapest valid form for some octets: atom, then quoted, then literal, honouring
  whether UTF-8 is enabled and which non-synchronizing literals the server takes
  (:class:`WireOptions`);
* the fragments -- :class:`LineFragment`, :class:`LiteralFragment` -- that serializers produce:
  a message is a list of fragments, and a client must wait for a continuation request after a
  line that ends in the header of a :attr:`LiteralMode.SYNC` literal (imap-codec's model);
* :class:`Writer`, which builds the fragments of one message piece by piece.

Strings are octets (``bytes``); ``str`` arguments are encoded as UTF-8.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal as _Literal
from typing import TypeAlias, TypeVar

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import MAX_NUMBER, MAX_NUMBER64

__all__ = [
    "NIL",
    "NONSYNC_LITERAL_MAX",
    "AString",
    "Atom",
    "Fragment",
    "IString",
    "LineFragment",
    "Literal",
    "LiteralFragment",
    "LiteralMode",
    "LiteralSupport",
    "NString",
    "Nil",
    "Quoted",
    "WireOptions",
    "Writer",
    "check_atom",
    "check_number",
    "check_number64",
    "check_nz_number",
    "check_nz_number64",
    "check_tag",
    "choose_astring",
    "choose_nstring",
    "choose_string",
    "join_fragments",
    "literal_mode",
]

#: RFC 7888 §5 (LITERAL-) and RFC 9051 §4.3: non-synchronizing literals "MUST NOT be larger than
#: 4096 octets".
NONSYNC_LITERAL_MAX = 4096

_V = TypeVar("_V")

# RFC 9051 §9 ATOM-CHAR, ASTRING-CHAR and tag; see _lexer.py for the derivation.
_ATOM = re.compile(r'[^\x00-\x20\x7f-\U0010ffff(){%*"\\\]]+')
_ASTRING_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\]+')
_ATOM_BYTES = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
_TAG = re.compile(r'[^\x00-\x20\x7f-\U0010ffff(){%*"\\+]+')


# --- literal modes and options --------------------------------------------------------------------


class LiteralMode(enum.Enum):
    """How a literal's header is written, and so whether a client must wait before its data."""

    #: ``{n}`` -- a client waits for a continuation request before sending the octets
    #: (RFC 9051 §4.3). Servers always send this form, and never wait.
    SYNC = "sync"
    #: ``{n+}`` -- sent without waiting (RFC 7888 §3); client to server only.
    NONSYNC = "nonsync"


class LiteralSupport(enum.Enum):
    """Which non-synchronizing literals the receiving side accepts (RFC 7888)."""

    #: Only ``{n}``: the server lacks LITERAL+/LITERAL-, or we are the server (RFC 9051 §4.3:
    #: non-synchronizing literals "MUST NOT be sent from server to client").
    SYNC_ONLY = "sync-only"
    #: LITERAL+ (RFC 7888 §3): ``{n+}`` of any size.
    LITERAL_PLUS = "LITERAL+"
    #: LITERAL- (RFC 7888 §5), and IMAP4rev2 (RFC 9051 §4.3): ``{n+}`` up to 4096 octets.
    LITERAL_MINUS = "LITERAL-"


@dataclass(frozen=True, slots=True)
class WireOptions:
    """What the peer accepts, which decides the forms the serializers choose.

    ``utf8``: UTF-8 may appear in quoted strings (after ``ENABLE UTF8=ACCEPT`` or
    ``ENABLE IMAP4rev2``; RFC 6855 §3, RFC 9051 §4.3.1). ``literals``: see
    :class:`LiteralSupport`.
    """

    utf8: bool = False
    literals: LiteralSupport = LiteralSupport.SYNC_ONLY


_DEFAULT_OPTIONS = WireOptions()


def literal_mode(size: int, options: WireOptions) -> LiteralMode:
    """The literal form to use for ``size`` octets (RFC 7888 §3, §5)."""
    support = options.literals
    if support is LiteralSupport.LITERAL_PLUS or (
        support is LiteralSupport.LITERAL_MINUS and size <= NONSYNC_LITERAL_MAX
    ):
        return LiteralMode.NONSYNC
    return LiteralMode.SYNC


# --- fragments ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineFragment:
    """Octets of a line, up to and including the header (``{n}\\r\\n``) of a literal that follows,
    or the message's final CRLF. Produced by the serializers; not validated."""

    data: bytes


@dataclass(frozen=True, slots=True)
class LiteralFragment:
    """The octets of one literal; the preceding :class:`LineFragment` ends with its header."""

    data: bytes
    mode: LiteralMode
    #: A literal8 (``~{n}``, RFC 9051 §9 / RFC 3516), which may hold NUL.
    binary: bool = False


Fragment: TypeAlias = LineFragment | LiteralFragment


def join_fragments(fragments: Iterable[Fragment]) -> bytes:
    """The complete wire form of a message from its fragments."""
    return b"".join([fragment.data for fragment in fragments])


# --- validation of plain values -------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_number(value: int) -> int:
    """``number``: 0 <= n < 4,294,967,296 (RFC 9051 §9)."""
    if not _is_int(value) or not 0 <= value <= MAX_NUMBER:
        raise IMAPValueError(f"not an IMAP number (0 <= n < 2**32): {value!r}")
    return value


def check_nz_number(value: int) -> int:
    """``nz-number``: 0 < n < 4,294,967,296 (RFC 9051 §9)."""
    if not _is_int(value) or not 0 < value <= MAX_NUMBER:
        raise IMAPValueError(f"not an IMAP nz-number (0 < n < 2**32): {value!r}")
    return value


def check_number64(value: int) -> int:
    """``number64``: 0 <= n <= 9,223,372,036,854,775,807 (RFC 9051 §9)."""
    if not _is_int(value) or not 0 <= value <= MAX_NUMBER64:
        raise IMAPValueError(f"not an IMAP number64 (0 <= n < 2**63): {value!r}")
    return value


def check_nz_number64(value: int) -> int:
    """``nz-number64`` (RFC 9051 §9) and RFC 7162 ``mod-sequence-value``: 0 < n < 2**63."""
    if not _is_int(value) or not 0 < value <= MAX_NUMBER64:
        raise IMAPValueError(f"not an IMAP nz-number64 (0 < n < 2**63): {value!r}")
    return value


def check_atom(value: str) -> str:
    """``atom = 1*ATOM-CHAR`` (RFC 9051 §9); returns ``value``."""
    if not isinstance(value, str) or _ATOM.fullmatch(value) is None:
        raise IMAPValueError(f"not an IMAP atom (1*ATOM-CHAR, RFC 9051 §9): {value!r}")
    return value


def check_tag(value: str) -> str:
    """``tag = 1*<any ASTRING-CHAR except "+">`` (RFC 9051 §9); returns ``value``."""
    if not isinstance(value, str) or _TAG.fullmatch(value) is None:
        raise IMAPValueError(f"not an IMAP tag (RFC 9051 §9): {value!r}")
    return value


def _octets(data: bytes | str) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            raise IMAPValueError(f"string has no UTF-8 form: {data!r}") from None
    raise TypeError(f"expected bytes or str, got {type(data).__name__}")


def _quotable(data: bytes, utf8: bool) -> bool:
    """Whether ``data`` can be the content of ``quoted`` (RFC 9051 §9, RFC 6855 §3)."""
    # QUOTED-CHAR excludes CR and LF (TEXT-CHAR) and NUL (CHAR is %x01-7F; §9 note 3). An int
    # needle makes "in" a plain memchr.
    if 0x0D in data or 0x0A in data or 0 in data:
        return False
    if data.isascii():
        return True
    return utf8 and _is_utf8(data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Atom:
    """``atom = 1*ATOM-CHAR`` (RFC 9051 §9): ASCII without specials, spaces or controls."""

    value: str

    def __post_init__(self) -> None:
        check_atom(self.value)

    def __str__(self) -> str:
        return self.value

    def to_bytes(self) -> bytes:
        """The wire form."""
        return self.value.encode("ascii")


@dataclass(frozen=True, slots=True, init=False)
class Quoted:
    """A string in quoted form (RFC 9051 §9)::

        quoted          = DQUOTE *QUOTED-CHAR DQUOTE
        QUOTED-CHAR     = <any TEXT-CHAR except quoted-specials> /
                          "\\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4

    ``value`` is the content, unescaped. It may hold UTF-8 (:attr:`needs_utf8`), which only
    a peer with UTF-8 enabled accepts, but never CR, LF, NUL or malformed UTF-8.
    """

    value: bytes

    def __init__(self, value: bytes | str) -> None:
        data = _octets(value)
        if not _quotable(data, True):
            raise IMAPValueError(
                f"a quoted string cannot hold CR, LF, NUL or malformed UTF-8: {data!r}"
            )
        object.__setattr__(self, "value", data)

    @property
    def needs_utf8(self) -> bool:
        """Whether the content is 8-bit (UTF8=ACCEPT / IMAP4rev2 needed, RFC 6855 §3)."""
        return not self.value.isascii()

    def to_bytes(self) -> bytes:
        """The wire form, DQUOTEs and quoted-pairs included."""
        return _quote(self.value)


@dataclass(frozen=True, slots=True, init=False)
class Literal:
    """A string in literal form: ``literal`` (CHAR8, no NUL) or, with ``binary``, ``literal8``
    (any OCTET; RFC 9051 §9 -- only where the grammar allows it, e.g. BINARY FETCH data).

    Whether it is written synchronizing or not is chosen at serialization time from
    :class:`WireOptions` (see :func:`literal_mode`).
    """

    data: bytes
    binary: bool

    def __init__(self, data: bytes | str, *, binary: bool = False) -> None:
        octets = _octets(data)
        if not binary and 0 in octets:
            raise IMAPValueError("NUL in a literal (CHAR8 = %x01-ff); use a literal8 (binary)")
        object.__setattr__(self, "data", octets)
        object.__setattr__(self, "binary", bool(binary))


class Nil(enum.Enum):
    """``nil = "NIL"`` (RFC 9051 §4.5): the absence of a string or list; :data:`NIL`."""

    NIL = "NIL"

    def __repr__(self) -> str:
        return "NIL"

    def to_bytes(self) -> bytes:
        """The wire form."""
        return b"NIL"


NIL = Nil.NIL

#: string = quoted / literal
IString: TypeAlias = Quoted | Literal
#: astring = 1*ASTRING-CHAR / string (the atom form is chosen only for pure ATOM-CHARs)
AString: TypeAlias = Atom | Quoted | Literal
#: nstring = string / nil
NString: TypeAlias = Quoted | Literal | _Literal[Nil.NIL]


def _trusted(cls: type[_V], **fields: object) -> _V:
    """Build a value whose fields were already validated, skipping its constructor."""
    value = cls.__new__(cls)
    for name, field_value in fields.items():
        object.__setattr__(value, name, field_value)
    return value


def _quote(data: bytes) -> bytes:
    if 0x5C in data or 0x22 in data:
        data = data.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return b'"' + data + b'"'


# --- choosing a form ------------------------------------------------------------------------------


def choose_string(data: bytes | str, options: WireOptions = _DEFAULT_OPTIONS) -> Quoted | Literal:
    """The cheapest form of ``string = quoted / literal`` for ``data``: quoted when it can be
    (no CR, LF, NUL; 8-bit only as UTF-8 and with ``options.utf8``), otherwise a literal."""
    octets = _octets(data)
    if _quotable(octets, options.utf8):
        return _trusted(Quoted, value=octets)
    if 0 in octets:
        raise IMAPValueError("a string cannot carry NUL (RFC 9051 §4.3.1); use a literal8")
    return _trusted(Literal, data=octets, binary=False)


def choose_astring(data: bytes | str, options: WireOptions = _DEFAULT_OPTIONS) -> AString:
    """The cheapest form of ``astring = 1*ASTRING-CHAR / string``: an atom when ``data`` is
    made of ATOM-CHARs only, else as :func:`choose_string`."""
    octets = _octets(data)
    if _ATOM_BYTES.fullmatch(octets) is not None:
        return _trusted(Atom, value=octets.decode("ascii"))
    return choose_string(octets, options)


def choose_nstring(data: bytes | str | None, options: WireOptions = _DEFAULT_OPTIONS) -> NString:
    """``nstring = string / nil``: :data:`NIL` for None, else as :func:`choose_string`.

    The string ``NIL`` is quoted, never confused with nil (RFC 9051 §4.5).
    """
    if data is None:
        return NIL
    return choose_string(data, options)


# --- the writer -----------------------------------------------------------------------------------


class Writer:
    """Builds the wire form of one message as :class:`Fragment`\\ s.

    ``raw`` bytes are trusted grammar text (keywords, SP, parentheses) supplied by the
    serializers; every other method validates its value. ``options`` decides string forms.
    """

    __slots__ = ("_fragments", "_line", "options")

    def __init__(self, options: WireOptions = _DEFAULT_OPTIONS) -> None:
        self.options = options
        self._line = bytearray()
        self._fragments: list[Fragment] = []

    def raw(self, data: bytes) -> None:
        """Append trusted octets to the current line."""
        self._line += data

    def sp(self) -> None:
        """``SP``."""
        self._line += b" "

    def crlf(self) -> None:
        """``CRLF``."""
        self._line += b"\r\n"

    def atom(self, value: str) -> None:
        """``atom`` (validated)."""
        self._line += check_atom(value).encode("ascii")

    def tag(self, value: str) -> None:
        """``tag`` (validated)."""
        self._line += check_tag(value).encode("ascii")

    def number(self, value: int) -> None:
        """``number`` (validated: 32-bit unsigned)."""
        self._line += b"%d" % check_number(value)

    def nz_number(self, value: int) -> None:
        """``nz-number`` (validated)."""
        self._line += b"%d" % check_nz_number(value)

    def number64(self, value: int) -> None:
        """``number64`` (validated: 63-bit unsigned)."""
        self._line += b"%d" % check_number64(value)

    def nz_number64(self, value: int) -> None:
        """``nz-number64`` / ``mod-sequence-value`` (validated)."""
        self._line += b"%d" % check_nz_number64(value)

    def quoted(self, data: bytes | str) -> None:
        """``quoted``; raises when ``data`` cannot be quoted under :attr:`options`."""
        octets = _octets(data)
        if not _quotable(octets, self.options.utf8):
            raise IMAPValueError(f"cannot be sent as a quoted string: {octets[:40]!r}")
        self._line += _quote(octets)

    def literal(self, data: bytes | str, *, binary: bool = False) -> None:
        """``literal`` (or ``literal8`` with ``binary``), in the mode :attr:`options` allow."""
        octets = _octets(data)
        if not binary and 0 in octets:
            raise IMAPValueError("NUL in a literal (CHAR8 = %x01-ff); use a literal8 (binary)")
        self._literal(octets, binary)

    def _literal(self, octets: bytes, binary: bool) -> None:
        size = len(octets)
        mode = literal_mode(size, self.options)
        line = self._line
        if binary:
            line += b"~"
        line += (b"{%d+}\r\n" if mode is LiteralMode.NONSYNC else b"{%d}\r\n") % size
        self._fragments.append(LineFragment(bytes(line)))
        self._fragments.append(LiteralFragment(octets, mode, binary))
        self._line = bytearray()

    def string(self, data: bytes | str) -> None:
        """``string``, in its cheapest form (:func:`choose_string`)."""
        octets = _octets(data)
        if _quotable(octets, self.options.utf8):
            self._line += _quote(octets)
        elif 0 in octets:
            raise IMAPValueError("a string cannot carry NUL (RFC 9051 §4.3.1); use a literal8")
        else:
            self._literal(octets, False)

    def astring(self, data: bytes | str) -> None:
        """``astring``, in its cheapest form (:func:`choose_astring`)."""
        octets = _octets(data)
        if _ATOM_BYTES.fullmatch(octets) is not None:
            self._line += octets
        else:
            self.string(octets)

    def nstring(self, data: bytes | str | None) -> None:
        """``nstring``, in its cheapest form (:func:`choose_nstring`)."""
        if data is None:
            self._line += b"NIL"
        else:
            self.string(data)

    def value(self, value: Atom | Quoted | Literal | Nil | int) -> None:
        """A typed value in the form it names (a literal's mode still follows the options)."""
        if isinstance(value, Atom):
            self._line += value.value.encode("ascii")
        elif isinstance(value, Quoted):
            if value.needs_utf8 and not self.options.utf8:
                raise IMAPValueError("8-bit quoted string needs UTF8=ACCEPT (RFC 6855 §3)")
            self._line += _quote(value.value)
        elif isinstance(value, Literal):
            self._literal(value.data, value.binary)
        elif value is NIL:
            self._line += b"NIL"
        else:
            self.number64(value)

    def fragments(self) -> list[Fragment]:
        """The fragments written so far (the writer is emptied)."""
        fragments = self._fragments
        if self._line:
            fragments.append(LineFragment(bytes(self._line)))
        self._fragments = []
        self._line = bytearray()
        return fragments

    def to_bytes(self) -> bytes:
        """Everything written so far as one byte string (the writer is emptied)."""
        return join_fragments(self.fragments())
