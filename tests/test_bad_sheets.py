"""The sheet catalogue: the real workflow on every case of tests/data/bad/sheets.tsv.

Each case (tests/data/bad/sheets/README.md) is a small patient sheet and sample sheet
written by scripts/make_bad_sheets.py. Its outcome:

- ``ok``: the batch completes and every patient of the sheet gets a report; the one
  patient whose report holds ``message`` (if any) is the one the case is about; every
  other patient is decided exactly as in the unchanged case ``clean``;
- ``row``: the batch completes, ``message`` (naming sheet and line) is logged and is in
  the summary row of the left-out patient (not_assessed) or in the patient's report;
  every other patient is decided exactly as in ``clean``;
- ``stop``: the run stops before any work (exit code != 0, no results/), and the one error
  names every problem listed in ``message`` (separated by `` | ``), with no traceback.

The workflow runs of the selected cases start together (three at a time, each in its own
folder) when the first case needs its result, so the file takes half a minute, not two.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import run_workflow

pytestmark = pytest.mark.workflow  # snakemake in a subprocess

BAD = Path(__file__).resolve().parent / "data" / "bad"
CONTROL = "clean"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Case:
    name: str
    patients: Path
    samples: Path
    outcome: str
    message: str


def _cases() -> list[Case]:
    header, *rows = (BAD / "sheets.tsv").read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == ["case", "patients_sheet", "samples_sheet", "outcome", "message"]
    cases = []
    for row in rows:
        name, patients, samples, outcome, message = row.split("\t")
        assert outcome in ("ok", "row", "stop"), row
        cases.append(Case(name, BAD / patients, BAD / samples, outcome, message))
    return cases


CASES = _cases()
BY_NAME = {case.name: case for case in CASES}


def _run(case: Case, workdir: Path) -> subprocess.CompletedProcess[str]:
    (workdir / "config.yaml").write_text(
        f"patients: {json.dumps(str(case.patients))}\nsamples: {json.dumps(str(case.samples))}\n"
    )
    # summary.tsv needs every patient's report.json (the HTML pages are not the point here)
    targets = () if case.outcome == "stop" else ("results/batch/summary.tsv",)
    return run_workflow(workdir, *targets, cores=1)


class Runs:
    """Workflow runs of the catalogue, a few at a time, each in its own folder."""

    def __init__(self, pool: ThreadPoolExecutor, folders: pytest.TempPathFactory) -> None:
        self.pool, self.folders = pool, folders
        self.futures: dict[str, Future[subprocess.CompletedProcess[str]]] = {}

    def start(self, name: str) -> None:
        if name not in self.futures:
            self.futures[name] = self.pool.submit(_run, BY_NAME[name], self.folders.mktemp(name))

    def result(self, name: str) -> subprocess.CompletedProcess[str]:
        self.start(name)
        return self.futures[name].result()


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runs]:
    """Starts the control and every selected case at once, so their runs overlap."""
    selected = [
        item.callspec.params["case"].name
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get("case"), Case)
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        started = Runs(pool, tmp_path_factory)
        started.start(CONTROL)  # every case is compared with it
        for name in sorted(selected, key=lambda n: BY_NAME[n].outcome == "stop"):
            started.start(name)  # the quick stops last
        yield started


def _workdir(run: subprocess.CompletedProcess[str]) -> Path:
    return Path(run.args[run.args.index("--directory") + 1])


def _listed(sheet: Path) -> set[str]:
    """Patient IDs as the sheet's data lines begin (a naive reading, for the expectation)."""
    lines = [ln for ln in sheet.read_bytes().splitlines() if ln.strip() and ln[:1] != b"#"]
    return {ln.split(b"\t")[0].decode("latin-1").strip() for ln in lines[1:]}


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _reports(workdir: Path) -> dict[str, dict[str, Any]]:
    folder = workdir / "results" / "patients"
    found = sorted(folder.iterdir()) if folder.is_dir() else []
    return {p.name: json.loads((p / "report.json").read_text()) for p in found}


def _summary(workdir: Path) -> dict[str, dict[str, str]]:
    header, *rows = (workdir / "results" / "batch" / "summary.tsv").read_text().splitlines()
    columns = header.split("\t")
    return {r.split("\t")[0]: dict(zip(columns, r.split("\t"), strict=True)) for r in rows}


def _decided(report: dict[str, Any]) -> tuple[str, str, list[str]]:
    return report["decision"], report["assessment"], report["reasons"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_sheet_case(case: Case, runs: Runs):
    run = runs.result(case.name)
    workdir, output = _workdir(run), run.stdout + run.stderr
    assert "Traceback" not in output, output[-3000:]
    # nothing is written outside the run's folder, whatever the sheet says
    assert {p.name for p in workdir.iterdir()} <= {"config.yaml", "results", "logs", ".snakemake"}

    if case.outcome == "stop":
        assert run.returncode != 0
        assert not (workdir / "results").exists()
        assert "nothing was run" in output, output[-3000:]
        for problem in case.message.split(" | "):
            assert problem in output, output[-3000:]
        return

    assert run.returncode == 0, output[-3000:]
    reports, summary = _reports(workdir), _summary(workdir)
    assert all(SAFE_ID.match(patient) for patient in reports)
    control = {p: _decided(r) for p, r in _reports(_workdir(runs.result(CONTROL))).items()}
    affected = {
        patient
        for patient, row in summary.items()
        if case.message
        and (
            case.message in row["input_errors"]
            or any(case.message in text for text in _texts(reports.get(patient, {})))
        )
    }
    assert bool(affected) == bool(case.message), (affected, summary)
    for patient in _listed(case.patients) - affected:
        assert patient in reports, f"{patient} got no report"
        if patient in control:
            assert _decided(reports[patient]) == control[patient], patient
    for patient in affected & set(reports):  # a problem never leaves a patient a candidate
        if patient in control and control[patient][0] == "candidate":
            assert reports[patient]["decision"] == "review", reports[patient]["reasons"]

    if case.outcome == "ok":
        assert "sheet error" not in output, output[-3000:]
        assert all(row["decision"] != "not_assessed" for row in summary.values())
    else:
        assert re.search(r"\.tsv line \d+: ", case.message), "a row message names sheet and line"
        assert case.message in output  # logged as the row is left out
        for patient in affected - set(reports):
            assert summary[patient]["decision"] == "not_assessed"
