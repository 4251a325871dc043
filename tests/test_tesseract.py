"""The tesseract adapter: version probe, missing programs and models, timeout, word boxes."""
from __future__ import annotations

import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline._exec import tesseract
from pipeline.errors import ExitCode, MissingDependencyError, OcrTimeoutError

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _image(text: str) -> Image.Image:
    image = Image.new("L", (1400, 200), 255)
    ImageDraw.Draw(image).text((40, 60), text, fill=0, font=ImageFont.truetype(FONT, 56))
    return image


@pytest.mark.ocr
def test_version_probe() -> None:
    assert tesseract.short_version()[0].isdigit()
    assert "lav" in tesseract.languages()


def test_missing_model_names_the_debian_package() -> None:
    with pytest.raises(MissingDependencyError, match="tesseract-ocr-zzz") as info:
        tesseract.require("lav+zzz")
    assert info.value.exit_code == ExitCode.missing_dependency


def test_missing_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    tesseract.version.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr"):
            tesseract.version()
    finally:
        tesseract.version.cache_clear()


@pytest.mark.ocr
def test_words_with_boxes_and_confidence() -> None:
    words = tesseract.image_to_words(_image("Pašvaldību sēde Rīgā"), lang="lav", timeout=60)
    assert [w.text for w in words] == ["Pašvaldību", "sēde", "Rīgā"]
    assert all(w.conf > 50 and w.width > 0 for w in words)
    assert words[0].left < words[1].left < words[2].left


@pytest.mark.ocr
def test_timeout_is_a_page_error() -> None:
    with pytest.raises(OcrTimeoutError):
        tesseract.image_to_words(_image("Pašvaldību sēde Rīgā " * 3), lang="lav", timeout=0.01)
