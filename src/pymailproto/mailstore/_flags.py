"""Message flags: system flags and keywords, compared case-insensitively (RFC 9051 §2.3.2).

Flags are plain ``str`` in their IMAP spelling. Two kinds exist:

* the system flags ``\\Seen \\Answered \\Flagged \\Deleted \\Draft``, always stored in that
  canonical spelling whatever case the client used;
* keywords such as ``$Forwarded`` or ``NonJunk``: IMAP atoms without a backslash. A mailbox
  remembers the first spelling each keyword was used with and stores every later case variant
  in that spelling, so ``$forwarded`` and ``$Forwarded`` are one flag, shown the same way in
  every message and in the mailbox's FLAGS list.

``\\Recent`` is not a stored flag: it belongs to a session (RFC 3501 §2.3.2), see
:meth:`pymailproto.mailstore.Mailbox.claim_recent`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pymailproto.mailstore.errors import InvalidFlag, LimitExceeded

__all__ = [
    "ANSWERED",
    "DELETED",
    "DRAFT",
    "FLAGGED",
    "MAX_KEYWORD_LENGTH",
    "SEEN",
    "SYSTEM_FLAGS",
    "check_flag",
    "fold",
    "resolve_flags",
]

SEEN = "\\Seen"
ANSWERED = "\\Answered"
FLAGGED = "\\Flagged"
DELETED = "\\Deleted"
DRAFT = "\\Draft"
#: The flags RFC 9051 §2.3.2 defines, in canonical spelling (\\Recent is per session).
SYSTEM_FLAGS = (ANSWERED, DELETED, DRAFT, FLAGGED, SEEN)
_SYSTEM_BY_FOLD = {flag.lower(): flag for flag in SYSTEM_FLAGS}

#: Not from an RFC: keywords are atoms of any length, but a keyword is a label a user reads,
#: and a mailbox keeps every keyword ever used; 255 bounds that memory without hurting anyone.
MAX_KEYWORD_LENGTH = 255
# RFC 9051 §9: flag-keyword = atom; ATOM-CHAR is any CHAR except atom-specials:
# "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]".
_ATOM = re.compile(r"[!#$&'+,\-./0-9:;<=>?@A-Z\[^_`a-z|}~]+")


def fold(flag: str) -> str:
    """The case-folded key two spellings of one flag share (flags are ASCII)."""
    return flag.lower()


def check_flag(flag: str) -> str:
    """``flag`` in its canonical spelling if it can be stored, else :class:`InvalidFlag`."""
    if not isinstance(flag, str):
        raise InvalidFlag(f"a flag is a str, not {type(flag).__name__}")
    if flag.startswith("\\"):
        try:
            return _SYSTEM_BY_FOLD[flag.lower()]
        except KeyError:
            # \Recent is session state; other \-flags are reserved for future RFCs (§2.3.2).
            raise InvalidFlag(f"{flag!r} cannot be stored") from None
    if len(flag) > MAX_KEYWORD_LENGTH or not _ATOM.fullmatch(flag):
        raise InvalidFlag(f"{flag!r} is not a keyword (an IMAP atom of at most 255 characters)")
    return flag


def resolve_flags(
    flags: Iterable[str], spellings: Mapping[str, str], max_keywords: int
) -> tuple[frozenset[str], dict[str, str]]:
    """Canonical spellings of ``flags`` in a mailbox, and the keywords it does not know yet.

    ``spellings`` maps the folded form of each keyword the mailbox knows to its spelling. The
    second result maps the folded form of each new keyword to the spelling to remember; the
    caller adds it to ``spellings`` when (and only if) it stores the flags. Raises
    :class:`LimitExceeded` when the new keywords would take the mailbox past ``max_keywords``.
    """
    if isinstance(flags, str):
        raise TypeError("flags is a collection of str; wrap a single flag in a tuple")
    spelled: dict[str, str] = {}
    new: dict[str, str] = {}
    for flag in flags:
        canonical = check_flag(flag)
        key = fold(canonical)
        if key in spelled:
            continue
        if canonical in SYSTEM_FLAGS:
            spelled[key] = canonical
        elif key in spellings:
            spelled[key] = spellings[key]
        else:
            spelled[key] = new[key] = canonical
    if new and len(spellings) + len(new) > max_keywords:
        raise LimitExceeded(f"a mailbox holds at most {max_keywords} distinct keywords")
    return frozenset(spelled.values()), new
