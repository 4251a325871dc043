"""Repair cases as data (``tests/cases/repair.json``), one damage class each, in the
manner of ftfy's test cases; ``repair_known_failures.json`` holds cases that are still wrong,
so that fixing one shows up as an unexpected pass."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.repair import repair_text

CASES = Path(__file__).parent / "cases"


def _cases(name: str) -> list[dict]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def _id(case: dict) -> str:
    return f"{case['class']}:{case['in'][:30]}"


@pytest.mark.parametrize("case", _cases("repair.json"), ids=_id)
def test_repair_case(case: dict) -> None:
    got = repair_text(case["in"], case.get("default_language", "lv"), ocr=case.get("ocr", False))[0]
    assert got == case["out"], case["note"]


@pytest.mark.parametrize("case", _cases("repair_known_failures.json"), ids=_id)
@pytest.mark.xfail(strict=True, reason="known failure (see its note)")
def test_known_failure(case: dict) -> None:
    assert repair_text(case["in"])[0] == case["out"], case["note"]
