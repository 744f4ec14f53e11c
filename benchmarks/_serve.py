"""Run one SMTP server that discards mail, in this process, for ``smtp_server.py``.

    python benchmarks/_serve.py {asyncio,threaded,aiosmtpd,asyncio-floor}

Prints ``PORT <n>`` once the server accepts connections, then serves until its standard input
closes (or SIGTERM), stops the server cleanly and exits. Each server library is imported only
in the child that runs it, so a child's peak RSS is that server's alone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

KINDS = ("asyncio", "threaded", "aiosmtpd", "asyncio-floor")


def _serve_until_stopped(stop: Callable[[], None]) -> None:
    """Block the main thread until stdin closes or SIGTERM arrives, then call ``stop``.

    No watcher thread: a profiler attached to the child sees only the server's own threads.
    """
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(0))
    try:
        sys.stdin.buffer.read()  # returns at EOF: the parent closed the pipe or went away
    except SystemExit:
        pass
    finally:
        stop()


def _announce(port: int) -> None:
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()


def serve_asyncio() -> None:
    """pymailproto's asyncio server with SinkHandler."""
    from pymailproto.aio import SMTPServer  # noqa: PLC0415 - only in this server's child
    from pymailproto.servers import SinkHandler  # noqa: PLC0415

    async def main() -> None:
        server = SMTPServer(host="127.0.0.1", port=0, handler=SinkHandler())
        await server.start()
        loop = asyncio.get_running_loop()
        done = asyncio.Event()

        def on_stdin() -> None:
            if not os.read(0, 4096):  # EOF: the parent closed the pipe or went away
                loop.remove_reader(0)
                done.set()

        loop.add_reader(0, on_stdin)
        loop.add_signal_handler(signal.SIGTERM, done.set)
        _announce(server.port)
        await done.wait()
        await server.stop(timeout=5)

    asyncio.run(main())


def serve_threaded() -> None:
    """pymailproto's threaded server (a thread per connection) with SinkHandler."""
    from pymailproto.servers import SinkHandler  # noqa: PLC0415 - only in this server's child
    from pymailproto.threaded import SMTPServer  # noqa: PLC0415

    server = SMTPServer(host="127.0.0.1", port=0, handler=SinkHandler())
    server.start()
    _announce(server.port)
    _serve_until_stopped(server.stop)


class DiscardHandler:
    """An aiosmtpd handler that accepts every message and keeps nothing."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def serve_aiosmtpd() -> None:
    """aiosmtpd run as its documentation recommends: a Controller (its own loop thread)."""
    from aiosmtpd.controller import Controller  # noqa: PLC0415 - only in this server's child

    controller = None
    for _attempt in range(5):
        # Controller needs a concrete port: pick a free one, retry if another program takes it.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(DiscardHandler(), hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except Exception:
            time.sleep(0.1)
            controller = None
            continue
        break
    if controller is None:
        raise SystemExit("aiosmtpd could not bind a port")
    _announce(port)
    _serve_until_stopped(controller.stop)


class CannedReplies(asyncio.Protocol):
    """Not an SMTP server: the least an asyncio server can do per smtp-source command.

    It answers each line with a fixed reply and finds the end of the data with ``endswith``,
    without parsing anything. Only good for smtp-source's lock-step dialogue (one command per
    write, no pipelining). Its throughput is the ceiling of any asyncio SMTP server here.
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.in_data = False
        self.data = bytearray()
        transport.write(b"220 floor ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        if self.in_data:
            self.data += data
            if self.data.endswith(b"\r\n.\r\n"):
                self.in_data = False
                self.data.clear()
                self.transport.write(b"250 2.0.0 Ok\r\n")
            return
        replies = []
        for line in data.split(b"\r\n")[:-1]:
            verb = line[:4].upper()
            if verb == b"DATA":
                self.in_data = True
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 2.0.0 Bye\r\n")
            else:
                replies.append(b"250 2.0.0 Ok\r\n")
        self.transport.write(b"".join(replies))


def serve_floor() -> None:
    """The asyncio floor: CannedReplies on a plain asyncio server."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(CannedReplies, "127.0.0.1", 0)
        done = asyncio.Event()

        def on_stdin() -> None:
            if not os.read(0, 4096):
                loop.remove_reader(0)
                done.set()

        loop.add_reader(0, on_stdin)
        loop.add_signal_handler(signal.SIGTERM, done.set)
        _announce(server.sockets[0].getsockname()[1])
        await done.wait()
        server.close()

    asyncio.run(main())


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in KINDS:
        raise SystemExit(f"usage: _serve.py {{{','.join(KINDS)}}}")
    servers = {
        "asyncio": serve_asyncio,
        "threaded": serve_threaded,
        "aiosmtpd": serve_aiosmtpd,
        "asyncio-floor": serve_floor,
    }
    servers[argv[0]]()


if __name__ == "__main__":
    main(sys.argv[1:])
