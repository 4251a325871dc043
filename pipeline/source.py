"""Reading a PDF file: identity, validation, and per-page words, rulings and images.

This is the only module that opens input files. Validation happens before any page work so a
bad input is rejected with a reason code the quarantine record keeps (see ``errors``).
"""
from __future__ import annotations

import hashlib
import math
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSEOF
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from .document import Page, Ruling, Shape, Word
from .errors import (
    DecompressionBombError,
    EmptyFileError,
    EncryptedPdfError,
    InputFileError,
    NotPdfError,
    RenderError,
    TooLargeError,
    TruncatedPdfError,
    UnreadablePdfError,
)


@dataclass(frozen=True, slots=True)
class Limits:
    """What an input may be before it is refused rather than risk the machine."""

    max_bytes: int = 512 * 1024 * 1024
    max_pages: int = 5000
    max_image_pixels: int = 150_000_000  # one embedded image, decoded
    max_content_bytes: int = 256 * 1024 * 1024  # one page's content streams, decompressed
    max_render_pixels: int = 120_000_000  # one page rendered for OCR; larger pages get fewer dpi
    min_render_dpi: float = 100.0  # below this OCR reads little: such a page is not rendered


@dataclass(slots=True)
class PageRead:
    """A page as read from the text layer, plus what triage needs to judge it."""

    page: Page
    image_cover: float  # share of the page area covered by images
    sideways: float = 0.0  # share of the text layer's letters that do not stand upright


def file_identity(path: Path) -> str:
    """sha256 of the bytes: the doc_id, stable across renames and re-runs."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


EOF_WINDOW = 2048  # bytes at the end searched for %%EOF (writers may append a few after it)


def is_pdf_name(path: Path) -> bool:
    """A file an inbox scan should pick up: ``*.pdf`` in any case, not hidden (partial copies)."""
    return path.suffix.lower() == ".pdf" and not path.name.startswith(".")


def resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path where links loop (``resolve`` raises then)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def pdf_files(folder: Path, exclude: Path | None = None) -> list[Path]:
    """``*.pdf`` below ``folder``, sorted; links to nowhere and links that loop are kept (to be
    recorded as unreadable rather than lost); nothing below ``exclude`` (an output folder inside
    the inbox, compared as resolved paths, so its quarantine copies are never read back)."""
    skip = resolved(exclude) if exclude is not None else None
    found = []
    for p in sorted(folder.rglob("*")):
        if not is_pdf_name(p) or not (p.is_file() or (p.is_symlink() and not p.exists())):
            continue
        if skip is not None and resolved(p.parent).is_relative_to(skip):
            continue
        found.append(p)
    return found


def page_count(path: Path) -> int:
    """Pages of a PDF as pdfium counts them (milliseconds: it reads only the page tree); 0 for a
    file it cannot open. For a progress bar's total, counted before the work starts."""
    try:
        with pdfium.PdfDocument(str(path)) as pdf:
            return len(pdf)
    except (pdfium.PdfiumError, OSError, ValueError):
        return 0


def _tail(handle: BinaryIO, size: int) -> bytes:
    handle.seek(max(0, size - EOF_WINDOW))
    return handle.read()


def ends_with_eof(path: Path) -> bool:
    """The file's last bytes hold %%EOF: a PDF writer has finished it (or it is whole)."""
    with path.open("rb") as handle:
        return b"%%EOF" in _tail(handle, handle.seek(0, 2))


def check_file(path: Path, limits: Limits) -> bool:
    """Cheap checks on the bytes before a PDF parser sees them; True if the file ends in %%EOF."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(str(path), "the file is empty (0 bytes)")
    if size > limits.max_bytes:
        raise TooLargeError(str(path), f"{size} bytes is over the limit of {limits.max_bytes}")
    with path.open("rb") as handle:
        head = handle.read(1024)
        tail = _tail(handle, size)
    if b"%PDF-" not in head:
        raise NotPdfError(str(path), f"no %PDF- header; starts with {head[:8]!r}")
    return b"%%EOF" in tail


@contextmanager
def open_pdf(path: Path, limits: Limits) -> Iterator[pdfplumber.PDF]:
    """Open with pdfplumber, turning parser exceptions into input errors with a reason."""
    complete = check_file(path, limits)
    try:
        pdf = pdfplumber.open(path)
        n_pages = len(pdf.pages)
    except PdfminerException as exc:
        raise _input_error(path, exc.args[0] if exc.args else exc, complete) from exc
    except Exception as exc:  # pdfminer raises many unrelated types on malformed input
        raise _input_error(path, exc, complete) from exc
    try:
        if n_pages == 0:
            raise UnreadablePdfError(str(path), "the PDF has no pages")
        if n_pages > limits.max_pages:
            raise TooLargeError(str(path), f"{n_pages} pages is over the limit of {limits.max_pages}")
        yield pdf
    finally:
        pdf.close()


def _input_error(path: Path, cause: object, complete: bool) -> InputFileError:
    """Name why the parser gave up; a file that does not end in %%EOF was cut short."""
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return EncryptedPdfError(str(path), "the PDF is encrypted and needs a password")
    if isinstance(cause, PSEOF) and not complete:
        return TruncatedPdfError(str(path), "unexpected end of file: the file was cut short")
    return UnreadablePdfError(str(path), f"{type(cause).__name__}: {cause}")


def read_page(pdf: pdfplumber.PDF, index: int, limits: Limits, path: Path) -> PageRead:
    """Words, rulings and image cover of one page; the pdfplumber page is closed afterwards."""
    plumb = pdf.pages[index]
    try:
        _check_content_size(plumb, limits, path)  # before anything parses the page
        area = float(plumb.width * plumb.height) or 1.0
        covered = 0.0
        for image in plumb.images:
            width, height = image.get("srcsize", (0, 0))
            if width * height > limits.max_image_pixels:
                raise DecompressionBombError(
                    str(path),
                    f"page {index + 1} embeds a {width}x{height} image "
                    f"(over {limits.max_image_pixels} pixels)",
                )
            covered += max(0.0, float(image["x1"] - image["x0"])) * max(
                0.0, float(image["bottom"] - image["top"])
            )
        found = pdfplumber.utils.extract_words(
            _superscripts(plumb.chars), keep_blank_chars=False, use_text_flow=False
        )
        words = [
            Word(
                text=unicodedata.normalize("NFC", w["text"]),
                x0=float(w["x0"]),
                top=float(w["top"]),
                x1=float(w["x1"]),
                bottom=float(w["bottom"]),
            )
            for w in found
        ]
        letters = sum(len(w["text"]) for w in found) or 1
        sideways = sum(len(w["text"]) for w in found if not w["upright"]) / letters
        rulings = _rulings(plumb)
        page = Page(
            page_no=index + 1,
            width=float(plumb.width),
            height=float(plumb.height),
            words=words,
            rulings=rulings,
            shapes=_shapes(plumb),
        )
        return PageRead(page=page, image_cover=min(1.0, covered / area), sideways=sideways)
    finally:
        plumb.close()


def _check_content_size(plumb: pdfplumber.page.Page, limits: Limits, path: Path) -> None:
    """DecompressionBombError if the page's content streams (and its forms') inflate past
    ``max_content_bytes``: a 1 MB file can hold a gigabyte of drawing operators, which the
    parser would hold in memory for a minute. Counted by inflating in 1 MB steps, kept nowhere."""
    xobjects = resolve1((plumb.page_obj.resources or {}).get("XObject")) or {}
    streams = [resolve1(s) for s in (plumb.page_obj.contents or [])]
    streams += [x for x in map(resolve1, xobjects.values())
                if isinstance(x, PDFStream) and getattr(x.get("Subtype"), "name", "") == "Form"]
    total = 0
    for stream in streams:
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            continue
        if [getattr(f, "name", f) for f, _ in stream.get_filters()] not in (["FlateDecode"], ["Fl"]):
            total += len(stream.rawdata)
            continue
        inflate, data = zlib.decompressobj(), stream.rawdata
        while data and total <= limits.max_content_bytes:
            try:
                total += len(inflate.decompress(data, 1 << 20))
            except zlib.error:
                break  # the parser reports a damaged stream in its own way
            data = inflate.unconsumed_tail
        if total > limits.max_content_bytes:
            raise DecompressionBombError(
                str(path), f"page {plumb.page_number}: its content inflates to over "
                           f"{limits.max_content_bytes:,} bytes")


RULE_WIDTH = 2.0  # pt: a filled rectangle this thin is a rule drawn as a bar
STRAIGHT = 0.5  # pt a horizontal or vertical segment may slant over its length


def _rulings(plumb: pdfplumber.page.Page) -> list[Ruling]:
    """The page's drawn rules: straight segments of stroked lines, rectangles and curves, and
    filled bars thin enough to be a rule. An unstroked filled area (a shaded cell background, an
    invisible white box) is not a rule, nor is a slanted segment of a curve or chart."""
    out = []
    for e in plumb.edges:
        if e["object_type"] == "rect_edge" and not e.get("stroke"):
            continue
        if min(e["x1"] - e["x0"], e["bottom"] - e["top"]) > STRAIGHT:
            continue
        out.append(Ruling(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"])))
    for r in plumb.rects:
        if not r.get("stroke") and r.get("fill") and min(r["width"], r["height"]) <= RULE_WIDTH:
            out.append(Ruling(float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])))
    return out


MIN_SLANT = 3.0  # pt: a slanted segment shorter than this is a glyph-sized flourish, not a chart line
ARROWHEAD = 10.0  # pt: the largest side of a filled triangle read as an arrowhead


def _shapes(plumb: pdfplumber.page.Page) -> list[Shape]:
    """Marks of a chart or diagram: each slanted segment of a drawn line or curve (a chart's
    data line, a diagonal axis label leader) and each small filled triangle (an arrowhead of a
    flow diagram). Text set over them is a chart's labels, not a table (``tables.classify``)."""
    out = []
    for obj in [*plumb.lines, *plumb.curves]:
        pts = obj.get("pts") or []
        if obj.get("fill") and len(pts) in (3, 4) and max(obj["width"], obj["height"]) <= ARROWHEAD \
                and min(obj["width"], obj["height"]) > STRAIGHT:
            out.append(Shape("arrowhead", float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])))
            continue
        if not obj.get("stroke"):
            continue
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            dx, dy = abs(bx - ax), abs(by - ay)
            if min(dx, dy) > STRAIGHT and math.hypot(dx, dy) >= MIN_SLANT:
                out.append(Shape("slant", float(min(ax, bx)), float(min(ay, by)),
                                 float(max(ax, bx)), float(max(ay, by))))
    return out


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUPERSCRIPT_SIZE = 0.8  # a superscript digit is at most this share of its base character's size
SUPERSCRIPT_RISE = 0.2  # and its baseline sits at least this share of that size higher


def _superscripts(chars: list[dict]) -> list[dict]:
    """Digits set small and raised after a larger character, as Unicode superscript digits.

    Legal references (``2.¹⁰ pantu``, ``18.¹ panta``) and times (``plkst. 9⁰⁰``) set them so;
    read as plain digits they run into their base (``2.10``, ``900``) and change its meaning.
    Decided from the text layer's size and baseline of each character against the last
    full-size one before it on the line (characters come in content-stream order).
    """
    out: list[dict] = []
    base: dict | None = None
    for char in chars:
        text = char["text"]
        if base is not None and len(text) == 1 and text.isdigit() and char.get("upright", True):
            previous = out[-1]
            if (
                char["size"] <= SUPERSCRIPT_SIZE * base["size"]
                and base["bottom"] - char["bottom"] >= SUPERSCRIPT_RISE * base["size"]
                and char["bottom"] > base["top"]
                and -1.0 <= char["x0"] - previous["x1"] < base["size"]
            ):
                out.append({**char, "text": text.translate(SUPERSCRIPT)})
                continue
        if text.strip():
            base = char
        out.append(char)
    return out


class Renderer:
    """Renders pages for OCR with pypdfium2. pdfium is not thread-safe: use from one thread."""

    def __init__(self, path: Path, limits: Limits) -> None:
        try:
            self._pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise UnreadablePdfError(str(path), f"pdfium cannot open it: {exc}") from exc
        self._limits = limits

    def render(self, page_no: int, dpi: int) -> Image.Image:
        """The page as a grayscale image, its resolution in ``image.info["dpi"]``.

        A page too large for ``dpi`` within the pixel limit (a poster, a drawing) is rendered at
        the resolution that fits; one that would need less than ``min_render_dpi`` raises
        RenderError, as does a pdfium failure, so only that page is lost.
        """
        try:
            page = self._pdf[page_no - 1]
        except pdfium.PdfiumError as exc:
            raise RenderError(f"pdfium cannot load it: {exc}") from exc
        try:
            width, height = page.get_size()
            # a hair under the limit, as pdfium rounds the bitmap up to whole pixels
            fit = 71.9 * math.sqrt(self._limits.max_render_pixels / max(width * height, 1.0))
            if fit < min(float(dpi), self._limits.min_render_dpi):
                raise RenderError(
                    f"{width:.0f} x {height:.0f} pt is too large to render for OCR "
                    f"(it would get {fit:.0f} dpi within {self._limits.max_render_pixels:,} pixels)"
                )
            used = min(float(dpi), fit)
            try:
                bitmap = page.render(scale=used / 72, grayscale=True)
            except pdfium.PdfiumError as exc:
                raise RenderError(f"pdfium cannot render it: {exc}") from exc
            try:
                image = bitmap.to_pil().copy()
            finally:
                bitmap.close()
            image.info["dpi"] = (used, used)
            return image
        finally:
            page.close()

    def origin(self, page_no: int) -> tuple[float, float]:
        """Where a rendered page's top-left corner stands in its text layer's coordinates.

        pdfium renders the CropBox, turned by /Rotate; pdfplumber places words in the MediaBox,
        turned the same way, from its top-left. On a page cropped inside its MediaBox the two
        differ by this offset (points); (0, 0) on most pages.
        """
        page = self._pdf[page_no - 1]
        try:
            mx0, my0, mx1, my1 = page.get_mediabox()
            cx0, cy0, cx1, cy1 = page.get_cropbox()
            corners = {0: (cx0 - mx0, my1 - cy1), 90: (cy0 - my0, cx0 - mx0),
                       180: (mx1 - cx1, cy0 - my0), 270: (my1 - cy1, mx1 - cx1)}
            return corners.get(page.get_rotation() % 360, (0.0, 0.0))
        finally:
            page.close()

    def close(self) -> None:
        self._pdf.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
