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
from helpers import REPO, decide_example_batch

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
    reports = {}
    for patient, path in decide_example_batch(out).items():
        report = json.loads(path.read_text(encoding="utf-8"))
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
