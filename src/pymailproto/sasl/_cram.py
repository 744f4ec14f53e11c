"""CRAM-MD5 (RFC 2195): the server sends a unique string, the client answers with its HMAC.

The password never crosses the wire, but the server must keep it in the clear (it is the HMAC
key) and an eavesdropper can brute-force it offline; the mechanism is obsolete in favour of
SCRAM and kept for old peers.
"""

from __future__ import annotations

import hmac
import re
import secrets

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl._base import (
    Challenge,
    ClientMechanism,
    Failure,
    Malformed,
    ServerMechanism,
    Step,
    authorize,
    decode_utf8,
    prepare,
)
from pymailproto.sasl._interfaces import PasswordLookup

__all__ = ["CramMD5Client", "CramMD5Server"]

# RFC 2195 §2: the digest is 32 lowercase hex digits after a single space (upper case is
# accepted too: lenient in what we read).
_RESPONSE = re.compile(rb"(.+) ([0-9a-fA-F]{32})", re.DOTALL)
# Compared against when the user is unknown, so that case costs the same HMAC.
_DUMMY_SECRET = secrets.token_bytes(16)


def _digest(secret: bytes, challenge: bytes) -> bytes:
    return hmac.new(secret, challenge, "md5").hexdigest().encode("ascii")


class CramMD5Client(ClientMechanism):
    """CRAM-MD5 client: answers the server's challenge with ``user SP hex-hmac-md5``."""

    name = "CRAM-MD5"

    def __init__(self, username: str, password: str) -> None:
        if not username:
            raise LocalProtocolError("CRAM-MD5: user name must not be empty")
        self._username = username.encode("utf-8")
        self._secret = password.encode("utf-8")
        self._done = False

    def initial_response(self) -> bytes | None:
        return None  # the server speaks first

    def respond(self, challenge: bytes) -> bytes:
        if self._done:
            raise RemoteProtocolError("CRAM-MD5: unexpected second challenge")
        if not challenge:
            raise RemoteProtocolError("CRAM-MD5: empty challenge")
        self._done = True
        # RFC 2195 §2: HMAC-MD5 keyed with the shared secret over the whole challenge.
        return self._username + b" " + _digest(self._secret, challenge)

    @property
    def complete(self) -> bool:
        return self._done


class CramMD5Server(ServerMechanism):
    """CRAM-MD5 server; ``challenge`` fixes the challenge for known-answer tests."""

    name = "CRAM-MD5"

    def __init__(
        self,
        lookup: PasswordLookup,
        *,
        hostname: str = "localhost",
        challenge: bytes | None = None,
    ) -> None:
        super().__init__()
        self._lookup = lookup
        if challenge is None:
            # RFC 2195 §2: a msg-id style string that is unique per challenge. Random
            # numbers take the place of the RFC's process id and timestamp (no clock here).
            unique = f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**10)}"
            challenge = f"<{unique}@{hostname}>".encode("ascii")
        self._challenge = challenge

    def _begin(self, initial_response: bytes | None) -> Step:
        # RFC 4422 §3: an initial response to a server-first mechanism fails the exchange
        # (an empty one, e.g. SMTP "AUTH CRAM-MD5 =", is taken as none).
        if initial_response:
            raise Malformed("CRAM-MD5 takes no initial response")
        return Challenge(self._challenge)

    def _next(self, response: bytes) -> Step:
        match = _RESPONSE.fullmatch(response)
        if match is None:
            raise Malformed("expected 'user SP 32-hex-digit digest'")
        username = prepare(decode_utf8(match[1], "user name"), "user name")
        password = self._lookup.get_password(username)
        secret = _DUMMY_SECRET if password is None else password.encode("utf-8")
        expected = _digest(secret, self._challenge)
        if not hmac.compare_digest(expected, match[2].lower()) or password is None:
            return Failure("invalid credentials")
        return authorize(self._lookup, username, "")
