"""Sequence sets and UID sets (RFC 9051 §4.1.1, §9): the RFC's examples, errors, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet, read_sequence_set, read_uid_set
from tests.imap import strategies as s

# --- the RFC's examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "largest", "ids"),
    [
        # RFC 9051 §9 sequence-set: "2,4:7,9,12:* for a mailbox with 15 messages is equivalent
        # to 2,4,5,6,7,9,12,13,14,15"
        ("2,4:7,9,12:*", 15, [2, 4, 5, 6, 7, 9, 12, 13, 14, 15]),
        # "*:4,5:7 for a mailbox with 10 messages is equivalent to 10,9,8,7,6,5,4,5,6,7 and MAY
        # be reordered and overlap coalesced to be 4,5,6,7,8,9,10"
        ("*:4,5:7", 10, [4, 5, 6, 7, 8, 9, 10]),
        # seq-range: "2:4 and 4:2 are equivalent and indicate values 2, 3, and 4"
        ("2:4", 99, [2, 3, 4]),
        ("4:2", 99, [2, 3, 4]),
        # "a unique identifier sequence range of 3291:* includes the UID of the last message in
        # the mailbox, even if that value is less than 3291"
        ("3291:*", 3288, [3288, 3289, 3290, 3291]),
        # examples from the command descriptions (RFC 9051 §6.4.x)
        ("4827313:4828442", None, list(range(4827313, 4828443))),
        ("1:2", None, [1, 2]),
        ("3:200", None, list(range(3, 201))),
    ],
)
def test_rfc_examples(text: str, largest: int | None, ids: list[int]) -> None:
    wire = text.encode()
    reader = Reader(wire + b" ")
    value = read_sequence_set(reader)
    assert reader.pos == len(wire)
    assert value == SequenceSet.parse(text)
    assert list(value.ids(largest)) == ids
    assert value.count(largest) == len(ids)
    assert value.to_bytes() == wire  # re-serialized byte for byte
    assert str(value) == text
    assert repr(value) == f"SequenceSet({text!r})"


def test_search_result_reference() -> None:
    # RFC 9051 §6.4.4.1: C: A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])
    reader = Reader(b"$ (UID")
    value = read_sequence_set(reader)
    assert value is SequenceSet.search_result()
    assert value.is_search_result
    assert value.to_bytes() == b"$"
    assert reader.pos == 1
    assert SequenceSet.parse("$") == value
    assert value != SequenceSet.parse("1")
    assert value.normalized() is value
    with pytest.raises(IMAPValueError, match="saved search result"):
        list(value.ids(10))


def test_all() -> None:
    assert SequenceSet.all() == SequenceSet.parse("1:*")
    assert SequenceSet.all().has_star
    assert list(SequenceSet.all().ids(3)) == [1, 2, 3]


# --- construction ---------------------------------------------------------------------------------


def test_constructor_forms() -> None:
    value = SequenceSet([1, (4, 7), range(9, 12), (12, "*"), "*"])
    assert str(value) == "1,4:7,9:11,12:*,*"
    assert value.items == ((1, 1), (4, 7), (9, 11), (12, "*"), ("*", "*"))
    assert not value.is_search_result


@pytest.mark.parametrize(
    "items",
    [
        [],
        [0],
        [2**32],
        [-1],
        [True],
        ["1"],
        ["$"],
        [(1, 2, 3)],
        [(0, 5)],
        [range(5, 5)],
        [range(1, 10, 2)],
        [1.5],
    ],
)
def test_constructor_refuses(items: list[object]) -> None:
    with pytest.raises(IMAPValueError):
        SequenceSet(items)  # type: ignore[arg-type]


def test_constructor_refuses_text() -> None:
    with pytest.raises(TypeError, match="parse"):
        SequenceSet("1:3")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ids", "sort", "text"),
    [
        ([1, 2, 3, 7], True, "1:3,7"),
        ([7, 1, 2, 3, 3], True, "1:3,7"),
        ([5], True, "5"),
        ([5, 3, 4], False, "5,3:4"),
        ([1, 2, 4, 5, 6, 9], False, "1:2,4:6,9"),
    ],
)
def test_from_ids(ids: list[int], sort: bool, text: str) -> None:
    assert str(SequenceSet.from_ids(ids, sort=sort)) == text


def test_from_ids_refuses() -> None:
    with pytest.raises(IMAPValueError, match="empty"):
        SequenceSet.from_ids([])
    with pytest.raises(IMAPValueError, match="nz-number"):
        SequenceSet.from_ids([0, 1])


# --- parsing errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "sequence-set"),
        (b"0", 0, "sequence-set"),
        (b"01", 0, "sequence-set"),
        (b"1,", 2, "seq-number"),
        (b"1:", 2, "seq-number"),
        (b"1:0", 2, "seq-number"),
        (b"1,0", 2, "seq-number"),
        (b"5,7:,9", 4, "seq-number"),
        (b"*5", 1, "',' or ':'"),
        (b"2**", 1, "',' or ':'"),
        (b"1:2:3", 4, "seq-number"),
        (b"4294967296", 0, "beyond"),
        (b"1,12345678901", 2, "beyond"),
        (b"1:4294967296", 2, "beyond"),
    ],
)
def test_read_sequence_set_errors(data: bytes, offset: int, expected: str) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError) as info:
        read_sequence_set(reader)
    assert info.value.offset == offset
    assert expected in info.value.message
    assert reader.pos == 0


def test_read_uid_set() -> None:
    reader = Reader(b"1:5,9 ")
    assert read_uid_set(reader) == SequenceSet([(1, 5), 9])
    for data, offset in [(b"1:*", 2), (b"*", 0), (b"$", 0), (b"3,*:4", 2), (b"1,", 2)]:
        with pytest.raises(IMAPParseError) as info:
            read_uid_set(Reader(data))
        assert info.value.offset == offset


@pytest.mark.parametrize("text", ["", "1,", "1 2", "1:3,x", "é", "$,1", b"0"])
def test_parse_refuses_with_a_local_error(text: str | bytes) -> None:
    with pytest.raises(IMAPValueError, match="invalid sequence-set"):
        SequenceSet.parse(text)


def test_parse_accepts_bytes() -> None:
    assert SequenceSet.parse(b"1:3") == SequenceSet([(1, 3)])


# --- semantics ------------------------------------------------------------------------------------


def test_equality_is_by_the_set_of_numbers() -> None:
    assert SequenceSet.parse("2:4") == SequenceSet.parse("4:2") == SequenceSet.parse("2,3,4")
    assert SequenceSet.parse("1:3,4") == SequenceSet.parse("1:4")
    assert SequenceSet.parse("3291:*") == SequenceSet.parse("*:3291")
    assert SequenceSet.parse("1:*,*") == SequenceSet.parse("1:*")
    assert SequenceSet.parse("1:*,5") != SequenceSet.parse("1:*")  # unless * >= 5
    assert SequenceSet.parse("5:*,7:*") != SequenceSet.parse("5:*")
    assert hash(SequenceSet.parse("4:2")) == hash(SequenceSet.parse("2:4"))
    assert SequenceSet.parse("1") != "1"
    assert len({SequenceSet.parse("1,2"), SequenceSet.parse("1:2"), SequenceSet.parse("2")}) == 2


def test_membership() -> None:
    value = SequenceSet.parse("1:3,5,9:7")
    assert 5 in value
    assert 8 in value
    assert 4 not in value
    assert "5" not in value
    starred = SequenceSet.parse("3291:*")
    with pytest.raises(IMAPValueError, match="largest"):
        _ = 3300 in starred
    assert starred.contains(3300, largest=4000)
    assert not starred.contains(3300, largest=3200)
    assert starred.contains(3200, largest=3200)


def test_star_needs_a_non_empty_mailbox() -> None:
    with pytest.raises(IMAPValueError, match="empty mailbox"):
        SequenceSet.parse("*").count(0)


def test_normalized() -> None:
    assert str(SequenceSet.parse("4:2,3,7,5:6").normalized()) == "2:7"
    assert str(SequenceSet.parse("9,*:5,*,1:2,3").normalized()) == "1:3,9,5:*"
    assert str(SequenceSet.parse("*,*").normalized()) == "*"
    assert str(SequenceSet.parse("9,*:5,*").normalized(largest=7)) == "5:7,9"


def test_has_star() -> None:
    assert SequenceSet.parse("1,*:3").has_star
    assert not SequenceSet.parse("1,2:3").has_star


# --- properties -----------------------------------------------------------------------------------


@given(s.sequence_sets)
def test_serialize_then_parse_gives_the_same_items(value: SequenceSet) -> None:
    reader = Reader(value.to_bytes() + b" ")
    parsed = read_sequence_set(reader)
    assert parsed == value
    assert parsed.items == value.items
    assert parsed.is_search_result == value.is_search_result
    assert reader.peek() == 0x20


@given(s.uid_sets)
def test_uid_sets_round_trip(value: SequenceSet) -> None:
    assert read_uid_set(Reader(value.to_bytes())).items == value.items


@given(st.lists(st.integers(1, 300), min_size=1), st.booleans())
def test_from_ids_denotes_exactly_the_ids(ids: list[int], sort: bool) -> None:
    value = SequenceSet.from_ids(ids, sort=sort)
    assert list(value.ids()) == sorted(set(ids))
    if sort:
        # compact: no two items could have been merged
        for (_, last), (first, _) in zip(value.items, value.items[1:], strict=False):
            assert isinstance(first, int)
            assert isinstance(last, int)
            assert first > last + 1


@given(s.small_sequence_sets, st.integers(1, 80))
def test_normalized_equal_and_expansion_agrees(value: SequenceSet, largest: int) -> None:
    expanded: set[int] = set()
    for first, last in value.items:
        low = largest if first == "*" else first
        high = largest if last == "*" else last
        assert isinstance(low, int)
        assert isinstance(high, int)
        expanded.update(range(min(low, high), max(low, high) + 1))
    assert list(value.ids(largest)) == sorted(expanded)
    assert value.count(largest) == len(expanded)
    assert value.normalized() == value
    resolved = value.normalized(largest)
    assert not resolved.has_star
    assert set(resolved.ids()) == expanded
    for number in range(1, 82):
        assert value.contains(number, largest) is (number in expanded)


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b"1", b"0", b"9", b"4294967296", b"*", b":", b",", b"$", b" "))
def test_fuzz_sets_returns_or_raises_parse_error(data: bytes) -> None:
    for read in (read_sequence_set, read_uid_set):
        reader = Reader(data, max_depth=4)
        try:
            read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
