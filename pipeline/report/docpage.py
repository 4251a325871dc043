"""One document's report page: every page's picture with what was found drawn on it, and beside
it the page's repaired text and the parts of its tables on that page.

Debug pictures: a stage that draws its own picture of a page (the table finder's rulings, gaps
and cells, say) writes it to ``OUT/report/debug/<doc_id>/p<page_no>-<name>.png`` (or .svg,
.jpg); the page shows every such file under "debug pictures". Nothing here depends on them.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path

from .datasets import LOW_QUALITY, Summary, rows
from .finder import MAX_PAGES, FinderLayer
from .images import PageImage, PageImages
from .locate import Hint, PageWords, Rect, line_rects
from .markup import LOW_CONFIDENCE, TABLE_COLOURS, Frame, box, cells_table, definition_list, e, layer_switches

A4 = (595.28, 841.89)  # page size (points) assumed for a page with no picture and no words
DEBUG_SUFFIXES = (".png", ".svg", ".jpg")
ENTITIES = {"dates": "date", "targets": "target", "municipalities": "municipality"}  # dataset: class


def _by_page(items: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        grouped[item["page_no"]].append(item)
    return grouped


class DocumentData:
    """Everything the datasets hold on one document, grouped by page."""

    def __init__(self, out: Path, doc_id: str) -> None:
        self.pages = sorted(rows(out, "pages", doc_id), key=lambda p: p["page_no"])
        self.words = _by_page(rows(out, "words", doc_id))
        self.tables = sorted(rows(out, "tables", doc_id), key=lambda t: (t["page_first"], t["table_id"]))
        self.cells = _by_page(rows(out, "table_cells", doc_id))
        self.entities = {kind: _by_page(rows(out, kind, doc_id))
                         for kind in ENTITIES}
        self.repairs = _by_page(rows(out, "repairs", doc_id))
        self.has_words = (out / "words" / f"{doc_id}.parquet").exists()


def _entity_title(kind: str, r: dict) -> str:
    if kind == "dates":
        span = r["start"] if r["start"] == r["end"] else f"{r['start']} – {r['end']}"
        return f"date “{r['text']}” → {span} ({r['precision']}, {r['kind']})"
    if kind == "targets":
        value = "" if r["value"] is None else f"{r['operator'] or ''} {r['value']:g}{r['unit'] or ''}"
        base = ", baseline" if r["is_baseline"] else ""
        return f"target “{r['text']}”: {r['indicator']} · {r['year']} · {value.strip() or r['text']}{base}"
    former = f", former; now {r['successor']}" if r["status"] == "former" else ""
    return f"municipality “{r['text']}” → {r['name']} ({r['code']}, {r['kind']}{former})"


class DocumentPage:
    """Builds the HTML of one document's page of the report."""

    def __init__(self, out: Path, report_dir: Path, summary: Summary, dpi: int) -> None:
        self.report_dir = report_dir
        self.s = summary
        self.data = DocumentData(out, summary.doc_id)
        self.images = PageImages(report_dir / "img", summary.doc_id, summary.source_path, dpi)
        self.finder = FinderLayer(self.images)
        self.colour = {t["table_id"]: k for k, t in enumerate(self.data.tables)}
        self.complete = True  # every page got its picture

    def html(self) -> str:
        s = self.s
        head = [f'<p><a href="../index.html">← all documents</a></p><h1>{e(s.file_name)}</h1>',
                definition_list([("status", s.status), ("pages", s.n_pages), ("OCR pages", s.n_ocr_pages),
                                 ("mean page quality", None if s.quality is None else f"{s.quality:.2f}"),
                                 ("doc_id", s.doc_id)]),
                f'<p>source: <a href="{e(_uri(s.source_path))}">{e(s.source_path)}</a></p>']
        if s.error:
            head.append(f'<p class="note">error: {e(s.error)}</p>')
        if s.quarantine:
            q = s.quarantine
            copy = (f' Copy kept as <a href="../../quarantine/{e(q["copy"])}">quarantine/{e(q["copy"])}</a>.'
                    if q.get("copied") else " The file could not be copied.")
            head.append(f'<p class="note">quarantined: {e(q.get("reason"))}: {e(q.get("detail"))} '
                        f'({e(q.get("quarantined_at"))}).{copy}</p>')
        head += [f'<p class="note">warning: {e(w)}</p>' for w in s.warnings]
        if self.data.pages and not self.data.has_words:
            head.append('<p class="note">This output has no words dataset (written before schema 1.1): '
                        "nothing can be drawn on the pages.</p>")
        try:
            sections = [self._page(p) for p in self.data.pages]
        finally:
            self.finder.close()
            self.images.close()
        if self.finder.skipped:
            head.append(f'<p class="note">The table finder layer is drawn on the first {MAX_PAGES} pages with '
                        f'tables or column gaps; {self.finder.skipped} more pages have none (report cost).</p>')
        if self.finder.problem and self.finder.problem != self.images.problem:
            head.append(f'<p class="note">Table finder layer drawn without rulings: {e(self.finder.problem)}.</p>')
        if self.images.problem:
            head.append(f'<p class="note">Pages shown without their picture: {e(self.images.problem)}.</p>')
        if self.data.pages:
            head.append(self._page_links() + layer_switches() + _legend())
        return "\n".join(head) + "\n<main>\n" + "\n".join(sections) + "\n</main>"

    def _page_links(self) -> str:
        """Links to every page; OCR'd pages in italics, pages of low quality marked."""
        links = []
        for p in self.data.pages:
            low = p["quality"] is not None and p["quality"] < LOW_QUALITY
            classes = " ".join(c for c, on in (("ocr", p["method"] == "ocr"), ("lowq", low)) if on)
            links.append(f'<a href="#p{p["page_no"]}" class="{classes}">{p["page_no"]}</a>')
        return f'<nav class="pages">Pages: {" ".join(links)}</nav>'

    def _page(self, page: dict) -> str:
        n = page["page_no"]
        words = self.data.words.get(n, [])
        image = self.images.page(n, page["rotation"] or 0)
        if isinstance(image, PageImage):
            origin = self.images.origin(n) if page["method"] == "text" else (0.0, 0.0)  # OCR: the picture's frame
            frame = Frame(*origin, image.width / image.scale, image.height / image.scale)
            picture = (f'<img src="../{e(image.path.relative_to(self.report_dir).as_posix())}" '
                       f'alt="page {n}" loading="lazy" width="{image.width}" height="{image.height}">')
            blank, missing = "", ""
        else:
            self.complete = False
            frame = Frame(0.0, 0.0, max([A4[0], *(w["x1"] + 20 for w in words)]),
                          max([A4[1], *(w["bottom"] + 20 for w in words)]))
            picture, blank = "", " blank"
            missing = f'<p class="note">No picture of this page: {e(image)}</p>' if not self.images.problem else ""
        tables = self._tables_on(n)
        overlays, unplaced = self._overlays(n, words, tables, frame)
        overlays.append(self.finder.svg(page, words, bool(tables), frame))
        ratio = f"aspect-ratio:{frame.width:.2f}/{frame.height:.2f}"
        meta = definition_list([("method", page["method"]),
                                ("quality", None if page["quality"] is None else f"{page['quality']:.2f}"),
                                ("OCR confidence", None if page["ocr_confidence"] is None
                                 else f"{page['ocr_confidence']:.0f}"),
                                ("turned", f"{page['rotation']}°" if page["rotation"] else None),
                                ("triage", page["triage"])])
        side = [meta]
        if unplaced:
            side.append('<p class="note">Found but not located on the picture: '
                        + "; ".join(e(t) for t in unplaced) + "</p>")
        side.append(f"<pre>{e(page['text'])}</pre>")
        side += [cells_table(t, self.colour[t["table_id"]], cells, n) for t, cells in tables]
        side.append(self._debug(n))
        return (f'<section class="page" id="p{n}"><h2>Page {n}</h2>{missing}<div class="pg">'
                f'<figure class="sheet{blank}" style="{ratio}">{picture}{"".join(overlays)}</figure>'
                f'<div class="side">{"".join(side)}</div></div></section>')

    def _tables_on(self, page_no: int) -> list[tuple[dict, list[dict]]]:
        """Tables with cells on the page, each with those cells (row-major)."""
        cells: dict[str, list[dict]] = defaultdict(list)
        for c in self.data.cells.get(page_no, []):
            cells[c["table_id"]].append(c)
        return [(t, sorted(cells[t["table_id"]], key=lambda c: (c["row"], c["col"])))
                for t in self.data.tables if t["table_id"] in cells]

    def _overlays(self, n: int, words: list[dict], tables: list[tuple[dict, list[dict]]],
                  frame: Frame) -> tuple[list[str], list[str]]:
        """The page's overlay boxes, and the texts that could not be placed on its words."""
        found = PageWords(words)
        out: list[str] = []
        unplaced: list[str] = []
        for table, cells in tables:
            out += self._table_boxes(table, cells, n, found, frame)
        for kind, by_page in self.data.entities.items():
            used: set[int] = set()
            for r in by_page.get(n, []):
                hit = found.find(r["text"], used)
                if not hit:
                    unplaced.append(f"{ENTITIES[kind]} “{r['text']}”")
                out += [box(rect, frame, f"entity {ENTITIES[kind]}", _entity_title(kind, r))
                        for rect in line_rects(hit)]
        used = set()
        for r in self.data.repairs.get(n, []):
            title = f"{r['before']} → {r['after']} ({r['kind']}, score {r['score']:.2f})"
            out += [box(rect, frame, "fix", title) for rect in line_rects(found.find(r["before"], used))]
        out += [box(Rect.around([w]), frame, "lowconf", f"OCR confidence {w['conf']:.0f}: {w['text']}")
                for w in words if w["conf"] is not None and w["conf"] < LOW_CONFIDENCE]
        return out, unplaced

    def _table_boxes(self, table: dict, cells: list[dict], n: int, found: PageWords,
                     frame: Frame) -> list[str]:
        k = self.colour[table["table_id"]]
        colour = f"t{k % TABLE_COLOURS}"
        placed: list[tuple[Rect, str]] = []
        for c, rect in zip(cells, _cell_rects(cells, found)):
            if rect is not None:
                title = f"T{k + 1} row {c['row']}, column {c['col']}: {c['text']}"
                placed.append((rect, box(rect, frame, f"cell {colour}", title)))
        if not placed:
            return []
        outline = Rect.union(r for r, _ in placed)
        label = f"T{k + 1}"
        if n > table["page_first"]:
            label += f" continued from page {table['page_first']}"
        if n < table["page_last"]:
            label += f", continues on page {n + 1}"
        cont = " cont" if n > table["page_first"] else ""
        title = f"table {table['table_id']} ({table['method']}, {table['n_rows']}×{table['n_cols']})"
        outline_box = box(outline, frame, f"tbl {colour}{cont}", title, f"<span>{e(label)}</span>")
        return [outline_box] + [b for _, b in placed]

    def _debug(self, n: int) -> str:
        folder = self.report_dir / "debug" / self.s.doc_id
        if not folder.is_dir():
            return ""
        pictures = sorted(p for p in folder.glob(f"p{n}-*") if p.suffix in DEBUG_SUFFIXES)
        if not pictures:
            return ""
        imgs = "".join(f'<figure><img src="../{e(p.relative_to(self.report_dir).as_posix())}" alt="{e(p.stem)}" '
                       f'style="max-width:100%"><figcaption>{e(p.name)}</figcaption></figure>' for p in pictures)
        return f'<details class="debug"><summary>debug pictures ({len(pictures)})</summary>{imgs}</details>'


def _cell_rects(cells: list[dict], found: PageWords) -> list[Rect | None]:
    """Each cell's box: the one the tables stage stored (schema 1.3), or for an output written
    before cells carried boxes, the box around the words its text is found on."""
    if cells and "x0" in cells[0]:
        return [None if c["x0"] is None else Rect(c["x0"], c["top"], c["x1"], c["bottom"]) for c in cells]
    return [Rect.around(hit) if hit else None for hit in _place_cells(cells, found)]


def _place_cells(cells: list[dict], found: PageWords) -> list[list[dict]]:
    """Each cell's words. A cell's text may also stand in the prose above the table ("Bāzes
    vērtība ir 2024. gadā"), and a name in the next cell on the same line, so a first pass places
    the cells in reading order, and a second places each near where its row and column start
    (the medians of the first pass, which a few misplaced cells do not move), with its words
    kept between the starts of its neighbouring columns."""
    used: set[int] = set()
    first = [found.find(c["text"], used) if c["text"] else [] for c in cells]
    lefts: dict[int, list[float]] = defaultdict(list)
    tops: dict[int, list[float]] = defaultdict(list)
    for c, hit in zip(cells, first):
        if hit:
            lefts[c["col"]].append(hit[0]["x0"])
            tops[c["row"]].append(hit[0]["top"])
    starts = {col: statistics.median(xs) for col, xs in lefts.items()}
    used = set()
    placed = []
    for c in cells:
        if not c["text"] or c["col"] not in starts or not tops[c["row"]]:
            placed.append(found.find(c["text"], used))
            continue
        x0, top = starts[c["col"]], statistics.median(tops[c["row"]])
        before = [x for col, x in starts.items() if col < c["col"] and x < x0]
        after = [x for col, x in starts.items() if col > c["col"] and x > x0]
        left = (max(before) + x0) / 2 if before else float("-inf")
        column = Hint(x0, top, left, min(after, default=float("inf")))
        inside, anywhere = found.match(c["text"], used, column), found.match(c["text"], used, Hint(x0, top))
        # a header path ("Parent / Child") or a misjudged column: the words outside it are better
        placed.append(found.take(inside if len(inside) >= len(anywhere) else anywhere, used))
    return placed


def _legend() -> str:
    return ('<p class="legend"><span class="t0" style="border:1px solid">table cells (a colour per table; '
            'dashed outline: continued from an earlier page)</span><span style="border:2px solid #06c">date</span>'
            '<span style="border:2px solid #090">target</span><span style="border:2px solid #909">municipality'
            '</span><span style="background:rgba(255,150,0,.3)">repaired word (hover: before → after)</span>'
            f'<span style="background:rgba(230,0,0,.3)">OCR word under {LOW_CONFIDENCE:.0f}% confidence</span></p>')


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_uri() if p.is_absolute() else path
