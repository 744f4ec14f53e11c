"""date and date-time (RFC 9051 §9): the RFC's examples, strict errors, round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings

from pymailproto.imap._datetime import format_date, format_date_time, read_date, read_date_time
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from tests.imap import strategies as s


def tz(hours: int, minutes: int = 0) -> dt.timezone:
    sign = -1 if hours < 0 else 1
    return dt.timezone(sign * dt.timedelta(hours=abs(hours), minutes=minutes))


# --- date-time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "value"),
    [
        # RFC 9051 §8: * 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" ...
        (b'"17-Jul-1996 02:44:25 -0700"', dt.datetime(1996, 7, 17, 2, 44, 25, tzinfo=tz(-7))),
        # date-day-fixed = (SP DIGIT) / 2DIGIT: a one-digit day is written with a leading space
        (b'" 1-Feb-1994 00:00:00 +0000"', dt.datetime(1994, 2, 1, tzinfo=dt.timezone.utc)),
        (b'"31-Dec-9999 23:59:59 +2359"', dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=tz(23, 59))),
        (b'" 9-Mar-0001 12:30:05 -0530"', dt.datetime(1, 3, 9, 12, 30, 5, tzinfo=tz(-5, 30))),
        (b'"29-Feb-2024 08:00:00 +0100"', dt.datetime(2024, 2, 29, 8, tzinfo=tz(1))),
    ],
)
def test_date_time_known_answers(wire: bytes, value: dt.datetime) -> None:
    reader = Reader(wire + b" RFC822.SIZE")
    parsed = read_date_time(reader)
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()
    assert reader.pos == len(wire)
    assert format_date_time(parsed) == wire


@pytest.mark.parametrize(
    ("wire", "value"),
    [
        # "01-Feb-1994" is 2DIGIT, also valid; written back with the space
        (b'"01-Feb-1994 10:00:00 +0000"', dt.datetime(1994, 2, 1, 10, tzinfo=dt.timezone.utc)),
        # month names are case-insensitive (RFC 9051 §9 note 1)
        (b'"17-JUL-1996 02:44:25 -0700"', dt.datetime(1996, 7, 17, 2, 44, 25, tzinfo=tz(-7))),
        (b'"17-jul-1996 02:44:25 -0000"', dt.datetime(1996, 7, 17, 2, 44, 25, tzinfo=tz(0))),
        # a leap second (RFC 5322 §3.3 allows :60) becomes :59
        (b'"31-Dec-2016 23:59:60 +0000"', dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=tz(0))),
    ],
)
def test_date_time_other_spellings(wire: bytes, value: dt.datetime) -> None:
    parsed = read_date_time(Reader(wire))
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()


@pytest.mark.parametrize(
    ("wire", "offset", "problem"),
    [
        (b"17-Jul-1996 02:44:25 -0700", 0, "expected date-time"),  # DQUOTEs are required
        (b'"1-Jul-1996 02:44:25 -0700"', 0, "expected date-time"),  # date-day-fixed
        (b'"17-Jul-96 02:44:25 -0700"', 0, "expected date-time"),
        (b'"17-Jul-1996 2:44:25 -0700"', 0, "expected date-time"),
        (b'"17-Jul-1996 02:44:25 0700"', 0, "expected date-time"),
        (b'"17-Jul-1996  02:44:25 -0700"', 0, "expected date-time"),
        (b'"17-Jux-1996 02:44:25 -0700"', 4, "date-month"),
        (b'"30-Feb-1996 02:44:25 -0700"', 1, "no such day"),
        (b'"00-Feb-1996 02:44:25 -0700"', 1, "no such day"),
        (b'"17-Jul-0000 02:44:25 -0700"', 8, "year 0000"),
        (b'"17-Jul-1996 24:00:00 -0700"', 13, "time out of range"),
        (b'"17-Jul-1996 02:60:25 -0700"', 13, "time out of range"),
        (b'"17-Jul-1996 02:44:61 -0700"', 13, "time out of range"),
        (b'"17-Jul-1996 02:44:25 -2400"', 22, "zone out of range"),
        (b'"17-Jul-1996 02:44:25 +0160"', 22, "zone out of range"),
    ],
)
def test_date_time_errors(wire: bytes, offset: int, problem: str) -> None:
    reader = Reader(wire)
    with pytest.raises(IMAPParseError) as info:
        read_date_time(reader)
    assert info.value.offset == offset
    assert problem in info.value.message
    assert reader.pos == 0


def test_format_date_time_refusals() -> None:
    with pytest.raises(IMAPValueError, match="aware"):
        format_date_time(dt.datetime(2024, 1, 1))
    with pytest.raises(IMAPValueError, match="whole number of minutes"):
        format_date_time(dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30))))
    with pytest.raises(TypeError):
        format_date_time(dt.date(2024, 1, 1))  # type: ignore[arg-type]


def test_format_date_time_drops_microseconds() -> None:
    value = dt.datetime(2024, 5, 6, 7, 8, 9, 999999, tzinfo=tz(2))
    assert format_date_time(value) == b'" 6-May-2024 07:08:09 +0200"'


# --- date -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "value", "canonical"),
    [
        # RFC 9051 §6.4.4: SEARCH ... SINCE 1-Feb-1994
        (b"1-Feb-1994", dt.date(1994, 2, 1), b"1-Feb-1994"),
        (b"28-Oct-2006", dt.date(2006, 10, 28), b"28-Oct-2006"),
        # date = date-text / DQUOTE date-text DQUOTE
        (b'"12-Feb-2006"', dt.date(2006, 2, 12), b"12-Feb-2006"),
        (b"01-feb-1994", dt.date(1994, 2, 1), b"1-Feb-1994"),
        (b"1-Jan-0999", dt.date(999, 1, 1), b"1-Jan-0999"),
    ],
)
def test_date_known_answers(wire: bytes, value: dt.date, canonical: bytes) -> None:
    reader = Reader(wire + b" NOT")
    assert read_date(reader) == value
    assert reader.pos == len(wire)
    assert format_date(value) == canonical


@pytest.mark.parametrize(
    ("wire", "offset", "problem"),
    [
        (b"Feb-1994", 0, "expected date"),
        (b"123-Feb-1994", 0, "expected date"),
        (b"1-Feb-94", 0, "expected date"),
        (b'"1-Feb-1994', 0, "expected date"),
        (b"1 Feb 1994", 0, "expected date"),
        (b"1-Fev-1994", 2, "date-month"),
        (b"31-Apr-1994", 0, "no such day"),
        (b'"31-Apr-1994"', 1, "no such day"),
        (b"1-Feb-0000", 6, "year 0000"),
    ],
)
def test_date_errors(wire: bytes, offset: int, problem: str) -> None:
    reader = Reader(wire)
    with pytest.raises(IMAPParseError) as info:
        read_date(reader)
    assert info.value.offset == offset
    assert problem in info.value.message
    assert reader.pos == 0


def test_format_date_accepts_datetimes_as_dates() -> None:
    assert format_date(dt.datetime(2006, 2, 12, 23, 0)) == b"12-Feb-2006"
    with pytest.raises(TypeError):
        format_date("2006-02-12")  # type: ignore[arg-type]


# --- round trips ----------------------------------------------------------------------------------


@given(s.dates)
def test_date_round_trip(value: dt.date) -> None:
    assert read_date(Reader(format_date(value))) == value


@given(s.date_times)
def test_date_time_round_trip(value: dt.datetime) -> None:
    wire = format_date_time(value)
    assert len(wire) == 28
    parsed = read_date_time(Reader(wire))
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()
    assert (parsed.year, parsed.month, parsed.day, parsed.hour) == (
        value.year,
        value.month,
        value.day,
        value.hour,
    )


@settings(max_examples=300, deadline=None)
@given(
    s.fuzz_bytes(
        b'"',
        b"17",
        b" 1",
        b"-Jul-",
        b"-jux-",
        b"1996",
        b"0000",
        b" 02:44:25",
        b" 24:00:61",
        b" +0700",
        b" -2400",
        b"-",
    )
)
def test_fuzz_dates_returns_or_raises_parse_error(data: bytes) -> None:
    for read in (read_date, read_date_time):
        reader = Reader(data, max_depth=4)
        try:
            read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
