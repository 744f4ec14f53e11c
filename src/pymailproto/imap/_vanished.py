"""The VANISHED response of QRESYNC (RFC 7162 §3.2.10).

RFC 7162 §7::

    message-data        =/ expunged-resp
    expunged-resp       =  "VANISHED" [SP "(EARLIER)"] SP known-uids
    known-uids          =  sequence-set
                        ;; Sequence of UIDs; "*" is not allowed.

Two forms (§3.2.10): with ``(EARLIER)`` it answers a UID FETCH (VANISHED) or a SELECT/EXAMINE
(QRESYNC) about messages expunged earlier, and "MUST NOT decrement message sequence numbers"
(§3.2.10.1); without it, it replaces EXPUNGE responses once QRESYNC is enabled and does
decrement them (§3.2.10.2). ``known-uids`` is read as a ``uid-set`` (RFC 9051 §9), which is a
``sequence-set`` without ``*`` and without ``$``; the order of the UIDs is kept as sent.
``(EARLIER)`` is read in any case (§7: "all alphabetic characters are case-insensitive").

:func:`read_vanished` starts after ``"VANISHED" SP``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet, read_uid_set
from pymailproto.imap._values import Writer, _trusted

__all__ = ["Vanished", "read_vanished", "write_vanished"]


@dataclass(frozen=True, slots=True)
class Vanished:
    """A VANISHED response: the expunged ``uids`` and whether they were expunged ``earlier``
    (the ``(EARLIER)`` tag, RFC 7162 §3.2.10.1)."""

    uids: SequenceSet
    earlier: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.uids, SequenceSet):
            raise IMAPValueError(f"not a SequenceSet: {self.uids!r}")
        if self.uids.is_search_result or self.uids.has_star:
            raise IMAPValueError(f'known-uids cannot hold "*" or "$" (RFC 7162 §7): {self.uids}')
        if not isinstance(self.earlier, bool):
            raise IMAPValueError(f"earlier is a bool: {self.earlier!r}")


def read_vanished(reader: Reader) -> Vanished:
    """What follows ``"VANISHED" SP`` in ``expunged-resp`` (RFC 7162 §7)::

    expunged-resp       =  "VANISHED" [SP "(EARLIER)"] SP known-uids
    """
    earlier = False
    if reader.skip(b"("):
        reader.expect_keyword(b"EARLIER")
        reader.expect(b")")
        reader.expect_sp()
        earlier = True
    return _trusted(Vanished, uids=read_uid_set(reader), earlier=earlier)


def write_vanished(writer: Writer, value: Vanished) -> None:
    """``["(EARLIER)" SP] known-uids`` (after ``"VANISHED" SP``)."""
    if not isinstance(value, Vanished):
        raise IMAPValueError(f"not a Vanished: {value!r}")
    writer.raw((b"(EARLIER) " if value.earlier else b"") + value.uids.to_bytes())
