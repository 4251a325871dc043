"""The report's HTML: the index of documents and one page per document.

Plain HTML and one shared stylesheet, a few lines of script only to sort the index; every value
from the datasets goes through ``html.escape``. Overlays are absolutely positioned boxes over the
page picture, placed in percent of the page's size in PDF points, so they stay on their words
at any zoom. Layers are switched by checkboxes through CSS alone.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from .datasets import Summary
from .locate import Rect

LOW_CONFIDENCE = 60.0  # tesseract confidence below which an OCR'd word is marked
TABLE_COLOURS = 8  # table overlays cycle through this many colours (CSS .t0 … .t7)
LAYERS = (("cell", "table cells"), ("entity", "dates, targets, municipalities"),
          ("fix", "repaired words"), ("lowconf", f"OCR words under {LOW_CONFIDENCE:.0f}% confidence"),
          ("dbg", "table finder (rulings red, column gaps blue, tables green)"))
HIDDEN = {"dbg"}  # layers off until ticked

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin:1.2em 0 .4em}
table.docs{border-collapse:collapse}
table.docs td,table.docs th{border-bottom:1px solid #ddd;padding:.2em .5em;vertical-align:top}
table.docs th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right}tr.a0 td:first-child{border-left:5px solid #c00}tr.a1 td:first-child{border-left:5px solid #e80}
tr.a2 td:first-child{border-left:5px solid #db0}tr.a3 td:first-child{border-left:5px solid #8ad}
.status-failed{color:#c00;font-weight:bold}.status-partial{color:#e80;font-weight:bold}
.note{background:#fff4d6;border:1px solid #e8c66a;padding:.4em .6em}
.layers label{margin-right:1em}nav.pages a{margin-right:.3em}nav.pages a.ocr{font-style:italic}
nav.pages a.lowq{background:#db0;color:#000}
section.page{border-top:2px solid #888;margin-top:1em}
.pg{display:flex;gap:1.2em;align-items:flex-start}
.sheet{position:relative;flex:0 0 58%;margin:0;border:1px solid #999;background:#fafafa}
.sheet img{display:block;width:100%;height:auto}
.sheet.blank{background:repeating-linear-gradient(45deg,#f6f6f6,#f6f6f6 10px,#eee 10px,#eee 20px)}
.side{flex:1;min-width:0;overflow-x:auto}.side pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em;font-size:12px}
.o{position:absolute;box-sizing:border-box}
.o.cell{border:1px solid;background:rgba(0,0,0,.04)}
.o.tbl{border:2px solid;pointer-events:none}.o.tbl.cont{border-style:dashed}
.o.tbl span{position:absolute;top:-1.3em;left:0;font-size:11px;background:#fff;padding:0 .2em;white-space:nowrap}
.o.entity{border:2px solid}.o.date{border-color:#06c}.o.target{border-color:#090}.o.municipality{border-color:#909}
.o.fix{border-bottom:3px solid #f60;background:rgba(255,150,0,.18)}.o.lowconf{background:rgba(230,0,0,.28)}
.o.date,.o.target,.o.municipality,.o.fix,.o.lowconf{z-index:2}
.t0{border-color:#1f77b4;color:#1f77b4}.t1{border-color:#d62728;color:#d62728}.t2{border-color:#2ca02c;color:#2ca02c}
.t3{border-color:#9467bd;color:#9467bd}.t4{border-color:#8c564b;color:#8c564b}.t5{border-color:#e377c2;color:#e377c2}
.t6{border-color:#7f7f7f;color:#7f7f7f}.t7{border-color:#bcbd22;color:#bcbd22}
table.cells{border-collapse:collapse;margin:.5em 0;font-size:12px;border:2px solid}
table.cells td,table.cells th{border:1px solid #bbb;padding:.15em .35em;color:#222;vertical-align:top}
table.cells caption{text-align:left;font-weight:bold}
.legend span{display:inline-block;padding:0 .4em;margin-right:.6em}
#L-cell:not(:checked)~main .o.cell,#L-cell:not(:checked)~main .o.tbl{display:none}
#L-entity:not(:checked)~main .o.entity{display:none}
#L-fix:not(:checked)~main .o.fix{display:none}#L-lowconf:not(:checked)~main .o.lowconf{display:none}
#L-dbg:not(:checked)~main .o.dbg{display:none}
svg.dbg{left:0;top:0;width:100%;height:100%;pointer-events:none;z-index:3;overflow:visible}
svg.dbg .rule{fill:none;stroke:#d00;stroke-width:1.2;vector-effect:non-scaling-stroke}
svg.dbg .gap{fill:rgba(0,90,255,.25)}
svg.dbg .found{fill:none;stroke:#0a0;stroke-width:2;vector-effect:non-scaling-stroke}
"""

SORT_SCRIPT = """<script>
document.querySelectorAll("table.docs th").forEach((th, i) => th.onclick = () => {
  const body = th.closest("table").tBodies[0], up = th.dataset.up = th.dataset.up ? "" : "1";
  const key = r => r.cells[i].dataset.v ?? r.cells[i].textContent;
  const cmp = (a, b) => isNaN(a) || isNaN(b) ? a.localeCompare(b, "lv") : a - b;
  body.append(...[...body.rows].sort((a, b) => (up ? 1 : -1) * cmp(key(a), key(b))));
});
</script>"""


def e(value: object) -> str:
    """Escaped for text and attribute values alike."""
    return escape("" if value is None else str(value), quote=True)


def page_html(title: str, body: str, css_href: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="lv"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width"><title>{e(title)}</title>'
            f'<link rel="stylesheet" href="{e(css_href)}"></head>\n<body>\n{body}\n</body></html>\n')


def _quality(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _problem(s: Summary) -> str:
    """The quarantine reason or else the error, for the index."""
    if s.quarantine:
        q = s.quarantine
        return f"quarantined ({q.get('reason')}): {q.get('detail')}"
    return s.error or ""


INDEX_COLUMNS = ("file", "status", "pages", "OCR pages", "quality", "tables", "dates", "targets",
                 "municipalities", "repairs", "warnings", "error / quarantine")


def index_body(summaries: list[Summary], out_label: str, generated: dt.datetime) -> str:
    """The index: a sortable table of every document, those needing attention first."""
    rows = []
    for s in summaries:
        numbers = [s.n_pages, s.n_ocr_pages]
        cells = [f'<td data-v="{e(s.file_name)}"><a href="docs/{e(s.doc_id)}.html">{e(s.file_name)}</a></td>',
                 f'<td class="status-{e(s.status)}">{e(s.status)}</td>']
        cells += [f'<td class="n">{n}</td>' for n in numbers]
        cells.append(f'<td class="n" data-v="{-1 if s.quality is None else round(s.quality, 4)}">'
                     f'{_quality(s.quality)}</td>')
        cells += [f'<td class="n">{s.counts.get(name, 0)}</td>'
                  for name in ("tables", "dates", "targets", "municipalities", "repairs")]
        cells.append(f'<td data-v="{len(s.warnings)}">{"<br>".join(e(w) for w in s.warnings)}</td>')
        cells.append(f"<td>{e(_problem(s))}</td>")
        rows.append(f'<tr class="a{s.attention}" id="{e(s.doc_id)}">{"".join(cells)}</tr>')
    header = "".join(f"<th>{e(c)}</th>" for c in INDEX_COLUMNS)
    total_pages = sum(s.n_pages for s in summaries)
    attention = sum(s.attention < 4 for s in summaries)
    return (f"<h1>lvingest report: {e(out_label)}</h1>\n"
            f"<p>{len(summaries)} documents, {total_pages} pages; {attention} need a look "
            f"(failed, partial, mean page quality low, or warnings: listed first). "
            f"Click a column to sort. Made {e(generated.strftime('%Y-%m-%d %H:%M UTC'))}.</p>\n"
            f'<table class="docs"><thead><tr>{header}</tr></thead><tbody>\n'
            + "\n".join(rows) + f"\n</tbody></table>\n{SORT_SCRIPT}")


def layer_switches() -> str:
    """Checkboxes before <main> that show or hide each overlay layer (CSS ``:checked ~``)."""
    boxes = "".join(f'<input type="checkbox" id="L-{key}"{"" if key in HIDDEN else " checked"}>' for key, _ in LAYERS)
    labels = "".join(f'<label for="L-{key}" class="{key}">{e(text)}</label>' for key, text in LAYERS)
    return f'{boxes}<p class="layers">Show: {labels}</p>'


@dataclass(frozen=True, slots=True)
class Frame:
    """The part of the page the picture shows, in the words' coordinates (points): the page from
    (0, 0), or on a page cropped inside its MediaBox the CropBox from its corner."""

    x0: float
    top: float
    width: float
    height: float


def box(rect: Rect, frame: Frame, classes: str, title: str, inner: str = "") -> str:
    """An overlay div over ``rect`` (points) on the picture of ``frame``, in percent."""
    w, h = frame.width, frame.height
    x0, top = rect.x0 - frame.x0, rect.top - frame.top
    style = (f"left:{100 * x0 / w:.3f}%;top:{100 * top / h:.3f}%;"
             f"width:{100 * (rect.x1 - rect.x0) / w:.3f}%;height:{100 * (rect.bottom - rect.top) / h:.3f}%")
    data = f"{rect.x0:.1f} {rect.top:.1f} {rect.x1:.1f} {rect.bottom:.1f}"
    return f'<div class="o {classes}" style="{style}" data-box="{data}" title="{e(title)}">{inner}</div>'


def cells_table(table: dict, index: int, cells: list[dict], page_no: int) -> str:
    """The rows of ``table`` that stand on ``page_no`` as an HTML table (header cells as <th>)."""
    grid: dict[int, dict[int, dict]] = {}
    for c in cells:
        grid.setdefault(c["row"], {})[c["col"]] = c
    body = []
    for r in sorted(grid):
        tds = []
        for col in range(table["n_cols"]):
            cell = grid[r].get(col)
            tag = "th" if cell and cell["is_header"] else "td"
            tds.append(f"<{tag}>{e(cell['text'] if cell else '')}</{tag}>")
        body.append(f'<tr data-row="{r}">{"".join(tds)}</tr>')
    first, last = table["page_first"], table["page_last"]
    span = f"pages {first}–{last}, stitched" if last > first else f"page {first}"
    part = f"; rows {min(grid)}–{max(grid)} of {table['n_rows']} are on this page" if last > first else ""
    shape = f"{table['n_rows']}×{table['n_cols']}"
    caption = f"T{index + 1} {table['table_id']} ({table['method']}, {shape}, {span}{part})"
    return (f'<table class="cells t{index % TABLE_COLOURS}" id="{e(table["table_id"])}-p{page_no}" '
            f'data-table="{e(table["table_id"])}"><caption>{e(caption)}</caption>{"".join(body)}</table>')


def definition_list(pairs: Iterable[tuple[str, object]]) -> str:
    return "<p>" + " · ".join(f"{e(k)}: <b>{e(v)}</b>" for k, v in pairs if v not in (None, "")) + "</p>"
