"""APPEND (with MULTIAPPEND, BINARY and UTF8), ENABLE, IDLE/DONE, GETQUOTA, GETQUOTAROOT,
SETQUOTA, GETMETADATA, SETMETADATA and COMPRESS: known answers from the RFCs (RFC 3501,
RFC 9051, RFC 4315, RFC 9208, RFC 5161, RFC 2177, RFC 6154, RFC 4978), transcripts,
validation, malformed input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._capability import Capability
from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_auth import (
    AppendCommand,
    AppendForm,
    AppendMessage,
    CompressCommand,
    EnableCommand,
    GetMetadataCommand,
    GetQuotaCommand,
    GetQuotaRootCommand,
    IdleCommand,
    SetMetadataCommand,
    SetQuotaCommand,
)
from pymailproto.imap._commands_selected import FetchCommand
from pymailproto.imap._commands_special import IdleDone
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._fetch import FetchMacro
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._metadata import Depth, GetMetadataOptions
from pymailproto.imap._quota import STORAGE, QuotaLimit
from pymailproto.imap._values import (
    LineFragment,
    LiteralFragment,
    LiteralMode,
    LiteralSupport,
    WireOptions,
)
from tests.imap import strategies_commands as c

V = c.Vector
MINUS = WireOptions(literals=LiteralSupport.LITERAL_MINUS)


def _message(host: str, to: str) -> bytes:
    """The message of the APPEND examples (RFC 3501 §6.3.11, RFC 9051 §6.3.12)."""
    lines = [
        "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)",
        f"From: Fred Foobar <foobar@{host}>",
        "Subject: afternoon meeting",
        f"To: {to}",
        f"Message-Id: <B27397-0100000@{host}>",
        "MIME-Version: 1.0",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
        "",
        "Hello Joe, do you think we can meet at 3:30 tomorrow?",
    ]
    return "".join(line + "\r\n" for line in lines).encode("ascii")


MESSAGE_3501 = _message("Blurdybloop.COM", "mooch@owatagu.siam.edu")
MESSAGE_9051 = _message("Blurdybloop.example", "mooch@owatagu.siam.edu.example")
MESSAGE_4315 = _message("example.com", "mooch@example.com")
SEEN = [Flag.SEEN]


def _append(tag: str, message: bytes) -> AppendCommand:
    return AppendCommand(tag, "saved-messages", AppendMessage(message, flags=SEEN))


VECTORS = [
    V(
        "RFC 3501 §6.3.11",
        b"A003 APPEND saved-messages (\\Seen) {310}\r\n" + MESSAGE_3501 + b"\r\n",
        _append("A003", MESSAGE_3501),
    ),
    V(
        "RFC 9051 §6.3.12",
        b"A003 APPEND saved-messages (\\Seen) {326}\r\n" + MESSAGE_9051 + b"\r\n",
        _append("A003", MESSAGE_9051),
    ),
    V(
        "RFC 9051 §6.3.12",
        b"A003 APPEND saved-messages (\\Seen) {297+}\r\n" + MESSAGE_4315 + b"\r\n",
        _append("A003", MESSAGE_4315),
        options=MINUS,
        note="a non-synchronizing literal: written so under LITERAL- (or IMAP4rev2)",
    ),
    V(
        "RFC 4315 §3",
        b"A003 APPEND saved-messages (\\Seen) {297}\r\n" + MESSAGE_4315 + b"\r\n",
        _append("A003", MESSAGE_4315),
    ),
    V(
        "RFC 9208 §4.3.1",
        b"A003 APPEND saved-messages (\\Seen) {326}\r\n" + MESSAGE_9051 + b"\r\n",
        _append("A003", MESSAGE_9051),
    ),
    # RFC 5161 §3.1 and RFC 9051 §6.3.1
    V(
        "RFC 5161 §3.1",
        b"t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n",
        EnableCommand("t2", [Capability.CONDSTORE, "X-GOOD-IDEA"]),
    ),
    V("RFC 5161 §3.1", b"a1 ENABLE CONDSTORE\r\n", EnableCommand("a1", ["CONDSTORE"])),
    # RFC 2177 §3 and RFC 9051 §6.3.13
    V("RFC 2177 §3", b"A002 IDLE\r\n", IdleCommand("A002")),
    V("RFC 2177 §3", b"DONE\r\n", IdleDone()),
    V("RFC 2177 §3", b"A003 FETCH 4 ALL\r\n", FetchCommand("A003", "4", FetchMacro.ALL)),
    V("RFC 2177 §3", b"A004 IDLE\r\n", IdleCommand("A004")),
    V("RFC 2177 §3", b"DONE\r\n", IdleDone()),
    V("RFC 2177 §3", b"A005 FETCH 3 ALL\r\n", FetchCommand("A005", "3", FetchMacro.ALL)),
    V("RFC 2177 §3", b"A006 IDLE\r\n", IdleCommand("A006")),
    # RFC 9208 §4.1.1-3 (quota roots are astrings: atoms where they can be)
    V(
        "RFC 9208 §4.1.1",
        b'G0001 GETQUOTA "!partition/sda4"\r\n',
        GetQuotaCommand("G0001", "!partition/sda4"),
        b"G0001 GETQUOTA !partition/sda4\r\n",
    ),
    V("RFC 9208 §4.1.2", b"G0002 GETQUOTAROOT INBOX\r\n", GetQuotaRootCommand("G0002", "INBOX")),
    V(
        "RFC 9208 §4.1.3",
        b'S0000 GETQUOTA "#user/alice"\r\n',
        GetQuotaCommand("S0000", b"#user/alice"),
        b"S0000 GETQUOTA #user/alice\r\n",
    ),
    V(
        "RFC 9208 §4.1.3",
        b'S0001 SETQUOTA "#user/alice" (STORAGE 510)\r\n',
        SetQuotaCommand("S0001", "#user/alice", [QuotaLimit(STORAGE, 510)]),
        b"S0001 SETQUOTA #user/alice (STORAGE 510)\r\n",
    ),
    V(
        "RFC 9208 §4.1.3",
        b'S0002 SETQUOTA "!partition/sda4" (STORAGE 99999999)\r\n',
        SetQuotaCommand("S0002", "!partition/sda4", [QuotaLimit(STORAGE, 99999999)]),
        b"S0002 SETQUOTA !partition/sda4 (STORAGE 99999999)\r\n",
    ),
    # RFC 6154 §5.4 (METADATA)
    V(
        "RFC 6154 §5.4",
        b't2 GETMETADATA "MyDrafts" /private/specialuse\r\n',
        GetMetadataCommand("t2", "MyDrafts", [b"/private/specialuse"]),
        b"t2 GETMETADATA MyDrafts /private/specialuse\r\n",
    ),
    V(
        "RFC 6154 §5.4",
        b't3 SETMETADATA "SavedDrafts" (/private/specialuse "\\\\Drafts")\r\n',
        SetMetadataCommand("t3", "SavedDrafts", {b"/private/specialuse": b"\\Drafts"}),
        b't3 SETMETADATA SavedDrafts (/private/specialuse "\\\\Drafts")\r\n',
    ),
    V(
        "RFC 6154 §5.4",
        b't4 SETMETADATA "SentMail" (/private/specialuse NIL)\r\n',
        SetMetadataCommand("t4", "SentMail", [(b"/private/specialuse", None)]),
        b"t4 SETMETADATA SentMail (/private/specialuse NIL)\r\n",
    ),
    # RFC 4978 §3
    V(
        "RFC 4978 §3",
        b"c compress deflate\r\n",
        CompressCommand("c"),
        b"c COMPRESS DEFLATE\r\n",
        note="names and the algorithm upper case",
    ),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_rfc_examples(vector: c.Vector) -> None:
    c.check_vector(vector)


WIRE, EXPECTED = c.transcript(VECTORS)


def test_transcript_whole_and_bytewise() -> None:
    assert c.values(c.collect([WIRE], EXPECTED)) == EXPECTED
    assert c.values(c.collect(c.bytewise(WIRE), EXPECTED)) == EXPECTED


@settings(max_examples=30)
@given(st.data())
def test_transcript_random_splits(data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(WIRE)), max_size=20))
    assert c.values(c.collect(c.split(WIRE, points), EXPECTED)) == EXPECTED


PST = dt.timezone(dt.timedelta(hours=-8))


def test_multiappend() -> None:
    # MULTIAPPEND (RFC 3502): several append-messages, each with its own options.
    command = AppendCommand(
        "A1",
        "Drafts",
        [
            AppendMessage(b"one\r\n", flags=[Flag.SEEN, Flag.DRAFT]),
            AppendMessage(b"two", date_time=dt.datetime(1994, 2, 7, 21, 52, 25, tzinfo=PST)),
            AppendMessage(b"\0three", flags=[], form=AppendForm.BINARY),
            AppendMessage("Subject: \u00e9\r\n".encode(), form=AppendForm.UTF8),
        ],
    )
    fragments = command.fragments()
    assert fragments == [
        LineFragment(b"A1 APPEND Drafts (\\Seen \\Draft) {5}\r\n"),
        LiteralFragment(b"one\r\n", LiteralMode.SYNC),
        LineFragment(b' " 7-Feb-1994 21:52:25 -0800" {3}\r\n'),
        LiteralFragment(b"two", LiteralMode.SYNC),
        LineFragment(b" () ~{6}\r\n"),
        LiteralFragment(b"\0three", LiteralMode.SYNC, binary=True),
        LineFragment(b" UTF8 (~{13}\r\n"),
        LiteralFragment("Subject: \u00e9\r\n".encode(), LiteralMode.SYNC, binary=True),
        LineFragment(b")\r\n"),
    ]
    wire = command.to_bytes()
    assert read_command(Reader(wire)) == command
    events = c.collect([wire])
    assert c.values(events) == [command]
    assert [getattr(event, "binary", None) for event in events[:4]] == [False, False, True, True]


def test_append_forms() -> None:
    command = read_command(Reader(b'A1 APPEND x "17-Jul-1996 02:44:25 -0700" {2+}\r\nhi\r\n'))
    assert isinstance(command, AppendCommand)
    message = command.messages[0]
    assert message.date_time == dt.datetime(
        1996, 7, 17, 2, 44, 25, tzinfo=dt.timezone(-dt.timedelta(hours=7))
    )
    assert (message.flags, message.form, message.data) == (None, AppendForm.LITERAL, b"hi")
    assert "hi" not in repr(message)
    single = AppendCommand("A1", "x", AppendMessage(b"m"))
    assert single == AppendCommand("A1", "x", [AppendMessage(b"m")])
    assert read_command(Reader(b"A1 APPEND x utf8 (~{1}\r\nm)\r\n")) == AppendCommand(
        "A1", "x", AppendMessage(b"m", form=AppendForm.UTF8)
    )


def test_append_date_time_drops_microseconds() -> None:
    when = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc)
    message = AppendMessage(b"m", date_time=when)
    assert message.date_time == when.replace(microsecond=0)
    command = AppendCommand("t", "x", message)
    assert read_command(Reader(command.to_bytes())) == command


def test_enable_and_compress() -> None:
    assert EnableCommand("t", ["utf8=accept"]).to_bytes() == b"t ENABLE utf8=accept\r\n"
    assert read_command(Reader(b"t ENABLE IMAP4rev2 UTF8=ACCEPT\r\n")) == EnableCommand(
        "t", [Capability.IMAP4REV2, Capability("utf8=accept")]
    )
    assert CompressCommand("t", "x-zstd").to_bytes() == b"t COMPRESS X-ZSTD\r\n"


def test_metadata_options() -> None:
    command = GetMetadataCommand(
        "t", "", [b"/shared/comment", b"/private/x"], GetMetadataOptions(1024, Depth.INFINITY)
    )
    wire = b't GETMETADATA (MAXSIZE 1024 DEPTH infinity) "" (/shared/comment /private/x)\r\n'
    assert command.to_bytes() == wire
    assert read_command(Reader(wire)) == command
    binary = SetMetadataCommand("t", "INBOX", [(b"/private/x", b"\0\1")])
    assert binary.to_bytes() == b"t SETMETADATA INBOX (/private/x ~{2}\r\n\0\1)\r\n"
    assert read_command(Reader(binary.to_bytes())) == binary


def test_setquota_empty() -> None:
    command = SetQuotaCommand("t", "")
    assert command.to_bytes() == b't SETQUOTA "" ()\r\n'
    assert read_command(Reader(command.to_bytes())) == command


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        AppendCommand("t", "x", [])
    with pytest.raises(IMAPValueError):
        AppendCommand("t", "x", [b"raw"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        AppendMessage("text")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        AppendMessage(b"a\0b")
    with pytest.raises(IMAPValueError):
        AppendMessage(b"m", flags=[Flag.WILDCARD])
    with pytest.raises(IMAPValueError):
        AppendMessage(b"m", date_time=dt.datetime(2000, 1, 1))
    with pytest.raises(IMAPValueError):
        AppendMessage(b"m", date_time=dt.date(2000, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        AppendMessage(b"m", form="UTF8")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        EnableCommand("t", [])
    with pytest.raises(IMAPValueError):
        EnableCommand("t", "CONDSTORE")
    with pytest.raises(IMAPValueError):
        CompressCommand("t", "A B")
    with pytest.raises(IMAPValueError):
        GetQuotaCommand("t", b"\0")
    with pytest.raises(IMAPValueError):
        SetQuotaCommand("t", "r", ["STORAGE 5"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        GetMetadataCommand("t", "x", [b"no-slash"])
    with pytest.raises(IMAPValueError):
        SetMetadataCommand("t", "x", [])


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t APPEND x\r\n", 10),
        (b"t APPEND x (\\Seen)\r\n", 18),
        (b't APPEND x (\\Seen) "x" {1}\r\nm\r\n', 19),
        (b"t APPEND x (\\*) {1}\r\nm\r\n", 12),
        (b"t APPEND x ANNOTATION (a b) {1}\r\nm\r\n", 11),
        (b"t APPEND x UTF8 {1}\r\nm\r\n", 16),
        (b"t APPEND x UTF8 ({1}\r\nm)\r\n", 17),
        (b"t APPEND x {1}\r\nm \r\n", 18),
        (b"t APPEND x {2}\r\na\0\r\n", 17),
        (b"t ENABLE\r\n", 8),
        (b"t ENABLE \r\n", 9),
        (b"t IDLE now\r\n", 6),
        (b"t COMPRESS\r\n", 10),
        (b"t COMPRESS (x)\r\n", 11),
        (b"t GETQUOTA\r\n", 10),
        (b"t GETQUOTAROOT x y\r\n", 16),
        (b"t SETQUOTA x STORAGE 5\r\n", 13),
        (b"t GETMETADATA x comment\r\n", 16),
        (b"t SETMETADATA x (/a)\r\n", 19),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert info.value.offset == offset
    assert info.value.tag == "t"
