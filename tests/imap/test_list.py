"""LIST and LSUB (RFC 9051 §6.3.9, §7.3.1; RFC 3501 §6.3.8-9; RFC 5258; RFC 5819; RFC 6154).

Known answers: every LIST/LSUB command and response of those RFCs. Mailbox names, references
and patterns are written as quoted strings and every case of INBOX as ``INBOX``; where an
example is written otherwise, the canonical form is given next to it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import MailboxAttribute
from pymailproto.imap._lexer import Reader
from pymailproto.imap._list import (
    ChildInfo,
    ListArguments,
    ListExtendedItem,
    ListOptionExtension,
    ListResponse,
    ListReturnOption,
    ListReturnStatus,
    ListSelectOption,
    OldName,
    read_list_arguments,
    read_list_pattern,
    read_list_response,
    write_list_arguments,
    write_list_response,
)
from pymailproto.imap._status import StatusAtt
from pymailproto.imap._values import LiteralSupport, WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_query as q

PLAIN = WireOptions()
SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE = (
    ListSelectOption.SUBSCRIBED,
    ListSelectOption.REMOTE,
    ListSelectOption.RECURSIVEMATCH,
    ListSelectOption.SPECIAL_USE,
)
CHILDREN = ListReturnOption.CHILDREN
SUBSCRIBED_INFO = ChildInfo(["SUBSCRIBED"])


def args(data: bytes, *, utf8: bool = False, extended: bool = True) -> ListArguments:
    reader = Reader(data + b"\r\n", utf8=utf8)
    value = read_list_arguments(reader, utf8=utf8, extended=extended)
    reader.finish()
    return value


def response(data: bytes, *, utf8: bool = False) -> ListResponse:
    reader = Reader(data + b"\r\n", utf8=utf8)
    value = read_list_response(reader, utf8=utf8)
    reader.finish()
    return value


def wire(value: ListArguments | ListResponse, options: WireOptions = PLAIN) -> bytes:
    writer = Writer(options)
    value.write(writer)
    return writer.to_bytes()


def attrs(text: str) -> list[MailboxAttribute]:
    return [MailboxAttribute(name) for name in text.split()]


def L(
    attributes: str, delimiter: str | None, mailbox: str, *extended: object, lsub: bool = False
) -> ListResponse:
    return ListResponse(attrs(attributes), delimiter, mailbox, extended=extended, lsub=lsub)  # type: ignore[arg-type]


def lenient_item(tag: str, value: bytes) -> ListExtendedItem:
    """An item as read from a bare string value, which the constructor refuses."""
    item = object.__new__(ListExtendedItem)
    object.__setattr__(item, "tag", tag)
    object.__setattr__(item, "value", value)
    return item


# --- commands -------------------------------------------------------------------------------------

COMMANDS: list[tuple[bytes, ListArguments, bytes | None]] = [
    # RFC 9051 §6.3.9.8, RFC 3501 §6.3.8 (basic)
    (b'"" ""', ListArguments("", ""), None),
    (
        b'#news.comp.mail.misc ""',
        ListArguments("#news.comp.mail.misc", ""),
        b'"#news.comp.mail.misc" ""',
    ),
    (b'/usr/staff/jones ""', ListArguments("/usr/staff/jones", ""), b'"/usr/staff/jones" ""'),
    (b"~/Mail/ %", ListArguments("~/Mail/", "%"), b'"~/Mail/" "%"'),
    # RFC 9051 §6.3.9.8, RFC 5258 §5 (extended)
    (b'"" "*"', ListArguments("", "*"), None),
    (b'(SUBSCRIBED) "" "*"', ListArguments("", "*", selection=[SUBSCRIBED]), None),
    (
        b'() "" "%" RETURN (CHILDREN)',
        ListArguments("", "%", selection=[], returns=[CHILDREN]),
        None,
    ),
    (
        b'(REMOTE) "" "%" RETURN (CHILDREN)',
        ListArguments("", "%", selection=[REMOTE], returns=[CHILDREN]),
        None,
    ),
    (b'(REMOTE SUBSCRIBED) "" "*"', ListArguments("", "*", selection=[REMOTE, SUBSCRIBED]), None),
    (
        b'(REMOTE) "" "*" RETURN (SUBSCRIBED)',
        ListArguments("", "*", selection=[REMOTE], returns=[ListReturnOption.SUBSCRIBED]),
        None,
    ),
    (b'"" "%" RETURN (CHILDREN)', ListArguments("", "%", returns=[CHILDREN]), None),
    (
        b'(SUBSCRIBED RECURSIVEMATCH) "" "%"',
        ListArguments("", "%", selection=[SUBSCRIBED, RECURSIVEMATCH]),
        None,
    ),
    (
        b'(SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)',
        ListArguments("", "%", selection=[SUBSCRIBED, RECURSIVEMATCH], returns=[CHILDREN]),
        None,
    ),
    (
        b'(RECURSIVEMATCH SUBSCRIBED) "" "*2"',
        ListArguments("", "*2", selection=[RECURSIVEMATCH, SUBSCRIBED]),
        None,
    ),
    (b'"" ("foo")', ListArguments("", ("foo",)), None),
    (b'(SUBSCRIBED) "" "foo/*"', ListArguments("", "foo/*", selection=[SUBSCRIBED]), None),
    (
        b'(SUBSCRIBED RECURSIVEMATCH) "" foo RETURN (CHILDREN)',
        ListArguments("", "foo", selection=[SUBSCRIBED, RECURSIVEMATCH], returns=[CHILDREN]),
        b'(SUBSCRIBED RECURSIVEMATCH) "" "foo" RETURN (CHILDREN)',
    ),
    (b'(REMOTE) "" *', ListArguments("", "*", selection=[REMOTE]), b'(REMOTE) "" "*"'),
    (b'() "" %', ListArguments("", "%", selection=[]), b'() "" "%"'),
    (b'"" (% music/rock)', ListArguments("", ("%", "music/rock")), b'"" ("%" "music/rock")'),
    # RFC 5819 §3 / RFC 9051 §6.3.9.8 example 11
    (
        b'"" % RETURN (STATUS (MESSAGES UNSEEN))',
        ListArguments("", "%", returns=[ListReturnStatus([StatusAtt.MESSAGES, StatusAtt.UNSEEN])]),
        b'"" "%" RETURN (STATUS (MESSAGES UNSEEN))',
    ),
    (
        b'(SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES))',
        ListArguments(
            "",
            "%",
            selection=[SUBSCRIBED, RECURSIVEMATCH],
            returns=[ListReturnStatus([StatusAtt.MESSAGES])],
        ),
        b'(SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (STATUS (MESSAGES))',
    ),
    # RFC 9051 §6.3.10 (NAMESPACE examples), RFC 6154 §5.2
    (b'(SPECIAL-USE) "" "*"', ListArguments("", "*", selection=[SPECIAL_USE]), None),
    (b'(SPECIAL-USE) "#mh/" "*"', ListArguments("#mh/", "*", selection=[SPECIAL_USE]), None),
    (b'"" "Other Users/%"', ListArguments("", "Other Users/%"), None),
    (b'"" "#Users/Mike/%"', ListArguments("", "#Users/Mike/%"), None),
    (b'"" "~mark/%"', ListArguments("", "~mark/%"), None),
    (
        b'"" "%" RETURN (SPECIAL-USE)',
        ListArguments("", "%", returns=[ListReturnOption.SPECIAL_USE]),
        None,
    ),
    # RFC 5258 §5 example 7
    (
        b'"" ("INBOX" "Drafts" "Sent/%")',
        ListArguments("", ("INBOX", "Drafts", "Sent/%")),
        None,
    ),
    (b'"" ("foo" "foo/*")', ListArguments("", ("foo", "foo/*")), None),
    # other options: option-extension = name [SP option-value]
    (
        b'(X-FOO (a "b c") vendor.ex-y) "" "*" RETURN (MYRIGHTS X-BAR (1 (2)))',
        ListArguments(
            "",
            "*",
            selection=[
                ListOptionExtension("X-FOO", (b"a", b"b c")),
                ListOptionExtension("vendor.ex-y"),
            ],
            returns=[
                ListOptionExtension("MYRIGHTS"),
                ListOptionExtension("X-BAR", (b"1", (b"2",))),
            ],
        ),
        b'(X-FOO ("a" "b c") VENDOR.EX-Y) "" "*" RETURN (MYRIGHTS X-BAR ("1" ("2")))',
    ),
    (
        b'(subscribed x-base recursivematch) inbox "%"',
        ListArguments(
            "INBOX", "%", selection=[SUBSCRIBED, ListOptionExtension("X-BASE"), RECURSIVEMATCH]
        ),
        b'(SUBSCRIBED X-BASE RECURSIVEMATCH) "INBOX" "%"',
    ),
]


@pytest.mark.parametrize(("data", "expected", "canonical"), COMMANDS)
def test_rfc_list_commands(data: bytes, expected: ListArguments, canonical: bytes | None) -> None:
    value = args(data)
    assert value == expected
    assert wire(value) == (canonical or data)
    assert args(wire(expected)) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # RFC 3501 §6.3.9 LSUB
        (b'"#news." "comp.mail.*"', ListArguments("#news.", "comp.mail.*")),
        (b'"#news." "comp.%"', ListArguments("#news.", "comp.%")),
        (b'"" %', ListArguments("", "%")),
    ],
)
def test_basic_syntax(data: bytes, expected: ListArguments) -> None:
    assert args(data, extended=False) == expected
    assert not expected.is_extended


def test_basic_syntax_refuses_extended_forms() -> None:
    with pytest.raises(IMAPParseError) as info:
        args(b'"" ("foo")', extended=False)
    assert info.value.offset == 3
    with pytest.raises(IMAPParseError) as info:
        args(b'(SUBSCRIBED) "" "*"', extended=False)
    assert info.value.offset == 0
    with pytest.raises(IMAPParseError) as info:
        args(b'"" "*" RETURN (CHILDREN)', extended=False)
    assert info.value.offset == 6


def test_is_extended() -> None:
    # RFC 9051 §6.3.9: selection options, a parenthesised pattern, or return options
    assert not ListArguments("", "*").is_extended
    assert ListArguments("", "*", selection=[]).is_extended
    assert ListArguments("", ("*",)).is_extended
    assert ListArguments("", "*", returns=[]).is_extended
    assert args(b'"" "*" RETURN ()') == ListArguments("", "*", returns=())


def test_names_follow_the_session() -> None:
    value = ListArguments("Entwürfe/", "%")
    assert wire(value) == b'"Entw&APw-rfe/" "%"'
    assert wire(value, WireOptions(utf8=True)) == '"Entwürfe/" "%"'.encode()
    assert args(b'"Entw&APw-rfe/" "%"') == value
    assert args('"Entwürfe/" "%"'.encode(), utf8=True) == value
    assert read_list_pattern(Reader(b"&AOk-*"), utf8=False) == "é*"


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b'(RECURSIVEMATCH) "" "*"', 0, "RECURSIVEMATCH"),
        (b'(REMOTE RECURSIVEMATCH) "" "*"', 0, "RECURSIVEMATCH"),
        (b'(SPECIAL-USE RECURSIVEMATCH) "" "*"', 0, "RECURSIVEMATCH"),
        # RFC 5819 §3 prints "(SUBSCRIBED RECURSIVEMATCH)"" %": SP is required
        (b'(SUBSCRIBED RECURSIVEMATCH)"" % RETURN (STATUS (MESSAGES))', 27, "SP"),
        (b'"" ()', 4, "list-mailbox"),
        (b'"" "*" RETURN ()x', 16, "CRLF"),
        (b'"" "*" RETURN', 13, "SP"),
        (b'"" "*" RETURN CHILDREN', 14, '"("'),
        (b'"" "*" EXTRA', 6, "CRLF"),
        (b'"" "&Jjo"', 3, "invalid mailbox name or pattern"),
        (b'(SUBSCRIBED) "" "*" RETURN (STATUS ())', 36, "status data item"),
        (b'"" "*" RETURN (CHILDREN (x))', 24, "atom"),
        (b'"" "*" RETURN (STATUS MESSAGES)', 22, '"("'),
        (b'(SUBSCRIBED (x)) "" "*"', 12, "atom"),
        (b'(X-FOO ()) "" "*"', 8, "tagged-ext-comp"),
        (b'(X-FOO (a )) "" "*"', 10, "astring"),
        (b'(X-FOO (a(b))) "" "*"', 9, 'SP or ")"'),
        (b'"" "a" ', 6, "CRLF"),
    ],
)
def test_command_errors(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        args(data)
    assert info.value.offset == offset, info.value.message
    assert message in info.value.message


@pytest.mark.parametrize(
    "build",
    [
        lambda: ListArguments("", []),
        lambda: ListArguments("", "*", selection=[RECURSIVEMATCH]),
        lambda: ListArguments("", "*", selection=[REMOTE, RECURSIVEMATCH]),
        lambda: ListArguments("", "*", selection=["SUBSCRIBED"]),  # type: ignore[list-item]
        lambda: ListArguments("", "*", returns=["CHILDREN"]),  # type: ignore[list-item]
        lambda: ListArguments("", "*", returns=[REMOTE]),  # type: ignore[list-item]
        lambda: ListArguments(b"", "*"),  # type: ignore[arg-type]
        lambda: ListArguments("", [b"*"]),  # type: ignore[list-item]
        lambda: ListOptionExtension("SUBSCRIBED"),
        lambda: ListOptionExtension("status"),
        lambda: ListOptionExtension("a b"),
        lambda: ListOptionExtension("X", ()),
        lambda: ListOptionExtension("X", (b"a", ())),
        lambda: ListOptionExtension("X", (b"\x00",)),
        lambda: ListOptionExtension("X", [b"a"]),  # type: ignore[arg-type]
        lambda: ListOptionExtension("X", (5,)),  # type: ignore[arg-type]
        lambda: ListReturnStatus([]),
        lambda: ListReturnStatus(["MESSAGES"]),  # type: ignore[list-item]
    ],
)
def test_argument_validation(build: Callable[[], object]) -> None:
    with pytest.raises(IMAPValueError):
        build()


def test_write_list_arguments() -> None:
    writer = Writer()
    write_list_arguments(writer, ListArguments("", "*", selection=[SUBSCRIBED]))
    assert writer.to_bytes() == b'(SUBSCRIBED) "" "*"'


# --- responses ------------------------------------------------------------------------------------

RESPONSES: list[tuple[bytes, ListResponse, bytes | None]] = [
    # RFC 9051 §6.3.9.8 / RFC 3501 §6.3.8 (basic)
    (b'LIST (\\Noselect) "/" ""', L("\\Noselect", "/", ""), None),
    (
        b'LIST (\\Noselect) "." #news.',
        L("\\Noselect", ".", "#news."),
        b'LIST (\\Noselect) "." "#news."',
    ),
    (b'LIST (\\Noselect) "/" /', L("\\Noselect", "/", "/"), b'LIST (\\Noselect) "/" "/"'),
    (
        b'LIST (\\Noselect) "/" ~/Mail/foo',
        L("\\Noselect", "/", "~/Mail/foo"),
        b'LIST (\\Noselect) "/" "~/Mail/foo"',
    ),
    (
        b'LIST () "/" ~/Mail/meetings',
        L("", "/", "~/Mail/meetings"),
        b'LIST () "/" "~/Mail/meetings"',
    ),
    # RFC 9051 §6.3.9.8 / RFC 5258 §5 (extended)
    (
        b'LIST (\\Marked \\NoInferiors) "/" "inbox"',
        L("\\Marked \\NoInferiors", "/", "INBOX"),
        b'LIST (\\Marked \\NoInferiors) "/" "INBOX"',
    ),
    (b'LIST () "/" "Fruit"', L("", "/", "Fruit"), None),
    (b'LIST () "/" "Fruit/Apple"', L("", "/", "Fruit/Apple"), None),
    (b'LIST () "/" "Vegetable/Broccoli"', L("", "/", "Vegetable/Broccoli"), None),
    (
        b'LIST (\\Marked \\NoInferiors \\Subscribed) "/" "inbox"',
        L("\\Marked \\NoInferiors \\Subscribed", "/", "INBOX"),
        b'LIST (\\Marked \\NoInferiors \\Subscribed) "/" "INBOX"',
    ),
    (b'LIST (\\Subscribed) "/" "Fruit/Banana"', L("\\Subscribed", "/", "Fruit/Banana"), None),
    (
        b'LIST (\\Subscribed \\NonExistent) "/" "Fruit/Peach"',
        L("\\Subscribed \\NonExistent", "/", "Fruit/Peach"),
        None,
    ),
    (b'LIST (\\HasChildren) "/" "Fruit"', L("\\HasChildren", "/", "Fruit"), None),
    (b'LIST (\\HasNoChildren) "/" "Tofu"', L("\\HasNoChildren", "/", "Tofu"), None),
    (
        b'LIST (\\Remote \\HasNoChildren) "/" "Bread"',
        L("\\Remote \\HasNoChildren", "/", "Bread"),
        None,
    ),
    (b'LIST (\\HasChildren \\Remote) "/" "Meat"', L("\\HasChildren \\Remote", "/", "Meat"), None),
    (b'LIST (\\Remote \\Subscribed) "/" "Bread"', L("\\Remote \\Subscribed", "/", "Bread"), None),
    (b'LIST (\\Remote) "/" "Meat"', L("\\Remote", "/", "Meat"), None),
    (b'LIST () "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))', L("", "/", "Foo", SUBSCRIBED_INFO), None),
    (
        b'LIST (\\Subscribed) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))',
        L("\\Subscribed", "/", "Foo", SUBSCRIBED_INFO),
        None,
    ),
    (
        b'LIST (\\Subscribed \\HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))',
        L("\\Subscribed \\HasChildren", "/", "Foo", SUBSCRIBED_INFO),
        None,
    ),
    (
        b'LIST (\\NonExistent) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))',
        L("\\NonExistent", "/", "Foo", SUBSCRIBED_INFO),
        None,
    ),
    (
        b'LIST (\\HasChildren \\Subscribed) "/" "Foo"',
        L("\\HasChildren \\Subscribed", "/", "Foo"),
        None,
    ),
    (
        b'LIST (\\HasNoChildren \\Subscribed) "/" "Moo"',
        L("\\HasNoChildren \\Subscribed", "/", "Moo"),
        None,
    ),
    (b'LIST () "/" "foo2" ("CHILDINFO" ("SUBSCRIBED"))', L("", "/", "foo2", SUBSCRIBED_INFO), None),
    (
        b'LIST (\\Subscribed) "/" "eps2" ("CHILDINFO" ("SUBSCRIBED"))',
        L("\\Subscribed", "/", "eps2", SUBSCRIBED_INFO),
        None,
    ),
    (
        b'LIST (\\NonExistent) "/" "qux2" ("CHILDINFO" ("SUBSCRIBED"))',
        L("\\NonExistent", "/", "qux2", SUBSCRIBED_INFO),
        None,
    ),
    (b'LIST () "/" foo', L("", "/", "foo"), b'LIST () "/" "foo"'),
    (
        b'LIST (\\Subscribed \\NonExistent) "/" foo/bar',
        L("\\Subscribed \\NonExistent", "/", "foo/bar"),
        b'LIST (\\Subscribed \\NonExistent) "/" "foo/bar"',
    ),
    (
        b'LIST (\\HasNoChildren) "/" foo ("CHILDINFO" ("SUBSCRIBED"))',
        L("\\HasNoChildren", "/", "foo", SUBSCRIBED_INFO),
        b'LIST (\\HasNoChildren) "/" "foo" ("CHILDINFO" ("SUBSCRIBED"))',
    ),
    (b'LIST () "/" music/rock', L("", "/", "music/rock"), b'LIST () "/" "music/rock"'),
    (
        b'LIST (\\Remote) "/" also/jazz',
        L("\\Remote", "/", "also/jazz"),
        b'LIST (\\Remote) "/" "also/jazz"',
    ),
    (
        b'LIST (\\NonExistent \\HasChildren) "/" music',
        L("\\NonExistent \\HasChildren", "/", "music"),
        b'LIST (\\NonExistent \\HasChildren) "/" "music"',
    ),
    # RFC 5819 §3, RFC 9051 §6.3.9.8 example 11 (without the double spaces; see below)
    (b'LIST () "." "foo"', L("", ".", "foo"), None),
    (b'LIST (\\NoSelect) "." "bar"', L("\\NoSelect", ".", "bar"), None),
    (
        b'LIST () "." "foo" (CHILDINFO ("SUBSCRIBED"))',
        L("", ".", "foo", SUBSCRIBED_INFO),
        b'LIST () "." "foo" ("CHILDINFO" ("SUBSCRIBED"))',
    ),
    # RFC 9051 §6.3.9.7 OLDNAME, §6.3.4 (RENAME)
    (
        b'LIST (\\NonExistent) "." "INBOX.DeletedMailbox"',
        L("\\NonExistent", ".", "INBOX.DeletedMailbox"),
        None,
    ),
    (
        b'LIST () "/" "NewMailbox" ("OLDNAME" ("OldMailbox"))',
        L("", "/", "NewMailbox", OldName("OldMailbox")),
        None,
    ),
    (
        b'LIST () "/" "Normalized" ("OLDNAME" ("NonNormalized"))',
        L("", "/", "Normalized", OldName("NonNormalized")),
        None,
    ),
    # RFC 9051 §6.3.10 (NAMESPACE examples)
    (
        b'LIST (\\NonExistent \\Archive) "/" Archives',
        L("\\NonExistent \\Archive", "/", "Archives"),
        b'LIST (\\NonExistent \\Archive) "/" "Archives"',
    ),
    (
        b'LIST (\\NonExistent \\Sent) "/" "Sent Mail"',
        L("\\NonExistent \\Sent", "/", "Sent Mail"),
        None,
    ),
    (
        b'LIST (\\NonExistent \\Trash) "/" "#mh/Deleted Items"',
        L("\\NonExistent \\Trash", "/", "#mh/Deleted Items"),
        None,
    ),
    (b'LIST () "/" "Other Users/Mike"', L("", "/", "Other Users/Mike"), None),
    (b'LIST () "/" "#Users/Mike/INBOX"', L("", "/", "#Users/Mike/INBOX"), None),
    (b'LIST () "/" "~mark/foo"', L("", "/", "~mark/foo"), None),
    # RFC 9051 §6.3.1-6.3.5 (SELECT, CREATE, DELETE, RENAME)
    (b'LIST () "/" INBOX', L("", "/", "INBOX"), b'LIST () "/" "INBOX"'),
    (b'LIST () "." foo.bar', L("", ".", "foo.bar"), b'LIST () "." "foo.bar"'),
    (b'LIST () "." old-mail', L("", ".", "old-mail"), b'LIST () "." "old-mail"'),
    # RFC 9051 §7.3.1
    (
        b'LIST (\\Marked) ":" Tables (tablecloth (("edge" "lacy") ("color" "red")) Sample "text")',
        L(
            "\\Marked",
            ":",
            "Tables",
            ListExtendedItem("tablecloth", ((b"edge", b"lacy"), (b"color", b"red"))),
            lenient_item("SAMPLE", b"text"),
        ),
        b'LIST (\\Marked) ":" "Tables" '
        b'("TABLECLOTH" (("edge" "lacy") ("color" "red")) "SAMPLE" "text")',
    ),
    (
        b'LIST () ":" Tables:new (tablecloth ("edge" "lacy") Sample ("text" "more text"))',
        L(
            "",
            ":",
            "Tables:new",
            ListExtendedItem("tablecloth", (b"edge", b"lacy")),
            ListExtendedItem("Sample", (b"text", b"more text")),
        ),
        b'LIST () ":" "Tables:new" ("TABLECLOTH" ("edge" "lacy") "SAMPLE" ("text" "more text"))',
    ),
    # RFC 6154 §5.1
    (
        b'LIST (\\Marked \\HasNoChildren) "/" Inbox',
        L("\\Marked \\HasNoChildren", "/", "INBOX"),
        b'LIST (\\Marked \\HasNoChildren) "/" "INBOX"',
    ),
    (
        b'LIST (\\Sent \\HasNoChildren) "/" SentMail',
        L("\\Sent \\HasNoChildren", "/", "SentMail"),
        b'LIST (\\Sent \\HasNoChildren) "/" "SentMail"',
    ),
    (
        b'LIST (\\Marked \\Drafts \\HasNoChildren) "/" MyDrafts',
        L("\\Marked \\Drafts \\HasNoChildren", "/", "MyDrafts"),
        b'LIST (\\Marked \\Drafts \\HasNoChildren) "/" "MyDrafts"',
    ),
    (
        b'LIST (\\Trash \\HasNoChildren) "/" Trash',
        L("\\Trash \\HasNoChildren", "/", "Trash"),
        b'LIST (\\Trash \\HasNoChildren) "/" "Trash"',
    ),
    # RFC 3501 §6.3.9 LSUB
    (
        b'LSUB () "." #news.comp.mail.mime',
        L("", ".", "#news.comp.mail.mime", lsub=True),
        b'LSUB () "." "#news.comp.mail.mime"',
    ),
    (
        b'LSUB (\\NoSelect) "." #news.comp.mail',
        L("\\NoSelect", ".", "#news.comp.mail", lsub=True),
        b'LSUB (\\NoSelect) "." "#news.comp.mail"',
    ),
    # a flat namespace; quoted-specials as delimiters; lower-case keyword
    (b'LIST (\\Noselect) NIL ""', L("\\Noselect", None, ""), None),
    (b"list () nil x", L("", None, "x"), b'LIST () NIL "x"'),
    (b'LIST () "\\\\" "a\\\\b"', L("", "\\", "a\\b"), None),
    (b'LIST () "\\"" "a"', L("", '"', "a"), None),
]


@pytest.mark.parametrize(("data", "expected", "canonical"), RESPONSES)
def test_rfc_list_responses(data: bytes, expected: ListResponse, canonical: bytes | None) -> None:
    value = response(data)
    assert value == expected
    assert wire(value) == (canonical or data)
    assert response(wire(value)) == value


def test_rfc_typos_are_refused_with_the_offset() -> None:
    # RFC 5819 §3 prints two spaces after the delimiter
    with pytest.raises(IMAPParseError) as info:
        response(b'LIST () "."  "INBOX"')
    assert info.value.offset == 12


def test_extended_items() -> None:
    value = response(
        b'LIST () "/" x ("childinfo" (subscribed "X-OPT") OLDNAME (old) vendor.ex-t 5)'
    )
    assert value.extended == (
        ChildInfo(["SUBSCRIBED", "X-OPT"]),
        OldName("old"),
        ListExtendedItem("vendor.ex-t", 5),
    )
    assert wire(value) == (
        b'LIST () "/" "x" ("CHILDINFO" ("SUBSCRIBED" "X-OPT") "OLDNAME" ("old") "VENDOR.EX-T" 5)'
    )
    assert response(b'LIST () "/" x ()').extended == ()
    # names in OLDNAME follow the session
    old = L("", "/", "x", OldName("Entwürfe"))
    assert wire(old).endswith(b'("OLDNAME" ("Entw&APw-rfe"))')
    assert wire(old, WireOptions(utf8=True)).endswith('("OLDNAME" ("Entwürfe"))'.encode())
    assert response(wire(old)) == old


def test_delimiter_may_be_utf8() -> None:
    value = response('LIST () "é" "a"'.encode(), utf8=True)
    assert value.delimiter == "é"
    assert wire(value, WireOptions(utf8=True)) == 'LIST () "é" "a"'.encode()
    with pytest.raises(IMAPValueError):
        wire(value)


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b'STATUS () "/" x', 0, '"LIST" or "LSUB"'),
        (b'LIST (\\Noselect \\Marked) "/" x', 5, "more than one"),
        (b'LIST () "ab" x', 8, "one-character"),
        (b'LIST () "" x', 8, "one-character"),
        (b"LIST () X x", 8, "hierarchy delimiter"),
        (b'LIST () "/" &Jjo', 12, "mailbox name"),
        (b'LIST () "/" x (a)', 16, "SP"),
        (b'LIST () "/" x ("a" )', 19, "tagged-ext-val"),
        (b'LIST () "/" x ({1}\r\n\xff 1)', 15, "UTF-8"),
        (b'LIST () "/" x ("CHILDINFO" (("x")))', 27, "CHILDINFO"),
        (b'LIST () "/" x ("CHILDINFO" ())', 27, "CHILDINFO"),
        (b'LIST () "/" x ("CHILDINFO" ("a b"))', 27, "CHILDINFO"),
        (b'LIST () "/" x ("CHILDINFO" 5)', 27, "CHILDINFO"),
        (b'LIST () "/" x ("OLDNAME" ("a" "b"))', 25, "OLDNAME"),
        (b'LIST () "/" x ("OLDNAME" "a")', 25, "OLDNAME"),
        (b'LIST () "/" x ("OLDNAME" ("&Jjo"))', 25, "mailbox name"),
        (b'LIST () "/" x (X 1', 18, '")"'),
    ],
)
def test_response_errors(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        response(data)
    assert info.value.offset == offset, info.value.message
    assert message in info.value.message


def test_reading_keeps_what_the_grammar_allows() -> None:
    # both child attributes: a server error, but grammatical; kept as sent (RFC 9051 §7.3.1
    # tells the client to ignore both)
    value = response(b'LIST (\\HasChildren \\HasNoChildren) "/" x')
    assert len(value.attributes) == 2


@pytest.mark.parametrize(
    "build",
    [
        lambda: L("\\Noselect \\Marked", "/", "x"),
        lambda: L("\\Sent \\Sent", "/", "x"),
        lambda: L("\\HasChildren \\HasNoChildren", "/", "x"),
        lambda: L("", "ab", "x"),
        lambda: L("", "", "x"),
        lambda: L("", "\r", "x"),
        lambda: L("", "\ud800", "x"),
        lambda: L("", 5, "x"),  # type: ignore[arg-type]
        lambda: L("", "/", b"x"),  # type: ignore[arg-type]
        lambda: L("", "/", "x", "CHILDINFO"),
        lambda: ListResponse(["\\Noselect"], "/", "x"),  # type: ignore[list-item]
        lambda: ChildInfo([]),
        lambda: ChildInfo(["a b"]),
        lambda: OldName(b"x"),  # type: ignore[arg-type]
        lambda: ListExtendedItem("CHILDINFO", 1),
        lambda: ListExtendedItem("oldname", 1),
        lambda: ListExtendedItem("a b", 1),
        lambda: ListExtendedItem(5, 1),  # type: ignore[arg-type]
        lambda: ListExtendedItem("x", b"text"),
        lambda: ListExtendedItem("x", -1),
        lambda: ListExtendedItem("x", True),
        lambda: ListExtendedItem("x", "text"),  # type: ignore[arg-type]
    ],
)
def test_response_validation(build: Callable[[], object]) -> None:
    with pytest.raises(IMAPValueError):
        build()


def test_constructors_normalise() -> None:
    assert L("", "/", "inbox").mailbox == "INBOX"
    assert ChildInfo(["subscribed"]).options == ("SUBSCRIBED",)
    assert ListExtendedItem("vendor.exämple-x", 1).tag == "VENDOR.EXäMPLE-X"
    assert ListOptionExtension("x-foo").name == "X-FOO"
    writer = Writer()
    write_list_response(writer, L("\\Noselect", "/", "x"))
    assert writer.to_bytes() == b'LIST (\\Noselect) "/" "x"'


# --- properties -----------------------------------------------------------------------------------

_PLAIN_OPTIONS = st.builds(
    WireOptions, utf8=st.just(False), literals=st.sampled_from(LiteralSupport)
)
_UTF8_OPTIONS = st.builds(WireOptions, utf8=st.just(True), literals=st.sampled_from(LiteralSupport))


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.tuples(_PLAIN_OPTIONS, q.list_arguments(s.mailbox_names)),
        st.tuples(_UTF8_OPTIONS, q.list_arguments(s.utf8_mailbox_names)),
    )
)
def test_arguments_round_trip(pair: tuple[WireOptions, ListArguments]) -> None:
    options, value = pair
    data = wire(value, options)
    parsed = args(data, utf8=options.utf8)
    assert parsed == value
    assert wire(parsed, options) == data


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.tuples(_PLAIN_OPTIONS, q.list_responses(s.mailbox_names, q.ascii_delimiters)),
        st.tuples(_UTF8_OPTIONS, q.list_responses(s.utf8_mailbox_names, q.utf8_delimiters)),
    )
)
def test_response_round_trip(pair: tuple[WireOptions, ListResponse]) -> None:
    options, value = pair
    data = wire(value, options)
    parsed = response(data, utf8=options.utf8)
    assert parsed == value
    assert wire(parsed, options) == data


@settings(max_examples=400, deadline=None)
@given(
    s.fuzz_bytes(
        b"LIST ",
        b"LSUB ",
        b"(",
        b")",
        b" ",
        b"\\Noselect",
        b'"/"',
        b"NIL",
        b'"x"',
        b"x",
        b"%",
        b'"CHILDINFO" ("SUBSCRIBED")',
        b"OLDNAME",
        b"RETURN ",
        b"SUBSCRIBED",
        b"RECURSIVEMATCH",
        b"STATUS (MESSAGES)",
        b"5",
        b"&-",
        b"\xff",
    )
)
def test_fuzz(data: bytes) -> None:
    for utf8 in (False, True):
        options = WireOptions(utf8=utf8)
        reader = Reader(data, max_depth=4, utf8=utf8)
        try:
            value = read_list_response(reader, utf8=utf8)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:  # parse -> write -> parse is stable
            assert response(wire(value, options), utf8=utf8) == value
        for extended in (True, False):
            reader = Reader(data, max_depth=4, utf8=utf8)
            try:
                arguments = read_list_arguments(reader, utf8=utf8, extended=extended)
            except IMAPParseError as exc:
                assert 0 <= exc.offset <= len(data)
            else:
                assert args(wire(arguments, options), utf8=utf8) == arguments


def test_docstring_examples() -> None:
    assert wire(ListArguments("", "*")) == b'"" "*"'
    assert wire(ListArguments("", ("INBOX", "Sent/%"))) == b'"" ("INBOX" "Sent/%")'
    value = ListArguments(
        "",
        "%",
        selection=[ListSelectOption.SUBSCRIBED],
        returns=[ListReturnOption.CHILDREN, ListReturnStatus([StatusAtt.UNSEEN])],
    )
    assert wire(value) == b'(SUBSCRIBED) "" "%" RETURN (CHILDREN STATUS (UNSEEN))'
    assert wire(ListResponse([MailboxAttribute.HAS_NO_CHILDREN], "/", "Fruit/Banana")) == (
        b'LIST (\\HasNoChildren) "/" "Fruit/Banana"'
    )
    assert wire(ListResponse([], "/", "Foo", extended=[ChildInfo(["SUBSCRIBED"])])) == (
        b'LIST () "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))'
    )
