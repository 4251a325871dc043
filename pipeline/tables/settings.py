"""One settings object for table finding, like pdfplumber's ``TableSettings``.

Lengths of unruled geometry are in median word heights of the page, so one setting works for
any font size and for OCR boxes; ruled geometry uses pdfplumber's own defaults in points.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pdfplumber import table as plumb


@dataclass(frozen=True, slots=True)
class TableSettings:
    """Every threshold the table finder uses; ``TableSettings()`` is what the pipeline runs."""

    column_gap: float = 0.9  # narrowest gap between two cells on a line (a word space is ~0.3)
    row_pitch: float = 1.8  # line step that starts a new row (wrapped lines: 1.2-1.5, rows: 2+)
    interleave: float = 0.8  # line step under which a line's cells belong to the row above
    block_gap: float = 2.5  # vertical gap between lines that ends a table
    line_tolerance: float = 0.5  # vertical distance of word centres still on one line
    spanning_lines: int = 2  # lines in a row crossing every column gap a table may hold
    min_cols: int = 2
    min_density: float = 0.2  # share of a grid's cells that hold text before it is read at all
    min_grid_fill: float = 0.35  # share of a grid read as drawn that hold text
    min_multi: float = 0.5  # share of an unruled table's rows with text in two or more cells
    min_fill: float = 0.3  # share of an unruled table's cells that hold text
    min_rows: int = 3  # for unruled tables; a ruled grid needs ``min_cols`` only
    speck_conf: float = 50.0  # OCR: a lone character below this confidence is noise
    chart_slants: int = 12  # slanted segments in a table's box that make it a chart (a data line)
    chart_arrows: int = 3  # arrowheads in a table's box that make it a diagram
    max_header_rows: int = 3
    header_words: int = 4  # a text-only header cell is a short label
    stitch_tolerance: float = 6.0  # pt between column borders of a table and its continuation
    edge_band: float = 0.12  # share of the page height at top and bottom where a break's margin text lives
    header_match: float = 0.85  # similarity of a repeated header (OCR varies between pages)
    plumb: plumb.TableSettings = field(default_factory=plumb.TableSettings)  # ruled: 3 pt tolerances


DEFAULT = TableSettings()
