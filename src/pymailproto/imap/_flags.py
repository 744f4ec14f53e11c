"""Message flags and mailbox (LIST) attributes.

RFC 9051 §9::

    flag            = "\\Answered" / "\\Flagged" / "\\Deleted" /
                      "\\Seen" / "\\Draft" / flag-keyword / flag-extension
                        ; Does not include "\\Recent"
    flag-extension  = "\\" atom
    flag-fetch      = flag / obsolete-flag-recent
    flag-keyword    = "$MDNSent" / "$Forwarded" / "$Junk" /
                      "$NotJunk" / "$Phishing" / atom
    flag-list       = "(" [flag *(SP flag)] ")"
    flag-perm       = flag / "\\*"
    obsolete-flag-recent = "\\Recent"
    mbx-list-flags  = *(mbx-list-oflag SP) mbx-list-sflag
                      *(SP mbx-list-oflag) /
                      mbx-list-oflag *(SP mbx-list-oflag)
    mbx-list-oflag  = "\\Noinferiors" / child-mbox-flag /
                      "\\Subscribed" / "\\Remote" / flag-extension
    mbx-list-sflag  = "\\NonExistent" / "\\Noselect" / "\\Marked" /
                      "\\Unmarked"
    child-mbox-flag =  "\\HasChildren" / "\\HasNoChildren"

RFC 6154 §6 adds ``mbx-list-oflag =/ use-attr`` with ``use-attr = "\\All" / "\\Archive" /
"\\Drafts" / "\\Flagged" / "\\Junk" / "\\Sent" / "\\Trash" / use-attr-ext``.

Comparison is case-insensitive and the spelling is kept for output: the names above are ABNF
strings, which are case-insensitive (RFC 9051 §9 note 1), so ``\\SEEN`` is ``\\Seen`` and
``$junk`` is ``$Junk``. Other keywords are compared the same way, so that a keyword never
equals itself in one spelling and not in another. ``\\Recent`` (RFC 3501, obsolete in RFC 9051)
is syntactically a flag-extension and is accepted wherever a flag is; it is :attr:`Flag.RECENT`.

A :class:`Flag` and a :class:`MailboxAttribute` never compare equal, even when both are
spelled ``\\Flagged``: one marks a message, the other a mailbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._names import FoldedName

__all__ = [
    "Flag",
    "MailboxAttribute",
    "format_flag_list",
    "format_mbx_list_flags",
    "read_flag",
    "read_flag_list",
    "read_flag_perm",
    "read_flag_perm_list",
    "read_mbx_list_flags",
]

_ATOM_CHAR = r'[^\x00-\x20\x7f-\U0010ffff(){%*"\\\]]'
_FLAG_TEXT = re.compile(r"\\?" + _ATOM_CHAR + r"+|\\\*")
_ATTRIBUTE_TEXT = re.compile(r"\\" + _ATOM_CHAR + r"+")
_ATOM_CHAR_B = rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]'
_FLAG_B = rb"(?:\\?" + _ATOM_CHAR_B + rb"+|\\\*)"
_FLAG = re.compile(_FLAG_B)
_FLAG_LIST = re.compile(rb"\((" + _FLAG_B + rb"(?: " + _FLAG_B + rb")*)?\)")
_ATTRIBUTE_B = rb"\\" + _ATOM_CHAR_B + rb"+"
_ATTRIBUTE = re.compile(_ATTRIBUTE_B)
_ATTRIBUTE_LIST = re.compile(rb"\((" + _ATTRIBUTE_B + rb"(?: " + _ATTRIBUTE_B + rb")*)?\)")

# RFC 9051 §2.3.2 system flags, with \Recent of RFC 3501 §2.3.2.
_SYSTEM = frozenset({"\\seen", "\\answered", "\\flagged", "\\deleted", "\\draft", "\\recent"})
# RFC 9051 §9 mbx-list-sflag: only one per LIST response.
_SELECTABILITY = frozenset({"\\nonexistent", "\\noselect", "\\marked", "\\unmarked"})
# RFC 6154 §2 use-attr.
_SPECIAL_USE = frozenset(
    {"\\all", "\\archive", "\\drafts", "\\flagged", "\\junk", "\\sent", "\\trash"}
)


@dataclass(frozen=True, slots=True, init=False, eq=False)
class Flag(FoldedName):
    """A message flag: a system flag (``\\Seen``), a keyword (``$Forwarded``, ``NonJunk``), a
    flag-extension (``\\Something``) or, in PERMANENTFLAGS only, ``\\*``."""

    name: str
    _key: str = field(repr=False)

    SEEN: ClassVar[Flag]
    ANSWERED: ClassVar[Flag]
    FLAGGED: ClassVar[Flag]
    DELETED: ClassVar[Flag]
    DRAFT: ClassVar[Flag]
    RECENT: ClassVar[Flag]
    #: ``\\*`` in PERMANENTFLAGS: new keywords may be created (RFC 9051 §7.1).
    WILDCARD: ClassVar[Flag]
    FORWARDED: ClassVar[Flag]
    MDN_SENT: ClassVar[Flag]
    JUNK: ClassVar[Flag]
    NOT_JUNK: ClassVar[Flag]
    PHISHING: ClassVar[Flag]

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or _FLAG_TEXT.fullmatch(name) is None:
            raise IMAPValueError(f"not a flag (RFC 9051 §9 flag / flag-perm): {name!r}")
        self._set(name)

    @property
    def is_system(self) -> bool:
        """``\\Seen \\Answered \\Flagged \\Deleted \\Draft`` or ``\\Recent`` (RFC 9051 §2.3.2)."""
        return self._key in _SYSTEM

    @property
    def is_keyword(self) -> bool:
        """A keyword (``flag-keyword``): no leading backslash."""
        return not self._key.startswith("\\")

    @property
    def is_extension(self) -> bool:
        """A ``flag-extension`` other than the system flags."""
        return self._key.startswith("\\") and self._key not in _SYSTEM and self._key != "\\*"

    @property
    def is_wildcard(self) -> bool:
        """``\\*`` (RFC 9051 §9 flag-perm)."""
        return self._key == "\\*"


@dataclass(frozen=True, slots=True, init=False, eq=False)
class MailboxAttribute(FoldedName):
    """A LIST/LSUB mailbox attribute (``mbx-list-oflag`` / ``mbx-list-sflag``, RFC 9051 §9),
    including the CHILDREN and LIST-EXTENDED ones (RFC 5258) and SPECIAL-USE (RFC 6154)."""

    name: str
    _key: str = field(repr=False)

    NOINFERIORS: ClassVar[MailboxAttribute]
    NOSELECT: ClassVar[MailboxAttribute]
    MARKED: ClassVar[MailboxAttribute]
    UNMARKED: ClassVar[MailboxAttribute]
    NONEXISTENT: ClassVar[MailboxAttribute]
    SUBSCRIBED: ClassVar[MailboxAttribute]
    REMOTE: ClassVar[MailboxAttribute]
    HAS_CHILDREN: ClassVar[MailboxAttribute]
    HAS_NO_CHILDREN: ClassVar[MailboxAttribute]
    ALL: ClassVar[MailboxAttribute]
    ARCHIVE: ClassVar[MailboxAttribute]
    DRAFTS: ClassVar[MailboxAttribute]
    FLAGGED: ClassVar[MailboxAttribute]
    JUNK: ClassVar[MailboxAttribute]
    SENT: ClassVar[MailboxAttribute]
    TRASH: ClassVar[MailboxAttribute]

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or _ATTRIBUTE_TEXT.fullmatch(name) is None:
            raise IMAPValueError(f'not a mailbox attribute ("\\" atom, RFC 9051 §9): {name!r}')
        self._set(name)

    @property
    def is_selectability(self) -> bool:
        """One of ``mbx-list-sflag``, of which a LIST response carries at most one."""
        return self._key in _SELECTABILITY

    @property
    def is_special_use(self) -> bool:
        """One of the RFC 6154 ``use-attr`` names."""
        return self._key in _SPECIAL_USE


for _name, _spelling in [
    ("SEEN", "\\Seen"),
    ("ANSWERED", "\\Answered"),
    ("FLAGGED", "\\Flagged"),
    ("DELETED", "\\Deleted"),
    ("DRAFT", "\\Draft"),
    ("RECENT", "\\Recent"),
    ("WILDCARD", "\\*"),
    ("FORWARDED", "$Forwarded"),
    ("MDN_SENT", "$MDNSent"),
    ("JUNK", "$Junk"),
    ("NOT_JUNK", "$NotJunk"),
    ("PHISHING", "$Phishing"),
]:
    setattr(Flag, _name, Flag._trusted(_spelling))
for _name, _spelling in [
    ("NOINFERIORS", "\\Noinferiors"),
    ("NOSELECT", "\\Noselect"),
    ("MARKED", "\\Marked"),
    ("UNMARKED", "\\Unmarked"),
    ("NONEXISTENT", "\\NonExistent"),
    ("SUBSCRIBED", "\\Subscribed"),
    ("REMOTE", "\\Remote"),
    ("HAS_CHILDREN", "\\HasChildren"),
    ("HAS_NO_CHILDREN", "\\HasNoChildren"),
    ("ALL", "\\All"),
    ("ARCHIVE", "\\Archive"),
    ("DRAFTS", "\\Drafts"),
    ("FLAGGED", "\\Flagged"),
    ("JUNK", "\\Junk"),
    ("SENT", "\\Sent"),
    ("TRASH", "\\Trash"),
]:
    setattr(MailboxAttribute, _name, MailboxAttribute._trusted(_spelling))

# Parsed names are shared: the same few flags arrive in every FETCH response. The caches are
# bounded so that a peer inventing keywords cannot grow them without limit: when one is full it
# starts again from the standard names.
_CACHE_MAX = 1024
_STANDARD_FLAGS = {
    flag.name.encode("ascii"): flag for flag in vars(Flag).values() if isinstance(flag, Flag)
}
_STANDARD_ATTRIBUTES = {
    attribute.name.encode("ascii"): attribute
    for attribute in vars(MailboxAttribute).values()
    if isinstance(attribute, MailboxAttribute)
}
_FLAGS: dict[bytes, Flag] = dict(_STANDARD_FLAGS)
_ATTRIBUTES: dict[bytes, MailboxAttribute] = dict(_STANDARD_ATTRIBUTES)


def _flag(token: bytes) -> Flag:
    flag = _FLAGS.get(token)
    if flag is None:
        flag = Flag._trusted(token.decode("ascii"))
        if len(_FLAGS) >= _CACHE_MAX:
            _FLAGS.clear()
            _FLAGS.update(_STANDARD_FLAGS)
        _FLAGS[token] = flag
    return flag


def _attribute(token: bytes) -> MailboxAttribute:
    attribute = _ATTRIBUTES.get(token)
    if attribute is None:
        attribute = MailboxAttribute._trusted(token.decode("ascii"))
        if len(_ATTRIBUTES) >= _CACHE_MAX:
            _ATTRIBUTES.clear()
            _ATTRIBUTES.update(_STANDARD_ATTRIBUTES)
        _ATTRIBUTES[token] = attribute
    return attribute


# --- reading --------------------------------------------------------------------------------------


def read_flag_perm(reader: Reader) -> Flag:
    """``flag-perm = flag / "\\*"`` (RFC 9051 §9)."""
    m = _FLAG.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error("flag")
    reader.pos = m.end()
    return _flag(m.group())


def read_flag(reader: Reader) -> Flag:
    """``flag`` / ``flag-fetch`` (RFC 9051 §9): a system flag, keyword or flag-extension."""
    pos = reader.pos
    flag = read_flag_perm(reader)
    if flag.is_wildcard:
        reader.pos = pos
        raise reader.error('flag ("\\*" is only allowed in PERMANENTFLAGS)', pos)
    return flag


def _read_flags(reader: Reader, perm: bool) -> tuple[Flag, ...]:
    pos = reader.pos
    m = _FLAG_LIST.match(reader.buf, pos)
    if m is not None and reader.depth < reader.max_depth:
        body = m.group(1)
        if body is None:
            reader.pos = m.end()
            return ()
        if perm or b"\\*" not in body:
            reader.pos = m.end()
            return tuple([_flag(token) for token in body.split(b" ")])
    # Not a well-formed list: read it item by item to find where it breaks.
    item = read_flag_perm if perm else read_flag
    return tuple(reader.read_list(item))


def read_flag_list(reader: Reader) -> tuple[Flag, ...]:
    """``flag-list = "(" [flag *(SP flag)] ")"`` (RFC 9051 §9), also FETCH's
    ``"FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"``."""
    return _read_flags(reader, False)


def read_flag_perm_list(reader: Reader) -> tuple[Flag, ...]:
    """PERMANENTFLAGS' ``"(" [flag-perm *(SP flag-perm)] ")"`` (RFC 9051 §9 resp-text-code)."""
    return _read_flags(reader, True)


def _read_attribute(reader: Reader) -> MailboxAttribute:
    m = _ATTRIBUTE.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error('mailbox attribute ("\\" atom)')
    reader.pos = m.end()
    return _attribute(m.group())


def read_mbx_list_flags(reader: Reader) -> tuple[MailboxAttribute, ...]:
    """``"(" [mbx-list-flags] ")"`` of a LIST response (RFC 9051 §9 mailbox-list).

    At most one selectability attribute (``mbx-list-sflag``) may appear.
    """
    pos = reader.pos
    m = _ATTRIBUTE_LIST.match(reader.buf, pos)
    if m is None or reader.depth >= reader.max_depth:
        # Not a well-formed list, or one level too deep: read it item by item, which raises
        # with the offset where it breaks.
        reader.read_list(_read_attribute)
        raise AssertionError("the pattern accepts every list that read_list accepts")
    body = m.group(1)
    attributes = () if body is None else tuple([_attribute(t) for t in body.split(b" ")])
    if sum(attribute.is_selectability for attribute in attributes) > 1:
        reader.pos = pos
        raise reader.fail(
            "more than one of \\NonExistent \\Noselect \\Marked \\Unmarked (RFC 9051 §9)", pos
        )
    reader.pos = m.end()
    return attributes


# --- writing --------------------------------------------------------------------------------------


def format_flag_list(flags: Iterable[Flag], *, perm: bool = False) -> bytes:
    """``flag-list`` (or, with ``perm``, the PERMANENTFLAGS list that may hold ``\\*``)."""
    parts = []
    for flag in flags:
        if not isinstance(flag, Flag):
            raise IMAPValueError(f"not a Flag: {flag!r}")
        if flag.is_wildcard and not perm:
            raise IMAPValueError('"\\*" is only allowed in PERMANENTFLAGS (RFC 9051 §9 flag-perm)')
        parts.append(flag.name)
    return ("(" + " ".join(parts) + ")").encode("ascii")


def format_mbx_list_flags(attributes: Iterable[MailboxAttribute]) -> bytes:
    """``"(" [mbx-list-flags] ")"``; refuses more than one selectability attribute."""
    items = list(attributes)
    if not all(isinstance(attribute, MailboxAttribute) for attribute in items):
        raise IMAPValueError(f"not all MailboxAttributes: {items!r}")
    if sum(attribute.is_selectability for attribute in items) > 1:
        raise IMAPValueError("at most one of \\NonExistent \\Noselect \\Marked \\Unmarked")
    return ("(" + " ".join(attribute.name for attribute in items) + ")").encode("ascii")
