"""Hypothesis strategies for the IMAP grammar values -- valid values only.

Every strategy here produces values the library must be able to serialize and parse back; the
round-trip tests of each module use them, and later grammar tests (envelope, fetch, search,
commands, responses) build their composite strategies from these.
"""

from __future__ import annotations

import datetime as dt
import typing

from hypothesis import strategies as st

from pymailproto.imap._flags import Flag, MailboxAttribute
from pymailproto.imap._sequence import SeqNumber, SequenceSet
from pymailproto.imap._values import NIL, Atom, Literal, LiteralSupport, Quoted, WireOptions

# --- fuzzing -------------------------------------------------------------------------------------


def fuzz_bytes(*pieces: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary octets, or octets made of ``pieces`` so that fuzzing gets past the first byte."""
    return st.one_of(
        st.binary(max_size=40), st.lists(st.sampled_from(pieces), max_size=16).map(b"".join)
    )


# --- characters (RFC 9051 §9) ---------------------------------------------------------------------

#: ATOM-CHAR: any CHAR except atom-specials.
ATOM_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '(){%*"\\]')
#: ASTRING-CHAR = ATOM-CHAR / resp-specials.
ASTRING_CHARS = ATOM_CHARS + "]"
#: tag = 1*<any ASTRING-CHAR except "+">.
TAG_CHARS = ASTRING_CHARS.replace("+", "")

atoms = st.text(st.sampled_from(ATOM_CHARS), min_size=1, max_size=24)
astring_atoms = st.text(st.sampled_from(ASTRING_CHARS), min_size=1, max_size=24)
tags = st.text(st.sampled_from(TAG_CHARS), min_size=1, max_size=12)
#: Keywords of the grammar (tagged-ext-label), any case.
keywords = st.from_regex(r"[A-Za-z_.\-][A-Za-z0-9_.:\-]{0,15}", fullmatch=True)

# --- strings --------------------------------------------------------------------------------------

#: Content of a 7-bit quoted string: CHAR except CR and LF (and NUL, which CHAR excludes).
quotable_ascii = st.lists(
    st.integers(1, 0x7F).filter(lambda c: c not in (0x0A, 0x0D)), max_size=40
).map(bytes)
#: Content of a quoted string once UTF-8 is enabled: well-formed UTF-8 without CR, LF, NUL.
quotable_utf8 = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\x00"), max_size=30
).map(lambda text: text.encode("utf-8"))
#: Octets of a literal: CHAR8 = %x01-ff.
literal_octets = st.binary(max_size=64).map(lambda data: data.replace(b"\x00", b"\x01"))
#: Octets of a literal8: any OCTET.
literal8_octets = st.binary(max_size=64)
#: Octets any string can carry (a literal if nothing else).
string_octets = st.one_of(quotable_ascii, quotable_utf8, literal_octets)

atom_values = atoms.map(Atom)
quoted_values = st.one_of(quotable_ascii, quotable_utf8).map(Quoted)
literal_values = st.one_of(
    literal_octets.map(Literal), literal8_octets.map(lambda data: Literal(data, binary=True))
)
string_values = st.one_of(quoted_values, literal_values)
nstring_values = st.one_of(string_values, st.just(NIL))

wire_options = st.builds(WireOptions, utf8=st.booleans(), literals=st.sampled_from(LiteralSupport))

# --- numbers (RFC 9051 §9, RFC 7162 §7) -----------------------------------------------------------

numbers = st.integers(0, 2**32 - 1)
nz_numbers = st.integers(1, 2**32 - 1)
number64s = st.integers(0, 2**63 - 1)
nz_number64s = st.integers(1, 2**63 - 1)
mod_sequence_values = nz_number64s
mod_sequence_valzers = number64s

# --- sequence sets --------------------------------------------------------------------------------

_star: st.SearchStrategy[typing.Literal["*"]] = st.just("*")
seq_numbers: st.SearchStrategy[SeqNumber] = st.one_of(nz_numbers, _star)
_items = st.one_of(seq_numbers, st.tuples(seq_numbers, seq_numbers))
#: Any sequence-set, "$" included.
sequence_sets = st.one_of(
    st.just(SequenceSet.search_result()),
    st.lists(_items, min_size=1, max_size=8).map(SequenceSet),
)
#: uid-set: nz-numbers and ranges only.
uid_sets = st.lists(
    st.one_of(nz_numbers, st.tuples(nz_numbers, nz_numbers)), min_size=1, max_size=8
).map(SequenceSet)
#: Sequence sets over small numbers (so that expanding them stays cheap), with "*".
_small = st.integers(1, 60)
small_sequence_sets = st.lists(
    st.one_of(_small, _star, st.tuples(st.one_of(_small, _star), _small)),
    min_size=1,
    max_size=6,
).map(SequenceSet)

# --- flags ----------------------------------------------------------------------------------------

_spell = st.sampled_from([str.lower, str.upper, lambda text: text])
system_flags = st.sampled_from(
    [Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.DRAFT, Flag.RECENT]
)
#: Any flag (system, keyword, flag-extension), in any spelling.
flags = st.one_of(
    st.tuples(system_flags, _spell).map(lambda pair: Flag(pair[1](pair[0].name))),
    atoms.map(Flag),
    atoms.map(lambda atom: Flag("\\" + atom)),
)
#: flag-perm: a flag or "\*".
flag_perms = st.one_of(flags, st.just(Flag.WILDCARD))
mailbox_attributes = st.one_of(
    st.sampled_from(
        [
            MailboxAttribute.NOINFERIORS,
            MailboxAttribute.HAS_CHILDREN,
            MailboxAttribute.SUBSCRIBED,
            MailboxAttribute.TRASH,
            MailboxAttribute.ARCHIVE,
        ]
    ),
    atoms.map(lambda atom: MailboxAttribute("\\" + atom)).filter(
        lambda attribute: not attribute.is_selectability
    ),
)
#: mbx-list-flags: other attributes and at most one selectability attribute.
mbx_list_flags = st.tuples(
    st.lists(mailbox_attributes, max_size=4, unique=True),
    st.one_of(
        st.none(),
        st.sampled_from(
            [
                MailboxAttribute.NOSELECT,
                MailboxAttribute.NONEXISTENT,
                MailboxAttribute.MARKED,
                MailboxAttribute.UNMARKED,
            ]
        ),
    ),
).map(lambda pair: tuple(pair[0]) if pair[1] is None else (pair[1], *pair[0]))

# --- mailbox names --------------------------------------------------------------------------------

#: Any mailbox name that has a modified UTF-7 form (any Unicode scalar value).
mailbox_names = st.text(st.characters(blacklist_categories=["Cs"]), max_size=24)
#: Names allowed once UTF-8 is enabled (RFC 6855 §3: no controls, U+2028, U+2029).
utf8_mailbox_names = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\u2028\u2029\x7f"),
    max_size=24,
)

# --- dates ----------------------------------------------------------------------------------------

dates = st.dates()
#: RFC 9051 §9 zone: ("+" / "-") 4DIGIT, hhmm with hh < 24.
zones = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
date_times = st.datetimes(timezones=zones).map(lambda value: value.replace(microsecond=0))
