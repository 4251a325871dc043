"""The one place that runs tesseract: version probe, language check, timeout, environment.

tesseract is driven through pytesseract. We parallelise per page ourselves, so each tesseract
process is limited to one OpenMP thread: letting every process spawn one thread per core makes
several concurrent pages slower than running them one by one.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
from dataclasses import dataclass

import pytesseract
from PIL import Image

from ..errors import MissingDependencyError, OcrTimeoutError, PageError

DEBIAN_PACKAGES = {"lav": "tesseract-ocr-lav", "eng": "tesseract-ocr-eng", "osd": "tesseract-ocr-osd"}


@dataclass(slots=True)
class OcrWord:
    """A word as tesseract reports it, in pixels of the image it was given."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


def _environment() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


@functools.cache
def version() -> str:
    """tesseract's version string, e.g. ``5.3.0``; raises if the program is not installed."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise MissingDependencyError(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-lav)"
        )
    return str(pytesseract.get_tesseract_version())


@functools.cache
def languages() -> frozenset[str]:
    version()
    return frozenset(pytesseract.get_languages(config=""))


def require(lang: str) -> None:
    """Fail early, naming the Debian package, when a language model in ``lav+eng`` is missing,
    or the orientation model every OCR'd page may need."""
    missing = [code for code in [*lang.split("+"), "osd"] if code not in languages()]
    if missing:
        packages = " ".join(DEBIAN_PACKAGES.get(code, f"tesseract-ocr-{code}") for code in missing)
        raise MissingDependencyError(
            f"tesseract language model(s) {', '.join(missing)} not installed "
            f"(Debian: apt-get install {packages})"
        )


def _as_tiff(image: Image.Image) -> Image.Image:
    """The image marked to reach tesseract as an uncompressed TIFF: pytesseract writes it to a
    file in ``image.format``, PNG when unset (as it sets the attribute itself). Compressing a
    300 dpi page to PNG took 70 ms and tesseract's decoding it more, 8% of the page's OCR; a
    TIFF takes 6 ms. Neither file carries a resolution, so tesseract reads the same pixels alike."""
    image.format = "TIFF"
    return image


def image_to_words(
    image: Image.Image, lang: str, timeout: float, psm: int = 3
) -> list[OcrWord]:
    """OCR one page image into words with boxes and confidences (empty words dropped)."""
    require(lang)
    _environment()
    try:
        data = pytesseract.image_to_data(
            _as_tiff(image),
            lang=lang,
            config=f"--psm {psm}",
            timeout=timeout,
            output_type=pytesseract.Output.DICT,
        )
    except pytesseract.TesseractError as exc:  # a RuntimeError too: caught first
        raise PageError(f"tesseract failed: {exc}") from exc
    except RuntimeError as exc:  # pytesseract's way of saying the timeout fired
        if "timeout" in str(exc).lower():
            raise OcrTimeoutError(f"tesseract took longer than {timeout:g} s") from exc
        raise PageError(f"tesseract failed: {exc}") from exc
    words = []
    for i, text in enumerate(data["text"]):
        text = text.strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            OcrWord(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                conf=conf,
            )
        )
    return words


def orientation(image: Image.Image, timeout: float) -> tuple[int, float] | None:
    """Degrees to turn the image clockwise so its text stands upright, with tesseract's
    confidence (OSD, ``--psm 0``); None when the page has too little text to tell."""
    _environment()
    try:
        osd = pytesseract.image_to_osd(_as_tiff(image), config="--psm 0", timeout=timeout,
                                       output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # "Too few characters": a blank or nearly blank page
        return None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeoutError(f"tesseract took longer than {timeout:g} s") from exc
        raise PageError(f"tesseract failed: {exc}") from exc
    return int(osd["rotate"]), float(osd["orientation_conf"])


def short_version() -> str:
    """The numeric part of the version, for cache keys and provenance."""
    match = re.match(r"[\d.]+", version())
    return match.group(0) if match else version()
