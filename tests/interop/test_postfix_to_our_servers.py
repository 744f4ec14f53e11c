"""Postfix as the client: its smtp(8) and lmtp(8) delivery agents sending to our servers.

The private Postfix routes RELAY_DOMAIN to ``[localhost]:<port>`` over SMTP with STARTTLS
required and verified against the trustme CA (``smtp_tls_security_level = verify``), and
LMTP_DOMAIN to ``127.0.0.1:<port>`` over LMTP. A test starts one of our servers on that port,
injects a message into Postfix with our client, and checks what our server received.
"""

from __future__ import annotations

import pytest

from pymailproto.servers import CaptureHandler, Envelope
from pymailproto.smtp import Body, Reply
from tests.interop.conftest import (
    LMTP_DOMAIN,
    RELAY_DOMAIN,
    Certs,
    Postfix,
    open_client,
)
from tests.interop.test_postfix import SENDER, make_message, new_marker
from tests.transports.conftest import run_server

SERVER_KINDS = ["threaded", "aio"]


@pytest.fixture(params=SERVER_KINDS)
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def received(capture: CaptureHandler, postfix: Postfix, count: int) -> list[Envelope]:
    try:
        return capture.wait_for(count, timeout=20)
    except TimeoutError:
        tail = "\n".join(postfix.log().splitlines()[-30:])
        raise AssertionError(f"Postfix did not deliver {count} message(s)\n{tail}") from None


def test_postfix_relays_to_our_server_over_verified_starttls(
    postfix: Postfix, certs: Certs, server_kind: str
) -> None:
    marker = new_marker()
    rcpt = f"someone-{marker}@{RELAY_DOMAIN}"
    sent = make_message(marker, to=rcpt)
    capture = CaptureHandler()
    port = postfix.next_hops["smtp"]
    with run_server(server_kind, port=port, handler=capture, starttls_context=certs.server):
        with open_client("sync", postfix.ports["main"]) as client:
            client.send_message(sent, SENDER, [rcpt])
        [envelope] = received(capture, postfix, 1)
    assert envelope.tls
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_to == [rcpt]
    # Postfix declares the 8-bit body and the size, and passes the DSN original recipient.
    assert envelope.mail is not None
    assert envelope.mail.params.body is Body.EIGHTBITMIME
    assert envelope.mail.params.size is not None
    assert envelope.rcpts[0].params.orcpt == ("rfc822", rcpt)
    # The content arrives byte for byte, after the Received field Postfix prepends.
    assert envelope.data.endswith(sent)
    prefix = envelope.data[: -len(sent)].decode()
    assert prefix.startswith("Received: from ")
    assert "by mx.example.test (Postfix) with ESMTP id" in prefix
    log = postfix.log_wait(f"to=<{rcpt}>, relay=localhost[127.0.0.1]:{port}")
    # smtp_tls_security_level = verify: the smtp(8) process that delivered it had checked our
    # certificate against the trustme CA on that connection (the last TLS line it logged).
    lines = log.splitlines()
    [delivery] = [i for i, line in enumerate(lines) if f"to=<{rcpt}>" in line]
    process = lines[delivery].split()[4]  # "postfix/smtp[PID]:"
    handshake = next(
        line
        for line in reversed(lines[:delivery])
        if line.split()[4] == process and "TLS connection established" in line
    )
    assert f"Verified TLS connection established to localhost[127.0.0.1]:{port}" in handshake


class PerRecipient(CaptureHandler):
    """An LMTP handler that refuses, after the data, every recipient whose name starts with no."""

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        super().handle_message(session, envelope)
        return [
            Reply(550, "no such mailbox here", "5.1.1")
            if rcpt.startswith("no")
            else Reply(250, f"delivered to {rcpt}", "2.0.0")
            for rcpt in envelope.rcpt_to
        ]


def test_postfix_lmtp_gets_one_reply_per_recipient(postfix: Postfix, server_kind: str) -> None:
    marker = new_marker()
    good, refused = f"yes-{marker}@{LMTP_DOMAIN}", f"nope-{marker}@{LMTP_DOMAIN}"
    sent = make_message(marker, to=good)
    capture = PerRecipient()
    port = postfix.next_hops["lmtp"]
    with run_server(server_kind, port=port, handler=capture, lmtp=True):
        with open_client("sync", postfix.ports["main"]) as client:
            result = client.send_message(sent, SENDER, [good, refused])
        assert sorted(result.accepted) == sorted([good, refused])
        [envelope] = received(capture, postfix, 1)
        log = postfix.log_wait(f"to=<{refused}>, relay=127.0.0.1[127.0.0.1]:{port}")
        log = postfix.log_wait(f"to=<{good}>, relay=127.0.0.1[127.0.0.1]:{port}")
    assert sorted(envelope.rcpt_to) == sorted([good, refused])
    assert envelope.data.endswith(sent)
    lines = log.splitlines()
    [good_line] = [line for line in lines if f"to=<{good}>" in line]
    [refused_line] = [line for line in lines if f"to=<{refused}>" in line]
    assert "status=sent (250 2.0.0 delivered to" in good_line
    assert "status=bounced" in refused_line
    assert "550 5.1.1 no such mailbox here" in refused_line


def test_postfix_relays_smtputf8_mail_to_our_server(
    postfix: Postfix, certs: Certs, server_kind: str
) -> None:
    """Postfix sends ORCPT=rfc822;<xtext of the UTF-8 address> for an SMTPUTF8 recipient;
    our server used to refuse the recipient for it (fixed by reading RFC 6533 forms)."""
    marker = new_marker()
    sender, rcpt = "søren@client.test", f"jösé-{marker}@{RELAY_DOMAIN}"
    sent = make_message(marker, sender=sender, to=rcpt, subject="Grüße")
    capture = CaptureHandler()
    port = postfix.next_hops["smtp"]
    with run_server(server_kind, port=port, handler=capture, starttls_context=certs.server):
        with open_client("sync", postfix.ports["main"]) as client:
            client.send_message(sent, sender, [rcpt])
        log = postfix.log_wait(f"to=<{rcpt}>, relay=localhost[127.0.0.1]:{port}")
        [status] = [line for line in log.splitlines() if f"to=<{rcpt}>, relay=" in line]
        assert "status=sent" in status, status
        [envelope] = received(capture, postfix, 1)
    assert envelope.rcpt_to == [rcpt]
    assert envelope.mail is not None
    assert envelope.mail.params.smtputf8
    assert envelope.data.endswith(sent)
