"""SASL (RFC 4422) mechanisms, sans-IO, shared by SMTP, IMAP and POP3, for clients and servers.

A mechanism only turns bytes into bytes; the protocol layer base64-encodes them and carries them
in its own commands. Client side::

    mech = client_mechanism(choose_mechanism(server_offers) or "PLAIN", "alice", "secret")
    first = mech.initial_response()          # None: wait for the server's first challenge
    answer = mech.respond(challenge)         # for every challenge the server sends
    mech.complete                            # check it before trusting the server's success

Server side::

    mech = server_mechanism("SCRAM-SHA-256", authenticator)
    step = mech.start(initial_response)      # Challenge(data) | Success(...) | Failure(...)
    step = mech.step(response)               # while it is a Challenge

See ``docs/sasl.md`` for a tour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pymailproto.sasl._base import (
    Challenge,
    ClientMechanism,
    Failure,
    ServerMechanism,
    Step,
    Success,
)
from pymailproto.sasl._interfaces import (
    Authenticator,
    Authorizer,
    ExternalChecker,
    PasswordLookup,
    ScramLookup,
    TokenChecker,
)
from pymailproto.sasl._registry import (
    CLIENT_MECHANISMS,
    choose_mechanism,
    client_mechanism,
    server_mechanism,
    server_mechanisms,
)

if TYPE_CHECKING:
    from pymailproto.sasl._credentials import ScramCredentials
    from pymailproto.sasl._saslprep import saslprep

__all__ = [
    "CLIENT_MECHANISMS",
    "Authenticator",
    "Authorizer",
    "Challenge",
    "ClientMechanism",
    "ExternalChecker",
    "Failure",
    "PasswordLookup",
    "ScramCredentials",
    "ScramLookup",
    "ServerMechanism",
    "Step",
    "Success",
    "TokenChecker",
    "choose_mechanism",
    "client_mechanism",
    "saslprep",
    "server_mechanism",
    "server_mechanisms",
]


def __getattr__(name: str) -> Any:
    # Loaded on first use: they bring hashlib, hmac, secrets and stringprep.
    if name == "ScramCredentials":
        from pymailproto.sasl._credentials import ScramCredentials  # noqa: PLC0415

        return ScramCredentials
    if name == "saslprep":
        from pymailproto.sasl._saslprep import saslprep  # noqa: PLC0415

        return saslprep
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
