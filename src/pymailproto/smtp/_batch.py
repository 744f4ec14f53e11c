"""Many messages over one connection, pipelined across messages (RFC 2920 §3.1).

:func:`send_message` waits for the reply to the end of a message before it returns, so a loop
of them costs two round trips per message even with PIPELINING: one for MAIL/RCPT/DATA, one for
the content. RFC 2920 §3.1 allows more:

    The actual transfer of message content is explicitly allowed to be the first "command"
    in a group. That is, a RSET/MAIL FROM sequence used to initiate a new message transaction
    can be placed in the same group as the final transfer of the headers and body of the
    previous message.

:func:`send_batch` does exactly that: the end of message *n* and the MAIL, RCPT and DATA of
message *n + 1* leave in one write, and their replies come back in one read -- one round trip
per message. Every reply is still checked, in order (RFC 2920 §3.1: "MUST check ALL
statuses"); one message's refusal is its own outcome and never affects the next.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp._address import Address
from pymailproto.smtp._client import ClientConnection, PendingReply
from pymailproto.smtp._params import MailParams, RcptParams
from pymailproto.smtp._procedures import (
    IO,
    Envelope,
    Prepared,
    finish_transaction,
    prepare,
    queue_envelope,
    resolve_envelope,
    send_content,
    send_prepared,
    start_transaction,
)
from pymailproto.smtp._results import ReplyError, SendResult

if TYPE_CHECKING:
    from email.message import Message

__all__ = ["Outcome", "Outgoing", "send_batch"]

#: What one message of a batch came to: its result, or why it was not sent or refused.
Outcome = SendResult | ReplyError | LocalProtocolError


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message of a batch with its envelope, as :meth:`SMTPClient.send_message` takes it.

    Without ``from_addr``/``to_addrs`` the envelope comes from the headers (Bcc stripped);
    an ``email.message.Message`` can also be given to a batch directly.
    """

    message: Message | bytes | str
    from_addr: str | Address | None = None
    to_addrs: str | Address | Sequence[str | Address] | None = None
    mail_params: MailParams | None = None
    rcpt_params: RcptParams | None = None


@dataclass(slots=True)
class _InFlight:
    """A message whose content and end are queued; its final reply is still to be read."""

    index: int
    envelope: Envelope
    end: PendingReply


def send_batch(
    conn: ClientConnection, items: Iterable[Outgoing | Message]
) -> Generator[IO, None, list[Outcome]]:
    """Send every item; return one outcome per item, in order.

    A refusal (:class:`ReplyError`) or a message the server cannot take as it stands
    (:class:`~pymailproto.smtp.MissingExtension`, :class:`~pymailproto.smtp.MessageTooLarge`,
    no recipients) is that item's outcome; the batch goes on. Protocol errors and lost
    connections raise, as everywhere. Without PIPELINING the messages go one after another.
    """
    outcomes: list[Outcome | None] = []
    in_flight: _InFlight | None = None
    for given in items:
        index = len(outcomes)
        outcomes.append(None)
        item = given if isinstance(given, Outgoing) else Outgoing(given)
        try:
            data, sender, recipients = resolve_envelope(item.message, item.from_addr, item.to_addrs)
            message = prepare(
                conn,
                data,
                sender,
                recipients,
                item.mail_params,
                rcpt_params=item.rcpt_params,
                prefer_data=True,
            )
        except LocalProtocolError as exc:
            outcomes[index] = exc
            continue
        if message.use_bdat or not conn.pipelining:
            # BDAT (binary content) and unpipelined servers: settle what is in flight, then
            # this message on its own.
            if in_flight is not None:
                outcomes[in_flight.index] = yield from _settle(conn, in_flight)
                in_flight = None
            outcomes[index] = yield from _one(conn, message)
            continue
        # Behind the previous message's content, in the same write (RFC 2920 §3.1).
        queued = queue_envelope(conn, message)
        if in_flight is not None:
            outcomes[in_flight.index] = yield from _settle(conn, in_flight)
            in_flight = None
        try:
            envelope = yield from start_transaction(conn, message, queued)
            end = yield from send_content(conn, message, envelope)
        except ReplyError as exc:
            outcomes[index] = exc
            continue
        in_flight = _InFlight(index, envelope, end)
    if in_flight is not None:
        outcomes[in_flight.index] = yield from _settle(conn, in_flight)
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _settle(conn: ClientConnection, flight: _InFlight) -> Generator[IO, None, Outcome]:
    """Read the final reply of a message in flight."""
    try:
        return (yield from finish_transaction(conn, flight.envelope, flight.end))
    except ReplyError as exc:
        return exc


def _one(conn: ClientConnection, message: Prepared) -> Generator[IO, None, Outcome]:
    """A whole transaction, waiting for each step (BDAT, or no PIPELINING)."""
    try:
        return (yield from send_prepared(conn, message))
    except ReplyError as exc:
        return exc
