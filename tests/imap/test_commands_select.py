"""SELECT and EXAMINE with CONDSTORE and QRESYNC (RFC 9051 §6.3.2-3, RFC 3501, RFC 7162):
known answers from the RFCs, transcripts, validation, malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_select import ExamineCommand, QResync, SelectCommand
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import WireOptions
from tests.imap import strategies_commands as c

V = c.Vector
B04_NUMBERS = "5000,7500,9000,9990:9999"
B04_UIDS = "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997"

VECTORS = [
    # RFC 3501 §6.3.1, RFC 9051 §6.3.2, RFC 2177 §3
    V("RFC 3501 §6.3.1", b"A142 SELECT INBOX\r\n", SelectCommand("A142", "INBOX")),
    V("RFC 9051 §6.3.2", b"A143 SELECT Drafts\r\n", SelectCommand("A143", "Drafts")),
    V("RFC 2177 §3", b"A001 SELECT INBOX\r\n", SelectCommand("A001", "INBOX")),
    V("RFC 9051 §6.3.12, RFC 4315 §3", b"A007 SELECT funny\r\n", SelectCommand("A007", "funny")),
    V(
        "RFC 3501 §8",
        b"a002 select inbox\r\n",
        SelectCommand("a002", "INBOX"),
        b"a002 SELECT INBOX\r\n",
        note="names upper case; every case of INBOX is INBOX (RFC 9051 §5.1)",
    ),
    # RFC 3501 §6.3.2, RFC 9051 §6.3.3
    V("RFC 3501 §6.3.2", b"A932 EXAMINE blurdybloop\r\n", ExamineCommand("A932", "blurdybloop")),
    # RFC 7162 §3.1.8
    V(
        "RFC 7162 §3.1.8",
        b"A142 SELECT INBOX (CONDSTORE)\r\n",
        SelectCommand("A142", "INBOX", condstore=True),
    ),
    # RFC 7162 §3.2.5 (the page breaks the command line after the first numbers)
    V(
        "RFC 7162 §3.2.5",
        b"A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n",
        SelectCommand(
            "A02", "INBOX", qresync=QResync(67890007, 20050715194045000, "41,43:211,214:541")
        ),
    ),
    V(
        "RFC 7162 §3.2.5",
        b"A03 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\r\n",
        SelectCommand(
            "A03", "INBOX", qresync=QResync(67890007, 90060115194045000, "41:211,214:541")
        ),
    ),
    V(
        "RFC 7162 §3.2.5",
        b"A04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997))\r\n",
        SelectCommand("A04", "INBOX", qresync=QResync(67890007, 90060115194045000, "1:29997")),
    ),
    V(
        "RFC 7162 §3.2.5",
        b"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 ("
        + B04_NUMBERS.encode()
        + b" "
        + B04_UIDS.encode()
        + b")))\r\n",
        SelectCommand(
            "B04",
            "INBOX",
            qresync=QResync(
                67890007, 90060115194045000, "1:29997", seq_match=(B04_NUMBERS, B04_UIDS)
            ),
        ),
        note="the page breaks lines inside the sets; the sets have no spaces",
    ),
    V(
        "RFC 7162 §6",
        b"A142 SELECT INBOX (QRESYNC (3857529045 20010715194032001 1:198))\r\n",
        SelectCommand("A142", "INBOX", qresync=QResync(3857529045, 20010715194032001, "1:198")),
    ),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_rfc_examples(vector: c.Vector) -> None:
    c.check_vector(vector)


WIRE, EXPECTED = c.transcript(VECTORS)


def test_transcript_whole_and_bytewise() -> None:
    assert c.values(c.collect([WIRE], EXPECTED)) == EXPECTED
    assert c.values(c.collect(c.bytewise(WIRE), EXPECTED)) == EXPECTED


@settings(max_examples=50)
@given(st.data())
def test_transcript_random_splits(data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(WIRE)), max_size=12))
    assert c.values(c.collect(c.split(WIRE, points), EXPECTED)) == EXPECTED


def test_parameters() -> None:
    command = read_command(Reader(b"t EXAMINE x (condstore X-PARAM 5 other (a (b)))\r\n"))
    assert command == ExamineCommand(
        "t", "x", condstore=True, params=[("x-param", 5), ("OTHER", (b"a", (b"b",)))]
    )
    assert command.to_bytes() == b't EXAMINE x (CONDSTORE X-PARAM 5 OTHER ("a" ("b")))\r\n'
    both = SelectCommand("t", "x", condstore=True, qresync=QResync(1, 2), params=[("Y", None)])
    assert both.to_bytes() == b"t SELECT x (CONDSTORE QRESYNC (1 2) Y)\r\n"
    assert read_command(Reader(both.to_bytes())) == both
    only = SelectCommand("t", "x", params=[("Z", SequenceSet.parse("1:*"))])
    assert only.to_bytes() == b"t SELECT x (Z 1:*)\r\n"
    assert read_command(Reader(only.to_bytes())) == only


def test_qresync_forms() -> None:
    for qresync, text in [
        (QResync(1, 2), b"(1 2)"),
        (QResync(1, 2, "3"), b"(1 2 3)"),
        (QResync(1, 2, seq_match=("1", "7")), b"(1 2 (1 7))"),
        (QResync(1, 2, "5:9", seq_match=("1:2", "5,9")), b"(1 2 5:9 (1:2 5,9))"),
    ]:
        command = SelectCommand("t", "M", qresync=qresync)
        assert command.to_bytes() == b"t SELECT M (QRESYNC " + text + b")\r\n"
        assert read_command(Reader(command.to_bytes())) == command


def test_mailbox_names() -> None:
    command = SelectCommand("t", "Entw\u00fcrfe")
    assert command.to_bytes() == b"t SELECT Entw&APw-rfe\r\n"
    assert command.to_bytes(WireOptions(utf8=True)) == 't SELECT "Entw\u00fcrfe"\r\n'.encode()
    assert read_command(Reader(b"t SELECT Entw&APw-rfe\r\n", utf8=False)) == command
    assert read_command(Reader('t SELECT "Entw\u00fcrfe"\r\n'.encode(), utf8=True)) == command
    assert SelectCommand("t", "a b").to_bytes() == b't SELECT "a b"\r\n'
    assert SelectCommand("t", "iNbOx").mailbox == "INBOX"


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", qresync="1 2")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", condstore=1)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SelectCommand("t", 5)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "\ud800")
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", params=[("CONDSTORE", None)])
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", params=[("A", None), ("a", 1)])
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", params=[("1A", None)])
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", params=[("A", "text")])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        SelectCommand("t", "x", params=["A"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        QResync(0, 1)
    with pytest.raises(IMAPValueError):
        QResync(1, 0)
    with pytest.raises(IMAPValueError):
        QResync(1, 1, "1:*")
    with pytest.raises(IMAPValueError):
        QResync(1, 1, "$")
    with pytest.raises(IMAPValueError):
        QResync(1, 1, seq_match=("1",))  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        QResync(1, 1, seq_match=("1", "*"))


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t SELECT\r\n", 8),
        (b"t SELECT INBOX ()\r\n", 16),
        (b"t SELECT INBOX (CONDSTORE\r\n", 25),
        (b"t SELECT INBOX (CONDSTORE CONDSTORE)\r\n", 26),
        (b"t SELECT INBOX (QRESYNC)\r\n", 23),
        (b"t SELECT INBOX (QRESYNC (1))\r\n", 26),
        (b"t SELECT INBOX (QRESYNC (0 1))\r\n", 25),
        (b"t SELECT INBOX (QRESYNC (1 0))\r\n", 27),
        (b"t SELECT INBOX (QRESYNC (1 2 1:*))\r\n", 31),
        (b"t SELECT INBOX (QRESYNC (1 2 3 (1)))\r\n", 33),
        (b"t SELECT INBOX (QRESYNC (1 2 3 4))\r\n", 31),
        (b't SELECT INBOX (X "s")\r\n', 18),
        (b"t SELECT &Jjo\r\n", 9),
        (b"t EXAMINE a b\r\n", 11),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line, utf8=False))
    assert info.value.offset == offset
    assert info.value.tag == "t"
