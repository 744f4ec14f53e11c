"""Every IMAP client of ours behind one blocking face, so one test runs on every transport.

``open_client("sync" | "aio" | "threaded", ...)`` yields an object with the blocking client's
methods: the asyncio client runs on a private event loop in a thread and each call waits for
it; its async iterators (``iter_fetch``, ``iter_body``, ``idle``) are turned into blocking ones.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from pymailproto import aio as aio_transport
from pymailproto import sync as sync_transport
from pymailproto import threaded as threaded_transport

CLIENT_KINDS = ["sync", "aio", "threaded"]


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class _BlockingIterator:
    def __init__(self, runner: _LoopThread, iterator: AsyncIterator[Any]) -> None:
        self._runner = runner
        self._iterator = iterator

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return self._runner.run(self._iterator.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None


class _BlockingIdle:
    def __init__(self, runner: _LoopThread, session: aio_transport.IdleSession) -> None:
        self._runner = runner
        self._session = session

    def __enter__(self) -> _BlockingIdle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __iter__(self) -> Iterator[Any]:
        return _BlockingIterator(self._runner, self._session.__aiter__())

    def stop(self) -> None:
        self._runner.run(self._session.stop())

    @property
    def leftover(self) -> list[Any]:
        return self._session.leftover


class BlockingAio:
    """The asyncio client, called as if it were the blocking one."""

    def __init__(self, runner: _LoopThread, client: aio_transport.IMAPClient) -> None:
        self._runner = runner
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name in ("iter_fetch", "iter_body"):
            return lambda *a, **k: _BlockingIterator(self._runner, attr(*a, **k))
        if name == "idle":
            return lambda *a, **k: _BlockingIdle(self._runner, attr(*a, **k))
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if asyncio.iscoroutine(result):
                return self._runner.run(result)
            return result

        return call


@contextmanager
def open_client(kind: str, host: str, port: int, **kwargs: Any) -> Iterator[Any]:
    """A connected client of ``kind``; logged out and closed afterwards."""
    if kind in ("sync", "threaded"):
        module = sync_transport if kind == "sync" else threaded_transport
        with module.IMAPClient(host, port, **kwargs) as client:
            yield client
        return
    runner = _LoopThread()
    try:
        aclient = aio_transport.IMAPClient(host, port, **kwargs)
        runner.run(aclient.__aenter__())
        try:
            yield BlockingAio(runner, aclient)
        except BaseException as exc:
            runner.run(aclient.__aexit__(type(exc), exc, exc.__traceback__))
            raise
        runner.run(aclient.__aexit__(None, None, None))
    finally:
        runner.close()
