"""Real SMTP clients -- swaks, curl, msmtp, Postfix's smtp-source -- against our servers.

Every test runs against the threaded and the asyncio server (``run_server`` from the transport
tests) and checks what the server's CaptureHandler received.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pymailproto.auth import StaticAuthenticator
from pymailproto.servers import CaptureHandler, Envelope
from tests.interop.conftest import (
    PASSWORD,
    USER,
    Certs,
    require,
    require_program,
    run_program,
)
from tests.transports.conftest import run_server

SERVER_KINDS = ["threaded", "aio"]
USERS = StaticAuthenticator({USER: PASSWORD})
SENDER = "sender@client.test"
RCPTS = ["bob@example.net", "carol@example.org"]

#: A message file as a user would write it: LF line endings, 8-bit UTF-8, lines with dots.
MESSAGE_LF = (
    "From: Sender <sender@client.test>\n"
    "To: bob@example.net, carol@example.org\n"
    "Subject: interop\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Grüße — café\n"
    ".a line with a leading dot\n"
    "..two dots\n"
    ".\n"
    "not the end\n"
).encode()
MESSAGE_CRLF = MESSAGE_LF.replace(b"\n", b"\r\n")


@pytest.fixture(params=SERVER_KINDS)
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def serving(kind: str, **kwargs: Any) -> Iterator[tuple[int, CaptureHandler]]:
    capture = CaptureHandler()
    with run_server(kind, handler=capture, **kwargs) as server:
        yield server.port, capture


def one(capture: CaptureHandler) -> Envelope:
    [envelope] = capture.wait_for(1, timeout=10)
    return envelope


# --------------------------------------------------------------------------- swaks


@pytest.fixture(scope="module")
def swaks() -> str:
    program = require_program("swaks")
    support = run_program([program, "--support"], check=False)
    output = (support.stdout + support.stderr).decode("utf-8", "replace")
    require("TLS supported" in output, "swaks has no TLS (apt-get install libnet-ssleay-perl)")
    return program


def swaks_argv(program: str, port: int, *extra: str | Path) -> list[str | Path]:
    return [
        program,
        "--server",
        "127.0.0.1",
        "--port",
        str(port),
        "--from",
        SENDER,
        "--to",
        ",".join(RCPTS),
        "--helo",
        "client.test",
        *extra,
    ]


def swaks_sent_data(transcript: bytes) -> bytes:
    """The message content swaks says it sent (" -> " lines after 354), un-dot-stuffed."""
    lines = [line.removesuffix(b"\r") for line in transcript.split(b"\n")]
    start = next(i for i, line in enumerate(lines) if line[4:8] == b"354 ") + 1
    end = lines.index(lines[start][:4] + b".", start)
    sent = [line[4:] for line in lines[start:end]]
    return b"".join((line[1:] if line.startswith(b".") else line) + b"\r\n" for line in sent)


def test_swaks_plain(swaks: str, server_kind: str) -> None:
    with serving(server_kind) as (port, capture):
        proc = run_program(swaks_argv(swaks, port, "--header", "Subject: swaks plain"))
        envelope = one(capture)
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_to == RCPTS
    assert envelope.client_name == "client.test"
    assert not envelope.tls
    assert envelope.data == swaks_sent_data(proc.stdout)
    assert b"\r\nSubject: swaks plain\r\n" in envelope.data
    assert b"\r\n\r\nThis is a test mailing\r\n" in envelope.data


def test_swaks_starttls_verifies_against_the_trustme_ca(
    swaks: str, server_kind: str, certs: Certs
) -> None:
    # swaks 20201014 verifies the chain with --tls-verify and --tls-ca-path (a file works).
    tls = ["--tls", "--tls-verify", "--tls-ca-path", str(certs.ca_file)]
    with serving(server_kind, starttls_context=certs.server) as (port, capture):
        proc = run_program(swaks_argv(swaks, port, *tls))
        envelope = one(capture)
    assert envelope.tls
    assert b"TLS started with cipher" in proc.stdout


def test_swaks_starttls_refuses_an_untrusted_certificate(
    swaks: str, server_kind: str, certs: Certs, untrusted_certs: Certs
) -> None:
    tls = ["--tls", "--tls-verify", "--tls-ca-path", str(certs.ca_file)]
    with serving(server_kind, starttls_context=untrusted_certs.server) as (port, capture):
        proc = run_program(swaks_argv(swaks, port, *tls), check=False)
    assert proc.returncode != 0
    assert capture.messages == []


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_swaks_auth(swaks: str, server_kind: str, certs: Certs, mechanism: str) -> None:
    auth = ["--auth", mechanism, "--auth-user", USER, "--auth-password", PASSWORD]
    tls = ["--tls", "--tls-verify", "--tls-ca-path", str(certs.ca_file)]
    with serving(server_kind, starttls_context=certs.server, authenticator=USERS) as (
        port,
        capture,
    ):
        proc = run_program(swaks_argv(swaks, port, *tls, *auth))
        envelope = one(capture)
    assert f"~> AUTH {mechanism}".encode() in proc.stdout
    assert b"<~  235 " in proc.stdout
    assert envelope.auth_user == USER
    assert envelope.tls


def test_swaks_auth_wrong_password(swaks: str, server_kind: str, certs: Certs) -> None:
    auth = ["--auth", "PLAIN", "--auth-user", USER, "--auth-password", "wrong"]
    tls = ["--tls", "--tls-verify", "--tls-ca-path", str(certs.ca_file)]
    with serving(server_kind, starttls_context=certs.server, authenticator=USERS) as (
        port,
        capture,
    ):
        proc = run_program(swaks_argv(swaks, port, *tls, *auth), check=False)
    assert proc.returncode != 0
    assert b"<~* 535 " in proc.stdout
    assert capture.messages == []


def test_swaks_pipeline(swaks: str, server_kind: str) -> None:
    with serving(server_kind) as (port, capture):
        proc = run_program(swaks_argv(swaks, port, "--pipeline"))
        envelope = one(capture)
    assert envelope.rcpt_to == RCPTS
    # swaks prints what it sends as " -> " and what it reads as "<-  ": with PIPELINING,
    # MAIL, both RCPTs and DATA are written before the first of their replies is read.
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(" -> MAIL FROM:"))
    assert [line.split()[1] for line in lines[start : start + 4]] == [
        "MAIL",
        "RCPT",
        "RCPT",
        "DATA",
    ]
    assert [line.split()[1] for line in lines[start + 4 : start + 8]] == [
        "250",
        "250",
        "250",
        "354",
    ]


def test_swaks_8bit_body_from_file(swaks: str, server_kind: str, tmp_path: Path) -> None:
    body = "Grüße — café\n.a line with a leading dot\n..two dots\n.\nnot the end\n".encode()
    body_file = tmp_path / "body.txt"
    body_file.write_bytes(body)
    with serving(server_kind) as (port, capture):
        proc = run_program(swaks_argv(swaks, port, "--body", f"@{body_file}"))
        envelope = one(capture)
    # swaks sends the bytes as they are, with CRLF line ends; the server un-stuffs the dots.
    assert envelope.data == swaks_sent_data(proc.stdout)
    assert b"\r\n\r\n" + body.replace(b"\n", b"\r\n") in envelope.data


def test_swaks_lmtp(swaks: str, server_kind: str) -> None:
    with serving(server_kind, lmtp=True) as (port, capture):
        proc = run_program(swaks_argv(swaks, port, "--protocol", "LMTP", "--pipeline"))
        envelope = one(capture)
    assert envelope.rcpt_to == RCPTS
    assert envelope.data == swaks_sent_data(proc.stdout)
    # RFC 2033 §4.2: one reply per recipient after the final dot.
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    dot = lines.index(" -> .")
    assert [line.split()[1] for line in lines[dot + 1 : dot + 3]] == ["250", "250"]


# --------------------------------------------------------------------------- curl


@pytest.fixture(scope="module")
def curl() -> str:
    return require_program("curl")


@pytest.fixture
def message_file(tmp_path: Path) -> Path:
    path = tmp_path / "message.eml"
    path.write_bytes(MESSAGE_CRLF)
    return path


def curl_argv(program: str, url: str, message_file: Path, *extra: str | Path) -> list[str | Path]:
    rcpts = [arg for rcpt in RCPTS for arg in ("--mail-rcpt", rcpt)]
    # -q first: ignore any ~/.curlrc.
    upload: list[str | Path] = ["--upload-file", message_file]
    return [program, "-q", "-sS", url, "--mail-from", SENDER, *rcpts, *upload, *extra]


def test_curl_plain_two_recipients(curl: str, server_kind: str, message_file: Path) -> None:
    with serving(server_kind) as (port, capture):
        run_program(curl_argv(curl, f"smtp://127.0.0.1:{port}", message_file))
        envelope = one(capture)
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_to == RCPTS
    assert envelope.data == MESSAGE_CRLF
    assert not envelope.tls


def test_curl_smtputf8(curl: str, server_kind: str, tmp_path: Path) -> None:
    # curl asks for SMTPUTF8 by itself when an address is not ASCII.
    message = "From: søren@client.test\r\nTo: jösé@example.net\r\nSubject: Grüße\r\n\r\nhej\r\n"
    path = tmp_path / "utf8.eml"
    path.write_bytes(message.encode())
    with serving(server_kind) as (port, capture):
        url = f"smtp://127.0.0.1:{port}"
        argv = [curl, "-q", "-sS", url, "--mail-from", "søren@client.test"]
        run_program([*argv, "--mail-rcpt", "jösé@example.net", "--upload-file", path])
        envelope = one(capture)
    assert envelope.mail_from == "søren@client.test"
    assert envelope.rcpt_to == ["jösé@example.net"]
    assert envelope.mail is not None
    assert envelope.mail.params.smtputf8
    assert envelope.data == message.encode()


def test_curl_implicit_tls(curl: str, server_kind: str, certs: Certs, message_file: Path) -> None:
    with serving(server_kind, ssl_context=certs.server) as (port, capture):
        url = f"smtps://127.0.0.1:{port}"
        run_program(curl_argv(curl, url, message_file, "--cacert", certs.ca_file))
        envelope = one(capture)
    assert envelope.tls
    assert envelope.data == MESSAGE_CRLF


def test_curl_implicit_tls_refuses_an_untrusted_certificate(
    curl: str,
    server_kind: str,
    certs: Certs,
    untrusted_certs: Certs,
    message_file: Path,
) -> None:
    with serving(server_kind, ssl_context=untrusted_certs.server) as (port, capture):
        url = f"smtps://127.0.0.1:{port}"
        argv = curl_argv(curl, url, message_file, "--cacert", certs.ca_file)
        proc = run_program(argv, check=False)
    assert proc.returncode == 60  # CURLE_PEER_FAILED_VERIFICATION
    assert capture.messages == []


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_curl_starttls_required_and_auth(
    curl: str, server_kind: str, certs: Certs, message_file: Path, mechanism: str
) -> None:
    extra = [
        "--ssl-reqd",
        "--cacert",
        str(certs.ca_file),
        "--user",
        f"{USER}:{PASSWORD}",
        "--login-options",
        f"AUTH={mechanism}",
        "-v",
    ]
    with serving(server_kind, starttls_context=certs.server, authenticator=USERS) as (
        port,
        capture,
    ):
        url = f"smtp://127.0.0.1:{port}"
        proc = run_program(curl_argv(curl, url, message_file, *extra))
        envelope = one(capture)
    assert f"> AUTH {mechanism}".encode() in proc.stderr
    assert envelope.auth_user == USER
    assert envelope.tls
    assert envelope.data == MESSAGE_CRLF


def test_curl_ssl_reqd_fails_without_starttls(
    curl: str, server_kind: str, certs: Certs, message_file: Path
) -> None:
    # The server offers no STARTTLS: --ssl-reqd must stop curl before MAIL FROM.
    with serving(server_kind) as (port, capture):
        url = f"smtp://127.0.0.1:{port}"
        argv = curl_argv(curl, url, message_file, "--ssl-reqd", "--cacert", certs.ca_file)
        proc = run_program(argv, check=False)
    assert proc.returncode == 64  # CURLE_USE_SSL_FAILED
    assert capture.messages == []


# --------------------------------------------------------------------------- msmtp


@pytest.fixture(scope="module")
def msmtp() -> str:
    return require_program("msmtp")


def msmtp_config(path: Path, port: int, certs: Certs, *, starttls: bool, auth: str) -> Path:
    path.write_text(
        "defaults\n"
        "account test\n"
        "host 127.0.0.1\n"
        f"port {port}\n"
        f"from {SENDER}\n"
        "tls on\n"
        f"tls_starttls {'on' if starttls else 'off'}\n"
        f"tls_trust_file {certs.ca_file}\n"
        f"auth {auth}\n"
        f"user {USER}\n"
        f"password {PASSWORD}\n"
        "account default : test\n"
    )
    path.chmod(0o600)  # msmtp refuses a password in a file others can read
    return path


# msmtp authenticates through GNU SASL, so SCRAM meets our server's SCRAM too.
@pytest.mark.parametrize(
    "auth", ["on", "plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256"]
)
def test_msmtp_starttls_auth(
    msmtp: str, server_kind: str, certs: Certs, tmp_path: Path, auth: str
) -> None:
    with serving(server_kind, starttls_context=certs.server, authenticator=USERS) as (
        port,
        capture,
    ):
        config = msmtp_config(tmp_path / "msmtprc", port, certs, starttls=True, auth=auth)
        argv: list[str | Path] = [msmtp, "-C", config, "-v", *RCPTS]
        proc = run_program(argv, stdin=MESSAGE_LF)
        envelope = one(capture)
    if auth != "on":
        assert f"--> AUTH {auth.upper()}".encode() in proc.stdout + proc.stderr
    assert envelope.auth_user == USER
    assert envelope.tls
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_to == RCPTS
    # msmtp adds Date and Message-ID (set_date_header/set_msgid_header auto), then our lines.
    assert envelope.data.endswith(MESSAGE_CRLF)
    assert re.match(rb"Date: [^\r\n]+\r\nMessage-ID: <[^>]+>\r\n", envelope.data)


def test_msmtp_implicit_tls(msmtp: str, server_kind: str, certs: Certs, tmp_path: Path) -> None:
    with serving(server_kind, ssl_context=certs.server, authenticator=USERS) as (port, capture):
        config = msmtp_config(tmp_path / "msmtprc", port, certs, starttls=False, auth="plain")
        run_program([msmtp, "-C", config, *RCPTS], stdin=MESSAGE_LF)
        envelope = one(capture)
    assert envelope.tls
    assert envelope.auth_user == USER
    assert envelope.data.endswith(MESSAGE_CRLF)


# --------------------------------------------------------------------------- smtp-source


def test_smtp_source_lmtp(server_kind: str) -> None:
    program = require_program("smtp-source")
    with serving(server_kind, lmtp=True) as (port, capture):
        argv = [program, "-L", "-m", "40", "-s", "4", "-r", "3", "-N"]
        argv += ["-f", "a@client.test", "-t", "box@example.net", f"127.0.0.1:{port}"]
        run_program(argv, timeout=60)
        messages = capture.wait_for(40, timeout=20)
    assert len(messages) == 40
    # -r 3 recipients per message, -N numbers them: 3 distinct recipients each.
    assert all(len(set(m.rcpt_to)) == 3 for m in messages)


@pytest.mark.parametrize(
    "reuse", [False, True], ids=["one-message-per-connection", "many-per-connection"]
)
def test_smtp_source_load(server_kind: str, reuse: bool) -> None:
    program = require_program("smtp-source")
    count = 200
    with serving(server_kind) as (port, capture):
        argv = [program, "-c", "-m", str(count), "-s", "5", "-l", "1024"]
        argv += ["-f", "a@client.test", "-t", "b@example.net"]
        argv += ["-d"] if reuse else []
        run_program([*argv, f"127.0.0.1:{port}"], timeout=60)
        messages = capture.wait_for(count, timeout=20)
    assert len(messages) == count
    assert all(m.mail_from == "a@client.test" for m in messages)
    assert all(m.rcpt_to == ["b@example.net"] for m in messages)
    assert all(len(m.data.split(b"\r\n\r\n", 1)[1]) >= 1024 for m in messages)
    connections = len({m.peer for m in messages})  # "address:port" of the client side
    if reuse:
        assert connections <= 5  # -s 5 sessions, each sending message after message
    else:
        assert connections > count // 2  # a new connection per message
