"""The committed fixtures are what fixtures/generate.py makes, and their gold is self-consistent."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pdfplumber
import pikepdf
import pycountry
import pytest
from conftest import FIXTURES, gold

GOLD_STEMS = sorted(p.stem for p in (FIXTURES / "gold").glob("*.json"))
PLAN_VARIANTS = ("plan_scan", "plan_nounicode", "plan_nodiacritics")
TEXT_LAYER = ("plan_text", "kpi_multipage", "stop47_list")
LV_CODES = {s.code for s in pycountry.subdivisions.get(country_code="LV")}


def _words(text: str) -> list[str]:
    """Words with line-end hyphenation undone, so a text layer compares with gold text."""
    out: list[str] = []
    for word in text.split():
        if out and out[-1].endswith("-") and len(out[-1]) > 1 and out[-1][-2].isalpha():
            out[-1] = out[-1][:-1] + word
        else:
            out.append(word)
    return out


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def _page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_generator_reproduces_committed_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(FIXTURES / "generate.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    made = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(FIXTURES) for d in ("pdf", "broken", "gold") for p in (FIXTURES / d).rglob("*")
                 if p.is_file()}
    assert made == committed
    differ = [str(p) for p in sorted(made) if (tmp_path / p).read_bytes() != (FIXTURES / p).read_bytes()]
    assert not differ, f"regenerate with fixtures/generate.py: {differ}"


def test_fixtures_stay_small() -> None:
    total = sum(p.stat().st_size for d in ("pdf", "broken") for p in (FIXTURES / d).iterdir())
    assert total < 3_000_000


@pytest.mark.parametrize("stem", TEXT_LAYER + ("plan_nodiacritics",))
def test_text_layer_carries_gold_text(stem: str, generator: ModuleType) -> None:
    """Every gold page is a contiguous run of the page's extracted words (header/footer aside)."""
    doc = gold(stem)
    fold = generator.fold_diacritics if stem == "plan_nodiacritics" else str
    extracted = _page_texts(FIXTURES / "pdf" / doc["file"])
    assert len(extracted) == len(doc["pages"])
    for page, text in zip(doc["pages"], extracted):
        assert _contains_run(_words(text), _words(fold(page["text"]))), page["page_no"]


def test_plan_has_a_hyphenated_line_end() -> None:
    assert any(re.search(r"\w-$", line) for text in _page_texts(FIXTURES / "pdf" / "plan_text.pdf")
               for line in text.splitlines())


def test_notice_text_layer_is_mangled_like_seed_001(seeds_dir: Path) -> None:
    doc = gold("notice_ocr_eng")
    (text,) = _page_texts(FIXTURES / "pdf" / doc["file"])
    lines = text.splitlines()
    assert len(lines) == len(doc["pages"][0]["text"].splitlines())
    seed = {line.strip() for p in seeds_dir.glob("001_*.txt") for line in p.read_text(encoding="utf-8").splitlines()}
    assert all(line in seed for line in lines), [line for line in lines if line not in seed]
    assert lines != doc["pages"][0]["text"].splitlines()


def test_nounicode_extracts_as_garbage(generator: ModuleType) -> None:
    path = FIXTURES / "pdf" / "plan_nounicode.pdf"
    assert generator.readable_share(path.read_bytes(), gold("plan_text")) < 0.05
    assert "(cid:" in "".join(_page_texts(path))


def test_scan_is_image_only() -> None:
    with pdfplumber.open(FIXTURES / "pdf" / "plan_scan.pdf") as pdf:
        assert len(pdf.pages) == len(gold("plan_scan")["pages"])
        for page in pdf.pages:
            assert not page.chars
            assert len(page.images) == 1


def test_kpi_row_is_split_across_the_first_page_break() -> None:
    """Page 2's first body row holds only the rest of page 1's last indicator."""
    with pdfplumber.open(FIXTURES / "pdf" / "kpi_multipage.pdf") as pdf:
        last = pdf.pages[0].extract_tables()[-1][-1]
        first = pdf.pages[1].extract_tables()[0][1]
    assert first[1] and not any(first[:1] + first[2:])
    joined = f"{last[1]} {first[1]}".replace("\n", " ")
    assert joined in {row[1] for row in gold("kpi_multipage")["tables"][0]["cells"]}


def test_stop47_stated_count_matches_its_list() -> None:
    text = gold("stop47_list")["pages"][0]["text"]
    count = int(re.search(r"pieteicās (\d+) pašvaldības:\n", text).group(1))
    after = text.split("pašvaldības:\n", 1)[1].splitlines()
    items = next(i for i, line in enumerate(after) if not line.startswith("- "))
    assert count == items


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_gold_is_consistent(stem: str) -> None:
    doc = gold(stem)
    assert set(doc) == {"file", "pages", "tables", "dates", "targets", "municipalities"}
    assert (FIXTURES / "pdf" / doc["file"]).is_file()
    assert [p["page_no"] for p in doc["pages"]] == list(range(1, len(doc["pages"]) + 1))
    assert {p["method"] for p in doc["pages"]} <= {"text", "ocr"}
    body = "\n".join(p["text"] for p in doc["pages"])
    for table in doc["tables"]:
        assert 1 <= table["page_first"] <= table["page_last"] <= len(doc["pages"])
        assert table["method"] in {"ruled", "unruled", "ocr"}
        assert 1 <= table["header_rows"] < len(table["cells"])
        assert len({len(row) for row in table["cells"]}) == 1, "table is not rectangular"
    for date in doc["dates"]:
        start, end = dt.date.fromisoformat(date["start"]), dt.date.fromisoformat(date["end"])
        assert start <= end
        assert date["precision"] in {"day", "month", "quarter", "year"}
        assert date["kind"] in {"point", "range", "deadline"}
        assert date["text"] in body
    for target in doc["targets"]:
        assert target["operator"] in {"≥", "≤", "=", ">", "<", None}
        assert (target["operator"] is None) == (target["value"] is None)
        assert target["unit"] in {"%", None}
        assert 1990 <= target["year"] <= 2100
    for mun in doc["municipalities"]:
        assert mun["code"] in LV_CODES
        assert mun["text"] in body


@pytest.mark.parametrize("stem", PLAN_VARIANTS)
def test_plan_variants_share_plan_gold(stem: str) -> None:
    base, variant = gold("plan_text"), gold(stem)
    assert variant["file"] == f"{stem}.pdf"
    ocr = stem != "plan_nodiacritics"  # a garbage text layer must be OCR'd like the scan
    assert [p["method"] for p in variant["pages"]] == ["ocr" if ocr else "text"] * len(base["pages"])
    assert [t["method"] for t in variant["tables"]] == ["ocr" if ocr else t["method"] for t in base["tables"]]
    for key in ("dates", "targets", "municipalities"):
        assert variant[key] == base[key]
    assert [p["text"] for p in variant["pages"]] == [p["text"] for p in base["pages"]]
    assert [t["cells"] for t in variant["tables"]] == [t["cells"] for t in base["tables"]]


def test_broken_inputs_do_not_open(broken_dir: Path, fixture_pdf: Path) -> None:
    assert (broken_dir / "zero.pdf").stat().st_size == 0
    assert (fixture_pdf / "plan_text.pdf").read_bytes().startswith((broken_dir / "truncated.pdf").read_bytes())
    assert (broken_dir / "not_a_pdf.pdf").read_bytes().startswith(b"\x89PNG")
    assert (broken_dir / "garbage.pdf").read_bytes().startswith(b"%PDF-1.7")
    for name in ("zero.pdf", "truncated.pdf", "not_a_pdf.pdf", "garbage.pdf"):
        with pytest.raises(pikepdf.PdfError):
            pikepdf.open(broken_dir / name)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(broken_dir / "encrypted.pdf")
    with pikepdf.open(broken_dir / "encrypted.pdf", password="secret") as pdf:
        assert len(pdf.pages) == len(gold("plan_text")["pages"])
