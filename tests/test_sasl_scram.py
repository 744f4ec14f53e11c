"""SCRAM details: what a client refuses from a server, and what a server refuses from a client."""

from __future__ import annotations

import base64

import pytest

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl import Challenge, Failure, ScramCredentials, Success
from pymailproto.sasl._scram import ScramClient, ScramServer

CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL"
SERVER_NONCE = "3rfcNHYJY1ZVvWVs7j"
NONCE = (CLIENT_NONCE + SERVER_NONCE).encode()
SALT_B64 = b"QSXCR+Q6sek8bf92"
# RFC 5802 §5.
CLIENT_FIRST = b"n,,n=user,r=" + CLIENT_NONCE.encode()
SERVER_FIRST = b"r=" + NONCE + b",s=" + SALT_B64 + b",i=4096"
CLIENT_FINAL = b"c=biws,r=" + NONCE + b",p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
SERVER_FINAL = b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="


class Lookup:
    def __init__(self, users: dict[str, str], *, authorize: bool = False) -> None:
        self.users = users
        self.allow = authorize

    def check_password(self, username: str, password: str) -> bool:
        return self.users.get(username) == password

    def get_scram_credentials(self, username: str, hash_name: str) -> ScramCredentials | None:
        password = self.users.get(username)
        if password is None:
            return None
        return ScramCredentials.derive(password, hash_name, salt=base64.b64decode(SALT_B64))

    def authorize(self, authcid: str, authzid: str) -> bool:
        return self.allow


def rfc_client() -> ScramClient:
    client = ScramClient("user", "pencil", "sha1", nonce=CLIENT_NONCE)
    assert client.initial_response() == CLIENT_FIRST
    return client


def rfc_server(users: dict[str, str] | None = None, **kwargs: bool) -> ScramServer:
    known = {"user": "pencil"} if users is None else users
    return ScramServer(Lookup(known, **kwargs), "sha1", nonce=SERVER_NONCE)


# --- the client checks the server -------------------------------------------------------------


def test_tampered_server_signature_is_refused() -> None:
    client = rfc_client()
    client.respond(SERVER_FIRST)
    forged = bytearray(base64.b64decode(SERVER_FINAL[2:]))
    forged[0] ^= 1
    with pytest.raises(RemoteProtocolError, match="signature does not verify"):
        client.respond(b"v=" + base64.b64encode(bytes(forged)))
    assert not client.complete


def test_server_error_attribute_is_reported() -> None:
    client = rfc_client()
    client.respond(SERVER_FIRST)
    with pytest.raises(RemoteProtocolError, match="invalid-proof"):
        client.respond(b"e=invalid-proof")


@pytest.mark.parametrize(
    "server_first",
    [
        pytest.param(
            b"r=someoneelse" + SERVER_NONCE.encode() + b",s=" + SALT_B64 + b",i=4096",
            id="nonce-not-ours",
        ),
        pytest.param(b"m=ext," + SERVER_FIRST, id="mandatory-extension"),
        pytest.param(b"s=" + SALT_B64 + b",r=" + NONCE + b",i=4096", id="wrong-order"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64, id="no-iterations"),
        pytest.param(b"r=" + NONCE + b",s=!!!,i=4096", id="salt-not-base64"),
        pytest.param(b"r=" + NONCE + b",s=,i=4096", id="empty-salt"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64 + b",i=0", id="zero-iterations"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64 + b",i=4096x", id="bad-number"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64 + b",i=1", id="too-few-iterations"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64 + b",i=4095", id="just-below-minimum"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64 + b",i=1000001", id="too-many"),
        pytest.param(b"r=" + NONCE + b",s=" + SALT_B64 + b",i=" + b"9" * 5000, id="huge-number"),
        pytest.param(b"r=" + NONCE + b"\x7f,s=" + SALT_B64 + b",i=4096", id="unprintable-nonce"),
    ],
)
def test_client_refuses_bad_server_first(server_first: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        rfc_client().respond(server_first)


def test_client_ignores_unknown_optional_extensions() -> None:
    # RFC 5802 §5.1: unknown optional extensions MUST be ignored -- but they are part of the
    # AuthMessage, so the proof differs from the RFC's.
    final = rfc_client().respond(SERVER_FIRST + b",x=extra")
    assert final.startswith(b"c=biws,r=" + NONCE + b",p=")
    assert final != CLIENT_FINAL


@pytest.mark.parametrize(
    "server_final",
    [b"", b"x=whatever", b"v=not base64!", b"v=" + base64.b64encode(b"short")],
)
def test_client_refuses_bad_server_final(server_final: bytes) -> None:
    client = rfc_client()
    client.respond(SERVER_FIRST)
    with pytest.raises(RemoteProtocolError):
        client.respond(server_final)


def test_client_refuses_challenges_out_of_turn() -> None:
    client = ScramClient("user", "pencil", "sha1", nonce=CLIENT_NONCE)
    with pytest.raises(RemoteProtocolError):
        client.respond(SERVER_FIRST)  # server-first before our client-first
    client = rfc_client()
    client.respond(SERVER_FIRST)
    client.respond(SERVER_FINAL)
    for extra in (b"", b"v=again"):
        with pytest.raises(RemoteProtocolError):
            client.respond(extra)
    with pytest.raises(LocalProtocolError):
        client.initial_response()


def test_client_answers_one_empty_challenge_with_client_first() -> None:
    client = ScramClient("user", "pencil", "sha1", nonce=CLIENT_NONCE)
    assert client.respond(b"") == CLIENT_FIRST
    with pytest.raises(RemoteProtocolError):
        client.respond(b"")  # a second one is not a server-first message


def test_client_refuses_unusable_arguments() -> None:
    with pytest.raises(LocalProtocolError, match="empty"):
        ScramClient("\u00ad", "pencil", "sha1")
    with pytest.raises(LocalProtocolError, match="user name"):
        ScramClient("bad\x07name", "pencil", "sha1")
    with pytest.raises(LocalProtocolError, match="nonce"):
        ScramClient("user", "pencil", "sha1", nonce="has,comma")
    with pytest.raises(LocalProtocolError, match="hash"):
        ScramClient("user", "pencil", "md5")


def test_client_escapes_names_and_authzid() -> None:
    client = ScramClient("a,b=c", "pw", "sha256", authzid="x=y,z", nonce="abc")
    assert client.initial_response() == b"n,a=x=3Dy=2Cz,n=a=2Cb=3Dc,r=abc"


def test_client_saslpreps_the_user_name() -> None:
    client = ScramClient("I\u00adX", "pw", "sha256", nonce="abc")
    assert client.initial_response() == b"n,,n=IX,r=abc"


def test_iteration_bounds_can_be_adjusted_per_client() -> None:
    client = rfc_client()
    client.min_iterations = 1
    weak = b"r=" + NONCE + b",s=" + SALT_B64 + b",i=2"
    assert client.respond(weak).startswith(b"c=biws")


# --- the server checks the client -------------------------------------------------------------


@pytest.mark.parametrize(
    "client_first",
    [
        pytest.param(b"p=tls-unique,,n=user,r=abc", id="channel-binding-requested"),
        pytest.param(b"n,,m=ext,n=user,r=abc", id="mandatory-extension"),
        pytest.param(b"x,,n=user,r=abc", id="bad-flag"),
        pytest.param(b"n,n=user,r=abc", id="no-authzid-field"),
        pytest.param(b"n,b=user,n=user,r=abc", id="bad-authzid-field"),
        pytest.param(b"n,,r=abc,n=user", id="wrong-order"),
        pytest.param(b"n,,n=user", id="no-nonce"),
        pytest.param(b"n,,n=us=2Der,r=abc", id="bad-escape"),
        pytest.param(b"n,,n=,r=abc", id="empty-name"),
        pytest.param(b"n,,n=\xc3\xad\xff,r=abc", id="not-utf8"),
        pytest.param(b"n,,n=us\0er,r=abc", id="nul"),
        pytest.param(b"n,,n=user,r=a\x7fb", id="unprintable-nonce"),
        pytest.param(b"n,,n=user,r=abc,bogus", id="bad-extension"),
        pytest.param(b"n,,n=\xc2\xad,r=abc", id="name-prepares-to-nothing"),
        pytest.param(b"", id="empty"),
    ],
)
def test_server_refuses_bad_client_first(client_first: bytes) -> None:
    assert isinstance(rfc_server().start(client_first), Failure)


def test_server_accepts_y_flag_and_extensions() -> None:
    # RFC 5802 §6: "y" means the client thinks we lack channel binding -- true here.
    step = rfc_server().start(b"y,,n=user,r=" + CLIENT_NONCE.encode() + b",x=ignored")
    assert isinstance(step, Challenge)
    assert step.data == SERVER_FIRST


def final_with(**changes: bytes) -> bytes:
    attrs = dict(a.split(b"=", 1) for a in CLIENT_FINAL.split(b","))
    attrs.update({k.encode(): v for k, v in changes.items()})
    return b",".join(k + b"=" + v for k, v in attrs.items())


@pytest.mark.parametrize(
    ("client_final", "reason"),
    [
        # "eSws" is base64 of "y,,": the client claims another GS2 header than it sent.
        pytest.param(final_with(c=b"eSws"), "channel-binding", id="channel-binding-mismatch"),
        pytest.param(final_with(c=b"!!"), "malformed", id="channel-binding-not-base64"),
        pytest.param(final_with(r=NONCE + b"x"), "nonce", id="nonce-mismatch"),
        pytest.param(final_with(p=base64.b64encode(bytes(20))), "invalid", id="wrong-proof"),
        pytest.param(final_with(p=base64.b64encode(bytes(19))), "length", id="short-proof"),
        pytest.param(CLIENT_FINAL.replace(b",p=", b",q="), "last", id="no-proof"),
        pytest.param(CLIENT_FINAL + b",x=late", "last", id="proof-not-last"),
        pytest.param(b"r=" + NONCE + b",c=biws,p=x", "expected", id="wrong-order"),
        pytest.param(b"c=biws", "expected", id="too-short"),
    ],
)
def test_server_refuses_bad_client_final(client_final: bytes, reason: str) -> None:
    server = rfc_server()
    assert server.start(CLIENT_FIRST) == Challenge(SERVER_FIRST)
    step = server.step(client_final)
    assert isinstance(step, Failure)
    # The proof covers c= and r= too, so the reason shows which check caught it.
    assert reason in step.reason


def test_channel_binding_refusal_reason() -> None:
    step = rfc_server().start(b"p=tls-unique,,n=user,r=abc")
    assert isinstance(step, Failure)
    assert "channel binding" in step.reason


def test_inserted_attribute_breaks_the_proof() -> None:
    client = ScramClient("user", "pencil", "sha1", nonce=CLIENT_NONCE)
    server = rfc_server()
    step = server.start(client.initial_response())
    assert isinstance(step, Challenge)
    final = client.respond(step.data)
    # The proof covers the client-final-without-proof, so a relay cannot insert attributes.
    tampered = final.replace(b",p=", b",x=added,p=")
    assert isinstance(server.step(tampered), Failure)


def test_server_wants_empty_acknowledgement() -> None:
    server = rfc_server()
    server.start(CLIENT_FIRST)
    assert server.step(CLIENT_FINAL) == Challenge(SERVER_FINAL)
    assert isinstance(server.step(b"not empty"), Failure)


def test_unknown_user_gets_stable_fake_salt_then_fails() -> None:
    first = rfc_server({}).start(CLIENT_FIRST)
    second = rfc_server({}).start(CLIENT_FIRST)
    assert isinstance(first, Challenge)
    assert first == second  # same salt twice: indistinguishable from a real account
    assert b",i=4096" in first.data
    client = rfc_client()
    server = rfc_server({})
    step = server.start(CLIENT_FIRST)
    assert isinstance(step, Challenge)
    assert isinstance(server.step(client.respond(step.data)), Failure)


def test_unknown_user_fails_even_with_a_matching_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    # Suppose the made-up verifier happened to be pencil's: an unknown user still fails.
    from pymailproto.sasl import _scram

    real = Lookup({"user": "pencil"}).get_scram_credentials("user", "sha1")
    monkeypatch.setattr(_scram, "_fake_credentials", lambda username, hash_name: real)
    server = rfc_server({})
    assert server.start(CLIENT_FIRST) == Challenge(SERVER_FIRST)
    step = server.step(CLIENT_FINAL)
    assert isinstance(step, Failure)


def test_authorization_checked_before_server_signature() -> None:
    for allow, expected in [(True, Success("user", "root")), (False, None)]:
        server = ScramServer(Lookup({"user": "pencil"}, authorize=allow), "sha1")
        client = ScramClient("user", "pencil", "sha1", authzid="root")
        step = server.start(client.initial_response())
        assert isinstance(step, Challenge)
        step = server.step(client.respond(step.data))
        if expected is None:
            assert isinstance(step, Failure)
            continue
        assert isinstance(step, Challenge)
        assert server.step(client.respond(step.data)) == expected


def test_server_refuses_bad_arguments() -> None:
    with pytest.raises(LocalProtocolError):
        ScramServer(Lookup({}), "sha1", nonce="a,b")
    with pytest.raises(LocalProtocolError):
        ScramServer(Lookup({}), "sha512")


def test_credentials_validate() -> None:
    with pytest.raises(LocalProtocolError):
        ScramCredentials(b"", 4096, b"k", b"k")
    with pytest.raises(LocalProtocolError):
        ScramCredentials(b"salt", 0, b"k", b"k")
    with pytest.raises(LocalProtocolError):
        ScramCredentials.derive("pw", "sha256", iterations=0)
    with pytest.raises(LocalProtocolError):
        ScramCredentials.derive("pw", "md5")
    one = ScramCredentials.derive("pw", "sha256")
    two = ScramCredentials.derive("pw", "sha256")
    assert one.salt != two.salt  # random salt each time
    assert len(one.salt) == 16
    assert len(one.stored_key) == len(one.server_key) == 32
