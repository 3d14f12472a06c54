"""One truth in three formats: for every example patient, each finding of report.json is in
variants.tsv and report.html with the same words and numbers (one VAF rounding, one transcript
naming, the same exon junction, reads, frame and kinase domain), and the IC50 too."""

from __future__ import annotations

import csv
import html as html_lib
import json
import re
from typing import Any

import pytest
from helpers import decide_example_batch

from mapk_filter.reports.html import render_patient

# report rendering, already pinned for decisions by test_golden: left out of mutation runs
pytestmark = pytest.mark.reports

PATIENTS = [f"P{n:02d}" for n in range(1, 35)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict[str, tuple[dict[str, Any], list[dict[str, str]], str]]:
    out = tmp_path_factory.mktemp("one_truth")
    loaded = {}
    for patient, path in decide_example_batch(out).items():
        report = json.loads(path.read_text(encoding="utf-8"))
        with (path.parent / "variants.tsv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        page = html_lib.unescape(render_patient(report).replace("<wbr>", ""))
        loaded[patient] = (report, rows, page)
    return loaded


def test_every_example_patient_is_compared(batch):
    assert sorted(batch) == PATIENTS


def _matching_rows(rows: list[dict[str, str]], finding: dict[str, Any]) -> list[dict[str, str]]:
    record = "" if finding["record_number"] is None else str(finding["record_number"])
    return [
        r
        for r in rows
        if r["sample_id"] == finding["sample_id"]
        and r["record_number"] == record
        and r["status"] == finding["status"]
    ]


def _reads(value: Any) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("patient", PATIENTS)
def test_json_tsv_and_html_say_the_same(batch, patient):
    report, rows, page = batch[patient]
    assert report["banner"].split(" — ", 1)[1] in page
    for finding in report["findings"]:
        shown = finding["display"]
        matching = _matching_rows(rows, finding)
        assert len(matching) == 1, (patient, finding["label"])
        row = matching[0]
        assert row["classification"] == finding["classification"]
        assert row["rule_id"] == (finding["rule_id"] or "")
        assert row["vaf"] == shown["vaf"]
        assert row["transcript"] == shown["transcript"]
        assert row["exon_junction"] == shown["junction"]
        assert row["frame"] == shown["frame"]
        assert row["kinase_domain"] == shown["kinase_domain"]
        assert row["partner_genes"] == ";".join(finding["partner_genes"])
        for reads in ("supporting_reads", "split_reads", "spanning_reads"):
            assert row[reads] == _reads(finding.get(reads)), reads
        # the page shows the same words
        assert finding["label"] in page
        assert finding["classification"] in page
        for key in ("transcript", "junction", "frame", "kinase_domain", "genomic"):
            assert shown[key] in page, (patient, key, shown[key])
        if shown["vaf"]:
            assert f"VAF {shown['vaf']}" in page
        if shown["reads"]:
            assert f"reads {shown['reads']}" in page


def test_the_ic50_finding_is_a_row_of_variants_tsv(batch):
    report, rows, _ = batch["P01"]
    (ic50,) = [f for f in report["findings"] if f["alteration_type"] == "drug_response"]
    (row,) = [r for r in rows if r["alteration_type"] == "drug_response"]
    assert (row["sample_id"], row["status"], row["rule_id"], row["classification"]) == (
        "clinical",
        "qualifying",
        "B-L4",
        ic50["classification"],
    )
    assert row["source_file"] == "patient sheet (ex vivo drug screen)"


def test_a_vaf_has_three_decimals_everywhere(batch):
    vafs = [r["vaf"] for _, rows, _ in batch.values() for r in rows if r["vaf"]]
    assert vafs and all(len(v.split(".")[1]) == 3 for v in vafs)
    # and in the words: reasons, caveats, the page
    for patient, (report, _, page) in batch.items():
        for text in (json.dumps(report), page):
            for value in re.findall(r"VAF:? (\d+\.\d+)", text):
                assert len(value.split(".")[1]) == 3, (patient, value)


def test_one_transcript_naming_per_panel_gene(batch):
    by_gene: dict[str, set[str]] = {}
    for _, rows, _ in batch.values():
        for r in rows:
            if r["gene"] and r["transcript"]:
                by_gene.setdefault(r["gene"], set()).add(r["transcript"])
    assert by_gene["ABL1"] == {"MANE Select NM_005157.6 / ENST00000318560.6"}
    assert all(len(names) == 1 for names in by_gene.values()), by_gene
