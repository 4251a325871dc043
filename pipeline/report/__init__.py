"""The review report: a static HTML report of an output folder an archivist opens in a browser.

``write_report(OUT)`` reads the Parquet datasets (any output folder, not only the run that just
wrote it) and writes ``OUT/report/index.html`` (every document, those needing a look first) and
``OUT/report/docs/<doc_id>.html`` (each page's picture with tables, entities, repairs and unsure
OCR words drawn on it). Everything opens from the file system: no server, no network, no
framework; page pictures are PNG files under ``OUT/report/img/``, rendered once and kept.
Every file is written atomically, so a report being rewritten is never seen half-written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from ..errors import OutputError
from ..store import atomic_write_bytes
from .datasets import summaries
from .docpage import DocumentPage
from .images import DEFAULT_DPI
from .markup import CSS, e, index_body, page_html

__all__ = ["DEFAULT_DPI", "write_report"]


def _write(path: Path, text: str) -> None:
    atomic_write_bytes(path, lambda h: h.write(text.encode("utf-8")))


def write_report(out: Path, dpi: int = DEFAULT_DPI) -> Path:
    """Write the report of the output folder ``out``; returns the path of its index.html.

    Raises NoInputError when ``out`` holds no lvingest output, OutputError when the report
    folder cannot be written.
    """
    docs = summaries(out)
    folder = out / "report"
    try:
        _write(folder / "report.css", CSS)
        for s in docs:
            try:
                body = DocumentPage(out, folder, s, dpi).html()
            except pa.ArrowException as exc:  # one damaged file does not cost the others their pages
                body = f'<h1>{e(s.file_name)}</h1><p class="note">Its datasets cannot be read: {e(exc)}</p>'
            _write(folder / "docs" / f"{s.doc_id}.html", page_html(s.file_name, body, "../report.css"))
        index = folder / "index.html"
        generated = dt.datetime.now(dt.timezone.utc)
        _write(index, page_html("lvingest report", index_body(docs, str(out), generated), "report.css"))
    except OSError as exc:
        raise OutputError(f"cannot write the report to {folder}: {exc}") from exc
    return index
