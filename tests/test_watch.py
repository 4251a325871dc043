"""The inbox watcher never reads a half-copied file and survives restarts."""
from __future__ import annotations

from pathlib import Path

from pipeline.watch import Watcher


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_half_copied_file_waits_until_complete(fixture_pdf: Path, tmp_path: Path) -> None:
    data = (fixture_pdf / "stop47_list.pdf").read_bytes()
    inbox, out, clock = tmp_path / "inbox", tmp_path / "out", Clock()
    inbox.mkdir()
    target = inbox / "list.pdf"
    target.write_bytes(data[: len(data) // 2])  # the copy is under way
    watcher = Watcher(inbox, out, settle=5, grace=120, clock=clock)
    for clock.now in (0, 10, 60):  # stable for a while, but no %%EOF yet: keep waiting
        assert watcher.poll() == []
    target.write_bytes(data)  # the copy finishes
    clock.now = 61
    assert watcher.poll() == []  # changed: must settle again
    clock.now = 67
    [outcome] = watcher.poll()
    assert outcome.status == "ok"
    assert not (out / "quarantine").exists()
    assert watcher.poll() == [] and not watcher.pending()


def test_file_that_never_completes_is_quarantined_after_grace(tmp_path: Path) -> None:
    inbox, clock = tmp_path / "inbox", Clock()
    inbox.mkdir()
    (inbox / "stuck.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\n")
    watcher = Watcher(inbox, tmp_path / "out", settle=5, grace=30, clock=clock)
    for clock.now in (0, 10):
        assert watcher.poll() == []
    clock.now = 31
    [outcome] = watcher.poll()
    assert outcome.status == "failed" and outcome.error.startswith("truncated")


def test_restart_skips_finished_files(fixture_pdf: Path, tmp_path: Path) -> None:
    inbox, out, clock = tmp_path / "inbox", tmp_path / "out", Clock()
    inbox.mkdir()
    (inbox / "list.pdf").write_bytes((fixture_pdf / "stop47_list.pdf").read_bytes())
    first = Watcher(inbox, out, settle=1, clock=clock)
    first.poll()
    clock.now = 2
    assert [o.status for o in first.poll()] == ["ok"]
    second = Watcher(inbox, out, settle=1, clock=clock)  # the process restarted
    second.poll()
    clock.now = 4
    assert [o.status for o in second.poll()] == ["cached"]


def test_links_that_lead_nowhere_or_loop_are_recorded(fixture_pdf: Path, tmp_path: Path) -> None:
    """As ``ingest`` records them: failed, unreadable, once; the output folder inside the inbox
    (its quarantine records) is not watched."""
    import pandas as pd

    inbox, clock = tmp_path / "inbox", Clock()
    inbox.mkdir()
    (inbox / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (inbox / "a.pdf").symlink_to("b.pdf")
    (inbox / "b.pdf").symlink_to("a.pdf")
    (inbox / "list.pdf").write_bytes((fixture_pdf / "stop47_list.pdf").read_bytes())
    watcher = Watcher(inbox, inbox / "out", settle=1, clock=clock)
    assert watcher.poll() == []
    clock.now = 2
    outcomes = {o.path.name: (o.status, o.error) for o in watcher.poll()}
    assert outcomes == {
        "a.pdf": ("failed", "unreadable: cannot read the file: Too many levels of symbolic links"),
        "b.pdf": ("failed", "unreadable: cannot read the file: Too many levels of symbolic links"),
        "gone.pdf": ("failed", "unreadable: cannot read the file: No such file or directory"),
        "list.pdf": ("ok", None)}
    clock.now = 10
    assert watcher.poll() == [] and not watcher.pending()
    assert len(pd.read_parquet(inbox / "out" / "documents")) == 4


def test_waiting_for_the_end_marker_is_announced_once(tmp_path: Path) -> None:
    inbox, clock, told = tmp_path / "inbox", Clock(), []
    inbox.mkdir()
    (inbox / "copying.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\n")
    watcher = Watcher(inbox, tmp_path / "out", settle=1, grace=60, clock=clock, on_waiting=told.append)
    for clock.now in (0, 2, 4):
        assert watcher.poll() == []
    assert told == [inbox / "copying.pdf"]


def test_watch_once_grace_is_an_option(tmp_path: Path, capsys) -> None:
    """``watch --once --grace 1`` does not wait 120 s for a file that never gets its %%EOF, and
    says that it waits."""
    from pipeline.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "stuck.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\n")
    code = main(["watch", str(inbox), "--out", str(tmp_path / "out"), "--once", "--settle", "0.2",
                 "--interval", "0.2", "--grace", "1"])
    captured = capsys.readouterr()
    assert code == 4, captured.err
    assert "no %%EOF end marker yet" in captured.err and "waiting up to 1 s (--grace)" in captured.err
    assert "stuck.pdf: failed: truncated" in captured.out
