"""Fixtures for the interop tests: real mail programs talking to our clients and servers.

The programs come from Debian packages that ``.ci/run`` installs (postfix, sasl2-bin,
libsasl2-modules, swaks with libnet-ssleay-perl, curl, msmtp). On a bare machine a test whose
program is missing skips and names the package to install; with ``CI=true`` it fails instead,
because in CI a skipped interop test would hide a broken install step. :func:`require` is the
one place that decides.

Everything listens on 127.0.0.1 only, on ephemeral ports, and every fixture stops what it
started: the private Postfix instance (``postfix -c DIR stop``), ``smtp-sink`` (by its pid).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Protocol

import pytest
import trustme

from pymailproto import TLSMode
from pymailproto import aio as aio_transport
from pymailproto import sync as sync_transport
from pymailproto.smtp import ClientConnection, Extensions, Reply, SendResult
from tests.interop.dovecot import Dovecot, DovecotError

#: Where Debian keeps the programs that are not on a non-root PATH.
SBIN_PATH = os.pathsep.join(["/usr/sbin", "/sbin", "/usr/lib/postfix/sbin"])

#: The Debian package that provides each program (named in the skip reason).
PACKAGES = {
    "postfix": "postfix",
    "smtp-sink": "postfix",
    "smtp-source": "postfix",
    "saslpasswd2": "sasl2-bin (and libsasl2-modules)",
    "swaks": "swaks",
    "curl": "curl",
    "msmtp": "msmtp",
    "dovecot": "dovecot-imapd",
}

#: The test domain Postfix delivers for, its one SASL user, and its mailboxes.
DOMAIN = "example.test"
USER = "alice"
PASSWORD = "wonderland"
MAILBOXES = {
    f"alice@{DOMAIN}": "alice/",
    f"bob@{DOMAIN}": "bob/",
    f"jösé@{DOMAIN}": "jose/",
}
#: A sender Postfix refuses at MAIL FROM, and a Subject its header_checks refuse after the data.
BLOCKED_SENDER = "blocked@client.test"
REJECTED_SUBJECT = "reject-me"
#: The SIZE the "small" Postfix listener advertises.
SMALL_SIZE_LIMIT = 2000
#: Domains Postfix forwards to a server of ours: by SMTP (smtp(8), STARTTLS verified against
#: the trustme CA) and by LMTP (lmtp(8)), each to a loopback port fixed when Postfix starts.
RELAY_DOMAIN = "relay.test"
LMTP_DOMAIN = "lmtp.test"

CLIENT_KINDS = ["sync", "aio"]


# --------------------------------------------------------------------------- skip or fail


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def require(condition: bool, reason: str) -> None:
    """Skip the test when ``condition`` is false -- or fail it when running in CI."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: interop tests never skip; .ci/run must install it)")
    pytest.skip(reason)


def require_program(name: str) -> str:
    """The path of program ``name``; skips (fails in CI) when it is not installed."""
    path = shutil.which(name) or shutil.which(name, path=SBIN_PATH)
    require(
        path is not None, f"{name} is not installed (apt-get install {PACKAGES.get(name, name)})"
    )
    assert path is not None
    return path


def require_root(what: str) -> None:
    require(os.geteuid() == 0, f"{what} needs root")


# --------------------------------------------------------------------------- small helpers


def free_port() -> int:
    """A loopback port that was free a moment ago (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"nothing listens on 127.0.0.1:{port} after {timeout}s"
                ) from None
            time.sleep(0.05)


def run_program(
    argv: Sequence[str | Path],
    *,
    stdin: bytes | None = None,
    timeout: float = 30.0,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run a program to completion; with ``check``, a non-zero exit fails with its output."""
    proc = subprocess.run(
        [str(a) for a in argv], input=stdin, capture_output=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{argv[0]} exited {proc.returncode}\n--- stdout\n"
            f"{proc.stdout.decode('utf-8', 'replace')}\n--- stderr\n"
            f"{proc.stderr.decode('utf-8', 'replace')}"
        )
    return proc


def flights(trace: Sequence[str]) -> list[list[str]]:
    """The client's lines grouped into flights: commands written before reading a reply.

    The client traces a command when it puts it on the wire and a reply when it parses it, so
    consecutive ``C:`` lines were all sent before the next reply was read.
    """
    groups: list[list[str]] = []
    current: list[str] = []
    for line in trace:
        if line.startswith("C: "):
            current.append(line[3:])
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


# --------------------------------------------------------------------------- certificates


@dataclass(frozen=True)
class Certs:
    """A trustme CA and a server certificate for localhost/127.0.0.1, as files and contexts."""

    ca_file: Path
    cert_file: Path
    key_file: Path
    server: ssl.SSLContext
    client: ssl.SSLContext


def make_certs(directory: Path) -> Certs:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    directory.mkdir(parents=True, exist_ok=True)
    ca_file, cert_file, key_file = (
        directory / "ca.pem",
        directory / "cert.pem",
        directory / "key.pem",
    )
    ca.cert_pem.write_to_path(str(ca_file))
    cert.private_key_pem.write_to_path(str(key_file))
    cert_file.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return Certs(ca_file, cert_file, key_file, server, client)


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="session")
def untrusted_certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A certificate from another CA: verification against ``certs.ca_file`` must fail."""
    return make_certs(tmp_path_factory.mktemp("untrusted-certs"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty $HOME, so no ~/.swaksrc, ~/.curlrc or ~/.msmtprc changes what a program does."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


# --------------------------------------------------------------------------- our clients


class Client(Protocol):
    """What the tests use of ``pymailproto.sync.SMTPClient``; the aio client is wrapped to it."""

    @property
    def extensions(self) -> Extensions: ...

    @property
    def connection(self) -> ClientConnection: ...

    def login(self, username: str, password: str, *, mechanism: str | None = None) -> Reply: ...

    def send_message(
        self,
        message: Message | bytes | str,
        from_addr: str | None = None,
        to_addrs: str | Sequence[str] | None = None,
    ) -> SendResult: ...


class AioClient:
    """``pymailproto.aio.SMTPClient`` driven from synchronous test code on its own loop."""

    def __init__(self, client: aio_transport.SMTPClient) -> None:
        self._client = client
        self._loop = asyncio.new_event_loop()

    def __enter__(self) -> AioClient:
        try:
            self._loop.run_until_complete(self._client.__aenter__())
        except BaseException:
            self._loop.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._loop.run_until_complete(self._client.__aexit__(exc_type, exc, tb))
        finally:
            self._loop.close()

    @property
    def extensions(self) -> Extensions:
        return self._client.extensions

    @property
    def connection(self) -> ClientConnection:
        return self._client.connection

    def login(self, username: str, password: str, *, mechanism: str | None = None) -> Reply:
        return self._loop.run_until_complete(
            self._client.login(username, password, mechanism=mechanism)
        )

    def send_message(
        self,
        message: Message | bytes | str,
        from_addr: str | None = None,
        to_addrs: str | Sequence[str] | None = None,
    ) -> SendResult:
        return self._loop.run_until_complete(
            self._client.send_message(message, from_addr, to_addrs)
        )


@contextlib.contextmanager
def open_client(
    kind: str,
    port: int,
    *,
    tls: TLSMode = TLSMode.PLAINTEXT,
    context: ssl.SSLContext | None = None,
    trace: list[str] | None = None,
    timeout: float = 15.0,
    lmtp: bool = False,
) -> Iterator[Client]:
    """Connect our ``kind`` ("sync" or "aio") client to 127.0.0.1:``port``."""
    sink = trace.append if trace is not None else None
    if kind == "sync":
        with sync_transport.SMTPClient(
            "127.0.0.1",
            port,
            tls=tls,
            ssl_context=context,
            timeout=timeout,
            trace=sink,
            lmtp=lmtp,
        ) as client:
            yield client
    elif kind == "aio":
        aclient = aio_transport.SMTPClient(
            "127.0.0.1",
            port,
            tls=tls,
            ssl_context=context,
            timeout=timeout,
            trace=sink,
            lmtp=lmtp,
        )
        with AioClient(aclient) as wrapped:
            yield wrapped
    else:
        raise AssertionError(kind)


@pytest.fixture(params=CLIENT_KINDS)
def client_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --------------------------------------------------------------------------- Postfix


@dataclass
class Postfix:
    """A private Postfix instance under ``root``; see :func:`postfix` for its configuration."""

    root: Path
    postfix: str
    #: "main": STARTTLS, AUTH after TLS, CHUNKING. "nochunk": the same without CHUNKING, so
    #: clients use DATA. "small": message_size_limit = SMALL_SIZE_LIMIT. "strict" and
    #: "strict-data" (no CHUNKING): smtpd_forbid_bare_newline = reject, for every client.
    ports: dict[str, int] = field(default_factory=dict)
    #: Where Postfix sends mail for RELAY_DOMAIN ("smtp") and LMTP_DOMAIN ("lmtp"): a test
    #: starts one of our servers there.
    next_hops: dict[str, int] = field(default_factory=dict)

    @property
    def config_dir(self) -> Path:
        return self.root / "etc"

    @property
    def maillog(self) -> Path:
        return self.root / "maillog"

    def log(self) -> str:
        try:
            return self.maillog.read_text("utf-8", "replace")
        except FileNotFoundError:
            return "(no maillog yet)"

    def mailbox(self, address: str) -> Path:
        return self.root / "mail" / MAILBOXES[address] / "new"

    def wait_for_mail(self, address: str, marker: str, timeout: float = 20.0) -> bytes:
        """The delivered message (as stored in the Maildir) whose content contains ``marker``."""
        needle = marker.encode()
        box = self.mailbox(address)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if box.is_dir():
                for path in box.iterdir():
                    data = path.read_bytes()
                    if needle in data:
                        return data
            time.sleep(0.05)
        tail = "\n".join(self.log().splitlines()[-30:])
        raise AssertionError(f"no message with {marker} in {box} after {timeout}s\n{tail}")

    def log_wait(self, needle: str, timeout: float = 10.0) -> str:
        """Wait until the maillog contains ``needle``; return the whole log."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not in the maillog after {timeout}s\n{text}")
            time.sleep(0.05)


def _main_cf(root: Path, uid: int, gid: int) -> str:
    etc = root / "etc"
    outbound_off = "error:5.7.1 outbound mail is disabled in this test instance"
    return f"""\
# A private Postfix for pymailproto's interop tests: loopback only, no outbound mail.
compatibility_level = 3.6
config_directory = {etc}
queue_directory = {root}/queue
data_directory = {root}/data
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
myhostname = mx.{DOMAIN}
mydomain = {DOMAIN}
myorigin = $mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP Postfix
alias_maps =
alias_database =
local_recipient_maps =
biff = no
default_transport = {outbound_off}
relay_transport = {outbound_off}
# Deliver exactly what was received: no header rewriting or added headers for any client.
local_header_rewrite_clients =
smtputf8_enable = yes

virtual_mailbox_domains = {DOMAIN}
virtual_mailbox_base = {root}/mail
virtual_mailbox_maps = texthash:{etc}/virtual_mailboxes
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}

# Mail for RELAY_DOMAIN and LMTP_DOMAIN goes to our servers (see Postfix.next_hops).
relay_domains = {RELAY_DOMAIN}, {LMTP_DOMAIN}
transport_maps = texthash:{etc}/transport
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtp_connection_cache_on_demand = no
lmtp_connection_cache_on_demand = no
smtp_tls_security_level = verify
smtp_tls_verify_cert_match = hostname
smtp_tls_CAfile = {etc}/ca.pem
smtp_tls_loglevel = 1
# Retry a deferred delivery (a next hop nobody listens on yet) within a second or two.
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s

smtpd_delay_reject = no
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_sender_restrictions = check_sender_access texthash:{etc}/sender_access
header_checks = regexp:{etc}/header_checks

smtpd_tls_security_level = may
smtpd_tls_cert_file = {etc}/cert.pem
smtpd_tls_key_file = {etc}/key.pem
smtpd_tls_auth_only = yes

smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
# Debian's Postfix reads $config_directory/sasl/smtpd.conf; upstream reads this path.
cyrus_sasl_config_path = {etc}/sasl
smtpd_sasl_local_domain = {DOMAIN}
"""


def _master_cf(ports: dict[str, int]) -> str:
    strict = " -o smtpd_forbid_bare_newline=reject -o smtpd_forbid_bare_newline_exclusions="
    listeners = {
        "main": "",
        "nochunk": " -o smtpd_discard_ehlo_keywords=chunking",
        "small": f" -o message_size_limit={SMALL_SIZE_LIMIT}",
        # The SMTP-smuggling defence: a bare LF in message content is refused, for every client.
        "strict": strict,
        "strict-data": strict + " -o smtpd_discard_ehlo_keywords=chunking",
    }
    lines = [
        f"127.0.0.1:{ports[name]} inet n - n - - smtpd{options}"
        for name, options in listeners.items()
    ]
    # service type private unpriv chroot wakeup maxproc command
    lines += [
        "pickup unix n - n 60 1 pickup",
        "cleanup unix n - n - 0 cleanup",
        "qmgr unix n - n 300 1 qmgr",
        "tlsmgr unix - - n 1000? 1 tlsmgr",
        "rewrite unix - - n - - trivial-rewrite",
        "bounce unix - - n - 0 bounce",
        "defer unix - - n - 0 bounce",
        "trace unix - - n - 0 bounce",
        "verify unix - - n - 1 verify",
        "flush unix n - n 1000? 0 flush",
        "proxymap unix - - n - - proxymap",
        "showq unix n - n - - showq",
        "error unix - - n - - error",
        "retry unix - - n - - error",
        "discard unix - - n - - discard",
        "virtual unix - n n - - virtual",
        "smtp unix - - n - - smtp",
        "lmtp unix - - n - - lmtp",
        "anvil unix - - n - 1 anvil",
        "scache unix - - n - 1 scache",
        "postlog unix-dgram n - n - 1 postlogd",
    ]
    return "\n".join(lines) + "\n"


def _configure_postfix(
    root: Path, certs: Certs, saslpasswd2: str
) -> tuple[dict[str, int], dict[str, int]]:
    postfix_user = pwd.getpwnam("postfix")
    # virtual(8) refuses uids below virtual_minimum_uid (100); nobody owns the Maildirs.
    owner = pwd.getpwnam("nobody")
    # Postfix daemons run as "postfix" and must traverse the tree (mkdtemp makes it 0700).
    root.chmod(0o755)
    etc = root / "etc"
    (etc / "sasl").mkdir(parents=True)
    (root / "queue").mkdir()
    for name, uid, gid in (
        ("data", postfix_user.pw_uid, postfix_user.pw_gid),
        ("mail", owner.pw_uid, owner.pw_gid),
    ):
        (root / name).mkdir()
        os.chown(root / name, uid, gid)
    shutil.copyfile(certs.cert_file, etc / "cert.pem")
    shutil.copyfile(certs.key_file, etc / "key.pem")
    shutil.copyfile(certs.ca_file, etc / "ca.pem")
    (etc / "key.pem").chmod(0o600)
    ports = {name: free_port() for name in ("main", "nochunk", "small", "strict", "strict-data")}
    next_hops = {"smtp": free_port(), "lmtp": free_port()}
    (etc / "main.cf").write_text(_main_cf(root, owner.pw_uid, owner.pw_gid))
    (etc / "master.cf").write_text(_master_cf(ports))
    (etc / "transport").write_text(
        f"{RELAY_DOMAIN} smtp:[localhost]:{next_hops['smtp']}\n"
        f"{LMTP_DOMAIN} lmtp:inet:127.0.0.1:{next_hops['lmtp']}\n"
    )
    (etc / "virtual_mailboxes").write_text(
        "".join(f"{address} {box}\n" for address, box in MAILBOXES.items()), "utf-8"
    )
    (etc / "sender_access").write_text(f"{BLOCKED_SENDER} REJECT sender blocked by the test\n")
    (etc / "header_checks").write_text(
        f"/^Subject:.*{REJECTED_SUBJECT}/ REJECT content refused by the test header_checks\n"
    )
    # Cyrus SASL with a private sasldb: the secrets stay retrievable, so PLAIN, LOGIN,
    # CRAM-MD5 and SCRAM all work against the one password.
    sasldb = root / "sasldb2"
    (etc / "sasl" / "smtpd.conf").write_text(
        "pwcheck_method: auxprop\n"
        "auxprop_plugin: sasldb\n"
        f"sasldb_path: {sasldb}\n"
        "mech_list: PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256\n"
    )
    run_program(
        [saslpasswd2, "-p", "-c", "-f", sasldb, "-u", DOMAIN, USER], stdin=PASSWORD.encode()
    )
    os.chown(sasldb, postfix_user.pw_uid, postfix_user.pw_gid)
    sasldb.chmod(0o600)
    return ports, next_hops


@pytest.fixture(scope="session")
def postfix(certs: Certs) -> Iterator[Postfix]:
    """A private Postfix instance on five loopback ports, delivering into Maildirs.

    ``virtual(8)`` delivers mail for the addresses in MAILBOXES to ``root/mail/<box>/new``
    (owned by nobody); anything else in the test domain is refused at RCPT ("User unknown in
    virtual mailbox table"); RELAY_DOMAIN and LMTP_DOMAIN go to loopback ports where tests
    run our servers; other domains are not relayed, and nothing can leave the machine.
    """
    require_root("a private Postfix instance")
    postfix_bin = require_program("postfix")
    saslpasswd2 = require_program("saslpasswd2")
    root = Path(tempfile.mkdtemp(prefix="pymailproto-postfix-"))
    instance = Postfix(root, postfix_bin)
    started = False
    try:
        instance.ports, instance.next_hops = _configure_postfix(root, certs, saslpasswd2)
        command = [postfix_bin, "-c", str(instance.config_dir)]
        proc = run_program([*command, "start"], timeout=60, check=False)
        started = proc.returncode == 0
        if not started:
            pytest.fail(
                f"postfix start failed ({proc.returncode}): "
                f"{proc.stdout.decode(errors='replace')}{proc.stderr.decode(errors='replace')}\n"
                f"{instance.log()}"
            )
        for port in instance.ports.values():
            wait_for_port(port)
        yield instance
    finally:
        if started:
            command = [postfix_bin, "-c", str(instance.config_dir)]
            run_program([*command, "stop"], timeout=60, check=False)
            status = run_program([*command, "status"], timeout=30, check=False)
            assert status.returncode != 0, "the private Postfix is still running"
        shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------- smtp-sink


@dataclass
class SmtpSink:
    port: int
    dump_dir: Path

    def dumps(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """Wait for ``count`` dumped transactions; return their contents."""
        deadline = time.monotonic() + timeout
        while True:
            files = sorted(self.dump_dir.glob("msg.*"))
            if len(files) >= count or time.monotonic() > deadline:
                return [path.read_bytes() for path in files]
            time.sleep(0.05)


@contextlib.contextmanager
def running_smtp_sink(*options: str) -> Iterator[SmtpSink]:
    """Postfix's ``smtp-sink`` on a loopback port, dumping each transaction to a file."""
    program = require_program("smtp-sink")
    # Not under pytest's tmp_path: that is private to root, and smtp-sink drops to nobody.
    dump_dir = Path(tempfile.mkdtemp(prefix="pymailproto-sink-"))
    argv = [program, "-4", "-d", f"{dump_dir}/msg.", *options]
    if os.geteuid() == 0:
        # smtp-sink refuses to keep super-user privileges; it writes the dumps as nobody.
        nobody = pwd.getpwnam("nobody")
        os.chown(dump_dir, nobody.pw_uid, nobody.pw_gid)
        argv += ["-u", "nobody"]
    port = free_port()
    proc = subprocess.Popen([*argv, f"127.0.0.1:{port}", "16"], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield SmtpSink(port, dump_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        shutil.rmtree(dump_dir, ignore_errors=True)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with running_smtp_sink() as sink:
        yield sink


@pytest.fixture
def lmtp_sink() -> Iterator[SmtpSink]:
    """``smtp-sink -L``: an LMTP server answering once per recipient after the data."""
    with running_smtp_sink("-L") as sink:
        yield sink


# --------------------------------------------------------------------------- Dovecot


class DovecotServer(Dovecot):
    """A :class:`~tests.interop.dovecot.Dovecot` with the trustme certificates it serves."""

    def __init__(self, certs: Certs, *, extra_config: str = "") -> None:
        super().__init__(
            certs.cert_file,
            certs.key_file,
            binary=require_program("dovecot"),
            extra_config=extra_config,
        )
        #: ``certs.client`` verifies the server (for "localhost" and "127.0.0.1").
        self.certs = certs


@pytest.fixture
def dovecot(certs: Certs) -> Iterator[DovecotServer]:
    """A private Dovecot IMAP server, fresh for every test (a start takes about 0.05 s).

    Users, ports, extensions and the files on disk: see ``tests/interop/dovecot.py``.
    """
    server = DovecotServer(certs)
    try:
        server.start()
    except DovecotError as exc:
        server.stop()
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()
