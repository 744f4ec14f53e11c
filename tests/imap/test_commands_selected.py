"""CHECK, CLOSE, UNSELECT, EXPUNGE, UID EXPUNGE, FETCH, STORE, COPY, MOVE and their UID forms
(RFC 9051 §6.4, RFC 3501 §6.4, RFC 4315, RFC 6851, RFC 7162): known answers from the RFCs,
transcripts, validation, malformed input.

Canonical forms: STORE's flags as a flag-list (``+FLAGS (\\Seen)``); ``.SILENT`` and command
names upper case; a single fetch-att bare unless fetch modifiers follow.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_selected import (
    CheckCommand,
    CloseCommand,
    CopyCommand,
    ExpungeCommand,
    FetchCommand,
    MoveCommand,
    StoreCommand,
    StoreMode,
    UnselectCommand,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._fetch import BodySection, FetchAttribute, FetchMacro
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._section import Section
from pymailproto.imap._sequence import SequenceSet
from tests.imap import strategies_commands as c

V = c.Vector
A = FetchAttribute
ADD, REMOVE = StoreMode.ADD, StoreMode.REMOVE
DELETED, SEEN = Flag.DELETED, Flag.SEEN
PROCESSED = Flag("$Processed")


def _store(
    tag: str, seq: str, flags: list[Flag], since: int, mode: StoreMode = ADD
) -> StoreCommand:
    return StoreCommand(tag, seq, mode, flags, silent=True, unchanged_since=since)


VECTORS = [
    # RFC 3501 §6.4
    V("RFC 3501 §6.4.1", b"FXXZ CHECK\r\n", CheckCommand("FXXZ")),
    V("RFC 3501 §6.4.2", b"A341 CLOSE\r\n", CloseCommand("A341")),
    V("RFC 3501 §6.4.3", b"A202 EXPUNGE\r\n", ExpungeCommand("A202")),
    V(
        "RFC 3501 §6.4.5",
        b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
        FetchCommand(
            "A654", "2:4", [A.FLAGS, BodySection(Section.parse("HEADER.FIELDS (DATE FROM)"))]
        ),
    ),
    V(
        "RFC 3501 §6.4.6",
        b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n",
        StoreCommand("A003", "2:4", ADD, [DELETED]),
    ),
    V("RFC 3501 §6.4.7", b"A003 COPY 2:4 MEETING\r\n", CopyCommand("A003", "2:4", "MEETING")),
    V(
        "RFC 3501 §6.4.8",
        b"A999 UID FETCH 4827313:4828442 FLAGS\r\n",
        FetchCommand("A999", "4827313:4828442", A.FLAGS, uid=True),
    ),
    # RFC 3501 §8: lower case throughout
    V(
        "RFC 3501 §8",
        b"a003 fetch 12 full\r\n",
        FetchCommand("a003", "12", FetchMacro.FULL),
        b"a003 FETCH 12 FULL\r\n",
    ),
    V(
        "RFC 3501 §8",
        b"a004 fetch 12 body[header]\r\n",
        FetchCommand("a004", "12", BodySection(Section.parse("HEADER"))),
        b"a004 FETCH 12 BODY[HEADER]\r\n",
    ),
    V(
        "RFC 3501 §8",
        b"a005 store 12 +flags \\deleted\r\n",
        StoreCommand("a005", "12", ADD, [Flag("\\deleted")]),
        b"a005 STORE 12 +FLAGS (\\deleted)\r\n",
        note="flags are kept as spelled; the list is written parenthesised",
    ),
    # RFC 9051 §6.4
    V("RFC 9051 §6.4.2", b"A342 UNSELECT\r\n", UnselectCommand("A342")),
    V(
        "RFC 9051 §6.3.12, RFC 4315 §3",
        b"A004 COPY 2:4 meeting\r\n",
        CopyCommand("A004", "2:4", "meeting"),
    ),
    V(
        "RFC 9051 §6.3.12, RFC 4315 §3",
        b"A005 UID COPY 305:310 meeting\r\n",
        CopyCommand("A005", "305:310", "meeting", uid=True),
    ),
    V("RFC 9051 §6.3.12, RFC 4315 §3", b"A006 COPY 2 funny\r\n", CopyCommand("A006", "2", "funny")),
    V(
        "RFC 9051 §6.4.4.4",
        b"A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])\r\n",
        FetchCommand(
            "A283",
            SequenceSet.search_result(),
            [A.UID, A.INTERNALDATE, A.FLAGS, BodySection(Section.parse("HEADER"), peek=True)],
        ),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'E283 COPY $ "Other Messages"\r\n',
        CopyCommand("E283", "$", "Other Messages"),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'F283 COPY $ "Junk"\r\n',
        CopyCommand("F283", "$", "Junk"),
        b"F283 COPY $ Junk\r\n",
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b"F284 STORE $ +FLAGS.Silent (\\Deleted)\r\n",
        StoreCommand("F284", "$", ADD, [DELETED], silent=True),
        b"F284 STORE $ +FLAGS.SILENT (\\Deleted)\r\n",
    ),
    V(
        "RFC 9051 §6.4.8, RFC 6851 §3.3",
        b"a UID MOVE 42:69 foo\r\n",
        MoveCommand("a", "42:69", "foo", uid=True),
    ),
    V(
        "RFC 9051 §6.4.9, RFC 4315 §2.1",
        b"A003 UID EXPUNGE 3000:3002\r\n",
        ExpungeCommand("A003", "3000:3002", uid=True),
    ),
    # RFC 9208 §4.3.1
    V("RFC 9208 §4.3.1", b"A004 COPY 2:4 MEETING\r\n", CopyCommand("A004", "2:4", "MEETING")),
    # RFC 7162 §3.1.3 (the page breaks several commands after UNCHANGEDSINCE; one line each)
    V(
        "RFC 7162 §3.1.3",
        b"a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n",
        StoreCommand(
            "a103", "6,4,8", ADD, [DELETED], silent=True, unchanged_since=12121230045, uid=True
        ),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"a104 STORE * (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted $Processed)\r\n",
        _store("a104", "*", [DELETED, PROCESSED], 12121230045),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"c101 STORE 50 (UNCHANGEDSINCE 12121230045) -FLAGS.SILENT (\\Deleted)\r\n",
        _store("c101", "50", [DELETED], 12121230045, REMOVE),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n",
        _store("d105", "7,5,9", [DELETED], 320162338),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"a102 STORE 12 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)\r\n",
        _store("a102", "12", [Flag.MDN_SENT], 0),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"a106 STORE 100:150 (UNCHANGEDSINCE 212030000000) +FLAGS.SILENT ($Processed)\r\n",
        _store("a106", "100:150", [PROCESSED], 212030000000),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"b108 STORE 101 (UNCHANGEDSINCE 303011130956) +FLAGS.SILENT ($Processed)\r\n",
        _store("b108", "101", [PROCESSED], 303011130956),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"B001 STORE 1:7 (UNCHANGEDSINCE 320172338) +FLAGS (\\SEEN)\r\n",
        StoreCommand("B001", "1:7", ADD, [Flag("\\SEEN")], unchanged_since=320172338),
    ),
    V(
        "RFC 7162 §3.1.3",
        b"b003 STORE 2 (UNCHANGEDSINCE 320172340) +FLAGS (\\Seen)\r\n",
        StoreCommand("b003", "2", ADD, [SEEN], unchanged_since=320172340),
    ),
    V(
        "RFC 7162 §3.1.4.1",
        b"s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n",
        FetchCommand("s100", "1:*", A.FLAGS, changed_since=12345, uid=True),
    ),
    V(
        "RFC 7162 §3.1.4.2",
        b"a FETCH 1:3 (MODSEQ)\r\n",
        FetchCommand("a", "1:3", [A.MODSEQ]),
        b"a FETCH 1:3 MODSEQ\r\n",
        note="a single fetch-att without modifiers is written bare",
    ),
    V(
        "RFC 7162 §3.1.4.2",
        b"A160 STORE 7 +FLAGS.SILENT (\\Deleted)\r\n",
        StoreCommand("A160", "7", ADD, [DELETED], silent=True),
    ),
    V(
        "RFC 7162 §3.1.4.2",
        b"A240 STORE 7 +FLAGS.SILENT (\\Seen)\r\n",
        StoreCommand("A240", "7", ADD, [SEEN], silent=True),
    ),
    V(
        "RFC 7162 §3.1.4.2",
        b"A330 STORE 7 -FLAGS.SILENT (\\Answered \\Seen)\r\n",
        StoreCommand("A330", "7", REMOVE, [Flag.ANSWERED, SEEN], silent=True),
    ),
    V(
        "RFC 7162 §3.2.6",
        b"s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345)\r\n",
        FetchCommand("s100", "300:500", A.FLAGS, changed_since=12345, uid=True),
    ),
    V(
        "RFC 7162 §3.2.6",
        b"s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
        FetchCommand("s100", "300:500", A.FLAGS, changed_since=12345, vanished=True, uid=True),
    ),
    V("RFC 7162 §3.2.7", b"B202 EXPUNGE\r\n", ExpungeCommand("B202")),
    V("RFC 7162 §3.2.8", b"A202 CLOSE\r\n", CloseCommand("A202")),
    V(
        "RFC 7162 §3.2.9",
        b". UID EXPUNGE 3000:3002\r\n",
        ExpungeCommand(".", "3000:3002", uid=True),
    ),
    V("RFC 7162 §3.2.10.2", b"A210 EXPUNGE\r\n", ExpungeCommand("A210")),
    V(
        "RFC 7162 §6",
        b"A150 STORE 1:2 (UNCHANGEDSINCE 96) +FLAGS.SILENT \\Seen\r\n",
        _store("A150", "1:2", [SEEN], 96),
        b"A150 STORE 1:2 (UNCHANGEDSINCE 96) +FLAGS.SILENT (\\Seen)\r\n",
    ),
    V(
        "RFC 7162 §6",
        b"A151 STORE 3 +FLAGS.SILENT \\Seen\r\n",
        StoreCommand("A151", "3", ADD, [SEEN], silent=True),
        b"A151 STORE 3 +FLAGS.SILENT (\\Seen)\r\n",
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


def test_fetch_forms() -> None:
    # A single fetch-att is parenthesised before modifiers, so that PREVIEW stays PREVIEW.
    command = FetchCommand("t", "1", A.PREVIEW, params=[("LAZY", None)])
    assert command.to_bytes() == b"t FETCH 1 (PREVIEW) (LAZY)\r\n"
    assert read_command(Reader(command.to_bytes())) == command
    lazy = read_command(Reader(b"t FETCH 1 PREVIEW (LAZY)\r\n"))
    assert lazy == FetchCommand("t", "1", A.PREVIEW_LAZY)
    several = FetchCommand("t", "1", [A.FLAGS, A.UID], params=[("X", 5)])
    assert several.to_bytes() == b"t FETCH 1 (FLAGS UID) (X 5)\r\n"
    vanished_only = FetchCommand("t", "1", A.UID, changed_since=1, vanished=True, uid=True)
    assert vanished_only.to_bytes() == b"t UID FETCH 1 (UID) (CHANGEDSINCE 1 VANISHED)\r\n"
    both = FetchCommand(
        "t", "1", A.UID, vanished=True, changed_since=2, params=[("Y", None)], uid=True
    )
    assert read_command(Reader(both.to_bytes())) == both


def test_store_forms() -> None:
    command = StoreCommand("t", "1", StoreMode.REPLACE, [])
    assert command.to_bytes() == b"t STORE 1 FLAGS ()\r\n"
    assert read_command(Reader(b"t store 1 flags.silent ()\r\n")) == StoreCommand(
        "t", "1", StoreMode.REPLACE, [], silent=True
    )
    extended = StoreCommand("t", "1", ADD, [SEEN], params=[("X", None)], uid=True)
    assert extended.to_bytes() == b"t UID STORE 1 (X) +FLAGS (\\Seen)\r\n"
    assert read_command(Reader(extended.to_bytes())) == extended
    both = StoreCommand("t", "1", ADD, [SEEN], unchanged_since=5, params=[("X", 1)])
    assert both.to_bytes() == b"t STORE 1 (UNCHANGEDSINCE 5 X 1) +FLAGS (\\Seen)\r\n"
    assert read_command(Reader(both.to_bytes())) == both


def test_uid_attribute() -> None:
    assert CopyCommand("t", "1", "x", uid=True).to_bytes() == b"t UID COPY 1 x\r\n"
    assert MoveCommand("t", "1", "x").uid is False
    assert read_command(Reader(b"t uid move 1 x\r\n")) == MoveCommand("t", "1", "x", uid=True)


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        ExpungeCommand("t", "1")
    with pytest.raises(IMAPValueError):
        ExpungeCommand("t", uid=True)
    with pytest.raises(IMAPValueError):
        ExpungeCommand("t", "1", uid="yes")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", [])
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", "FLAGS")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", ["FLAGS"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", 5)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", A.FLAGS, changed_since=1, vanished=True)  # not UID FETCH
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", A.FLAGS, vanished=True, uid=True)  # no CHANGEDSINCE
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", A.FLAGS, changed_since=0)
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "1", A.FLAGS, params=[("VANISHED", None)])
    with pytest.raises(IMAPValueError):
        FetchCommand("t", 1, A.FLAGS)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        FetchCommand("t", "0", A.FLAGS)
    with pytest.raises(IMAPValueError):
        StoreCommand("t", "1", "+", [SEEN])  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        StoreCommand("t", "1", ADD, [Flag.WILDCARD])
    with pytest.raises(IMAPValueError):
        StoreCommand("t", "1", ADD, ["\\Seen"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        StoreCommand("t", "1", ADD, [SEEN], unchanged_since=-1)
    with pytest.raises(IMAPValueError):
        StoreCommand("t", "1", ADD, [SEEN], params=[("UNCHANGEDSINCE", 1)])
    with pytest.raises(IMAPValueError):
        CopyCommand("t", "1", "\ud800")


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t CHECK 1\r\n", 7),
        (b"t UID CHECK\r\n", 6),
        (b"t UID\r\n", 5),
        (b"t UID EXPUNGE\r\n", 13),
        (b"t EXPUNGE 1\r\n", 9),
        (b"t COPY 1\r\n", 8),
        (b"t COPY 0 x\r\n", 7),
        (b"t MOVE 1:x y\r\n", 9),
        (b"t FETCH 1\r\n", 9),
        (b"t FETCH 1 ()\r\n", 11),
        (b"t FETCH 1 (FLAGS\r\n", 16),
        (b"t FETCH 1 FLAGS ()\r\n", 17),
        (b"t FETCH 1 BODY[HEADER.FIELDS ()]\r\n", 30),
        (b"t FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n", 30),
        (b"t FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n", 32),
        (b"t UID FETCH 1 FLAGS (VANISHED)\r\n", 21),
        (b"t FETCH 1 FLAGS (X X)\r\n", 19),
        (b"t STORE 1 FLAGS\r\n", 15),
        (b"t STORE 1 +FLAGS.LOUD (\\Seen)\r\n", 11),
        (b"t STORE 1 *FLAGS (\\Seen)\r\n", 10),
        (b"t STORE 1 FLAGS (\\*)\r\n", 17),
        (b"t STORE 1 FLAGS \\Seen \\*\r\n", 22),
        (b"t STORE 1 (UNCHANGEDSINCE x) FLAGS ()\r\n", 26),
        (b"t STORE 1 (UNCHANGEDSINCE 1 UNCHANGEDSINCE 2) FLAGS ()\r\n", 28),
        (b"t STORE 1 (UNCHANGEDSINCE 1)FLAGS ()\r\n", 28),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert info.value.offset == offset
    assert info.value.tag == "t"
