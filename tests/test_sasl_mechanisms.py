"""Client <-> server round trips for every mechanism, and what happens when things go wrong."""

from __future__ import annotations

import pytest

from pymailproto.auth import StaticAuthenticator
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl import (
    Challenge,
    ClientMechanism,
    Failure,
    ScramCredentials,
    ServerMechanism,
    Step,
    Success,
    client_mechanism,
    server_mechanism,
    server_mechanisms,
)

USERS = {"alice": "correct horse", "bob": "hunter2", "a,b=c": "commas", "IX": "roman"}
TOKENS = {"alice": "ya29.token-alice", "bob": "ya29.token-bob"}


class Backend:
    """StaticAuthenticator plus proxy rights and an external (TLS certificate) identity."""

    def __init__(self, external: str | None = "alice") -> None:
        self.static = StaticAuthenticator(USERS, tokens=TOKENS)
        self.external = external
        self.proxies = {("alice", "bob")}

    def check_password(self, username: str, password: str) -> bool:
        return self.static.check_password(username, password)

    def get_password(self, username: str) -> str | None:
        return self.static.get_password(username)

    def get_scram_credentials(self, username: str, hash_name: str) -> ScramCredentials | None:
        return self.static.get_scram_credentials(username, hash_name)

    def check_token(self, username: str, token: str) -> bool:
        return self.static.check_token(username, token)  # type: ignore[attr-defined,no-any-return]

    def check_external(self, authzid: str) -> str | None:
        return self.external

    def authorize(self, authcid: str, authzid: str) -> bool:
        return (authcid, authzid) in self.proxies


ALL = server_mechanisms(Backend())
PASSWORD_MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"]
TOKEN_MECHANISMS = ["OAUTHBEARER", "XOAUTH2"]


def run(client: ClientMechanism, server: ServerMechanism, *, use_ir: bool = True) -> Step:
    """Pump messages between the two halves until the server announces the outcome."""
    step = server.start(client.initial_response() if use_ir else None)
    for _ in range(10):
        if not isinstance(step, Challenge):
            return step
        step = server.step(client.respond(step.data))
    raise AssertionError("exchange did not end")


def make_client(name: str, username: str, secret: str, authzid: str = "") -> ClientMechanism:
    if name in TOKEN_MECHANISMS:
        return client_mechanism(name, username, token=secret, authzid=authzid)
    return client_mechanism(name, username, secret, authzid=authzid)


def secret_for(name: str, username: str) -> str:
    return TOKENS[username] if name in TOKEN_MECHANISMS else USERS[username]


def test_backend_offers_everything() -> None:
    assert (*PASSWORD_MECHANISMS, *TOKEN_MECHANISMS, "EXTERNAL") == ALL


@pytest.mark.parametrize("use_ir", [True, False], ids=["initial-response", "empty-challenge"])
@pytest.mark.parametrize("name", PASSWORD_MECHANISMS + TOKEN_MECHANISMS)
def test_round_trip(name: str, use_ir: bool) -> None:
    client = make_client(name, "alice", secret_for(name, "alice"))
    assert run(client, server_mechanism(name, Backend()), use_ir=use_ir) == Success(
        "alice", "alice"
    )
    assert client.complete


@pytest.mark.parametrize("use_ir", [True, False], ids=["initial-response", "empty-challenge"])
def test_external_round_trip(use_ir: bool) -> None:
    client = client_mechanism("EXTERNAL", "ignored")
    step = run(client, server_mechanism("EXTERNAL", Backend()), use_ir=use_ir)
    assert step == Success("alice", "alice")
    assert client.complete


@pytest.mark.parametrize("name", PASSWORD_MECHANISMS)
def test_wrong_password_fails(name: str) -> None:
    client = make_client(name, "alice", "wrong horse")
    assert isinstance(run(client, server_mechanism(name, Backend())), Failure)


@pytest.mark.parametrize("name", PASSWORD_MECHANISMS + TOKEN_MECHANISMS)
def test_unknown_user_fails(name: str) -> None:
    client = make_client(name, "mallory", "anything")
    assert isinstance(run(client, server_mechanism(name, Backend())), Failure)


@pytest.mark.parametrize("name", TOKEN_MECHANISMS)
def test_bad_token_gets_error_challenge_then_failure(name: str) -> None:
    client = make_client(name, "alice", TOKENS["bob"])
    server = server_mechanism(name, Backend())
    step = server.start(client.initial_response())
    assert isinstance(step, Challenge)
    assert step.data.startswith(b"{")
    acknowledgement = client.respond(step.data)
    # RFC 7628 §3.2.3: OAUTHBEARER answers with a lone kvsep; Google's XOAUTH2 with nothing.
    assert acknowledgement == (b"\x01" if name == "OAUTHBEARER" else b"")
    assert isinstance(server.step(acknowledgement), Failure)
    assert not client.complete
    assert client.error is not None  # type: ignore[attr-defined]
    assert "status" in client.error  # type: ignore[attr-defined]
    with pytest.raises(RemoteProtocolError):
        client.respond(step.data)


@pytest.mark.parametrize("name", TOKEN_MECHANISMS)
def test_non_json_error_challenge_is_still_acknowledged(name: str) -> None:
    client = make_client(name, "alice", TOKENS["alice"])
    client.initial_response()
    client.respond(b"[[[ not json")
    assert client.error == {}  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"])
def test_authzid_allowed_by_authorizer(name: str) -> None:
    client = make_client(name, "alice", USERS["alice"], authzid="bob")
    assert run(client, server_mechanism(name, Backend())) == Success("alice", "bob")


@pytest.mark.parametrize("name", ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"])
def test_authzid_refused_without_right(name: str) -> None:
    client = make_client(name, "bob", USERS["bob"], authzid="alice")
    assert isinstance(run(client, server_mechanism(name, Backend())), Failure)


@pytest.mark.parametrize("name", ["SCRAM-SHA-256", "PLAIN"])
def test_authzid_refused_without_authorizer(name: str) -> None:
    client = make_client(name, "alice", USERS["alice"], authzid="bob")
    server = server_mechanism(name, StaticAuthenticator(USERS))
    assert isinstance(run(client, server), Failure)


@pytest.mark.parametrize("name", ["SCRAM-SHA-256", "PLAIN"])
def test_authzid_equal_to_authcid_needs_no_authorizer(name: str) -> None:
    client = make_client(name, "alice", USERS["alice"], authzid="alice")
    server = server_mechanism(name, StaticAuthenticator(USERS))
    assert run(client, server) == Success("alice", "alice")


def test_external_with_authzid() -> None:
    allowed = client_mechanism("EXTERNAL", "", authzid="bob")
    assert run(allowed, server_mechanism("EXTERNAL", Backend())) == Success("alice", "bob")
    refused = client_mechanism("EXTERNAL", "", authzid="carol")
    assert isinstance(run(refused, server_mechanism("EXTERNAL", Backend())), Failure)


@pytest.mark.parametrize("message", [b"bo\0b", b"\xff"])
def test_external_refuses_malformed_authzid(message: bytes) -> None:
    step = server_mechanism("EXTERNAL", Backend()).start(message)
    assert isinstance(step, Failure)
    assert "malformed" in step.reason


def test_external_without_identity_fails() -> None:
    client = client_mechanism("EXTERNAL", "")
    assert isinstance(run(client, server_mechanism("EXTERNAL", Backend(None))), Failure)


@pytest.mark.parametrize("name", ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5"])
def test_names_with_comma_and_equals(name: str) -> None:
    client = make_client(name, "a,b=c", "commas")
    assert run(client, server_mechanism(name, Backend())) == Success("a,b=c", "a,b=c")


@pytest.mark.parametrize("name", ["SCRAM-SHA-256", "PLAIN", "LOGIN"])
def test_saslprep_equivalent_names_authenticate(name: str) -> None:
    # RFC 4013 §3: U+2168 ROMAN NUMERAL NINE and "I<SOFT HYPHEN>X" both prepare to "IX".
    for spelling in ["\u2168", "I\u00adX"]:
        client = make_client(name, spelling, "roman")
        assert run(client, server_mechanism(name, Backend())) == Success("IX", "IX")


@pytest.mark.parametrize("name", ["PLAIN", "LOGIN", "SCRAM-SHA-256"])
def test_saslprep_equivalent_passwords_authenticate(name: str) -> None:
    backend = StaticAuthenticator({"carol": "white space"})
    client = make_client(name, "carol", "white\u00a0space")  # NO-BREAK SPACE -> SPACE
    assert run(client, server_mechanism(name, backend)) == Success("carol", "carol")


def test_scram_password_beyond_unicode_3_2_round_trips() -> None:
    # An emoji is "unassigned" to SASLprep's Unicode 3.2 tables; both sides fall back to
    # the raw password (see normalize_password) and still agree.
    backend = StaticAuthenticator({"dave": "pass\U0001f642"})
    client = make_client("SCRAM-SHA-256", "dave", "pass\U0001f642")
    assert run(client, server_mechanism("SCRAM-SHA-256", backend)) == Success("dave", "dave")


def test_server_api_misuse() -> None:
    server = server_mechanism("PLAIN", Backend())
    with pytest.raises(LocalProtocolError, match="before start"):
        server.step(b"")
    assert server.start(b"\0alice\0correct horse") == Success("alice", "alice")
    with pytest.raises(LocalProtocolError, match="twice"):
        server.start(None)
    with pytest.raises(LocalProtocolError, match="after the outcome"):
        server.step(b"")


def test_failure_ends_the_exchange() -> None:
    server = server_mechanism("PLAIN", Backend())
    assert isinstance(server.start(b"garbage"), Failure)
    with pytest.raises(LocalProtocolError):
        server.step(b"\0alice\0correct horse")


def test_step_results_are_frozen_values() -> None:
    assert Failure("x") == Failure("x", temporary=False)
    with pytest.raises(AttributeError):
        Success("a", "a").authcid = "b"  # type: ignore[misc]
