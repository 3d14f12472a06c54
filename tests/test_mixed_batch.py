"""One batch mixing broken files (tests/data/bad) with good patients, through the workflow.

Each broken file costs its own patient a complete assessment (review, assessment
incomplete, the file and the problem named); the good patients' reports are exactly what
they are in a batch of their own.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import REPO, run_workflow

pytestmark = pytest.mark.workflow  # snakemake in a subprocess

BATCH = REPO / "resources" / "example_batch"
BAD = Path(__file__).resolve().parent / "data" / "bad"
GOOD = ("P01", "P07", "P08", "P14")
# patient -> (bad file, kind, IC50): a listed IC50 shows the broken file blocks a candidate
BROKEN = {
    "B01": ("bgzf_cut_at_block_boundary.vcf.gz", "small_variants", "2"),
    "B02": ("bcf_corrupted.bcf", "small_variants", "2"),
    "B03": ("zero_bytes.vcf", "small_variants", "2"),
    "B04": ("missing_chrom_line.vcf", "small_variants", "2"),
    "B05": ("non_utf8_in_sample_name.vcf", "small_variants", "2"),
    "B06": ("sv_bad_bnd_alt.vcf", "structural_variants", ""),
    "B07": ("cnvkit_log2_nan.cns", "copy_number", ""),
    "B08": ("arriba_garbage_row.tsv", "rna_fusions", ""),
}
MESSAGES = {
    row["file"]: row["message"]
    for row in csv.DictReader((BAD / "files.tsv").open(encoding="utf-8"), delimiter="\t")
}


def _sheets(folder: Path, broken: bool) -> Path:
    """Sheets for the good patients (and, with ``broken``, the B patients), absolute paths."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(BATCH / "patients.tsv", newline="") as handle:
        patients = list(csv.DictReader(handle, delimiter="\t"))
    with open(BATCH / "samples.tsv", newline="") as handle:
        samples = list(csv.DictReader(handle, delimiter="\t"))
    p_columns, s_columns = list(patients[0]), list(samples[0])
    p_rows = [p for p in patients if p["patient_id"] in GOOD]
    s_rows = [{**s, "path": str(BATCH / s["path"])} for s in samples if s["patient_id"] in GOOD]
    if broken:
        template = next(p for p in patients if p["patient_id"] == "P01")
        clean = next(
            s for s in samples if s["patient_id"] == "P16" and s["kind"] == "small_variants"
        )
        for pid, (name, kind, ic50) in BROKEN.items():
            p_rows.append({**template, "patient_id": pid, "dasatinib_ic50_nM": ic50})
            s_rows.append(
                {
                    **dict.fromkeys(s_columns, ""),
                    "patient_id": pid,
                    "sample_id": f"{pid}_bad",
                    "kind": kind,
                    "path": str(BAD / name),
                    "genome_build": "GRCh38",
                    "timepoint": "relapse1",
                }
            )
            if kind != "small_variants":
                s_rows.append(
                    {
                        **clean,
                        "patient_id": pid,
                        "sample_id": f"{pid}_small",
                        "path": str(BATCH / clean["path"]),
                    }
                )
    for name, columns, rows in (
        ("patients.tsv", p_columns, p_rows),
        ("samples.tsv", s_columns, s_rows),
    ):
        with open(folder / name, "w", newline="") as handle:
            writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    (folder / "config.yaml").write_text(
        f"patients: {folder / 'patients.tsv'}\nsamples: {folder / 'samples.tsv'}\n"
    )
    return folder


def _report(folder: Path, patient: str) -> dict:
    return json.loads((folder / "results/patients" / patient / "report.json").read_text())


def _decided(report: dict) -> tuple:
    """What a report decides, without its provenance (the sheets differ between runs)."""
    return (
        report["decision"],
        report["assessment"],
        report["reasons"],
        [{k: v for k, v in f.items() if k != "source_file"} for f in report["findings"]],
        report["other_subprotocols"],
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    alone = _sheets(tmp_path_factory.mktemp("good_alone"), broken=False)
    mixed = _sheets(tmp_path_factory.mktemp("mixed"), broken=True)
    for folder in (alone, mixed):
        run = run_workflow(folder)
        assert run.returncode == 0, run.stderr[-3000:]
    return alone, mixed


@pytest.mark.parametrize("patient", GOOD)
def test_good_patients_are_untouched_by_broken_neighbours(runs, patient):
    alone, mixed = runs
    assert _decided(_report(mixed, patient)) == _decided(_report(alone, patient))


@pytest.mark.parametrize("patient", sorted(BROKEN))
def test_a_broken_file_is_named_and_its_patient_reviewed(runs, patient):
    _, mixed = runs
    report = _report(mixed, patient)
    name, _, _ = BROKEN[patient]
    assert (report["decision"], report["assessment"]) == ("review", "incomplete")
    problems = "\n".join(report["input_problems"])
    assert name in problems and MESSAGES[name] in problems
    assert "please report" not in problems


def test_the_summary_lists_every_patient_with_its_assessment(runs):
    _, mixed = runs
    rows = list(csv.DictReader((mixed / "results/batch/summary.tsv").open(), delimiter="\t"))
    assessment = {r["patient_id"]: r["assessment"] for r in rows}
    assert {p for p, a in assessment.items() if a == "incomplete"} == set(BROKEN)
    assert set(assessment) == set(GOOD) | set(BROKEN)
