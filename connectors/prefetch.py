"""Read ahead: the next chunks of a source are fetched in a thread while the current one is processed."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

Item = TypeVar("Item")
_END = object()
_POLL_SECONDS = 0.1


def prefetched(items: Iterator[Item], depth: int = 2) -> Iterator[Item]:
    """The items of `items` in order, produced by a background thread at most `depth` ahead.

    An error of the producer is raised here, in the consumer; when the consumer stops early
    the producer is told to stop and `items` is closed in its own thread.
    """
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    worker = threading.Thread(target=_produce, args=(items, waiting, stop), daemon=True,
                              name="procmine-prefetch")
    worker.start()
    try:
        while True:
            item, error = waiting.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _produce(items: Iterator, waiting: queue.Queue, stop: threading.Event) -> None:
    error = None
    try:
        for item in items:
            if not _put(waiting, (item, None), stop):
                break
    except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
        error = exc
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            try:
                close()
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer too
                error = error or exc
        _put(waiting, (_END, error), stop)


def _put(waiting: queue.Queue, entry, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            waiting.put(entry, timeout=_POLL_SECONDS)
            return True
        except queue.Full:
            continue
    return False
