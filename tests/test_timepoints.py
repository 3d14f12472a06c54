"""Serial samples and the BCL2 exclusion's assessability, through the workflow's own steps.

classify_sample (one file, as the workflow runs it, via the JSON it writes) and decide. A
patient is decided on the latest timepoint; what every file showed travels with each
finding; coverage files say whether the exclusion codons were read deeply enough.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from helpers import ELIGIBLE as PATIENT
from helpers import classify_from_sheet

from mapk_filter.decide import decide
from mapk_filter.models import Decision, SampleResult, Status
from mapk_filter.pipeline import decide_patient
from mapk_filter.reports.patient import report_schema
from mapk_filter.sheets import Patient
from mapk_filter.targets import exclusion_targets
from mapk_filter.timepoints import Timepoint, order_samples

DATA = Path(__file__).resolve().parent / "data"
CLEAN_SMALL = Path(__file__).resolve().parents[1] / "resources/example_batch/P16_mutect2.vcf"
ETV6_ABL1 = DATA / "sv_manta_etv6_abl1.vcf"  # B-L1, 11 + 8 reads
OTHER_SV = DATA / "sv_manta_pdgfrb_past_kinase.vcf"  # an SV file without ETV6::ABL1
HEADER = "patient_id\tsample_id\tkind\tpath\ttumor_name\ttimepoint\tcollection_date\n"

# (sample_id, kind, path, tumour, timepoint, collection_date)
Row = tuple[str, str, Path, str, str, str]


def run(tmp_path: Path, rows: list[Row]) -> tuple[tuple[SampleResult, ...], dict]:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        HEADER + "".join("X1\t" + "\t".join(str(x) for x in row) + "\n" for row in rows)
    )
    results = [classify_from_sheet(sheet, sample_id, "X1")[0] for sample_id, *_ in rows]
    history = {r[0]: Timepoint(r[4], r[5]) for r in rows}
    return tuple(results), history


def small(sample_id: str, timepoint: str, date: str = "") -> Row:
    return (sample_id, "small_variants", CLEAN_SMALL, "", timepoint, date)


def sv(sample_id: str, path: Path, timepoint: str, date: str = "") -> Row:
    return (sample_id, "structural_variants", path, "TUMOR_S", timepoint, date)


@pytest.mark.parametrize(
    "labels, expected",
    [
        (["relapse2", "diagnosis", "relapse1"], [2, 0, 1]),
        (["Relapse", "refractory", "DX"], [2, 1, 0]),  # relapse = relapse1; case-insensitive
        (["relapse_2", "rel1"], [1, 0]),
    ],
)
def test_timepoint_names_order_the_samples(labels, expected):
    order = order_samples({f"s{i}": Timepoint(t) for i, t in enumerate(labels)})
    assert [order.rank[f"s{i}"] for i in range(len(labels))] == expected
    assert order.serial and not order.problem


def test_collection_dates_order_when_every_file_has_one():
    order = order_samples(
        {"a": Timepoint("relapse1", "2025-03-01"), "b": Timepoint("relapse1", "2024-01-09")}
    )
    assert (order.rank, order.serial) == ({"a": 1, "b": 0}, True)


def test_timepoints_that_cannot_be_ordered_are_a_problem():
    order = order_samples({"a": Timepoint("day 15"), "b": Timepoint("relapse1")})
    assert "cannot be ordered ('day 15')" in order.problem


def test_listed_fusion_at_diagnosis_not_detected_at_relapse_is_review(rules, tmp_path):
    samples, history = run(
        tmp_path,
        [
            sv("dx_sv", ETV6_ABL1, "diagnosis"),
            sv("r1_sv", OTHER_SV, "relapse1"),
            small("r1_small", "relapse1"),
        ],
    )
    # Decided without the history, the diagnosis fusion would make a candidate.
    assert decide(PATIENT, samples, rules).decision == Decision.CANDIDATE
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    (fusion,) = [f for f in result.findings if f.partner_genes == ("ETV6", "ABL1")]
    assert (fusion.status, fusion.would_be, fusion.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:not_seen_at_latest_timepoint",
    )
    assert fusion.caveats[0] == "present at diagnosis, not detected at relapse1"
    assert [(t["sample_id"], t["result"]) for t in fusion.timepoints] == [
        ("dx_sv", "detected"),
        ("r1_sv", "not detected"),
    ]
    assert fusion.timepoints[0]["supporting_reads"] == 19
    assert any("present at diagnosis, not detected at relapse1" in r for r in result.reasons)
    assert result.decision_timepoint == "relapse1"


def test_listed_fusion_seen_at_both_timepoints_is_one_finding_with_its_trajectory(rules, tmp_path):
    samples, history = run(
        tmp_path,
        [
            sv("dx_sv", ETV6_ABL1, "diagnosis"),
            sv("r1_sv", ETV6_ABL1, "relapse1"),
            small("r1_small", "relapse1"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.CANDIDATE
    (fusion,) = [f for f in result.findings if f.partner_genes == ("ETV6", "ABL1")]
    assert (fusion.sample_id, fusion.status) == ("r1_sv", Status.QUALIFYING)
    assert [t["result"] for t in fusion.timepoints] == ["detected", "detected"]


def test_kind_not_read_at_the_latest_timepoint_is_review(rules, tmp_path):
    samples, history = run(
        tmp_path, [sv("dx_sv", ETV6_ABL1, "diagnosis"), small("r1_small", "relapse1")]
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    (fusion,) = [f for f in result.findings if f.partner_genes == ("ETV6", "ABL1")]
    assert fusion.caveats[0] == (
        "seen at diagnosis; not assessed at relapse1 (no structural-variant or RNA-fusion "
        "file read at that timepoint)"
    )


def test_only_diagnosis_samples_cannot_make_a_candidate(rules, tmp_path):
    samples, history = run(
        tmp_path, [sv("dx_sv", ETV6_ABL1, "diagnosis"), small("dx_small", "diagnosis")]
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    assert any("no relapse or refractory sample was profiled" in r for r in result.reasons)


def test_dates_decide_which_sample_is_latest(rules, tmp_path):
    """Both rows say relapse1; the dates put the fusion-free file last."""
    samples, history = run(
        tmp_path,
        [
            sv("a_sv", ETV6_ABL1, "relapse1", "2024-02-01"),
            sv("b_sv", OTHER_SV, "relapse1", "2025-06-30"),
            small("b_small", "relapse1", "2025-06-30"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    (fusion,) = [f for f in result.findings if f.partner_genes == ("ETV6", "ABL1")]
    assert fusion.caveats[0] == "present at relapse1, not detected at relapse1"


def test_unordered_timepoints_send_the_patient_to_review(rules, tmp_path):
    samples, history = run(
        tmp_path, [sv("a_sv", ETV6_ABL1, "day 15"), small("b_small", "relapse1")]
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    assert any("cannot be ordered ('day 15')" in r for r in result.reasons)


def test_report_json_carries_the_timepoints_of_each_finding(rules, tmp_path):
    rows = [
        sv("dx_sv", ETV6_ABL1, "diagnosis"),
        sv("r1_sv", OTHER_SV, "relapse1"),
        small("r1_small", "relapse1"),
    ]
    run(tmp_path, rows)
    patients = tmp_path / "patients.tsv"
    patients.write_text(
        "patient_id\tage_at_diagnosis_years\tage_at_screening_years\tdiagnosis\t"
        "disease_status\tprior_dasatinib_venetoclax\tperformance_score\n"
        "X1\t9\t11\tB-ALL\trelapse\tno\t80\n"
    )
    report = decide_patient(
        patient_sheet=patients,
        sample_sheet=tmp_path / "samples.tsv",
        patient_id="X1",
        sample_results=[tmp_path / f"{r[0]}.json" for r in rows],
        out_dir=tmp_path / "out",
        panel_dir=None,
        rules_path=None,
    )
    jsonschema.validate(report, report_schema())
    (fusion,) = [f for f in report["findings"] if f["partner_genes"] == ["ETV6", "ABL1"]]
    assert [(t["timepoint"], t["result"]) for t in fusion["timepoints"]] == [
        ("diagnosis", "detected"),
        ("relapse1", "not detected"),
    ]
    assert report["decision"] == "review" and report["decision_timepoint"] == "relapse1"


# ----------------------------------------------------------------- coverage (item 10)


def test_exclusion_target_is_bcl2_codons_101_to_104_from_the_hotspot_table(panel, rules):
    (target,) = exclusion_targets(panel, rules, "GRCh38")
    assert target.label == "BCL2 codons 101-104 (B-X1)"
    # BCL2 is on the minus strand: c.301 (codon 101) is the high end, next to G101V's c.302.
    g101v = next(h for h in panel.hotspots if h.hgvs_p == "p.Gly101Val")
    assert (target.chrom, target.end, target.end - target.start + 1) == (
        "18",
        g101v.loci["GRCh38"].pos + 1,
        12,
    )


def coverage(sample_id: str, name: str, timepoint: str = "relapse1") -> Row:
    return (sample_id, "coverage", DATA / "coverage" / name, "", timepoint, "")


IC50 = Patient("X1", 9, 11, "B-ALL", "relapse", 2.0, "no", 80)  # a listed finding


@pytest.mark.parametrize(
    "name, decision, status, proven",
    [
        ("mosdepth_bcl2_covered.per-base.bed.gz", Decision.CANDIDATE, "not_detected", True),
        (
            "mosdepth_bcl2_low_codon101.per-base.bed.gz",
            Decision.REVIEW,
            "not_assessable",
            False,
        ),
        ("callable_bcl2_gap.bed", Decision.REVIEW, "not_assessable", False),
    ],
)
def test_coverage_of_the_exclusion_codons_decides_assessability(
    rules, tmp_path, name, decision, status, proven
):
    samples, history = run(tmp_path, [small("s", "relapse1"), coverage("cov", name)])
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.decision == decision
    assert result.exclusion is not None
    assert (result.exclusion.status, result.exclusion.proven) == (status, proven)
    blocking = [r for r in result.reasons if r.startswith("exclusion (B-X1) not assessable")]
    assert bool(blocking) == (decision == Decision.REVIEW)
    accounting = next(s for s in samples if s.kind == "coverage").accounting
    assert accounting.reconciles and accounting.records_read > 0 and accounting.alleles == 0


def test_without_coverage_absence_is_not_proven_but_does_not_block(rules, tmp_path):
    samples, history = run(tmp_path, [small("s", "relapse1")])
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.decision == Decision.CANDIDATE
    assert result.exclusion is not None
    assert (result.exclusion.status, result.exclusion.proven) == ("not_detected", False)
    assert "no coverage file for that sample: an absent mutation is not proven absent" in (
        result.exclusion.how
    )
    assert "s: coordinates only" in result.exclusion.how  # the example file is not annotated


def test_dates_on_some_files_only_or_not_dates_cannot_order_them():
    partial = order_samples({"a": Timepoint("", "2023-01-01"), "b": Timepoint("", "")})
    assert "collection_date is given for 1 of 2 files" in partial.problem
    bad = order_samples({"a": Timepoint("", "2023-01-01"), "b": Timepoint("", "15/06/2024")})
    assert "collection_date '15/06/2024' is not a date (YYYY-MM-DD)" in bad.problem


def test_exclusion_looked_for_only_at_an_earlier_timepoint_is_not_assessed_now(rules, tmp_path):
    """BCL2 resistance mutations are acquired: a diagnosis small-variant file does not
    assess the exclusion at relapse, even with a listed fusion at relapse."""
    samples, history = run(
        tmp_path, [small("dx_small", "diagnosis"), sv("r1_sv", ETV6_ABL1, "relapse1")]
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    assert result.exclusion is not None and result.exclusion.status == "not_assessable"
    assert (
        "exclusion (B-X1) not assessed at relapse1: the small-variant file is from diagnosis"
        in result.reasons[0] + "".join(result.reasons)
    )
    assert result.assessment == "incomplete"
