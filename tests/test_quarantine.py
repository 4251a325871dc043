"""Bad inputs are quarantined with a reason record, the run goes on, the exit code says so."""
from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pandas as pd
import pikepdf
import pytest

from pipeline.cli import main
from pipeline.components import Config
from pipeline.errors import ExitCode
from pipeline.ingest import ingest_file
from pipeline.source import Limits

BROKEN = {
    "zero.pdf": "empty",
    "truncated.pdf": "truncated",
    "encrypted.pdf": "encrypted",
    "not_a_pdf.pdf": "not_pdf",
    "garbage.pdf": "unreadable",
}


def _reason(out: Path, name: str) -> dict:
    [record] = list((out / "quarantine").glob(f"*-{name}.reason.json"))
    return json.loads(record.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "reason"), sorted(BROKEN.items()))
def test_broken_fixture_is_quarantined(broken_dir: Path, tmp_path: Path, name: str, reason: str) -> None:
    outcome = ingest_file(broken_dir / name, tmp_path)
    assert outcome.status == "failed"
    assert outcome.error.startswith(f"{reason}: ")
    record = _reason(tmp_path, name)
    assert record["reason"] == reason and record["file_name"] == name
    copy = next((tmp_path / "quarantine").glob(f"*-{name}"))
    assert copy.read_bytes() == (broken_dir / name).read_bytes()
    docs = pd.read_parquet(tmp_path / "documents")
    assert docs["status"].tolist() == ["failed"]


def _bomb(path: Path) -> Path:
    """A page whose image declares 60000 x 60000 pixels: decoding it would need 3.6 GB."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    image = pikepdf.Stream(pdf, zlib.compress(b"\0" * 1024))
    image.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image, "/Width": 60000,
                  "/Height": 60000, "/ColorSpace": pikepdf.Name.DeviceGray, "/BitsPerComponent": 8,
                  "/Filter": pikepdf.Name.FlateDecode})
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path


def test_decompression_bomb(tmp_path: Path) -> None:
    outcome = ingest_file(_bomb(tmp_path / "bomb.pdf"), tmp_path / "out")
    assert outcome.status == "failed"
    assert outcome.error.startswith("decompression_bomb: page 1 embeds a 60000x60000 image")


def test_oversized_input(fixture_pdf: Path, tmp_path: Path) -> None:
    config = Config(limits=Limits(max_bytes=1000))
    outcome = ingest_file(fixture_pdf / "stop47_list.pdf", tmp_path, config)
    assert outcome.status == "failed" and outcome.error.startswith("too_large: ")


def test_run_goes_on_and_exit_code_reports_failure(
    broken_dir: Path, fixture_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in BROKEN:
        shutil.copy(broken_dir / name, inbox / name)
    shutil.copy(fixture_pdf / "stop47_list.pdf", inbox / "stop47_list.pdf")
    code = main(["ingest", str(inbox), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == ExitCode.input_failed
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("file_name")
    assert docs.loc["stop47_list.pdf", "status"] == "ok"
    assert sorted(docs.index[docs["status"] == "failed"]) == sorted(BROKEN)
    err = capsys.readouterr().err
    assert "zero.pdf: empty: the file is empty" in err
