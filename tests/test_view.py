"""What the board reads first: the banner, the checklist, and each finding as displayed.

Built from small report dictionaries shaped like report.json (the same input the HTML, the PDF
and the batch overview render); every example patient's banner and checklist is also pinned in
tests/data/golden.
"""

from __future__ import annotations

from typing import Any

import pytest

from mapk_filter.reports.view import (
    banner,
    checklist,
    display,
    exon_junction,
    genomic_text,
    germline,
    split_reasons,
    trajectory_text,
    vaf_text,
)

LISTED = {"B-L1", "B-L2", "B-L3", "B-L4"}


def _finding(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sample_id": "S1",
        "gene": "ABL1",
        "alteration_type": "fusion",
        "status": "qualifying",
        "would_be": None,
        "reason": "listed_fusion",
        "rule_id": "B-L1",
        "classification": "",
        "caveats": [],
        "label": "NUP214::ABL1 fusion",
        "partner_genes": ["NUP214", "ABL1"],
        "breakpoints": [],
    }
    return base | kw


def _report(decision: str, findings: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "decision": decision,
        "assessment": "complete",
        "findings": findings,
        "clinical": [],
        "reasons": [],
        "other_subprotocols": [],
        "input_problems": [],
    }
    return base | kw


def _clinical(status: str, value: Any = 9.0) -> dict[str, Any]:
    return {
        "id": "age_at_diagnosis",
        "name": "Age at first diagnosis 1-18 years",
        "expected": ">= 1 and <= 18",
        "value": value,
        "status": status,
        "source": "s",
    }


def test_candidate_banner_names_the_listed_alteration_and_its_rule():
    assert banner(_report("candidate", [_finding()]), LISTED) == (
        "CANDIDATE — NUP214::ABL1 fusion (B-L1)"
    )


def test_exclusion_banner_says_the_patient_would_otherwise_qualify_only_when_true():
    bcl2 = _finding(
        gene="BCL2",
        status="exclusion",
        rule_id="B-X1",
        label="BCL2 p.Gly101Val",
        partner_genes=[],
        alteration_type="snv",
    )
    with_listed = _report("not_candidate", [_finding(), bcl2])
    assert banner(with_listed, LISTED) == (
        "NOT A CANDIDATE — BCL2 p.Gly101Val (B-X1); would otherwise qualify"
    )
    assert banner(_report("not_candidate", [bcl2]), LISTED) == (
        "NOT A CANDIDATE — BCL2 p.Gly101Val (B-X1)"
    )


def test_unmet_clinical_criterion_banner_names_criterion_and_value():
    report = _report("not_candidate", [_finding()], clinical=[_clinical("not_met", 19.0)])
    assert banner(report, LISTED) == (
        "NOT A CANDIDATE — Age at first diagnosis 1-18 years not met (19.0)"
    )


def test_sponsor_review_banner_names_the_other_subprotocol_and_its_drug():
    kras = _finding(
        gene="KRAS",
        status="review",
        rule_id="B-R1",
        label="KRAS p.Gly12Asp",
        partner_genes=[],
        alteration_type="snv",
    )
    report = _report(
        "review", [kras], other_subprotocols=[{"subprotocol": "D", "reason": "KRAS p.Gly12Asp"}]
    )
    assert banner(report, LISTED) == (
        "REVIEW — KRAS p.Gly12Asp (B-R1) for sponsor review; matches sub-protocol D (trametinib)"
    )


def test_incomplete_input_banner_names_the_problem_and_asks_for_a_rerun():
    report = _report(
        "review",
        [_finding()],
        assessment="incomplete",
        input_problems=["genome build not verified: the BCL2 exclusion could not be checked"],
    )
    assert banner(report, LISTED) == (
        "REVIEW — input incomplete (genome build not verified): fix and re-run"
    )


def test_doubtful_listed_finding_banner_says_possible_and_the_doubt():
    reciprocal = _finding(status="review", reason="reciprocal_junction", label="ABL1::ETV6 fusion")
    assert banner(_report("review", [reciprocal]), LISTED) == (
        "REVIEW — possible ABL1::ETV6 fusion (B-L1): forward junction not seen: "
        "confirm by RNA or FISH"
    )


def test_listed_finding_with_unknown_clinical_value_names_the_unknown_criterion():
    report = _report("review", [_finding()], clinical=[_clinical("unknown", None)])
    assert banner(report, LISTED) == (
        "REVIEW — NUP214::ABL1 fusion (B-L1); Age at first diagnosis 1-18 years: unknown"
    )


def test_informational_reasons_leave_the_why_list_for_the_notes_line():
    reasons = [
        "listed finding: NUP214::ABL1 fusion (rule B-L1)",
        "no ex vivo dasatinib IC50 given",
        "ex vivo dasatinib IC50 25 nM is not below 10 nM",
    ]
    assert split_reasons(reasons) == (
        ["listed finding: NUP214::ABL1 fusion (rule B-L1)"],
        ["no ex vivo dasatinib IC50 given", "ex vivo dasatinib IC50 25 nM is not below 10 nM"],
    )


def _rows(report: dict[str, Any], rules) -> dict[str, dict[str, Any]]:
    return {row["item"]: row for row in checklist(report, rules.describe())}


def test_checklist_joins_clinical_and_molecular_criteria_with_glyph_and_word(rules):
    report = _report(
        "candidate",
        [_finding()],
        clinical=[_clinical("met")],
        exclusion={"status": "not_detected", "rules": ["B-X1"], "how": "annotation"},
    )
    rows = _rows(report, rules)
    assert list(rows) == [
        "Age at first diagnosis 1-18 years",
        "Listed alteration",
        "BCL2 venetoclax-resistance exclusion",
        "Sponsor-review findings",
        "All inputs readable",
    ]
    assert (
        rows["Age at first diagnosis 1-18 years"]["glyph"],
        rows["Age at first diagnosis 1-18 years"]["word"],
    ) == ("✓", "met")
    listed = rows["Listed alteration"]
    assert (listed["actual"], listed["status"], listed["rule"]) == (
        "NUP214::ABL1 fusion (B-L1)",
        "met",
        "B-L1 B-L2 B-L3 B-L4",
    )
    assert listed["source"].startswith("NCT05751044 inclusion")
    bcl2 = rows["BCL2 venetoclax-resistance exclusion"]
    assert (bcl2["actual"], bcl2["status"]) == ("not detected; looked for by annotation", "met")
    assert rows["All inputs readable"]["status"] == "met"


@pytest.mark.parametrize(
    ("status", "glyph", "word"),
    [("detected", "✗", "not met"), ("not_assessable", "?", "unknown")],
)
def test_checklist_exclusion_row_detected_or_not_assessable(rules, status, glyph, word):
    report = _report("review", [], exclusion={"status": status, "rules": ["B-X1"], "how": "x"})
    row = _rows(report, rules)["BCL2 venetoclax-resistance exclusion"]
    assert (row["glyph"], row["word"]) == (glyph, word)


def test_checklist_listed_row_is_unknown_for_a_doubtful_listed_finding(rules):
    doubtful = _finding(status="review", reason="reciprocal_junction", label="ABL1::ETV6 fusion")
    row = _rows(_report("review", [doubtful]), rules)["Listed alteration"]
    assert (row["actual"], row["status"]) == ("to confirm: ABL1::ETV6 fusion (B-L1)", "unknown")


def test_checklist_unreadable_input_is_not_met_and_named(rules):
    problem = "input file could not be read: P1.vcf: not a VCF"
    row = _rows(_report("review", [], input_problems=[problem]), rules)["All inputs readable"]
    assert (row["actual"], row["status"]) == (problem, "not_met")


def test_genomic_description_carries_the_build_and_hgvs_g_for_an_snv():
    assert genomic_text({"genomic": "chr12:25245350C>T"}, "GRCh38") == (
        "GRCh38 chr12:g.25245350C>T"
    )
    assert genomic_text({"genomic": "12:25245350CA>C"}, "GRCh37") == (
        "GRCh37 chr12:25245350 CA>C (VCF)"
    )


@pytest.mark.parametrize(
    ("partners", "breakpoints", "junction"),
    [
        (
            ["NUP214", "ABL1"],
            ["chr9:131223930 (NUP214 intron 32)", "chr9:130840525 (ABL1 intron 1)"],
            "NUP214 ex32::ABL1 ex2",
        ),
        (
            ["EBF1", "PDGFRB"],
            ["chr5:158707979 (EBF1 exon 15)", "chr5:150126614 (PDGFRB exon 11)"],
            "EBF1 ex15::PDGFRB ex11",
        ),
        (
            ["BCR", "ABL1"],
            ["chr22:23290121 (BCR intron 13)", "chr9:130710043 (intergenic)"],
            "BCR ex13::ABL1",
        ),
    ],
)
def test_exon_junction_names_the_last_exon_kept_and_the_first_exon_joined(
    partners, breakpoints, junction
):
    finding = {"partner_genes": partners, "alteration_type": "fusion", "breakpoints": breakpoints}
    assert exon_junction(finding) == junction
    assert exon_junction(finding | {"alteration_type": "deletion"}) == ""


def test_vaf_has_one_rounding():
    assert vaf_text(0.29412) == "0.294"
    assert vaf_text(None) == ""


def test_trajectory_lists_every_timepoint_in_order():
    finding = {
        "timepoints": [
            {"sample_id": "a", "timepoint": "diagnosis", "result": "detected", "vaf": 0.41},
            {"sample_id": "b", "timepoint": "relapse1", "result": "not detected"},
            {"sample_id": "c", "timepoint": "relapse2", "result": "not assessed"},
        ]
    }
    assert trajectory_text(finding) == (
        "diagnosis: VAF 0.410 → relapse1: not detected → relapse2: not assessed"
    )
    assert trajectory_text({"timepoints": finding["timepoints"][:1]}) == ""


def test_display_says_tumour_only_or_names_the_normal_evidence():
    tumour_only = display({"gene": "KRAS", "vaf": 0.3}, {"genome_build": "GRCh38"}, {}, {})
    assert tumour_only["normal"] == "tumour-only"
    paired = display(
        {"gene": "KRAS", "normal_vaf": 0.4712},
        {"genome_build": "GRCh38", "normal_sample": "N1"},
        {"KRAS": "MANE Select NM_004985.5 / ENST00000311936.8"},
        {},
    )
    assert paired["normal"] == "normal N1: VAF 0.471"
    assert paired["transcript"] == "MANE Select NM_004985.5 / ENST00000311936.8"


def test_rna_fusion_without_a_frame_verdict_says_so():
    shown = display({"genomic": "RNA chr5:1::chr5:2", "gene": "PDGFRB"}, None, {}, {})
    assert shown["frame"] == "not reported by the RNA caller"
    assert display({"genomic": "DEL chr5:1::chr5:2"}, None, {}, {})["frame"] == ""


def test_germline_section_holds_predisposition_genes_with_normal_evidence_only():
    caveat = "possibly germline: present in the matched normal (VAF 0.474, 27 reads)"
    findings = [
        {"gene": "PTPN11", "label": "PTPN11 p.Asp61Asn", "caveats": [caveat]},
        {"gene": "BCL2", "label": "BCL2 p.Gly101Val", "caveats": [caveat]},
        {"gene": "KRAS", "label": "KRAS p.Gly12Asp", "caveats": []},
    ]
    assert germline(findings) == [
        {
            "gene": "PTPN11",
            "finding": "PTPN11 p.Asp61Asn",
            "evidence": caveat,
            "advice": "possible constitutional variant: confirm in a germline sample; "
            "consider a genetics referral",
        }
    ]
