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
