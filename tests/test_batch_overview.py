"""The batch overview: decision counts, one row per patient, the gene x patient matrix, and
the bundle whose links work wherever it is copied (the Snakemake report archive)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import decide_example_batch

from mapk_filter.pipeline import bundle_batch, summarize_batch
from mapk_filter.reports.batch import MATRIX_ROWS, alteration_matrix, batch_facts

# a candidate (fusion), a not_candidate (BCL2 exclusion, IC50), a review (KRAS, route D),
# an incomplete one (unreadable file), a review with a reciprocal junction
PATIENTS = ["P06", "P07", "P13", "P14", "P19"]


# report rendering, already pinned for decisions by test_golden: left out of mutation runs
pytestmark = pytest.mark.reports


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    return decide_example_batch(tmp_path_factory.mktemp("overview"), PATIENTS)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _finding(**kw: Any) -> dict[str, Any]:
    base = {
        "gene": "ABL1",
        "alteration_type": "fusion",
        "status": "qualifying",
        "would_be": None,
        "rule_id": "B-L1",
        "label": "ETV6::ABL1 fusion",
        "partner_genes": ["ETV6", "ABL1"],
        "copy_number": None,
    }
    return base | kw


def _cells(findings: list[dict[str, Any]], **report: Any) -> dict[str, Any]:
    matrix = alteration_matrix([{"patient_id": "X", "findings": findings, **report}])
    return {row: cells["X"] for row, cells in matrix["cells"].items()}


def test_matrix_always_shows_the_listed_alterations_and_pathway_genes():
    matrix = alteration_matrix([])
    assert matrix["rows"][: len(MATRIX_ROWS)] == list(MATRIX_ROWS)
    assert {"ABL1 fusion", "ABL1 amplification", "PDGFRB fusion", "BCL2 exclusion"} <= set(
        matrix["rows"]
    )


@pytest.mark.parametrize(
    ("finding", "row", "glyph", "status"),
    [
        (_finding(), "ABL1 fusion", "■", "qualifying"),
        (
            _finding(alteration_type="amplification", partner_genes=[], copy_number=6.0),
            "ABL1 amplification",
            "▲",
            "qualifying",
        ),
        (
            _finding(gene="PDGFRB", partner_genes=["EBF1", "PDGFRB"], rule_id="B-L3"),
            "PDGFRB fusion",
            "■",
            "qualifying",
        ),
        (
            _finding(gene="", alteration_type="drug_response", partner_genes=[], rule_id="B-L4"),
            "Dasatinib IC50",
            "◆",
            "qualifying",
        ),
        (
            _finding(gene="BCL2", alteration_type="snv", partner_genes=[], status="exclusion"),
            "BCL2 exclusion",
            "●",
            "exclusion",
        ),
        (
            _finding(gene="KRAS", alteration_type="snv", partner_genes=[], status="review"),
            "KRAS",
            "●",
            "review",
        ),
        (
            _finding(gene="NF1", alteration_type="deletion", partner_genes=[], copy_number=1.0),
            "NF1",
            "▼",
            "qualifying",
        ),
        (
            _finding(gene="JAK2", partner_genes=["PAX5", "JAK2"], status="vus"),
            "IL7R/JAK/CRLF2",
            "■",
            "other",
        ),
        (
            _finding(alteration_type="intragenic_duplication", partner_genes=["ABL1"]),
            "ABL1 fusion",
            "◧",
            "qualifying",
        ),
        # a failed-QC call that would decide sends the patient to review: drawn as review
        (_finding(status="filtered", would_be="qualifying"), "ABL1 fusion", "■", "review"),
        (_finding(status="filtered", would_be=None), "ABL1 fusion", "■", "other"),
    ],
)
def test_matrix_cell_has_the_glyph_of_its_type_and_the_border_of_its_status(
    finding, row, glyph, status
):
    cell = _cells([finding])[row]
    assert [(c["glyph"], c["status"]) for c in cell] == [(glyph, status)]
    assert cell[0]["title"].startswith(f"X: {finding['label']}")


def test_matrix_marks_an_exclusion_that_could_not_be_assessed():
    cells = _cells([], exclusion={"status": "not_assessable"})
    assert [(c["glyph"], c["status"]) for c in cells["BCL2 exclusion"]] == [("?", "review")]
    assert _cells([], exclusion={"status": "not_detected"}) == {}


def test_matrix_gives_a_gene_outside_the_fixed_rows_its_own_row():
    matrix = alteration_matrix(
        [
            {
                "patient_id": "X",
                "findings": [_finding(gene="SH2B3", alteration_type="snv", partner_genes=[])],
            }
        ]
    )
    assert matrix["rows"][-1] == "SH2B3"


def test_counts_include_patients_the_run_could_not_assess(reports):
    loaded = [_load(p) for p in reports.values()]
    rows = [{"decision": r["decision"]} for r in loaded] + [{"decision": "not_assessed"}]
    facts = batch_facts(loaded, ["P99: bad row"], rows)
    assert facts["counts"] == {
        "candidate": 1,
        "review": 3,
        "not_candidate": 1,
        "not_assessed": 1,
    }
    assert facts["patients"] == 6


def test_summary_rows_give_the_banner_human_criterion_names_and_the_html_report(reports, tmp_path):
    summarize_batch(list(reports.values()), tmp_path, ["P99: diagnosis: 'AML' is not allowed"])
    rows = {
        r["patient_id"]: r
        for r in csv.DictReader((tmp_path / "summary.tsv").open(), delimiter="\t")
    }
    assert rows["P14"]["banner"] == "CANDIDATE — NUP214::ABL1 fusion (B-L1)"
    assert rows["P06"]["banner"] == (
        "NOT A CANDIDATE — BCL2 p.Gly101Val (B-X1); would otherwise qualify"
    )
    for patient, path in reports.items():
        target = tmp_path / rows[patient]["report"]
        assert target.resolve() == path.with_suffix(".html").resolve()
    assert rows["P99"]["decision"] == "not_assessed"
    assert rows["P99"]["banner"].startswith("NOT ASSESSED — sheet error: diagnosis:")
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert 'id="matrix"' in html and 'id="patients"' in html


def test_bundle_links_every_patient_report_inside_the_folder(reports, tmp_path):
    from mapk_filter.reports.html import render_patient

    for path in reports.values():
        path.with_suffix(".html").write_text(render_patient(_load(path)), encoding="utf-8")
    bundle = tmp_path / "bundle"
    bundle_batch(list(reports.values()), bundle, [])
    html = (bundle / "summary.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)"', html)
    assert sorted(links) == [f"patients/{p}/report.html" for p in PATIENTS]
    for link in links:
        assert (bundle / link).is_file(), link
        assert "../" not in link


def test_matrix_prints_in_blocks_that_fit_a4_and_hold_every_patient_once():
    reports = [{"patient_id": f"Q{n:03d}", "findings": []} for n in range(45)]
    blocks = alteration_matrix(reports)["blocks"]
    assert [len(b) for b in blocks] == [20, 20, 5]
    assert [p for b in blocks for p in b] == [r["patient_id"] for r in reports]
