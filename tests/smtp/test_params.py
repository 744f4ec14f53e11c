"""Known-answer and property tests for ESMTP parameters (RFC 5321 §4.1.2 and the extensions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto.smtp._params import (
    Body,
    MailParams,
    Notify,
    ParameterError,
    RcptParams,
    Ret,
    format_params,
    parse_params,
    xtext_decode,
    xtext_encode,
)

# --- the generic grammar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("SIZE=10", [("SIZE", "10")]),
        ("size=10 body=8bitmime", [("SIZE", "10"), ("BODY", "8bitmime")]),
        ("SMTPUTF8", [("SMTPUTF8", None)]),
        ("SIZE=10   BODY=8BITMIME ", [("SIZE", "10"), ("BODY", "8BITMIME")]),
        (" SIZE=10", [("SIZE", "10")]),
        ("X-FOO=a<b>c X-1", [("X-FOO", "a<b>c"), ("X-1", None)]),
        ("1=!~", [("1", "!~")]),
        ("AUTH=<>", [("AUTH", "<>")]),
        ("AUTH=e+3Dmc2@example.com", [("AUTH", "e+3Dmc2@example.com")]),
        ("ORCPT=rfc822;a+2Bb@x", [("ORCPT", "rfc822;a+2Bb@x")]),
    ],
)
def test_parse_params(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert parse_params(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SIZE=",  # esmtp-value = 1*(...)
        "=10",
        "-X=1",  # esmtp-keyword starts with ALPHA / DIGIT
        "X_Y=1",
        "X.Y",
        "A=b=c",  # "=" is excluded from esmtp-value
        "SIZE=10 SIZE=11",
        "size=10 SIZE=10",
        "SIZE=10\r\nRSET",
        "SIZE=10\n",
        "SIZE=1\x00",
        "SIZE=10\tBODY=7BIT",
        "X=\x7f",
        "X=\x85",
        "Ä=1",
    ],
)
def test_parse_params_rejects(text: str) -> None:
    for utf8 in (False, True):
        with pytest.raises(ParameterError):
            parse_params(text, utf8=utf8)


def test_non_ascii_values_need_utf8() -> None:
    with pytest.raises(ParameterError, match="SMTPUTF8"):
        parse_params("X-NAME=jö")
    assert parse_params("X-NAME=jö", utf8=True) == [("X-NAME", "jö")]
    with pytest.raises(ParameterError):
        parse_params("X-NAME=j\ud800", utf8=True)


def test_format_params() -> None:
    assert format_params([]) == ""
    assert format_params([("SIZE", "10"), ("BODY", "8BITMIME")]) == "SIZE=10 BODY=8BITMIME"
    assert format_params([("SMTPUTF8", None), ("X-A", "ö")]) == "SMTPUTF8 X-A=ö"
    assert format_params(p for p in [("x-a", "1")]) == "x-a=1"


@pytest.mark.parametrize(
    "params",
    [
        [("SIZE", "10\r\nRSET")],
        [("SIZE\r\nRSET", None)],
        [("SIZE", "")],
        [("SIZE", "1 BODY=7BIT")],
        [("SIZE=1", None)],
        [("", None)],
        [("SIZE", "a=b")],
        [("SIZE", "1"), ("size", "2")],
        [(1, None)],
        [("SIZE", 10)],
    ],
)
def test_format_params_rejects(params: list[tuple[str, str | None]]) -> None:
    with pytest.raises(ParameterError):
        format_params(params)


_keywords = st.from_regex(r"\A[A-Z0-9][A-Z0-9-]{0,10}\Z")
_values = st.one_of(
    st.none(),
    st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="="), min_size=1),
    st.text(st.characters(min_codepoint=0xA0, exclude_categories=["Cs"]), min_size=1),
)
_param_lists = st.lists(st.tuples(_keywords, _values), unique_by=lambda p: p[0], max_size=6)


@given(_param_lists)
def test_params_round_trip(params: list[tuple[str, str | None]]) -> None:
    assert parse_params(format_params(params), utf8=True) == params


@given(st.text(max_size=40))
def test_parse_arbitrary_text_only_raises_parameter_error(text: str) -> None:
    try:
        params = parse_params(text, utf8=True)
    except ParameterError:
        return
    assert parse_params(format_params(params), utf8=True) == params


# --- xtext (RFC 3461 §4) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decoded", "encoded"),
    [
        ("", ""),
        ("e=mc2@example.com", "e+3Dmc2@example.com"),  # RFC 4954 §5.1
        ("a+b", "a+2Bb"),
        ("a b", "a+20b"),
        ("!~", "!~"),
        ("\r\n", "+0D+0A"),
        ("\x7f", "+7F"),
        ("é", "+C3+A9"),
        ("<>", "<>"),
    ],
)
def test_xtext(decoded: str, encoded: str) -> None:
    assert xtext_encode(decoded) == encoded
    assert xtext_decode(encoded) == decoded


def test_xtext_decode_accepts_hexchar_for_any_octet() -> None:
    assert xtext_decode("+41+42") == "AB"  # "MAY instead be encoded as a hexchar"


@pytest.mark.parametrize(
    "encoded", ["+", "+4", "+4g", "+2b", "a=b", "a b", "ab\r\n", "é", "+C3", "+FF", "\x7f"]
)
def test_xtext_decode_rejects(encoded: str) -> None:
    with pytest.raises(ParameterError):
        xtext_decode(encoded)


def test_xtext_encode_rejects_lone_surrogates() -> None:
    with pytest.raises(ParameterError):
        xtext_encode("\ud800")


@given(st.text())
def test_xtext_round_trip(text: str) -> None:
    encoded = xtext_encode(text)
    assert all(33 <= ord(ch) <= 126 and ch != "=" for ch in encoded)
    assert xtext_decode(encoded) == text


# --- MAIL parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", MailParams()),
        ("SIZE=500000", MailParams(size=500000)),
        ("SIZE=0", MailParams(size=0)),
        ("SIZE=99999999999999999999", MailParams(size=10**20 - 1)),
        ("SIZE=00000000000000000001", MailParams(size=1)),
        ("BODY=8BITMIME", MailParams(body=Body.EIGHTBITMIME)),
        ("BODY=7bit", MailParams(body=Body.SEVENBIT)),
        ("BODY=BINARYMIME", MailParams(body=Body.BINARYMIME)),
        ("SMTPUTF8", MailParams(smtputf8=True)),
        ("AUTH=e+3Dmc2@example.com", MailParams(auth="e=mc2@example.com")),
        ("AUTH=<>", MailParams(auth="<>")),
        ("AUTH=+22a+20b+22@[1.2.3.4]", MailParams(auth='"a b"@[1.2.3.4]')),
        ("AUTH=j+C3+B6@x", MailParams(auth="jö@x")),
        ("RET=hdrs", MailParams(ret=Ret.HDRS)),
        ("RET=FULL", MailParams(ret=Ret.FULL)),
        ("ENVID=QQ314159+20x", MailParams(envid="QQ314159 x")),
        ("X-FOO=bar X-BAZ", MailParams(extra=(("X-FOO", "bar"), ("X-BAZ", None)))),
        (
            "size=1 body=8bitmime smtputf8 auth=a@b ret=full envid=x requiretls",
            MailParams(
                size=1,
                body=Body.EIGHTBITMIME,
                smtputf8=True,
                auth="a@b",
                ret=Ret.FULL,
                envid="x",
                extra=(("REQUIRETLS", None),),
            ),
        ),
    ],
)
def test_mail_params_from_params(text: str, expected: MailParams) -> None:
    assert MailParams.from_params(parse_params(text)) == expected


@pytest.mark.parametrize(
    "params",
    [
        [("SIZE", "abc")],
        [("SIZE", None)],
        [("SIZE", "-1")],
        [("SIZE", "+1")],
        [("SIZE", "100000000000000000000")],  # 21 digits
        [("SIZE", "000000000000000000001")],  # 21 digits, small value
        [("SIZE", "١٢")],  # Arabic-Indic digits are not DIGIT
        [("BODY", "FOO")],
        [("BODY", None)],
        [("SMTPUTF8", "x")],
        [("RET", None)],
        [("RET", "ALL")],
        [("ENVID", None)],
        [("ENVID", "a+0Db")],  # decoded control character
        [("ENVID", "+C3+A9")],  # ENVID is printable US-ASCII (RFC 3461 §4.4)
        [("ENVID", "x" * 101)],
        [("ENVID", "a=b")],
        [("AUTH", None)],
        [("AUTH", "nobody")],
        [("AUTH", "a+0D+0A@b")],
        [("AUTH", "a+40b")],  # decodes to "a@b" but ...
        [("SIZE", "1"), ("size", "2")],
        [("X-FOO", "a\r\nb")],
        [("X FOO", None)],
        [(1, None)],
    ],
)
def test_mail_params_from_params_rejects(params: list[tuple[str, str | None]]) -> None:
    if params == [("AUTH", "a+40b")]:
        # ... "a@b" is a fine mailbox: hexchar may encode any octet.
        assert MailParams.from_params(params).auth == "a@b"
        return
    with pytest.raises(ParameterError):
        MailParams.from_params(params)


def test_envid_length_limit() -> None:
    assert MailParams.from_params([("ENVID", "x" * 100)]).envid == "x" * 100
    assert MailParams(envid="+" * 100).to_params() == [("ENVID", "+2B" * 100)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"size": -1},
        {"size": 10**20},
        {"size": True},
        {"size": "10"},
        {"body": "8BITMIME"},
        {"smtputf8": 1},
        {"auth": "a\r\nRSET"},
        {"auth": ""},
        {"auth": b"a@b"},
        {"ret": "FULL"},
        {"envid": ""},
        {"envid": "a\r\nb"},
        {"envid": "x" * 101},
        {"envid": 1},
        {"extra": (("SIZE", "1"),)},
        {"extra": (("x-a", "1"), ("X-A", "2"))},
        {"extra": (("X-A", "1\r\n"),)},
        {"extra": (("X-A\r\n", None),)},
        {"extra": (("X-A",),)},
        {"extra": "X-A"},
    ],
)
def test_mail_params_constructor_rejects(kwargs: dict[str, object]) -> None:
    with pytest.raises(ParameterError):
        MailParams(**kwargs)  # type: ignore[arg-type]


def test_mail_params_to_params() -> None:
    params = MailParams(
        size=10,
        body=Body.BINARYMIME,
        smtputf8=True,
        auth="e=mc2@example.com",
        ret=Ret.HDRS,
        envid="id 1",
        extra=(("X-A", "b"),),
    )
    assert params.to_params() == [
        ("SIZE", "10"),
        ("BODY", "BINARYMIME"),
        ("SMTPUTF8", None),
        ("AUTH", "e+3Dmc2@example.com"),
        ("RET", "HDRS"),
        ("ENVID", "id+201"),
        ("X-A", "b"),
    ]
    assert params.keywords() == ("SIZE", "BODY", "SMTPUTF8", "AUTH", "RET", "ENVID", "X-A")
    assert format_params(params.to_params()) == (
        "SIZE=10 BODY=BINARYMIME SMTPUTF8 AUTH=e+3Dmc2@example.com RET=HDRS ENVID=id+201 X-A=b"
    )
    assert MailParams().to_params() == []
    assert MailParams().keywords() == ()


def test_extra_list_is_normalized_to_tuples() -> None:
    params = MailParams(extra=[["X-A", "1"]])  # type: ignore[arg-type]
    assert params.extra == (("X-A", "1"),)
    assert hash(params) == hash(MailParams(extra=(("X-A", "1"),)))


_printable = st.text(st.characters(min_codepoint=32, max_codepoint=126))
_extra_values = st.one_of(
    st.none(),
    st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="="), min_size=1),
)
_mailboxes = st.sampled_from(["<>", "a@b", '"a b"@[1.2.3.4]', "jö@bü.example", "x+y=z@q"])


def _extras(known: set[str]) -> st.SearchStrategy[tuple[tuple[str, str | None], ...]]:
    return st.lists(
        st.tuples(_keywords.filter(lambda k: k not in known), _extra_values),
        unique_by=lambda p: p[0],
        max_size=3,
    ).map(tuple)


_mail_params = st.builds(
    MailParams,
    size=st.none() | st.integers(0, 10**20 - 1),
    body=st.none() | st.sampled_from(Body),
    smtputf8=st.booleans(),
    auth=st.none() | _mailboxes,
    ret=st.none() | st.sampled_from(Ret),
    envid=st.none() | _printable.filter(lambda s: 0 < len(s) <= 100),
    extra=_extras({"SIZE", "BODY", "SMTPUTF8", "AUTH", "RET", "ENVID"}),
)


@given(_mail_params)
def test_mail_params_round_trip(params: MailParams) -> None:
    wire = format_params(params.to_params())
    assert MailParams.from_params(parse_params(wire)) == params  # xtext keeps it ASCII
    assert MailParams.from_params(params.to_params()) == params
    assert params.keywords() == tuple(k for k, _ in parse_params(wire))


# --- RCPT parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", RcptParams()),
        ("NOTIFY=NEVER", RcptParams(notify=frozenset())),
        ("NOTIFY=never", RcptParams(notify=frozenset())),
        ("NOTIFY=SUCCESS", RcptParams(notify=frozenset({Notify.SUCCESS}))),
        (
            "NOTIFY=delay,Failure,SUCCESS",
            RcptParams(notify=frozenset({Notify.SUCCESS, Notify.FAILURE, Notify.DELAY})),
        ),
        ("NOTIFY=FAILURE,FAILURE", RcptParams(notify=frozenset({Notify.FAILURE}))),
        ("ORCPT=rfc822;a@b", RcptParams(orcpt=("rfc822", "a@b"))),
        ("ORCPT=rfc822;e+3Dmc2+20x@y", RcptParams(orcpt=("rfc822", "e=mc2 x@y"))),
        ("ORCPT=x-foo;", RcptParams(orcpt=("x-foo", ""))),
        ("ORCPT=rfc822;a;b", RcptParams(orcpt=("rfc822", "a;b"))),
        ("X-Y=1", RcptParams(extra=(("X-Y", "1"),))),
    ],
)
def test_rcpt_params_from_params(text: str, expected: RcptParams) -> None:
    assert RcptParams.from_params(parse_params(text)) == expected


@pytest.mark.parametrize(
    "params",
    [
        [("NOTIFY", None)],
        [("NOTIFY", "NEVER,SUCCESS")],
        [("NOTIFY", "SUCCESS,never")],
        [("NOTIFY", "SUCCESS,,FAILURE")],
        [("NOTIFY", "SOMETIMES")],
        [("NOTIFY", "")],
        [("ORCPT", None)],
        [("ORCPT", "rfc822")],
        [("ORCPT", ";a@b")],
        [("ORCPT", "rfc 822;a@b")],
        [("ORCPT", "rfc822;a+0Ab")],
        [("ORCPT", "rfc822;+0A")],  # no control characters, even xtext-encoded
        [("ORCPT", "rfc822;a=b")],
        [("ORCPT", "rfc822;" + "x" * 494)],  # 501 characters
        [("NOTIFY", "NEVER"), ("notify", "NEVER")],
        [("X-Y", "a b")],
    ],
)
def test_rcpt_params_from_params_rejects(params: list[tuple[str, str | None]]) -> None:
    with pytest.raises(ParameterError):
        RcptParams.from_params(params)


def test_notify_never_alone() -> None:
    with pytest.raises(ParameterError, match="by itself"):
        RcptParams.from_params([("NOTIFY", "FAILURE,NEVER")])


def test_orcpt_length_limit() -> None:
    assert RcptParams.from_params([("ORCPT", "rfc822;" + "x" * 493)]).orcpt == ("rfc822", "x" * 493)
    with pytest.raises(ParameterError, match="500"):
        RcptParams(orcpt=("rfc822", "+" * 165))  # "rfc822;" + 495 characters of xtext


@pytest.mark.parametrize(
    "kwargs",
    [
        {"notify": {Notify.SUCCESS}},
        {"notify": frozenset({"SUCCESS"})},
        {"notify": frozenset({"NEVER"})},
        {"orcpt": ("rfc822",)},
        {"orcpt": ["rfc822", "a@b"]},
        {"orcpt": ("rfc822", b"a@b")},
        {"orcpt": ("rfc;822", "a@b")},
        {"orcpt": ("", "a@b")},
        {"orcpt": ("rfc822", "a\r\nb")},
        {"extra": (("NOTIFY", "NEVER"),)},
        {"extra": (("orcpt", "x;y"),)},
        {"extra": (("X-A", "\r\n"),)},
    ],
)
def test_rcpt_params_constructor_rejects(kwargs: dict[str, object]) -> None:
    with pytest.raises(ParameterError):
        RcptParams(**kwargs)  # type: ignore[arg-type]


def test_rcpt_params_to_params() -> None:
    params = RcptParams(
        notify=frozenset({Notify.DELAY, Notify.SUCCESS}),
        orcpt=("rfc822", "e=mc2@x"),
        extra=(("X-A", None),),
    )
    assert params.to_params() == [
        ("NOTIFY", "SUCCESS,DELAY"),
        ("ORCPT", "rfc822;e+3Dmc2@x"),
        ("X-A", None),
    ]
    assert params.keywords() == ("NOTIFY", "ORCPT", "X-A")
    assert RcptParams(notify=frozenset()).to_params() == [("NOTIFY", "NEVER")]
    assert RcptParams().keywords() == ()


_rcpt_params = st.builds(
    RcptParams,
    notify=st.none() | st.frozensets(st.sampled_from(Notify)),
    orcpt=st.none()
    | st.tuples(
        st.sampled_from(["rfc822", "utf-8", "X-Foo!"]), _printable.filter(lambda s: len(s) < 150)
    ),
    extra=_extras({"NOTIFY", "ORCPT"}),
)


@given(_rcpt_params)
def test_rcpt_params_round_trip(params: RcptParams) -> None:
    wire = format_params(params.to_params())
    assert RcptParams.from_params(parse_params(wire)) == params
    assert RcptParams.from_params(params.to_params()) == params


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("rfc822;j+C3+B6s+C3+A9@relay.test", ("rfc822", "jösé@relay.test")),  # Postfix
        ("utf-8;jösé@x.test", ("utf-8", "jösé@x.test")),  # RFC 6533 unitext
        ("utf-8;j\\x{00F6}s\\x{00E9}@x.test", ("utf-8", "jösé@x.test")),  # RFC 6533 escapes
    ],
)
def test_utf8_original_recipients_are_read(value: str, expected: tuple[str, str]) -> None:
    assert RcptParams.from_params([("ORCPT", value)]).orcpt == expected


def test_bad_unicode_escape_in_orcpt() -> None:
    with pytest.raises(ParameterError):
        RcptParams.from_params([("ORCPT", "utf-8;a\\x{D800}@x.test")])
