"""The Command base: tags, the registry and read_command's dispatch (UID included), the shared
helpers (mailbox names, sequence sets, generic extension parameters)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import ClassVar

import pytest

import pymailproto.imap._command_parser  # noqa: F401  (registers every command)
from pymailproto.imap._command_base import (
    Command,
    check_bool,
    check_ext_params,
    check_mailbox,
    check_sequence_set,
    command_names,
    read_command,
    read_ext_param,
    register,
    tag_of_reader,
    write_ext_params,
)
from pymailproto.imap._commands_any import NoopCommand
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import LineFragment, Writer

# Every command of RFC 3501 and RFC 9051 and of the extensions in the issue.
NAMES = {
    "CAPABILITY", "NOOP", "LOGOUT", "ID", "STARTTLS", "AUTHENTICATE", "LOGIN", "SELECT",
    "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB",
    "NAMESPACE", "STATUS", "APPEND", "ENABLE", "IDLE", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA",
    "GETMETADATA", "SETMETADATA", "COMPRESS", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH",
    "FETCH", "STORE", "COPY", "MOVE", "SORT", "THREAD",
}  # fmt: skip
UID_NAMES = {"COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE", "SORT", "THREAD"}


def test_registry() -> None:
    names, uid_names = command_names()
    assert names == NAMES
    assert uid_names == UID_NAMES


def test_register_refuses_duplicates() -> None:
    @dataclass(frozen=True, slots=True)
    class Again(Command):
        NAME: ClassVar[str] = "NOOP"

    with pytest.raises(ValueError, match="taken"):
        register(Again)

    @dataclass(frozen=True, slots=True)
    class Nameless(Command):
        pass

    with pytest.raises(ValueError, match="empty"):
        register(Nameless)


def test_command_basics() -> None:
    command = NoopCommand("A1")
    assert command.fragments() == [LineFragment(b"A1 NOOP\r\n")]
    with pytest.raises(FrozenInstanceError):
        command.tag = "A2"  # type: ignore[misc]
    for tag in ("]", "a]b", "~", "A.1-2_3"):
        assert NoopCommand(tag).to_bytes() == tag.encode() + b" NOOP\r\n"
    for bad in ("", "a b", "a+", "a(", "a%", "a*", 'a"', "a\\", "a{", "\u00e9", "a\r", "a\0"):
        with pytest.raises(IMAPValueError):
            NoopCommand(bad)


@pytest.mark.parametrize(
    ("line", "offset", "tag"),
    [
        (b"\r\n", 0, None),
        (b"+ NOOP\r\n", 0, None),
        (b"A1\r\n", 2, "A1"),
        (b"A1  NOOP\r\n", 3, "A1"),
        (b"A1 \r\n", 3, "A1"),
        (b"A1 XPIG-LATIN\r\n", 3, "A1"),  # RFC 3501 §6.5 x-command: unknown, hence BAD
        (b"A1 123\r\n", 3, "A1"),
        (b"A1 UID NOOP\r\n", 7, "A1"),
        (b"A1 UID  FETCH 1 FLAGS\r\n", 7, "A1"),
        (b"A1 uid\r\n", 6, "A1"),
    ],
)
def test_read_command_errors(line: bytes, offset: int, tag: str | None) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert (info.value.offset, info.value.tag) == (offset, tag)


def test_reading_needs_a_tag() -> None:
    with pytest.raises(IMAPParseError):
        NoopCommand.read(Reader(b"NOOP\r\n"))
    assert NoopCommand.read(Reader(b"NOOP\r\n", tag="x")) == NoopCommand("x")
    with pytest.raises(IMAPParseError):
        tag_of_reader(Reader(b""))


def test_helpers() -> None:
    assert check_mailbox("inbox") == "INBOX"
    with pytest.raises(IMAPValueError):
        check_mailbox(b"INBOX")  # type: ignore[arg-type]
    assert check_sequence_set("1:*") == SequenceSet.ALL
    with pytest.raises(IMAPValueError):
        check_sequence_set(5)  # type: ignore[arg-type]
    assert check_bool(True, "x") is True
    with pytest.raises(IMAPValueError):
        check_bool(1, "x")  # type: ignore[arg-type]


def test_ext_params() -> None:
    assert check_ext_params([("x-a", None), ("b.c", 5)], ["Y"]) == (("X-A", None), ("B.C", 5))
    for bad in [[("Y", None)], [("a", 1), ("A", 2)], [("", None)], [("a b", None)], [(1, None)]]:
        with pytest.raises(IMAPValueError):
            check_ext_params(bad, ["Y"])  # type: ignore[arg-type]
    reader = Reader(b"X 1:3 Y (a)")
    reader.pos = 1
    assert read_ext_param(reader, "X") == ("X", SequenceSet.parse("1:3"))
    reader.pos += 2
    assert read_ext_param(reader, "Y") == ("Y", (b"a",))
    reader = Reader(b"X ")
    reader.pos = 1
    assert read_ext_param(reader, "X") == ("X", None)
    writer = Writer()
    write_ext_params(writer, [("A", None), ("B", 7)], True)
    assert writer.to_bytes() == b"A B 7"
