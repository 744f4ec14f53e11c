"""Mechanisms by name: which exist, which to prefer, and factories for both sides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from pymailproto.errors import LocalProtocolError
from pymailproto.sasl._base import ClientMechanism, ServerMechanism
from pymailproto.sasl._interfaces import (
    Authenticator,
    ExternalChecker,
    PasswordLookup,
    ScramLookup,
    TokenChecker,
)

__all__ = [
    "CLIENT_MECHANISMS",
    "choose_mechanism",
    "client_mechanism",
    "server_mechanism",
    "server_mechanisms",
]

# Strongest first. SCRAM proves both sides and keeps the password off the wire and out of the
# server; CRAM-MD5 keeps it off the wire only; PLAIN and LOGIN send it (TLS only!). Tokens
# are a different kind of secret and rank by standard-ness: RFC 7628 before Google's dialect.
_PASSWORD_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN")
_TOKEN_MECHANISMS = ("OAUTHBEARER", "XOAUTH2")

CLIENT_MECHANISMS: tuple[str, ...] = (*_PASSWORD_MECHANISMS, *_TOKEN_MECHANISMS, "EXTERNAL")
"""Every mechanism name :func:`client_mechanism` accepts, strongest password ones first."""


def choose_mechanism(
    offered: Iterable[str], *, have_password: bool = True, have_token: bool = False
) -> str | None:
    """The best mechanism in ``offered`` (the server's list) for the secrets we hold.

    Names compare case-insensitively; the result is the canonical upper-case name, or
    ``None`` if nothing fits. With a token, the token mechanisms come first -- a user who
    has one usually has it because the provider disabled password logins. EXTERNAL is never
    picked: only the caller knows whether a client certificate was presented.
    """
    available = {name.strip().upper() for name in offered}
    candidates = (_TOKEN_MECHANISMS if have_token else ()) + (
        _PASSWORD_MECHANISMS if have_password else ()
    )
    return next((name for name in candidates if name in available), None)


def client_mechanism(
    name: str,
    username: str,
    password: str | None = None,
    *,
    token: str | None = None,
    authzid: str = "",
) -> ClientMechanism:
    """A fresh client mechanism called ``name`` (case-insensitive).

    Password mechanisms need ``password``, OAUTHBEARER and XOAUTH2 need ``token``. EXTERNAL
    ignores ``username`` and sends only ``authzid``. Mechanisms that cannot carry an
    authorization identity (LOGIN, CRAM-MD5, XOAUTH2; OAUTHBEARER carries only the user
    itself) refuse a different ``authzid`` rather than silently drop it. Raises
    :class:`~pymailproto.errors.LocalProtocolError` for an unknown name or a missing secret.
    """
    # The mechanisms are imported when first used: they bring hashlib, hmac, secrets and
    # json, which a server without AUTH (or a client that never logs in) does not need.
    from pymailproto.sasl._cram import CramMD5Client  # noqa: PLC0415
    from pymailproto.sasl._oauth import OAuthBearerClient, XOAuth2Client  # noqa: PLC0415
    from pymailproto.sasl._plain import (  # noqa: PLC0415
        ExternalClient,
        LoginClient,
        PlainClient,
    )
    from pymailproto.sasl._scram import ScramClient  # noqa: PLC0415

    key = name.upper()
    if key == "EXTERNAL":
        return ExternalClient(authzid)
    if key in _TOKEN_MECHANISMS:
        if token is None:
            raise LocalProtocolError(f"{key} needs a token")
        _refuse_authzid(key, username, authzid)
        if key == "XOAUTH2":
            return XOAuth2Client(username, token)
        return OAuthBearerClient(username, token)
    if key not in _PASSWORD_MECHANISMS:
        raise LocalProtocolError(f"unknown SASL mechanism {name!r}")
    if password is None:
        raise LocalProtocolError(f"{key} needs a password")
    if key == "PLAIN":
        return PlainClient(username, password, authzid=authzid)
    if key.startswith("SCRAM-"):
        hash_name = "sha256" if key == "SCRAM-SHA-256" else "sha1"
        return ScramClient(username, password, hash_name, authzid=authzid)
    _refuse_authzid(key, username, authzid)
    if key == "LOGIN":
        return LoginClient(username, password)
    return CramMD5Client(username, password)


def _refuse_authzid(name: str, username: str, authzid: str) -> None:
    if authzid and authzid != username:
        raise LocalProtocolError(f"{name} cannot carry an authorization identity")


def server_mechanisms(authenticator: Authenticator) -> tuple[str, ...]:
    """The mechanisms ``authenticator`` can serve, strongest first.

    SCRAM needs :class:`ScramLookup`, CRAM-MD5 :class:`PasswordLookup`, OAUTHBEARER and
    XOAUTH2 :class:`TokenChecker`, EXTERNAL :class:`ExternalChecker`; PLAIN and LOGIN only
    need ``check_password``. EXTERNAL comes last: it is only meaningful once the transport
    established an identity, which the caller must decide. Whether to offer the password-
    revealing ones without TLS is the caller's policy too.
    """
    names: list[str] = []
    if isinstance(authenticator, ScramLookup):
        names += ["SCRAM-SHA-256", "SCRAM-SHA-1"]
    if isinstance(authenticator, PasswordLookup):
        names.append("CRAM-MD5")
    if isinstance(authenticator, Authenticator):
        names += ["PLAIN", "LOGIN"]
    if isinstance(authenticator, TokenChecker):
        names += list(_TOKEN_MECHANISMS)
    if isinstance(authenticator, ExternalChecker):
        names.append("EXTERNAL")
    return tuple(names)


def server_mechanism(name: str, authenticator: Authenticator) -> ServerMechanism:
    """A fresh server mechanism called ``name`` (case-insensitive) backed by ``authenticator``.

    Raises :class:`~pymailproto.errors.LocalProtocolError` for an unknown name or one the
    authenticator lacks the capability for (see :func:`server_mechanisms`).
    """
    from pymailproto.sasl._cram import CramMD5Server  # noqa: PLC0415
    from pymailproto.sasl._oauth import OAuthBearerServer, XOAuth2Server  # noqa: PLC0415
    from pymailproto.sasl._plain import (  # noqa: PLC0415
        ExternalServer,
        LoginServer,
        PlainServer,
    )
    from pymailproto.sasl._scram import ScramServer  # noqa: PLC0415

    key = name.upper()
    if key not in server_mechanisms(authenticator):
        raise LocalProtocolError(f"SASL mechanism {name!r} is unknown or not supported here")
    # The isinstance checks in server_mechanisms() guarantee the capability each needs.
    backend: object = authenticator
    if key.startswith("SCRAM-"):
        hash_name = "sha256" if key == "SCRAM-SHA-256" else "sha1"
        return ScramServer(cast(ScramLookup, backend), hash_name)
    if key == "CRAM-MD5":
        return CramMD5Server(cast(PasswordLookup, backend))
    if key == "XOAUTH2":
        return XOAuth2Server(cast(TokenChecker, backend))
    if key == "OAUTHBEARER":
        return OAuthBearerServer(cast(TokenChecker, backend))
    if key == "EXTERNAL":
        return ExternalServer(cast(ExternalChecker, backend))
    return PlainServer(authenticator) if key == "PLAIN" else LoginServer(authenticator)
