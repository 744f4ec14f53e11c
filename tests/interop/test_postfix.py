"""Our SMTP clients (sync and asyncio) against a real, private Postfix instance.

Postfix delivers into Maildirs that the tests read back, so "accepted" is checked all the way to
the bytes on disk: Postfix only prepends its trace fields (Return-Path, X-Original-To,
Delivered-To, Received) and stores lines with LF endings; everything the client sent must
follow unchanged. See ``conftest.postfix`` for the configuration.
"""

from __future__ import annotations

import ssl
import uuid

import pytest

from pymailproto import TLSMode
from pymailproto.smtp import (
    AuthenticationFailed,
    DataRefused,
    MessageTooLarge,
    RecipientsRefused,
    SenderRefused,
)
from tests.interop.conftest import (
    BLOCKED_SENDER,
    DOMAIN,
    PASSWORD,
    REJECTED_SUBJECT,
    SMALL_SIZE_LIMIT,
    USER,
    Certs,
    Postfix,
    flights,
    open_client,
)

ALICE = f"alice@{DOMAIN}"
BOB = f"bob@{DOMAIN}"
JOSE = f"jösé@{DOMAIN}"
SENDER = "sender@client.test"

#: 8-bit text with the lines dot-stuffing and mbox-style storage get wrong.
BODY = (
    b"Gr\xc3\xbc\xc3\x9fe \xe2\x80\x94 caf\xc3\xa9\r\n"
    b".a line with a leading dot\r\n"
    b"..two dots\r\n"
    b".\r\n"
    b"a lone dot above, and this is not the end\r\n"
    b"From the start of a line\r\n"
    b"trailing space \r\n"
    b"\ttab\r\n"
)

#: The header fields Postfix adds in front of a message it delivers to a Maildir.
POSTFIX_TRACE_FIELDS = {"Return-Path", "X-Original-To", "Delivered-To", "Received"}


def make_message(
    marker: str,
    *,
    sender: str = SENDER,
    to: str = ALICE,
    subject: str = "interop",
    body: bytes = BODY,
) -> bytes:
    """A complete message (Date and Message-ID included, so Postfix has nothing to add)."""
    head = (
        f"From: Sender <{sender}>\r\n"
        f"To: <{to}>\r\n"
        f"Subject: {subject} {marker}\r\n"
        "Date: Mon, 02 Jan 2023 10:00:00 +0000\r\n"
        f"Message-ID: <{marker}@client.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
    )
    return head.encode() + body


def new_marker() -> str:
    return uuid.uuid4().hex


def trace_fields(delivered: bytes, sent: bytes) -> dict[str, list[str]]:
    """Check ``delivered`` is Postfix's trace fields followed by exactly ``sent``; return them."""
    expected = sent.replace(b"\r\n", b"\n")
    assert delivered.endswith(expected), "the delivered message differs from what was sent"
    prefix = delivered[: len(delivered) - len(expected)].decode("utf-8")
    fields: dict[str, list[str]] = {}
    name = ""
    for line in prefix.splitlines():
        if line[:1] in (" ", "\t"):
            fields[name][-1] += " " + line.strip()
            continue
        name, _, value = line.partition(":")
        fields.setdefault(name, []).append(value.strip())
    assert set(fields) <= POSTFIX_TRACE_FIELDS, f"unexpected fields added: {sorted(fields)}"
    return fields


def test_postfix_offers_what_we_test(postfix: Postfix, client_kind: str) -> None:
    with open_client(client_kind, postfix.ports["main"]) as client:
        ext = client.extensions
    for keyword in ("PIPELINING", "SIZE", "8BITMIME", "SMTPUTF8", "CHUNKING", "STARTTLS"):
        assert keyword in ext, keyword
    assert "AUTH" not in ext, "smtpd_tls_auth_only: no AUTH before STARTTLS"
    with open_client(client_kind, postfix.ports["nochunk"]) as client:
        assert "CHUNKING" not in client.extensions
        assert "PIPELINING" in client.extensions


@pytest.mark.parametrize(("listener", "verb"), [("main", "BDAT"), ("nochunk", "DATA")])
def test_plain_send_is_delivered_byte_exact(
    postfix: Postfix, client_kind: str, listener: str, verb: str
) -> None:
    marker = new_marker()
    sent = make_message(marker)
    trace: list[str] = []
    with open_client(client_kind, postfix.ports[listener], trace=trace) as client:
        result = client.send_message(sent, SENDER, [ALICE])
    assert list(result.accepted) == [ALICE]
    assert result.refused == {}
    assert result.reply.code == 250
    assert result.delivered == [ALICE]
    # 8-bit content is declared, and sent with the verb the server allows.
    assert any(line.startswith("C: MAIL FROM:") and "BODY=8BITMIME" in line for line in trace)
    assert any(line.startswith(f"C: {verb}") for line in trace)
    fields = trace_fields(postfix.wait_for_mail(ALICE, marker), sent)
    assert fields["Return-Path"] == [f"<{SENDER}>"]
    assert fields["Delivered-To"] == [ALICE]
    [received] = fields["Received"]
    assert f"by mx.{DOMAIN} (Postfix) with ESMTP id" in received


def test_starttls_with_trustme_ca(postfix: Postfix, client_kind: str, certs: Certs) -> None:
    marker = new_marker()
    sent = make_message(marker)
    with open_client(
        client_kind, postfix.ports["main"], tls=TLSMode.STARTTLS, context=certs.client
    ) as client:
        assert client.connection.tls_active
        client.send_message(sent, SENDER, [ALICE])
    fields = trace_fields(postfix.wait_for_mail(ALICE, marker), sent)
    assert "with ESMTPS id" in fields["Received"][0]


def test_starttls_refuses_a_certificate_from_another_ca(
    postfix: Postfix, client_kind: str, untrusted_certs: Certs
) -> None:
    # The client trusts only another CA: Postfix's certificate must not verify.
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        open_client(
            client_kind,
            postfix.ports["main"],
            tls=TLSMode.STARTTLS,
            context=untrusted_certs.client,
        ),
    ):
        pass  # pragma: no cover - the handshake fails in open_client


@pytest.mark.parametrize(
    "mechanism", [None, "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]
)
def test_auth_with_cyrus_sasl(
    postfix: Postfix, client_kind: str, certs: Certs, mechanism: str | None
) -> None:
    marker = new_marker()
    sent = make_message(marker)
    trace: list[str] = []
    with open_client(
        client_kind,
        postfix.ports["main"],
        tls=TLSMode.STARTTLS,
        context=certs.client,
        trace=trace,
    ) as client:
        offered = client.extensions.auth_mechanisms
        assert set(offered) == {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}
        reply = client.login(USER, PASSWORD, mechanism=mechanism)
        assert reply.code == 235
        client.send_message(sent, SENDER, [ALICE])
    used = mechanism or "SCRAM-SHA-256"  # without a choice: the strongest both offer
    assert any(line.startswith(f"C: AUTH {used}") for line in trace), trace
    assert not any(PASSWORD in line for line in trace), "the trace must mask secrets"
    fields = trace_fields(postfix.wait_for_mail(ALICE, marker), sent)
    assert "with ESMTPSA id" in fields["Received"][0]
    postfix.log_wait(f"sasl_method={used}, sasl_username={USER}@{DOMAIN}")


def test_auth_wrong_password_is_refused(postfix: Postfix, client_kind: str, certs: Certs) -> None:
    with open_client(
        client_kind, postfix.ports["main"], tls=TLSMode.STARTTLS, context=certs.client
    ) as client:
        with pytest.raises(AuthenticationFailed) as refused:
            client.login(USER, "not the password", mechanism="PLAIN")
        assert refused.value.reply.code == 535


@pytest.mark.parametrize("listener", ["main", "nochunk"])
def test_pipelining(postfix: Postfix, client_kind: str, listener: str) -> None:
    marker = new_marker()
    trace: list[str] = []
    with open_client(client_kind, postfix.ports[listener], trace=trace) as client:
        result = client.send_message(make_message(marker), SENDER, [ALICE, BOB])
    assert sorted(result.accepted) == [ALICE, BOB]
    verbs = [[line.split()[0] for line in flight] for flight in flights(trace)]
    # RFC 2920 §3.1: MAIL and every RCPT leave in one flight, and DATA with them; with
    # CHUNKING the BDAT may follow their replies (RFC 3030 §4 allows either).
    together = (
        ["MAIL", "RCPT", "RCPT", "DATA"] if listener == "nochunk" else ["MAIL", "RCPT", "RCPT"]
    )
    assert any(flight[: len(together)] == together for flight in verbs), verbs
    postfix.wait_for_mail(ALICE, marker)
    postfix.wait_for_mail(BOB, marker)
    assert "improper command pipelining" not in postfix.log()


def test_chunking_sends_large_messages_in_several_bdat_chunks(
    postfix: Postfix, client_kind: str
) -> None:
    marker = new_marker()
    line = b"0123456789" * 7 + b"abcdef\r\n"  # 78 octets with the CRLF
    body = b"".join(b"%07d" % i + line for i in range(30_000))  # about 2.5 MB
    sent = make_message(marker, body=body)
    trace: list[str] = []
    with open_client(client_kind, postfix.ports["main"], trace=trace) as client:
        result = client.send_message(sent, SENDER, [ALICE])
    assert result.delivered == [ALICE]
    bdats = [line[3:] for line in trace if line.startswith("C: BDAT ")]
    assert len(bdats) == 3, bdats
    assert bdats[-1].endswith(" LAST")
    assert sum(int(b.split()[1]) for b in bdats) == len(sent)
    trace_fields(postfix.wait_for_mail(ALICE, marker, timeout=30), sent)
    assert "bdat=3" in postfix.log_wait(f"<{marker}@client.test>")


def test_smtputf8_local_part_is_delivered(postfix: Postfix, client_kind: str) -> None:
    marker = new_marker()
    sender = "søren@client.test"
    sent = make_message(marker, sender=sender, to=JOSE, subject="Grüße")
    trace: list[str] = []
    with open_client(client_kind, postfix.ports["main"], trace=trace) as client:
        result = client.send_message(sent, sender, [JOSE])
    assert list(result.accepted) == [JOSE]
    [mail] = [line for line in trace if line.startswith("C: MAIL FROM:")]
    assert mail.startswith(f"C: MAIL FROM:<{sender}>")
    assert "SMTPUTF8" in mail.split()
    fields = trace_fields(postfix.wait_for_mail(JOSE, marker), sent)
    assert fields["Delivered-To"] == [JOSE]
    assert fields["Return-Path"] == [f"<{sender}>"]
    assert "with UTF8SMTP id" in fields["Received"][0]


def test_declared_size_limit_refuses_before_sending(postfix: Postfix, client_kind: str) -> None:
    marker = new_marker()
    big = make_message(marker, body=(b"z" * 76 + b"\r\n") * 64)  # about 5 kB
    trace: list[str] = []
    with open_client(client_kind, postfix.ports["small"], trace=trace) as client:
        assert client.extensions.max_size == SMALL_SIZE_LIMIT
        with pytest.raises(MessageTooLarge) as too_large:
            client.send_message(big, SENDER, [ALICE])
        assert too_large.value.limit == SMALL_SIZE_LIMIT
        assert too_large.value.size == len(big)
        assert not any(line.startswith("C: MAIL") for line in trace), "refused before MAIL"
        # The connection is still good for a message under the limit.
        small = make_message(marker)
        assert len(small) < SMALL_SIZE_LIMIT
        result = client.send_message(small, SENDER, [ALICE])
        [mail] = [line for line in trace if line.startswith("C: MAIL")]
        assert f"SIZE={len(small)}" in mail.split()
    assert result.delivered == [ALICE]
    trace_fields(postfix.wait_for_mail(ALICE, marker), small)


def test_refusals_are_reported_and_the_connection_stays_usable(
    postfix: Postfix, client_kind: str
) -> None:
    unknown = f"nobody@{DOMAIN}"
    with open_client(client_kind, postfix.ports["main"]) as client:
        # One recipient refused: reported in result.refused, the others still get the mail.
        marker = new_marker()
        result = client.send_message(make_message(marker), SENDER, [ALICE, unknown])
        assert list(result.accepted) == [ALICE]
        assert list(result.refused) == [unknown]
        assert result.refused[unknown].code == 550
        assert result.refused[unknown].enhanced == "5.1.1"
        assert result.delivered == [ALICE]
        postfix.wait_for_mail(ALICE, marker)

        # Every recipient refused.
        others = [unknown, f"nobody.else@{DOMAIN}"]
        with pytest.raises(RecipientsRefused) as all_refused:
            client.send_message(make_message(new_marker()), SENDER, others)
        assert sorted(all_refused.value.refused) == sorted(others)
        assert {r.code for r in all_refused.value.refused.values()} == {550}

        # The sender refused at MAIL FROM (check_sender_access, smtpd_delay_reject = no).
        with pytest.raises(SenderRefused) as sender_refused:
            client.send_message(make_message(new_marker()), BLOCKED_SENDER, [ALICE])
        assert sender_refused.value.reply.code == 554
        assert sender_refused.value.reply.enhanced == "5.7.1"

        # The content refused after the data (header_checks REJECT).
        with pytest.raises(DataRefused) as data_refused:
            client.send_message(
                make_message(new_marker(), subject=REJECTED_SUBJECT), SENDER, [ALICE]
            )
        assert data_refused.value.reply.code == 550
        assert data_refused.value.reply.enhanced == "5.7.1"
        assert data_refused.value.result is not None
        assert list(data_refused.value.result.accepted) == [ALICE]

        # After all that, the same connection still delivers.
        marker = new_marker()
        sent = make_message(marker)
        assert client.send_message(sent, SENDER, [ALICE]).delivered == [ALICE]
    trace_fields(postfix.wait_for_mail(ALICE, marker), sent)


@pytest.mark.parametrize("listener", ["strict", "strict-data"])
def test_lf_line_ends_are_sent_as_crlf(postfix: Postfix, client_kind: str, listener: str) -> None:
    # Both listeners refuse bare LFs in content (smtpd_forbid_bare_newline = reject, the
    # SMTP-smuggling defence); "strict" offers CHUNKING, "strict-data" does not. A regression
    # test: the client once sent LF-only text over BDAT as it was (Postfix: "550 5.5.2 Error:
    # bare <LF> received"), while DATA already turned the same LFs into CRLF.
    marker = new_marker()
    sent = make_message(marker)
    lf_only = sent.replace(b"\r\n", b"\n")
    trace: list[str] = []
    with open_client(client_kind, postfix.ports[listener], trace=trace) as client:
        result = client.send_message(lf_only, SENDER, [ALICE])
    assert result.delivered == [ALICE]
    trace_fields(postfix.wait_for_mail(ALICE, marker), sent)
    # What went on the wire was canonical CRLF text: SIZE and BDAT count its octets.
    [mail] = [line for line in trace if line.startswith("C: MAIL FROM:")]
    assert f"SIZE={len(sent)}" in mail.split()
    bdat_sizes = [int(line.split()[2]) for line in trace if line.startswith("C: BDAT ")]
    assert bdat_sizes == ([len(sent)] if listener == "strict" else [])
