"""The CLI as the workflow calls it: a bad file is recorded, never a crash of the batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mapk_filter.cli import main

DATA = Path(__file__).resolve().parent / "data"


def _sheet(tmp_path: Path, vcf: str) -> Path:
    shutil.copy(DATA / vcf, tmp_path / vcf)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "patient_id\tsample_id\tkind\tpath\tgenome_build\n"
        f"X1\tX1_small\tsmall_variants\t{vcf}\tGRCh38\n"
    )
    return sheet


def test_classify_records_an_unreadable_file_and_exits_zero(tmp_path, capsys):
    sheet = _sheet(tmp_path, "truncated.vcf.gz")
    out = tmp_path / "X1_small.json"
    assert (
        main(
            ["classify", "--sample-sheet", str(sheet), "--sample-id", "X1_small", "--out", str(out)]
        )
        == 0
    )
    result = json.loads(out.read_text())
    assert "truncated.vcf.gz" in result["accounting"]["error"]
    assert "mapk-filter: error:" in capsys.readouterr().err


def test_classify_then_decide_writes_reconciling_outputs(tmp_path):
    sheet = _sheet(tmp_path, "strelka2_snv_tumor_normal.vcf")
    patients = tmp_path / "patients.tsv"
    patients.write_text("patient_id\tdiagnosis\nX1\tT-ALL\n")
    out = tmp_path / "X1_small.json"
    filters = ["--min-depth", "200"]  # the hotspot has 100 reads: demoted with a caveat
    assert (
        main(
            [
                "classify",
                "--sample-sheet",
                str(sheet),
                "--sample-id",
                "X1_small",
                "--out",
                str(out),
                *filters,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "decide",
                "--patient-sheet",
                str(patients),
                "--sample-sheet",
                str(sheet),
                "--patient-id",
                "X1",
                "--sample-results",
                str(out),
                "--out-dir",
                str(tmp_path / "X1"),
            ]
        )
        == 0
    )
    report = json.loads((tmp_path / "X1" / "report.json").read_text())
    assert report["decision"] == "review"
    (finding,) = report["findings"]
    assert finding["reason"] == "filtered:low_depth" and finding["would_be"] == "review"
    assert "low depth (100 < 200)" in finding["caveats"]
    tsv = (tmp_path / "X1" / "variants.tsv").read_text().splitlines()
    assert len(tsv) == 2 and "filtered:low_depth" in tsv[1]


def test_unknown_patient_is_a_one_line_error(tmp_path, capsys):
    sheet = _sheet(tmp_path, "strelka2_snv_tumor_normal.vcf")
    patients = tmp_path / "patients.tsv"
    patients.write_text("patient_id\nX1\n")
    code = main(
        [
            "decide",
            "--patient-sheet",
            str(patients),
            "--sample-sheet",
            str(sheet),
            "--patient-id",
            "Q9",
            "--out-dir",
            str(tmp_path / "Q9"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mapk-filter: error:") and "no patient 'Q9'" in err
    assert "\n" not in err


def test_classify_has_no_eligibility_options():
    """Only QC thresholds are options; eligibility values live in the rules file."""
    from mapk_filter.cli import build_parser

    help_text = build_parser()._subparsers._group_actions[0].choices["classify"].format_help()
    assert "--min-depth" in help_text and "--min-amplification-cn" not in help_text


@pytest.mark.workflow
def test_tests_and_their_subprocesses_run_the_source():
    """pytest and the CLI/workflow subprocesses import src/, not an installed copy."""
    import subprocess
    import sys

    import mapk_filter

    source = Path(__file__).resolve().parents[1] / "src" / "mapk_filter"
    assert Path(mapk_filter.__file__).resolve().parent == source
    child = subprocess.run(
        [sys.executable, "-c", "import mapk_filter; print(mapk_filter.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(child.stdout.strip()).resolve().parent == source
