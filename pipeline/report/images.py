"""Page pictures for the report, rendered once per (doc_id, page, dpi, rotation) and kept.

A re-run of the report renders nothing it rendered before: the file name carries everything the
picture depends on, and doc_id is the hash of the PDF's bytes, so a kept picture is never stale.
Rendering goes through ``source.Renderer`` (the one module that opens input files), at a modest
dpi: the picture is for looking, not for OCR. A page OCR'd turned upright (``pages.rotation``)
is turned the same way, as its word boxes are in the turned frame.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from ..errors import InputFileError, RenderError
from ..source import Limits, Renderer, file_identity
from ..store import atomic_write_bytes

DEFAULT_DPI = 96


@dataclass(frozen=True, slots=True)
class PageImage:
    path: Path
    width: int  # pixels
    height: int
    scale: float  # pixels per PDF point


class PageImages:
    """The pictures of one document's pages under ``report/img/<doc_id>/``."""

    def __init__(self, folder: Path, doc_id: str, source_path: str, dpi: int = DEFAULT_DPI) -> None:
        self.folder = folder / doc_id
        self.doc_id = doc_id
        self.source = Path(source_path)
        self.dpi = dpi
        self.problem: str | None = None  # why the source cannot be rendered, once tried
        self._renderer: Renderer | None = None

    def page(self, page_no: int, rotation: int = 0) -> PageImage | str:
        """The page's picture, or why there is none (the source is gone, changed, unrenderable)."""
        path = self.folder / f"p{page_no}-{self.dpi}dpi{f'-r{rotation}' if rotation else ''}.png"
        if not path.exists():
            renderer = self._open()
            if renderer is None:
                return self.problem or "no source"
            try:
                image = renderer.render(page_no, self.dpi)
            except RenderError as exc:
                return f"page {page_no} cannot be rendered: {exc}"
            used = image.info["dpi"][0]
            if rotation:
                image = image.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
            atomic_write_bytes(path, lambda h: image.save(h, format="PNG", dpi=(used, used)))
        with Image.open(path) as image:
            dpi = float(image.info.get("dpi", (self.dpi,))[0])
            return PageImage(path, image.width, image.height, dpi / 72.0)

    def origin(self, page_no: int) -> tuple[float, float]:
        """Where the picture's corner stands in the text layer's coordinates (``Renderer.origin``);
        (0, 0) when the source cannot be read."""
        renderer = self._open()
        if renderer is None:
            return (0.0, 0.0)
        try:
            return renderer.origin(page_no)
        except pdfium.PdfiumError:
            return (0.0, 0.0)

    def usable(self) -> bool:
        """Whether the source is still the file that was ingested (else see ``problem``)."""
        return self._open() is not None

    def _open(self) -> Renderer | None:
        if self._renderer is None and self.problem is None:
            try:
                if file_identity(self.source) != self.doc_id:
                    self.problem = f"the file at {self.source} has changed since it was ingested"
                else:
                    self._renderer = Renderer(self.source, Limits())
            except FileNotFoundError:
                self.problem = f"the source PDF is no longer at {self.source}"
            except OSError as exc:
                self.problem = f"the source PDF at {self.source} cannot be read: {exc.strerror or exc}"
            except InputFileError as exc:
                self.problem = exc.detail
        return self._renderer

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
