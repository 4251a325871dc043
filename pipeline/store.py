"""Writing datasets: one Parquet file per document per dataset, replaced atomically.

``OUT/<dataset>/<doc_id>.parquet``: re-ingesting a file replaces its rows instead of adding
more, a killed run leaves either the old file or the new one (never half of one: we write a
hidden temporary file, fsync it, then ``os.replace``), and two runs writing the same output
never interleave bytes. Hidden temporaries start with "." so pyarrow, DuckDB and Spark skip them.
The ``documents`` row is written last: its presence says the document's other files are complete.
"""
from __future__ import annotations

import datetime as dt
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
from .records import DATASETS, SCHEMAS
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
    order = [name for name in DATASETS if name != "documents"] + ["documents"]
    staged: list[tuple[Path, Path]] = []
    try:
        for name in order:
            target = out / name / f"{doc_id}.parquet"
            table = tables[name]
            staged.append((_write_tmp(
                target, lambda handle, table=table: pq.write_table(table, handle, compression="zstd")
            ), target))
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
                atomic_write_bytes(schema_file, lambda h, t=empty: pq.write_table(t, h))
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
        "source_path": printable(str(source.resolve())),
        "doc_id": doc_id,
        "reason": error.reason,
        "detail": printable(error.detail),
        "copied": copy,
        "pipeline_version": __version__,
        "quarantined_at": dt.datetime.now(dt.timezone.utc).isoformat(),
    }
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
