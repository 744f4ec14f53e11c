"""What a server needs from its user database, split into small optional interfaces.

Every backend implements :class:`Authenticator` (check a password). The other interfaces are
optional capabilities; a server offers a mechanism only when its backend has the capability the
mechanism needs (:func:`pymailproto.sasl.server_mechanisms` checks them with ``isinstance``):

==================  ===========================================================
capability          unlocks
==================  ===========================================================
Authenticator       PLAIN, LOGIN (and the protocols' plain LOGIN/USER+PASS)
PasswordLookup      CRAM-MD5 (it needs the shared secret itself)
ScramLookup         SCRAM-SHA-256, SCRAM-SHA-1
TokenChecker        OAUTHBEARER, XOAUTH2
ExternalChecker     EXTERNAL (identity from outside SASL, e.g. a TLS client cert)
Authorizer          acting as another user (a non-empty, different authzid)
==================  ===========================================================

The mechanisms hand user names and passwords over already SASLprep'd where their RFC says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pymailproto.sasl._credentials import ScramCredentials

__all__ = [
    "Authenticator",
    "Authorizer",
    "ExternalChecker",
    "PasswordLookup",
    "ScramLookup",
    "TokenChecker",
]


@runtime_checkable
class Authenticator(Protocol):
    """The minimum every user database implements."""

    def check_password(self, username: str, password: str) -> bool:
        """Whether ``password`` is ``username``'s password; compare in constant time."""
        ...


@runtime_checkable
class PasswordLookup(Protocol):
    """A database that can reveal a user's password (needed by CRAM-MD5)."""

    def get_password(self, username: str) -> str | None:
        """The user's plaintext password, or ``None`` for an unknown user."""
        ...


@runtime_checkable
class ScramLookup(Protocol):
    """A database that stores SCRAM verifiers (RFC 5802 §3), so passwords need not be kept."""

    def get_scram_credentials(self, username: str, hash_name: str) -> ScramCredentials | None:
        """The user's verifier for ``hash_name`` (``"sha1"`` or ``"sha256"``), or ``None``."""
        ...


@runtime_checkable
class TokenChecker(Protocol):
    """A database that validates OAuth 2.0 bearer tokens (OAUTHBEARER, XOAUTH2)."""

    def check_token(self, username: str, token: str) -> bool:
        """Whether ``token`` is a valid bearer token for ``username``."""
        ...


@runtime_checkable
class ExternalChecker(Protocol):
    """Knows who the client is from outside SASL (RFC 4422 Appendix A), e.g. a TLS cert.

    Such an object is usually made per connection, from what the transport established.
    """

    def check_external(self, authzid: str) -> str | None:
        """The externally authenticated identity, or ``None`` if there is none.

        ``authzid`` is the identity the client asks to act as (``""``: none); the mechanism
        still checks it against the returned identity through :class:`Authorizer`.
        """
        ...


@runtime_checkable
class Authorizer(Protocol):
    """Decides whether one user may act as another (proxy authorization, RFC 4422 §3.4.1)."""

    def authorize(self, authcid: str, authzid: str) -> bool:
        """Whether the authenticated ``authcid`` may act as ``authzid``."""
        ...
