"""OAuth 2.0 bearer tokens over SASL: OAUTHBEARER (RFC 7628) and Google's older XOAUTH2.

Both send the user name and the token in one client message, fields separated by ``\\x01``.
On a bad token the server does not fail at once: it sends a JSON error as a challenge (so the
client learns why, e.g. which scope it lacks), the client answers with a dummy response, and
only then does the server announce failure.
"""

from __future__ import annotations

import abc
import json
import re
from collections.abc import Mapping

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl._base import (
    Challenge,
    ClientFirstServer,
    Failure,
    Malformed,
    OneMessageClient,
    Step,
    Success,
    decode_utf8,
    prepare,
)
from pymailproto.sasl._interfaces import TokenChecker
from pymailproto.sasl._scram import escape_saslname, unescape_saslname

__all__ = ["OAuthBearerClient", "OAuthBearerServer", "XOAuth2Client", "XOAuth2Server"]

# RFC 7628 §3.1 "auth": what an HTTP Authorization header would carry -- the scheme (case-
# insensitive) and, after spaces, the token. RFC 6750 §2.1 restricts the token to b64token;
# any visible ASCII is accepted when reading.
_BEARER = re.compile(rb"bearer +([\x21-\x7e]+)", re.IGNORECASE)
# RFC 7628 §3.1: kvpair = key "=" value kvsep; key = 1*ALPHA;
#                value = *(VCHAR / SP / HTAB / CR / LF)
_KVPAIR = re.compile(rb"([A-Za-z]+)=([\x21-\x7e \t\r\n]*)")
_XOAUTH2_ERROR = b'{"status":"401","schemes":"bearer"}'
# RFC 7628 §3.2.2: the error's "status" is REQUIRED; "scope" and "openid-configuration" are
# optional and a server that has nothing useful to say leaves them out.
_OAUTHBEARER_ERROR = b'{"status":"invalid_token"}'


def _check_token(token: str, name: str) -> bytes:
    raw = token.encode("utf-8")
    if not re.fullmatch(rb"[\x21-\x7e]+", raw):
        raise LocalProtocolError(f"{name}: a bearer token is visible ASCII, without spaces")
    return raw


class _OAuthClient(OneMessageClient):
    """Adds the error round trip: a JSON challenge is stored and acknowledged once."""

    _acknowledgement: bytes

    def __init__(self) -> None:
        super().__init__()
        self.error: Mapping[str, object] | None = None
        """The server's JSON error, once it sent one (the exchange then ends in failure)."""
        self._failed = False

    def respond(self, challenge: bytes) -> bytes:
        if not challenge or not self._sent:
            return super().respond(challenge)
        if self._failed:
            raise RemoteProtocolError(f"{self.name}: unexpected second error challenge")
        self._failed = True
        try:
            details = json.loads(challenge)
        except (ValueError, RecursionError):
            details = None
        self.error = details if isinstance(details, dict) else {}
        return self._acknowledgement

    @property
    def complete(self) -> bool:
        return self._sent and not self._failed


class XOAuth2Client(_OAuthClient):
    """XOAUTH2 (Google): ``user=<u>\\x01auth=Bearer <t>\\x01\\x01``."""

    name = "XOAUTH2"
    # Google's protocol: the client answers the error challenge with an empty response.
    _acknowledgement = b""

    def __init__(self, username: str, token: str) -> None:
        super().__init__()
        if "\x01" in username:
            raise LocalProtocolError("XOAUTH2: user name cannot hold \\x01")
        raw_token = _check_token(token, self.name)
        self._payload = b"user=" + username.encode("utf-8") + b"\x01auth=Bearer " + raw_token
        self._payload += b"\x01\x01"

    def _message(self) -> bytes:
        return self._payload


class OAuthBearerClient(_OAuthClient):
    """OAUTHBEARER (RFC 7628): ``n,a=<user>,\\x01auth=Bearer <token>\\x01\\x01``."""

    name = "OAUTHBEARER"
    # RFC 7628 §3.2.3: the client answers the error challenge with a single kvsep.
    _acknowledgement = b"\x01"

    def __init__(self, username: str, token: str) -> None:
        super().__init__()
        raw_token = _check_token(token, self.name)
        # RFC 7628 §3.1: the GS2 header (RFC 5801) names the user in its authzid, escaped
        # like SCRAM's; "n": OAUTHBEARER has no channel binding.
        authzid = b"a=" + escape_saslname(username) if username else b""
        self._payload = b"n," + authzid + b",\x01auth=Bearer " + raw_token + b"\x01\x01"

    def _message(self) -> bytes:
        return self._payload


class _OAuthServer(ClientFirstServer):
    _error: bytes

    def __init__(self, checker: TokenChecker) -> None:
        super().__init__()
        self._checker = checker

    @abc.abstractmethod
    def _parse(self, message: bytes) -> tuple[str, str]:
        """The (unprepared user name, token) in the client's message."""

    def _first(self, message: bytes) -> Step:
        username, token = self._parse(message)
        username = prepare(username, "user name")
        if self._checker.check_token(username, token):
            return Success(username, username)
        return Challenge(self._error)

    def _continue(self, response: bytes) -> Step:
        # RFC 7628 §3.2.3: whatever the client answers to the error, the exchange fails.
        return Failure("invalid token")


def _token(auth: bytes | None) -> str:
    match = _BEARER.fullmatch(auth or b"")
    if match is None:
        raise Malformed("expected auth=Bearer <token>")
    return match[1].decode("ascii")


class XOAuth2Server(_OAuthServer):
    """XOAUTH2 server; a bad token gets Google-style JSON, then failure."""

    name = "XOAUTH2"
    _error = _XOAUTH2_ERROR

    def _parse(self, message: bytes) -> tuple[str, str]:
        if not message.endswith(b"\x01\x01"):
            raise Malformed("XOAUTH2 message must end with \\x01\\x01")
        fields: dict[bytes, bytes] = {}
        for field in message[:-2].split(b"\x01"):
            key, equals, value = field.partition(b"=")
            if not equals or key in fields:
                raise Malformed("bad or repeated key=value field")
            fields[key] = value
        return decode_utf8(fields.get(b"user", b""), "user name"), _token(fields.get(b"auth"))


class OAuthBearerServer(_OAuthServer):
    """OAUTHBEARER server (RFC 7628); the user comes from the GS2 header's ``a=``."""

    name = "OAUTHBEARER"
    _error = _OAUTHBEARER_ERROR

    def _parse(self, message: bytes) -> tuple[str, str]:
        # RFC 7628 §3.1: client-resp = (gs2-header kvsep *kvpair kvsep) / kvsep
        if message[:2] not in (b"n,", b"y,"):
            # "p=" asks for channel binding, which OAUTHBEARER does not define.
            raise Malformed("bad GS2 header (no channel binding here)")
        authz_field, comma, rest = message[2:].partition(b",")
        if not comma or (authz_field and not authz_field.startswith(b"a=")):
            raise Malformed("bad GS2 header")
        if not authz_field:
            # The token alone might name the user for a real authorization server, but the
            # TokenChecker interface needs a user name to check it against.
            raise Malformed("no user name (a=) in the GS2 header")
        username = unescape_saslname(authz_field[2:])
        items = rest.split(b"\x01")
        if len(items) < 3 or items[0] or items[-2:] != [b"", b""]:
            raise Malformed("kvpairs must sit between \\x01 separators and end with \\x01\\x01")
        pairs: dict[bytes, bytes] = {}
        for item in items[1:-2]:
            match = _KVPAIR.fullmatch(item)
            if match is None or match[1] in pairs:
                raise Malformed("bad or repeated kvpair")
            pairs[match[1]] = match[2]
        return username, _token(pairs.get(b"auth"))
