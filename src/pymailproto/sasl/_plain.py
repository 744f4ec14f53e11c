"""The mechanisms that send the secret (or nothing) as is: PLAIN, LOGIN and EXTERNAL.

PLAIN and LOGIN put the password on the wire, so they belong only inside TLS; their value is
that every server speaks them. EXTERNAL sends no secret at all: the identity was already
established outside SASL, typically by a TLS client certificate.
"""

from __future__ import annotations

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl._base import (
    Challenge,
    ClientFirstServer,
    ClientMechanism,
    Failure,
    Malformed,
    OneMessageClient,
    ServerMechanism,
    Step,
    authorize,
    decode_utf8,
    prepare,
)
from pymailproto.sasl._interfaces import Authenticator, ExternalChecker

__all__ = [
    "ExternalClient",
    "ExternalServer",
    "LoginClient",
    "LoginServer",
    "PlainClient",
    "PlainServer",
]

_AUTH_FAILED = "invalid credentials"


class PlainClient(OneMessageClient):
    """PLAIN (RFC 4616): ``authzid NUL authcid NUL passwd`` in one message."""

    name = "PLAIN"

    def __init__(self, username: str, password: str, *, authzid: str = "") -> None:
        super().__init__()
        # RFC 4616 §2: NUL separates the fields, and authcid and passwd are non-empty.
        if "\0" in username + password + authzid:
            raise LocalProtocolError("PLAIN: user name, password and authzid cannot hold NUL")
        if not username or not password:
            raise LocalProtocolError("PLAIN: user name and password must not be empty")
        self._payload = b"\0".join(s.encode("utf-8") for s in (authzid, username, password))

    def _message(self) -> bytes:
        return self._payload


class PlainServer(ClientFirstServer):
    """PLAIN server (RFC 4616): one message, checked with ``check_password``."""

    name = "PLAIN"

    def __init__(self, authenticator: Authenticator) -> None:
        super().__init__()
        self._authenticator = authenticator

    def _first(self, message: bytes) -> Step:
        # RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd
        fields = message.split(b"\0")
        if len(fields) != 3:
            raise Malformed("expected exactly two NUL separators")
        authzid, authcid, password = (decode_utf8(f, "PLAIN field") for f in fields)
        # RFC 4616 §2: presented strings are prepared as query strings; failure fails.
        authcid = prepare(authcid, "authcid")
        password = prepare(password, "password")
        if not self._authenticator.check_password(authcid, password):
            return Failure(_AUTH_FAILED)
        return authorize(self._authenticator, authcid, authzid)


class LoginClient(ClientMechanism):
    """LOGIN (draft-murchison-sasl-login): the server prompts for user name, then password.

    There is no RFC; servers word the prompts differently, so a prompt mentioning "user" gets
    the user name, one mentioning "pass" the password, and anything else the next in turn.
    """

    name = "LOGIN"

    def __init__(self, username: str, password: str) -> None:
        self._answers = [username.encode("utf-8"), password.encode("utf-8")]
        self._given: set[int] = set()

    def initial_response(self) -> bytes | None:
        return None  # the server speaks first

    def respond(self, challenge: bytes) -> bytes:
        prompt = challenge.lower()
        if b"user" in prompt:
            index = 0
        elif b"pass" in prompt:
            index = 1
        else:
            index = len(self._given)
        if index in self._given or index > 1:
            raise RemoteProtocolError("LOGIN: unexpected server challenge")
        self._given.add(index)
        return self._answers[index]

    @property
    def complete(self) -> bool:
        return len(self._given) == 2


class LoginServer(ServerMechanism):
    """LOGIN server: prompts ``Username:`` then ``Password:`` (raw; the protocol encodes)."""

    name = "LOGIN"

    def __init__(self, authenticator: Authenticator) -> None:
        super().__init__()
        self._authenticator = authenticator
        self._username: str | None = None

    def _begin(self, initial_response: bytes | None) -> Step:
        # draft-murchison-sasl-login §2.1 lets a client send the user name as an initial
        # response; an empty one is as good as none.
        if initial_response:
            return self._next(initial_response)
        return Challenge(b"Username:")

    def _next(self, response: bytes) -> Step:
        if self._username is None:
            self._username = prepare(decode_utf8(response, "user name"), "user name")
            return Challenge(b"Password:")
        password = prepare(decode_utf8(response, "password"), "password")
        if not self._authenticator.check_password(self._username, password):
            return Failure(_AUTH_FAILED)
        return authorize(self._authenticator, self._username, "")


class ExternalClient(OneMessageClient):
    """EXTERNAL (RFC 4422 Appendix A): send only the authzid; the identity is external."""

    name = "EXTERNAL"

    def __init__(self, authzid: str = "") -> None:
        super().__init__()
        self._authzid = authzid.encode("utf-8")

    def _message(self) -> bytes:
        return self._authzid


class ExternalServer(ClientFirstServer):
    """EXTERNAL server: the :class:`ExternalChecker` says who the client is."""

    name = "EXTERNAL"

    def __init__(self, checker: ExternalChecker) -> None:
        super().__init__()
        self._checker = checker

    def _first(self, message: bytes) -> Step:
        # RFC 4422 Appendix A.1: the message is the (possibly empty) UTF-8 authzid.
        authzid = decode_utf8(message, "authzid")
        if "\0" in authzid:
            raise Malformed("authzid holds NUL")
        identity = self._checker.check_external(authzid)
        if identity is None:
            return Failure("no external identity")
        return authorize(self._checker, identity, authzid)
