"""Hypothesis strategies for SEARCH, STATUS, LIST and response codes -- valid values only.

Every strategy produces values that the library must serialize and read back as an equal value
(with the :class:`WireOptions` the test draws, mailbox names permitting).
"""

from __future__ import annotations

from hypothesis import strategies as st

from pymailproto.imap._codes import (
    AppendUidCode,
    BadCharsetCode,
    CapabilityCode,
    Code,
    CopyUidCode,
    HighestModSeqCode,
    MailboxIdCode,
    MetadataCode,
    ModifiedCode,
    PermanentFlagsCode,
    ResponseCode,
    UidNextCode,
    UidValidityCode,
    UnknownCode,
    UnseenCode,
)
from pymailproto.imap._extension import ExtComp, TaggedExtVal, check_tagged_ext_val
from pymailproto.imap._flags import Flag, MailboxAttribute
from pymailproto.imap._list import (
    ChildInfo,
    ExtendedItem,
    ListArguments,
    ListExtendedItem,
    ListOptionExtension,
    ListResponse,
    ListReturn,
    ListReturnOption,
    ListReturnStatus,
    ListSelection,
    ListSelectOption,
    OldName,
)
from pymailproto.imap._search import (
    All,
    And,
    Answered,
    Bcc,
    Before,
    Body,
    Cc,
    Deleted,
    Draft,
    EmailId,
    EntryType,
    ESearchResponse,
    Flagged,
    From,
    Header,
    Keyword,
    Larger,
    ModSeq,
    New,
    Not,
    Old,
    Older,
    On,
    Or,
    Recent,
    SearchKey,
    SearchProgram,
    SearchResponse,
    SearchReturn,
    SearchReturnExtension,
    SearchReturnOption,
    Seen,
    SentBefore,
    SentOn,
    SentSince,
    SequenceKey,
    Since,
    Smaller,
    Subject,
    Text,
    ThreadId,
    To,
    Uid,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword,
    Unseen,
    Younger,
)
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._status import StatusAtt, StatusResponse
from tests.imap import strategies as s

# --- pieces ---------------------------------------------------------------------------------------

#: objectid = 1*255(ALPHA / DIGIT / "_" / "-")
objectids = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
#: Octets a search string may hold (no NUL).
search_strings = s.string_octets
#: Charset names: printable US-ASCII, atoms or not.
charsets = st.one_of(
    st.sampled_from(["UTF-8", "US-ASCII", "KOI8-R", "ISO-8859-1", "utf-8"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12),
)
#: Keywords (flag-keyword atoms) as flags.
keyword_flags = s.atoms.map(Flag)


def labels(*reserved: str) -> st.SearchStrategy[str]:
    """tagged-ext-label names, upper-cased, avoiding ``reserved``."""
    return s.keywords.map(str.upper).filter(lambda name: name not in reserved)


#: sequence-sets without "$" (ESEARCH ALL, MODIFIED).
plain_sequence_sets = st.lists(
    st.one_of(s.seq_numbers, st.tuples(s.seq_numbers, s.seq_numbers)), min_size=1, max_size=8
).map(SequenceSet)

# --- generic extension values ---------------------------------------------------------------------

ext_comps: st.SearchStrategy[ExtComp] = st.recursive(
    s.string_octets,
    lambda children: st.lists(children, min_size=1, max_size=3).map(tuple),
    max_leaves=6,
)
#: option-value: a non-empty tuple of comps.
option_values: st.SearchStrategy[tuple[ExtComp, ...]] = st.lists(
    ext_comps, min_size=1, max_size=3
).map(tuple)
#: tagged-ext-val, canonical.
tagged_ext_vals: st.SearchStrategy[TaggedExtVal] = st.one_of(
    s.number64s,
    s.sequence_sets,
    st.lists(ext_comps, max_size=3).map(tuple),
).map(check_tagged_ext_val)

# --- search keys ----------------------------------------------------------------------------------

_simple = st.sampled_from(
    [
        All,
        Answered,
        Deleted,
        Draft,
        Flagged,
        New,
        Old,
        Recent,
        Seen,
        Unanswered,
        Undeleted,
        Undraft,
        Unflagged,
        Unseen,
    ]
).map(lambda cls: cls())
_strings = st.builds(
    lambda cls, value: cls(value),
    st.sampled_from([Bcc, Body, Cc, From, Subject, Text, To]),
    search_strings,
)
_dates = st.builds(
    lambda cls, value: cls(value),
    st.sampled_from([Before, On, Since, SentBefore, SentOn, SentSince]),
    s.dates,
)
_modseq = st.one_of(
    st.builds(ModSeq, s.mod_sequence_valzers),
    st.builds(ModSeq, s.mod_sequence_valzers, s.flags, st.sampled_from(EntryType)),
)
search_leaves: st.SearchStrategy[SearchKey] = st.one_of(
    _simple,
    _strings,
    _dates,
    st.builds(Header, s.string_octets, search_strings),
    st.builds(lambda cls, n: cls(n), st.sampled_from([Larger, Smaller]), s.number64s),
    st.builds(lambda cls, n: cls(n), st.sampled_from([Older, Younger]), s.nz_numbers),
    st.builds(lambda cls, f: cls(f), st.sampled_from([Keyword, Unkeyword]), keyword_flags),
    st.builds(lambda cls, o: cls(o), st.sampled_from([EmailId, ThreadId]), objectids),
    s.sequence_sets.map(SequenceKey),
    s.sequence_sets.map(Uid),
    _modseq,
)
search_keys: st.SearchStrategy[SearchKey] = st.recursive(
    search_leaves,
    lambda children: st.one_of(
        children.map(Not),
        st.tuples(children, children).map(lambda pair: Or(*pair)),
        st.lists(children, min_size=1, max_size=3).map(And),
    ),
    max_leaves=8,
)
search_returns: st.SearchStrategy[SearchReturn] = st.one_of(
    st.sampled_from(SearchReturnOption),
    st.builds(
        SearchReturnExtension,
        labels(*(o.value for o in SearchReturnOption)),
        st.one_of(st.none(), tagged_ext_vals),
    ),
)
search_programs = st.builds(
    SearchProgram,
    st.lists(search_keys, min_size=1, max_size=4),
    charset=st.one_of(st.none(), charsets),
    returns=st.one_of(st.none(), st.lists(search_returns, max_size=4)),
)
search_responses = st.one_of(
    st.builds(SearchResponse, st.lists(s.nz_numbers, max_size=8)),
    st.builds(
        SearchResponse, st.lists(s.nz_numbers, min_size=1, max_size=8), modseq=s.nz_number64s
    ),
)
_esearch_extension = st.tuples(
    labels("MIN", "MAX", "COUNT", "ALL", "MODSEQ", "UID"), tagged_ext_vals
)
esearch_responses = st.builds(
    ESearchResponse,
    tag=st.one_of(st.none(), s.tags),
    uid=st.booleans(),
    min=st.one_of(st.none(), s.nz_numbers),
    max=st.one_of(st.none(), s.nz_numbers),
    count=st.one_of(st.none(), s.numbers),
    all=st.one_of(st.none(), plain_sequence_sets),
    modseq=st.one_of(st.none(), s.nz_number64s),
    extensions=st.lists(_esearch_extension, max_size=2),
)

# --- STATUS ---------------------------------------------------------------------------------------

status_atts = st.sampled_from(StatusAtt)
status_att_lists = st.lists(status_atts, min_size=1, max_size=6)


def status_responses(names: st.SearchStrategy[str]) -> st.SearchStrategy[StatusResponse]:
    """STATUS responses for mailbox ``names`` (pick them to suit the WireOptions)."""
    optional = st.one_of
    return st.builds(
        StatusResponse,
        names,
        messages=optional(st.none(), s.numbers),
        recent=optional(st.none(), s.numbers),
        uidnext=optional(st.none(), s.nz_numbers),
        uidvalidity=optional(st.none(), s.nz_numbers),
        unseen=optional(st.none(), s.numbers),
        deleted=optional(st.none(), s.numbers),
        size=optional(st.none(), s.number64s),
        highestmodseq=optional(st.none(), s.mod_sequence_valzers),
        deleted_storage=optional(st.none(), s.number64s),
        mailboxid=optional(st.none(), objectids),
        extensions=st.lists(
            st.tuples(labels(*(att.value for att in StatusAtt)), tagged_ext_vals),
            max_size=2,
            unique_by=lambda item: item[0],
        ),
    )


# --- LIST -----------------------------------------------------------------------------------------

_known_options = {"SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE", "CHILDREN", "STATUS"}
_option_names = s.atoms.filter(lambda name: name.upper() not in _known_options)
option_extensions = st.builds(
    ListOptionExtension, _option_names, st.one_of(st.none(), option_values)
)
select_options: st.SearchStrategy[ListSelection] = st.one_of(
    st.sampled_from(ListSelectOption), option_extensions
)
return_options: st.SearchStrategy[ListReturn] = st.one_of(
    st.sampled_from(ListReturnOption),
    status_att_lists.map(ListReturnStatus),
    option_extensions,
)


def _selection_ok(options: list[ListSelection]) -> bool:
    return ListSelectOption.RECURSIVEMATCH not in options or any(
        o is ListSelectOption.SUBSCRIBED or isinstance(o, ListOptionExtension) for o in options
    )


def list_arguments(names: st.SearchStrategy[str]) -> st.SearchStrategy[ListArguments]:
    """LIST arguments with references and patterns drawn from ``names``."""
    return st.builds(
        ListArguments,
        names,
        st.one_of(names, st.lists(names, min_size=1, max_size=3).map(tuple)),
        selection=st.one_of(st.none(), st.lists(select_options, max_size=3).filter(_selection_ok)),
        returns=st.one_of(st.none(), st.lists(return_options, max_size=3)),
    )


_CHILD_FLAGS = (MailboxAttribute.HAS_CHILDREN, MailboxAttribute.HAS_NO_CHILDREN)
_attributes = st.tuples(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    MailboxAttribute.NOINFERIORS,
                    MailboxAttribute.SUBSCRIBED,
                    MailboxAttribute.REMOTE,
                    MailboxAttribute.TRASH,
                    MailboxAttribute.ARCHIVE,
                ]
            ),
            s.atoms.map(lambda atom: MailboxAttribute("\\" + atom)).filter(
                lambda attribute: (
                    not attribute.is_selectability
                    and attribute
                    not in (MailboxAttribute.HAS_CHILDREN, MailboxAttribute.HAS_NO_CHILDREN)
                )
            ),
        ),
        max_size=3,
        unique=True,
    ),
    st.sampled_from([None, MailboxAttribute.HAS_CHILDREN, MailboxAttribute.HAS_NO_CHILDREN]),
    st.sampled_from(
        [None, MailboxAttribute.NOSELECT, MailboxAttribute.NONEXISTENT, MailboxAttribute.MARKED]
    ),
).map(lambda t: tuple(t[0]) + tuple(a for a in (t[1], t[2]) if a is not None))

_item_tags = s.atoms.filter(lambda tag: tag.upper() not in ("CHILDINFO", "OLDNAME"))


def extended_items(names: st.SearchStrategy[str]) -> st.SearchStrategy[ExtendedItem]:
    return st.one_of(
        st.lists(s.atoms, min_size=1, max_size=3).map(ChildInfo),
        names.map(OldName),
        st.builds(ListExtendedItem, _item_tags, tagged_ext_vals),
    )


def list_responses(
    names: st.SearchStrategy[str], delimiters: st.SearchStrategy[str | None]
) -> st.SearchStrategy[ListResponse]:
    """LIST/LSUB responses with names and delimiters suiting the WireOptions."""
    return st.builds(
        ListResponse,
        _attributes,
        delimiters,
        names,
        extended=st.lists(extended_items(names), max_size=3),
        lsub=st.booleans(),
    )


#: Delimiters without UTF-8: one printable ASCII character (quoted-specials included), or NIL.
ascii_delimiters = st.one_of(st.none(), st.characters(min_codepoint=0x20, max_codepoint=0x7E))
#: Delimiters with UTF-8 enabled.
utf8_delimiters = st.one_of(
    ascii_delimiters,
    st.characters(min_codepoint=0x80, blacklist_categories=["Cs"]),
)

# --- response codes -------------------------------------------------------------------------------

_uid_sets = s.uid_sets
_known_codes = {c.value for c in Code} | {
    "BADCHARSET",
    "CAPABILITY",
    "PERMANENTFLAGS",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "APPENDUID",
    "COPYUID",
    "HIGHESTMODSEQ",
    "MODIFIED",
    "METADATA",
    "MAILBOXID",
}
#: 1*<any TEXT-CHAR except "]"> (7-bit).
code_texts = st.text(
    st.characters(min_codepoint=1, max_codepoint=0x7F).filter(lambda c: c not in "\r\n]"),
    min_size=1,
    max_size=20,
)


def _copyuid(pair: tuple[int, list[int]]) -> CopyUidCode:
    uidvalidity, uids = pair
    source = SequenceSet.from_ids(uids, sort=False)
    destination = SequenceSet.from_ids([uid + 7 for uid in uids], sort=False)
    return CopyUidCode(uidvalidity, source, destination)


response_codes: st.SearchStrategy[ResponseCode] = st.one_of(
    st.sampled_from(Code),
    st.lists(charsets, max_size=3).map(BadCharsetCode),
    st.lists(s.atoms, min_size=1, max_size=4).map(CapabilityCode),
    st.lists(s.flag_perms, max_size=4).map(PermanentFlagsCode),
    s.nz_numbers.map(UidNextCode),
    s.nz_numbers.map(UidValidityCode),
    s.nz_numbers.map(UnseenCode),
    st.builds(AppendUidCode, s.nz_numbers, st.one_of(s.nz_numbers, _uid_sets)),
    st.tuples(
        s.nz_numbers, st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True)
    ).map(_copyuid),
    s.nz_number64s.map(HighestModSeqCode),
    plain_sequence_sets.map(ModifiedCode),
    st.one_of(
        st.builds(MetadataCode, st.sampled_from(["LONGENTRIES", "MAXSIZE"]), s.numbers),
        st.builds(MetadataCode, st.sampled_from(["TOOMANY", "NOPRIVATE"])),
    ),
    objectids.map(MailboxIdCode),
    st.builds(
        UnknownCode,
        s.atoms.filter(lambda atom: atom.upper() not in _known_codes),
        st.one_of(st.none(), code_texts),
    ),
)
#: Human-readable text of a status response (no CR, LF, NUL).
resp_texts = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\x00"), max_size=30
)
