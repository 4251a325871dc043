"""The ``lvingest`` command: subcommands, help, exit codes, and stdin/stdout filters."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode

LVINGEST = [sys.executable, "-m", "pipeline.cli"]


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(LVINGEST + args, input=stdin, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", ["ingest", "repair", "extract", "watch", "serve"])
def test_help_everywhere(command: str) -> None:
    result = run([command, "--help"])
    assert result.returncode == 0
    assert "exit codes: 0 ok" in result.stdout


def test_help_needs_none_of_the_heavy_imports() -> None:
    """``--help`` answers at once: the CLI imports the pipeline only inside its commands (which
    is also what lets ``main`` catch a Ctrl-C during those imports)."""
    code = ("import contextlib, io, sys; from pipeline.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['ingest', '--help'])\n"
            "heavy = {'spacy', 'pyarrow', 'pandas', 'prefect', 'pdfplumber'}\n"
            "print(sorted(heavy & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout


def test_bad_arguments_exit_2(fixture_pdf: Path) -> None:
    assert run(["ingest"]).returncode == ExitCode.usage
    # a Prefect concurrency limit means nothing to a run without Prefect
    result = run(["ingest", str(fixture_pdf), "--ocr-limit", "1"])
    assert result.returncode == ExitCode.usage
    assert "--ocr-limit needs --runner" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["ingest", "x.pdf", "--dask-address", "tcp://h:8786"], "--dask-address needs --runner dask"),
    (["serve", "--dask-address", "tcp://h:8786"], "--dask-address needs --runner dask"),
    (["ingest", "x.pdf", "--runner", "thread", "--workers", "0"], "must be at least 1, not 0"),
    (["ingest", "x.pdf", "--dpi", "0"], "must be at least 1, not 0"),
    (["serve", "--ocr-limit", "0"], "must be at least 1, not 0"),
    (["extract", "--year", "10000"], "not a four-digit year"),
])
def test_bad_option_values_exit_2(args: list[str], message: str,
                                                      tmp_path: Path) -> None:
    """Checked before anything starts: no Prefect server, no deployment, no inbox created."""
    result = subprocess.run(LVINGEST + args, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == ExitCode.usage
    assert message in result.stderr
    assert not (tmp_path / "inbox").exists()


def test_a_bug_exits_15_with_the_traceback(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture) -> None:
    import io

    import pipeline.repair

    def broken(text: str) -> None:
        raise ZeroDivisionError("a bug in repair")

    monkeypatch.setattr(pipeline.repair, "repair_text", broken)
    monkeypatch.setattr(sys, "stdin", io.StringIO("teksts"))
    assert main(["repair"]) == ExitCode.internal == 15
    err = capsys.readouterr().err
    assert "ZeroDivisionError: a bug in repair" in err and "internal error" in err


@pytest.mark.parametrize("flags", [[], ["--no-repair"]])
def test_extract_reads_windows_1257_stdin(flags: list[str]) -> None:
    """A Latvian text file saved by older Windows: its ū and ā arrive as letters."""
    data = "Līdz 2025. gada 1. jūnijam Jelgavas novadā".encode("cp1257")
    result = subprocess.run(LVINGEST + ["extract", *flags], input=data, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert {(r["type"], r.get("start") or r.get("code")) for r in rows} >= {
        ("date", "2025-06-01"), ("municipality", "LV-041")}
    assert "read as Windows-1257" in result.stderr.decode()


def test_no_input_exit_5(tmp_path: Path) -> None:
    result = run(["ingest", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.returncode == ExitCode.no_input
    assert f"no PDF files found in {tmp_path}" in result.stderr


def test_output_not_writable_exit_6(fixture_pdf: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    code = main(["ingest", str(fixture_pdf / "stop47_list.pdf"), "--out", str(blocker), "--no-progress"])
    assert code == ExitCode.output_error


def test_repair_keeps_lines() -> None:
    text = "Informacija par projekta aktivitati\n\nsistémas pilnveide pasvaldibas\n"
    result = run(["repair"], text)
    assert result.returncode == 0
    assert result.stdout.count("\n") == text.count("\n")
    assert "sistēmas pilnveide pašvaldīb" in result.stdout


def test_extract_json_lines() -> None:
    text = ("Darbnīca notiks 2023. gada 26. aprīlī Kuldīgā. "
            "Līdz 2027. gadam rādītājam jāsasniedz vismaz 60%.\n")
    result = run(["extract"], text)
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = {row["type"] for row in rows}
    assert kinds == {"date", "target", "municipality"}
    date = next(r for r in rows if r["type"] == "date" and r["precision"] == "day")
    assert date["start"] == "2023-04-26"
    target = next(r for r in rows if r["type"] == "target")
    assert (target["operator"], target["value"], target["unit"], target["year"]) == ("≥", 60.0, "%", 2027)
    place = next(r for r in rows if r["type"] == "municipality")
    assert place["name"] == "Kuldīga"


def test_ingest_summary_and_rerun_is_cached(fixture_pdf: Path, tmp_path: Path) -> None:
    args = ["ingest", str(fixture_pdf / "stop47_list.pdf"), "--out", str(tmp_path)]
    first = run(args)
    assert first.returncode == 0, first.stderr
    assert "stop47_list.pdf" in first.stdout and "1 documents" in first.stdout
    second = run(args)
    assert "cached" in second.stdout
    assert len(pd.read_parquet(tmp_path / "pages")) == 1


def test_same_bytes_under_two_names_count_once(fixture_pdf: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    import shutil

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(fixture_pdf / "stop47_list.pdf", inbox / name)
    assert main(["ingest", str(inbox), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    [a] = [line.split() for line in lines if line.startswith("a.pdf")]
    [b] = [line.split() for line in lines if line.startswith("b.pdf")]
    [total] = [line.split() for line in lines if "documents" in line and "quarantined" in line]
    assert (a[1], b[1]) == ("ok", "cached")
    assert total[:2] == ["1", "documents"] and total[4:] == a[2:]


def test_missing_path_is_reported_and_the_others_ingested(fixture_pdf: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    """``ingest good.pdf typo.pdf``: good.pdf is ingested, the typo named, the exit code 4."""
    typo = tmp_path / "typo.pdf"
    code = main(["ingest", str(fixture_pdf / "stop47_list.pdf"), str(typo), "--out", str(tmp_path / "out"),
                 "--no-progress"])
    assert code == ExitCode.input_failed
    captured = capsys.readouterr()
    assert f"lvingest: {typo}: no such file or folder" in captured.err
    [total] = [line.split() for line in captured.out.splitlines() if "1 missing" in line]
    assert total[:6] == ["1", "documents", "0", "quarantined,", "1", "missing"]
    assert pd.read_parquet(tmp_path / "out" / "documents")["status"].tolist() == ["ok"]


def test_extract_more_than_spacys_million_characters(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    """1.1 million characters on stdin: read in pieces, offsets counted in the whole text."""
    import io

    filler = ("x" * 99 + "\n") * 11_000
    text = filler + "Termiņš: 2025. gada 1. jūnijs.\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["extract", "--no-repair"]) == 0
    [date] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert date["start"] == "2025-06-01"
    assert text[date["char_start"]:date["char_end"]].startswith("2025. gada 1. jūnijs")


def test_unwritable_cache_folder_is_reported_at_start(
    fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The lexicon's cache folder cannot be made (a file stands in its way): exit 6 before any
    document, with a message naming LVINGEST_CACHE; not every document quarantined as a bug."""
    (tmp_path / "blocker").write_text("not a folder")
    monkeypatch.setenv("LVINGEST_CACHE", str(tmp_path / "blocker" / "cache"))
    code = main(["ingest", str(fixture_pdf / "stop47_list.pdf"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == ExitCode.output_error, err
    assert "the cache folder cannot be written" in err and "LVINGEST_CACHE" in err
    assert not list((tmp_path / "out" / "documents").glob("[!s]*.parquet"))


def test_progress_total_is_counted_before_the_first_document(
    fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.progress

    totals = []

    class Recorder(pipeline.progress.PageProgress):
        def __init__(self, total: int, enabled: bool = True) -> None:
            totals.append(total)
            super().__init__(total, enabled)

    monkeypatch.setattr(pipeline.progress, "PageProgress", Recorder)
    files = [str(fixture_pdf / name) for name in ("stop47_list.pdf", "kpi_multipage.pdf")]
    assert main(["ingest", *files, "--out", str(tmp_path)]) == 0
    assert totals == [1 + 3]


def test_read_only_output_folder_is_reported_at_start(fixture_pdf: Path, tmp_path: Path) -> None:
    """The output folder (its layout already made) on a read-only mount: exit 6 with the reason
    before any document is read (no lexicon is built for it in the empty cache folder)."""
    import os
    import shlex

    from pipeline import store

    out, cache = tmp_path / "out", tmp_path / "cache"
    store.ensure_layout(out)
    cache.mkdir()
    command = " ".join(map(shlex.quote, [*LVINGEST, "ingest", str(fixture_pdf / "stop47_list.pdf"),
                                         "--out", str(out), "--no-progress"]))
    # a private mount namespace: the read-only mount is gone with the process
    script = f"mount -o bind,ro {shlex.quote(str(out))} {shlex.quote(str(out))} || exit 99; {command}"
    result = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "LVINGEST_CACHE": str(cache)})
    if result.returncode == 99 or "unshare failed" in result.stderr:
        pytest.skip("cannot mount read-only here (needs root in a private mount namespace)")
    assert result.returncode == ExitCode.output_error, result.stderr
    assert f"lvingest: error: cannot write to {out}: [Errno 30] Read-only file system" in result.stderr
    assert not list(cache.glob("lexicon-*"))
