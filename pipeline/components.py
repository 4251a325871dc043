"""Named pipeline components over one Document, in the spirit of spaCy's ``nlp.pipeline``.

Each component reads what earlier ones left on the Document and adds its own part; none of them
touches files except ``read``. The stage logic lives in its own module (layout, repair, table,
entities); a component only wires that module to the Document.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PIL import Image

from . import (
    dates,
    entities,
    language,
    layout,
    lexicon,
    municipalities,
    repair,
    tables,
    targets,
    wordmodel,
)
from .concurrency import ordered_map
from .document import Document, Page, Word
from .errors import InputFileError, PageError, RenderError
from .ocr import ocr_page
from .options import Config
from .source import PageRead, Renderer, open_pdf, read_page
from .triage import TriageRules, Verdict, assess, better

# a page, its rendered image (or why rendering failed; None: no OCR) and whether to compare layers
_Unit = tuple[PageRead, tuple["Image.Image | RenderError | None", bool]]


PageCallback = Callable[[Page], None]


@dataclass
class Context:
    config: Config
    on_page: PageCallback | None = None
    on_total: Callable[[int], None] | None = None


Component = Callable[[Document, Context], None]
COMPONENTS: dict[str, Component] = {}


def component(name: str) -> Callable[[Component], Component]:
    def register(fn: Component) -> Component:
        COMPONENTS[name] = fn
        return fn

    return register


class _FewerCollections:
    """The garbage collector's first threshold raised while documents go through the
    components, thread-safely (the first document in sets it, the last one out puts back what
    it found).

    pdfplumber makes a dict per character, tens of thousands a page, and the later stages a
    token, box or span per word, all freed by reference counting; at CPython's default
    threshold (700 allocations) they set off hundreds of collections that find no cycles, and
    every hundredth walks every live object (lexicon, gazetteer, spaCy, the document so far):
    15% of a text page's time. Cycles are still collected, every 10,000 allocations here and at
    the default pace afterwards.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._lock = threading.Lock()
        self._documents = 0
        self._saved = gc.get_threshold()

    def __enter__(self) -> None:
        with self._lock:
            if self._documents == 0:
                self._saved = gc.get_threshold()
                gc.set_threshold(max(self.threshold, self._saved[0]), *self._saved[1:])
            self._documents += 1

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        with self._lock:
            self._documents -= 1
            if self._documents == 0:
                gc.set_threshold(*self._saved)


_PROCESSING = _FewerCollections(10_000)


@component("read")
def read(doc: Document, ctx: Context) -> None:
    """Text-layer words per page; pages whose layer triage distrusts are OCR'd in parallel."""
    path = Path(doc.source_path)
    cfg = ctx.config
    with open_pdf(path, cfg.limits) as pdf, Renderer(path, cfg.limits) as renderer:
        doc.n_pages = len(pdf.pages)
        if ctx.on_total:
            ctx.on_total(doc.n_pages)

        def units() -> Iterator[_Unit]:
            for index in range(doc.n_pages):
                try:
                    pread = read_page(pdf, index, cfg.limits, path)
                except InputFileError:
                    raise
                except Exception as exc:  # one damaged page must not sink the document
                    pread = _unreadable_page(doc, index, exc)
                    yield pread, (None, False)
                    continue
                verdict = (
                    Verdict(True, "OCR forced")
                    if cfg.force_ocr
                    else assess(pread, language.known_ratio, cfg.triage)
                )
                pread.page.triage = verdict.reason
                # rendering happens here, in this thread: pdfium is not thread-safe
                image: Image.Image | RenderError | None
                try:
                    wanted = verdict.needs_ocr
                    image = renderer.render(pread.page.page_no, cfg.dpi) if wanted else None
                except RenderError as exc:
                    image = exc  # raised again in work(), so the page is reported like a failed OCR
                yield pread, (image, verdict.compare)

        def work(unit: _Unit) -> Page:
            pread, (image, compare) = unit
            if isinstance(image, RenderError):
                raise image
            if image is not None:
                layer = pread.page.words
                ocr_page(pread.page, image, cfg.ocr_lang, cfg.ocr_timeout)
                if compare:
                    _keep_better(pread.page, layer, cfg.triage)
            return pread.page

        for (pread, (_, compare)), result in ordered_map(work, units(), cfg.jobs):
            if isinstance(result, PageError):
                pread.page.triage = f"{pread.page.triage}; OCR failed: {result}"
                if not compare:  # a scan's own text layer is better than no words at all
                    pread.page.words = []
                doc.status = "partial"
                doc.warnings.append(f"page {pread.page.page_no}: {result}")
            elif isinstance(result, BaseException):
                raise result
            doc.pages.append(pread.page)
            if ctx.on_page:
                ctx.on_page(pread.page)


def _keep_better(page: Page, layer: list[Word], rules: TriageRules) -> None:
    """A scan's own text layer against tesseract's reading: the better one stays on the page
    (a page OCR turned upright keeps the OCR reading: the layer's boxes are in the other frame)."""
    keep_ocr, why = better(layer, page.words, rules)
    page.triage = f"{page.triage}; {why}"
    if not keep_ocr and not page.rotation:
        page.words, page.method, page.ocr_confidence = layer, "text", None


def _unreadable_page(doc: Document, index: int, exc: Exception) -> PageRead:
    doc.status = "partial"
    doc.warnings.append(f"page {index + 1}: unreadable: {type(exc).__name__}: {exc}")
    page = Page(page_no=index + 1, width=0.0, height=0.0, triage=f"unreadable: {exc}")
    return PageRead(page=page, image_cover=0.0)


@component("layout")
def lay_out(doc: Document, ctx: Context) -> None:
    """Lines in reading order, running headers/footers marked, page text assembled."""
    for page in doc.pages:
        page.lines = layout.build_lines(page, ctx.config.layout)
    layout.mark_running(doc.pages, ctx.config.layout)
    for page in doc.pages:
        page.text_raw, page.text = layout.page_texts(page)


@component("repair")
def repair_pages(doc: Document, ctx: Context) -> None:
    """Repair mangled Latvian; every change is recorded on its page."""
    for page in doc.pages:
        page.text, page.repairs = repair.repair_text(page.text, ocr=page.method == "ocr")
        page.quality = lexicon.known_ratio(page.text) if page.text.strip() else 0.0
        if page.method == "text":  # a clean text layer's Latvian lines teach the word model
            wordmodel.learn(language.only(page.text), page.quality, len(page.repairs))


@component("tables")
def find_tables(doc: Document, ctx: Context) -> None:
    """Tables per page, stitched across page breaks; cell text gets the same repair as pages."""
    settings = ctx.config.tables
    found = [t for page in doc.pages for t in tables.find_tables(page, settings)]
    doc.tables = tables.stitch(found, doc.pages, settings)
    pages = {page.page_no: page for page in doc.pages}
    with_cells = {cell.page_no for t in doc.tables for cell in t.cells} & pages.keys()
    languages = {n: language.language(pages[n].text) for n in with_cells}  # for short cells
    for t in doc.tables:
        for cell in t.cells:
            page = pages.get(cell.page_no)
            cell.text = repair.repair_text(
                cell.text, languages.get(cell.page_no, language.LATVIAN),
                ocr=page is not None and page.method == "ocr",
            )[0]


@component("entities")
def find_entities(doc: Document, ctx: Context) -> None:
    """Targets of the tables, then each page through the spaCy entity pipeline (entities.py)."""
    doc.year_hint = dates.document_year("\n".join(p.text for p in doc.pages[:2]))
    for t in doc.tables:
        found = targets.targets_from_table(t)
        for target in found:
            target.page_no = target.page_no or t.page_first
        doc.targets.extend(found)
    columns = {key: cells for t in doc.tables for key, cells in municipalities.place_columns(t).items()}
    for page in doc.pages:
        on_page = {key: [c.text for c in cells if c.page_no == page.page_no] for key, cells in columns.items()}
        annotated = entities.annotate(page.text, year_hint=doc.year_hint, place_columns=on_page)
        for date in annotated._.dates:
            date.page_no = page.page_no
            doc.dates.append(date)
        for target in annotated._.targets:
            target.page_no = page.page_no
            doc.targets.append(target)
        for m in annotated._.municipalities:
            m.page_no = page.page_no
            if m.list_id and m.list_id not in columns:  # a table column is one list over its pages
                m.list_id = f"p{page.page_no}-{m.list_id}"
            doc.municipalities.append(m)
        doc.warnings.extend(f"page {page.page_no}: {w}" for w in annotated._.warnings)
    in_tables = [d for t in doc.tables for d in dates.find_dates_in_table(t, doc.year_hint)]
    doc.dates = dates.merge_table_dates(doc.dates, in_tables)


DEFAULT_PIPELINE = ("read", "layout", "repair", "tables", "entities")


def run(doc: Document, ctx: Context, names: tuple[str, ...] = DEFAULT_PIPELINE) -> Document:
    """Run the named components in order (a prefix of the default pipeline gives the document as
    that stage leaves it); an input error propagates to be quarantined."""
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown:
        raise ValueError(f"unknown components {unknown}; known: {sorted(COMPONENTS)}")
    with _PROCESSING:
        for name in names:
            COMPONENTS[name](doc, ctx)
    return doc

