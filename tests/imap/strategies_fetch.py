"""Hypothesis strategies for message-structure values and FETCH: valid values only.

Envelopes and addresses, body structures (every kind, extension data, nesting), sections and
partials, fetch-atts, generic values and whole FetchData. Every value drawn here must
serialize and parse back equal; the round-trip tests of test_envelope, test_body,
test_section and test_fetch rely on it.
"""

from __future__ import annotations

from hypothesis import strategies as st

from pymailproto.imap._body import (
    BasicBody,
    BodyStructure,
    Disposition,
    Extension,
    MessageBody,
    MultipartBody,
    TextBody,
    without_extension,
)
from pymailproto.imap._envelope import Address, Envelope
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._fetch import (
    BinaryKey,
    BinarySection,
    BinarySize,
    BodyKey,
    BodySection,
    FetchAtt,
    FetchAttribute,
    FetchData,
    FetchItemError,
    FetchKey,
    FetchMacro,
    GenericValue,
)
from pymailproto.imap._section import Partial, Section, SectionText
from pymailproto.imap._values import Literal
from tests.imap import strategies as s

# --- strings --------------------------------------------------------------------------------------

#: Strings: any octets without NUL, and some words that matter (so that the fast paths, plain
#: quoted strings, get exercised too).
_words = st.sampled_from([b"", b"NIL", b"nil", b"TEXT", b"7BIT", b"utf-8", b"a b", b'q"t', b"\\"])
strings = st.one_of(s.string_octets, _words)
#: What an nstring carries: None (NIL) or a string.
nstrings = st.one_of(st.none(), strings)

# --- envelope -------------------------------------------------------------------------------------

addresses = st.builds(Address, nstrings, nstrings, nstrings, nstrings)
group_markers = st.one_of(strings.map(Address.group_start), st.just(Address.group_end()))
address_lists = st.lists(st.one_of(addresses, group_markers), max_size=4).map(tuple)
envelopes = st.builds(
    Envelope,
    date=nstrings,
    subject=nstrings,
    from_=address_lists,
    sender=address_lists,
    reply_to=address_lists,
    to=address_lists,
    cc=address_lists,
    bcc=address_lists,
    in_reply_to=nstrings,
    message_id=nstrings,
)

# --- body structures ------------------------------------------------------------------------------

params = st.lists(st.tuples(strings, strings), max_size=3).map(tuple)
dispositions = st.builds(Disposition, strings, params)
languages = st.one_of(st.just(()), st.lists(strings, min_size=1, max_size=3).map(tuple))
body_extension_values = st.recursive(
    st.one_of(st.none(), strings, s.number64s),
    lambda children: st.lists(children, min_size=1, max_size=3).map(tuple),
    max_leaves=6,
)


@st.composite
def extensions(draw: st.DrawFn, multipart: bool) -> Extension:
    """Extension data for a single part (md5) or a multipart (params)."""
    return Extension(
        md5=None if multipart else draw(nstrings),
        params=draw(params) if multipart else (),
        disposition=draw(st.one_of(st.none(), dispositions)),
        language=draw(languages),
        location=draw(nstrings),
        extensions=draw(st.lists(body_extension_values, max_size=2)),
        fields=draw(st.integers(0, 4)),
    )


def _maybe(strategy: st.SearchStrategy[Extension]) -> st.SearchStrategy[Extension | None]:
    return st.one_of(st.none(), strategy)


_encodings = st.one_of(st.sampled_from([b"7BIT", b"base64", b"QUOTED-PRINTABLE"]), strings)


def _basic_type(pair: tuple[bytes, bytes]) -> bool:
    kind, subtype = pair[0].upper(), pair[1].upper()
    return kind != b"TEXT" and not (kind == b"MESSAGE" and subtype in (b"RFC822", b"GLOBAL"))


basic_bodies = st.builds(
    lambda types, **kwargs: BasicBody(*types, **kwargs),
    st.tuples(
        st.one_of(st.sampled_from([b"IMAGE", b"application", b"MESSAGE"]), strings),
        st.one_of(st.sampled_from([b"PNG", b"octet-stream", b"delivery-status"]), strings),
    ).filter(_basic_type),
    params=params,
    id=nstrings,
    description=nstrings,
    encoding=_encodings,
    octets=s.numbers,
    extension=_maybe(extensions(False)),
)
text_bodies = st.builds(
    TextBody,
    st.sampled_from([b"TEXT", b"text", b"Text"]),
    strings,
    params=params,
    id=nstrings,
    description=nstrings,
    encoding=_encodings,
    octets=s.numbers,
    lines=s.number64s,
    extension=_maybe(extensions(False)),
)
leaf_bodies: st.SearchStrategy[BodyStructure] = st.one_of(basic_bodies, text_bodies)


def _compound(children: st.SearchStrategy[BodyStructure]) -> st.SearchStrategy[BodyStructure]:
    multiparts = st.builds(
        MultipartBody,
        st.lists(children, min_size=1, max_size=3),
        strings,
        _maybe(extensions(True)),
    )
    messages = st.builds(
        MessageBody,
        st.sampled_from([b"MESSAGE", b"message"]),
        st.sampled_from([b"RFC822", b"rfc822", b"GLOBAL"]),
        params=params,
        id=nstrings,
        description=nstrings,
        encoding=_encodings,
        octets=s.numbers,
        envelope=envelopes,
        body=children,
        lines=s.number64s,
        extension=_maybe(extensions(False)),
    )
    return st.one_of(multiparts, messages)


#: Any body structure (nesting kept small).
bodies: st.SearchStrategy[BodyStructure] = st.recursive(leaf_bodies, _compound, max_leaves=5)
#: Structures without extension data, as a BODY item holds.
plain_bodies = bodies.map(without_extension)

# --- sections -------------------------------------------------------------------------------------

parts = st.lists(st.one_of(st.integers(1, 30), s.nz_numbers), max_size=4).map(tuple)
field_names = st.one_of(
    st.sampled_from([b"DATE", b"From", b"message-id", b"X-A]"]),
    s.string_octets.filter(lambda name: name != b""),
    st.just(b""),
)


@st.composite
def sections(draw: st.DrawFn) -> Section:
    """Any section-spec."""
    part = draw(parts)
    texts: list[SectionText | None] = [None, *SectionText]
    if not part:
        texts.remove(SectionText.MIME)
    text = draw(st.sampled_from(texts))
    fields: tuple[bytes, ...] = ()
    if text in (SectionText.HEADER_FIELDS, SectionText.HEADER_FIELDS_NOT):
        fields = tuple(draw(st.lists(field_names, min_size=1, max_size=3)))
    return Section(part, text, fields)


partials = st.builds(Partial, s.number64s, s.nz_number64s)
origins = st.one_of(st.none(), s.number64s)

# --- fetch-atts -----------------------------------------------------------------------------------

fetch_atts: st.SearchStrategy[FetchAtt] = st.one_of(
    st.sampled_from(list(FetchAttribute)),
    st.builds(BodySection, sections(), st.one_of(st.none(), partials), st.booleans()),
    st.builds(BinarySection, parts, st.one_of(st.none(), partials), st.booleans()),
    st.builds(BinarySize, parts),
)
fetch_att_lists = st.one_of(
    st.sampled_from(list(FetchMacro)),
    st.lists(fetch_atts, min_size=1, max_size=5).map(tuple),
)

# --- generic values -------------------------------------------------------------------------------

_TOKEN_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '(){"')


def _is_token(text: str) -> bool:
    if text.upper() == "NIL":
        return False
    if text.isdigit():  # a canonical number reads back as an int
        return (len(text) > 1 and text[0] == "0") or int(text) > 2**63 - 1
    return True


tokens = st.one_of(
    st.text(st.sampled_from(_TOKEN_CHARS), min_size=1, max_size=12),
    st.sampled_from(["\\Seen", "$Forwarded", "007", "X-1", "[a]", "<5>"]),
).filter(_is_token)
generic_values: st.SearchStrategy[GenericValue] = st.recursive(
    st.one_of(
        st.none(),
        tokens,
        strings,
        s.number64s,
        s.literal8_octets.map(lambda data: Literal(data, binary=True)),
    ),
    lambda children: st.lists(children, max_size=3).map(tuple),
    max_leaves=8,
)

# --- FETCH responses ------------------------------------------------------------------------------

_objectids = st.text(
    st.sampled_from("abcXYZ019_-"), min_size=1, max_size=20
)  # objectid = 1*255(ALPHA / DIGIT / "_" / "-")
_known: dict[str, st.SearchStrategy[object]] = {
    "FLAGS": st.lists(s.flags, max_size=4).map(tuple),
    "UID": s.nz_numbers,
    "INTERNALDATE": s.date_times,
    "RFC822.SIZE": s.number64s,
    "ENVELOPE": envelopes,
    "BODY": plain_bodies,
    "BODYSTRUCTURE": bodies,
    "MODSEQ": s.nz_number64s,
    "EMAILID": _objectids,
    "THREADID": st.one_of(st.none(), _objectids),
    "PREVIEW": nstrings,
    "RFC822": nstrings,
    "RFC822.HEADER": nstrings,
    "RFC822.TEXT": nstrings,
}
_KNOWN_WORDS = {*_known, "BINARY", "BINARY.SIZE"}
unknown_names = st.tuples(
    s.keywords.filter(lambda word: word.upper() not in _KNOWN_WORDS),
    st.sampled_from(["", "[]", "[1.X]", "[a b]"]),
    st.sampled_from(["", "<0>", "<17>"]),
).map("".join)


_items: st.SearchStrategy[tuple[FetchKey, object]] = st.one_of(
    st.sampled_from(sorted(_known)).flatmap(lambda key: st.tuples(st.just(key), _known[key])),
    st.tuples(st.builds(BodyKey, sections(), origins), nstrings),
    st.tuples(st.builds(BinaryKey, parts, origins), st.one_of(st.none(), s.literal8_octets)),
    st.tuples(st.builds(BinarySize, parts), s.numbers),
    st.tuples(unknown_names, generic_values),
)


def _error_item(pair: tuple[FetchKey, GenericValue]) -> tuple[FetchKey, object]:
    key, value = pair
    return key, FetchItemError(value, "drawn")


def _valid_error(pair: tuple[FetchKey, GenericValue]) -> bool:
    try:
        FetchData([_error_item(pair)])
    except IMAPValueError:
        return False
    return True


#: Items that do not follow their attribute's grammar but are generic values.
error_items = (
    st.tuples(
        st.one_of(
            st.sampled_from(sorted(_known)),
            st.builds(BodyKey, sections(), origins),
            st.builds(BinaryKey, parts, origins),
            st.builds(BinarySize, parts),
        ),
        generic_values,
    )
    .filter(_valid_error)
    .map(_error_item)
)
fetch_data = st.lists(st.one_of(_items, _items, _items, error_items), min_size=1, max_size=6).map(
    FetchData
)
