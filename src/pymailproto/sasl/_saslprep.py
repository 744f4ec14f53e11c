"""SASLprep (RFC 4013): the stringprep profile that makes user names and passwords comparable.

Two people typing the "same" password on different keyboards can produce different code points
(a no-break space instead of a space, a composed ``é`` instead of ``e`` + combining accent).
SASLprep maps both to one canonical form before anything is compared or hashed, and refuses
characters that have no business in a credential (controls, private use, bidi tricks).

The tables are those of stringprep (RFC 3454), which is pinned to Unicode 3.2 -- hence
``unicodedata.ucd_3_2_0`` rather than the current database.
"""

from __future__ import annotations

import stringprep
import unicodedata
from collections.abc import Callable

__all__ = ["saslprep"]

# RFC 4013 §2.3: the prohibited output tables, in the order the RFC lists them.
_PROHIBITED: tuple[Callable[[str], bool], ...] = (
    stringprep.in_table_c12,  # non-ASCII space characters
    stringprep.in_table_c21,  # ASCII control characters
    stringprep.in_table_c22,  # non-ASCII control characters
    stringprep.in_table_c3,  # private use
    stringprep.in_table_c4,  # non-character code points
    stringprep.in_table_c5,  # surrogate codes
    stringprep.in_table_c6,  # inappropriate for plain text
    stringprep.in_table_c7,  # inappropriate for canonical representation
    stringprep.in_table_c8,  # change display properties / deprecated
    stringprep.in_table_c9,  # tagging characters
)


def saslprep(text: str, *, allow_unassigned: bool = True) -> str:
    """Prepare ``text`` with the SASLprep profile (RFC 4013) and return the result.

    ``allow_unassigned=True`` treats ``text`` as a *query* string (what a peer sent us, RFC 3454
    §7); pass ``False`` for a *stored* string, where code points unassigned in Unicode 3.2 are
    refused. Raises :class:`ValueError` when the string contains a prohibited character or
    breaks the bidirectional rules. The result may be empty (``"\\u00ad"`` maps to nothing); the
    callers decide whether that is acceptable -- for credentials it never is.

    >>> saslprep("I\\u00adX"), saslprep("\\u2168"), saslprep("\\u00aa")
    ('IX', 'IX', 'a')
    """
    # RFC 4013 §2.1: non-ASCII spaces become SPACE; "commonly mapped to nothing" disappear.
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch for ch in text if not stringprep.in_table_b1(ch)
    )
    # RFC 4013 §2.2: Unicode normalization form KC.
    prepared = unicodedata.ucd_3_2_0.normalize("NFKC", mapped)
    for ch in prepared:
        # RFC 4013 §2.3: prohibited output.
        if any(in_table(ch) for in_table in _PROHIBITED):
            raise ValueError(f"SASLprep: prohibited character U+{ord(ch):04X}")
        # RFC 4013 §2.5 / RFC 3454 §7: stored strings may not hold unassigned code points.
        if not allow_unassigned and stringprep.in_table_a1(ch):
            raise ValueError(f"SASLprep: unassigned code point U+{ord(ch):04X}")
    _check_bidi(prepared)
    return prepared


def _check_bidi(text: str) -> None:
    # RFC 4013 §2.4 -> RFC 3454 §6: a string with right-to-left characters must not mix in
    # left-to-right ones, and must begin and end with a right-to-left character.
    if not any(stringprep.in_table_d1(ch) for ch in text):
        return
    if any(stringprep.in_table_d2(ch) for ch in text):
        raise ValueError("SASLprep: mixes right-to-left and left-to-right characters")
    if not (stringprep.in_table_d1(text[0]) and stringprep.in_table_d1(text[-1])):
        raise ValueError("SASLprep: right-to-left string must start and end with RTL characters")
