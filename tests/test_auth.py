"""StaticAuthenticator: the in-memory user database."""

from __future__ import annotations

import hmac
import secrets

import pytest

from pymailproto.auth import StaticAuthenticator
from pymailproto.sasl import (
    Authenticator,
    PasswordLookup,
    ScramCredentials,
    ScramLookup,
    TokenChecker,
)


def test_check_password() -> None:
    users = StaticAuthenticator({"alice": "secret", "bob": "hunter2"})
    assert users.check_password("alice", "secret")
    assert users.check_password("bob", "hunter2")
    assert not users.check_password("alice", "hunter2")
    assert not users.check_password("alice", "secret ")
    assert not users.check_password("alice", "")
    assert not users.check_password("Alice", "secret")  # SASLprep keeps case
    assert not users.check_password("mallory", "secret")


def test_unknown_user_still_costs_a_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    users = StaticAuthenticator({"alice": "secret"}, tokens={"alice": "tok"})
    assert not users.check_password("mallory", "secret")
    assert not users.check_token("mallory", "tok")  # type: ignore[attr-defined]
    assert not users.check_password("alice", "wrong")
    # One constant-time comparison of equally long digests per check, known user or not.
    assert len(calls) == 3
    assert all(len(a) == len(b) == 32 for a, b in calls)


def test_an_unknown_user_cannot_match_the_dummy(monkeypatch: pytest.MonkeyPatch) -> None:
    # Even someone who knew the dummy secret could not log in: success needs a known user.
    monkeypatch.setattr(secrets, "token_hex", lambda nbytes=None: "guessed")
    users = StaticAuthenticator({}, tokens={})
    assert not users.check_password("anyone", "guessed")
    assert not users.check_token("anyone", "guessed")  # type: ignore[attr-defined]
    assert not users.check_password("", "")


def test_saslprep_applies_to_names_and_passwords() -> None:
    users = StaticAuthenticator({"IX": "white space"})
    assert users.check_password("\u2168", "white\u00a0space")  # RFC 4013 §3 example 5
    assert users.check_password("I\u00adX", "white space")  # example 1
    assert users.get_password("\u2168") == "white space"


def test_unpreparable_strings_still_match_themselves() -> None:
    users = StaticAuthenticator({"tab\tuser": "pass\x07word"})
    assert users.check_password("tab\tuser", "pass\x07word")
    assert not users.check_password("tab\tuser", "password")


def test_names_equal_after_saslprep_are_refused() -> None:
    with pytest.raises(ValueError, match="SASLprep"):
        StaticAuthenticator({"IX": "a", "\u2168": "b"})


def test_get_password() -> None:
    users = StaticAuthenticator({"alice": "secret"})
    assert users.get_password("alice") == "secret"
    assert users.get_password("bob") is None


def test_scram_credentials_are_derived_once_per_hash() -> None:
    users = StaticAuthenticator({"alice": "secret"})
    sha256 = users.get_scram_credentials("alice", "sha256")
    sha1 = users.get_scram_credentials("alice", "sha1")
    assert sha256 is not None
    assert sha1 is not None
    assert users.get_scram_credentials("alice", "sha256") is sha256  # cached: stable salt
    assert len(sha256.stored_key) == 32
    assert len(sha1.stored_key) == 20
    assert sha256.iterations == 4096
    # They are the verifiers of the password, under the salt that was drawn.
    assert ScramCredentials.derive("secret", "sha256", salt=sha256.salt) == sha256
    assert users.get_scram_credentials("bob", "sha256") is None


def test_scram_iterations_configurable() -> None:
    users = StaticAuthenticator({"alice": "secret"}, scram_iterations=5000)
    credentials = users.get_scram_credentials("alice", "sha1")
    assert credentials is not None
    assert credentials.iterations == 5000
    with pytest.raises(ValueError, match="positive"):
        StaticAuthenticator({}, scram_iterations=0)


def test_salts_differ_between_users_and_instances() -> None:
    one = StaticAuthenticator({"alice": "same", "bob": "same"})
    two = StaticAuthenticator({"alice": "same"})
    salts = {
        c.salt
        for c in (
            one.get_scram_credentials("alice", "sha256"),
            one.get_scram_credentials("bob", "sha256"),
            two.get_scram_credentials("alice", "sha256"),
        )
        if c is not None
    }
    assert len(salts) == 3


def test_tokens_make_it_a_token_checker() -> None:
    plain = StaticAuthenticator({"alice": "secret"})
    assert not isinstance(plain, TokenChecker)
    assert not hasattr(plain, "check_token")
    with_tokens = StaticAuthenticator({"alice": "secret"}, tokens={"alice": "ya29.abc"})
    assert isinstance(with_tokens, TokenChecker)
    assert isinstance(with_tokens, StaticAuthenticator)
    assert with_tokens.check_token("alice", "ya29.abc")
    assert not with_tokens.check_token("alice", "ya29.abd")
    assert not with_tokens.check_token("bob", "ya29.abc")
    assert with_tokens.check_password("alice", "secret")
    empty_tokens = StaticAuthenticator({}, tokens={})
    assert isinstance(empty_tokens, TokenChecker)


def test_implements_password_capabilities() -> None:
    users = StaticAuthenticator({"alice": "secret"})
    assert isinstance(users, Authenticator)
    assert isinstance(users, PasswordLookup)
    assert isinstance(users, ScramLookup)


def test_repr_hides_secrets() -> None:
    users = StaticAuthenticator({"alice": "secret"}, tokens={"alice": "ya29.abc"})
    text = repr(users)
    assert text == "StaticAuthenticator(<1 users>)"
    assert "secret" not in text
    assert "ya29" not in text


def test_later_changes_to_the_mapping_are_not_seen() -> None:
    mapping = {"alice": "secret"}
    users = StaticAuthenticator(mapping)
    mapping["alice"] = "changed"
    mapping["bob"] = "new"
    assert users.check_password("alice", "secret")
    assert not users.check_password("bob", "new")
