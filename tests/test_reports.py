"""HTML rendering: text from input files is escaped; the page is self-contained."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import run_workflow

from mapk_filter.reports.batch import batch_facts
from mapk_filter.reports.html import render_batch, render_patient

REPO = Path(__file__).resolve().parents[1]
BATCH = REPO / "resources" / "example_batch"
DATA = REPO / "tests" / "data"
HOSTILE = '<script>alert("x")</script>'


def _report(**overrides) -> dict:
    report = {
        "patient_id": "X1",
        "subprotocol": "B",
        "decision": "review",
        "reasons": [f"input file could not be read: {HOSTILE}"],
        "clinical": [],
        "findings": [],
        "other_subprotocols": [],
        "notes": [f"X1_small: sample {HOSTILE}"],
        "samples": [],
        "accounting": [],
        "provenance": {
            "tool": "mapk-filter",
            "tool_version": "0",
            "dependencies": {},
            "panel": {"version": "p"},
            "rules": {"subprotocol": "B", "version": "r", "sha256": "0" * 64},
            "inputs": [],
            "genome_builds": [],
            "run_time": "t",
        },
    }
    report.update(overrides)
    return report


def test_text_from_input_files_is_escaped():
    html = render_patient(_report())
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_report_is_self_contained():
    html = render_patient(_report())
    assert "<link" not in html and "src=" not in html and "http" not in html.split("<body>")[1]


def test_batch_page_escapes_sheet_errors():
    html = render_batch([], batch_facts([], [f"P9: {HOSTILE}"]))
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_batch_page_is_self_contained():
    """Its sorting and filtering script is inline: nothing is fetched, no network."""
    html = render_batch([], batch_facts([], []))
    body = html.split("<body>")[1]
    assert "<script>" in body
    assert "<link" not in html and "src=" not in html and "http" not in body


@pytest.mark.workflow
def test_bad_sheet_rows_are_left_out_and_the_rest_of_the_batch_runs(tmp_path):
    if shutil.which("snakemake") is None:
        pytest.fail("snakemake must be installed")
    lines = (BATCH / "patients.tsv").read_text().splitlines()
    header, p01, p07 = lines[0], lines[1], lines[7]
    bad = [
        p01,
        p07,
        p07,  # duplicate patient id
        p01.replace("P01", "../evil"),  # unsafe id
        p01.replace("P01", "P99").replace("B-ALL", "AML"),  # unknown diagnosis
        p01.replace("P01", "T1"),  # two samples, no tumour named
        p01.replace("P01", "T2"),  # tumour name not in the file
        p01.replace("P01", "PX"),  # its only file's row is invalid: never a candidate
        p01.replace("P01", "PM"),  # its file does not exist
    ]
    (tmp_path / "patients.tsv").write_text("\n".join(["# batch 42", header, *bad]) + "\n")
    samples = (BATCH / "samples.tsv").read_text().splitlines()
    hashed = tmp_path / "run #42"  # a '#' inside a value is data, not a comment
    shutil.copytree(BATCH, hashed)
    (tmp_path / "samples.tsv").write_text(
        "\n".join(
            [samples[0]]
            + [
                s.replace(f"\t{s.split()[3]}", f"\t{hashed / s.split()[3]}", 1)
                for s in samples[1:]
                if s.split()[0] in ("P01", "P07")
            ]
            + [
                f"T1\tT1_small\tsmall_variants\t{DATA / 'two_samples_no_tumor_name.vcf'}",
                f"T2\tT2_small\tsmall_variants\t{DATA / 'strelka2_snv_tumor_normal.vcf'}\tT9",
                f"PX\tPX_small\tsmall_variants\t{BATCH / 'P06_strelka2.vcf'}\t\t\thg38",
                f"PM\tPM_small\tsmall_variants\t{tmp_path / 'missing.vcf'}",
            ]
        )
        + "\n"
    )
    (tmp_path / "config.yaml").write_text(
        f"patients: {tmp_path / 'patients.tsv'}\nsamples: {tmp_path / 'samples.tsv'}\n"
    )
    run = run_workflow(tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    # line numbers are the file's own, comment line included
    assert "patients.tsv line 4: duplicate patient_id 'P07'" in run.stderr
    assert "patients.tsv line 5: duplicate patient_id 'P07'" in run.stderr
    assert (tmp_path / "results" / "patients" / "P01" / "report.json").exists()
    assert not (tmp_path / "results" / "patients" / "P07").exists()
    assert not (tmp_path / "evil").exists() and not (tmp_path / "results" / "evil").exists()
    summary = (tmp_path / "results" / "batch" / "summary.tsv").read_text()
    assert "not_assessed" in summary and "'AML' is not one of" in summary
    rows = summary.splitlines()
    assert len(rows) == 1 + len({line.split("\t")[0] for line in rows[1:]})  # one line each
    decision = json.loads((tmp_path / "results" / "patients" / "P01" / "report.json").read_text())
    assert decision["decision"] == "candidate"
    assert all("run #42" in s["path"] for s in decision["samples"])
    for patient, words in (
        ("T1", "2 samples (S1, S2) and no tumour named"),
        ("T2", "tumour sample 'T9' (sample sheet) is not in the file"),
    ):
        report = json.loads(
            (tmp_path / "results" / "patients" / patient / "report.json").read_text()
        )
        (error,) = [s["error"] for s in report["samples"]]
        assert words in error and "\n" not in error and error.startswith(str(DATA))
        assert report["decision"] == "review"
        # the file's shard log names its error, without a traceback
        logs = "".join(p.read_text() for p in (tmp_path / "logs" / "classify").glob("*.log"))
        assert f"mapk-filter: error: {error}" in logs and "Traceback" not in logs
    for patient, words in (("PX", "'hg38' is not one of"), ("PM", "file not found")):
        report = json.loads(
            (tmp_path / "results" / "patients" / patient / "report.json").read_text()
        )
        assert report["decision"] == "review", report["reasons"]
        left_out = [r for r in report["reasons"] if r.startswith("sample sheet row left out")]
        assert len(left_out) == 1 and words in left_out[0]
        assert f"{patient}\treview" in summary and words in summary
