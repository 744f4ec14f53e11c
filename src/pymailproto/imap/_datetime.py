"""Dates (SEARCH) and date-times (INTERNALDATE, APPEND) -- RFC 9051 §9::

    date            = date-text / DQUOTE date-text DQUOTE
    date-day        = 1*2DIGIT
                        ; Day of month
    date-day-fixed  = (SP DIGIT) / 2DIGIT
                        ; Fixed-format version of date-day
    date-month      = "Jan" / "Feb" / "Mar" / "Apr" / "May" / "Jun" /
                      "Jul" / "Aug" / "Sep" / "Oct" / "Nov" / "Dec"
    date-text       = date-day "-" date-month "-" date-year
    date-year       = 4DIGIT
    date-time       = DQUOTE date-day-fixed "-" date-month "-" date-year
                      SP time SP zone DQUOTE
    time            = 2DIGIT ":" 2DIGIT ":" 2DIGIT
                        ; Hours minutes seconds
    zone            = ("+" / "-") 4DIGIT

A ``date`` becomes a :class:`datetime.date`; a ``date-time`` an aware
:class:`datetime.datetime` whose tzinfo is the zone as given. Month names are read in any case
(RFC 9051 §9 note 1) and written as in the ABNF.
"""

from __future__ import annotations

import datetime as _dt
import re

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader

__all__ = ["format_date", "format_date_time", "read_date", "read_date_time"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBERS = {name.lower().encode("ascii"): number for number, name in enumerate(_MONTHS, 1)}

_DATE_TEXT = rb"([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})"
_DATE = re.compile(_DATE_TEXT)
_DATE_QUOTED = re.compile(rb'"' + _DATE_TEXT + rb'"')
_DATE_TIME = re.compile(
    rb'"( [0-9]|[0-9]{2})-([A-Za-z]{3})-([0-9]{4}) '
    rb'([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-][0-9]{4})"'
)
# Lookups instead of int() for the two-digit fields and the zone: INTERNALDATE is in every
# FETCH ALL/FAST/FULL response, so this is a hot path.
_TWO_DIGITS = {b"%02d" % n: n for n in range(100)}
_TWO_DIGITS.update({b" %d" % n: n for n in range(10)})  # date-day-fixed = (SP DIGIT) / 2DIGIT
_MONTHS_EXACT = {name.encode("ascii"): number for number, name in enumerate(_MONTHS, 1)}
_ZONES: dict[bytes, _dt.timezone] = {b"+0000": _dt.timezone.utc}


def _date(reader: Reader, m: re.Match[bytes]) -> _dt.date:
    month = _MONTH_NUMBERS.get(m.group(2).lower())
    if month is None:
        raise reader.error("date-month (Jan, Feb, ... Dec)", m.start(2))
    year = int(m.group(3))
    if year == 0:
        raise reader.fail("year 0000 does not exist", m.start(3))
    try:
        return _dt.date(year, month, int(m.group(1)))
    except ValueError:
        raise reader.fail("no such day in that month", m.start(1)) from None


def read_date(reader: Reader) -> _dt.date:
    """``date = date-text / DQUOTE date-text DQUOTE`` (RFC 9051 §9)."""
    buf = reader.buf
    pos = reader.pos
    m = _DATE.match(buf, pos) or _DATE_QUOTED.match(buf, pos)
    if m is None:
        raise reader.error("date (d-Mon-yyyy)")
    value = _date(reader, m)
    reader.pos = m.end()
    return value


def _zone(reader: Reader, text: bytes, pos: int) -> _dt.timezone:
    """``zone = ("+" / "-") 4DIGIT`` -- hhmm east of Greenwich."""
    zone = _ZONES.get(text)
    if zone is None:
        hours, minutes = int(text[1:3]), int(text[3:5])
        if hours > 23 or minutes > 59:
            raise reader.fail("zone out of range (hhmm, hh < 24, mm < 60)", pos)
        offset = _dt.timedelta(hours=hours, minutes=minutes)
        zone = _dt.timezone(-offset if text[0] == 0x2D else offset)
        _ZONES[text] = zone  # at most 2 * 24 * 60 entries
    return zone


def read_date_time(reader: Reader) -> _dt.datetime:
    """``date-time`` (RFC 9051 §9) as an aware datetime.

    A leap second (``:60``, allowed by RFC 5322 §3.3) becomes ``:59``, since
    :class:`datetime.datetime` cannot represent it.
    """
    pos = reader.pos
    m = _DATE_TIME.match(reader.buf, pos)
    if m is None:
        raise reader.error('date-time ("dd-Mon-yyyy hh:mm:ss +zzzz")')
    day, month_name, year, hour, minute, second, zone_text = m.groups()
    zone = _zone(reader, zone_text, m.start(7))
    month = _MONTHS_EXACT.get(month_name)
    if month is not None:
        try:
            value = _dt.datetime(
                int(year),
                month,
                _TWO_DIGITS[day],
                _TWO_DIGITS[hour],
                _TWO_DIGITS[minute],
                _TWO_DIGITS[second],
                tzinfo=zone,
            )
        except ValueError:
            pass  # an impossible field: the slow path below says which
        else:
            reader.pos = m.end()
            return value
    date = _date(reader, m)
    hours, minutes, seconds = _TWO_DIGITS[hour], _TWO_DIGITS[minute], _TWO_DIGITS[second]
    if hours > 23 or minutes > 59 or seconds > 60:
        raise reader.fail("time out of range (00:00:00 to 23:59:60)", m.start(4))
    reader.pos = m.end()
    return _dt.datetime(
        date.year, date.month, date.day, hours, minutes, min(seconds, 59), tzinfo=zone
    )


def format_date(value: _dt.date) -> bytes:
    """``date-text`` (``1-Feb-1994``): what SEARCH's BEFORE/ON/SINCE take."""
    if not isinstance(value, _dt.date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")
    return f"{value.day}-{_MONTHS[value.month - 1]}-{value.year:04d}".encode("ascii")


def format_date_time(value: _dt.datetime) -> bytes:
    """``date-time`` (``"17-Jul-1996 02:44:25 -0700"``), DQUOTEs included.

    The datetime must be aware, with a whole-minute UTC offset; microseconds are dropped.
    """
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"expected a datetime.datetime, got {type(value).__name__}")
    offset = value.utcoffset()
    if offset is None:
        raise IMAPValueError("a date-time needs a time zone: use an aware datetime")
    seconds = int(offset.total_seconds())
    if seconds % 60 or offset.microseconds:
        raise IMAPValueError(f"zone is not a whole number of minutes: {offset}")
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return (
        f'"{value.day:2d}-{_MONTHS[value.month - 1]}-{value.year:04d} '
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} "
        f'{sign}{minutes // 60:02d}{minutes % 60:02d}"'
    ).encode("ascii")
