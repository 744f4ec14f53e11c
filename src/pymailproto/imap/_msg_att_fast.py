"""The FETCH fast path's patterns and value readers (used by :func:`._msg_att.read_msg_att`).

The items every FETCH of a message list asks for are each matched with their value in one go:
UID, RFC822.SIZE, FLAGS (its list, remembered by its bytes) and INTERNALDATE (date-time's fixed
width, read by position). Spelled in upper case, as servers send them; any other spelling, and
any value these do not take, goes the general way in :mod:`._msg_att` (which states the errors).
When a response starts with all four in one of the orders servers use, :func:`read_prefix`
takes them with one match.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from pymailproto.imap import _datetime
from pymailproto.imap._errors import IMAPParseError
from pymailproto.imap._flags import Flag, read_flag_list
from pymailproto.imap._lexer import Reader

__all__ = ["SIMPLE", "date_time", "flags", "read_prefix"]

_UID = rb"UID ([1-9][0-9]{0,8})"
_SIZE = rb"RFC822\.SIZE ([0-9]{1,18})"
_FLAGS = rb"FLAGS (\([^()\x00-\x1f\x7f-\xff]*\))"
_DATE = (
    rb'INTERNALDATE ("[ 0-9][0-9]-[A-Z][a-z]{2}-[0-9]{4} '
    rb'[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}")'
)
#: One item and its value (groups 1-4), or the name of a structure and its SP (groups 5-6).
SIMPLE = re.compile(
    rb"(?:" + _UID + b"|" + _SIZE + b"|" + _FLAGS + b"|" + _DATE + rb")(?=[ )])"
    rb"|(ENVELOPE) (?=\()|(BODYSTRUCTURE) (?=\()"
)
# All four and the SP after them, as Dovecot orders them (groups 1-4: UID, FLAGS, INTERNALDATE,
# RFC822.SIZE) or as Gmail does (groups 5-8: UID, RFC822.SIZE, INTERNALDATE, FLAGS).
_PREFIX = re.compile(
    _UID + b" " + _FLAGS + b" " + _DATE + b" " + _SIZE + b" |"
    + _UID + b" " + _SIZE + b" " + _DATE + b" " + _FLAGS + b" "
)  # fmt: skip

_FLAG_LISTS: dict[bytes, tuple[Flag, ...]] = {}
_FLAG_LISTS_MAX = 512
_TWO_DIGITS = _datetime._TWO_DIGITS
_MONTHS = _datetime._MONTHS_EXACT
_ZONES = _datetime._ZONES
# The dates of INTERNALDATE ("04-Jan-2021"), by their text: a mailbox's messages share few.
_DATES: dict[bytes, tuple[int, int, int]] = {}
_DATES_MAX = 4096


def _date(text: bytes) -> tuple[int, int, int] | None:
    """(year, month, day) of ``date-day-fixed "-" date-month "-" date-year`` as the patterns
    matched it, remembered; None for a month name in another case or the year 0000."""
    month = _MONTHS.get(text[3:6])
    year = int(text[7:11])
    if month is None or not year:
        return None
    date = (year, month, _TWO_DIGITS[text[0:2]])
    if len(_DATES) >= _DATES_MAX:  # bounded: emptied when full
        _DATES.clear()
    _DATES[text] = date
    return date


def date_time(text: bytes) -> _dt.datetime | None:
    """A date-time that the patterns matched (DQUOTEs included), read by position; None when
    a field is out of range or the zone is new (read_date_time then says or learns it)."""
    date = _DATES.get(text[1:12]) or _date(text[1:12])
    zone = _ZONES.get(text[22:27])
    if date is None or zone is None:
        return None
    try:
        return _dt.datetime(
            date[0],
            date[1],
            date[2],
            _TWO_DIGITS[text[13:15]],
            _TWO_DIGITS[text[16:18]],
            _TWO_DIGITS[text[19:21]],
            0,
            zone,
        )
    except ValueError:
        return None


def flags(reader: Reader, m: re.Match[bytes], group: int) -> tuple[Flag, ...] | None:
    """The flags of a FLAGS match (its list in ``group``), remembered by their bytes; None
    when the list is not one (the general path then says why). Moves the reader."""
    span = m.group(group)
    value = _FLAG_LISTS.get(span)
    if value is None:
        reader.pos = m.start(group)
        depth = reader.depth
        try:
            value = read_flag_list(reader)
        except IMAPParseError:
            reader.depth = depth  # a list refused half-way leaves the reader one level deeper
            return None
        if len(_FLAG_LISTS) >= _FLAG_LISTS_MAX:  # bounded: emptied when full
            _FLAG_LISTS.clear()
        _FLAG_LISTS[span] = value
    return value


def read_prefix(reader: Reader, start: int, items: dict[Any, object]) -> int:
    """UID, FLAGS, INTERNALDATE and RFC822.SIZE at ``start`` in one match, put in ``items``
    in their order; where the next item starts, or ``start`` (``items`` and the reader
    untouched) when the response does not start so or a value needs the item-by-item path."""
    m = _PREFIX.match(reader.buf, start)
    if m is None:
        return start
    pos = reader.pos
    if m.lastindex == 4:  # Dovecot's order
        flag_list = flags(reader, m, 2)
        internaldate = date_time(m.group(3))
        if flag_list is None or internaldate is None:
            reader.pos = pos
            return start
        items["UID"] = int(m.group(1))
        items["FLAGS"] = flag_list
        items["INTERNALDATE"] = internaldate
        items["RFC822.SIZE"] = int(m.group(4))
    else:  # Gmail's
        flag_list = flags(reader, m, 8)
        internaldate = date_time(m.group(7))
        if flag_list is None or internaldate is None:
            reader.pos = pos
            return start
        items["UID"] = int(m.group(5))
        items["RFC822.SIZE"] = int(m.group(6))
        items["INTERNALDATE"] = internaldate
        items["FLAGS"] = flag_list
    return m.end()
