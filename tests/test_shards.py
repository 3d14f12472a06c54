"""Jobs that each do many files (SPEC §7): shards of input files and of patients.

The shard sizes come from config (``shards.files``, ``shards.patients``); they change how
many processes start, never what a report says, and a changed input file reruns only the
shard it is in (and the reports of its patient's shard).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest
from helpers import example_sheets, run_workflow

pytestmark = pytest.mark.workflow

PATIENTS = ("P01", "P07", "P16", "P19", "P33")
RUN_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")


def _batch(workdir: Path, files: Path, shards: dict[str, int]) -> list[list[str]]:
    """Five example patients whose files are copies in ``files`` (so one can change);
    returns the sample rows."""
    workdir.mkdir(parents=True, exist_ok=True)
    example_sheets(files, PATIENTS, files)
    with open(files / "samples.tsv", newline="") as handle:
        body = list(csv.reader(handle, delimiter="\t"))[1:]
    (workdir / "config.yaml").write_text(
        f"patients: {files / 'patients.tsv'}\nsamples: {files / 'samples.tsv'}\npdf: false\n"
        f"shards:\n  files: {shards['files']}\n  patients: {shards['patients']}\n"
    )
    return body


def _planned(workdir: Path) -> dict[str, int]:
    """Rule -> job count of a dry run (Snakemake's job stats table)."""
    run = run_workflow(workdir, "-n")
    assert run.returncode == 0, run.stderr
    table = (run.stdout + run.stderr).split("Job stats:")[-1]
    counts = {}
    for line in table.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] != "total":
            counts[parts[0]] = int(parts[1])
    return counts


def _reports(workdir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(workdir)): RUN_TIME.sub("<run time>", p.read_text()).replace(
            str(workdir), "<working directory>"
        )
        for p in sorted((workdir / "results").rglob("*"))
        if p.is_file() and p.parent.name != "report_bundle"
    }


def test_shard_sizes_come_from_config_and_change_no_output(tmp_path):
    files = tmp_path / "files"
    rows = _batch(tmp_path / "many", files, {"files": 3, "patients": 2})
    planned = _planned(tmp_path / "many")
    classify = {k: v for k, v in planned.items() if k.startswith("classify_shard_")}
    report = {k: v for k, v in planned.items() if k.startswith("report_shard_")}
    assert len(classify) == math.ceil(len(rows) / 3) and set(classify.values()) == {1}
    assert len(report) == math.ceil(len(PATIENTS) / 2)
    assert not {"classify_sample", "decide_patient", "render_report"} & set(planned)
    assert run_workflow(tmp_path / "many").returncode == 0

    _batch(tmp_path / "one", files, {"files": 1000, "patients": 1000})
    assert sum(k.startswith("classify_shard_") for k in _planned(tmp_path / "one")) == 1
    assert run_workflow(tmp_path / "one").returncode == 0
    many, one = _reports(tmp_path / "many"), _reports(tmp_path / "one")
    assert len(many) > 5 * len(PATIENTS) and many.keys() == one.keys()
    assert [k for k in many if many[k] != one[k]] == []


def test_a_changed_file_reruns_only_its_shard(tmp_path):
    files = tmp_path / "files"
    rows = _batch(tmp_path / "run", files, {"files": 2, "patients": 2})
    assert run_workflow(tmp_path / "run").returncode == 0
    assert _planned(tmp_path / "run") == {}  # nothing left to do

    ids = sorted(r[1] for r in rows)  # shards are runs of sorted sample ids
    changed = max(r[1] for r in rows if r[3].endswith(".vcf"))
    (path,) = [Path(r[3]) for r in rows if r[1] == changed]
    lines = path.read_text().splitlines(keepends=True)  # a new header line: new content
    path.write_text(lines[0] + "##note=re-exported\n" + "".join(lines[1:]))
    patient = next(r[0] for r in rows if r[1] == changed)
    planned = _planned(tmp_path / "run")
    shard = ids.index(changed) // 2 + 1
    assert {k: v for k, v in planned.items() if k.startswith("classify_")} == {
        f"classify_shard_{shard}": 1
    }
    report_shard = sorted(PATIENTS).index(patient) // 2 + 1
    assert {k: v for k, v in planned.items() if k.startswith("report_")} == {
        f"report_shard_{report_shard}": 1,
        "report_bundle": 1,
    }
