"""Decision logic over real rules, with findings built as the classifier builds them."""

from dataclasses import replace

import pytest
from helpers import ELIGIBLE

from mapk_filter.decide import decide, judge
from mapk_filter.models import (
    CriterionStatus,
    Decision,
    FileAccounting,
    Finding,
    SampleResult,
    Status,
)


def finding(status: Status, gene="KRAS", rule_id="B-R1", would_be=None, routes=()) -> Finding:
    return Finding(
        sample_id="S1",
        source_file="s1.vcf",
        gene=gene,
        alteration_type="snv",
        genomic="12:1A>T",
        status=status,
        reason="hotspot",
        classification=f"{gene} test",
        hgvs_p="p.Gly12Asp",
        rule_id=rule_id,
        would_be=would_be,
        routes=routes,
        caveats=("low depth (9 < 20)",) if would_be else (),
    )


def sample(*findings: Finding, error: str | None = None) -> SampleResult:
    return SampleResult(
        sample_id="S1",
        patient_id="X1",
        path="s1.vcf",
        kind="small_variants",
        genome_build="GRCh38",
        sha256="0" * 64,
        findings=findings,
        accounting=FileAccounting("S1", "s1.vcf", "small_variants", error=error),
        build_evidence="contigs",
    )


@pytest.mark.parametrize(
    ("criterion_id", "value", "expected"),
    [
        ("age_at_diagnosis", 1.0, CriterionStatus.MET),
        ("age_at_diagnosis", 18.0, CriterionStatus.MET),
        ("age_at_diagnosis", 0.9, CriterionStatus.NOT_MET),
        ("age_at_diagnosis", 18.1, CriterionStatus.NOT_MET),
        ("age_at_screening", 20.99, CriterionStatus.MET),
        ("age_at_screening", 21.0, CriterionStatus.NOT_MET),
        ("diagnosis", "T-LBL", CriterionStatus.MET),
        ("diagnosis", "other", CriterionStatus.NOT_MET),
        ("disease_status", "newly_diagnosed", CriterionStatus.NOT_MET),
        ("no_prior_combination", "yes", CriterionStatus.NOT_MET),
        ("performance_score", 50.0, CriterionStatus.MET),
        ("performance_score", 40.0, CriterionStatus.NOT_MET),
        ("performance_score", None, CriterionStatus.UNKNOWN),
    ],
)
def test_each_criterion_is_judged_with_its_threshold(rules, criterion_id, value, expected):
    criterion = next(c for c in rules.clinical if c.id == criterion_id)
    assert judge(criterion, value) == expected


def test_ic50_below_10_with_all_criteria_met_is_candidate(rules):
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=9.99), (sample(),), rules)
    assert result.decision == Decision.CANDIDATE
    assert any("IC50 9.99 nM < 10 nM" in r and "B-L4" in r for r in result.reasons)


def test_ic50_of_exactly_10_does_not_list(rules):
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=10), (sample(),), rules)
    assert result.decision == Decision.NOT_CANDIDATE
    assert "no qualifying or reviewable finding" in result.reasons[0]


def test_listed_finding_with_unknown_criterion_is_review(rules):
    patient = replace(ELIGIBLE, dasatinib_ic50_nM=2, performance_score=None)
    result = decide(patient, (sample(),), rules)
    assert result.decision == Decision.REVIEW
    assert any("unknown: Lansky/Karnofsky" in r for r in result.reasons)


def test_exclusion_overrides_a_listed_finding(rules):
    bcl2 = finding(Status.EXCLUSION, gene="BCL2", rule_id="B-X1")
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(bcl2),), rules)
    assert result.decision == Decision.NOT_CANDIDATE
    assert result.reasons[0].startswith("exclusion: BCL2")


def test_exclusion_with_qc_caveat_goes_to_review(rules):
    bcl2 = finding(Status.FILTERED, gene="BCL2", rule_id="B-X1", would_be=Status.EXCLUSION)
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(bcl2),), rules)
    assert result.decision == Decision.REVIEW


def test_pathway_finding_is_review_and_routes(rules):
    kras = finding(Status.REVIEW, routes=("D",))
    result = decide(ELIGIBLE, (sample(kras),), rules)
    assert result.decision == Decision.REVIEW
    assert result.other_subprotocols == ({"subprotocol": "D", "reason": "KRAS p.Gly12Asp"},)


def test_route_reason_names_gene_and_alteration_of_a_fusion(rules):
    """A PAX5::JAK2 route once read just "PAX5" (the text before the first colon)."""
    jak2 = replace(
        finding(Status.VUS, gene="JAK2", rule_id=None, routes=("C",)),
        alteration_type="fusion",
        partner_genes=("PAX5", "JAK2"),
        classification="PAX5::JAK2 fusion with JAK2 as 3' partner: kinase domain retained",
    )
    result = decide(ELIGIBLE, (sample(jak2),), rules)
    assert result.other_subprotocols == ({"subprotocol": "C", "reason": "PAX5::JAK2 fusion"},)


def test_qc_demoted_pathway_finding_still_reviews_with_caveat(rules):
    kras = finding(Status.FILTERED, would_be=Status.REVIEW)
    result = decide(ELIGIBLE, (sample(kras),), rules)
    assert result.decision == Decision.REVIEW
    assert any("QC caveat (low depth (9 < 20))" in r for r in result.reasons)


def test_vus_alone_is_not_candidate(rules):
    result = decide(ELIGIBLE, (sample(finding(Status.VUS, rule_id=None)),), rules)
    assert result.decision == Decision.NOT_CANDIDATE


def test_clinical_not_met_wins_over_review_findings(rules):
    patient = replace(ELIGIBLE, disease_status="newly_diagnosed")
    result = decide(patient, (sample(finding(Status.REVIEW)),), rules)
    assert result.decision == Decision.NOT_CANDIDATE
    assert any("not met: Relapsed or refractory" in r for r in result.reasons)


def test_unreadable_file_blocks_candidate(rules):
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(error="x.vcf: bad"),), rules)
    assert result.decision == Decision.REVIEW
    assert any("could not be read: x.vcf: bad" in r for r in result.reasons)


def test_no_small_variant_file_means_the_exclusion_was_not_assessed(rules):
    fusion = Finding(
        sample_id="S2",
        source_file="s2.vcf",
        gene="ABL1",
        alteration_type="fusion",
        genomic="DUP",
        status=Status.QUALIFYING,
        reason="listed_fusion",
        classification="NUP214::ABL1 fusion",
        rule_id="B-L1",
    )
    sv_only = SampleResult(
        sample_id="S2",
        patient_id="X1",
        path="s2.vcf",
        kind="structural_variants",
        genome_build="GRCh38",
        sha256="0" * 64,
        findings=(fusion,),
        accounting=FileAccounting("S2", "s2.vcf", "structural_variants"),
    )
    result = decide(ELIGIBLE, (sv_only,), rules)
    assert result.decision == Decision.REVIEW
    assert result.reasons[0].startswith("no small-variant file was read")
    assert decide(ELIGIBLE, (sv_only, sample()), rules).decision == Decision.CANDIDATE


def test_files_of_one_patient_on_different_builds_block_a_decision(rules):
    on37 = replace(sample(), sample_id="S2", genome_build="GRCh37", kind="copy_number")
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(), on37), rules)
    assert result.decision == Decision.REVIEW
    assert any("different genome builds (S1: GRCh38, S2: GRCh37)" in r for r in result.reasons)


def test_patient_without_any_sample_row_is_review_and_incomplete(rules):
    result = decide(ELIGIBLE, (), rules)
    assert result.decision == Decision.REVIEW
    assert result.reasons[0] == "no variant file listed for this patient: nothing was assessed"
    assert result.assessment == "incomplete"
    # never not_candidate, even with a criterion not met: nothing was assessed (SPEC §4)
    too_old = decide(replace(ELIGIBLE, age_at_screening_years=25), (), rules)
    assert too_old.decision == Decision.REVIEW
    assert any("not met: Age at screening" in r for r in too_old.reasons)


def test_unreadable_file_makes_the_assessment_incomplete_not_the_clean_patient(rules):
    broken = decide(ELIGIBLE, (sample(error="x.vcf: truncated"),), rules)
    assert (broken.decision, broken.assessment) == (Decision.REVIEW, "incomplete")
    assert broken.input_problems == ("input file could not be read: x.vcf: truncated",)
    clean = decide(ELIGIBLE, (sample(),), rules)
    assert (clean.decision, clean.assessment, clean.input_problems) == (
        Decision.NOT_CANDIDATE,
        "complete",
        (),
    )
