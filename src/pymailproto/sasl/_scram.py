"""SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677): salted challenge-response.

Four messages, each a comma-separated list of ``letter=value`` attributes::

    C: n,,n=user,r=<client nonce>                       client-first
    S: r=<client nonce + server nonce>,s=<salt>,i=<n>   server-first
    C: c=biws,r=<both nonces>,p=<client proof>          client-final
    S: v=<server signature>                             server-final

The client proves it knows the password without sending it, and the server proves it holds the
user's verifier -- so a client talking to an impostor finds out (the server signature does not
check). Channel binding (the ``-PLUS`` variants) is not implemented: the GS2 flag is always
``n`` from the client, and a server refuses ``p=``.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hmac
import re
import secrets

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl._base import (
    Challenge,
    ClientFirstServer,
    ClientMechanism,
    Failure,
    Malformed,
    Step,
    Success,
    authorize,
    decode_utf8,
    prepare,
)
from pymailproto.sasl._credentials import (
    SCRAM_HASHES,
    ScramCredentials,
    check_hash_name,
    hash_digest,
    hmac_digest,
    salted_password,
    xor,
)
from pymailproto.sasl._interfaces import ScramLookup
from pymailproto.sasl._saslprep import saslprep

__all__ = ["MAX_ITERATIONS", "MIN_ITERATIONS", "ScramClient", "ScramServer"]

MECHANISM_NAMES: dict[str, str] = {"sha1": "SCRAM-SHA-1", "sha256": "SCRAM-SHA-256"}

# The client refuses fewer iterations than RFC 5802 §5.1 / RFC 7677 §4 ask servers to use: an
# impostor server (no TLS, or a bad certificate check) could otherwise announce i=1 and
# brute-force the password from our proof at almost no cost.
MIN_ITERATIONS = 4096
# ...and more than a million: PBKDF2 runs on the client's CPU before the server has proved
# anything, so an absurd count (the field is unbounded) would be a cheap denial of service.
# A million SHA-256 rounds take well under a second; real servers use 4096 to ~600,000.
MAX_ITERATIONS = 1_000_000

# RFC 5802 §7: printable = %x21-2B / %x2D-7E (ASCII printable except ",").
_PRINTABLE = re.compile(rb"[\x21-\x2b\x2d-\x7e]+")
# RFC 5802 §7: posit-number, bounded to ten digits so int() never sees a huge string.
_POSIT_NUMBER = re.compile(rb"[1-9][0-9]{0,9}")
# RFC 5802 §7: attr-val = ALPHA "=" value, for the extensions we must skip.
_ATTR_VAL = re.compile(rb"[A-Za-z]=[^,\x00]+")
# RFC 5802 §7: an '=' in a saslname must start =2C or =3D.
_BAD_ESCAPE = re.compile(rb"=(?!2C|3D)")
# Keys the made-up salt for unknown users: stable per process, so probing the same name twice
# gives the same salt, as it would for a real account.
_FAKE_SALT_KEY = secrets.token_bytes(32)


def escape_saslname(name: str) -> bytes:
    """RFC 5802 §5.1: ',' and '=' in names travel as '=2C' and '=3D'."""
    return name.replace("=", "=3D").replace(",", "=2C").encode("utf-8")


def unescape_saslname(raw: bytes) -> str:
    """Undo :func:`escape_saslname`; a stray '=' is malformed (RFC 5802 §5.1: MUST fail)."""
    if not raw or _BAD_ESCAPE.search(raw):
        raise Malformed("bad saslname")
    return decode_utf8(raw, "saslname").replace("=2C", ",").replace("=3D", "=")


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def _unb64(data: bytes) -> bytes:
    """Strict base64: only the alphabet, correct padding (RFC 5802 §7 base64)."""
    return base64.b64decode(data, validate=True)


class _ClientState(enum.Enum):
    START = enum.auto()
    SENT_FIRST = enum.auto()
    SENT_FINAL = enum.auto()
    DONE = enum.auto()


class ScramClient(ClientMechanism):
    """SCRAM client for ``hash_name`` ``"sha1"`` or ``"sha256"``.

    ``nonce`` fixes the client nonce (printable ASCII without ','), for known-answer tests
    only; by default a fresh random one is drawn. ``min_iterations``/``max_iterations``
    bound the server's iteration count (see :data:`MIN_ITERATIONS`).
    """

    min_iterations: int = MIN_ITERATIONS
    max_iterations: int = MAX_ITERATIONS

    def __init__(
        self,
        username: str,
        password: str,
        hash_name: str,
        *,
        authzid: str = "",
        nonce: str | None = None,
    ) -> None:
        check_hash_name(hash_name)
        self.name = MECHANISM_NAMES[hash_name]
        self._hash = hash_name
        self._password = password
        # RFC 5802 §5.1: the client SHOULD SASLprep the user name as a query string and
        # abort if that fails or leaves nothing.
        try:
            prepared = saslprep(username)
        except ValueError as exc:
            raise LocalProtocolError(f"{self.name}: unusable user name: {exc}") from None
        if not prepared:
            raise LocalProtocolError(f"{self.name}: user name must not be empty")
        if nonce is None:
            nonce = secrets.token_urlsafe(18)
        self._nonce = nonce.encode("ascii", "replace")
        if not _PRINTABLE.fullmatch(self._nonce):
            raise LocalProtocolError(f"{self.name}: nonce must be printable ASCII without ','")
        # RFC 5802 §7: gs2-header = gs2-cbind-flag "," [ authzid ] ","; "n": no channel binding.
        self._gs2_header = b"n," + (b"a=" + escape_saslname(authzid) if authzid else b"") + b","
        self._first_bare = b"n=" + escape_saslname(prepared) + b",r=" + self._nonce
        self._state = _ClientState.START
        self._answered_empty = False
        self._server_signature = b""

    def initial_response(self) -> bytes:
        if self._state not in (_ClientState.START, _ClientState.SENT_FIRST):
            raise LocalProtocolError(f"{self.name}: the exchange is already under way")
        self._state = _ClientState.SENT_FIRST
        return self._gs2_header + self._first_bare

    def respond(self, challenge: bytes) -> bytes:
        state = self._state
        if not challenge and state is not _ClientState.SENT_FINAL and not self._answered_empty:
            if state is _ClientState.DONE:
                raise RemoteProtocolError(f"{self.name}: unexpected challenge after the end")
            # RFC 4422 §3: an empty challenge asks for the client-first message.
            self._answered_empty = True
            return self.initial_response()
        if state is _ClientState.SENT_FIRST:
            self._state = _ClientState.SENT_FINAL
            return self._client_final(challenge)
        if state is _ClientState.SENT_FINAL:
            self._verify(challenge)
            self._state = _ClientState.DONE
            # RFC 4422 §3: data the server sends before success is acknowledged with an
            # empty response.
            return b""
        raise RemoteProtocolError(f"{self.name}: unexpected server challenge")

    @property
    def complete(self) -> bool:
        return self._state is _ClientState.DONE

    def _client_final(self, server_first: bytes) -> bytes:
        # RFC 5802 §7: server-first-message = [reserved-mext ","] nonce "," salt ","
        #                                      iteration-count ["," extensions]
        attrs = server_first.split(b",")
        if attrs[0].startswith(b"m="):
            raise RemoteProtocolError(f"{self.name}: server demands an unknown extension")
        if len(attrs) < 3 or [a[:2] for a in attrs[:3]] != [b"r=", b"s=", b"i="]:
            raise RemoteProtocolError(f"{self.name}: malformed server-first message")
        nonce, salt_b64, count = attrs[0][2:], attrs[1][2:], attrs[2][2:]
        # RFC 5802 §5.1: the server's nonce must begin with ours.
        if not _PRINTABLE.fullmatch(nonce) or not nonce.startswith(self._nonce):
            raise RemoteProtocolError(f"{self.name}: server nonce does not extend ours")
        try:
            salt = _unb64(salt_b64)
        except binascii.Error:
            raise RemoteProtocolError(f"{self.name}: salt is not base64") from None
        if not salt or not _POSIT_NUMBER.fullmatch(count):
            raise RemoteProtocolError(f"{self.name}: malformed salt or iteration count")
        iterations = int(count)
        if not self.min_iterations <= iterations <= self.max_iterations:
            raise RemoteProtocolError(
                f"{self.name}: iteration count {iterations} outside "
                f"{self.min_iterations}..{self.max_iterations}"
            )
        # RFC 5802 §3: the key derivation and the proof.
        salted = salted_password(self._hash, self._password, salt, iterations)
        client_key = hmac_digest(self._hash, salted, b"Client Key")
        stored_key = hash_digest(self._hash, client_key)
        without_proof = b"c=" + _b64(self._gs2_header) + b",r=" + nonce
        auth_message = self._first_bare + b"," + server_first + b"," + without_proof
        proof = xor(client_key, hmac_digest(self._hash, stored_key, auth_message))
        server_key = hmac_digest(self._hash, salted, b"Server Key")
        self._server_signature = hmac_digest(self._hash, server_key, auth_message)
        return without_proof + b",p=" + _b64(proof)

    def _verify(self, server_final: bytes) -> None:
        # RFC 5802 §7: server-final-message = (server-error / verifier) ["," extensions]
        first = server_final.split(b",")[0]
        if first.startswith(b"e="):
            reason = first[2:].decode("utf-8", "replace")
            raise RemoteProtocolError(f"{self.name}: server reports {reason!r}")
        if not first.startswith(b"v="):
            raise RemoteProtocolError(f"{self.name}: malformed server-final message")
        try:
            signature = _unb64(first[2:])
        except binascii.Error:
            raise RemoteProtocolError(f"{self.name}: server signature is not base64") from None
        # RFC 5802 §5: a wrong signature means the server does not know the verifier.
        if not hmac.compare_digest(signature, self._server_signature):
            raise RemoteProtocolError(f"{self.name}: server signature does not verify")


class ScramServer(ClientFirstServer):
    """SCRAM server for ``hash_name`` ``"sha1"`` or ``"sha256"``.

    The server signature is sent as a final :class:`Challenge`; :class:`Success` follows the
    client's empty answer (SMTP cannot carry data with success, RFC 4954 §4). ``nonce`` fixes
    the server's nonce part for known-answer tests.
    """

    def __init__(self, lookup: ScramLookup, hash_name: str, *, nonce: str | None = None) -> None:
        super().__init__()
        check_hash_name(hash_name)
        self.name = MECHANISM_NAMES[hash_name]
        self._lookup = lookup
        self._hash = hash_name
        server_nonce = secrets.token_urlsafe(18) if nonce is None else nonce
        self._server_nonce = server_nonce.encode("ascii", "replace")
        if not _PRINTABLE.fullmatch(self._server_nonce):
            raise LocalProtocolError(f"{self.name}: nonce must be printable ASCII without ','")
        self._outcome: Success | None = None

    def _first(self, message: bytes) -> Step:
        # RFC 5802 §6: without channel-binding support, "p" MUST fail; "n" and "y" are fine
        # ("y" claims we lack -PLUS, which is true).
        if message.startswith(b"p="):
            return Failure("channel binding requested; only the non-PLUS SCRAM is supported")
        if message[:2] not in (b"n,", b"y,") or b"\0" in message:
            raise Malformed("bad GS2 header")
        decode_utf8(message, "client-first message")
        authz_field, comma, bare = message[2:].partition(b",")
        if not comma or (authz_field and not authz_field.startswith(b"a=")):
            raise Malformed("bad GS2 header")
        self._authzid = unescape_saslname(authz_field[2:]) if authz_field else ""
        self._gs2_header = message[: 3 + len(authz_field)]
        # RFC 5802 §7: client-first-message-bare = [reserved-mext ","] username "," nonce
        #                                          ["," extensions]
        attrs = bare.split(b",")
        if attrs[0].startswith(b"m="):
            return Failure("client demands an unsupported mandatory extension")
        if len(attrs) < 2 or attrs[0][:2] != b"n=" or attrs[1][:2] != b"r=":
            raise Malformed("expected n= and r=")
        _check_extensions(attrs[2:])
        # RFC 5802 §5.1: the server SASLprep's the name as a query string; the hash uses the
        # message as received.
        self._username = prepare(unescape_saslname(attrs[0][2:]), "user name")
        client_nonce = attrs[1][2:]
        if not _PRINTABLE.fullmatch(client_nonce):
            raise Malformed("client nonce is not printable")
        credentials = self._lookup.get_scram_credentials(self._username, self._hash)
        self._known_user = credentials is not None
        # An unknown user gets a made-up but stable salt and the exchange runs to the proof, so
        # a prober cannot tell unknown users from wrong passwords.
        self._credentials = credentials or _fake_credentials(self._username, self._hash)
        self._nonce = client_nonce + self._server_nonce
        self._client_first_bare = bare
        salt = _b64(self._credentials.salt)
        iterations = str(self._credentials.iterations).encode("ascii")
        self._server_first = b"r=" + self._nonce + b",s=" + salt + b",i=" + iterations
        return Challenge(self._server_first)

    def _continue(self, response: bytes) -> Step:
        if self._outcome is not None:
            # RFC 4422 §3: the client acknowledges the server-final data with an empty
            # response; only then is success announced.
            if response:
                raise Malformed("expected an empty response after the server signature")
            return self._outcome
        # RFC 5802 §7: client-final-message = channel-binding "," nonce ["," extensions]
        #                                     "," proof
        attrs = response.split(b",")
        if len(attrs) < 3 or attrs[0][:2] != b"c=" or attrs[1][:2] != b"r=":
            raise Malformed("expected c=, r= and p=")
        if attrs[-1][:2] != b"p=":
            raise Malformed("the proof must come last")
        _check_extensions(attrs[2:-1])
        try:
            channel_binding = _unb64(attrs[0][2:])
            proof = _unb64(attrs[-1][2:])
        except binascii.Error:
            raise Malformed("bad base64") from None
        # RFC 5802 §6: the server MUST check c= (here: the GS2 header, no binding data).
        if channel_binding != self._gs2_header:
            return Failure("channel-binding data does not match the GS2 header")
        # RFC 5802 §5.1: the nonce must be the one the server sent.
        if attrs[1][2:] != self._nonce:
            return Failure("nonce mismatch")
        if len(proof) != SCRAM_HASHES[self._hash]:
            raise Malformed("proof has the wrong length")
        # RFC 5802 §3: recover ClientKey from the proof and compare H(ClientKey).
        without_proof = response[: -len(attrs[-1]) - 1]
        auth_message = self._client_first_bare + b"," + self._server_first + b"," + without_proof
        credentials = self._credentials
        signature = hmac_digest(self._hash, credentials.stored_key, auth_message)
        client_key = xor(proof, signature)
        matches = hmac.compare_digest(hash_digest(self._hash, client_key), credentials.stored_key)
        if not (matches and self._known_user):
            return Failure("invalid credentials")
        outcome = authorize(self._lookup, self._username, self._authzid)
        if not isinstance(outcome, Success):
            return outcome
        self._outcome = outcome
        server_signature = hmac_digest(self._hash, credentials.server_key, auth_message)
        return Challenge(b"v=" + _b64(server_signature))


def _check_extensions(attrs: list[bytes]) -> None:
    # RFC 5802 §5.1: unknown optional extensions are ignored, but must be well-formed.
    for attr in attrs:
        if not _ATTR_VAL.fullmatch(attr):
            raise Malformed("malformed attribute")


def _fake_credentials(username: str, hash_name: str) -> ScramCredentials:
    seed = hmac_digest("sha256", _FAKE_SALT_KEY, f"{hash_name}\0{username}".encode())
    size = SCRAM_HASHES[hash_name]
    return ScramCredentials(seed[:16], MIN_ITERATIONS, bytes(size), bytes(size))
