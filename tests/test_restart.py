"""A killed run restarts cleanly (SPEC section 6), and outputs honour the umask.

The workflow is killed with SIGKILL (its whole process group, as a dying node would) in
the middle of a run. The same command then fails because the directory is still locked;
after ``snakemake --unlock`` the same command finishes the batch, and every output is byte
for byte what an uninterrupted run writes, apart from the run time.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from helpers import REPO, example_sheets, run_workflow, workflow_command

pytestmark = pytest.mark.workflow  # snakemake in a subprocess

BATCH = REPO / "resources" / "example_batch"
PATIENTS = ("P01", "P07", "P16", "P19", "P33")
RUN_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")


def _batch(workdir: Path, sheets: Path) -> Path:
    """A few example patients' sheets (absolute paths, in ``sheets``, shared by every run so
    that the reports name the same inputs) and a two-line config in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    example_sheets(sheets, PATIENTS)
    (workdir / "config.yaml").write_text(
        f"patients: {sheets / 'patients.tsv'}\nsamples: {sheets / 'samples.tsv'}\n"
    )
    return workdir


def _content(path: Path) -> bytes:
    """A file's bytes without the run time; a PDF's text (its streams are compressed, and
    the run time printed in it changes them)."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        return RUN_TIME.sub(b"<run time>", text.encode())
    return RUN_TIME.sub(b"<run time>", path.read_bytes())


def _outputs(workdir: Path) -> dict[str, bytes]:
    """Every output, apart from the run time and the working directory (provenance)."""
    return {
        str(p.relative_to(workdir)): _content(p).replace(bytes(workdir), b"<working directory>")
        for p in sorted((workdir / "results").rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_kill_minus_9_then_unlock_and_rerun_gives_the_same_outputs(tmp_path, umask_022):
    reference = _batch(tmp_path / "uninterrupted", tmp_path / "sheets")
    assert run_workflow(reference, cores=1).returncode == 0
    expected = _outputs(reference)
    reports = [k for k in expected if k.startswith("results/patients/") and "report.json" in k]
    assert len(reports) == len(PATIENTS)

    killed = _batch(tmp_path / "killed", tmp_path / "sheets")
    process = subprocess.Popen(
        workflow_command(killed, cores=1),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    samples = killed / "results" / "samples"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if samples.is_dir() and len(list(samples.glob("*.json"))) >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / "results" / "batch" / "summary.tsv").exists()  # killed mid-run

    again = run_workflow(killed, cores=1)
    assert again.returncode != 0
    assert "cannot be locked" in again.stdout + again.stderr
    assert run_workflow(killed, "--unlock").returncode == 0
    rerun = run_workflow(killed, cores=1)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _outputs(killed) == expected
    # no temporary file of an interrupted write is left behind
    # (.snakemake_timestamp is Snakemake's own mark of a finished directory output)
    left = [p for p in (killed / "results").rglob(".*") if p.is_file()]
    assert [p.name for p in left] == [".snakemake_timestamp"]


def test_outputs_honour_the_umask(tmp_path, umask_022):
    workdir = _batch(tmp_path / "batch", tmp_path / "sheets")
    assert run_workflow(workdir, cores=2).returncode == 0
    files = [p for p in (workdir / "results").rglob("*") if p.is_file()]
    assert files
    modes = {stat.S_IMODE(p.stat().st_mode) for p in files}
    assert modes == {0o644}, {oct(m) for m in modes}
