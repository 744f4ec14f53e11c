"""Fuzzing: no input from the peer can make a mechanism raise anything unexpected.

Server side, the promise is total: any bytes in any order give a Step, never an exception.
Client side: any challenge gives bytes or a RemoteProtocolError.
"""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.auth import StaticAuthenticator
from pymailproto.errors import RemoteProtocolError
from pymailproto.sasl import (
    CLIENT_MECHANISMS,
    Challenge,
    Failure,
    ScramCredentials,
    Success,
    client_mechanism,
    server_mechanism,
    server_mechanisms,
)


class Backend:
    def __init__(self) -> None:
        self.static = StaticAuthenticator({"user": "pencil", "a,b": "x"}, tokens={"user": "tok"})

    def check_password(self, username: str, password: str) -> bool:
        return self.static.check_password(username, password)

    def get_password(self, username: str) -> str | None:
        return self.static.get_password(username)

    def get_scram_credentials(self, username: str, hash_name: str) -> ScramCredentials | None:
        return self.static.get_scram_credentials(username, hash_name)

    def check_token(self, username: str, token: str) -> bool:
        return username == "user" and token == "tok"

    def check_external(self, authzid: str) -> str | None:
        return "user"

    def authorize(self, authcid: str, authzid: str) -> bool:
        return authzid == "admin"


BACKEND = Backend()
SERVER_NAMES = server_mechanisms(BACKEND)

# Bytes that look like SASL messages often enough to get past the first checks.
FRAGMENTS = [
    b"n,",
    b"y,",
    b"p=",
    b"a=",
    b"n=user",
    b",r=",
    b"c=biws",
    b",p=",
    b"=2C",
    b"=3D",
    b"\x00",
    b"\x01",
    b"user=user",
    b"auth=Bearer tok",
    b"user",
    b"pencil",
    b" ",
    b",",
]
message = st.one_of(
    st.binary(max_size=64),
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(b"".join),
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(SERVER_NAMES),
    initial=st.none() | message,
    responses=st.lists(message, max_size=5),
)
def test_server_mechanisms_never_raise(
    name: str, initial: bytes | None, responses: list[bytes]
) -> None:
    server = server_mechanism(name, BACKEND)
    step = server.start(initial)
    for response in responses:
        assert isinstance(step, Challenge | Success | Failure)
        if not isinstance(step, Challenge):
            return
        step = server.step(response)
    assert isinstance(step, Challenge | Success | Failure)


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "OAUTHBEARER", "XOAUTH2"]),
    position=st.integers(min_value=0),
    byte=st.integers(min_value=0, max_value=255),
)
def test_corrupted_valid_messages_fail_cleanly(name: str, position: int, byte: int) -> None:
    # Take a good exchange, corrupt one byte of the client's first message: the server must
    # still answer with a Step (usually Failure; sometimes the byte was harmless).
    secret = "tok" if name in ("OAUTHBEARER", "XOAUTH2") else "pencil"
    if name in ("OAUTHBEARER", "XOAUTH2"):
        client = client_mechanism(name, "user", token=secret)
    else:
        client = client_mechanism(name, "user", secret)
    first = client.initial_response()
    assert first is not None
    index = position % len(first)
    corrupted = first[:index] + bytes([byte]) + first[index + 1 :]
    server = server_mechanism(name, BACKEND)
    step = server.start(corrupted)
    while isinstance(step, Challenge):
        step = server.step(b"")
    assert isinstance(step, Success | Failure)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(CLIENT_MECHANISMS),
    use_ir=st.booleans(),
    challenges=st.lists(message, max_size=4),
)
def test_client_mechanisms_raise_only_remote_errors(
    name: str, use_ir: bool, challenges: list[bytes]
) -> None:
    client = client_mechanism(name, "user", "pencil", token="tok")
    if use_ir:
        client.initial_response()
    for challenge in challenges:
        try:
            assert isinstance(client.respond(challenge), bytes)
        except RemoteProtocolError:
            return


printable = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=","), max_size=8
)


@settings(max_examples=60, deadline=None)
@given(
    suffix=printable,
    salt=st.binary(max_size=20),
    iterations=st.integers(min_value=4096, max_value=4200),
    extension=st.sampled_from([b"", b",x=1", b",m=1", b",bogus"]),
    server_final=message,
)
def test_scram_client_on_plausible_server_messages(
    suffix: str, salt: bytes, iterations: int, extension: bytes, server_final: bytes
) -> None:
    # Server messages close enough to valid to reach the key derivation and verification.
    client = client_mechanism("SCRAM-SHA-256", "user", "pencil")
    first = client.initial_response()
    assert first is not None
    nonce = first.split(b",r=")[1] + suffix.encode()
    server_first = (
        b"r=" + nonce + b",s=" + base64.b64encode(salt) + b",i=%d" % iterations + extension
    )
    try:
        assert client.respond(server_first).startswith(b"c=biws,r=" + nonce + b",p=")
        assert client.respond(server_final) == b""
    except RemoteProtocolError:
        assert not client.complete
    else:
        raise AssertionError("a random server signature verified")
