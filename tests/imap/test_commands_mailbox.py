"""CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, NAMESPACE and STATUS (RFC 9051
§6.3, RFC 3501 §6.3, RFC 5258, RFC 5819, RFC 6154, RFC 2342, RFC 7162, RFC 9208): known
answers from the RFCs, transcripts, validation, malformed input.

Canonical forms: LIST and LSUB write the reference and the patterns as quoted strings (the
form of most RFC 9051 and RFC 5258 examples; see _list.py), so ``LIST "" *`` is written
``LIST "" "*"``; other mailbox names are astrings, atoms where they can be.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_mailbox import (
    CreateCommand,
    DeleteCommand,
    ListCommand,
    LsubCommand,
    NamespaceCommand,
    RenameCommand,
    StatusCommand,
    SubscribeCommand,
    UnsubscribeCommand,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import MailboxAttribute
from pymailproto.imap._lexer import Reader
from pymailproto.imap._list import ListReturnOption, ListReturnStatus, ListSelectOption
from pymailproto.imap._status import StatusAtt
from pymailproto.imap._values import WireOptions
from tests.imap import strategies_commands as c

V = c.Vector
L = ListCommand
SUBSCRIBED, REMOTE, RECURSIVEMATCH = (
    ListSelectOption.SUBSCRIBED,
    ListSelectOption.REMOTE,
    ListSelectOption.RECURSIVEMATCH,
)
CHILDREN = ListReturnOption.CHILDREN


def _quoted_patterns(wire: bytes) -> bytes:
    """The canonical form of a LIST whose patterns are the bare atoms % or *."""
    return (
        wire.replace(b' "" *', b' "" "*"')
        .replace(b' "" %', b' "" "%"')
        .replace(b" foo RETURN", b' "foo" RETURN')
        .replace(b"(% music/rock)", b'("%" "music/rock")')
    )


def LV(source: str, wire: bytes, expected: ListCommand) -> c.Vector:
    canonical = _quoted_patterns(wire)
    return V(source, wire, expected, None if canonical == wire else canonical)


LIST_VECTORS = [
    # RFC 3501 §6.3.4-5 and RFC 9051 §6.3.5-6
    LV("RFC 3501 §6.3.4", b'A682 LIST "" *\r\n', L("A682", "", "*")),
    LV("RFC 3501 §6.3.4", b'A686 LIST "" *\r\n', L("A686", "", "*")),
    LV("RFC 3501 §6.3.4", b'A82 LIST "" *\r\n', L("A82", "", "*")),
    LV("RFC 3501 §6.3.4", b'A85 LIST "" *\r\n', L("A85", "", "*")),
    LV("RFC 3501 §6.3.4", b'A86 LIST "" %\r\n', L("A86", "", "%")),
    LV("RFC 3501 §6.3.5", b'A685 LIST "" *\r\n', L("A685", "", "*")),
    LV("RFC 3501 §6.3.5", b'Z432 LIST "" *\r\n', L("Z432", "", "*")),
    LV("RFC 3501 §6.3.5", b'Z434 LIST "" *\r\n', L("Z434", "", "*")),
    # RFC 3501 §6.3.8, RFC 9051 §6.3.9
    LV("RFC 3501 §6.3.8", b'A101 LIST "" ""\r\n', L("A101", "", "")),
    V(
        "RFC 3501 §6.3.8",
        b'A102 LIST #news.comp.mail.misc ""\r\n',
        L("A102", "#news.comp.mail.misc", ""),
        b'A102 LIST "#news.comp.mail.misc" ""\r\n',
    ),
    V(
        "RFC 3501 §6.3.8",
        b'A103 LIST /usr/staff/jones ""\r\n',
        L("A103", "/usr/staff/jones", ""),
        b'A103 LIST "/usr/staff/jones" ""\r\n',
    ),
    V(
        "RFC 3501 §6.3.8",
        b"A202 LIST ~/Mail/ %\r\n",
        L("A202", "~/Mail/", "%"),
        b'A202 LIST "~/Mail/" "%"\r\n',
    ),
    # RFC 9051 §6.3.9.8 and RFC 5258 §5
    LV("RFC 9051 §6.3.9.8", b'A01 LIST "" "*"\r\n', L("A01", "", "*")),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A02 LIST (SUBSCRIBED) "" "*"\r\n',
        L("A02", "", "*", selection=[SUBSCRIBED]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A03 LIST () "" "%" RETURN (CHILDREN)\r\n',
        L("A03", "", "%", selection=[], returns=[CHILDREN]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A04 LIST (REMOTE) "" "%" RETURN (CHILDREN)\r\n',
        L("A04", "", "%", selection=[REMOTE], returns=[CHILDREN]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A05 LIST (REMOTE SUBSCRIBED) "" "*"\r\n',
        L("A05", "", "*", selection=[REMOTE, SUBSCRIBED]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A06 LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)\r\n',
        L("A06", "", "*", selection=[REMOTE], returns=[ListReturnOption.SUBSCRIBED]),
    ),
    LV("RFC 9051 §6.3.9.8", b'C01 LIST "" "*"\r\n', L("C01", "", "*")),
    LV(
        "RFC 9051 §6.3.9.8",
        b'CA3 LIST "" "%" RETURN (CHILDREN)\r\n',
        L("CA3", "", "%", returns=[CHILDREN]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'C02 LIST (SUBSCRIBED) "" "*"\r\n',
        L("C02", "", "*", selection=[SUBSCRIBED]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"\r\n',
        L("C04", "", "%", selection=[SUBSCRIBED, RECURSIVEMATCH]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)\r\n',
        L("C04", "", "%", selection=[SUBSCRIBED, RECURSIVEMATCH], returns=[CHILDREN]),
    ),
    LV("RFC 9051 §6.3.9.8", b'D01 LIST "" "*"\r\n', L("D01", "", "*")),
    LV(
        "RFC 9051 §6.3.9.8",
        b'D02 LIST (SUBSCRIBED) "" "*"\r\n',
        L("D02", "", "*", selection=[SUBSCRIBED]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'D03 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*2"\r\n',
        L("D03", "", "*2", selection=[RECURSIVEMATCH, SUBSCRIBED]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'D03 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*"\r\n',
        L("D03", "", "*", selection=[RECURSIVEMATCH, SUBSCRIBED]),
    ),
    LV("RFC 9051 §6.3.9.8", b'a1 LIST "" ("foo")\r\n', L("a1", "", ("foo",))),
    LV(
        "RFC 9051 §6.3.9.8",
        b'a2 LIST (SUBSCRIBED) "" "foo/*"\r\n',
        L("a2", "", "foo/*", selection=[SUBSCRIBED]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'a3 LIST (SUBSCRIBED RECURSIVEMATCH) "" foo RETURN (CHILDREN)\r\n',
        L("a3", "", "foo", selection=[SUBSCRIBED, RECURSIVEMATCH], returns=[CHILDREN]),
    ),
    LV("RFC 9051 §6.3.9.8", b'a1 LIST (REMOTE) "" *\r\n', L("a1", "", "*", selection=[REMOTE])),
    LV("RFC 9051 §6.3.9.8", b'a2 LIST () "" %\r\n', L("a2", "", "%", selection=[])),
    LV("RFC 9051 §6.3.9.8", b'a3 LIST (REMOTE) "" %\r\n', L("a3", "", "%", selection=[REMOTE])),
    LV("RFC 9051 §6.3.9.8", b'a3.1 LIST "" (% music/rock)\r\n', L("a3.1", "", ("%", "music/rock"))),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n',
        L("A01", "", "%", returns=[ListReturnStatus([StatusAtt.MESSAGES, StatusAtt.UNSEEN])]),
    ),
    LV(
        "RFC 9051 §6.3.9.8",
        b'A02 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES))\r\n',
        L(
            "A02",
            "",
            "%",
            selection=[SUBSCRIBED, RECURSIVEMATCH],
            returns=[ListReturnStatus([StatusAtt.MESSAGES])],
        ),
    ),
    # RFC 5258 §5 only
    LV(
        "RFC 5258 §5",
        b'BBB LIST "" ("INBOX" "Drafts" "Sent/%")\r\n',
        L("BBB", "", ("INBOX", "Drafts", "Sent/%")),
    ),
    LV("RFC 5258 §5", b'a1 LIST "" ("foo" "foo/*")\r\n', L("a1", "", ("foo", "foo/*"))),
    # RFC 9051 §6.3.10 and RFC 2342 §5
    LV(
        "RFC 9051 §6.3.10",
        b'A002 LIST (SPECIAL-USE) "" "*"\r\n',
        L("A002", "", "*", selection=[ListSelectOption.SPECIAL_USE]),
    ),
    LV(
        "RFC 9051 §6.3.10",
        b'A003 LIST (SPECIAL-USE) "#mh/" "*"\r\n',
        L("A003", "#mh/", "*", selection=[ListSelectOption.SPECIAL_USE]),
    ),
    LV(
        "RFC 6154 §5.4",
        b't1 LIST "" "%" RETURN (SPECIAL-USE)\r\n',
        L("t1", "", "%", returns=[ListReturnOption.SPECIAL_USE]),
    ),
    LV("RFC 2342 §5", b'A002 LIST "" "Other Users/%"\r\n', L("A002", "", "Other Users/%")),
    LV("RFC 2342 §5", b'A002 LIST "" "#Users/%"\r\n', L("A002", "", "#Users/%")),
    LV("RFC 2342 §5", b'A003 LIST "" "#Users/Mike/%"\r\n', L("A003", "", "#Users/Mike/%")),
    LV("RFC 2342 §5", b'A002 LIST "" "~mark/%"\r\n', L("A002", "", "~mark/%")),
    # RFC 6154 §5.1, §5.2, §5.4
    LV("RFC 6154 §5.1", b't1 LIST "" "%"\r\n', L("t1", "", "%")),
    LV(
        "RFC 6154 §5.2",
        b't2 LIST "" "%" RETURN (SPECIAL-USE)\r\n',
        L("t2", "", "%", returns=[ListReturnOption.SPECIAL_USE]),
    ),
    LV(
        "RFC 6154 §5.2",
        b't3 LIST (SPECIAL-USE) "" "*"\r\n',
        L("t3", "", "*", selection=[ListSelectOption.SPECIAL_USE]),
    ),
    LV(
        "RFC 6154 §5.4",
        b't5 LIST "" "%" RETURN (SPECIAL-USE)\r\n',
        L("t5", "", "%", returns=[ListReturnOption.SPECIAL_USE]),
    ),
    # RFC 5819 §3
    LV(
        "RFC 5819 §3",
        b'A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n',
        L("A01", "", "%", returns=[ListReturnStatus([StatusAtt.MESSAGES, StatusAtt.UNSEEN])]),
    ),
]

VECTORS = [
    # RFC 3501 §6.3.3 and RFC 9051 §6.3.4
    V("RFC 3501 §6.3.3", b"A003 CREATE owatagusiam/\r\n", CreateCommand("A003", "owatagusiam/")),
    V(
        "RFC 3501 §6.3.3",
        b"A004 CREATE owatagusiam/blurdybloop\r\n",
        CreateCommand("A004", "owatagusiam/blurdybloop"),
    ),
    V("RFC 9051 §6.3.4", b"A005 CREATE NonNormalized\r\n", CreateCommand("A005", "NonNormalized")),
    # RFC 3501 §6.3.4 and RFC 9051 §6.3.5
    V("RFC 3501 §6.3.4", b"A683 DELETE blurdybloop\r\n", DeleteCommand("A683", "blurdybloop")),
    V("RFC 3501 §6.3.4", b"A684 DELETE foo\r\n", DeleteCommand("A684", "foo")),
    V("RFC 3501 §6.3.4", b"A685 DELETE foo/bar\r\n", DeleteCommand("A685", "foo/bar")),
    V("RFC 3501 §6.3.4", b"A687 DELETE foo\r\n", DeleteCommand("A687", "foo")),
    V("RFC 3501 §6.3.4", b"A83 DELETE blurdybloop\r\n", DeleteCommand("A83", "blurdybloop")),
    V("RFC 3501 §6.3.4", b"A84 DELETE foo\r\n", DeleteCommand("A84", "foo")),
    # RFC 3501 §6.3.5 and RFC 9051 §6.3.6
    V(
        "RFC 3501 §6.3.5",
        b"A683 RENAME blurdybloop sarasoop\r\n",
        RenameCommand("A683", "blurdybloop", "sarasoop"),
    ),
    V("RFC 3501 §6.3.5", b"A684 RENAME foo zowie\r\n", RenameCommand("A684", "foo", "zowie")),
    V(
        "RFC 3501 §6.3.5",
        b"Z433 RENAME INBOX old-mail\r\n",
        RenameCommand("Z433", "INBOX", "old-mail"),
    ),
    V("RFC 9051 §6.3.6", b"1001 RENAME X Y\r\n", RenameCommand("1001", "X", "Y")),
    V("RFC 9051 §6.3.6", b"1002 SUBSCRIBE Y\r\n", SubscribeCommand("1002", "Y")),
    V("RFC 9051 §6.3.6", b"1003 UNSUBSCRIBE X\r\n", UnsubscribeCommand("1003", "X")),
    # RFC 3501 §6.3.6-7 and RFC 9051 §6.3.7-8
    V(
        "RFC 3501 §6.3.6",
        b"A002 SUBSCRIBE #news.comp.mail.mime\r\n",
        SubscribeCommand("A002", "#news.comp.mail.mime"),
    ),
    V(
        "RFC 3501 §6.3.7",
        b"A002 UNSUBSCRIBE #news.comp.mail.mime\r\n",
        UnsubscribeCommand("A002", "#news.comp.mail.mime"),
    ),
    # RFC 3501 §6.3.9 (LSUB)
    V(
        "RFC 3501 §6.3.9",
        b'A002 LSUB "#news." "comp.mail.*"\r\n',
        LsubCommand("A002", "#news.", "comp.mail.*"),
    ),
    V(
        "RFC 3501 §6.3.9",
        b'A003 LSUB "#news." "comp.%"\r\n',
        LsubCommand("A003", "#news.", "comp.%"),
    ),
    # RFC 9051 §6.3.10 and RFC 2342 §5
    V("RFC 2342 §5", b"A001 NAMESPACE\r\n", NamespaceCommand("A001")),
    V(
        "RFC 2342 §5",
        b'A002 CREATE "INBOX.Sent Mail"\r\n',
        CreateCommand("A002", "INBOX.Sent Mail"),
    ),
    V("RFC 2342 §5", b'A002 CREATE "Sent Mail"\r\n', CreateCommand("A002", "Sent Mail")),
    V("RFC 2342 §5", b'A003 CREATE "Delete Items"\r\n', CreateCommand("A003", "Delete Items")),
    V(
        "RFC 2342 §5",
        b'A004 CREATE "#mh/Deleted Items"\r\n',
        CreateCommand("A004", "#mh/Deleted Items"),
    ),
    V("RFC 9051 §6.3.10", b'A004 CREATE "Sent Mail"\r\n', CreateCommand("A004", "Sent Mail")),
    V("RFC 9051 §6.3.10", b'A005 CREATE "Delete Items"\r\n', CreateCommand("A005", "Delete Items")),
    V(
        "RFC 9051 §6.3.10",
        b'A006 CREATE "#mh/Deleted Items"\r\n',
        CreateCommand("A006", "#mh/Deleted Items"),
    ),
    # RFC 3501 §6.3.10 and RFC 9051 §6.3.11
    V(
        "RFC 3501 §6.3.10",
        b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n",
        StatusCommand("A042", "blurdybloop", [StatusAtt.UIDNEXT, StatusAtt.MESSAGES]),
    ),
    # RFC 7162 §3.1.7
    V(
        "RFC 7162 §3.1.7",
        b"A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\r\n",
        StatusCommand(
            "A042",
            "blurdybloop",
            [StatusAtt.UIDNEXT, StatusAtt.MESSAGES, StatusAtt.HIGHESTMODSEQ],
        ),
    ),
    # RFC 9208 §4.1.4
    V(
        "RFC 9208 §4.1.4",
        b"S0003 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)\r\n",
        StatusCommand(
            "S0003", "INBOX", [StatusAtt.MESSAGES, StatusAtt.DELETED, StatusAtt.DELETED_STORAGE]
        ),
    ),
    # RFC 6154 §5.3
    V(
        "RFC 6154 §5.3",
        b"t2 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n",
        CreateCommand("t2", "MySpecial", use=[MailboxAttribute.DRAFTS, MailboxAttribute.SENT]),
    ),
    V(
        "RFC 6154 §5.3",
        b"t3 CREATE Everything (USE (\\All))\r\n",
        CreateCommand("t3", "Everything", use=[MailboxAttribute.ALL]),
    ),
    *LIST_VECTORS,
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


def test_rfc_5819_missing_space() -> None:
    # RFC 5819 §3 prints 'A02 LIST (SUBSCRIBED RECURSIVEMATCH)"" % RETURN (STATUS (MESSAGES))'
    # without the SP that list-select-opts must be followed by (RFC 5258 §6): a BAD. RFC 9051
    # §6.3.9.8 gives the same command with the space.
    line = b'A02 LIST (SUBSCRIBED RECURSIVEMATCH)"" % RETURN (STATUS (MESSAGES))\r\n'
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert (info.value.tag, info.value.offset) == ("A02", 36)


def test_list_properties() -> None:
    command = L("t", "", "*", returns=[CHILDREN])
    assert command.is_extended
    assert command.arguments.returns == (CHILDREN,)
    assert not L("t", "", "*").is_extended
    assert L("t", "", ("*",)).is_extended


def test_create_parameters() -> None:
    command = read_command(Reader(b"t CREATE x (use () X-PARAM (1 2) Y 7)\r\n"))
    assert command == CreateCommand("t", "x", use=[], params=[("X-PARAM", (b"1", b"2")), ("Y", 7)])
    assert command.to_bytes() == b't CREATE x (USE () X-PARAM ("1" "2") Y 7)\r\n'
    only = CreateCommand("t", "x", params=[("X", None)])
    assert only.to_bytes() == b"t CREATE x (X)\r\n"
    assert read_command(Reader(only.to_bytes())) == only


def test_mailbox_names_by_session() -> None:
    command = RenameCommand("t", "Entw\u00fcrfe", "\u65e5\u672c")
    assert command.to_bytes() == b"t RENAME Entw&APw-rfe &ZeVnLA-\r\n"
    utf8 = WireOptions(utf8=True)
    assert command.to_bytes(utf8) == 't RENAME "Entw\u00fcrfe" "\u65e5\u672c"\r\n'.encode()
    assert read_command(Reader(command.to_bytes(utf8), utf8=True)) == command
    assert read_command(Reader(command.to_bytes(), utf8=False)) == command
    listing = L("t", "", "Entw\u00fcrfe/%")
    assert listing.to_bytes() == b't LIST "" "Entw&APw-rfe/%"\r\n'
    assert read_command(Reader(listing.to_bytes(), utf8=False)) == listing


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        CreateCommand("t", "x", use=["\\Sent"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        CreateCommand("t", "x", params=[("USE", None)])
    with pytest.raises(IMAPValueError):
        StatusCommand("t", "x", [])
    with pytest.raises(IMAPValueError):
        StatusCommand("t", "x", ["MESSAGES"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        L("t", "", [])
    with pytest.raises(IMAPValueError):
        L("t", "", "*", selection=[RECURSIVEMATCH])
    with pytest.raises(IMAPValueError):
        LsubCommand("t", "", ("a",))  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        RenameCommand("t", "x", 1)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        DeleteCommand("t x", "x")


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t CREATE\r\n", 8),
        (b"t CREATE x ()\r\n", 12),
        (b"t CREATE x (USE)\r\n", 15),
        (b"t CREATE x (USE (Sent))\r\n", 17),
        (b"t CREATE x (USE () USE ())\r\n", 19),
        (b"t DELETE x y\r\n", 10),
        (b"t RENAME x\r\n", 10),
        (b"t RENAME x y (z)\r\n", 12),
        (b"t SUBSCRIBE\r\n", 11),
        (b"t STATUS x ()\r\n", 12),
        (b"t STATUS x (MESSAGES FOO)\r\n", 21),
        (b"t STATUS x MESSAGES\r\n", 11),
        (b't LSUB "" (a)\r\n', 10),
        (b't LSUB ""\r\n', 9),
        (b't LIST (RECURSIVEMATCH) "" *\r\n', 7),
        (b't LIST "" * RETURN\r\n', 18),
        (b"t NAMESPACE x\r\n", 11),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line, utf8=False))
    assert info.value.offset == offset
    assert info.value.tag == "t"
