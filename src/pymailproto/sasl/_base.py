"""The shape every mechanism shares: client and server ABCs and the server's step results.

A SASL exchange (RFC 4422 §3) is a conversation of opaque byte strings: the client may send an
*initial response*, the server answers with *challenges*, the client with *responses*, until the
server announces the *outcome*. The protocol (SMTP ``AUTH``, IMAP ``AUTHENTICATE``, POP3
``AUTH``) only carries these strings, base64-encoded; that encoding is the protocol layer's job,
so everything here is raw :class:`bytes`.

Rules that apply to every server mechanism live in :class:`ServerMechanism` so that no
mechanism can get them wrong: ``start`` exactly once, ``step`` only while the exchange runs, and
a malformed client message becomes a :class:`Failure` instead of an exception.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl._interfaces import Authorizer

__all__ = ["Challenge", "ClientMechanism", "Failure", "ServerMechanism", "Step", "Success"]


class ClientMechanism(abc.ABC):
    """The client half of one SASL exchange; make a new one for every attempt.

    Drive it like this: send :meth:`initial_response` with the protocol's AUTH command if the
    protocol allows one and it is not ``None``; feed every server challenge to :meth:`respond`
    and send what it returns; when the server reports success, accept it only if
    :attr:`complete` is true (for SCRAM that means the server proved it knows the password).
    """

    name: str
    """The IANA-registered mechanism name, e.g. ``"SCRAM-SHA-256"``."""

    @abc.abstractmethod
    def initial_response(self) -> bytes | None:
        """The client's first message, or ``None`` for mechanisms where the server speaks first.

        ``b""`` is a real, empty initial response (distinct from ``None``). Calling it does
        not commit you to sending it: if the server instead sends an empty challenge, answer
        it with :meth:`respond` and the same message comes back (RFC 4422 §3).
        """

    @abc.abstractmethod
    def respond(self, challenge: bytes) -> bytes:
        """Answer one server challenge.

        Raises :class:`~pymailproto.errors.RemoteProtocolError` when the challenge is
        malformed, unexpected or fails verification; the protocol layer should then cancel
        the exchange (``*`` in IMAP/SMTP/POP3).
        """

    @property
    @abc.abstractmethod
    def complete(self) -> bool:
        """Whether this side has produced and verified everything it must.

        Mechanisms without server verification (PLAIN, LOGIN, ...) are complete once the
        credentials are out; SCRAM only after the server signature checked out.
        """


class OneMessageClient(ClientMechanism):
    """A client whose whole part is one message, sent first (PLAIN, EXTERNAL, the OAuths)."""

    def __init__(self) -> None:
        self._sent = False
        self._answered_empty = False

    @abc.abstractmethod
    def _message(self) -> bytes:
        """The one message this mechanism sends."""

    def initial_response(self) -> bytes:
        self._sent = True
        return self._message()

    def respond(self, challenge: bytes) -> bytes:
        # RFC 4422 §3: no initial response was sent, so the server asks with an
        # empty challenge; anything else has no meaning here.
        if challenge or self._answered_empty:
            raise RemoteProtocolError(f"{self.name}: unexpected server challenge")
        self._answered_empty = True
        self._sent = True
        return self._message()

    @property
    def complete(self) -> bool:
        return self._sent


@dataclass(frozen=True, slots=True)
class Challenge:
    """Send ``data`` to the client as a challenge and wait for its response."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Success:
    """The client is authenticated as ``authcid`` and acts as ``authzid``.

    ``authzid`` equals ``authcid`` when the client did not ask for another identity.
    """

    authcid: str
    authzid: str


@dataclass(frozen=True, slots=True)
class Failure:
    """The exchange failed; ``reason`` is for logs, never for the client's eyes.

    ``temporary`` says the failure is not the client's fault (a backend outage) so the
    protocol layer may answer with a temporary error code (e.g. SMTP 454).
    """

    reason: str
    temporary: bool = False


Step: TypeAlias = Challenge | Success | Failure
"""What a server mechanism returns: another challenge, or the outcome."""


class Malformed(Exception):
    """Raised by parsers inside a server mechanism; turned into a :class:`Failure`."""


class _State(enum.Enum):
    NEW = enum.auto()
    RUNNING = enum.auto()
    DONE = enum.auto()


class ServerMechanism(abc.ABC):
    """The server half of one SASL exchange; make a new one for every attempt.

    Call :meth:`start` with the client's initial response (``None`` when it sent none), then
    :meth:`step` with each response until a :class:`Success` or :class:`Failure` comes back.
    Calling either after the outcome is a :class:`~pymailproto.errors.LocalProtocolError`.
    """

    name: str
    """The IANA-registered mechanism name, e.g. ``"PLAIN"``."""

    _state: _State

    def __init__(self) -> None:
        self._state = _State.NEW

    def start(self, initial_response: bytes | None) -> Step:
        """Begin the exchange with the client's initial response (``None``: it sent none)."""
        if self._state is not _State.NEW:
            raise LocalProtocolError(f"{self.name}: start() called twice")
        self._state = _State.RUNNING
        return self._settle(lambda: self._begin(initial_response))

    def step(self, response: bytes) -> Step:
        """Process the client's response to the last :class:`Challenge`."""
        if self._state is _State.NEW:
            raise LocalProtocolError(f"{self.name}: step() called before start()")
        if self._state is _State.DONE:
            raise LocalProtocolError(f"{self.name}: step() called after the outcome")
        return self._settle(lambda: self._next(response))

    def _settle(self, run: Callable[[], Step]) -> Step:
        try:
            result = run()
        except Malformed as exc:
            result = Failure(f"{self.name}: malformed client message: {exc}")
        if not isinstance(result, Challenge):
            self._state = _State.DONE
        return result

    @abc.abstractmethod
    def _begin(self, initial_response: bytes | None) -> Step:
        """Mechanism-specific: handle :meth:`start`."""

    @abc.abstractmethod
    def _next(self, response: bytes) -> Step:
        """Mechanism-specific: handle :meth:`step`."""


class ClientFirstServer(ServerMechanism):
    """Base of mechanisms whose first message comes from the client (all but LOGIN, CRAM-MD5).

    Without an initial response the server sends an empty challenge and treats the reply as
    the client's first message (RFC 4422 §3; RFC 4954 §4).
    """

    _awaiting_first: bool = False

    def _begin(self, initial_response: bytes | None) -> Step:
        if initial_response is None:
            self._awaiting_first = True
            return Challenge(b"")
        return self._first(initial_response)

    def _next(self, response: bytes) -> Step:
        if self._awaiting_first:
            self._awaiting_first = False
            return self._first(response)
        return self._continue(response)

    @abc.abstractmethod
    def _first(self, message: bytes) -> Step:
        """Handle the client's first message."""

    def _continue(self, response: bytes) -> Step:  # pragma: no cover -- see docstring
        """Handle a later response; single-message mechanisms never get here."""
        raise Malformed("unexpected extra response")


def authorize(authenticator: object, authcid: str, authzid: str) -> Step:
    """The outcome for ``authcid`` asking to act as ``authzid`` (RFC 4422 §3.4.1).

    Acting as oneself (or not asking) always succeeds; acting as someone else needs an
    :class:`Authorizer` that says yes.
    """
    if not authzid or authzid == authcid:
        return Success(authcid, authcid)
    if isinstance(authenticator, Authorizer) and authenticator.authorize(authcid, authzid):
        return Success(authcid, authzid)
    return Failure(f"{authcid!r} may not act as {authzid!r}")


def decode_utf8(data: bytes, what: str) -> str:
    """Decode a client-sent field strictly; anything that is not UTF-8 is malformed."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed(f"{what} is not UTF-8") from None


def prepare(text: str, what: str) -> str:
    """SASLprep a client-sent query string; failing or empty preparation is malformed.

    RFC 4616 §2 and RFC 5802 §5.1: if preparation fails or yields an empty string,
    verification fails.
    """
    from pymailproto.sasl._saslprep import saslprep  # noqa: PLC0415 - lazy (stringprep)

    try:
        prepared = saslprep(text)
    except ValueError as exc:
        raise Malformed(f"{what}: {exc}") from None
    if not prepared:
        raise Malformed(f"{what} is empty")
    return prepared
