"""Table extraction speed against pdfplumber's own ``find_tables`` on the same pages.

Ours per page: read words and rulings (``source.read_page``), lines (``layout.build_lines``),
``table.find_tables``; reference: ``page.extract_words()`` + ``page.find_tables()``. Both over
every text-layer fixture page, best of three, in this process.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pdfplumber

from pipeline import layout, table
from pipeline.source import Limits, open_pdf, read_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
TEXT_LAYER = ("plan_text.pdf", "kpi_multipage.pdf", "stop47_list.pdf", "plan_nodiacritics.pdf")


def reference(paths: list[Path]) -> int:
    found = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                found += len(page.find_tables())
                page.close()
    return found


def ours(paths: list[Path]) -> int:
    found = 0
    for path in paths:
        pages = []
        with open_pdf(path, Limits()) as pdf:
            for i in range(len(pdf.pages)):
                page = read_page(pdf, i, Limits(), path).page
                page.lines = layout.build_lines(page)
                pages.append(page)
        layout.mark_running(pages)
        found += len(table.stitch([t for p in pages for t in table.find_tables(p)]))
    return found


def best_of(fn, paths: list[Path], repeat: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = fn(paths)
        times.append(time.perf_counter() - start)
    return min(times), found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench tables")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=5, help="passes over the fixtures per run")
    args = parser.parse_args(argv)
    paths = [FIXTURES / name for name in TEXT_LAYER] * args.copies
    n_pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            n_pages += len(pdf.pages)
    ref, ref_found = best_of(reference, paths, args.repeat)
    mine, my_found = best_of(ours, paths, args.repeat)
    print(f"{'measure':<40} {'lvingest':>10} {'pdfplumber':>11} {'ratio':>7}")
    print(f"{'table pages/s (' + str(n_pages) + ' pages)':<40} {n_pages / mine:>10.1f} {n_pages / ref:>11.1f} "
          f"{ref / mine:>6.2f}x")
    print(f"{'tables found (stitched vs per page)':<40} {my_found:>10} {ref_found:>11}")
