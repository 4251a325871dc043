"""Named pipeline components over one Document, in the spirit of spaCy's ``nlp.pipeline``.

Each component reads what earlier ones left on the Document and adds its own part; none of them
touches files except ``read``. The stage logic lives in its own module (layout, repair, table,
entities); a component only wires that module to the Document.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import dates, entities, layout, lexicon, repair, table, targets, wordmodel
from .concurrency import ordered_map
from .document import Document, Page
from .errors import InputFileError, PageError, RenderError
from .ocr import ocr_page
from .source import Limits, PageRead, Renderer, open_pdf, read_page
from .triage import TriageRules, assess


@dataclass(frozen=True)
class Config:
    dpi: int = 300
    ocr_lang: str = "lav"
    ocr_timeout: float = 300.0
    jobs: int = 2  # pages OCR'd at once
    force_ocr: bool = False
    limits: Limits = field(default_factory=Limits)
    triage: TriageRules = field(default_factory=TriageRules)


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


@component("read")
def read(doc: Document, ctx: Context) -> None:
    """Text-layer words per page; pages whose layer triage distrusts are OCR'd in parallel."""
    path = Path(doc.source_path)
    cfg = ctx.config
    with open_pdf(path, cfg.limits) as pdf, Renderer(path, cfg.limits) as renderer:
        doc.n_pages = len(pdf.pages)
        if ctx.on_total:
            ctx.on_total(doc.n_pages)

        def units() -> Iterator[tuple[PageRead, object]]:
            for index in range(doc.n_pages):
                try:
                    pread = read_page(pdf, index, cfg.limits, path)
                except InputFileError:
                    raise
                except Exception as exc:  # one damaged page must not sink the document
                    pread = _unreadable_page(doc, index, exc)
                    yield pread, None
                    continue
                needs_ocr, why = (
                    (True, "OCR forced")
                    if cfg.force_ocr
                    else assess(pread, lexicon.folded_ratio, cfg.triage)
                )
                pread.page.triage = why
                # rendering happens here, in this thread: pdfium is not thread-safe
                try:
                    image = renderer.render(pread.page.page_no, cfg.dpi) if needs_ocr else None
                except RenderError as exc:
                    image = exc  # raised again in work(), so the page is reported like a failed OCR
                yield pread, image

        def work(unit: tuple[PageRead, object]) -> Page:
            pread, image = unit
            if isinstance(image, RenderError):
                raise image
            if image is not None:
                ocr_page(pread.page, image, cfg.ocr_lang, cfg.ocr_timeout)
            return pread.page

        for (pread, _), result in ordered_map(work, units(), cfg.jobs):
            if isinstance(result, PageError):
                pread.page.triage = f"{pread.page.triage}; OCR failed: {result}"
                pread.page.words = []
                doc.status = "partial"
                doc.warnings.append(f"page {pread.page.page_no}: {result}")
            elif isinstance(result, BaseException):
                raise result
            doc.pages.append(pread.page)
            if ctx.on_page:
                ctx.on_page(pread.page)


def _unreadable_page(doc: Document, index: int, exc: Exception) -> PageRead:
    doc.status = "partial"
    doc.warnings.append(f"page {index + 1}: unreadable: {type(exc).__name__}: {exc}")
    page = Page(page_no=index + 1, width=0.0, height=0.0, triage=f"unreadable: {exc}")
    return PageRead(page=page, image_cover=0.0)


@component("layout")
def lay_out(doc: Document, ctx: Context) -> None:
    """Lines in reading order, running headers/footers marked, page text assembled."""
    for page in doc.pages:
        page.lines = layout.build_lines(page)
    layout.mark_running(doc.pages)
    for page in doc.pages:
        page.text_raw, page.text = layout.page_texts(page)


@component("repair")
def repair_pages(doc: Document, ctx: Context) -> None:
    """Repair mangled Latvian; every change is recorded on its page."""
    for page in doc.pages:
        page.text, page.repairs = repair.repair_text(page.text)
        page.quality = lexicon.known_ratio(page.text) if page.text.strip() else 0.0
        if page.method == "text":  # a clean text layer teaches the word model the archive's words
            wordmodel.learn(page.text, page.quality, len(page.repairs))


@component("tables")
def find_tables(doc: Document, ctx: Context) -> None:
    """Tables per page, stitched across page breaks; cell text gets the same repair as pages."""
    found = [t for page in doc.pages for t in table.find_tables(page)]
    doc.tables = table.stitch(found)
    for t in doc.tables:
        for cell in t.cells:
            cell.text = repair.repair_text(cell.text)[0]


@component("entities")
def find_entities(doc: Document, ctx: Context) -> None:
    """Targets of the tables, then each page through the spaCy entity pipeline (entities.py)."""
    doc.year_hint = dates.document_year("\n".join(p.text for p in doc.pages[:2]))
    for t in doc.tables:
        found = targets.targets_from_table(t)
        for target in found:
            target.page_no = target.page_no or t.page_first
        doc.targets.extend(found)
    for page in doc.pages:
        annotated = entities.annotate(page.text, year_hint=doc.year_hint)
        for span in annotated.spans["dates"]:
            span._.record.page_no = page.page_no
            doc.dates.append(span._.record)
        for target in annotated._.targets:
            target.page_no = page.page_no
            doc.targets.append(target)
        for span in annotated.spans["municipalities"]:
            m = span._.record
            m.page_no = page.page_no
            if m.list_id:
                m.list_id = f"p{page.page_no}-{m.list_id}"
            doc.municipalities.append(m)
        doc.warnings.extend(f"page {page.page_no}: {w}" for w in annotated._.warnings)


DEFAULT_PIPELINE = ("read", "layout", "repair", "tables", "entities")


def run(doc: Document, ctx: Context, names: tuple[str, ...] = DEFAULT_PIPELINE) -> Document:
    """Run the named components in order (a prefix of the default pipeline gives the document as
    that stage leaves it); an input error propagates to be quarantined."""
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown:
        raise ValueError(f"unknown components {unknown}; known: {sorted(COMPONENTS)}")
    for name in names:
        COMPONENTS[name](doc, ctx)
    return doc

