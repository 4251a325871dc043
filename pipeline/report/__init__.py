"""The review report: a static HTML report of an output folder an archivist opens in a browser.

``write_report(OUT)`` reads the Parquet datasets (any output folder, not only the run that just
wrote it) and writes ``OUT/report/index.html`` (every document, those needing a look first) and
``OUT/report/docs/<doc_id>.html`` (each page's picture with tables, entities, repairs and unsure
OCR words drawn on it). Everything opens from the file system: no server, no network, no
framework; page pictures are PNG files under ``OUT/report/img/``, rendered once and kept.
Every file is written atomically, so a report being rewritten is never seen half-written.

The report is rewritten at the end of every run while the output folder keeps growing, so a
document's page is rewritten only when something it shows changed: ``report/pages.json`` keeps,
per document, a stamp of what its page was made from (pipeline version, dpi, the times its
dataset files and debug pictures were written). A page that lacked a picture is not stamped,
so it is made again next time. The index is always rewritten.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa

from .. import __version__
from ..errors import OutputError
from ..records import PER_DOCUMENT
from ..store import atomic_write_bytes
from .datasets import summaries
from .docpage import DocumentPage
from .images import DEFAULT_DPI
from .markup import CSS, e, index_body, page_html

__all__ = ["DEFAULT_DPI", "write_report"]


def _write(path: Path, text: str) -> None:
    atomic_write_bytes(path, lambda h: h.write(text.encode("utf-8")))


def _stamp(out: Path, folder: Path, doc_id: str, dpi: int) -> str:
    """What a document's page was made from; the same stamp means the same page."""
    files = [out / name / f"{doc_id}.parquet" for name in PER_DOCUMENT] + [folder / "debug" / doc_id]
    return " ".join([__version__, str(dpi), *(str(p.stat().st_mtime_ns) if p.exists() else "-" for p in files)])


def _stamps(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: every page is made
        return {}


def write_report(out: Path, dpi: int = DEFAULT_DPI, force: bool = False) -> Path:
    """Write the report of the output folder ``out``; returns the path of its index.html.

    ``force`` remakes every document's page, not only those whose data changed. Raises
    NoInputError when ``out`` holds no lvingest output, OutputError when the report folder
    cannot be written.
    """
    docs = summaries(out)
    folder = out / "report"
    made = {} if force else _stamps(folder / "pages.json")
    stamps: dict[str, str] = {}
    try:
        _write(folder / "report.css", CSS)
        for s in docs:
            stamp = _stamp(out, folder, s.doc_id, dpi)
            target = folder / "docs" / f"{s.doc_id}.html"
            if made.get(s.doc_id) == stamp and target.exists():
                stamps[s.doc_id] = stamp
                continue
            try:
                page = DocumentPage(out, folder, s, dpi)
                body = page.html()
            except pa.ArrowException as exc:  # one damaged file does not cost the others their pages
                body = f'<h1>{e(s.file_name)}</h1><p class="note">Its datasets cannot be read: {e(exc)}</p>'
            else:
                if page.complete:
                    stamps[s.doc_id] = stamp
            _write(target, page_html(s.file_name, body, "../report.css"))
        _write(folder / "pages.json", json.dumps(stamps, indent=0))
        current = {s.doc_id for s in docs}
        for old in (folder / "docs").glob("*.html"):  # documents no longer in the output
            if old.stem not in current:
                old.unlink()
        index = folder / "index.html"
        generated = dt.datetime.now(dt.UTC)
        _write(index, page_html("lvingest report", index_body(docs, str(out), generated), "report.css"))
    except OSError as exc:
        raise OutputError(f"cannot write the report to {folder}: {exc}") from exc
    return index
