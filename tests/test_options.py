"""The one options model: checked once, and the command line and the flow derive from it."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main
from pipeline.errors import ExitCode
from pipeline.options import OPTIONS, Config, LayoutSettings, OptionError, from_args


@pytest.mark.parametrize("bad", [{"dpi": 10}, {"jobs": 0}, {"ocr_timeout": 0.0}, {"ocr_lang": "lav eng"},
                                 {"ocr_lang": ""}])
def test_a_bad_option_is_refused_when_the_config_is_made(bad: dict) -> None:
    with pytest.raises(OptionError, match=next(iter(bad))) as caught:
        Config(**bad)
    assert caught.value.exit_code == ExitCode.usage


def test_nested_settings_have_their_defaults() -> None:
    c = Config(ocr_lang="lav+eng")
    assert c.triage.min_lexicon_ratio > 0 and c.tables.min_cols == 2 and c.limits.max_pages > 0
    assert c.layout.band == 0.12 and c.layout.min_column_rows == 3


@pytest.mark.parametrize("bad", [{"band": 0.5}, {"gutter_width": 0.0}, {"running_share": 1.5}, {"max_columns": 1},
                                 {"size_change": 0.9}])
def test_a_bad_layout_setting_is_refused_when_made(bad: dict) -> None:
    with pytest.raises(OptionError, match=f"layout.{next(iter(bad))}"):
        Config(layout=LayoutSettings(**bad))


@pytest.mark.parametrize("command", [["ingest", "x.pdf"], ["watch", "inbox"]])
def test_every_option_is_a_flag_of_ingest_and_watch(command: list[str]) -> None:
    args = build_parser().parse_args([*command, "--dpi", "200", "--ocr-lang", "lav+eng", "--ocr-timeout", "12.5",
                                      "--jobs", "3", "--force-ocr"])
    assert from_args(args) == Config(dpi=200, ocr_lang="lav+eng", ocr_timeout=12.5, jobs=3, force_ocr=True)
    defaults = from_args(build_parser().parse_args(command))
    assert (defaults.dpi, defaults.ocr_timeout, defaults.force_ocr) == (300, 300.0, False)


def test_an_option_out_of_range_exits_2(tmp_path: Path, fixture_pdf: Path) -> None:
    code = main(["ingest", str(fixture_pdf / "stop47_list.pdf"), "--out", str(tmp_path), "--dpi", "20",
                 "--no-progress", "--no-report"])
    assert code == ExitCode.usage


def test_the_flow_takes_every_option() -> None:
    from flows.ingest import ingest_folder

    params = set(inspect.signature(ingest_folder.fn).parameters)
    named = {"jobs": "page_jobs"}  # the flow's documents run in parallel: its jobs are pages per document
    assert {named.get(o.name, o.name) for o in OPTIONS} <= params
