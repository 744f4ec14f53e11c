"""PLAIN, LOGIN, CRAM-MD5, EXTERNAL, XOAUTH2 and OAUTHBEARER: wire formats and malformed input."""

from __future__ import annotations

import pytest

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl import Challenge, Failure, Success, client_mechanism
from pymailproto.sasl._cram import CramMD5Client, CramMD5Server
from pymailproto.sasl._oauth import (
    OAuthBearerClient,
    OAuthBearerServer,
    XOAuth2Client,
    XOAuth2Server,
)
from pymailproto.sasl._plain import (
    ExternalClient,
    LoginClient,
    LoginServer,
    PlainClient,
    PlainServer,
)


class Users:
    def __init__(self) -> None:
        self.passwords = {"tim": "tanstaaftanstaaf", "user@example.com": "pw"}

    def check_password(self, username: str, password: str) -> bool:
        return self.passwords.get(username) == password

    def get_password(self, username: str) -> str | None:
        return self.passwords.get(username)

    def check_token(self, username: str, token: str) -> bool:
        return (username, token) == ("user@example.com", TOKEN)


# RFC 7628 §4.1's example token.
TOKEN = "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg=="

# --- PLAIN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        b"tim\0tanstaaftanstaaf",  # one NUL
        b"\0\0tim\0tanstaaftanstaaf",  # three NULs
        b"\0tim\0",  # empty password
        b"\0\0tanstaaftanstaaf",  # empty authcid
        b"\0tim\0tanstaaf\xfftanstaaf",  # not UTF-8
        b"\0tim\0tanstaaf\x07",  # prohibited by SASLprep
    ],
)
def test_plain_server_refuses_malformed(message: bytes) -> None:
    step = PlainServer(Users()).start(message)
    assert isinstance(step, Failure)
    assert "malformed" in step.reason


def test_plain_server_refuses_extra_response() -> None:
    server = PlainServer(Users())
    assert server.start(None) == Challenge(b"")
    assert isinstance(server.step(b"\0tim\0wrong"), Failure)


@pytest.mark.parametrize(
    ("username", "password", "authzid"),
    [
        ("t\0m", "pw", ""),
        ("tim", "p\0w", ""),
        ("tim", "pw", "a\0z"),
        ("", "pw", ""),
        ("tim", "", ""),
    ],
)
def test_plain_client_refuses_unencodable(username: str, password: str, authzid: str) -> None:
    with pytest.raises(LocalProtocolError):
        PlainClient(username, password, authzid=authzid)


def test_one_message_clients_refuse_real_challenges() -> None:
    for client in (PlainClient("tim", "pw"), ExternalClient("")):
        assert not client.complete
        with pytest.raises(RemoteProtocolError):
            client.respond(b"unexpected")
        assert client.respond(b"") in (b"\0tim\0pw", b"")
        assert client.complete
        with pytest.raises(RemoteProtocolError):
            client.respond(b"")  # only one empty challenge makes sense


# --- LOGIN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompts",
    [
        [b"Username:", b"Password:"],
        [b"User Name\0", b"Password\0"],  # some servers' wording
        [b"username:", b"password:"],
        [b"Who?", b"Secret?"],  # no recognizable words: taken in order
    ],
)
def test_login_client_prompts(prompts: list[bytes]) -> None:
    client = LoginClient("tim", "s\u00e9cret")
    assert client.initial_response() is None
    assert client.respond(prompts[0]) == b"tim"
    assert not client.complete
    assert client.respond(prompts[1]) == "s\u00e9cret".encode()
    assert client.complete
    with pytest.raises(RemoteProtocolError):
        client.respond(b"More?")


def test_login_client_answers_by_prompt_not_order() -> None:
    client = LoginClient("tim", "pw")
    assert client.respond(b"Password:") == b"pw"
    assert client.respond(b"Username:") == b"tim"
    with pytest.raises(RemoteProtocolError):
        client.respond(b"Password:")


def test_login_server_prompts_and_accepts_username_as_initial_response() -> None:
    server = LoginServer(Users())
    assert server.start(None) == Challenge(b"Username:")
    assert server.step(b"tim") == Challenge(b"Password:")
    assert server.step(b"tanstaaftanstaaf") == Success("tim", "tim")
    server = LoginServer(Users())
    assert server.start(b"tim") == Challenge(b"Password:")
    assert isinstance(server.step(b"wrong"), Failure)
    assert LoginServer(Users()).start(b"") == Challenge(b"Username:")


@pytest.mark.parametrize("responses", [[b"\xff"], [b"tim", b"\xff"], [b"\0"], [b""]])
def test_login_server_refuses_malformed(responses: list[bytes]) -> None:
    server = LoginServer(Users())
    server.start(None)
    steps = [server.step(r) for r in responses]
    assert isinstance(steps[-1], Failure)


# --- CRAM-MD5 ---------------------------------------------------------------------------------


def test_cram_md5_server_challenge_is_unique_msg_id() -> None:
    first = CramMD5Server(Users(), hostname="mail.example.org").start(None)
    second = CramMD5Server(Users(), hostname="mail.example.org").start(None)
    assert isinstance(first, Challenge)
    assert first != second
    assert first.data.startswith(b"<")
    assert first.data.endswith(b"@mail.example.org>")


def test_cram_md5_server_accepts_upper_case_digest() -> None:
    challenge = b"<1.2@x>"
    response = CramMD5Client("tim", "tanstaaftanstaaf").respond(challenge)
    server = CramMD5Server(Users(), challenge=challenge)
    server.start(b"")  # an empty initial response counts as none
    assert server.step(response.upper().replace(b"TIM", b"tim")) == Success("tim", "tim")


@pytest.mark.parametrize(
    "response",
    [b"tim", b"tim 1234", b" " + b"0" * 32, b"tim " + b"g" * 32, b"\xff " + b"0" * 32],
)
def test_cram_md5_server_refuses_malformed(response: bytes) -> None:
    server = CramMD5Server(Users(), challenge=b"<1.2@x>")
    server.start(None)
    assert isinstance(server.step(response), Failure)


def test_cram_md5_server_refuses_initial_response_and_unknown_user() -> None:
    assert isinstance(CramMD5Server(Users()).start(b"tim 0123"), Failure)
    server = CramMD5Server(Users(), challenge=b"<1.2@x>")
    server.start(None)
    response = CramMD5Client("nobody", "tanstaaftanstaaf").respond(b"<1.2@x>")
    assert isinstance(server.step(response), Failure)


def test_cram_md5_unknown_user_cannot_match_the_dummy(monkeypatch: pytest.MonkeyPatch) -> None:
    from pymailproto.sasl import _cram

    monkeypatch.setattr(_cram, "_DUMMY_SECRET", b"guessed")
    server = CramMD5Server(Users(), challenge=b"<1.2@x>")
    server.start(None)
    response = CramMD5Client("nobody", "guessed").respond(b"<1.2@x>")
    assert isinstance(server.step(response), Failure)


def test_cram_md5_client_refuses_odd_challenges() -> None:
    with pytest.raises(LocalProtocolError):
        CramMD5Client("", "pw")
    client = CramMD5Client("tim", "pw")
    with pytest.raises(RemoteProtocolError):
        client.respond(b"")
    client.respond(b"<1.2@x>")
    with pytest.raises(RemoteProtocolError):
        client.respond(b"<3.4@x>")


# --- XOAUTH2 and OAUTHBEARER ------------------------------------------------------------------


def test_xoauth2_wire_format() -> None:
    message = XOAuth2Client("user@example.com", TOKEN).initial_response()
    assert message == b"user=user@example.com\x01auth=Bearer " + TOKEN.encode() + b"\x01\x01"
    assert XOAuth2Server(Users()).start(message) == Success("user@example.com", "user@example.com")


def test_oauthbearer_wire_format() -> None:
    # RFC 7628 §4.1, without the optional host and port kvpairs.
    message = OAuthBearerClient("user@example.com", TOKEN).initial_response()
    expected = b"n,a=user@example.com,\x01auth=Bearer " + TOKEN.encode() + b"\x01\x01"
    assert message == expected
    assert OAuthBearerServer(Users()).start(message) == Success(
        "user@example.com", "user@example.com"
    )


def test_oauthbearer_server_accepts_rfc7628_example_with_host_and_port() -> None:
    message = (
        b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
        b"auth=Bearer " + TOKEN.encode() + b"\x01\x01"
    )
    assert isinstance(OAuthBearerServer(Users()).start(message), Success)


def test_xoauth2_server_accepts_extra_fields_and_scheme_case() -> None:
    message = b"user=user@example.com\x01host=h\x01auth=bearer  " + TOKEN.encode() + b"\x01\x01"
    assert isinstance(XOAuth2Server(Users()).start(message), Success)


@pytest.mark.parametrize(
    "message",
    [
        b"user=user@example.com\x01auth=Bearer tok\x01",  # one final \x01
        b"user=user@example.com\x01auth=Bearer tok\x01user=x\x01\x01",  # repeated key
        b"user=user@example.com\x01auth\x01\x01",  # no '='
        b"user=user@example.com\x01auth=Basic dXNlcg==\x01\x01",  # not a bearer token
        b"auth=Bearer tok\x01\x01",  # no user
        b"user=\xff\x01auth=Bearer tok\x01\x01",  # not UTF-8
    ],
)
def test_xoauth2_server_refuses_malformed(message: bytes) -> None:
    assert isinstance(XOAuth2Server(Users()).start(message), Failure)


@pytest.mark.parametrize(
    "message",
    [
        b"\x01",  # the dummy response is only valid after an error
        b"p=tls-unique,a=user@example.com,\x01auth=Bearer tok\x01\x01",  # channel binding
        b"n,,\x01auth=Bearer tok\x01\x01",  # no user name
        b"n,b=user,\x01auth=Bearer tok\x01\x01",  # not a= in the authzid slot
        b"n,a=user@example.com\x01auth=Bearer tok\x01\x01",  # header not closed
        b"n,a=user@example.com,auth=Bearer tok\x01\x01",  # no kvsep after the header
        b"n,a=user@example.com,\x01auth=Bearer tok\x01",  # no final kvsep
        b"n,a=user@example.com,\x01\x01",  # no kvpairs at all
        b"n,a=user@example.com,\x01auth=Bearer tok\x01auth=Bearer tok\x01\x01",  # repeated
        b"n,a=user@example.com,\x01a-b=c\x01auth=Bearer tok\x01\x01",  # key not ALPHA
        b"n,a=user@example.com,\x01x=\x00\x01auth=Bearer tok\x01\x01",  # value not VCHAR
        b"n,a=us=er,\x01auth=Bearer tok\x01\x01",  # bad saslname escape
    ],
)
def test_oauthbearer_server_refuses_malformed(message: bytes) -> None:
    assert isinstance(OAuthBearerServer(Users()).start(message), Failure)


@pytest.mark.parametrize("cls", [XOAuth2Client, OAuthBearerClient])
@pytest.mark.parametrize("token", ["", "has space", "ctl\x01"])
def test_oauth_clients_refuse_bad_tokens(cls: type[XOAuth2Client], token: str) -> None:
    with pytest.raises(LocalProtocolError):
        cls("user", token)


def test_oauth_client_details() -> None:
    with pytest.raises(LocalProtocolError):
        XOAuth2Client("us\x01er", TOKEN)
    # RFC 7628 §3.1: the user travels as a GS2 saslname, escaped like SCRAM's.
    assert OAuthBearerClient("a,b", "t").initial_response().startswith(b"n,a=a=2Cb,\x01")
    assert OAuthBearerClient("", "t").initial_response().startswith(b"n,,\x01")
    client = OAuthBearerClient("u", "t")
    with pytest.raises(RemoteProtocolError):
        client.respond(b'{"status":"invalid_token"}')  # an error before we sent anything


def test_factory_refuses_what_a_mechanism_cannot_carry() -> None:
    for name in ("LOGIN", "CRAM-MD5"):
        with pytest.raises(LocalProtocolError, match="authorization identity"):
            client_mechanism(name, "tim", "pw", authzid="root")
    for name in ("XOAUTH2", "OAUTHBEARER"):
        with pytest.raises(LocalProtocolError, match="authorization identity"):
            client_mechanism(name, "tim", token="t", authzid="root")
        assert client_mechanism(name, "tim", token="t", authzid="tim").name == name
