"""A private Dovecot IMAP server for the interop tests and the benchmarks.

:class:`Dovecot` writes a complete, standalone ``dovecot.conf`` into a fresh temporary directory
and runs ``dovecot -F -c CONF`` (Debian's ``dovecot-imapd``, 2.3) in its own session: nothing
of the system configuration is read, and nothing outside the directory is written. Layout::

    ROOT/dovecot.conf   the configuration       ROOT/dovecot.log   every log line
    ROOT/passwd         users, {PLAIN} passwords ROOT/run, ROOT/state  base_dir, state_dir
    ROOT/tls/           certificate and key      ROOT/home/USER/Maildir  the mail

**Users and uids.** The mail processes run as one uid, :attr:`Dovecot.mail_uid`, and own every
file under ``home/`` (``mail_uid``/``mail_gid``; the passwd-file leaves its uid fields empty).
As a normal user, that is you, and Dovecot runs "rootless": all of its processes run as you
(``default_internal_user`` = ``default_login_user`` = your user, no chroots). As root, Dovecot
refuses mail access as root ("Mail access not allowed for root", whatever first_valid_uid
says), so the mail belongs to ``nobody``: :meth:`Dovecot.populate` and
:meth:`Dovecot.create_mailbox` chown what they create, the package's system users separate
the rest as usual (login as ``dovenull``, auth as ``dovecot``), and the directory is made
world-readable (0755) so the auth process can read the passwd-file -- test passwords only.
Both modes are tested (as root and as ``nobody``).

**Listeners.** 127.0.0.1 only, on two ports picked at start: :attr:`Dovecot.port` (plain
IMAP; STARTTLS is offered and plaintext authentication is allowed, so tests can exercise
LOGIN without TLS) and :attr:`Dovecot.tls_port` (implicit TLS, "IMAPS").

**Authentication.** A passwd-file with ``{PLAIN}`` passwords serves PLAIN, LOGIN, CRAM-MD5,
SCRAM-SHA-1 and SCRAM-SHA-256 (UTF-8 user names and passwords are accepted:
``auth_username_chars`` is empty). XOAUTH2 and OAUTHBEARER work without any network: the
oauth2 passdb validates JWTs locally (``introspection_mode = local``) against an HMAC key in a
file dict, and :meth:`Dovecot.oauth2_token` signs a token with that key. A failed login is
answered within half a second (``auth_failure_delay = 0``; the auth process flushes failures
on a 0.5 s timer), and there is no penalty for repeated failures from 127.0.0.1.

**Extensions.** Dovecot 2.3's own set (IMAP4rev1, LITERAL+, SASL-IR, ID, ENABLE, IDLE,
NAMESPACE, UIDPLUS, MOVE, CONDSTORE, QRESYNC, ESEARCH, SORT, THREAD=REFERENCES, SPECIAL-USE,
LIST-EXTENDED, LIST-STATUS, BINARY, MULTIAPPEND, ...) plus QUOTA (the ``count`` backend, see
QUOTA_STORAGE_KIB and QUOTA_MESSAGES), METADATA (``imap_metadata`` with a file dict in each
home) and COMPRESS=DEFLATE (``imap_zlib``). :data:`CAPABILITIES` is exactly what is advertised
after login, :data:`TESTED_CAPABILITIES` the part our client is tested against. Dovecot 2.3
does not implement UTF8=ACCEPT (RFC 6855; its imap binary has no such capability), so that
one cannot be tested here. Special-use mailboxes (Drafts, Sent, Trash, Junk, Archive) exist and are
subscribed for every user (``auto = subscribe``). The hierarchy separator is ``/``.

**Mail on disk.** :meth:`Dovecot.populate` writes messages straight into a Maildir (10,000 in
well under two seconds) and Dovecot indexes them on the next SELECT or STATUS. A mailbox
created on disk is listed by sessions that log in afterwards (an open session's mailbox list
index may not notice it). :meth:`Dovecot.doveadm` changes mailboxes "from another client".

**Timing.** New mail shows up in IDLE at once (inotify; ``mailbox_idle_check_interval``
is 1 s where inotify is missing), the "still here" keepalive comes every
IDLE_NOTIFY_INTERVAL seconds, and ``mail_max_userip_connections`` is high, because the tests
open many connections.

:meth:`Dovecot.stop` ends the master and then anything left in its session (SIGKILL), so no
daemon outlives the object, also when :meth:`Dovecot.start` fails; that error carries the
log. This module imports nothing from pytest: the benchmarks use it too.
"""

from __future__ import annotations

import base64
import contextlib
import grp
import hashlib
import hmac
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

#: Where Debian installs the daemons (not on a normal user's PATH).
SBIN_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")

#: The users every instance starts with: name -> password (stored as {PLAIN}).
DEFAULT_USERS: Mapping[str, str] = {
    "alice": "wonderland",
    "bob": "builder",
    "jösé": "pässwörd",
}

#: The special-use mailboxes every user has (RFC 6154), by name.
SPECIAL_USE: Mapping[str, str] = {
    "Drafts": "\\Drafts",
    "Sent": "\\Sent",
    "Trash": "\\Trash",
    "Junk": "\\Junk",
    "Archive": "\\Archive",
}

#: The hierarchy separator of the one (INBOX) namespace.
SEPARATOR = "/"

#: The SASL mechanisms checked against the passwd-file, and those taking an OAuth 2.0 token.
PASSWORD_MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256")
OAUTH2_MECHANISMS = ("XOAUTH2", "OAUTHBEARER")
#: Every mechanism offered (AUTH=... in the capabilities), in this order.
AUTH_MECHANISMS = PASSWORD_MECHANISMS + OAUTH2_MECHANISMS

#: Capabilities in the greeting of the plain port, before STARTTLS (besides the AUTH= ones).
PRE_LOGIN_CAPABILITIES = frozenset(
    {"IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "LITERAL+", "STARTTLS"}
)

#: The extensions our client is tested against, all advertised after login.
TESTED_CAPABILITIES = frozenset(
    {
        "IMAP4rev1",
        "LITERAL+",
        "SASL-IR",
        "ID",
        "ENABLE",
        "IDLE",
        "NAMESPACE",
        "UIDPLUS",
        "MOVE",
        "CONDSTORE",
        "QRESYNC",
        "ESEARCH",
        "SORT",
        "THREAD=REFERENCES",
        "SPECIAL-USE",
        "LIST-EXTENDED",
        "LIST-STATUS",
        "BINARY",
        "MULTIAPPEND",
        "QUOTA",
        "METADATA",
        "COMPRESS=DEFLATE",
    }
)

#: Exactly what Dovecot 2.3.19 advertises after login with this configuration: its built-in
#: set plus NOTIFY (the notify plugin is built in), METADATA, QUOTA and COMPRESS=DEFLATE.
CAPABILITIES = TESTED_CAPABILITIES | {
    "LOGIN-REFERRALS",
    "SORT=DISPLAY",
    "THREAD=REFS",
    "THREAD=ORDEREDSUBJECT",
    "URL-PARTIAL",
    "CATENATE",
    "UNSELECT",
    "CHILDREN",
    "I18NLEVEL=1",
    "ESORT",
    "SEARCHRES",
    "WITHIN",
    "CONTEXT=SEARCH",
    "SNIPPET=FUZZY",
    "PREVIEW=FUZZY",
    "PREVIEW",
    "STATUS=SIZE",
    "SAVEDATE",
    "NOTIFY",
}

#: The per-user quota (the "count" backend counts messages and their virtual sizes).
QUOTA_STORAGE_KIB = 1024 * 1024
QUOTA_MESSAGES = 1_000_000

#: Seconds between "* OK Still here" lines during IDLE.
IDLE_NOTIFY_INTERVAL = 10

#: The oauth2 token's HMAC key is looked up as shared/<azp>/<alg>/<kid>.
_OAUTH2_KEY_ID = "default"

START_TIMEOUT = 15.0
#: Seconds the processes get to exit after SIGTERM; the master sometimes waits a second for
#: its children, and a Dovecot that is stopped is deleted anyway, so SIGKILL comes soon.
STOP_GRACE = 0.3
STOP_TIMEOUT = 10.0


class DovecotError(RuntimeError):
    """Dovecot did not start (the message ends with its log)."""


def _find_sbin(name: str) -> str | None:
    for directory in SBIN_DIRS:
        path = Path(directory, name)
        if os.access(path, os.X_OK):
            return str(path)
    return shutil.which(name)


def dovecot_binary() -> str | None:
    """The path of the ``dovecot`` master binary, or None when Dovecot is not installed."""
    return _find_sbin("dovecot")


def doveadm_binary() -> str | None:
    """The path of ``doveadm``, or None."""
    return _find_sbin("doveadm")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def imap_utf7(name: str) -> str:
    """``name`` in modified UTF-7 (RFC 3501 section 5.1.3), as Dovecot 2.3 names folders."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).rstrip(b"=").decode().replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _session_members(sid: int) -> list[int]:
    """The pids of the processes in session ``sid`` (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ... -- comm may contain spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


class Dovecot:
    """A private Dovecot instance; a context manager (``start()`` on entry, ``stop()`` on exit).

    ``cert_file`` and ``key_file`` (PEM) are copied into the instance's directory; a client
    verifies the server with the CA that issued them, for "localhost" or "127.0.0.1".
    """

    def __init__(
        self,
        cert_file: str | os.PathLike[str],
        key_file: str | os.PathLike[str],
        *,
        users: Mapping[str, str] | None = None,
        binary: str | None = None,
        extra_config: str = "",
    ) -> None:
        found = binary or dovecot_binary()
        if found is None:
            raise DovecotError("dovecot is not installed (apt-get install dovecot-imapd)")
        self.binary = found
        self.cert_file = Path(cert_file)
        self.key_file = Path(key_file)
        #: name -> password of every user (add more with :meth:`add_user`).
        self.users: dict[str, str] = dict(DEFAULT_USERS if users is None else users)
        #: Appended to the generated dovecot.conf (later settings win).
        self.extra_config = extra_config
        self.root = Path(tempfile.mkdtemp(prefix="pymailproto-dovecot-"))
        self.port = 0
        self.tls_port = 0
        if os.geteuid() == 0:
            # Dovecot refuses mail access as root: the mail belongs to "nobody" instead.
            nobody = pwd.getpwnam("nobody")
            self.mail_uid, self.mail_gid = nobody.pw_uid, nobody.pw_gid
        else:
            self.mail_uid, self.mail_gid = os.getuid(), os.getgid()
        self._oauth2_key = secrets.token_bytes(32)
        self._process: subprocess.Popen[bytes] | None = None
        self._next_file = 0

    # ------------------------------------------------------------------ paths

    @property
    def config_file(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def log_file(self) -> Path:
        return self.root / "dovecot.log"

    @property
    def pid(self) -> int | None:
        """The master's pid while it runs."""
        return None if self._process is None else self._process.pid

    def home(self, user: str) -> Path:
        return self.root / "home" / user

    def maildir_root(self, user: str) -> Path:
        """The user's Maildir (mail_location ``maildir:~/Maildir``): INBOX itself."""
        return self.home(user) / "Maildir"

    def mailbox_path(self, user: str, mailbox: str) -> Path:
        """The Maildir of ``mailbox`` (Maildir++: ``.Name.Sub`` folders for ``Name/Sub``)."""
        if mailbox.upper() == "INBOX":
            return self.maildir_root(user)
        if "." in mailbox:
            # Maildir++ keeps the hierarchy with dots on disk; Dovecot refuses them in names.
            raise ValueError(f"{mailbox!r}: '.' cannot go in a mailbox name here")
        parts = [imap_utf7(part) for part in mailbox.split(SEPARATOR)]
        return self.maildir_root(user) / ("." + ".".join(parts))

    def log_text(self) -> str:
        try:
            return self.log_file.read_text("utf-8", "replace")
        except FileNotFoundError:
            return "(no log yet)"

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Dovecot:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Write the configuration, start the master and wait for an IMAP greeting."""
        if self._process is not None:
            raise DovecotError("already started")
        try:
            self._prepare()
            for attempt in range(3):
                self.port, self.tls_port = _free_port(), _free_port()
                self.config_file.write_text(self._config(), "utf-8")
                with (self.root / "stderr.log").open("wb") as stderr:
                    # -F: in the foreground, so the master is our child and leads a session
                    # of its own that holds every process it starts (see _kill).
                    self._process = subprocess.Popen(
                        [self.binary, "-F", "-c", str(self.config_file)],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=stderr,
                        start_new_session=True,
                    )
                try:
                    self._wait_ready()
                    return
                except DovecotError as exc:
                    # A port taken between _free_port() and the bind: try new ones.
                    self._kill()
                    if attempt == 2 or "Address already in use" not in str(exc):
                        raise
        except BaseException:
            self._kill()
            raise

    def stop(self) -> None:
        """Stop the master and everything it started; remove the directory."""
        try:
            self._kill()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def processes(self) -> list[int]:
        """The pids of the running master and its children (its session)."""
        return [] if self._process is None else _session_members(self._process.pid)

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # The master leads its own session and process group (start_new_session), and its
        # children stay in both. SIGTERM to the whole group ends them all at once (the master
        # alone takes seconds to stop its children). A child between fork and exec still has
        # the master's signal handler and swallows the signal, so it is repeated; whatever is
        # left after a grace period gets SIGKILL.
        sid = process.pid
        deadline = time.monotonic() + STOP_GRACE
        while True:
            running = process.poll() is None
            leftovers = _session_members(sid)
            if not running and not leftovers:
                return
            now = time.monotonic()
            if now > deadline + STOP_TIMEOUT:
                raise DovecotError(f"dovecot processes {leftovers} do not stop")
            if now <= deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(sid, signal.SIGTERM)
            else:
                if running:
                    process.kill()
                for pid in leftovers:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def doveadm(self, *args: str, timeout: float = 30.0) -> str:
        """Run ``doveadm -c CONF ARGS`` on this instance; its output. Raises on failure.

        For changes "from another client" without IMAP, e.g.
        ``doveadm("expunge", "-u", "alice", "mailbox", "INBOX", "uid", "3")``.
        """
        binary = doveadm_binary()
        if binary is None:
            raise DovecotError("doveadm is not installed (apt-get install dovecot-core)")
        proc = subprocess.run(
            [binary, "-c", str(self.config_file), *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise DovecotError(
                f"doveadm {' '.join(args)} exited {proc.returncode}: "
                f"{proc.stderr.decode('utf-8', 'replace')}"
            )
        return proc.stdout.decode("utf-8", "replace")

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        for port in (self.port, self.tls_port):
            while True:
                if self._process.poll() is not None:
                    raise self._error(f"dovecot exited with status {self._process.returncode}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                        if port == self.tls_port:
                            break  # accepted; the greeting comes after a handshake
                        greeting = sock.recv(1024)
                        if greeting.startswith(b"* OK"):
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise self._error(f"no IMAP greeting on port {port} after {START_TIMEOUT}s")
                time.sleep(0.02)

    def _error(self, message: str) -> DovecotError:
        stderr = (self.root / "stderr.log").read_text("utf-8", "replace")
        return DovecotError(
            f"{message}\n--- stderr\n{stderr}\n--- {self.log_file}\n{self.log_text()}"
        )

    # ------------------------------------------------------------------ configuration

    def _prepare(self) -> None:
        tls = self.root / "tls"
        tls.mkdir(exist_ok=True)
        shutil.copyfile(self.cert_file, tls / "cert.pem")
        shutil.copyfile(self.key_file, tls / "key.pem")
        (tls / "key.pem").chmod(0o600)
        for name in ("run", "state", "home"):
            (self.root / name).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            # The auth process (user "dovecot") reads the passwd-file and the oauth2 key.
            self.root.chmod(0o755)
        key = base64.b64encode(self._oauth2_key).decode()
        (self.root / "oauth2-keys").write_text(
            f"shared/default/HS256/{_OAUTH2_KEY_ID}\n{key}\n", "ascii"
        )
        (self.root / "oauth2.conf").write_text(
            "introspection_mode = local\n"
            f"local_validation_key_dict = file:{self.root}/oauth2-keys\n"
            "username_attribute = sub\n",
            "ascii",
        )
        for user in self.users:
            self._make_home(user)
        self._write_passwd()

    def _own(self, path: Path) -> None:
        """Give ``path`` to the mail owner (when running as root it is not us)."""
        if os.geteuid() == 0:
            os.chown(path, self.mail_uid, self.mail_gid)

    def _mkdirs(self, path: Path) -> None:
        """``mkdir -p path``; what it creates belongs to the mail owner."""
        if not path.is_dir():
            self._mkdirs(path.parent)
            path.mkdir()
            self._own(path)

    def _make_home(self, user: str) -> None:
        for sub in ("cur", "new", "tmp"):
            self._mkdirs(self.maildir_root(user) / sub)

    def _write_passwd(self) -> None:
        lines = []
        for user, password in self.users.items():
            if any(char in user + password for char in ":\n"):
                raise ValueError(f"user {user!r}: ':' and newlines cannot go in a passwd-file")
            # The uid and gid come from mail_uid/mail_gid: the passwd-file refuses uid 0.
            lines.append(f"{user}:{{PLAIN}}{password}::::{self.home(user)}::\n")
        path = self.root / "passwd"
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(lines), "utf-8")
        tmp.chmod(0o644)
        # Atomic, so a running auth process never reads half a file (it rereads on change).
        tmp.replace(path)

    def add_user(self, user: str, password: str) -> None:
        """Add a user (also while running: Dovecot rereads the passwd-file when it changes)."""
        self.users[user] = password
        self._make_home(user)
        self._write_passwd()

    def _config(self) -> str:
        root = self.root
        if os.geteuid() == 0:
            internal_user, internal_group, login_user = "dovecot", "dovecot", "dovenull"
        else:
            internal_user = pwd.getpwuid(os.getuid()).pw_name
            internal_group = grp.getgrgid(os.getgid()).gr_name
            login_user = internal_user
        mailboxes = "".join(
            f"  mailbox {name} {{\n    special_use = {flag}\n    auto = subscribe\n  }}\n"
            for name, flag in SPECIAL_USE.items()
        )
        mechanisms = " ".join(m.lower() for m in AUTH_MECHANISMS)
        password_mechanisms = " ".join(m.lower() for m in PASSWORD_MECHANISMS)
        oauth2_mechanisms = " ".join(m.lower() for m in OAUTH2_MECHANISMS)
        return f"""\
# A private Dovecot for pymailproto's tests: loopback only, everything under {root}.
instance_name = {root.name}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes

default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 0
first_valid_gid = 0
mail_uid = {self.mail_uid}
mail_gid = {self.mail_gid}
default_client_limit = 1000

ssl = yes
ssl_cert = <{root}/tls/cert.pem
ssl_key = <{root}/tls/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no

auth_mechanisms = {mechanisms}
auth_username_chars =
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
  mechanisms = {password_mechanisms}
}}
passdb {{
  driver = oauth2
  args = {root}/oauth2.conf
  mechanisms = {oauth2_mechanisms}
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}

mail_location = maildir:~/Maildir
mail_plugins = quota
mail_max_userip_connections = 500
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = {IDLE_NOTIFY_INTERVAL} secs
imap_metadata = yes
mail_attribute_dict = file:%h/dovecot-attributes

namespace inbox {{
  inbox = yes
  separator = {SEPARATOR}
{mailboxes}}}

protocol imap {{
  mail_plugins = $mail_plugins imap_quota imap_zlib
}}

plugin {{
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage={QUOTA_STORAGE_KIB}:messages={QUOTA_MESSAGES}
}}

service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
  process_limit = 500
}}
service imap {{
  process_limit = 500
}}
service anvil {{
  chroot =
  # No authentication penalty (delays of seconds after a failed login from 127.0.0.1).
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{self.extra_config}
"""

    # ------------------------------------------------------------------ mail on disk

    def create_mailbox(self, user: str, mailbox: str, *, subscribe: bool = True) -> Path:
        """Create ``mailbox`` on disk as Dovecot's CREATE does; its Maildir path.

        Only the mailbox itself is created: its parents (``A`` of ``A/B``) stay \\Noselect
        until created too. With ``subscribe``, the name is added to the subscriptions file
        (Dovecot's version 2 format: mUTF-7, hierarchy levels separated by tabs).
        """
        path = self.mailbox_path(user, mailbox)
        for sub in ("cur", "new", "tmp"):
            self._mkdirs(path / sub)
        if path != self.maildir_root(user) and not (path / "maildirfolder").exists():
            (path / "maildirfolder").touch()
            self._own(path / "maildirfolder")
        if subscribe:
            subscriptions = self.maildir_root(user) / "subscriptions"
            entry = "\t".join(imap_utf7(part) for part in mailbox.split(SEPARATOR))
            text = subscriptions.read_text("utf-8") if subscriptions.exists() else "V\t2\n\n"
            if entry not in text.splitlines()[2:]:
                tmp = subscriptions.with_name("subscriptions.lock")
                tmp.write_text(f"{text}{entry}\n", "utf-8")
                self._own(tmp)
                tmp.replace(subscriptions)
        return path

    def populate(
        self, user: str, mailbox: str, messages: Iterable[bytes], *, flags: str | None = None
    ) -> int:
        """Write ``messages`` straight into the Maildir of ``mailbox``; how many were written.

        Each message goes to ``tmp/`` and is renamed into ``new/`` -- or, with ``flags``
        (Maildir info letters such as ``"S"`` for \\Seen, ``"FS"``), into ``cur/`` with those
        flags. Dovecot gives them UIDs in this order when it next syncs the mailbox (SELECT,
        STATUS, or IDLE/NOOP of a session that has it open). The bytes are stored as given:
        with CRLF line endings, a FETCH of BODY[] returns them unchanged.
        """
        box = self.mailbox_path(user, mailbox)
        if box == self.maildir_root(user):
            self._make_home(user)
        elif not (box / "new").is_dir():
            self.create_mailbox(user, mailbox)
        target = box / ("new" if flags is None else "cur")
        suffix = "" if flags is None else ":2," + "".join(sorted(set(flags)))
        # <secs>.M<usecs>P<pid>Q<n>: Dovecot orders new files by the time in their name.
        now, pid, host = int(time.time()), os.getpid(), socket.gethostname().replace("/", "_")
        count, chown = 0, os.geteuid() == 0
        for data in messages:
            n = self._next_file
            self._next_file += 1
            name = f"{now + n // 1_000_000}.M{n % 1_000_000}P{pid}Q{n}.{host},S={len(data)}"
            tmp = box / "tmp" / name
            with open(tmp, "wb") as file:
                file.write(data)
                if chown:
                    os.fchown(file.fileno(), self.mail_uid, self.mail_gid)
            os.rename(tmp, target / (name + suffix))
            count += 1
        return count

    # ------------------------------------------------------------------ OAuth 2.0

    def oauth2_token(self, user: str, *, lifetime: int = 3600) -> str:
        """A signed JWT access token for ``user`` (XOAUTH2 / OAUTHBEARER), valid ``lifetime`` s."""
        now = int(time.time())
        header = {"alg": "HS256", "typ": "JWT", "kid": _OAUTH2_KEY_ID}
        claims = {"sub": user, "iat": now, "nbf": now, "exp": now + lifetime}
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        digest = hmac.new(self._oauth2_key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64url(digest)}"
