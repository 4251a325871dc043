"""Scores of pipeline output against fixture gold: word accuracy, cell accuracy, P/R of records."""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Hashable, Iterable


def word_accuracy(gold: str, got: str) -> float:
    """Share of gold words found in order in the output (difflib alignment over words)."""
    g, o = gold.split(), got.split()
    if not g:
        return 1.0 if not o else 0.0
    matcher = difflib.SequenceMatcher(a=g, b=o, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(g)


def _norm(text: str) -> str:
    return " ".join(text.split())


def cell_accuracy(gold_cells: list[list[str]], got_cells: list[list[str]]) -> float:
    """Share of gold cells whose text matches the same position, whitespace-normalised."""
    total = sum(len(row) for row in gold_cells)
    hits = sum(
        1
        for r, row in enumerate(gold_cells)
        for c, text in enumerate(row)
        if r < len(got_cells) and c < len(got_cells[r]) and _norm(got_cells[r][c]) == _norm(text)
    )
    return hits / total if total else 1.0


def precision_recall(gold: Iterable[Hashable], got: Iterable[Hashable]) -> tuple[float, float]:
    """Multiset precision and recall."""
    g, o = Counter(gold), Counter(got)
    hits = sum((g & o).values())
    precision = hits / sum(o.values()) if o else 1.0
    recall = hits / sum(g.values()) if g else 1.0
    return precision, recall
