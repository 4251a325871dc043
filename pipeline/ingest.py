"""Ingesting files: discover inputs, run the components, quarantine failures, write records.

This is what the CLI, the folder watcher and the Prefect flow all call, so every entry point
behaves the same: a bad file is quarantined and the run goes on; an unchanged file already
ingested by this pipeline version is skipped.
"""
from __future__ import annotations

import contextlib
import hashlib
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from . import components, records, store
from .components import Context
from .document import Document, Page
from .errors import (
    DocumentTimeoutError,
    InputFileError,
    InternalError,
    LvIngestError,
    NoInputError,
    UnreadablePdfError,
)
from .options import Config
from .source import file_identity, pdf_files, resolved

COUNTED = ("pages", "tables", "dates", "targets", "municipalities", "repairs")


@dataclass
class Outcome:
    """What happened to one input file."""

    path: Path
    doc_id: str
    status: str  # ok | partial | failed | cached (ok in an earlier run)
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    n_ocr_pages: int = 0
    warnings: list[str] = field(default_factory=list)
    cached: bool = False  # not processed again: the stored outcome of an earlier run

    @property
    def bad(self) -> bool:
        """Quarantined or partly read, now or in the earlier run whose outcome stands."""
        return self.status in ("failed", "partial")


@dataclass
class Inputs:
    files: list[Path]
    missing: list[Path]  # paths named that do not exist


def find_inputs(paths: Iterable[Path], exclude: Path | None = None) -> Inputs:
    """PDF files named directly, plus ``*.pdf`` (any case) below named folders, sorted; a named
    path that does not exist is listed apart, so the others are still ingested. A named link
    to nowhere (or a loop) is an input, recorded as unreadable. ``exclude``: see ``pdf_files``."""
    found = Inputs([], [])
    for path in paths:
        if path.is_dir():
            found.files.extend(pdf_files(path, exclude))
        elif path.is_file() or path.is_symlink():
            found.files.append(path)
        else:
            found.missing.append(path)
    return found


def discover(paths: Iterable[Path], exclude: Path | None = None) -> list[Path]:
    """``find_inputs``' files; NoInputError when there are none."""
    paths = list(paths)
    found = find_inputs(paths, exclude)
    if not found.files:
        raise NoInputError(f"no PDF files found in {', '.join(map(str, paths))}")
    return found.files


def ingest_file(
    path: Path,
    out: Path,
    config: Config | None = None,
    *,
    force: bool = False,
    retry_failed: bool = False,
    doc_timeout: float | None = None,
    on_page: components.PageCallback | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Outcome:
    """Ingest one file into ``out``; never raises for a bad input (it is quarantined instead),
    nor for a bug that trips on it (quarantined as ``internal_error`` with the traceback).

    A file this pipeline version already ingested is not read again; its stored outcome is
    reported (a quarantined file stays ``failed``). ``retry_failed`` reads ``failed`` and
    ``partial`` ones again, ``force`` every one. ``doc_timeout`` (seconds) is checked after each
    page and between stages: a document over it is quarantined as ``timeout``.
    """
    store.ensure_layout(out)
    try:
        doc_id = file_identity(path)
    except OSError as exc:  # not even readable (a link that loops): keyed by its path
        detail = f"cannot read the file: {exc.strerror or exc}"
        return _reject(out, path, _path_id(path), UnreadablePdfError(str(path), detail), copy=False)
    previous = None if force else store.current_status(out, doc_id)
    if previous is not None and not (retry_failed and previous in ("failed", "partial")):
        outcome = stored_outcome(out, path, doc_id, "cached" if previous == "ok" else previous)
        outcome.cached = True
        return _seen(out, path, outcome)
    doc = Document(doc_id=doc_id, source_path=str(resolved(path)), file_name=path.name)
    try:
        _run(doc, Context(config or Config(), on_page=on_page, on_total=on_total), doc_timeout)
        tables = records.to_tables(doc)
    except InputFileError as exc:
        return _reject(out, path, doc_id, exc, n_pages=doc.n_pages)
    except LvIngestError:  # a missing tesseract ends the run: every document would fail alike
        raise
    except Exception as exc:  # a bug on this document must not end the run
        error = InternalError(str(path), f"{type(exc).__name__}: {exc}", traceback.format_exc())
        return _reject(out, path, doc_id, error, n_pages=doc.n_pages)
    store.write_document(out, tables)
    return _seen(out, path, stored_outcome(out, path, doc_id, doc.status))


def _run(doc: Document, ctx: Context, timeout: float | None) -> None:
    """The components one by one, the time limit checked after each page and each stage, and
    in the main thread also enforced by an alarm (a page the parser is stuck in)."""
    if timeout is None:
        components.run(doc, ctx)
        return
    deadline = time.monotonic() + timeout

    def expired(stage: str) -> DocumentTimeoutError:
        return DocumentTimeoutError(doc.source_path, f"over the limit of {timeout:g} s per "
                                                     f"document ({stage})")

    def check(stage: str) -> None:
        if time.monotonic() > deadline:
            raise expired(stage)

    def on_page(page: Page) -> None:
        if ctx.on_page:
            ctx.on_page(page)
        check(f"after page {page.page_no}")

    paged = Context(ctx.config, on_page=on_page, on_total=ctx.on_total)
    stage = components.DEFAULT_PIPELINE[0]
    with _alarm(timeout, lambda: expired(f"in {stage}")):
        for stage in components.DEFAULT_PIPELINE:
            components.run(doc, paged, (stage,))
            check(f"after {stage}")


@contextlib.contextmanager
def _alarm(seconds: float, error: Callable[[], Exception]) -> Iterator[None]:
    """Raise ``error()`` in this thread after ``seconds``: only the main thread gets signals, so
    elsewhere (a Prefect task runner's threads) the checks between pages and stages must do."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise error()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def document_id(path: Path) -> str:
    """The doc_id ``ingest_file`` gives ``path``: sha256 of its bytes, or of its path when the
    file cannot be read."""
    try:
        return file_identity(path)
    except OSError:
        return _path_id(path)


def _path_id(path: Path) -> str:
    return hashlib.sha256(str(resolved(path)).encode()).hexdigest()


def _reject(out: Path, path: Path, doc_id: str, exc: InputFileError, *, n_pages: int = 0,
            copy: bool = True) -> Outcome:
    """Quarantine a rejected input and record it as a ``failed`` document."""
    store.quarantine(out, path, doc_id, exc, copy=copy)
    doc = Document(doc_id=doc_id, source_path=str(resolved(path)), file_name=path.name,
                   n_pages=n_pages, status="failed", error=f"{exc.reason}: {exc.detail}")
    store.write_document(out, records.to_tables(doc))
    return _seen(out, path, stored_outcome(out, path, doc_id, doc.status))


def _seen(out: Path, path: Path, outcome: Outcome) -> Outcome:
    """Record the path in the ``sources`` dataset; a failed document it held before (other
    bytes: the copy was completed, the permissions fixed) is superseded."""
    store.record_source(out, resolved(path), path.name, outcome.doc_id,
                        "ok" if outcome.status == "cached" else outcome.status)
    return outcome


def stored_outcome(out: Path, path: Path, doc_id: str, status: str) -> Outcome:
    """Counts read back from what was written, so cached and fresh files report alike."""
    name = f"{doc_id}.parquet"
    doc_row = pq.read_table(out / "documents" / name).to_pylist()[0]
    counts = {ds: pq.read_metadata(out / ds / name).num_rows for ds in COUNTED}
    return Outcome(
        path=path,
        doc_id=doc_id,
        status=status if status == "cached" else doc_row["status"],
        error=doc_row["error"],
        counts=counts,
        n_ocr_pages=doc_row["n_ocr_pages"],
        warnings=doc_row["warnings"] or [],
    )
