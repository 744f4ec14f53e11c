"""SORT and THREAD (RFC 5256, RFC 7162 §3.1.9): criteria, algorithms, responses, deep trees."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sort_thread import (
    ORDEREDSUBJECT,
    REFERENCES,
    SortCriterion,
    SortKey,
    SortResponse,
    Thread,
    read_sort_criteria,
    read_sort_data,
    read_thread_alg,
    read_thread_data,
    write_sort_criteria,
    write_sort_data,
    write_thread_alg,
    write_thread_data,
)
from pymailproto.imap._values import Writer
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

T = Thread

# --- SORT: known answers (RFC 5256 §3 "BASE.6.4.SORT", §4 "BASE.7.2.SORT") ------------------------


@pytest.mark.parametrize(
    ("line", "criteria"),
    [
        (b"A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994", [SortCriterion(SortKey.SUBJECT)]),
        (
            b"A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
            [SortCriterion(SortKey.SUBJECT), SortCriterion(SortKey.DATE, reverse=True)],
        ),
        (b'A284 SORT (SUBJECT) US-ASCII TEXT "not in mailbox"', [SortCriterion(SortKey.SUBJECT)]),
    ],
)
def test_rfc_sort_commands(line: bytes, criteria: list[SortCriterion]) -> None:
    start = line.index(b"SORT ") + 5
    reader = Reader(line + b"\r\n", start)
    assert read_sort_criteria(reader) == tuple(criteria)
    # search-criteria (charset and keys) follows; it belongs to the SEARCH grammar
    assert reader.buf[reader.pos :].startswith((b" UTF-8 ", b" US-ASCII "))
    assert x.written(write_sort_criteria, criteria) == line[start : reader.pos]


@pytest.mark.parametrize(
    ("line", "numbers"),
    [
        (b"* SORT 2 84 882", [2, 84, 882]),
        (b"* SORT 5 3 4 1 2", [5, 3, 4, 1, 2]),
        (b"* SORT", []),  # A284: no match
        (b"* SORT 2 3 6", [2, 3, 6]),
    ],
)
def test_rfc_sort_responses(line: bytes, numbers: list[int]) -> None:
    response = x.read_in_line(read_sort_data, line + b"\r\n", b"* SORT")
    assert response == SortResponse(numbers)
    assert response.modseq is None
    assert b"* SORT" + x.written(write_sort_data, response) == line


def test_sort_response_with_modseq() -> None:
    # RFC 7162 §3.1.9: the highest mod-sequence is appended as in the SEARCH response of
    # §3.1.6, whose example in §3.1.5 is "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)".
    line = b"* SORT 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"
    response = x.read_in_line(read_sort_data, line + b"\r\n", b"* SORT")
    assert response == SortResponse([2, 5, 6, 7, 11, 12, 18, 19, 20, 23], 917162500)
    assert b"* SORT" + x.written(write_sort_data, response) == line
    assert x.read_whole(read_sort_data, b" 1 (modseq 5)") == SortResponse([1], 5)


def test_sort_criteria_read_in_any_case() -> None:
    criteria = x.read_whole(read_sort_criteria, b"(reverse arrival Cc from SIZE to)")
    assert criteria == (
        SortCriterion(SortKey.ARRIVAL, True),
        SortCriterion(SortKey.CC),
        SortCriterion(SortKey.FROM),
        SortCriterion(SortKey.SIZE),
        SortCriterion(SortKey.TO),
    )
    assert x.written(write_sort_criteria, criteria) == b"(REVERSE ARRIVAL CC FROM SIZE TO)"


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"SUBJECT", 0, '"\\("'),
        (b"()", 1, "sort-key"),  # at least one criterion
        (b"(SUBJECTS)", 1, "sort-key"),
        (b"(REVERSE)", 8, "SP"),
        (b"(REVERSE )", 9, "sort-key"),
        (b"(REVERSE REVERSE DATE)", 9, "sort-key"),
        (b"(DATE REVERSE)", 13, "SP"),
        (b"(DATE  SIZE)", 6, "sort-key"),
        (b"(DATE", 5, '"\\)"'),
        (b"(1)", 1, "sort-key"),
    ],
)
def test_read_sort_criteria_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_sort_criteria(Reader(data))
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b" ", 1, "nz-number"),
        (b" 0", 1, "nz-number"),
        (b" 1 ", 3, "nz-number"),
        (b" 1  2", 3, "nz-number"),
        (b" (MODSEQ 5)", 1, "nz-number"),  # MODSEQ only after numbers (RFC 7162 §7)
        (b" 1 (MODSEQ 0)", 11, "mod-sequence-value"),
        (b" 1 (MODSEQ)", 10, "SP"),
        (b" 1 (X 5)", 4, '"MODSEQ"'),
        (b" 1 (MODSEQ 5", 12, '"\\)"'),
        (b" 4294967296", 1, "beyond"),
    ],
)
def test_read_sort_data_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_sort_data(Reader(data))
    assert info.value.offset == offset


def test_sort_data_stops_after_modseq() -> None:
    reader = Reader(b" 1 (MODSEQ 5) 2")
    assert read_sort_data(reader) == SortResponse([1], 5)
    assert reader.pos == 13


def test_sort_values_validate() -> None:
    with pytest.raises(IMAPValueError):
        SortCriterion("DATE")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SortCriterion(SortKey.DATE, 1)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SortResponse([0])
    with pytest.raises(IMAPValueError, match="only with numbers"):
        SortResponse([], 5)
    with pytest.raises(IMAPValueError):
        SortResponse([1], 0)
    with pytest.raises(IMAPValueError):
        x.written(write_sort_criteria, [])
    with pytest.raises(IMAPValueError):
        write_sort_criteria(Writer(), [SortKey.DATE])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        x.written(write_sort_data, (1, 2))  # type: ignore[arg-type]


# --- THREAD: known answers (RFC 5256 §3 "BASE.6.4.THREAD", §4 "BASE.7.2.THREAD") ------------------


@pytest.mark.parametrize(
    ("line", "algorithm"),
    [
        (b"A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000", ORDEREDSUBJECT),
        (b'A284 THREAD ORDEREDSUBJECT US-ASCII TEXT "gewp"', ORDEREDSUBJECT),
        (b"A285 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000", REFERENCES),
        (b"A286 THREAD references UTF-8 ALL", REFERENCES),
        (b"A287 THREAD X-NEW-ALG UTF-8 ALL", "X-NEW-ALG"),  # thread-alg-ext = atom
    ],
)
def test_rfc_thread_commands(line: bytes, algorithm: str) -> None:
    reader = Reader(line + b"\r\n", line.index(b"THREAD ") + 7)
    assert read_thread_alg(reader) == algorithm
    assert reader.buf[reader.pos : reader.pos + 1] == b" "
    assert x.written(write_thread_alg, algorithm) == algorithm.encode()


# The two long responses of RFC 5256 §3; "The line breaks ... are for editorial clarity and do
# not appear in real THREAD responses". The break after "(177" stands for the SP that
# thread-members needs before a thread-nested; the other breaks stand for nothing.
ORDEREDSUBJECT_RESPONSE = (
    b"(166)(167)(168)(169)(172)(170)(171)"
    b"(173)(174 (175)(176)(178)(181)(180))(179)(177"
    b" (183)(182)(188)(184)(185)(186)(187)(189))(190)"
    b"(191)(192)(193)(194 195)(196 (197)(198))(199)"
    b"(200 202)(201)(203)(204)(205)(206 207)(208)"
)
REFERENCES_RESPONSE = (
    b"(166)(167)(168)(169)(172)((170)(179))"
    b"(171)(173)((174)(175)(176)(178)(181)(180))"
    b"((177)(183)(182)(188 (184)(189))(185 186)(187))"
    b"(190)(191)(192)(193)((194)(195 196))(197 198)"
    b"(199)(200 202)(201)(203)(204)(205 206 207)(208)"
)


def test_rfc_thread_example_tree() -> None:
    # RFC 5256 §4: "The first thread consists only of message 2. The second thread consists of
    # the messages 3 (parent) and 6 (child), after which it splits into two sub-threads; the
    # first of which contains messages 4 (child of 6, sibling of 44) and 23 (child of 4), and
    # the second of which contains messages 44 (child of 6, sibling of 4), 7 (child of 44),
    # and 96 (child of 7)."
    line = b"* THREAD (2)(3 6 (4 23)(44 7 96))"
    threads = x.read_in_line(read_thread_data, line + b"\r\n", b"* THREAD")
    assert threads == (T([2]), T([3, 6], [T([4, 23]), T([44, 7, 96])]))
    second = threads[1]
    assert second.messages == (3, 6)
    assert [child.messages for child in second.children] == [(4, 23), (44, 7, 96)]
    assert list(second.numbers()) == [3, 6, 4, 23, 44, 7, 96]
    assert b"* THREAD" + x.written(write_thread_data, threads) == line


def test_rfc_thread_example_missing_parent() -> None:
    # RFC 5256 §4: "3 and 5 are siblings of a parent that does not match the search criteria"
    line = b"* THREAD ((3)(5))"
    threads = x.read_in_line(read_thread_data, line + b"\r\n", b"* THREAD")
    assert threads == (T([], [T([3]), T([5])]),)
    assert threads[0].messages == ()
    assert b"* THREAD" + x.written(write_thread_data, threads) == line


@pytest.mark.parametrize(
    ("data", "count", "threads"),
    [(ORDEREDSUBJECT_RESPONSE, 43, 25), (REFERENCES_RESPONSE, 43, 23), (b"", 0, 0)],
)
def test_rfc_thread_responses(data: bytes, count: int, threads: int) -> None:
    line = b"* THREAD" + (b" " + data if data else b"")
    parsed = x.read_in_line(read_thread_data, line + b"\r\n", b"* THREAD")
    assert len(parsed) == threads
    numbers = [n for thread in parsed for n in thread.numbers()]
    assert sorted(numbers) == list(range(166, 166 + count))
    assert b"* THREAD" + x.written(write_thread_data, parsed) == line


def test_rfc_thread_references_structure() -> None:
    parsed = x.read_whole(read_thread_data, b" " + REFERENCES_RESPONSE)
    assert parsed[5] == T([], [T([170]), T([179])])
    assert parsed[8] == T([], [T([174]), T([175]), T([176]), T([178]), T([181]), T([180])])
    assert parsed[9] == T(
        [], [T([177]), T([183]), T([182]), T([188], [T([184]), T([189])]), T([185, 186]), T([187])]
    )
    assert parsed[-2] == T([205, 206, 207])


def test_rfc_thread_orderedsubject_structure() -> None:
    parsed = x.read_whole(read_thread_data, b" " + ORDEREDSUBJECT_RESPONSE)
    assert parsed[8] == T([174], [T([175]), T([176]), T([178]), T([181]), T([180])])
    assert parsed[10].messages == (177,)
    assert [child.messages for child in parsed[10].children] == [
        (183,), (182,), (188,), (184,), (185,), (186,), (187,), (189,)
    ]  # fmt: skip
    assert parsed[15] == T([194, 195])


# --- THREAD: errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b" ", 1, '"\\("'),  # [SP 1*thread-list]
        (b" ()", 2, "nz-number or"),
        (b" (0)", 2, "nz-number"),
        (b" (01)", 2, "nz-number"),
        (b" (1 )", 4, "thread-members"),
        (b" (1  2)", 4, "thread-members"),
        (b" (1 2", 5, 'SP or "\\)"'),
        (b" (1(2)(3))", 3, 'SP or "\\)"'),  # SP before thread-nested
        (b" (1 (2))", 7, "at least two"),  # thread-nested = 2*thread-list
        (b" ((2))", 5, "at least two"),
        (b" ((2)(3) 4)", 8, '"\\(" or "\\)"'),  # members come first
        (b" ((2)(3)", 8, '"\\(" or "\\)"'),
        (b" (1 (2) (3))", 7, "at least two"),  # sub-threads are adjacent
        (b" (2) (3)", 4, None),  # thread-lists are adjacent: reading stops
        (b" (4294967296)", 2, "beyond"),
        (b" (1 x)", 4, "thread-members"),
    ],
)
def test_read_thread_data_errors(data: bytes, offset: int, expected: str | None) -> None:
    reader = Reader(data)
    if expected is None:
        read_thread_data(reader)
        assert reader.pos == offset
        return
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_thread_data(reader)
    assert info.value.offset == offset


@pytest.mark.parametrize("data", [b"", b"(", b'"ORDEREDSUBJECT"', b"]"])
def test_read_thread_alg_errors(data: bytes) -> None:
    with pytest.raises(IMAPParseError, match="thread-alg") as info:
        read_thread_alg(Reader(data))
    assert info.value.offset == 0


# --- THREAD: values -------------------------------------------------------------------------------


def test_thread_values_validate() -> None:
    with pytest.raises(IMAPValueError, match="at least two"):
        T([1], [T([2])])
    with pytest.raises(IMAPValueError, match="at least two"):
        T([], [T([2])])
    with pytest.raises(IMAPValueError, match="empty"):
        T()
    with pytest.raises(IMAPValueError):
        T([0])
    with pytest.raises(IMAPValueError):
        T([1], [T([2]), (3,)])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        write_thread_data(Writer(), [(1,)])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        x.written(write_thread_alg, "two words")


def test_thread_equality_hash_repr() -> None:
    a = T([3, 6], [T([4, 23]), T([44, 7, 96])])
    b = T([3, 6], [T([4, 23]), T([44, 7, 96])])
    assert a == b
    assert a is not b
    assert hash(a) == hash(b)
    assert hash(a) == hash(a)  # cached
    assert a != T([3, 6], [T([4, 23]), T([44, 7, 97])])
    assert a != T([3, 6], [T([4, 23]), T([44, 7, 96]), T([5])])
    assert a != T([3])
    assert a != (3, 6)
    assert repr(a) == "Thread('(3 6 (4 23)(44 7 96))')"
    assert a.to_bytes() == b"(3 6 (4 23)(44 7 96))"
    assert len({a, b, T([1])}) == 2


# --- deep trees: the depth limit, and no recursion anywhere -------------------------------------

DEEP = 10_000


def _deep_wire(depth: int) -> bytes:
    """A thread nested ``depth`` levels deep: (1 (9)(1 (9)(... (7) ...)))."""
    return b"(1 (9)" * depth + b"(7)" + b")" * depth


def _stack_depth() -> int:
    depth = 0
    frame = sys._getframe()
    while frame.f_back is not None:
        frame = frame.f_back
        depth += 1
    return depth


def _deep_tree(depth: int) -> Thread:
    thread = T([7])
    for _ in range(depth):
        thread = T([1], [T([9]), thread])
    return thread


def test_deep_thread_hits_the_depth_limit_cleanly() -> None:
    data = b" " + _deep_wire(DEEP)
    reader = Reader(data)  # the default limit of 100 levels
    with pytest.raises(IMAPParseError, match="nested deeper than 100") as info:
        read_thread_data(reader)
    # level 100 opens at depth 100; its "(9)" would be level 101
    assert info.value.offset == 1 + 99 * len(b"(1 (9)") + len(b"(1 ")


def test_deep_thread_within_a_raised_limit_reads_and_writes_without_recursion() -> None:
    data = b" " + _deep_wire(DEEP)
    limit = sys.getrecursionlimit()
    # Leave only 150 frames above this one: recursion per level anywhere below would fail.
    sys.setrecursionlimit(_stack_depth() + 150)
    try:
        reader = Reader(data, max_depth=DEEP + 1)
        parsed = read_thread_data(reader)
        assert reader.at_end()
        assert x.written(write_thread_data, parsed) == data
        built = _deep_tree(DEEP)
        assert parsed == (built,)
        assert hash(parsed[0]) == hash(built)
        assert repr(built).startswith("Thread('(1 (9)(1 (9)")
        assert sum(1 for _ in built.numbers()) == 2 * DEEP + 1
    finally:
        sys.setrecursionlimit(limit)


def test_depth_limit_counts_thread_levels_exactly() -> None:
    data = b" " + _deep_wire(9)  # ten levels of thread-list
    assert read_thread_data(Reader(data, max_depth=10))
    with pytest.raises(IMAPParseError, match="nested deeper than 9"):
        read_thread_data(Reader(data, max_depth=9))


# --- round trips and fuzzing ----------------------------------------------------------------------


@given(x.sort_criteria)
def test_sort_criteria_round_trip(criteria: list[SortCriterion]) -> None:
    data = x.written(write_sort_criteria, criteria)
    assert x.read_whole(read_sort_criteria, data) == tuple(criteria)


@given(x.sort_responses)
def test_sort_data_round_trip(response: SortResponse) -> None:
    data = x.written(write_sort_data, response)
    assert x.read_whole(read_sort_data, data) == response


@given(x.thread_algorithms)
def test_thread_alg_round_trip(algorithm: str) -> None:
    assert (
        x.read_whole(read_thread_alg, x.written(write_thread_alg, algorithm)) == algorithm.upper()
    )


@given(x.thread_data)
def test_thread_data_round_trip(threads: list[Thread]) -> None:
    data = x.written(write_thread_data, threads)
    parsed = read_thread_data(Reader(data, max_depth=1000))
    assert parsed == tuple(threads)
    assert [hash(t) for t in parsed] == [hash(t) for t in threads]
    assert x.written(write_thread_data, parsed) == data
    for thread in parsed:
        assert T(thread.messages, thread.children) == thread


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b" ", b"(", b")", b"1", b"23", b"0", b"(1)", b"(2 3)", b"MODSEQ", b"REVERSE"))
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    for read in (read_thread_data, read_sort_data, read_sort_criteria, read_thread_alg):
        reader = Reader(data, max_depth=4)
        try:
            read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
    reader = Reader(data, max_depth=4)
    try:
        threads = read_thread_data(reader)
    except IMAPParseError:
        return
    writer = Writer()
    write_thread_data(writer, threads)
    assert writer.to_bytes() == data[: reader.pos]
