"""Whole client procedures -- open a session, authenticate, send a message -- written once.

Each procedure is a generator over a :class:`ClientConnection`. It never does I/O: when it
needs some, it yields an :class:`IO` request and the transport's driver performs it:

* ``IO.FLUSH`` -- write whatever ``conn.data_to_send()`` holds;
* ``IO.RECEIVE`` -- flush, then read more bytes (within ``conn.timeout``) and feed them;
* ``IO.START_TLS`` -- flush, then wrap the connection in TLS (after a 220 to STARTTLS).

The blocking driver (``pymailproto.sync``) and the asyncio driver (``pymailproto.aio``) are a
dozen lines each; everything that makes SMTP correct lives here, once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from pymailproto._io import IO, Procedure
from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.sasl import ClientMechanism, choose_mechanism, client_mechanism
from pymailproto.smtp._address import Address, AddressError
from pymailproto.smtp._client import ClientConnection, PendingReply
from pymailproto.smtp._events import (
    NEED_DATA,
    Auth,
    AuthResponse,
    Bdat,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfMessage,
    Helo,
    Lhlo,
    MailFrom,
    MessageChunk,
    Quit,
    RcptTo,
    Rset,
    StartTLS,
)
from pymailproto.smtp._extensions import Extensions
from pymailproto.smtp._message import (
    MessageTraits,
    canonical_line_endings,
    classify,
    envelope_from_headers,
    message_bytes,
)
from pymailproto.smtp._params import Body, MailParams, RcptParams
from pymailproto.smtp._reply import Reply
from pymailproto.smtp._results import (
    AuthenticationFailed,
    DataRefused,
    MessageTooLarge,
    MissingExtension,
    RecipientsRefused,
    ReplyError,
    SenderRefused,
    SendResult,
)
from pymailproto.smtp._state import State

if TYPE_CHECKING:
    from email.message import Message

__all__ = [
    "IO",
    "Procedure",
    "authenticate",
    "command",
    "login",
    "open_session",
    "quit",
    "send_email",
    "send_message",
]

#: How much message content is handed to the transport at a time (and per BDAT chunk).
CHUNK_SIZE = 1 << 20


T = TypeVar("T")


def _wait(conn: ClientConnection, pending: PendingReply) -> Generator[IO, None, Reply]:
    """Receive until every reply owed to ``pending`` has arrived; return the last one."""
    while not pending.done:
        event = conn.next_event()
        if event is NEED_DATA:
            yield IO.RECEIVE
        elif isinstance(event, ConnectionClosed):
            raise RemoteProtocolError(
                f"the server closed the connection before answering {pending.command!r}"
            )
    return pending.reply


def command(conn: ClientConnection, cmd: Command) -> Generator[IO, None, Reply]:
    """Send one command and return its reply, whatever it is."""
    pending = conn.send(cmd)
    assert pending is not None
    return (yield from _wait(conn, pending))


def open_session(
    conn: ClientConnection, local_hostname: str, tls: TLSMode = TLSMode.PLAINTEXT
) -> Generator[IO, None, Extensions]:
    """Read the greeting, say EHLO (or LHLO; HELO if EHLO is refused), STARTTLS if asked.

    With ``TLSMode.STARTTLS`` the upgrade is required: a server that does not offer it, or
    refuses it, raises instead of continuing in plaintext (no silent downgrade).
    """
    greeting = yield from _wait(conn, conn.greeting)
    if not greeting.is_positive:
        # RFC 5321 §3.1: after a 554 greeting the client should QUIT.
        yield from _try_quit(conn)
        raise ReplyError("the server refused service", greeting)
    yield from _hello(conn, local_hostname)
    if tls is TLSMode.STARTTLS and not conn.tls_active:
        if "STARTTLS" not in conn.extensions:
            raise MissingExtension("STARTTLS", "because TLSMode.STARTTLS was requested")
        reply = yield from command(conn, StartTLS())
        if reply.code != 220:
            raise ReplyError("STARTTLS refused", reply)
        yield IO.START_TLS
        # RFC 3207 §4.2: everything learnt before the handshake is forgotten; ask again.
        yield from _hello(conn, local_hostname)
    return conn.extensions


def _hello(conn: ClientConnection, name: str) -> Generator[IO, None, Reply]:
    if conn.lmtp:
        reply = yield from command(conn, Lhlo(name))
    else:
        reply = yield from command(conn, Ehlo(name))
        if reply.is_permanent and reply.code in (500, 502, 504, 550):
            # RFC 5321 §3.2: a server that does not support EHLO; fall back to HELO.
            reply = yield from command(conn, Helo(name))
    if not reply.is_positive:
        raise ReplyError("the server refused the greeting", reply)
    return reply


def login(
    conn: ClientConnection,
    username: str,
    password: str,
    *,
    mechanism: str | None = None,
    allow_plaintext: bool = False,
) -> Generator[IO, None, Reply]:
    """Authenticate with the strongest password mechanism both sides support."""
    if mechanism is None:
        mechanism = choose_mechanism(conn.extensions.auth_mechanisms, have_password=True)
        if mechanism is None:
            offered = " ".join(conn.extensions.auth_mechanisms) or "no AUTH at all"
            raise MissingExtension("a password mechanism", f"to log in (server offers {offered})")
    mech = client_mechanism(mechanism, username, password)
    return (yield from authenticate(conn, mech, allow_plaintext=allow_plaintext))


def authenticate(
    conn: ClientConnection, mech: ClientMechanism, *, allow_plaintext: bool = False
) -> Generator[IO, None, Reply]:
    """Run a SASL exchange (RFC 4954 §4) with any client mechanism."""
    if not conn.tls_active and not allow_plaintext:
        raise LocalProtocolError(
            "refusing to authenticate over an unencrypted connection; use TLS, or pass "
            "allow_plaintext_auth=True to the client if the network is trusted"
        )
    if mech.name not in conn.extensions.auth_mechanisms:
        raise MissingExtension(f"AUTH {mech.name}", "to authenticate")
    reply = yield from command(conn, Auth(mech.name, mech.initial_response()))
    while reply.code == 334:
        try:
            response = mech.respond(reply.challenge)
        except RemoteProtocolError:
            # RFC 4954 §4: "*" cancels; the server answers 501. Then report the real cause.
            yield from command(conn, AuthResponse(cancelled=True))
            raise
        reply = yield from command(conn, AuthResponse(response))
    if reply.code != 235:
        raise AuthenticationFailed("authentication failed", reply)
    if not mech.complete:
        raise RemoteProtocolError(f"the server ended {mech.name} before proving its identity")
    return reply


def send_message(
    conn: ClientConnection,
    data: bytes,
    sender: Address | None,
    recipients: Sequence[Address],
    *,
    mail_params: MailParams | None = None,
    rcpt_params: RcptParams | None = None,
) -> Generator[IO, None, SendResult]:
    """One mail transaction: MAIL, RCPT for each recipient, then the content.

    Chooses BODY=8BITMIME/BINARYMIME, SMTPUTF8 and BDAT from the content and the server's
    extensions, declares SIZE, pipelines when offered. Refused recipients are reported in the
    result; an exception is raised only when the sender, every recipient or the message is
    refused. After a refusal the transaction is reset, so the connection can be reused.
    """
    message = prepare(conn, data, sender, recipients, mail_params, rcpt_params=rcpt_params)
    return (yield from send_prepared(conn, message))


def send_prepared(conn: ClientConnection, message: Prepared) -> Generator[IO, None, SendResult]:
    """:func:`send_message` for a message :func:`prepare` has checked."""
    envelope = yield from start_transaction(conn, message)
    if message.use_bdat:
        end = yield from _send_chunks(conn, message.data)
    else:
        end = yield from send_content(conn, message, envelope)
    return (yield from finish_transaction(conn, envelope, end))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message checked against the server's extensions, with the MAIL parameters it needs."""

    data: bytes
    sender: Address | None
    recipients: Sequence[Address]
    params: MailParams
    rcpt_params: RcptParams
    use_bdat: bool


@dataclass(frozen=True, slots=True)
class Envelope:
    """MAIL and RCPT answered: who was accepted, and the pending DATA if it was pipelined."""

    sender_reply: Reply
    accepted: dict[str, Reply]
    refused: dict[str, Reply]
    data_cmd: PendingReply | None


def prepare(
    conn: ClientConnection,
    data: bytes,
    sender: Address | None,
    recipients: Sequence[Address],
    mail_params: MailParams | None,
    *,
    rcpt_params: RcptParams | None,
    prefer_data: bool = False,
) -> Prepared:
    """Classify the content and choose its parameters; raise before anything is sent.

    ``prefer_data``: use DATA even when CHUNKING is offered, unless the content is binary
    (only DATA can be pipelined behind the previous message's content, RFC 2920 §3.1).
    """
    if not recipients:
        raise LocalProtocolError("a message needs at least one recipient")
    traits = classify(data)
    if traits.body is not Body.BINARYMIME:
        # Text travels with CRLF line endings whether it goes by DATA or BDAT, and SIZE
        # must count what is actually sent.
        canonical = canonical_line_endings(data)
        if canonical is not data:
            data, traits = canonical, classify(canonical)
    params = _mail_params(conn.extensions, traits, sender, recipients, mail_params or MailParams())
    use_bdat = "CHUNKING" in conn.extensions and not (
        prefer_data and params.body is not Body.BINARYMIME
    )
    return Prepared(data, sender, recipients, params, rcpt_params or RcptParams(), use_bdat)


def queue_envelope(
    conn: ClientConnection, message: Prepared
) -> tuple[PendingReply, list[PendingReply], PendingReply | None]:
    """Queue MAIL, every RCPT and -- when pipelining and not BDAT -- DATA (RFC 2920 §3.1)."""
    mail = conn.send(MailFrom(message.sender, message.params))
    rcpts = [conn.send(RcptTo(r, message.rcpt_params)) for r in message.recipients]
    data_cmd = conn.send(Data()) if not message.use_bdat and conn.pipelining else None
    assert mail is not None
    return mail, [p for p in rcpts if p is not None], data_cmd


def start_transaction(
    conn: ClientConnection,
    message: Prepared,
    queued: tuple[PendingReply, list[PendingReply], PendingReply | None] | None = None,
) -> Generator[IO, None, Envelope]:
    """Send (unless ``queued`` already) and read the envelope; raise if nobody was accepted.

    After a refusal the transaction is cleaned up (an empty message if DATA got its 354,
    then RSET), so the connection stays usable.
    """
    if queued is None and not conn.pipelining:
        # One command at a time: a refused sender ends it before any RCPT is sent.
        mail = conn.send(MailFrom(message.sender, message.params))
        assert mail is not None
        if not (yield from _wait(conn, mail)).is_positive:
            raise SenderRefused("sender refused", mail.reply)
        queued = (mail, [], None)
        for r in message.recipients:
            pending = conn.send(RcptTo(r, message.rcpt_params))
            assert pending is not None
            queued[1].append(pending)
    mail, rcpts, data_cmd = queued or queue_envelope(conn, message)
    sender_reply = yield from _wait(conn, mail)
    for pending in rcpts:
        yield from _wait(conn, pending)
    answers = [(str(r), p.reply) for r, p in zip(message.recipients, rcpts, strict=True) if p]
    accepted = {rcpt: reply for rcpt, reply in answers if reply.is_positive}
    refused = {rcpt: reply for rcpt, reply in answers if not reply.is_positive}
    if not sender_reply.is_positive or not accepted:
        if data_cmd is not None and (yield from _wait(conn, data_cmd)).code == 354:
            # RFC 2920 §3.1: DATA was accepted anyway; send an empty message to end it.
            yield from command_end(conn)
        yield from _reset(conn)
        if not sender_reply.is_positive:
            raise SenderRefused("sender refused", sender_reply)
        raise RecipientsRefused(refused)
    return Envelope(sender_reply, accepted, refused, data_cmd)


def finish_transaction(
    conn: ClientConnection, envelope: Envelope, end: PendingReply
) -> Generator[IO, None, SendResult]:
    """Read the reply (LMTP: the replies) to the end of the content; the transaction's result."""
    final = yield from _wait(conn, end)
    if conn.lmtp:
        deliveries = dict(zip(envelope.accepted, end.replies, strict=False))
    else:
        deliveries = dict.fromkeys(envelope.accepted, final)
    result = SendResult(
        envelope.sender_reply, envelope.accepted, envelope.refused, final, deliveries
    )
    if not result.delivered:
        raise DataRefused(final, result)
    return result


def command_end(conn: ClientConnection) -> Generator[IO, None, Reply]:
    """End the message content now (an empty message if nothing was sent)."""
    pending = conn.send(EndOfMessage())
    assert pending is not None
    return (yield from _wait(conn, pending))


def _mail_params(
    ext: Extensions,
    traits: MessageTraits,
    sender: Address | None,
    recipients: Sequence[Address],
    base: MailParams,
) -> MailParams:
    addresses = [a for a in (sender, *recipients) if a is not None]
    smtputf8 = base.smtputf8 or traits.utf8_headers or any(a.needs_smtputf8 for a in addresses)
    if smtputf8 and "SMTPUTF8" not in ext:
        raise MissingExtension("SMTPUTF8", "for UTF-8 addresses or headers (RFC 6531)")
    body = base.body or traits.body
    if body is Body.BINARYMIME and not ("BINARYMIME" in ext and "CHUNKING" in ext):
        raise MissingExtension("BINARYMIME", "for binary content (NUL, bare CR, long lines)")
    if body is Body.EIGHTBITMIME and "8BITMIME" not in ext:
        raise MissingExtension("8BITMIME", "for 8-bit content (RFC 6152)")
    limit = ext.max_size
    if limit is not None and traits.size > limit:
        raise MessageTooLarge(traits.size, limit)
    return MailParams(
        size=traits.size if "SIZE" in ext else None,
        body=body,
        smtputf8=smtputf8,
        auth=base.auth,
        ret=base.ret,
        envid=base.envid,
        extra=base.extra,
    )


def send_content(
    conn: ClientConnection, message: Prepared, envelope: Envelope
) -> Generator[IO, None, PendingReply]:
    """DATA (unless pipelined already), its 354, then the content; the end stays queued.

    A refused DATA resets the transaction and raises :class:`DataRefused`.
    """
    data, data_cmd = message.data, envelope.data_cmd
    if data_cmd is None:
        data_cmd = conn.send(Data())
        assert data_cmd is not None
    reply = yield from _wait(conn, data_cmd)
    if reply.code != 354:
        yield from _reset(conn)
        raise DataRefused(reply)
    return (yield from queue_content(conn, data))


def queue_content(conn: ClientConnection, data: bytes) -> Generator[IO, None, PendingReply]:
    """Hand over the content after a 354 and queue its end; the last piece stays queued.

    Each piece but the last is flushed, so no more than CHUNK_SIZE octets wait in memory.
    """
    for offset in range(0, len(data), CHUNK_SIZE):
        if offset:
            yield IO.FLUSH
        conn.send(MessageChunk(data[offset : offset + CHUNK_SIZE]))
    end = conn.send(EndOfMessage())
    assert end is not None
    return end


def _send_chunks(conn: ClientConnection, data: bytes) -> Generator[IO, None, PendingReply]:
    offset = 0
    while True:
        chunk = data[offset : offset + CHUNK_SIZE]
        offset += len(chunk)
        last = offset >= len(data)
        pending = conn.send(Bdat(len(chunk), last=last))
        assert pending is not None
        if chunk:
            conn.send(MessageChunk(chunk))
        if last:
            return pending
        yield IO.FLUSH
        reply = yield from _wait(conn, pending)
        if not reply.is_positive:
            # RFC 3030 §2: after a failed chunk no more BDAT; RSET clears the transaction.
            yield from _reset(conn)
            raise DataRefused(reply)


def _reset(conn: ClientConnection) -> Generator[IO, None, None]:
    """RSET if a transaction is still open (RFC 5321 §4.1.1.5)."""
    if conn.state in (State.MAIL, State.RCPT, State.BDAT):
        yield from command(conn, Rset())


def _try_quit(conn: ClientConnection) -> Generator[IO, None, None]:
    with contextlib.suppress(LocalProtocolError, RemoteProtocolError):
        yield from command(conn, Quit())


def quit(conn: ClientConnection) -> Generator[IO, None, Reply]:
    """QUIT and return the 221 (or whatever the server said)."""
    return (yield from command(conn, Quit()))


def send_email(
    conn: ClientConnection,
    message: Message | bytes | str,
    from_addr: str | Address | None = None,
    to_addrs: str | Address | Sequence[str | Address] | None = None,
    *,
    mail_params: MailParams | None = None,
    rcpt_params: RcptParams | None = None,
) -> Generator[IO, None, SendResult]:
    """:func:`send_message` for an ``email.message.Message`` or raw bytes.

    Without ``from_addr``/``to_addrs`` the envelope comes from the headers (Sender or From;
    To, Cc and Bcc; the Resent-* block if present), and Bcc is never transmitted.
    """
    data, sender, recipients = resolve_envelope(message, from_addr, to_addrs)
    return (
        yield from send_message(
            conn, data, sender, recipients, mail_params=mail_params, rcpt_params=rcpt_params
        )
    )


def resolve_envelope(
    message: Message | bytes | str,
    from_addr: str | Address | None,
    to_addrs: str | Address | Sequence[str | Address] | None,
) -> tuple[bytes, Address | None, list[Address]]:
    """The wire bytes, sender and recipients of a message (see :func:`send_email`)."""
    from email.message import Message  # noqa: PLC0415 - lazy: email costs ~2 MiB

    data = message_bytes(message)
    sender: Address | None
    if from_addr is None or to_addrs is None:
        if not isinstance(message, Message):
            raise LocalProtocolError("give from_addr and to_addrs when sending raw bytes")
        header_sender, header_rcpts = envelope_from_headers(message)
    if from_addr is None:
        sender = header_sender
    else:
        sender = _as_address(from_addr) if from_addr != "" else None
    if to_addrs is None:
        recipients = list(header_rcpts)
    elif isinstance(to_addrs, str | Address):
        recipients = [_as_address(to_addrs)]
    else:
        recipients = [_as_address(a) for a in to_addrs]
    return data, sender, recipients


def _as_address(value: str | Address) -> Address:
    if isinstance(value, Address):
        return value
    try:
        return Address.parse(value.strip().removeprefix("<").removesuffix(">"))
    except AddressError as exc:
        raise LocalProtocolError(f"not an SMTP address: {value!r} ({exc})") from None
