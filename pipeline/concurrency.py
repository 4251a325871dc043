"""The one concurrency layer for per-page work units.

The producer runs in the calling thread (pdfium rendering is not thread-safe), each unit's work
runs in a thread pool (tesseract is a subprocess, so threads overlap fine), results come back in
order, and at most ``2 x jobs`` units are in flight so a 300-page scan never holds 300 rendered
images in memory.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    work: Callable[[T], R], units: Iterable[T], jobs: int
) -> Iterator[tuple[T, R | BaseException]]:
    """Yield ``(unit, result or exception)`` in input order; a failing unit does not stop others."""
    jobs = max(1, jobs)
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="lvingest-page") as pool:
        pending: deque[tuple[T, Future[R]]] = deque()
        for unit in units:
            pending.append((unit, pool.submit(work, unit)))
            while len(pending) >= 2 * jobs:
                yield _settle(pending.popleft())
        while pending:
            yield _settle(pending.popleft())


def _settle(item: tuple[T, Future[Any]]) -> tuple[T, Any]:
    """The unit and its result, or the exception its work raised (Any: mypy cannot solve R from
    the ``R | BaseException`` context against an invariant Future[R])."""
    unit, future = item
    exc = future.exception()
    return unit, (exc if exc is not None else future.result())
