"""Ingesting files: discover inputs, run the components, quarantine failures, write records.

This is what the CLI, the folder watcher and the Prefect flow all call, so every entry point
behaves the same: a bad file is quarantined and the run goes on; an unchanged file already
ingested by this pipeline version is skipped.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from . import components, records, store
from .components import Config, Context
from .document import Document
from .errors import InputFileError, NoInputError, UnreadablePdfError
from .source import file_identity, is_pdf_name

COUNTED = ("pages", "tables", "dates", "targets", "municipalities", "repairs")


@dataclass
class Outcome:
    """What happened to one input file."""

    path: Path
    doc_id: str
    status: str  # ok | partial | failed | cached
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    n_ocr_pages: int = 0
    warnings: list[str] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> list[Path]:
    """PDF files named directly, plus ``*.pdf`` (any case) below named folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                # a link to nowhere is kept, to be recorded as unreadable rather than lost
                if (p.is_file() or (p.is_symlink() and not p.exists())) and is_pdf_name(p)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise NoInputError(f"{path}: no such file or folder")
    if not found:
        raise NoInputError(f"no PDF files found in {', '.join(map(str, paths))}")
    return found


def ingest_file(
    path: Path,
    out: Path,
    config: Config = Config(),
    *,
    force: bool = False,
    on_page: components.PageCallback | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Outcome:
    """Ingest one file into ``out``; never raises for a bad input (it is quarantined instead)."""
    store.ensure_layout(out)
    try:
        doc_id = file_identity(path)
    except OSError as exc:  # not even readable: keyed by its path; recorded, not copied
        detail = f"cannot read the file: {exc.strerror or exc}"
        return _reject(out, path, _path_id(path), UnreadablePdfError(str(path), detail), copy=False)
    previous = None if force else store.current_status(out, doc_id)
    if previous in ("ok", "failed"):
        return stored_outcome(out, path, doc_id, "cached")
    doc = Document(doc_id=doc_id, source_path=str(path.resolve()), file_name=path.name)
    try:
        components.run(doc, Context(config, on_page=on_page, on_total=on_total))
    except InputFileError as exc:
        return _reject(out, path, doc_id, exc, n_pages=doc.n_pages)
    store.write_document(out, records.to_tables(doc))
    return stored_outcome(out, path, doc_id, doc.status)


def document_id(path: Path) -> str:
    """The doc_id ``ingest_file`` gives ``path``: sha256 of its bytes, or of its path when the
    file cannot be read."""
    try:
        return file_identity(path)
    except OSError:
        return _path_id(path)


def _path_id(path: Path) -> str:
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()


def _reject(out: Path, path: Path, doc_id: str, exc: InputFileError, *, n_pages: int = 0,
            copy: bool = True) -> Outcome:
    """Quarantine a rejected input and record it as a ``failed`` document."""
    store.quarantine(out, path, doc_id, exc, copy=copy)
    doc = Document(doc_id=doc_id, source_path=str(path.resolve()), file_name=path.name,
                   n_pages=n_pages, status="failed", error=f"{exc.reason}: {exc.detail}")
    store.write_document(out, records.to_tables(doc))
    return stored_outcome(out, path, doc_id, doc.status)


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
