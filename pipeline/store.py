"""Writing datasets: one Parquet file per document per dataset, replaced atomically.

``OUT/<dataset>/<doc_id>.parquet``: re-ingesting a file replaces its rows instead of adding
more, a killed run leaves either the old file or the new one (never half of one: we write a
hidden temporary file, fsync it, then ``os.replace``), and two runs writing the same output
never interleave bytes. Hidden temporaries start with "." so pyarrow, DuckDB and Spark skip them.
The ``documents`` row is written last: its presence says the document's other files are complete.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .errors import InputFileError, OutputError
from .records import DATASETS, PER_DOCUMENT, SCHEMAS
from .source import resolved
from .textnorm import printable


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _write_tmp(target: Path, writer: Callable[[BinaryIO], object]) -> Path:
    """Call ``writer(file)`` on a hidden temporary sibling of ``target`` and fsync it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(target)
    try:
        with tmp.open("wb") as handle:
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write_bytes(target: Path, writer: Callable[[BinaryIO], object]) -> None:
    """Call ``writer(file)`` on a temporary sibling, fsync, and rename it over ``target``."""
    os.replace(_write_tmp(target, writer), target)


def write_document(out: Path, tables: dict[str, pa.Table]) -> None:
    """Write every dataset for one document: all of them to temporaries first, then renamed into
    place with ``documents`` last. Interrupted while writing (the slow part), nothing changes;
    only the renames, a few microseconds, can be cut between."""
    doc_id = tables["documents"]["doc_id"][0].as_py()
    order = [name for name in PER_DOCUMENT if name != "documents"] + ["documents"]
    staged: list[tuple[Path, Path]] = []
    try:
        for name in order:
            target = out / name / f"{doc_id}.parquet"
            table = tables[name]
            staged.append((_write_tmp(target, functools.partial(pq.write_table, table, compression="zstd")), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc}") from exc
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def ensure_layout(out: Path) -> None:
    """Create every dataset folder with a zero-row ``schema.parquet``.

    pandas and DuckDB then see every column even of a dataset no document has rows in yet.
    """
    try:
        for name in DATASETS:
            folder = out / name
            folder.mkdir(parents=True, exist_ok=True)
            schema_file = folder / "schema.parquet"
            # rewritten when a new version added columns, so readers see them
            if not schema_file.exists() or not pq.read_schema(schema_file).equals(
                SCHEMAS[name], check_metadata=False
            ):
                empty = SCHEMAS[name].empty_table()
                atomic_write_bytes(schema_file, functools.partial(pq.write_table, empty))
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc}") from exc


def check_writable(out: Path) -> None:
    """OutputError unless ``out`` has its layout and takes a new file (a read-only mount whose
    folders exist passes ``ensure_layout`` but fails here)."""
    ensure_layout(out)
    probe = _tmp_name(out / "documents" / ".probe")
    try:
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc}") from exc


def current_status(out: Path, doc_id: str) -> str | None:
    """The stored status of ``doc_id`` if it was ingested by this pipeline version, else None."""
    path = out / "documents" / f"{doc_id}.parquet"
    if not path.exists():
        return None
    row = pq.read_table(path, columns=["status", "pipeline_version"]).to_pylist()[0]
    return row["status"] if row["pipeline_version"] == __version__ else None


def quarantine(out: Path, source: Path, doc_id: str, error: InputFileError, copy: bool = True) -> Path:
    """Copy a rejected input to ``OUT/quarantine/`` with a ``.reason.json`` record beside it.

    ``copy=False`` for a file that cannot be read at all: only the record is written.
    """
    folder = out / "quarantine"
    target = folder / f"{doc_id[:12]}-{source.name}"
    record = {
        "file_name": printable(source.name),
        "source_path": printable(str(resolved(source))),
        "doc_id": doc_id,
        "reason": error.reason,
        "detail": printable(error.detail),
        "copied": copy,
        "pipeline_version": __version__,
        "quarantined_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    if error.traceback:
        record["traceback"] = printable(error.traceback)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc}") from exc
    try:
        original = source.open("rb") if copy else None
    except OSError:  # gone or unreadable since it was hashed: the record still tells
        original, record["copied"] = None, False
    try:
        if original is not None:
            with original:
                atomic_write_bytes(target, lambda h: shutil.copyfileobj(original, h))
        atomic_write_bytes(
            target.with_name(target.name + ".reason.json"),
            lambda h: h.write(json.dumps(record, ensure_ascii=False, indent=2).encode()),
        )
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc}") from exc
    return target


def record_source(out: Path, source: Path, file_name: str, doc_id: str, outcome: str) -> None:
    """Say in ``sources`` that ``source`` (a resolved path) holds ``doc_id`` with that outcome.

    If the path held other bytes before whose document failed (a half-copied file since
    completed, a file the process could not read), that stale ``failed`` document and its
    quarantine copy are removed, unless another path still holds those bytes.
    """
    shown = printable(str(source))
    target = out / "sources" / f"{hashlib.sha256(shown.encode()).hexdigest()}.parquet"
    now = dt.datetime.now(dt.UTC)
    before = pq.read_table(target).to_pylist()[0] if target.exists() else None
    row = {"source_path": shown, "file_name": printable(file_name), "doc_id": doc_id,
           "outcome": outcome, "first_seen": before["first_seen"] if before else now, "last_seen": now}
    table = pa.Table.from_pylist([row], schema=SCHEMAS["sources"])
    try:
        atomic_write_bytes(target, lambda h: pq.write_table(table, h, compression="zstd"))
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc}") from exc
    if before and before["doc_id"] != doc_id and _status(out, before["doc_id"]) == "failed":
        held = pq.read_table(out / "sources", columns=["doc_id"],
                             filters=[("doc_id", "=", before["doc_id"])]).num_rows
        if not held:
            _remove_document(out, before["doc_id"])


def _status(out: Path, doc_id: str) -> str | None:
    path = out / "documents" / f"{doc_id}.parquet"
    return pq.read_table(path, columns=["status"])["status"][0].as_py() if path.exists() else None


def _remove_document(out: Path, doc_id: str) -> None:
    """Every file of one document: its ``documents`` row first (its presence says the rest is
    complete), then the other datasets, then its quarantine copy and record."""
    try:
        for name in ("documents", *(n for n in PER_DOCUMENT if n != "documents")):
            (out / name / f"{doc_id}.parquet").unlink(missing_ok=True)
        for path in (out / "quarantine").glob(f"{doc_id[:12]}-*"):
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc}") from exc
