"""RelayHandler: a server that hands every message on to a smarthost before answering."""

from __future__ import annotations

from typing import Any

import pytest

from pymailproto import TLSMode
from pymailproto import aio as aio_transport
from pymailproto import threaded as threaded_transport
from pymailproto.servers import CaptureHandler
from pymailproto.smtp import DataRefused, RcptTo, Reply
from tests.transports.conftest import run_server, send_with

MESSAGE = b"Subject: relayed\r\n\r\nThrough two servers.\r\n"


def relay_for(kind: str, port: int) -> Any:
    target_cls = threaded_transport.RelayTarget
    target = target_cls("127.0.0.1", port, tls=TLSMode.PLAINTEXT, timeout=10)
    if kind == "aio":
        return aio_transport.RelayHandler(target)
    return threaded_transport.RelayHandler(target)


@pytest.mark.parametrize("kind", ["threaded", "aio"])
def test_message_reaches_the_smarthost_before_250(kind: str) -> None:
    capture = CaptureHandler()
    with run_server("threaded", handler=capture) as smarthost:
        with run_server(kind, handler=relay_for(kind, smarthost.port)) as relay:
            result = send_with(
                "sync", relay.port, MESSAGE, from_addr="a@x.example", to_addrs=["b@y.example"]
            )
        [envelope] = capture.wait_for(1, timeout=0)  # already there when 250 came back
    assert result.reply.text_lines[0].startswith("Relayed:")
    assert envelope.data == MESSAGE
    assert envelope.rcpt_to == ["b@y.example"]


class RefuseAll(CaptureHandler):
    def handle_rcpt(self, session: object, rcpt: RcptTo) -> Reply | None:
        return Reply(550, "No such user", "5.1.1")


@pytest.mark.parametrize("kind", ["threaded", "aio"])
def test_smarthost_refusal_is_passed_back(kind: str) -> None:
    with run_server("threaded", handler=RefuseAll()) as smarthost:
        with run_server(kind, handler=relay_for(kind, smarthost.port)) as relay:
            with pytest.raises(DataRefused) as refused:
                send_with(
                    "sync", relay.port, MESSAGE, from_addr="a@x.example", to_addrs=["b@y.example"]
                )
    assert refused.value.reply.code == 554


@pytest.mark.parametrize("kind", ["threaded", "aio"])
def test_unreachable_smarthost_is_a_temporary_failure(kind: str) -> None:
    with run_server("threaded") as gone:
        port = gone.port
    with run_server(kind, handler=relay_for(kind, port)) as relay:
        with pytest.raises(DataRefused) as refused:
            send_with(
                "sync", relay.port, MESSAGE, from_addr="a@x.example", to_addrs=["b@y.example"]
            )
    assert refused.value.reply.code == 451
    assert refused.value.reply.enhanced == "4.4.1"
