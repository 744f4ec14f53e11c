"""Reply values, their wire form and the incremental ReplyReader (RFC 5321 §4.2, RFC 2034)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import Greeting, Reply
from pymailproto.smtp._reply import ReplyReader


def read(wire: bytes, *, greeting: bool = False, max_lines: int = 100) -> Reply:
    """Feed ``wire`` line by line; it must hold exactly one reply."""
    reader = ReplyReader(max_lines)
    lines = wire.split(b"\r\n")
    assert lines.pop() == b""
    for line in lines[:-1]:
        assert reader.feed_line(line, greeting=greeting) is None
        assert reader.in_progress
    reply = reader.feed_line(lines[-1], greeting=greeting)
    assert reply is not None
    assert not reader.in_progress
    return reply


# ---------------------------------------------------------------------------- round trips

# RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39
codes = st.builds(
    lambda a, b, c: a * 100 + b * 10 + c,
    st.integers(2, 5),
    st.integers(0, 5),
    st.integers(0, 9),
)
# Text may be any UTF-8 except control characters other than HT (RFC 5321 §4.2 textstring,
# widened by RFC 6531 §3.7.4.2).
_controls = [chr(c) for c in range(32) if c != 9] + ["\x7f"]
text_lines = st.text(st.characters(codec="utf-8", exclude_characters=_controls), max_size=30)
_LOOKS_ENHANCED = re.compile(r"([245])\.[0-9]{1,3}\.[0-9]{1,3}(?: |\Z)")


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    code = draw(codes)
    lines = draw(st.lists(text_lines, min_size=1, max_size=5))
    enhanced = None
    if code // 100 != 3 and draw(st.booleans()):
        subject, detail = draw(st.integers(0, 999)), draw(st.integers(0, 999))
        enhanced = f"{code // 100}.{subject}.{detail}"
    else:
        # Text that itself starts with an enhanced code of the reply's class is read back as
        # one (RFC 2034 §4); that is the protocol's ambiguity, not a round-trip failure.
        found = _LOOKS_ENHANCED.match(lines[-1])
        if found and int(found.group(1)) == code // 100:
            lines[-1] = "x" + lines[-1]
    return Reply(code, lines, enhanced)


@given(replies())
def test_round_trip(reply: Reply) -> None:
    assert read(reply.to_bytes()) == reply


@given(replies())
def test_round_trip_greeting(reply: Reply) -> None:
    greeting = Greeting(reply.code, reply.text_lines, reply.enhanced)
    back = read(greeting.to_bytes(), greeting=True)
    assert type(back) is Greeting
    assert back == greeting


@settings(max_examples=50)
@given(replies())
def test_wire_form_is_well_formed(reply: Reply) -> None:
    data = reply.to_bytes()
    lines = data.split(b"\r\n")[:-1]
    assert len(lines) == len(reply.text_lines)
    for i, line in enumerate(lines):
        assert line[:3] == str(reply.code).encode()
        assert line[3:4] == (b"-" if i < len(lines) - 1 else (b" " if len(line) > 3 else b""))
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line)


def test_examples() -> None:
    assert Reply(250, "OK").to_bytes() == b"250 OK\r\n"
    assert Reply(250, ["a", "b"]).to_bytes() == b"250-a\r\n250 b\r\n"
    assert Reply(550, "No", enhanced="5.1.1").to_bytes() == b"550 5.1.1 No\r\n"
    assert Reply(250, ["x", "y"], "2.0.0").to_bytes() == b"250-2.0.0 x\r\n250 2.0.0 y\r\n"
    assert Reply(250, []).text_lines == ("",)
    assert Reply(250, "").to_bytes() == b"250\r\n"


def test_334_keeps_its_space() -> None:
    # RFC 4954 §4: continue-req = "334" SP [base64] CRLF
    assert Reply(334, "").to_bytes() == b"334 \r\n"
    assert Reply(334, ["", ""]).to_bytes() == b"334-\r\n334 \r\n"
    assert read(b"334 \r\n") == Reply(334, "")


# ---------------------------------------------------------------------------- construction


@pytest.mark.parametrize("code", [0, 199, 260, 299, 560, 600, -250, 1000])
def test_bad_codes(code: int) -> None:
    with pytest.raises(LocalProtocolError, match="reply code"):
        Reply(code, "x")


@pytest.mark.parametrize("code", ["250", 250.0, None])
def test_code_must_be_an_int(code: object) -> None:
    with pytest.raises(LocalProtocolError):
        Reply(code, "x")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["\r", "\n", "\r\n", "\x00", "\x1b", "\x7f", "\ud800"])
def test_text_refuses_control_characters(bad: str) -> None:
    for lines in (f"a{bad}b", ["ok", f"x{bad}"], [bad]):
        with pytest.raises(LocalProtocolError):
            Reply(250, lines)


def test_text_must_be_str() -> None:
    with pytest.raises(LocalProtocolError):
        Reply(250, [b"bytes"])  # type: ignore[list-item]


def test_tab_and_utf8_are_allowed() -> None:
    reply = Reply(250, "a\tb ünï ✓")
    assert read(reply.to_bytes()) == reply


@pytest.mark.parametrize(
    ("code", "enhanced"),
    [
        (250, "5.0.0"),  # RFC 2034 §4: the class must match the reply code
        (550, "2.0.0"),
        (450, "5.1.1"),
        (354, "3.0.0"),  # RFC 3463: class is 2, 4 or 5
        (250, "2.0"),
        (250, "2.0.0.0"),
        (250, "2.1000.0"),
        (250, "2.0.0 "),
        (250, "2.\u0663.0"),  # ARABIC-INDIC DIGIT THREE is no DIGIT
        (250, ""),
    ],
)
def test_bad_enhanced_codes(code: int, enhanced: str) -> None:
    with pytest.raises(LocalProtocolError, match="enhanced"):
        Reply(code, "x", enhanced)


def test_properties() -> None:
    assert Reply(250).is_positive
    assert not Reply(250).is_error
    assert Reply(354).is_intermediate
    assert Reply(451).is_transient
    assert Reply(451).is_error
    assert Reply(554).is_permanent
    assert Reply(554).is_error
    assert not Reply(451).is_permanent
    assert Reply(250, ["a", "b"]).text == "a\nb"
    assert str(Reply(550, ["a", "b"], "5.1.1")) == "550 5.1.1 a\nb"
    assert str(Reply(250, "OK")) == "250 OK"
    with pytest.raises(AttributeError):
        Reply(250).code = 251  # type: ignore[misc]


def test_challenge() -> None:
    assert Reply(334, "VXNlcm5hbWU6").challenge == b"Username:"
    assert Reply(334, "").challenge == b""
    assert Reply(
        334, " PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4= "
    ).challenge
    with pytest.raises(RemoteProtocolError, match="base64"):
        _ = Reply(334, "not base64!").challenge
    with pytest.raises(LocalProtocolError, match="not an AUTH challenge"):
        _ = Reply(250, "VXNlcm5hbWU6").challenge


# ---------------------------------------------------------------------------- reading


def test_multi_line_reply() -> None:
    reply = read(b"250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n")
    assert reply == Reply(250, ["mx.example", "PIPELINING", "SIZE 100"])


@pytest.mark.parametrize("line", [b"250", b"250 "])
def test_bare_code_accepted(line: bytes) -> None:
    # RFC 5321 §4.2: a client SHOULD accept a reply code alone, with or without the space.
    assert ReplyReader(10).feed_line(line) == Reply(250, "")


@pytest.mark.parametrize(
    "line",
    [
        *(b"", b"2", b"25", b"2500", b"abc", b"250x", b"250\tx", b" 250 x", b"25a x"),
        *(b"199 x", b"560 x", b"600 x", b"260 x", b"299 x", b"\xd9\xa2\xd9\xa5\xd9\xa0 x"),
    ],
)
def test_malformed_lines(line: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        ReplyReader(10).feed_line(line)


def test_code_change_inside_multi_line() -> None:
    reader = ReplyReader(10)
    assert reader.feed_line(b"250-first") is None
    with pytest.raises(RemoteProtocolError, match="changed from 250 to 251"):
        reader.feed_line(b"251 second")


def test_max_lines() -> None:
    reader = ReplyReader(3)
    for _ in range(2):
        assert reader.feed_line(b"250-x") is None
    assert reader.feed_line(b"250 x") == Reply(250, ["x"] * 3)
    for _ in range(3):
        assert reader.feed_line(b"250-x") is None
    with pytest.raises(RemoteProtocolError, match="longer than 3 lines"):
        reader.feed_line(b"250-x")


def test_enhanced_code_on_every_line_is_stripped() -> None:
    # RFC 2034 §6 example: the code on every line of a multi-line reply.
    reply = read(b"551-5.7.1 Forwarding to remote hosts disabled\r\n551 5.7.1 Select another\r\n")
    assert reply == Reply(551, ["Forwarding to remote hosts disabled", "Select another"], "5.7.1")
    assert read(b"250 2.0.0\r\n") == Reply(250, "", "2.0.0")
    # A line without the code keeps its text; the code is taken from the last line.
    assert read(b"250-plain\r\n250 2.0.0 ok\r\n") == Reply(250, ["plain", "ok"], "2.0.0")


def test_enhanced_code_of_another_class_is_text() -> None:
    assert read(b"250 5.0.0 odd\r\n") == Reply(250, "5.0.0 odd")
    assert read(b"354 3.0.0 go\r\n") == Reply(354, "3.0.0 go")
    assert read(b"250 2.0.0x\r\n") == Reply(250, "2.0.0x")


def test_hostile_text_is_sanitised() -> None:
    reply = read(b"250 a\x00b\x1bc\x7f\r\n")
    assert reply.text_lines == ("a?b?c?",)
    assert read(b"250 \xff\xfe\r\n").text_lines == ("\ufffd\ufffd",)
