"""The one document object every pipeline component reads and extends.

Coordinates are PDF points with the origin at the top-left of the page (pdfplumber's
convention); OCR word boxes are converted from pixels to points when they are made, so
layout and table code never needs to know where a word came from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# The closed vocabularies of the records: mypy rejects a value outside them.
DocumentStatus = Literal["ok", "partial", "failed"]
PageMethod = Literal["text", "ocr"]
RepairKind = Literal["mojibake", "diacritic_mark", "ocr_confusion", "diacritic_restore"]
DatePrecision = Literal["day", "month", "quarter", "year"]
DateKind = Literal["point", "range", "deadline"]
# pilseta: a town; ciems: a village
MunicipalityKind = Literal["novads", "valstspilseta", "republikas_pilseta", "pilseta", "pagasts", "ciems"]
MunicipalityStatus = Literal["current", "former"]


@dataclass(slots=True)
class Word:
    """One word with its box; ``conf`` is tesseract's 0-100 confidence, None on text-layer words."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Ruling:
    """A drawn horizontal or vertical line segment (table borders, rules)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def is_horizontal(self) -> bool:
        return (self.bottom - self.top) <= (self.x1 - self.x0)


@dataclass(slots=True)
class Shape:
    """A drawn mark that belongs to a chart or a diagram, never to a table: a slanted segment
    (a chart's line, a diagonal connector) or an arrowhead (a small filled triangle)."""

    kind: str  # slant | arrowhead
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class Line:
    """Words sharing a baseline inside one column, in reading order."""

    words: list[Word]
    block: int = 0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


@dataclass(slots=True)
class Repair:
    """One change the repair engine made: ``before`` became ``after`` at ``start`` of the input."""

    before: str
    after: str
    kind: RepairKind
    score: float
    start: int = -1


@dataclass(slots=True)
class Cell:
    """One grid slot of a table; its box is the box around the words that fill it (None when
    empty or covered by a spanning neighbour), so a reviewer sees exactly what was read into it."""

    row: int
    col: int
    text: str
    is_header: bool
    page_no: int
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None


@dataclass(slots=True)
class Table:
    """A table, possibly stitched across pages; rows are numbered from 0 over the whole table."""

    table_id: str
    page_first: int
    page_last: int
    n_rows: int
    n_cols: int
    method: str  # ruled | unruled | ocr
    cells: list[Cell] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None  # on page_last, for stitching
    columns: list[float] = field(default_factory=list)  # column x positions, for stitching

    def grid(self) -> list[list[str]]:
        rows = [[""] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            rows[c.row][c.col] = c.text
        return rows

    def header_rows(self) -> list[int]:
        return sorted({c.row for c in self.cells if c.is_header})


@dataclass(slots=True)
class DateMention:
    text: str
    start: dt.date
    end: dt.date
    precision: DatePrecision
    kind: DateKind
    inferred_year: bool = False
    char_start: int = -1
    char_end: int = -1
    page_no: int = 0


@dataclass(slots=True)
class Target:
    indicator: str
    year: int | None
    operator: str | None  # one of ≥ ≤ = > < ; None when value is not numeric (x, 1x, bāze)
    value: float | None
    unit: str | None
    is_baseline: bool
    text: str
    table_id: str | None = None
    page_no: int = 0


@dataclass(slots=True)
class MunicipalityMention:
    text: str
    name: str  # canonical nominative ("Jelgavas novads", "Jelgava")
    code: str  # ISO 3166-2:LV of the current municipality
    kind: MunicipalityKind
    status: MunicipalityStatus
    successor: str  # canonical name of today's municipality
    list_id: str | None = None
    atvk: str | None = None  # the unit's own ATVK 2021 code; none for former units and villages
    char_start: int = -1
    char_end: int = -1
    page_no: int = 0


@dataclass(slots=True)
class Page:
    page_no: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rulings: list[Ruling] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)  # chart and diagram marks (source.read_page)
    method: PageMethod = "text"
    triage: str = ""  # why the text layer was kept or replaced
    ocr_confidence: float | None = None
    rotation: int = 0  # degrees the scan was turned clockwise to read it upright (OCR pages)
    lines: list[Line] = field(default_factory=list)
    running: set[int] = field(default_factory=set)  # indexes into lines: headers, footers, page numbers
    text_raw: str = ""
    text: str = ""
    quality: float = 0.0  # share of words the Latvian lexicon knows, after repair
    repairs: list[Repair] = field(default_factory=list)


@dataclass
class Document:
    doc_id: str  # sha256 of the file's bytes
    source_path: str
    file_name: str
    pages: list[Page] = field(default_factory=list)
    n_pages: int = 0
    status: DocumentStatus = "ok"
    error: str | None = None
    tables: list[Table] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    municipalities: list[MunicipalityMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    year_hint: int | None = None  # the document's own year (title, approval date) for dates without one
