"""Hypothesis strategies for every IMAP response -- valid values only -- and the helpers the
response tests share.

Every response drawn here must serialize (under the :class:`WireOptions` its strategy was made
for) and parse back equal: :func:`responses` is what the round-trip and split tests draw from.
The values come from the value modules' own strategies (strategies, strategies_ext,
strategies_fetch, strategies_query); the response classes that *are* their value
(:class:`ListResponse`, :class:`MailboxStatusResponse` ...) are adopted from them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from pymailproto.imap import _metadata
from pymailproto.imap._codes import CapabilityCode, ResponseCode
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._framing_events import LiteralChunk
from pymailproto.imap._response_base import (
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
    UnknownResponse,
)
from pymailproto.imap._response_parser import ParserEvent, ResponseParser
from pymailproto.imap._responses_data import (
    CapabilityResponse,
    EnabledResponse,
    ESearchResponse,
    ExistsResponse,
    FlagsResponse,
    IdResponse,
    ListResponse,
    MailboxStatusResponse,
    MetadataResponse,
    NamespaceResponse,
    QuotaResponse,
    QuotaRootResponse,
    RecentResponse,
    SearchResponse,
    SortResponse,
    ThreadResponse,
    UnsolicitedMetadataResponse,
    adopt,
)
from pymailproto.imap._responses_message import ExpungeResponse, FetchResponse, VanishedResponse
from pymailproto.imap._values import WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_ext as x
from tests.imap import strategies_fetch as f
from tests.imap import strategies_query as q

_R = TypeVar("_R")

# --- feeding a parser -----------------------------------------------------------------------------


def split(data: bytes, points: Iterable[int]) -> list[bytes]:
    """``data`` cut at ``points`` (offsets, in any order, duplicates allowed)."""
    cuts = sorted({0, len(data), *(p for p in points if 0 <= p <= len(data))})
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


def bytewise(data: bytes) -> list[bytes]:
    """``data`` one octet at a time."""
    return [data[i : i + 1] for i in range(len(data))]


def random_pieces(data: bytes, seed: int) -> list[bytes]:
    """``data`` cut at a few pseudo-random points (reproducible from ``seed``)."""
    rnd = random.Random(seed)
    return split(data, [rnd.randint(0, len(data)) for _ in range(rnd.randint(1, 8))])


def collect(pieces: Sequence[bytes], *, eof: bool = True, **kwargs: Any) -> list[ParserEvent]:
    """Every event a fresh parser yields when fed ``pieces`` one after the other, iterating
    after each (and after the end of input with ``eof``)."""
    parser = ResponseParser(**kwargs)
    events: list[ParserEvent] = []
    for piece in pieces:
        parser.feed(piece)
        events.extend(parser)
    if eof:
        parser.feed(b"")
        events.extend(parser)
    return events


def comparable(events: Iterable[ParserEvent]) -> list[object]:
    """Events in a form that compares by value (an error by its class, message, tag, offset);
    chunks of a streamed literal are joined, since their cut depends on how bytes arrived."""
    out: list[object] = []
    for event in events:
        if isinstance(event, IMAPParseError):
            out.append((type(event).__name__, event.message, event.tag, event.offset, event.fatal))
        elif isinstance(event, LiteralChunk):
            if out and isinstance(out[-1], tuple) and out[-1][0] == "chunks":
                out[-1] = ("chunks", out[-1][1] + event.data, event.last)
            else:
                out.append(("chunks", event.data, event.last))
        else:
            out.append(event)
    return out


def responses_of(events: Iterable[ParserEvent]) -> list[Response]:
    """The responses among ``events``; any other event is a test failure."""
    out = []
    for event in events:
        assert isinstance(event, Response), event
        out.append(event)
    return out


def parse_one(data: bytes, **kwargs: Any) -> ParserEvent:
    """The single event a complete response gives."""
    events = collect([data], **kwargs)
    assert len(events) == 1, events
    return events[0]


def valid(build: Any, *args: Any) -> Any:
    """``build(*args)``, or None when the value cannot exist (a strategy filters those)."""
    try:
        return build(*args)
    except IMAPValueError:
        return None


# --- status responses -----------------------------------------------------------------------------

#: Response text: printable ASCII (or any text with UTF-8 on), no CR/LF/NUL.
ascii_texts = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
utf8_texts = q.resp_texts


#: Response codes or none. A capability code names the version, as the grammar wants (without
#: it, it reads back as the generic code in strict mode; see test_quirks).
codes: st.SearchStrategy[ResponseCode | None] = st.one_of(
    st.none(),
    q.response_codes.filter(lambda code: not isinstance(code, CapabilityCode) or code.has_version),
)


def _texts(utf8: bool) -> st.SearchStrategy[str]:
    return utf8_texts if utf8 else ascii_texts


def status_responses(utf8: bool = False) -> st.SearchStrategy[StatusResponse]:
    return st.builds(
        lambda condition, text, code, tag: valid(
            lambda: StatusResponse(condition, text, code, tag=tag)
        ),
        st.sampled_from([Condition.OK, Condition.NO, Condition.BAD]),
        _texts(utf8),
        codes,
        st.one_of(st.none(), s.tags),
    ).filter(lambda value: value is not None)


def greetings(utf8: bool = False) -> st.SearchStrategy[Greeting]:
    return st.builds(
        lambda condition, text, code: valid(lambda: Greeting(condition, text, code)),
        st.sampled_from([Condition.OK, Condition.PREAUTH, Condition.BYE]),
        _texts(utf8),
        codes,
    ).filter(lambda value: value is not None)


def byes(utf8: bool = False) -> st.SearchStrategy[Bye]:
    return st.builds(lambda text, code: valid(lambda: Bye(text, code)), _texts(utf8), codes).filter(
        lambda value: value is not None
    )


def continuation_requests(utf8: bool = False) -> st.SearchStrategy[ContinuationRequest]:
    return st.one_of(
        st.binary(max_size=40).map(ContinuationRequest.with_data),
        st.builds(
            lambda text, code: valid(lambda: ContinuationRequest(text, code)),
            _texts(utf8),
            codes,
        ).filter(lambda value: value is not None),
    )


_unknown_names = s.atoms.filter(lambda name: name.upper() not in UnknownResponse.KNOWN)
_unknown_rest = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20)


def _unknown(number: int | None, name: str, rest: str) -> UnknownResponse | None:
    head = "* " if number is None else f"* {number} "
    data = (head + name + (" " + rest if rest else "")).encode("ascii")
    return valid(UnknownResponse, data)  # type: ignore[no-any-return]


unknown_responses = st.builds(
    _unknown, st.one_of(st.none(), s.numbers), _unknown_names, _unknown_rest
).filter(lambda value: value is not None)

# --- data responses -------------------------------------------------------------------------------


def _adopted(cls: type[_R], values: st.SearchStrategy[Any]) -> st.SearchStrategy[_R]:
    return values.map(lambda value: adopt(cls, value))


def data_responses(utf8: bool = False) -> st.SearchStrategy[Response]:
    names = s.utf8_mailbox_names if utf8 else s.mailbox_names
    delimiters = q.utf8_delimiters if utf8 else q.ascii_delimiters
    return st.one_of(
        x.capability_data.map(CapabilityResponse),
        st.lists(x.capabilities, max_size=4).map(EnabledResponse),
        st.lists(s.flags, max_size=5).map(FlagsResponse),
        s.numbers.map(ExistsResponse),
        s.numbers.map(RecentResponse),
        x.id_params.map(IdResponse),
        x.thread_data.map(ThreadResponse),
        _adopted(ListResponse, q.list_responses(names, delimiters)),
        _adopted(MailboxStatusResponse, q.status_responses(names)),
        _adopted(SearchResponse, q.search_responses),
        _adopted(ESearchResponse, q.esearch_responses),
        _adopted(NamespaceResponse, x.namespace_responses(utf8)),
        _adopted(QuotaResponse, x.quota_responses),
        _adopted(QuotaRootResponse, x.quotaroot_responses(utf8)),
        x.metadata_responses(utf8).map(
            lambda value: adopt(
                MetadataResponse
                if isinstance(value, _metadata.MetadataResponse)
                else UnsolicitedMetadataResponse,
                value,
            )
        ),
        _adopted(SortResponse, x.sort_responses),
    )


def message_responses() -> st.SearchStrategy[Response]:
    return st.one_of(
        s.nz_numbers.map(ExpungeResponse),
        _adopted(VanishedResponse, x.vanished),
        st.builds(FetchResponse, s.nz_numbers, f.fetch_data),
    )


def responses(utf8: bool = False) -> st.SearchStrategy[Response]:
    """Any response but a greeting (which only reads as one first; see greetings())."""
    return st.one_of(
        status_responses(utf8),
        byes(utf8),
        continuation_requests(utf8),
        data_responses(utf8),
        message_responses(),
        unknown_responses,
        greetings(utf8).filter(lambda value: value.condition is Condition.PREAUTH),
    )


#: Options a client's parser may run with, and the WireOptions a server then writes with.
wire_settings = st.sampled_from([False, True]).map(lambda utf8: (utf8, WireOptions(utf8=utf8)))
