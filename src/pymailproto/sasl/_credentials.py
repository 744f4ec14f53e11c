"""SCRAM's key derivation (RFC 5802 §3) and the verifier a server stores.

Kept apart from the mechanism so user databases can compute and store verifiers without
touching protocol code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from pymailproto.errors import LocalProtocolError
from pymailproto.sasl._saslprep import saslprep

__all__ = ["ScramCredentials"]

# The hashes SCRAM is registered with here: hashlib name -> output size (RFC 5802 §2.2 "H").
SCRAM_HASHES: dict[str, int] = {"sha1": 20, "sha256": 32}


def check_hash_name(hash_name: str) -> None:
    """Refuse a hash this module has no SCRAM mechanism for."""
    if hash_name not in SCRAM_HASHES:
        raise LocalProtocolError(f"unsupported SCRAM hash {hash_name!r}; use sha1 or sha256")


def normalize_password(password: str) -> bytes:
    """RFC 5802 §2.2 Normalize(): SASLprep the password as a *stored* string, as UTF-8.

    If SASLprep refuses it (a control character, or a code point newer than Unicode 3.2 such
    as an emoji), the raw password is used instead, as PostgreSQL does: refusing would lock
    such users out of SCRAM for good, and servers that skip SASLprep hash the raw password
    anyway. Client and server both go through here, so they always agree.
    """
    try:
        prepared = saslprep(password, allow_unassigned=False)
    except ValueError:
        prepared = password
    return (prepared or password).encode("utf-8")


def hmac_digest(hash_name: str, key: bytes, message: bytes) -> bytes:
    """RFC 5802 §2.2 HMAC(key, str)."""
    return hmac.new(key, message, hash_name).digest()


def hash_digest(hash_name: str, data: bytes) -> bytes:
    """RFC 5802 §2.2 H(str)."""
    return hashlib.new(hash_name, data).digest()


def salted_password(hash_name: str, password: str, salt: bytes, iterations: int) -> bytes:
    """RFC 5802 §3 SaltedPassword := Hi(Normalize(password), salt, i); Hi() is PBKDF2."""
    return hashlib.pbkdf2_hmac(hash_name, normalize_password(password), salt, iterations)


def xor(left: bytes, right: bytes) -> bytes:
    """Byte-wise exclusive or of two equally long strings."""
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


@dataclass(frozen=True, slots=True)
class ScramCredentials:
    """What a server stores for one user and one hash instead of the password (RFC 5802 §3).

    ``stored_key`` lets the server verify a client proof; ``server_key`` lets it prove itself
    to the client. Neither lets an attacker who steals them log in as the user directly.
    """

    salt: bytes
    iterations: int
    stored_key: bytes
    server_key: bytes

    def __post_init__(self) -> None:
        if not self.salt:
            raise LocalProtocolError("SCRAM salt must not be empty")
        if self.iterations < 1:
            raise LocalProtocolError("SCRAM iteration count must be positive")

    @classmethod
    def derive(
        cls,
        password: str,
        hash_name: str,
        *,
        salt: bytes | None = None,
        iterations: int = 4096,
    ) -> ScramCredentials:
        """Compute the verifier for ``password`` (``hash_name``: ``"sha1"`` or ``"sha256"``).

        A random 16-byte salt is drawn when none is given. 4096 iterations is the floor
        RFC 5802 §5.1 and RFC 7677 §4 ask servers to announce.
        """
        check_hash_name(hash_name)
        if salt is None:
            salt = secrets.token_bytes(16)
        if iterations < 1:
            raise LocalProtocolError("SCRAM iteration count must be positive")
        salted = salted_password(hash_name, password, salt, iterations)
        client_key = hmac_digest(hash_name, salted, b"Client Key")
        return cls(
            salt=salt,
            iterations=iterations,
            stored_key=hash_digest(hash_name, client_key),
            server_key=hmac_digest(hash_name, salted, b"Server Key"),
        )
