"""Guards for the patient decision (decide.py) found weak by mutation testing.

Each test states what the board or the bioinformatician reads: the decision, every reason
sentence (with its caveats and rule), the exclusion status, the sub-protocol routing and the
input problems. Findings are built as the classifiers build them (see test_decide.py); rules
are the bundled ones, or a copy of them edited in tmp_path where a rule's absence is tested.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers import ELIGIBLE

from mapk_filter.decide import decide
from mapk_filter.models import Decision, FileAccounting, Finding, SampleResult, Status
from mapk_filter.rules import load_rules, trial_rules_path


def finding(
    status: Status,
    *,
    gene: str = "KRAS",
    hgvs_p: str = "p.Gly12Asp",
    rule_id: str | None = "B-R1",
    would_be: Status | None = None,
    caveats: tuple[str, ...] = (),
    routes: tuple[str, ...] = (),
    classification: str | None = None,
    sample_id: str = "S1",
) -> Finding:
    return Finding(
        sample_id=sample_id,
        source_file="s1.vcf",
        gene=gene,
        alteration_type="snv",
        genomic="12:25245350C>T",
        status=status,
        reason="hotspot",
        classification=classification or f"{gene} {hgvs_p}: test rule",
        hgvs_p=hgvs_p,
        rule_id=rule_id,
        would_be=would_be,
        caveats=caveats,
        routes=routes,
    )


def sample(
    *findings: Finding,
    sample_id: str = "S1",
    kind: str = "small_variants",
    build_evidence: str = "contigs",
    error: str | None = None,
) -> SampleResult:
    return SampleResult(
        sample_id=sample_id,
        patient_id="X1",
        path=f"{sample_id}.vcf",
        kind=kind,
        genome_build="GRCh38",
        sha256="0" * 64,
        findings=findings,
        accounting=FileAccounting(sample_id, f"{sample_id}.vcf", kind, error=error),
        build_evidence=build_evidence,
    )


def edited_rules(tmp_path: Path, old: str, new: str):
    """The bundled rules with one passage edited (a site's own copy of the rules file)."""
    text = trial_rules_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_rules(path)


B_L4 = """  - id: B-L4
    name: Ex vivo dasatinib IC50 below 10 nM
    alteration_type: drug_response
    clinical_field: dasatinib_ic50_nM
    below: 10
    unit: nM
    criterion: NCT05751044 inclusion 6
    source: registry
"""

NO_IC50 = "no ex vivo dasatinib IC50 given"
TWO_CAVEATS = ("low depth (9 < 20)", "few alt reads (3 < 5)")


# --- the drug-response criterion -----------------------------------------------------------


def test_without_a_drug_response_rule_the_reasons_say_so(tmp_path):
    rules = edited_rules(tmp_path, B_L4, "")
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(),), rules)
    assert result.decision == Decision.NOT_CANDIDATE
    assert result.reasons[-1] == "the rules list no drug-response criterion"


def test_a_drug_response_rule_without_threshold_lists_nothing(tmp_path):
    rules = edited_rules(tmp_path, B_L4, B_L4.replace("    below: 10\n", ""))
    result = decide(ELIGIBLE, (sample(),), rules)
    assert result.reasons[-1] == "the rules list no drug-response criterion"


def test_the_ic50_finding_comes_from_the_patient_sheet(rules):
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(),), rules)
    assert result.decision == Decision.CANDIDATE
    ic50 = result.findings[0]
    assert (ic50.sample_id, ic50.source_file, ic50.gene, ic50.genomic) == (
        "clinical",
        "patient sheet",
        "",
        "",
    )
    assert (ic50.status, ic50.reason, ic50.rule_id, ic50.alteration_type) == (
        Status.QUALIFYING,
        "ic50_below_threshold",
        "B-L4",
        "drug_response",
    )
    assert "listed finding: ex vivo dasatinib IC50 2 nM < 10 nM (rule B-L4)" in result.reasons


# --- routing to other sub-protocols ---------------------------------------------------------


def test_routing_names_every_finding_of_a_subprotocol_after_a_benign_one(rules):
    benign = finding(Status.BENIGN, hgvs_p="p.Gly12=", rule_id=None)
    kras = finding(Status.REVIEW, routes=("D",))
    nras = finding(
        Status.FILTERED,
        gene="NRAS",
        hgvs_p="p.Gln61Arg",
        would_be=Status.REVIEW,
        caveats=TWO_CAVEATS,
        routes=("D",),
    )
    result = decide(ELIGIBLE, (sample(benign, kras, nras),), rules)
    assert result.other_subprotocols == (
        {
            "subprotocol": "D",
            "reason": "KRAS p.Gly12Asp; NRAS p.Gln61Arg "
            "(with caveat: low depth (9 < 20); few alt reads (3 < 5))",
        },
    )


# --- reasons with QC caveats -------------------------------------------------------------


def test_a_doubt_about_a_listed_finding_with_qc_caveats_goes_to_review(rules):
    junction = finding(
        Status.FILTERED,
        gene="ABL1",
        hgvs_p="",
        rule_id="B-L1",
        would_be=Status.REVIEW,
        caveats=TWO_CAVEATS,
        classification="ABL1::NUP214 reciprocal junction alone",
    )
    result = decide(ELIGIBLE, (sample(junction),), rules)
    assert result.decision == Decision.REVIEW
    assert result.reasons == (
        "possible listed finding, to confirm, with QC caveat (low depth (9 < 20); few alt reads "
        "(3 < 5)): ABL1::NUP214 reciprocal junction alone (rule B-L1) [S1]",
        NO_IC50,
    )


def test_listed_finding_with_qc_caveats_names_each_caveat(rules):
    fusion = finding(
        Status.FILTERED,
        gene="ABL1",
        hgvs_p="",
        rule_id="B-L1",
        would_be=Status.QUALIFYING,
        caveats=TWO_CAVEATS,
        classification="NUP214::ABL1 fusion",
    )
    result = decide(ELIGIBLE, (sample(fusion),), rules)
    assert result.decision == Decision.REVIEW
    assert result.reasons == (
        "listed finding with QC caveat (low depth (9 < 20); few alt reads (3 < 5)): "
        "NUP214::ABL1 fusion (rule B-L1) [S1]",
        NO_IC50,
    )


def test_exclusion_with_qc_caveats_is_a_possible_detection(rules):
    bcl2 = finding(
        Status.FILTERED,
        gene="BCL2",
        hgvs_p="p.Gly101Val",
        rule_id="B-X1",
        would_be=Status.EXCLUSION,
        caveats=TWO_CAVEATS,
        classification="BCL2 p.Gly101Val (G101V): BCL2 venetoclax-resistance mutation",
    )
    result = decide(replace(ELIGIBLE, dasatinib_ic50_nM=2), (sample(bcl2),), rules)
    assert result.decision == Decision.REVIEW
    assert result.exclusion.status == "possibly_detected"
    assert (
        "exclusion finding with QC caveat (low depth (9 < 20); few alt reads (3 < 5)): "
        "BCL2 p.Gly101Val (G101V): BCL2 venetoclax-resistance mutation (rule B-X1) [S1]"
    ) in result.reasons


# --- input problems ------------------------------------------------------------------------


def test_sheet_rows_left_out_are_named_as_such(rules):
    error = "samples.tsv line 4: kind 'vcf' is not one of small_variants, ..."
    result = decide(ELIGIBLE, (sample(),), rules, sheet_errors=(error,))
    assert result.decision == Decision.REVIEW
    assert result.reasons == (f"sample sheet row left out: {error}", NO_IC50)
    assert result.input_problems == (f"sample sheet row left out: {error}",)


def test_files_on_different_builds_are_an_input_problem_in_full_words(rules):
    on37 = replace(sample(sample_id="S2", kind="copy_number"), genome_build="GRCh37")
    result = decide(ELIGIBLE, (sample(), on37), rules)
    expected = (
        "the patient's files were read on different genome builds (S1: GRCh38, S2: GRCh37); "
        "coordinates cannot all be right: set genome_build in the sample sheet"
    )
    assert result.decision == Decision.REVIEW
    assert result.reasons == (expected, NO_IC50)
    assert result.input_problems == (expected,)


def test_candidate_without_small_variant_file_names_the_exclusion_rules(rules, tmp_path):
    fusion = replace(
        finding(Status.QUALIFYING, gene="ABL1", hgvs_p="", rule_id="B-L1", sample_id="S2"),
        alteration_type="fusion",
        classification="NUP214::ABL1 fusion",
    )
    sv = sample(fusion, sample_id="S2", kind="structural_variants")
    result = decide(ELIGIBLE, (sv,), rules)
    assert result.decision == Decision.REVIEW
    assert result.reasons[0] == (
        "no small-variant file was read, so the exclusion (B-X1: BCL2 venetoclax-resistance "
        "mutations) could not be assessed"
    )
    two = edited_rules(
        tmp_path,
        "    protein_changes: [p.Gly101Val, p.Phe104Leu, p.Phe104Cys]\n"
        "    criterion: NCT05751044 exclusion 5\n    source: blombery2019\n",
        "    protein_changes: [p.Gly101Val, p.Phe104Leu, p.Phe104Cys]\n"
        "    criterion: NCT05751044 exclusion 5\n    source: blombery2019\n"
        "  - id: B-X2\n    name: BCL2 Asp103 venetoclax-resistance mutation\n    match: hotspot\n"
        "    categories: [venetoclax_resistance]\n    genes: [BCL2]\n"
        "    protein_changes: [p.Asp103Tyr]\n    source: blombery2020\n",
    )
    assert decide(ELIGIBLE, (sv,), two).reasons[0] == (
        "no small-variant file was read, so the exclusion (B-X1, B-X2: BCL2 "
        "venetoclax-resistance mutations) could not be assessed"
    )


def test_every_unverified_build_is_named(rules):
    first = sample(build_evidence="default")
    second = sample(sample_id="S2", build_evidence="default")
    result = decide(ELIGIBLE, (first, second), rules)
    assert result.decision == Decision.REVIEW
    assert result.reasons[0] == (
        "genome build not verified: the BCL2 exclusion could not be checked reliably "
        "(S1: GRCh38 assumed; nothing recorded verifies it; "
        "S2: GRCh38 assumed; nothing recorded verifies it)"
    )
