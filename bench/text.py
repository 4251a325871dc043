"""Repair figures on text nobody here wrote: the LVTB development corpus (../shared/corpora).

- folded (diacritics stripped) and restored: word accuracy next to copying the input and to
  the most-frequent-form baseline;
- rendered to a PDF, OCR'd with tesseract ``eng`` (seed-001 style mangling) and ``lav``, and
  repaired: word accuracy before and after (OCR output cached in the lexicon's cache folder);
- the corpus itself through repair: share of words left unchanged;
- repair throughput in words/s.
"""
from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline._exec import tesseract
from pipeline.lexicon import cache_dir, get_lexicon
from pipeline.repair import repair_text
from pipeline.store import atomic_write_bytes
from pipeline.textnorm import fold

from .scoring import word_accuracy

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpora" / "lvtb-dev.sentences.txt"
SEED = SHARED / "seeds" / "002_83f27015ef96de0a.txt"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
EDGES = "\"'“”„«»()[]{}.,;:!?…–—-/*"


def words(text: str) -> list[str]:
    return [w.strip(EDGES) for w in text.split()]


def aligned_accuracy(gold: str, got: str) -> float:
    """Word accuracy (``bench.scoring``) over words stripped of their edge punctuation."""
    return word_accuracy(" ".join(words(gold)), " ".join(words(got)))


def most_frequent_form(text: str) -> str:
    """The baseline: every word replaced by the most frequent form with its folded spelling."""
    lex = get_lexicon()
    out = []
    for token in text.split():
        core = token.strip(EDGES)
        forms = lex.by_fold([core.lower()])[core.lower()] if core else []
        best = forms[0][0] if forms else core.lower()
        best = best[:1].upper() + best[1:] if core[:1].isupper() else best
        out.append(token.replace(core, best, 1) if core else token)
    return " ".join(out)


def render(lines: list[str], path: Path) -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    c.setFont("DejaVu", 11)
    for sentence in lines:
        chunk = ""
        for word in sentence.split():
            if pdfmetrics.stringWidth(f"{chunk} {word}", "DejaVu", 11) > 480:
                c.drawString(56, y, chunk)
                y -= 15
                chunk = word
            else:
                chunk = f"{chunk} {word}".strip()
            if y < 50:
                c.showPage()
                c.setFont("DejaVu", 11)
                y = 800
        c.drawString(56, y, chunk)
        y -= 15
        if y < 50:
            c.showPage()
            c.setFont("DejaVu", 11)
            y = 800
    c.save()


def ocr_corpus(lines: list[str], lang: str, dpi: int = 300) -> str:
    """The rendered corpus OCR'd with ``lang``; cached by corpus hash, language and tesseract."""
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
    cached = cache_dir() / f"ocr-{digest}-{lang}-{tesseract.short_version()}-{dpi}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    pdf_path = cache_dir() / f"corpus-{digest}.pdf"
    render(lines, pdf_path)
    pdf = pdfium.PdfDocument(str(pdf_path))
    pages = []
    for page in pdf:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        pages.append(" ".join(w.text for w in tesseract.image_to_words(image, lang, timeout=600)))
    pdf.close()
    text = "\n".join(pages)
    atomic_write_bytes(cached, lambda handle: handle.write(text.encode("utf-8")))
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench text")
    parser.add_argument("--limit", type=int, default=500, help="sentences to OCR (default 500)")
    args = parser.parse_args(argv)
    for needed in (CORPUS, SEED):
        if not needed.exists():
            raise SystemExit(f"{needed} not found: the benchmark needs ../shared next to the checkout")
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    gold = "\n".join(lines)
    get_lexicon()
    folded = fold(gold)
    start = time.perf_counter()
    restored, _ = repair_text(folded)
    seconds = time.perf_counter() - start
    clean, _ = repair_text(gold)
    seed_text = SEED.read_text(encoding="utf-8")
    rows = [
        ("folded corpus: copy input", aligned_accuracy(gold, folded), None),
        ("folded corpus: most frequent form", aligned_accuracy(gold, most_frequent_form(folded)), None),
        ("folded corpus: lvingest repair", aligned_accuracy(gold, restored), 0.97),
        ("clean corpus unchanged", aligned_accuracy(gold, clean), 0.999),
        ("clean seed 002 unchanged", aligned_accuracy(seed_text, repair_text(seed_text)[0]), 0.999),
    ]
    sample = lines[: args.limit]
    sample_gold = " ".join(sample)
    for lang, goal in (("eng", 0.95), ("lav", 0.985)):
        ocr = ocr_corpus(sample, lang)
        rows.append((f"OCR {lang} ({len(sample)} sentences): raw", aligned_accuracy(sample_gold, ocr), None))
        rows.append((f"OCR {lang}: after repair", aligned_accuracy(sample_gold, repair_text(ocr)[0]), goal))
    print(f"{'measure':<44} {'word accuracy':>14}  goal")
    for name, value, goal in rows:
        verdict = "" if goal is None else f"≥ {goal:.1%} {'ok' if value >= goal else 'MISSED'}"
        print(f"{name:<44} {value:>13.2%}  {verdict}")
    print(f"{'repair throughput (folded corpus)':<44} {len(words(gold)) / seconds:>9,.0f} words/s")
