"""Hypothesis strategies for the values of the IMAP extensions -- valid values only -- and the
two helpers their tests share (write a value, read it back whole).

Capabilities (RFC 9051 §9), NAMESPACE (RFC 2342), ID (RFC 2971), QUOTA (RFC 9208), METADATA
(RFC 5464), SORT/THREAD (RFC 5256, RFC 7162) and VANISHED (RFC 7162).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

from pymailproto.imap._capability import Capability
from pymailproto.imap._id import ID_MAX_FIELD, ID_MAX_PAIRS, ID_MAX_VALUE, IDParams
from pymailproto.imap._lexer import Reader
from pymailproto.imap._metadata import (
    Depth,
    GetMetadata,
    GetMetadataOptions,
    MetadataResponse,
    SetMetadata,
    UnsolicitedMetadata,
)
from pymailproto.imap._namespace import Namespace, NamespaceExtension, NamespaceResponse
from pymailproto.imap._quota import (
    ANNOTATION_STORAGE,
    MAILBOX,
    MESSAGE,
    STORAGE,
    QuotaLimit,
    QuotaResponse,
    QuotaRootResponse,
    QuotaUsage,
    SetQuota,
)
from pymailproto.imap._sort_thread import SortCriterion, SortKey, SortResponse, Thread
from pymailproto.imap._values import WireOptions, Writer
from pymailproto.imap._vanished import Vanished
from tests.imap import strategies as s

_V = TypeVar("_V")

# --- helpers --------------------------------------------------------------------------------------


def written(
    write: Callable[[Writer, _V], None], value: _V, options: WireOptions | None = None
) -> bytes:
    """The bytes ``write`` produces for ``value`` (under ``options``)."""
    writer = Writer(options or WireOptions())
    write(writer, value)
    return writer.to_bytes()


def read_whole(read: Callable[..., _V], data: bytes, **kwargs: Any) -> _V:
    """``read`` over all of ``data``: it must consume every octet."""
    reader = Reader(data)
    value = read(reader, **kwargs)
    assert reader.at_end(), f"{reader!r} left unread"
    return value


def read_in_line(read: Callable[..., _V], line: bytes, start: bytes, **kwargs: Any) -> _V:
    """``read`` inside a complete message: ``line`` begins with ``start``, the reader begins
    after it, and the message must end right after what ``read`` consumed."""
    assert line.startswith(start)
    reader = Reader(line, len(start))
    value = read(reader, **kwargs)
    reader.finish()
    return value


# --- capabilities ---------------------------------------------------------------------------------

KNOWN_CAPABILITIES = [value for value in vars(Capability).values() if isinstance(value, Capability)]
_respell = st.sampled_from([str.lower, str.upper, lambda text: text])

capabilities = st.one_of(
    st.sampled_from(KNOWN_CAPABILITIES),
    st.tuples(st.sampled_from(KNOWN_CAPABILITIES), _respell).map(
        lambda pair: Capability(pair[1](pair[0].name))
    ),
    s.atoms.map(Capability),
    s.atoms.map(Capability.auth),
    s.atoms.map(Capability.thread),
    s.atoms.map(Capability.quota_resource),
    st.one_of(st.none(), s.numbers).map(Capability.append_limit),
)
_versions = st.sampled_from([Capability.IMAP4REV1, Capability.IMAP4REV2, Capability("imap4REV2")])
#: A capability-data list: any capabilities with IMAP4rev1 or IMAP4rev2 somewhere among them.
capability_data = st.tuples(st.lists(capabilities, max_size=8), _versions, st.integers(0, 8)).map(
    lambda t: (*t[0][: t[2]], t[1], *t[0][t[2] :])
)

# --- NAMESPACE ------------------------------------------------------------------------------------

#: Octets of a string (quoted or literal): anything but NUL.
strings = s.string_octets
_ascii_delimiters = st.sampled_from(["/", ".", "\\", '"', "~", "\x01", "\x7f", " ", "%"])
_utf8_delimiters = st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\x00")
namespace_extensions = st.builds(
    NamespaceExtension, strings, st.lists(strings, min_size=1, max_size=3)
)


def namespaces(utf8: bool) -> st.SearchStrategy[Namespace]:
    """A namespace-descr whose prefix and delimiter can be written with UTF-8 on or off."""
    return st.builds(
        Namespace,
        s.utf8_mailbox_names if utf8 else s.mailbox_names,
        st.one_of(st.none(), _utf8_delimiters if utf8 else _ascii_delimiters),
        st.lists(namespace_extensions, max_size=2),
    )


def namespace_responses(utf8: bool) -> st.SearchStrategy[NamespaceResponse]:
    """A NAMESPACE response (each class NIL or one or more namespaces)."""
    one_class = st.lists(namespaces(utf8), max_size=3)
    return st.builds(NamespaceResponse, one_class, one_class, one_class)


# --- ID -------------------------------------------------------------------------------------------


def _unique_fields(pairs: list[tuple[bytes, bytes | None]]) -> list[tuple[bytes, bytes | None]]:
    seen: set[bytes] = set()
    out = []
    for name, value in pairs:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append((name, value))
    return out


#: ID parameter lists within the RFC 2971 §3.3 limits (None is NIL).
id_params = st.one_of(
    st.none(),
    st.lists(
        st.tuples(
            strings.filter(lambda data: len(data) <= ID_MAX_FIELD),
            st.one_of(st.none(), strings.filter(lambda data: len(data) <= ID_MAX_VALUE)),
        ),
        max_size=ID_MAX_PAIRS,
    )
    .map(_unique_fields)
    .map(IDParams),
)

# --- QUOTA ----------------------------------------------------------------------------------------

resource_names = st.one_of(
    st.sampled_from([STORAGE, MESSAGE, MAILBOX, ANNOTATION_STORAGE, "storage"]), s.atoms
)
quota_roots = strings
quota_responses = st.builds(
    QuotaResponse,
    quota_roots,
    st.lists(st.builds(QuotaUsage, resource_names, s.number64s, s.number64s), max_size=4),
)
set_quotas = st.builds(
    SetQuota, quota_roots, st.lists(st.builds(QuotaLimit, resource_names, s.number64s), max_size=4)
)


def quotaroot_responses(utf8: bool) -> st.SearchStrategy[QuotaRootResponse]:
    """A QUOTAROOT response whose mailbox can be written with UTF-8 on or off."""
    names = s.utf8_mailbox_names if utf8 else s.mailbox_names
    return st.builds(QuotaRootResponse, names, st.lists(quota_roots, max_size=3))


# --- METADATA -------------------------------------------------------------------------------------

#: Entry names: "/" and any octets but NUL.
entries = st.one_of(
    st.sampled_from([b"/private/comment", b"/shared/comment", b"/shared/vendor/x", b"/"]),
    strings.map(lambda data: b"/" + data),
)
#: Values: NIL, or any octets (NUL included: a literal8).
metadata_values = st.one_of(st.none(), s.literal8_octets, strings)
metadata_items = st.lists(st.tuples(entries, metadata_values), min_size=1, max_size=4)
getmetadata_options = st.builds(
    GetMetadataOptions,
    st.one_of(st.none(), s.numbers),
    st.one_of(st.none(), st.sampled_from(Depth)),
)


def metadata_commands(utf8: bool) -> st.SearchStrategy[GetMetadata | SetMetadata]:
    """GETMETADATA and SETMETADATA arguments (the mailbox "" included)."""
    names = st.one_of(st.just(""), s.utf8_mailbox_names if utf8 else s.mailbox_names)
    return st.one_of(
        st.builds(
            GetMetadata, names, st.lists(entries, min_size=1, max_size=4), getmetadata_options
        ),
        st.builds(SetMetadata, names, metadata_items),
    )


def metadata_responses(utf8: bool) -> st.SearchStrategy[MetadataResponse | UnsolicitedMetadata]:
    """METADATA responses, both forms."""
    names = st.one_of(st.just(""), s.utf8_mailbox_names if utf8 else s.mailbox_names)
    return st.one_of(
        st.builds(MetadataResponse, names, metadata_items),
        st.builds(UnsolicitedMetadata, names, st.lists(entries, min_size=1, max_size=4)),
    )


# --- SORT and THREAD ------------------------------------------------------------------------------

sort_criteria = st.lists(
    st.builds(SortCriterion, st.sampled_from(SortKey), st.booleans()), min_size=1, max_size=5
)
sort_responses = st.one_of(
    st.lists(s.nz_numbers, max_size=8).map(SortResponse),
    st.builds(SortResponse, st.lists(s.nz_numbers, min_size=1, max_size=8), s.mod_sequence_values),
)
thread_algorithms = st.one_of(st.sampled_from(["ORDEREDSUBJECT", "REFERENCES"]), s.atoms)

_thread_numbers = st.integers(1, 2**32 - 1)
_leaf_threads = st.lists(_thread_numbers, min_size=1, max_size=4).map(Thread)


def _nested(children: st.SearchStrategy[Thread]) -> st.SearchStrategy[Thread]:
    return st.builds(
        Thread,
        st.lists(_thread_numbers, max_size=3),
        st.lists(children, min_size=2, max_size=3),
    )


#: One thread-list: a chain of messages, then none or at least two sub-threads.
threads = st.recursive(_leaf_threads, _nested, max_leaves=16)
thread_data = st.lists(threads, max_size=4)

# --- VANISHED -------------------------------------------------------------------------------------

vanished = st.builds(Vanished, s.uid_sets, st.booleans())
