"""ReceiveBuffer: lines, linear search cost, bounded memory on over-long lines, take/clear."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto._buffer import LineTooLong, ReceiveBuffer

TOO_LONG = "too long"


class RecordingBytes(bytearray):
    """A bytearray that counts how many octets each ``find`` had to look at."""

    scanned = 0

    def find(self, sub: bytes, start: int = 0) -> int:  # type: ignore[override]
        type(self).scanned += len(self) - start
        return super().find(sub, start)


def lines_of(buf: ReceiveBuffer, limit: int) -> list[object]:
    """Every line now complete, with TOO_LONG for each over-long one."""
    out: list[object] = []
    while True:
        try:
            line = buf.next_line(limit)
        except LineTooLong as exc:
            assert exc.limit == limit
            out.append(TOO_LONG)
            continue
        if line is None:
            return out
        out.append(line)


def test_lines_come_out_without_crlf() -> None:
    buf = ReceiveBuffer()
    assert not buf
    assert len(buf) == 0
    buf.feed(b"EHLO a\r\n\r\nNOOP\r\nQU")
    assert lines_of(buf, 512) == [b"EHLO a", b"", b"NOOP"]
    assert buf
    assert len(buf) == 2
    assert buf.peek() == b"QU"
    buf.feed(b"IT\r\n")
    assert buf.next_line(512) == b"QUIT"
    assert buf.next_line(512) is None


def test_bare_cr_and_lf_do_not_end_a_line() -> None:
    buf = ReceiveBuffer()
    buf.feed(b"a\rb\nc\n\r\r\n")
    assert lines_of(buf, 512) == [b"a\rb\nc\n\r"]


def test_cr_and_lf_split_across_pieces() -> None:
    buf = ReceiveBuffer()
    buf.feed(b"abc\r")
    assert buf.next_line(512) is None
    buf.feed(b"\nxyz\r")
    assert buf.next_line(512) == b"abc"
    assert buf.next_line(512) is None
    buf.feed(b"\r\n")
    assert buf.next_line(512) == b"xyz\r"


def test_search_resumes_at_most_one_octet_back() -> None:
    buf = ReceiveBuffer()
    buf._data = RecordingBytes()
    RecordingBytes.scanned = 0
    n = 20_000
    for i in range(n):
        buf.feed(b"\r" if i % 2 else b"x")  # CRs that are never followed by LF
        assert buf.next_line(10**9) is None
        assert buf._searched == len(buf) == i + 1
    buf.feed(b"\n")
    assert buf.next_line(10**9) == (b"x\r" * (n // 2))[:-1]
    assert n <= RecordingBytes.scanned <= 2 * (n + 1)  # linear, not n**2 / 2


def test_line_at_the_limit_fits_one_more_does_not() -> None:
    buf = ReceiveBuffer()
    buf.feed(b"x" * 8 + b"\r\n" + b"y" * 9 + b"\r\nnext\r\n")
    assert lines_of(buf, 10) == [b"x" * 8, TOO_LONG, b"next"]
    assert not buf.skipping


def test_over_long_line_raises_once_then_skips_to_crlf() -> None:
    buf = ReceiveBuffer()
    buf.feed(b"z" * 15)
    with pytest.raises(LineTooLong):
        buf.next_line(10)
    assert buf.skipping
    for _ in range(100):
        buf.feed(b"z" * 1000)
        assert buf.next_line(10) is None  # no second error
        assert len(buf) == 0  # discarded as it arrives
    buf.feed(b"zz\r")
    assert buf.next_line(10) is None
    assert buf.peek() == b"\r"  # may be half of the CRLF we wait for
    buf.feed(b"\nok\r\n")
    assert buf.next_line(10) == b"ok"
    assert not buf.skipping


def test_skipping_ignores_a_cr_not_followed_by_lf() -> None:
    buf = ReceiveBuffer()
    buf.feed(b"z" * 20 + b"\r")
    assert lines_of(buf, 10) == [TOO_LONG]
    buf.feed(b"z\r")
    assert lines_of(buf, 10) == []
    buf.feed(b"\r\nafter\r\n")
    assert lines_of(buf, 10) == [b"after"]


def test_take_peek_and_clear() -> None:
    buf = ReceiveBuffer()
    buf.feed(b"0123456789")
    assert buf.next_line(512) is None
    assert buf.take(4) == b"0123"
    assert buf.peek(3) == b"456"
    assert buf.peek() == b"456789"
    assert buf.take(100) == b"456789"
    assert buf.take(5) == b""
    buf.feed(b"\nab\r\n")  # the search restarts after take
    assert buf.next_line(512) == b"\nab"
    buf.feed(b"x" * 50)
    with pytest.raises(LineTooLong):
        buf.next_line(10)
    assert buf.clear() == 50
    assert not buf.skipping
    assert len(buf) == 0
    buf.feed(b"fresh\r\n")
    assert buf.next_line(10) == b"fresh"


def reference(data: bytes, limit: int) -> list[object]:
    *complete, tail = data.split(b"\r\n")
    out: list[object] = [line if len(line) + 2 <= limit else TOO_LONG for line in complete]
    return [*out, TOO_LONG] if len(tail) >= limit else out


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from([b"\r\n", b"\r", b"\n", b"a", b"bcdefg", b"\r\r\n"]), max_size=60
    ),
    cuts=st.lists(st.integers(0, 400), max_size=20),
    limit=st.integers(3, 20),
)
def test_any_split_gives_the_same_lines_in_bounded_memory(
    parts: list[bytes], cuts: list[int], limit: int
) -> None:
    data = b"".join(parts)
    edges = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    buf = ReceiveBuffer()
    got: list[object] = []
    for a, b in itertools.pairwise(edges):
        buf.feed(data[a:b])
        got += lines_of(buf, limit)
        assert len(buf) < limit  # never a whole over-long line in memory
    assert got == reference(data, limit)
