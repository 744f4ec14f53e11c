"""Mechanism names: preference order, factories, capability checks, and the import rules."""

from __future__ import annotations

import ast
import pathlib
import sys

import pytest

import pymailproto.sasl
from pymailproto.auth import StaticAuthenticator
from pymailproto.errors import LocalProtocolError
from pymailproto.sasl import (
    CLIENT_MECHANISMS,
    Authenticator,
    ExternalChecker,
    PasswordLookup,
    ScramLookup,
    TokenChecker,
    choose_mechanism,
    client_mechanism,
    server_mechanism,
    server_mechanisms,
)

EVERYTHING = [
    "LOGIN",
    "PLAIN",
    "CRAM-MD5",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "XOAUTH2",
    "OAUTHBEARER",
    "EXTERNAL",
]


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (EVERYTHING, "SCRAM-SHA-256"),
        (["PLAIN", "LOGIN", "SCRAM-SHA-1"], "SCRAM-SHA-1"),
        (["LOGIN", "PLAIN", "CRAM-MD5"], "CRAM-MD5"),
        (["LOGIN", "PLAIN"], "PLAIN"),
        (["LOGIN"], "LOGIN"),
        (["scram-sha-256", "plain"], "SCRAM-SHA-256"),  # case-insensitive
        ([" Plain "], "PLAIN"),
        (["SCRAM-SHA-256-PLUS", "GSSAPI", "NTLM"], None),  # nothing we speak
        (["EXTERNAL"], None),  # never chosen automatically
        (["XOAUTH2", "OAUTHBEARER"], None),  # no token
        ([], None),
    ],
)
def test_choose_mechanism_with_password(offered: list[str], expected: str | None) -> None:
    assert choose_mechanism(offered) == expected


@pytest.mark.parametrize(
    ("offered", "have_password", "expected"),
    [
        (EVERYTHING, True, "OAUTHBEARER"),  # a token wins over a password
        (EVERYTHING, False, "OAUTHBEARER"),
        (["XOAUTH2", "PLAIN"], True, "XOAUTH2"),
        (["xoauth2", "oauthbearer"], False, "OAUTHBEARER"),
        (["PLAIN", "LOGIN"], False, None),
        (["PLAIN", "LOGIN"], True, "PLAIN"),
    ],
)
def test_choose_mechanism_with_token(
    offered: list[str], have_password: bool, expected: str | None
) -> None:
    assert choose_mechanism(offered, have_password=have_password, have_token=True) == expected


def test_choose_mechanism_without_secrets() -> None:
    assert choose_mechanism(EVERYTHING, have_password=False) is None


def test_choose_mechanism_takes_any_iterable() -> None:
    assert choose_mechanism(iter(("LOGIN", "PLAIN"))) == "PLAIN"


@pytest.mark.parametrize("name", CLIENT_MECHANISMS)
def test_client_factory_knows_every_name(name: str) -> None:
    mechanism = client_mechanism(name.lower(), "user", "pw", token="tok")
    assert mechanism.name == name


def test_client_factory_errors() -> None:
    with pytest.raises(LocalProtocolError, match="unknown"):
        client_mechanism("GSSAPI", "user", "pw")
    for name in ("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"):
        with pytest.raises(LocalProtocolError, match="password"):
            client_mechanism(name, "user", token="tok")
    for name in ("XOAUTH2", "OAUTHBEARER"):
        with pytest.raises(LocalProtocolError, match="token"):
            client_mechanism(name, "user", "pw")
    assert client_mechanism("EXTERNAL", "user").initial_response() == b""


class PasswordsOnly:
    def check_password(self, username: str, password: str) -> bool:
        return False


class CertificateOnly(PasswordsOnly):
    def check_external(self, authzid: str) -> str | None:
        return "user"


def test_server_mechanisms_follow_capabilities() -> None:
    assert server_mechanisms(PasswordsOnly()) == ("PLAIN", "LOGIN")
    assert server_mechanisms(CertificateOnly()) == ("PLAIN", "LOGIN", "EXTERNAL")
    assert server_mechanisms(StaticAuthenticator({"a": "b"})) == (
        "SCRAM-SHA-256",
        "SCRAM-SHA-1",
        "CRAM-MD5",
        "PLAIN",
        "LOGIN",
    )
    with_tokens = StaticAuthenticator({"a": "b"}, tokens={"a": "t"})
    assert server_mechanisms(with_tokens)[-2:] == ("OAUTHBEARER", "XOAUTH2")
    assert server_mechanisms(object()) == ()  # type: ignore[arg-type]


def test_server_factory() -> None:
    for name in server_mechanisms(CertificateOnly()):
        assert server_mechanism(name.lower(), CertificateOnly()).name == name
    with pytest.raises(LocalProtocolError, match="not supported"):
        server_mechanism("CRAM-MD5", PasswordsOnly())
    with pytest.raises(LocalProtocolError, match="not supported"):
        server_mechanism("GSSAPI", StaticAuthenticator({}))
    auth = StaticAuthenticator({"a": "b"}, tokens={"a": "t"})
    for name in server_mechanisms(auth):
        assert server_mechanism(name, auth).name == name


def test_protocols_are_runtime_checkable() -> None:
    auth = StaticAuthenticator({"a": "b"})
    assert isinstance(auth, Authenticator)
    assert isinstance(auth, PasswordLookup)
    assert isinstance(auth, ScramLookup)
    assert not isinstance(auth, TokenChecker)
    assert not isinstance(auth, ExternalChecker)
    assert isinstance(CertificateOnly(), ExternalChecker)


def test_public_names() -> None:
    for name in pymailproto.sasl.__all__:
        assert hasattr(pymailproto.sasl, name), name
        assert getattr(pymailproto.sasl, name).__doc__, name


# DESIGN.md: sasl is a foundation module; it imports the stdlib and pymailproto.errors only,
# and never anything that does I/O or keeps time.
FORBIDDEN = {"socket", "ssl", "asyncio", "threading", "time", "select", "selectors"}


def _imports(path: pathlib.Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


SASL_FILES = sorted(pathlib.Path(pymailproto.sasl.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("path", SASL_FILES, ids=lambda p: p.name)
def test_sasl_imports_only_stdlib_and_errors(path: pathlib.Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN, name
        if top == "pymailproto":
            assert name == "pymailproto.errors" or name.startswith("pymailproto.sasl"), name
        else:
            assert top in sys.stdlib_module_names or top == "__future__", name


def test_auth_imports_only_sasl() -> None:
    path = pathlib.Path(pymailproto.sasl.__file__).parent.parent / "auth.py"
    for name in _imports(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN, name
        if top == "pymailproto":
            assert name == "pymailproto.sasl", name
        else:
            assert top in sys.stdlib_module_names or top == "__future__", name
