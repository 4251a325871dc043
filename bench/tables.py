"""Table extraction throughput against pdfplumber's own, on the same pages in one run.

- lvingest: per page, words and edges read with pdfplumber into a ``Page`` (the pipeline's
  ``source.read_page``), then ``tables.find_tables``; ``tables.stitch`` over the document;
- pdfplumber: per page, ``page.find_tables()`` and ``page.extract_words()``.

The pages are the text-layer fixture PDFs (those whose gold pages are all "text"), cycled into
one ``--pages``-long PDF so the figures are those of a long document. Each side opens the PDF
in its timed run; the best of ``--repeat`` runs is kept, so machine load mostly cancels out in
the ratio. ``find_tables`` alone is timed on pages read beforehand.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf

from pipeline.document import Page
from pipeline.source import Limits, open_pdf, read_page
from pipeline.tables import find_tables, stitch

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def text_fixtures() -> list[Path]:
    """Fixture PDFs with a usable text layer on every page, by their gold."""
    out = []
    for gold in sorted((FIXTURES / "gold").glob("*.json")):
        pages = json.loads(gold.read_text(encoding="utf-8"))["pages"]
        if pages and all(p["method"] == "text" for p in pages):
            out.append(FIXTURES / "pdf" / f"{gold.stem}.pdf")
    return out


def long_pdf(sources: list[Path], n_pages: int, path: Path) -> Path:
    """``n_pages`` pages taken from ``sources`` in turn, written to ``path``."""
    opened = [pikepdf.open(p) for p in sources]
    try:
        pages = [page for pdf in opened for page in pdf.pages]
        with pikepdf.new() as out:
            for i in range(n_pages):
                out.pages.append(pages[i % len(pages)])
            out.save(path)
    finally:
        for pdf in opened:
            pdf.close()
    return path


def read_pages(path: Path) -> list[Page]:
    limits = Limits()
    with open_pdf(path, limits) as pdf:
        return [read_page(pdf, i, limits, path).page for i in range(len(pdf.pages))]


def ours(path: Path) -> int:
    """Tables after stitching, reading the pages as the pipeline does."""
    return len(stitch([t for page in read_pages(path) for t in find_tables(page)]))


def reference(path: Path) -> int:
    found = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            found += len(page.find_tables())
            page.extract_words()
            page.close()
    return found


def best(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Shortest wall time of ``repeat`` runs and what the run returned."""
    times, result = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench tables")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sources = text_fixtures()
    with tempfile.TemporaryDirectory(prefix="lvingest-bench-") as tmp:
        pdf = long_pdf(sources, args.pages, Path(tmp) / "tables.pdf")
        ref_s, ref_tables = best(lambda: reference(pdf), args.repeat)
        our_s, our_tables = best(lambda: ours(pdf), args.repeat)
        pages = read_pages(pdf)
        find_s, _ = best(lambda: sum(len(find_tables(p)) for p in pages), args.repeat)
    n = args.pages
    print(f"{n} pages from {', '.join(p.name for p in sources)}")
    print(f"{'measure':<44} {'lvingest':>10} {'pdfplumber':>11} {'ratio':>7}")
    print(f"{'pages/s, read + tables (ours: + stitch)':<44} {n / our_s:>10.1f} {n / ref_s:>11.1f} "
          f"{ref_s / our_s:>6.2f}x")
    print(f"{'pages/s, table finding alone (pages read)':<44} {n / find_s:>10.1f} {n / ref_s:>11.1f} "
          f"{ref_s / find_s:>6.2f}x")
    print(f"{'tables found':<44} {our_tables:>10} {ref_tables:>11}")


if __name__ == "__main__":
    main()
