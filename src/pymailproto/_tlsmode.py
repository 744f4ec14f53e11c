"""How a connection is secured: one explicit setting instead of a pair of booleans."""

from __future__ import annotations

import enum

__all__ = ["TLSMode"]


class TLSMode(enum.Enum):
    """The TLS policy of a client or server connection."""

    #: No TLS at all. Credentials are refused unless the caller explicitly allows plaintext.
    PLAINTEXT = "plaintext"
    #: Connect in plaintext, then upgrade with STARTTLS/STLS; fail if the server cannot.
    STARTTLS = "starttls"
    #: TLS from the first byte (RFC 8314 §3: ports 465, 993, 995).
    IMPLICIT = "implicit"
