"""Provides AwsClient: the AWS layer on its own event loop in a daemon thread.

botocore parses every response on the loop that awaits it (about 0.15 ms per snapshot), so
listing on the UI's loop would freeze the UI for the length of each parse. AwsClient keeps
the AwsContext and the Ec2Service on a private loop in a background thread and hands
results to the caller's loop: whole pages as soon as they arrive, errors as the same
AwsError instances, call records through ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import aclosing
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from snaptui.aws.context import AwsContext, CallListener, CallRecord
from snaptui.aws.errors import AwsError
from snaptui.aws.models import Identity, Image, Instance, Snapshot, Volume
from snaptui.aws.service import Ec2Service, PageSizes
from snaptui.aws.settings import AwsSettings

__all__ = ["AwsClient"]

P = ParamSpec("P")
T = TypeVar("T")

PREFETCH_PAGES = 2
"""Pages the AWS thread may fetch ahead of a slow consumer before it waits."""

_END = object()


class AwsClient:
    """Thread-backed facade over Ec2Service, usable from any event loop (the UI's, the CLI's).

    ``await open()`` before use and ``await close()`` after (or ``async with``). The loop
    that calls ``open()`` is the one results and listener callbacks are delivered to.
    """

    def __init__(
        self,
        settings: AwsSettings,
        *,
        page_sizes: PageSizes | None = None,
        prepare_session: Callable[[Any], None] | None = None,
    ) -> None:
        self._settings = settings
        self._prepare_session = prepare_session
        """Passed to AwsContext: runs on the AWS thread with each new AioSession."""
        self._page_sizes = page_sizes
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._caller_loop: asyncio.AbstractEventLoop | None = None
        self._ctx: AwsContext | None = None
        self._service: Ec2Service | None = None
        self._listeners: list[CallListener] = []
        self._streams: set[concurrent.futures.Future[None]] = set()

    @property
    def settings(self) -> AwsSettings:
        return self._settings

    @property
    def is_open(self) -> bool:
        return self._service is not None

    @property
    def active_streams(self) -> int:
        """Listings still running in the AWS thread (0 once every consumer is done)."""
        return sum(1 for future in self._streams if not future.done())

    # -- lifecycle -------------------------------------------------------------------------

    async def open(self) -> None:
        """Start the AWS thread and open the clients there. Raises AwsError."""
        if self._loop is not None:
            return
        self._caller_loop = asyncio.get_running_loop()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=_run_loop, args=(loop,), name="snaptui-aws", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            await self._submit(self._open_here())
        except BaseException:
            await self._stop_thread()
            raise

    async def _open_here(self) -> None:
        ctx = AwsContext(self._settings, prepare_session=self._prepare_session)
        await ctx.__aenter__()
        ctx.add_listener(self._forward_record)
        self._ctx = ctx
        self._service = Ec2Service(ctx, self._page_sizes)

    async def close(self) -> None:
        """Close the clients and join the thread (idempotent)."""
        if self._loop is None:
            return
        try:
            if self._ctx is not None:
                await self._submit(self._close_here())
        finally:
            await self._stop_thread()

    async def _close_here(self) -> None:
        ctx, self._ctx, self._service = self._ctx, None, None
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if ctx is not None:
            await ctx.aclose()

    async def _stop_thread(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        self._ctx = self._service = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- running things on the AWS loop ----------------------------------------------------

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        # Not "is_running()": right after open() starts the thread the loop may not run yet,
        # and run_coroutine_threadsafe queues work for it anyway.
        if self._loop is None or self._loop.is_closed():
            raise RuntimeError("AwsClient is not open")
        return self._loop

    async def _submit(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the AWS loop; cancelling the caller cancels it there too."""
        try:
            loop = self._require_loop()
        except RuntimeError:
            coro.close()  # never scheduled: close it so it is not reported as never awaited
            raise
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the caller was cancelled
            raise _closed_error() from None  # close() cancelled the work in the AWS thread

    async def run(
        self,
        fn: Callable[Concatenate[Ec2Service, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Await ``fn(service, *args, **kwargs)`` on the AWS loop and return its result.

        For anything without a dedicated method, e.g.
        ``await client.run(lambda s: s.ctx.call("ec2", "CreateSnapshot", VolumeId=v))``.
        """

        async def on_aws_loop() -> T:
            return await fn(self._service_or_fail(), *args, **kwargs)

        return await self._submit(on_aws_loop())

    def _service_or_fail(self) -> Ec2Service:
        if self._service is None:
            raise RuntimeError("AwsClient is not open")
        return self._service

    async def _stream(
        self, make: Callable[[Ec2Service], AsyncIterator[list[T]]]
    ) -> AsyncIterator[list[T]]:
        """Relay the pages of an Ec2Service listing from the AWS loop to the caller's loop.

        The producer fetches at most PREFETCH_PAGES pages ahead. Closing or cancelling the
        consumer (break, task.cancel(), garbage collection) cancels the producer.
        """
        aws_loop = self._require_loop()
        here = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        credits: asyncio.Semaphore | None = None

        def deliver(item: object) -> None:
            try:
                here.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the consumer's loop is closed: nobody is listening
                pass

        async def produce() -> None:
            nonlocal credits
            credits = asyncio.Semaphore(PREFETCH_PAGES)
            try:
                async with aclosing(make(self._service_or_fail())) as pages:
                    async for page in pages:
                        await credits.acquire()
                        deliver(page)
            except asyncio.CancelledError:
                # Harmless when the consumer cancelled us; when close() did, it unblocks
                # the consumer, which would otherwise wait for a page forever.
                deliver(_Failure(_closed_error()))
                raise
            except BaseException as exc:
                deliver(_Failure(exc))
            else:
                deliver(_END)

        def give_credit() -> None:
            if credits is not None:
                credits.release()

        future = asyncio.run_coroutine_threadsafe(produce(), aws_loop)
        self._streams.add(future)
        future.add_done_callback(self._streams.discard)
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                try:
                    aws_loop.call_soon_threadsafe(give_credit)
                except RuntimeError:  # the AWS loop is closed; close() stopped the producer
                    pass
                yield item
        finally:
            future.cancel()

    # -- the service, from the caller's loop -----------------------------------------------

    async def identity(self) -> Identity:
        return await self.run(Ec2Service.identity)

    def instances(self) -> AsyncIterator[list[Instance]]:
        return self._stream(lambda service: service.instances())

    def volumes(
        self, *, instance_id: str | None = None, volume_ids: Sequence[str] | None = None
    ) -> AsyncIterator[list[Volume]]:
        ids = None if volume_ids is None else tuple(volume_ids)
        return self._stream(
            lambda service: service.volumes(instance_id=instance_id, volume_ids=ids)
        )

    def snapshots(self, *, volume_id: str | None = None) -> AsyncIterator[list[Snapshot]]:
        return self._stream(lambda service: service.snapshots(volume_id=volume_id))

    def images(self) -> AsyncIterator[list[Image]]:
        return self._stream(lambda service: service.images())

    async def refresh_snapshots(self, ids: Sequence[str]) -> list[Snapshot]:
        return await self.run(Ec2Service.refresh_snapshots, tuple(ids))

    # -- call records ----------------------------------------------------------------------

    def add_listener(self, callback: CallListener) -> None:
        """``callback(record)`` runs on the loop that opened the client, after every call."""
        self._listeners.append(callback)

    def remove_listener(self, callback: CallListener) -> None:
        try:
            self._listeners.remove(callback)
        except ValueError:
            pass

    def _forward_record(self, record: CallRecord) -> None:
        loop = self._caller_loop
        if loop is None or loop.is_closed():
            return
        for callback in list(self._listeners):
            try:
                loop.call_soon_threadsafe(callback, record)
            except RuntimeError:  # closed between the check and the call
                return


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The AWS thread: serve until stopped, then close what is left."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()


def _closed_error() -> AwsError:
    return AwsError("ClientClosed", "the AWS client was closed while this call was running")


class _Failure:
    """An exception travelling from the AWS thread to the consumer, to be re-raised as is."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error
