"""What the board reads, pinned: every example patient's decision, banner, checklist, reasons
and findings as displayed.

The words of a report are part of the decision: a changed reason or classification must be
a reviewed change, not an accident. The example batch is classified and decided in-process
(the same functions the workflow's jobs call) and compared with
``tests/data/golden/example_batch.json``. After a deliberate change, regenerate it with

    MAPK_FILTER_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and review the diff like any other change of the rules or the code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO

from mapk_filter.pipeline import classify_sample, decide_patient
from mapk_filter.settings import Filters, Reference
from mapk_filter.sheets import read_samples

BATCH = REPO / "resources" / "example_batch"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "example_batch.json"
FINDING_KEYS = (
    "sample_id",
    "gene",
    "alteration_type",
    "status",
    "would_be",
    "reason",
    "rule_id",
    "classification",
    "caveats",
    "routes",
    "partner_genes",
    "kinase_domain_retained",
    "supporting_reads",
    "copy_number",
    "vaf",
    "depth",
    "alt_reads",
    "hgvs_p",
    "timepoints",
)


def _view(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what changes from run to run (paths, checksums, times)."""
    return {
        "decision": report["decision"],
        "banner": report["banner"],
        "why": report["why"],
        "notes_line": report["notes_line"],
        "checklist": [
            (c["item"], c["rule"], c["actual"], c["status"]) for c in report["checklist"]
        ],
        "germline": report["germline"],
        "assessment": report["assessment"],
        "reasons": report["reasons"],
        "input_problems": report["input_problems"],
        "other_subprotocols": report["other_subprotocols"],
        "exclusion": report.get("exclusion"),
        "clinical": [(c["id"], c["status"], c["value"]) for c in report["clinical"]],
        "findings": [
            {k: f.get(k) for k in FINDING_KEYS if k != "timepoints"}
            | {"label": f["label"], "display": f["display"]}
            | {"timepoints": [(t["sample_id"], t["result"]) for t in f.get("timepoints", [])]}
            for f in report["findings"]
        ],
        "accounting": [
            (a["sample_id"], a["records_read"], a["outside_panel"], a["by_status"])
            for a in report["accounting"]
        ],
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("golden")
    sheet = BATCH / "samples.tsv"
    rows = read_samples(sheet, strict=False)
    for row in rows:
        classify_sample(
            sample_sheet=sheet,
            sample_id=row.sample_id,
            patient_id=row.patient_id,
            default_build="GRCh38",
            filters=Filters(),
            reference=Reference(),
            panel_dir=None,
            rules_path=None,
            out=out / f"{row.sample_id}.json",
        )
    reports = {}
    for patient in sorted({r.patient_id for r in rows}):
        report = decide_patient(
            patient_sheet=BATCH / "patients.tsv",
            sample_sheet=sheet,
            patient_id=patient,
            sample_results=[out / f"{r.sample_id}.json" for r in rows if r.patient_id == patient],
            out_dir=out / patient,
            panel_dir=None,
            rules_path=None,
        )
        # paths relative to the checkout, wherever it is (a copy for mutation runs too)
        text = json.dumps(_view(report)).replace(f"{REPO}/", "")
        reports[patient] = json.loads(text)
    return reports


def test_every_example_report_reads_as_reviewed(batch):
    if os.environ.get("MAPK_FILTER_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(batch, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(batch) == sorted(expected)
    for patient, view in batch.items():
        assert view == expected[patient], patient
