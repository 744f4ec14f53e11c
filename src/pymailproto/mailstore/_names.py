"""Mailbox names and hierarchy: the rules every store shares (RFC 9051 §5.1).

A name is a ``str`` whose levels are separated by the account's delimiter (``"/"`` by
default). The store canonicalises each name once, and every comparison after that is plain
string equality:

* Unicode NFC: RFC 9051 §5.1 lets a server accept a denormalised name and convert it, as long
  as it does so in every command -- so ``SELECT`` opens what ``CREATE`` made.
* INBOX in any ASCII case is ``"INBOX"`` (RFC 9051 §5.1), and so is a first level spelled
  ``inbox``: ``"inbox/Lists"`` is ``"INBOX/Lists"``, an inferior of INBOX. (RFC 9051 leaves all
  names but INBOX to the implementation; without this, ``inbox/x`` would be a child of nothing.)
* Every other name is case-sensitive, as in Dovecot's default configuration.

Names with an empty level (``"a//b"``, ``"/a"``), control characters (RFC 9051 §5.1 item 2,
RFC 6855 §3) or more than ``max_length`` characters are refused when created.
"""

from __future__ import annotations

import re
import unicodedata

from pymailproto.mailstore.errors import InvalidMailboxName, InvalidSpecialUse, NoSuchMailbox

__all__ = [
    "INBOX",
    "SPECIAL_USES",
    "ancestors",
    "check_delimiter",
    "check_special_use",
    "create_name",
    "existing_name",
    "is_inferior",
]

INBOX = "INBOX"

#: RFC 6154 §2: the special-use attributes, in their canonical spelling.
SPECIAL_USES = ("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")
_SPECIAL_BY_FOLD = {use.lower(): use for use in SPECIAL_USES}

# C0 and C1 controls, DEL, and the line/paragraph separators RFC 6855 §3 forbids.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_delimiter(delimiter: str) -> str:
    """``delimiter`` if it can separate levels: one printable, non-alphanumeric ASCII character."""
    if len(delimiter) != 1 or not ("!" <= delimiter <= "~") or delimiter.isalnum():
        raise ValueError(f"a hierarchy delimiter is one ASCII punctuation character: {delimiter!r}")
    return delimiter


def _is_inbox(level: str) -> bool:
    # ASCII case only (RFC 5234 §2.3): the dotless i of "\u0131nbox" does not make it INBOX.
    return len(level) == 5 and level.isascii() and level.upper() == INBOX


def _canonical(name: str, delimiter: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"a mailbox name is a str, not {type(name).__name__}")
    name = unicodedata.normalize("NFC", name)
    first, sep, rest = name.partition(delimiter)
    return INBOX + sep + rest if _is_inbox(first) else name


def create_name(name: str, delimiter: str, max_length: int) -> str:
    """The canonical form of a name to create, or :class:`InvalidMailboxName`.

    One trailing delimiter is dropped: RFC 9051 §6.3.4 makes ``CREATE foo/`` a declaration
    that names will be created under ``foo``, which creates ``foo``.
    """
    name = _canonical(name, delimiter)
    if name.endswith(delimiter):
        name = name[:-1]
    if not name:
        raise InvalidMailboxName("a mailbox name cannot be empty")
    if len(name) > max_length:
        raise InvalidMailboxName(f"mailbox names are limited to {max_length} characters")
    if "" in name.split(delimiter):
        raise InvalidMailboxName(f"{name!r} has an empty level between {delimiter!r}s")
    if _FORBIDDEN.search(name):
        raise InvalidMailboxName(f"{name!r} contains a control character")
    return name


def existing_name(name: str, delimiter: str) -> str:
    """The canonical form of a name to look up; a name that could never exist is missing."""
    name = _canonical(name, delimiter)
    if not name or "" in name.split(delimiter) or _FORBIDDEN.search(name):
        raise NoSuchMailbox(f"no mailbox {name!r}")
    return name


def ancestors(name: str, delimiter: str) -> list[str]:
    """The superior names of ``name``, outermost first: ``a/b/c`` -> ``["a", "a/b"]``."""
    levels = name.split(delimiter)
    return [delimiter.join(levels[:depth]) for depth in range(1, len(levels))]


def is_inferior(name: str, of: str, delimiter: str) -> bool:
    """Whether ``name`` is below ``of`` in the hierarchy (at any depth)."""
    return name.startswith(of + delimiter)


def check_special_use(use: str | None) -> str | None:
    """The canonical spelling of an RFC 6154 attribute, or :class:`InvalidSpecialUse`."""
    if use is None:
        return None
    try:
        return _SPECIAL_BY_FOLD[use.lower()]
    except KeyError:
        raise InvalidSpecialUse(f"{use!r} is not a special-use attribute (RFC 6154)") from None
