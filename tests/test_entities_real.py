"""The entity stage end to end on ../shared/real/ (real Latvian PDFs): counts per type printed
for a reader to check (`pytest -s -m slow tests/test_entities_real.py`), and the failure
classes of issue 12 checked where these documents show them."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import SHARED

from pipeline.ingest import discover, ingest_file

REAL = SHARED / "real"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    if not REAL.is_dir():
        pytest.skip("../shared/real is not next to this checkout")
    files = discover([REAL])
    if not files:
        pytest.skip("../shared/real holds no PDFs")
    out = tmp_path_factory.mktemp("real")
    for path in files:
        ingest_file(path, out)
    tables = {name: pd.read_parquet(out / name)
              for name in ("documents", "dates", "targets", "municipalities", "tables")}
    names = tables["documents"][["doc_id", "file_name"]]
    return {name: frame.merge(names, on="doc_id", how="left") if name != "documents" else frame
            for name, frame in tables.items()}


def test_counts_per_type(real: dict[str, pd.DataFrame]) -> None:
    docs = real["documents"]
    assert (docs["status"] == "ok").all(), docs[["file_name", "status", "error"]]
    counts = pd.DataFrame({t: real[t].groupby("file_name").size() for t in ("dates", "targets", "municipalities")})
    counts = counts.reindex(docs["file_name"]).fillna(0).astype(int)
    kinds = real["municipalities"].groupby("kind").size()
    print("\n" + counts.to_string() + f"\ntotal: {counts.sum().to_dict()}\nmunicipalities by kind: {kinds.to_dict()}")


def _of(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    return frame[frame["file_name"].str.startswith(prefix)]


def test_a_regulation_lists_its_31_territorial_units(real: dict[str, pd.DataFrame]) -> None:
    units = _of(real["municipalities"], "gramzda__likumi")
    listed = units[units["kind"].isin(["pagasts", "pilseta"]) & (units["page_no"] == 1)]
    assert len(listed) == 31 and listed["list_id"].nunique() == 1
    assert set(listed["successor"]) == {"Dienvidkurzemes novads"} and listed["atvk"].notna().all()


def test_a_quorum_rule_is_no_target(real: dict[str, pd.DataFrame]) -> None:
    assert not real["targets"]["text"].str.contains("vismaz 25").any()


def test_a_school_year_is_read(real: dict[str, pd.DataFrame]) -> None:
    dates = _of(real["dates"], "kalvene__Konsultaciju")
    assert (dates["start"].astype(str) + "/" + dates["end"].astype(str)).eq("2024-09-01/2025-08-31").any()


def test_an_address_is_no_enumeration(real: dict[str, pd.DataFrame]) -> None:
    """'… Kalvenes pagasts, Dienvidkurzemes novads': a parish and the municipality it is in."""
    address = _of(real["municipalities"], "kalvene__")
    address = address[address["name"].isin(["Kalvenes pagasts", "Dienvidkurzemes novads"])]
    assert len(address) >= 2 and address["list_id"].isna().all(), address[["text", "list_id"]]


def test_a_signature_block_is_no_table(real: dict[str, pd.DataFrame]) -> None:
    """The OCR'd protocol signed by its chair and its secretary, written with full names."""
    assert _of(real["tables"], "gramzda__ProtokolsGramzda_04.02").empty
