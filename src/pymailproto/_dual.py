"""Client methods written once for both transports: blocking where called on a blocking client,
awaitable where called on an asyncio one.

A client method is a *procedure builder*: it checks its arguments and returns the sans-IO
procedure (a generator, see :mod:`pymailproto._io`) that does the work. :func:`operation`
turns such a builder into a descriptor: looked up on a :class:`BlockingRunner` it gives a
function that runs the procedure and returns its result; on an :class:`AwaitingRunner`, one
that returns a coroutine. The signature and docstring are the builder's, and mypy sees both
forms exactly (``__get__`` is overloaded on the client's type), so the blocking and asyncio
clients share one list of methods instead of two copies that drift apart.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from pymailproto._io import Procedure, Stream

__all__ = [
    "AwaitingRunner",
    "BlockingRunner",
    "Operation",
    "StreamOperation",
    "operation",
    "stream",
]

P = ParamSpec("P")
T = TypeVar("T")
_B = TypeVar("_B", bound="BlockingSession")
_A = TypeVar("_A", bound="AwaitingSession")


class BlockingRunner(abc.ABC):
    """A client that runs procedures by blocking (``pymailproto.sync``, ``threaded``)."""

    @abc.abstractmethod
    def _run(self, procedure: Procedure[T]) -> T:
        """Run ``procedure`` to its result."""

    @abc.abstractmethod
    def _iterate(self, stream: Stream[T]) -> Iterator[T]:
        """Run ``stream``, yielding its items."""


class AwaitingRunner(abc.ABC):
    """A client that runs procedures on an asyncio event loop (``pymailproto.aio``)."""

    @abc.abstractmethod
    async def _run(self, procedure: Procedure[T]) -> T:
        """Run ``procedure`` to its result."""

    @abc.abstractmethod
    def _iterate(self, stream: Stream[T]) -> AsyncIterator[T]:
        """Run ``stream``, yielding its items."""


class BlockingSession(abc.ABC):
    """A blocking client as a context manager: connect on entry; on a clean exit say goodbye
    (LOGOUT, QUIT); close in every case."""

    @abc.abstractmethod
    def connect(self) -> object:
        """Connect and open the session."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection without a goodbye."""

    @abc.abstractmethod
    def _goodbye(self) -> None:
        """End the session politely, if it is still open."""

    def __enter__(self: _B) -> _B:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._goodbye()
        finally:
            self.close()


class AwaitingSession(abc.ABC):
    """The asyncio counterpart of :class:`BlockingSession` (``async with``)."""

    @abc.abstractmethod
    async def connect(self) -> object:
        """Connect and open the session."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Close the connection without a goodbye."""

    @abc.abstractmethod
    async def _goodbye(self) -> None:
        """End the session politely, if it is still open."""

    async def __aenter__(self: _A) -> _A:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self._goodbye()
        finally:
            await self.close()


class Operation(Generic[P, T]):
    """A client method: runs the procedure its builder makes (see the module docstring)."""

    def __init__(self, builder: Callable[Concatenate[Any, P], Procedure[T]]) -> None:
        self._builder = builder
        functools.update_wrapper(self, builder)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type) -> Operation[P, T]: ...
    @overload
    def __get__(self, obj: BlockingRunner, owner: type) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: AwaitingRunner, owner: type) -> Callable[P, Coroutine[Any, Any, T]]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Callable[P, Procedure[T]]: ...

    def __get__(self, obj: object, owner: type) -> object:
        if obj is None:
            return self
        builder = self._builder
        if isinstance(obj, AwaitingRunner):

            async def awaited(*args: P.args, **kwargs: P.kwargs) -> T:
                return await obj._run(builder(obj, *args, **kwargs))

            return functools.update_wrapper(awaited, builder)
        if isinstance(obj, BlockingRunner):

            def blocking(*args: P.args, **kwargs: P.kwargs) -> T:
                return obj._run(builder(obj, *args, **kwargs))

            return functools.update_wrapper(blocking, builder)
        return functools.partial(builder, obj)


class StreamOperation(Generic[P, T]):
    """A client method that hands out results as they arrive: an iterator on a blocking
    client, an async iterator on an asyncio one."""

    def __init__(self, builder: Callable[Concatenate[Any, P], Stream[T]]) -> None:
        self._builder = builder
        functools.update_wrapper(self, builder)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type) -> StreamOperation[P, T]: ...
    @overload
    def __get__(self, obj: BlockingRunner, owner: type) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, obj: AwaitingRunner, owner: type) -> Callable[P, AsyncIterator[T]]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Callable[P, Stream[T]]: ...

    def __get__(self, obj: object, owner: type) -> object:
        if obj is None:
            return self
        builder = self._builder
        if isinstance(obj, (AwaitingRunner, BlockingRunner)):

            def iterate(*args: P.args, **kwargs: P.kwargs) -> object:
                return obj._iterate(builder(obj, *args, **kwargs))

            return functools.update_wrapper(iterate, builder)
        return functools.partial(builder, obj)


def operation(builder: Callable[Concatenate[Any, P], Procedure[T]]) -> Operation[P, T]:
    """Decorate a procedure builder to make it a client method of both transports."""
    return Operation(builder)


def stream(builder: Callable[Concatenate[Any, P], Stream[T]]) -> StreamOperation[P, T]:
    """Decorate a streaming procedure builder likewise."""
    return StreamOperation(builder)
