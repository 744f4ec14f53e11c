"""Ready-made user databases for servers.

:class:`StaticAuthenticator` keeps users in memory -- the embedded default and the test fixture.
It implements every capability a password database can (see :mod:`pymailproto.sasl`), so a
server backed by it offers SCRAM, CRAM-MD5, PLAIN and LOGIN, plus OAUTHBEARER and XOAUTH2
when it is given tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from pymailproto.sasl import ScramCredentials, saslprep

__all__ = ["StaticAuthenticator"]


def _prepare(text: str) -> str:
    """SASLprep ``text`` so differently typed but equal names and passwords compare equal.

    The SASL mechanisms already prepare what clients send; this also covers direct callers
    (IMAP ``LOGIN``, POP3 ``USER``/``PASS``). A string SASLprep refuses is kept as is: it
    still matches itself, the only sensible comparison left.
    """
    try:
        return saslprep(text) or text
    except ValueError:
        return text


def _fingerprint(secret: str) -> bytes:
    # Comparing fixed-size digests keeps compare_digest from leaking the secret's length.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


class StaticAuthenticator:
    """An in-memory user database: ``StaticAuthenticator({"alice": "secret"})``.

    ``users`` maps user names to passwords; ``tokens``, if given, maps user names to the one
    OAuth bearer token each accepts, and only then does the authenticator implement
    :class:`~pymailproto.sasl.TokenChecker` (so servers offer the token mechanisms only when
    they can succeed). ``scram_iterations`` is the PBKDF2 count of the SCRAM verifiers, which
    are derived on first use with a random salt and cached.

    Every check compares in constant time, and an unknown user costs the same as a wrong
    password, so response times do not reveal which users exist.
    """

    def __new__(
        cls,
        users: Mapping[str, str],
        *,
        tokens: Mapping[str, str] | None = None,
        scram_iterations: int = 4096,
    ) -> StaticAuthenticator:
        """Pick the class: with ``tokens``, the variant that can also check tokens."""
        with_tokens = tokens is not None and cls is StaticAuthenticator
        return super().__new__(_StaticTokenAuthenticator if with_tokens else cls)

    def __init__(
        self,
        users: Mapping[str, str],
        *,
        tokens: Mapping[str, str] | None = None,
        scram_iterations: int = 4096,
    ) -> None:
        """Take a copy of ``users`` (and ``tokens``); later changes to them are not seen."""
        if scram_iterations < 1:
            raise ValueError("scram_iterations must be positive")
        self._passwords = {_prepare(name): password for name, password in users.items()}
        if len(self._passwords) != len(users):
            raise ValueError("two user names are the same after SASLprep")
        self._fingerprints = {
            name: _fingerprint(_prepare(password)) for name, password in self._passwords.items()
        }
        self._tokens = {
            _prepare(name): _fingerprint(token) for name, token in (tokens or {}).items()
        }
        self._scram_iterations = scram_iterations
        self._scram: dict[tuple[str, str], ScramCredentials] = {}
        # Compared against when the user is unknown: a random secret nobody can present.
        self._dummy = _fingerprint(secrets.token_hex(16))

    def __repr__(self) -> str:
        """Show the user count, never the secrets."""
        return f"StaticAuthenticator(<{len(self._passwords)} users>)"

    def check_password(self, username: str, password: str) -> bool:
        """Whether ``password`` is ``username``'s password (both SASLprep'd first)."""
        expected = self._fingerprints.get(_prepare(username))
        given = _fingerprint(_prepare(password))
        matches = hmac.compare_digest(given, self._dummy if expected is None else expected)
        return matches and expected is not None

    def get_password(self, username: str) -> str | None:
        """The stored password (CRAM-MD5 needs it as the HMAC key), or ``None``."""
        return self._passwords.get(_prepare(username))

    def get_scram_credentials(self, username: str, hash_name: str) -> ScramCredentials | None:
        """The user's SCRAM verifier for ``"sha1"`` or ``"sha256"``, or ``None`` if unknown.

        Derived once per user and hash with a random salt, then reused, so the salt a
        client sees is stable (as it would be with verifiers stored on disk).
        """
        name = _prepare(username)
        password = self._passwords.get(name)
        if password is None:
            return None
        key = (name, hash_name)
        credentials = self._scram.get(key)
        if credentials is None:
            derived = ScramCredentials.derive(
                password, hash_name, iterations=self._scram_iterations
            )
            # setdefault: if two threads race, both keep the first verifier stored.
            credentials = self._scram.setdefault(key, derived)
        return credentials


class _StaticTokenAuthenticator(StaticAuthenticator):
    """A :class:`StaticAuthenticator` made with ``tokens``: it can check bearer tokens."""

    def check_token(self, username: str, token: str) -> bool:
        """Whether ``token`` is the bearer token configured for ``username``."""
        expected = self._tokens.get(_prepare(username))
        matches = hmac.compare_digest(
            _fingerprint(token), self._dummy if expected is None else expected
        )
        return matches and expected is not None
