"""The SMTP state machine, as data.

All sequencing rules live in :data:`TRANSITIONS`; nothing else in the package decides which
command is legal when. The table does not know which role it serves: the server consults it
to answer 503 to an out-of-order command and to move on when it sends a reply; the client
consults it to refuse an out-of-order ``send()`` and to follow the server's replies. The docs'
state diagram is generated from it (``docs/smtp.md``).

A key is ``(state, unit)``, where the unit is the command (or end of data) a reply answers.
The value says which state a positive (2yz), intermediate (3yz) or negative (4yz/5yz) reply
leads to; ``None`` means that class of reply is not a valid answer. A missing key means the
unit is out of sequence in that state. Any 421 reply, to anything, closes the connection
(RFC 5321 §3.8).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from pymailproto.smtp._events import (
    Auth,
    AuthResponse,
    Data,
    Ehlo,
    EndOfChunk,
    EndOfMessage,
    Expn,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    Noop,
    Quit,
    RcptTo,
    Rset,
    StartTLS,
    Vrfy,
)
from pymailproto.smtp._reply import Greeting

__all__ = [
    "CHUNK_STATES",
    "GROUP_ENDERS",
    "TRANSITIONS",
    "State",
    "Transition",
]


class State(enum.Enum):
    """Where a conversation stands (the same for both ends)."""

    # Members are singletons compared by identity; hashing them by identity too keeps the
    # transition-table lookups (one per command and reply) off Enum's Python-level __hash__.
    __hash__ = object.__hash__

    #: Connected; the server has not sent its greeting yet.
    GREETING = "greeting"
    #: The greeting was 554: the server serves only QUIT (RFC 5321 §3.1).
    REFUSED = "refused"
    #: Greeted (or just upgraded by STARTTLS): EHLO/HELO/LHLO comes next.
    CONNECTED = "connected"
    #: A session is open and no mail transaction is in progress.
    READY = "ready"
    #: MAIL was accepted; no recipient yet.
    MAIL = "mail"
    #: At least one RCPT was accepted.
    RCPT = "rcpt"
    #: 354 was sent: message content flows until ``<CRLF>.<CRLF>``.
    DATA = "data"
    #: At least one non-final BDAT chunk was accepted (RFC 3030).
    BDAT = "bdat"
    #: Inside a SASL exchange: the server sent 334 and awaits a response line.
    AUTH = "auth"
    #: QUIT was answered or a 421 was sent; nothing more is exchanged.
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Transition:
    """Where each class of reply leads; ``None``: that class is not a valid answer."""

    positive: State | None
    intermediate: State | None
    negative: State | None
    #: The target by the reply code's first digit (2 to 5), for the per-reply lookup.
    by_class: tuple[State | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        targets = (None, None, self.positive, self.intermediate, self.negative, self.negative)
        object.__setattr__(self, "by_class", targets)

    def target(self, code: int) -> State | None:
        """The next state after a reply with this code (RFC 5321 §4.2.1: its first digit)."""
        return self.by_class[code // 100]


S = State


_SESSION = (S.CONNECTED, S.READY, S.MAIL, S.RCPT, S.BDAT)
_TRANSACTION = (S.READY, S.MAIL, S.RCPT, S.BDAT)

TRANSITIONS: dict[tuple[State, type], Transition] = {
    # RFC 5321 §3.1: 220 opens the session; 554 leaves only QUIT.
    (S.GREETING, Greeting): Transition(S.CONNECTED, None, S.REFUSED),
    # RFC 5321 §4.1.4: EHLO/HELO may come again later and then reset the transaction.
    # RFC 2033 §4.1: LHLO plays the same role in LMTP.
    **{(s, c): Transition(S.READY, None, s) for s in _SESSION for c in (Ehlo, Helo, Lhlo)},
    # RFC 4954 §4: AUTH only outside a transaction; 334 continues the exchange.
    (S.READY, Auth): Transition(S.READY, S.AUTH, S.READY),
    (S.AUTH, AuthResponse): Transition(S.READY, S.AUTH, S.READY),
    # RFC 3207 §4.2: after 220 the session is reset to the state after the greeting.
    (S.READY, StartTLS): Transition(S.CONNECTED, None, S.READY),
    # RFC 5321 §4.1.1.2-§4.1.1.4: MAIL, then RCPT (one or more), then DATA.
    (S.READY, MailFrom): Transition(S.MAIL, None, S.READY),
    (S.MAIL, RcptTo): Transition(S.RCPT, None, S.MAIL),
    (S.RCPT, RcptTo): Transition(S.RCPT, None, S.RCPT),
    (S.RCPT, Data): Transition(None, S.DATA, S.RCPT),
    # RFC 2920 §3.1: with every RCPT refused, a server may still answer DATA with 354; the
    # client then sends an empty message and gets a refusal. (Our server answers 554, §3.2.)
    (S.MAIL, Data): Transition(None, S.DATA, S.MAIL),
    # RFC 5321 §4.1.1.4: after the end of data the transaction is over, whatever the reply.
    (S.DATA, EndOfMessage): Transition(S.READY, None, S.READY),
    # RFC 3030 §2: a reply after every chunk; a failed chunk ends the transaction (the
    # RFC calls the state indeterminate and demands RSET; treating it as reset is safe).
    (S.RCPT, EndOfChunk): Transition(S.BDAT, None, S.READY),
    (S.BDAT, EndOfChunk): Transition(S.BDAT, None, S.READY),
    (S.RCPT, EndOfMessage): Transition(S.READY, None, S.READY),
    (S.BDAT, EndOfMessage): Transition(S.READY, None, S.READY),
    # RFC 5321 §4.1.1.5: RSET is always allowed and clears the transaction.
    (S.CONNECTED, Rset): Transition(S.CONNECTED, None, S.CONNECTED),
    **{(s, Rset): Transition(S.READY, None, s) for s in _TRANSACTION},
    # RFC 5321 §4.1.1.6-§4.1.1.9: no effect on the state ("252 Cannot VRFY" is positive).
    **{(s, c): Transition(s, None, s) for s in _SESSION for c in (Noop, Help, Vrfy, Expn)},
    # RFC 5321 §4.1.1.10: QUIT is always allowed (RFC 5321 §3.1: also after a 554 greeting).
    **{(s, Quit): Transition(S.CLOSED, None, s) for s in (S.REFUSED, *_SESSION)},
}

#: States in which a BDAT command may start a chunk (RFC 3030 §2). BDAT itself is not
#: answered; the reply goes to the EndOfChunk/EndOfMessage that follows its octets.
CHUNK_STATES = frozenset({S.RCPT, S.BDAT})

#: Commands after which a pipelining client must wait for the reply (RFC 2920 §3.1: EHLO,
#: DATA, VRFY, EXPN, TURN, QUIT and NOOP end a group; RFC 3207 §4 and RFC 4954 §4 add
#: STARTTLS and AUTH, whose replies change what may follow).
GROUP_ENDERS: frozenset[type] = frozenset(
    {Ehlo, Helo, Lhlo, Data, Vrfy, Expn, Quit, Noop, Help, StartTLS, Auth, AuthResponse}
)
