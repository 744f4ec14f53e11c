"""Capabilities: case-insensitive names, parameterised families, CAPABILITY / ENABLED / ENABLE."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._capability import (
    Capability,
    read_capability,
    read_capability_data,
    read_enable,
    read_enable_data,
    write_capability_data,
    write_enable,
    write_enable_data,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import Writer
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

C = Capability

# --- known answers: every CAPABILITY / ENABLED / ENABLE line of the RFCs on disk ---------------

CAPABILITY_LINES = [
    # RFC 9051 §6.1.1 (the first response is folded over two lines in the RFC)
    b"* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED",
    b"* CAPABILITY IMAP4rev2 AUTH=GSSAPI AUTH=PLAIN",
    # RFC 9051 §6.2.1
    b"* CAPABILITY IMAP4rev2 STARTTLS LOGINDISABLED",
    b"* CAPABILITY IMAP4rev2 AUTH=PLAIN",
    # RFC 9051 §6.2.2
    b"* CAPABILITY IMAP4rev2 AUTH=PLAIN AUTH=EXTERNAL",
    # RFC 9051 §6.3.1 (and RFC 5161 §3.1 with IMAP4rev1 and ENABLE)
    b"* CAPABILITY IMAP4rev2 ID LITERAL+ X-GOOD-IDEA",
    b"* CAPABILITY IMAP4rev1 ID LITERAL+ ENABLE X-GOOD-IDEA",
    # RFC 9051 §6.5, RFC 3501 §6.5.1
    b"* CAPABILITY IMAP4rev2 XPIG-LATIN",
    b"* CAPABILITY IMAP4rev1 XPIG-LATIN",
    # RFC 9051 §7.2.2: IMAP4rev2 "doesn't have to be the first capability listed"
    b"* CAPABILITY STARTTLS AUTH=GSSAPI IMAP4rev2 LOGINDISABLED XPIG-LATIN",
    # RFC 3501 §6.1.1, §6.2.1, §7.2.1
    b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI",
    b"* CAPABILITY IMAP4rev1 AUTH=GSSAPI AUTH=PLAIN",
    b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED",
    b"* CAPABILITY IMAP4rev1 AUTH=PLAIN",
    b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN",
    # RFC 4959 §4 (SASL-IR)
    b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN",
    b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=EXTERNAL",
    # RFC 6154 §5.2, §5.3 (SPECIAL-USE)
    b"* CAPABILITY IMAP4rev1 SPECIAL-USE",
    b"* CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE",
    # RFC 9208 §4.1.1-§4.1.4, with IMAP4rev2 for the elided "[...]" and the folded
    # "QUOTA=RES-" / "MESSAGE" joined
    b"* CAPABILITY IMAP4rev2 QUOTA QUOTA=RES-STORAGE",
    b"* CAPABILITY IMAP4rev2 QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE",
    b"* CAPABILITY IMAP4rev2 QUOTA QUOTASET QUOTA=RES-STORAGE QUOTA=RES-MESSAGE",
]


@pytest.mark.parametrize("line", CAPABILITY_LINES)
def test_rfc_capability_responses(line: bytes) -> None:
    message = line + b"\r\n"
    capabilities = x.read_in_line(read_capability_data, message, b"* CAPABILITY")
    assert [c.name.encode() for c in capabilities] == line.split(b" ")[2:]
    assert b"* CAPABILITY" + x.written(write_capability_data, capabilities) == line


@pytest.mark.parametrize(
    ("line", "names"),
    [
        # RFC 9051 §6.2.2
        (b"* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] Capabilities", 3),
        (b"* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED] Server ready", 4),
        # RFC 9051 §8 (folded in the RFC)
        (
            b"* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2]"
            b" IMAP4rev2 Service Ready",
            4,
        ),
        # RFC 4978 §3: "IMAP4REV1" in capitals
        (b"* OK [CAPABILITY IMAP4REV1 STARTTLS COMPRESS=DEFLATE] IMAP4REV1 Server", 3),
    ],
)
def test_rfc_capability_response_codes(line: bytes, names: int) -> None:
    start = len(b"* OK [CAPABILITY")
    reader = Reader(line + b"\r\n", start)
    capabilities = read_capability_data(reader)
    reader.expect(b"]")
    assert len(capabilities) == names
    assert x.written(write_capability_data, capabilities) == line[start : reader.pos - 1]


def test_capability_response_code_compress() -> None:
    reader = Reader(b"* OK [CAPABILITY IMAP4REV1 STARTTLS COMPRESS=DEFLATE] x\r\n", 16)
    capabilities = read_capability_data(reader)
    assert capabilities == (C.IMAP4REV1, C.STARTTLS, C.COMPRESS_DEFLATE)
    assert capabilities[0].name == "IMAP4REV1"
    assert capabilities[2].compress_algorithm == "DEFLATE"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # RFC 9051 §6.3.1, RFC 5161 §3.1
        (b"* ENABLED X-GOOD-IDEA", (C("X-GOOD-IDEA"),)),
        (b"* ENABLED CONDSTORE", (C.CONDSTORE,)),
        # RFC 9051 §7.2.1
        (b"* ENABLED CONDSTORE QRESYNC", (C.CONDSTORE, C.QRESYNC)),
        # RFC 9051 §8
        (b"* ENABLED IMAP4rev2", (C.IMAP4REV2,)),
        # RFC 9051 §7.2.1: "The ENABLED response may contain no capabilities"
        (b"* ENABLED", ()),
    ],
)
def test_rfc_enabled_responses(line: bytes, expected: tuple[Capability, ...]) -> None:
    assert x.read_in_line(read_enable_data, line + b"\r\n", b"* ENABLED") == expected
    assert b"* ENABLED" + x.written(write_enable_data, expected) == line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # RFC 9051 §6.3.1, RFC 5161 §3.1
        (b"t2 ENABLE CONDSTORE X-GOOD-IDEA", (C.CONDSTORE, C("X-GOOD-IDEA"))),
        (b"a1 ENABLE CONDSTORE", (C.CONDSTORE,)),
        # RFC 9051 §8
        (b"babc ENABLE IMAP4rev2", (C.IMAP4REV2,)),
        # RFC 7162 §3.2.3: "ENABLE QRESYNC" and "ENABLE QRESYNC CONDSTORE"
        (b"A1 ENABLE QRESYNC CONDSTORE", (C.QRESYNC, C.CONDSTORE)),
        # RFC 6855 §3: "ENABLE UTF8=ACCEPT"
        (b"A2 ENABLE UTF8=ACCEPT", (C.UTF8_ACCEPT,)),
    ],
)
def test_rfc_enable_commands(line: bytes, expected: tuple[Capability, ...]) -> None:
    start = line.index(b" ENABLE") + len(b" ENABLE")
    assert x.read_in_line(read_enable, line + b"\r\n", line[:start]) == expected
    assert line[:start] + x.written(write_enable, expected) == line


# --- values ---------------------------------------------------------------------------------------


def test_case_insensitive_equality_keeps_spelling() -> None:
    assert C("imap4REV1") == C.IMAP4REV1
    assert hash(C("idle")) == hash(C.IDLE)
    assert C("idle").name == "idle"
    assert str(C("idle")) == "idle"
    assert C("idle").key == "IDLE"
    assert C("idle").to_bytes() == b"idle"
    assert {C("Move"), C("MOVE"), C("move")} == {C.MOVE}
    assert C.IDLE != "IDLE"
    assert C.IMAP4REV1 != C.IMAP4REV2


def test_well_known_spellings() -> None:
    expected = {
        "IMAP4REV1": "IMAP4rev1",
        "IMAP4REV2": "IMAP4rev2",
        "LITERAL_PLUS": "LITERAL+",
        "LITERAL_MINUS": "LITERAL-",
        "SASL_IR": "SASL-IR",
        "AUTH_PLAIN": "AUTH=PLAIN",
        "LIST_EXTENDED": "LIST-EXTENDED",
        "LIST_STATUS": "LIST-STATUS",
        "SPECIAL_USE": "SPECIAL-USE",
        "COMPRESS_DEFLATE": "COMPRESS=DEFLATE",
        "QUOTA_RES_ANNOTATION_STORAGE": "QUOTA=RES-ANNOTATION-STORAGE",
        "THREAD_ORDEREDSUBJECT": "THREAD=ORDEREDSUBJECT",
        "THREAD_REFERENCES": "THREAD=REFERENCES",
        "METADATA_SERVER": "METADATA-SERVER",
        "UTF8_ACCEPT": "UTF8=ACCEPT",
        "APPENDLIMIT": "APPENDLIMIT",
    }
    for attribute, spelling in expected.items():
        assert getattr(Capability, attribute).name == spelling
    plain = "STARTTLS LOGINDISABLED IDLE ENABLE NAMESPACE ID UNSELECT UIDPLUS MOVE CONDSTORE"
    plain += " QRESYNC ESEARCH QUOTA QUOTASET SORT BINARY METADATA MULTIAPPEND OBJECTID CHILDREN"
    for name in plain.split(" "):
        assert getattr(Capability, name).name == name


def test_families() -> None:
    assert C.auth("XOAUTH2") == C("AUTH=XOAUTH2")
    assert C("auth=plain").auth_mechanism == "PLAIN"
    assert C.AUTH_PLAIN.auth_mechanism == "PLAIN"
    assert C.IDLE.auth_mechanism is None
    assert C("AUTH=").auth_mechanism is None  # an atom, but names no mechanism
    assert C.thread("references") == C.THREAD_REFERENCES
    assert C.THREAD_ORDEREDSUBJECT.thread_algorithm == "ORDEREDSUBJECT"
    assert C.quota_resource("STORAGE") == C.QUOTA_RES_STORAGE
    assert C.QUOTA_RES_MESSAGE.quota_resource_name == "MESSAGE"
    assert C.QUOTA.quota_resource_name is None
    assert C.compress("DEFLATE") == C.COMPRESS_DEFLATE
    assert C.append_limit() == C.APPENDLIMIT
    assert C.append_limit(35651584).name == "APPENDLIMIT=35651584"
    assert C("APPENDLIMIT=35651584").append_limit_value == 35651584
    assert C.APPENDLIMIT.append_limit_value is None
    assert C("APPENDLIMIT=x").append_limit_value is None
    assert C("APPENDLIMIT=99999999999").append_limit_value is None  # beyond number
    assert C.IDLE.append_limit_value is None


@pytest.mark.parametrize("name", ["", "A B", "IMAP4rev1]", "X(", "É", "AUTH=A B", "a\r\n", "%"])
def test_capability_refuses(name: str) -> None:
    with pytest.raises(IMAPValueError):
        Capability(name)


def test_family_constructors_refuse() -> None:
    for make in (C.auth, C.thread, C.quota_resource, C.compress):
        with pytest.raises(IMAPValueError):
            make("two words")
    with pytest.raises(IMAPValueError):
        C.append_limit(-1)
    with pytest.raises(IMAPValueError):
        C.append_limit(2**32)


def test_writers_accept_str_and_refuse_other_things() -> None:
    mixed: list[Capability | str] = ["CONDSTORE", C.QRESYNC]
    assert x.written(write_enable, mixed) == b" CONDSTORE QRESYNC"
    assert x.written(write_capability_data, ["IMAP4rev1"]) == b" IMAP4rev1"
    with pytest.raises(IMAPValueError):
        write_enable(Writer(), [b"CONDSTORE"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        x.written(write_enable, ["two words"])


def test_writers_refuse_what_the_grammar_forbids() -> None:
    with pytest.raises(IMAPValueError, match="IMAP4rev2"):
        x.written(write_capability_data, [C.IDLE])
    with pytest.raises(IMAPValueError, match="IMAP4rev2"):
        x.written(write_capability_data, [])
    with pytest.raises(IMAPValueError, match="at least one"):
        x.written(write_enable, [])
    assert x.written(write_enable_data, []) == b""


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "IMAP4rev2"),  # no capability at all
        (b" IDLE MOVE", 10, "IMAP4rev2"),  # no protocol version
        (b" IMAP4rev2 ", 11, "capability"),  # a trailing SP
        (b"  IMAP4rev2", 1, "capability"),  # two SPs
        (b" IMAP4rev2 (X)", 11, "capability"),
        (b' IMAP4rev2 "X"', 11, "capability"),
        (b" IMAP4rev2 \xc3\xa9", 11, "capability"),
    ],
)
def test_read_capability_data_errors(data: bytes, offset: int, expected: str) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_capability_data(reader)
    assert info.value.offset == offset


def test_require_version_leniency() -> None:
    reader = Reader(b" IDLE MOVE\r\n")
    assert read_capability_data(reader, require_version=False) == (C.IDLE, C.MOVE)
    assert reader.pos == 10
    with pytest.raises(IMAPParseError, match="at least one") as info:
        read_capability_data(Reader(b"\r\n"), require_version=False)
    assert info.value.offset == 0


def test_read_capability_data_error_resets_the_position() -> None:
    reader = Reader(b" IDLE MOVE\r\n")
    with pytest.raises(IMAPParseError):
        read_capability_data(reader)
    assert reader.pos == 0


@pytest.mark.parametrize(
    ("read", "data", "offset"),
    [
        (read_enable, b"", 0),  # ENABLE takes at least one
        (read_enable, b"\r\n", 0),
        (read_enable, b" ", 1),
        (read_enable, b" A  B", 3),
        (read_enable_data, b" ", 1),
        (read_enable_data, b" X ]", 3),
        (read_capability, b"]", 0),
    ],
)
def test_read_errors(read: object, data: bytes, offset: int) -> None:
    assert callable(read)
    with pytest.raises(IMAPParseError) as info:
        read(Reader(data))
    assert info.value.offset == offset


def test_read_stops_at_what_is_not_a_list_item() -> None:
    reader = Reader(b" IMAP4rev1 IDLE]")
    assert read_capability_data(reader) == (C.IMAP4REV1, C.IDLE)
    assert reader.pos == 15
    reader = Reader(b"\r\n")
    assert read_enable_data(reader) == ()
    assert reader.pos == 0


# --- round trips and fuzzing ----------------------------------------------------------------------


@given(x.capabilities)
def test_capability_round_trip(capability: Capability) -> None:
    assert Capability(capability.name) == capability
    parsed = read_capability(Reader(capability.to_bytes()))
    assert parsed == capability
    assert parsed.name == capability.name


@given(x.capability_data)
def test_capability_data_round_trip(capabilities: tuple[Capability, ...]) -> None:
    data = x.written(write_capability_data, capabilities)
    parsed = x.read_whole(read_capability_data, data)
    assert parsed == capabilities
    assert [c.name for c in parsed] == [c.name for c in capabilities]
    assert x.written(write_capability_data, parsed) == data


@given(s.fuzz_bytes(b" ", b"IMAP4rev1", b"AUTH=", b"X", b"]", b"(", b"\r\n"))
def test_reparse_of_parsed_lists_is_stable(data: bytes) -> None:
    for read, write in (
        (read_enable_data, write_enable_data),
        (read_enable, write_enable),
        (read_capability_data, write_capability_data),
    ):
        reader = Reader(data)
        try:
            parsed = read(reader)
        except IMAPParseError:
            continue
        written = x.written(write, parsed)
        assert written == data[: reader.pos]
        assert x.read_whole(read, written) == parsed


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b" ", b"IMAP4rev2", b"AUTH=PLAIN", b"]", b"(", b"\x00", b"\xff", b"\r\n"))
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    for read in (read_capability, read_capability_data, read_enable_data, read_enable):
        reader = Reader(data)
        try:
            read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            assert 0 <= reader.pos <= len(data)


def test_writer_output_is_a_single_line() -> None:
    writer = Writer()
    write_capability_data(writer, [C.IMAP4REV2, C.IDLE])
    fragments = writer.fragments()
    assert len(fragments) == 1
    assert fragments[0].data == b" IMAP4rev2 IDLE"
