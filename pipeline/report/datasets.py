"""What the report reads: the Parquet datasets of an output folder, one document at a time.

The report works on any output folder (one written by an older version, one another machine
wrote): everything comes from ``OUT/<dataset>/<doc_id>.parquet`` and ``OUT/quarantine``, never
from the run that wrote them. A dataset file that is missing (an older schema without ``words``)
reads as no rows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from ..errors import NoInputError

LOW_QUALITY = 0.7  # mean page quality (lexicon share) below which a document needs a look
COUNTED = ("tables", "dates", "targets", "municipalities", "repairs")


@dataclass(slots=True)
class Summary:
    """One document's line in the index."""

    doc_id: str
    file_name: str
    source_path: str
    status: str
    n_pages: int
    n_ocr_pages: int
    error: str | None
    warnings: list[str]
    quality: float | None  # mean page quality; None without pages
    counts: dict[str, int] = field(default_factory=dict)
    quarantine: dict | None = None  # the .reason.json record, when quarantined

    @property
    def attention(self) -> int:
        """0 failed, 1 partial, 2 low quality, 3 warnings, 4 nothing to look at: index order."""
        if self.status in ("failed", "partial"):
            return 0 if self.status == "failed" else 1
        if self.quality is not None and self.quality < LOW_QUALITY:
            return 2
        return 3 if self.warnings else 4


def rows(out: Path, dataset: str, doc_id: str, columns: list[str] | None = None) -> list[dict]:
    """One document's rows of one dataset; none when the file is absent."""
    path = out / dataset / f"{doc_id}.parquet"
    if not path.exists():
        return []
    return pq.read_table(path, columns=columns).to_pylist()


def _count(out: Path, dataset: str, doc_id: str) -> int:
    path = out / dataset / f"{doc_id}.parquet"
    return pq.read_metadata(path).num_rows if path.exists() else 0


def quarantine_records(out: Path) -> dict[str, dict]:
    """``OUT/quarantine/*.reason.json`` by doc_id (a record that cannot be read is skipped)."""
    found: dict[str, dict] = {}
    for path in sorted((out / "quarantine").glob("*.reason.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        record["copy"] = path.name.removesuffix(".reason.json")
        found[record.get("doc_id", "")] = record
    return found


def document_ids(out: Path) -> list[str]:
    """doc_ids with a ``documents`` row (written last, so their other files are complete)."""
    folder = out / "documents"
    if not folder.is_dir():
        raise NoInputError(f"{out}: no lvingest output here (no documents/ folder)")
    return sorted(
        p.stem for p in folder.glob("*.parquet") if p.name != "schema.parquet" and not p.name.startswith(".")
    )


def summaries(out: Path) -> list[Summary]:
    """Every document of the output folder, those needing attention first."""
    records = quarantine_records(out)
    found = []
    for doc_id in document_ids(out):
        [doc] = rows(out, "documents", doc_id)
        qualities = [r["quality"] for r in rows(out, "pages", doc_id, ["quality"]) if r["quality"] is not None]
        found.append(Summary(
            doc_id=doc_id, file_name=doc["file_name"], source_path=doc["source_path"],
            status=doc["status"], n_pages=doc["n_pages"] or 0, n_ocr_pages=doc["n_ocr_pages"] or 0,
            error=doc["error"], warnings=list(doc["warnings"] or []),
            quality=sum(qualities) / len(qualities) if qualities else None,
            counts={name: _count(out, name, doc_id) for name in COUNTED},
            quarantine=records.get(doc_id),
        ))
    found.sort(key=lambda s: (s.attention, -len(s.warnings), s.file_name))
    return found
