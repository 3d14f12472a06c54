"""The BCL2 exclusion: tests that guard the decision code mutation testing found weak.

``mapk_filter.exclusion`` says whether the exclusion (B-X1, BCL2 venetoclax resistance) was
looked for at the patient's latest timepoint, and how well. Through real files (the coverage
fixtures in tests/data/coverage, small-variant files written to tmp_path from the panel's
hotspot coordinates) classified as the workflow classifies them, these tests state:

- the exclusion targets are the codons of each exclusion rule's alleles, from the hotspot
  table, for every gene the rule names, on the gene's strand;
- a coverage file is recorded with what it says about each target and how it was read;
- the report says how the small-variant file was searched (every annotation it carries)
  and what each coverage file showed;
- only the latest small-variant file, and the coverage file of its timepoint, assess the
  exclusion; an older one blocks a candidate with words naming both timepoints;
- low coverage blocks a candidate naming every target read too thinly, and every rule;
- a BCL2 allele with too little support is a possible exclusion, not an absent one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import MUTECT2_HEADER, classify_file, classify_from_sheet

from mapk_filter.decide import decide
from mapk_filter.exclusion import ExclusionAssessment, assess_exclusion
from mapk_filter.models import Decision, FileAccounting, SampleResult
from mapk_filter.resources import trial_rules_path
from mapk_filter.rules import load_rules
from mapk_filter.sheets import Patient
from mapk_filter.targets import Target, exclusion_targets
from mapk_filter.timepoints import Timepoint

DATA = Path(__file__).resolve().parent / "data"
COVERAGE = DATA / "coverage"
CLEAN_SMALL = Path(__file__).resolve().parents[1] / "resources/example_batch/P16_mutect2.vcf"
ETV6_ABL1 = DATA / "sv_manta_etv6_abl1.vcf"  # B-L1
IC50 = Patient("X1", 9, 11, "B-ALL", "relapse", 2.0, "no", 80)  # a listed finding (B-L4)
HEADER = "patient_id\tsample_id\tkind\tpath\ttumor_name\ttimepoint\tcollection_date\n"
COORDINATES_ONLY = (
    "coordinates only (hotspot alleles and exclusion codons by position; no consequence annotation)"
)
NOT_PROVEN = "no coverage file for that sample: an absent mutation is not proven absent"
TARGET = "BCL2 codons 101-104 (B-X1) (chr18:63318355-63318366)"
COVERED = f"{TARGET}: all 12 bases at depth >= 20 (minimum 35)"
LOW_101 = f"{TARGET}: minimum depth 8 < 20 over 3 of 12 bases"

# (sample_id, kind, path, timepoint, collection_date)
Row = tuple[str, str, Path, str, str]


def classify(tmp_path: Path, rows: list[Row]) -> tuple[tuple[SampleResult, ...], dict]:
    """Each row's file classified as the workflow does it, and the patient's history."""
    sheet = tmp_path / "samples.tsv"
    lines = [
        f"X1\t{sid}\t{kind}\t{path}\t{'TUMOR_S' if kind == 'structural_variants' else ''}\t"
        f"{tp}\t{date}\n"
        for sid, kind, path, tp, date in rows
    ]
    sheet.write_text(HEADER + "".join(lines))
    results = tuple(classify_from_sheet(sheet, row[0], "X1")[0] for row in rows)
    return results, {row[0]: Timepoint(row[3], row[4]) for row in rows}


def small(sid: str, timepoint: str = "relapse1", path: Path = CLEAN_SMALL, date: str = "") -> Row:
    return (sid, "small_variants", path, timepoint, date)


def coverage(sid: str, name: str, timepoint: str = "relapse1", date: str = "") -> Row:
    return (sid, "coverage", COVERAGE / name, timepoint, date)


def annotated_small(tmp_path: Path) -> Path:
    """The clean example file whose header declares VEP, SnpEff and bcftools annotations."""
    lines = CLEAN_SMALL.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("##INFO"))
    declared = [
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
        "Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|"
        'BIOTYPE|EXON|INTRON|HGVSc|HGVSp">',
        "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
        "Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | "
        "Transcript_BioType | Rank | HGVS.c | HGVS.p '\">",
        '##INFO=<ID=BCSQ,Number=.,Type=String,Description="Haplotype-aware consequence '
        "annotation from BCFtools. Format: Consequence|gene|transcript|biotype|strand|"
        'amino_acid_change|dna_change">',
    ]
    path = tmp_path / "annotated.vcf"
    path.write_text("\n".join([*lines[:at], *declared, *lines[at:]]) + "\n")
    return path


def bcl2_vcf(tmp_path: Path, panel, short: str, alt_reads: int, depth: int) -> Path:
    """A Mutect2 VCF with one BCL2 exclusion allele (panel coordinates, GRCh38)."""
    h = next(h for h in panel.hotspots if h.gene == "BCL2" and h.short == short)
    locus = h.loci["GRCh38"]
    lines = [
        *MUTECT2_HEADER,
        "##contig=<ID=chr1,length=248956422>",
        "##contig=<ID=chr18,length=80373285>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
        f"chr{locus.chrom}\t{locus.pos}\t.\t{locus.ref}\t{locus.alt}\t50\tPASS\t.\tGT:AD:DP\t"
        f"0/1:{depth - alt_reads},{alt_reads}:{depth}",
    ]
    path = tmp_path / f"bcl2_{short}.vcf"
    path.write_text("\n".join(lines) + "\n")
    return path


def rules_with_a_second_exclusion(tmp_path: Path):
    """The bundled rules plus B-X2: the 'other' alleles of CRLF2 (none) and PDGFRA (E229*)."""
    data = yaml.safe_load(trial_rules_path().read_text(encoding="utf-8"))
    data["exclusions"].append(
        {
            "id": "B-X2",
            "name": "a second exclusion, for testing",
            "match": "hotspot",
            "categories": ["other"],
            "genes": ["PDGFRA", "CRLF2"],
            "source": "curation",
        }
    )
    path = tmp_path / "rules_two_exclusions.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_rules(path)


# ------------------------------------------------------- the codons looked at


def test_exclusion_targets_are_the_codons_of_each_rules_alleles(panel, tmp_path):
    """B-X2 names CRLF2 first (no allele of its category: no target, the rule goes on) and
    PDGFRA, on the plus strand, whose one 'other' allele E229* (c.685, the codon's first
    base) makes a target of exactly codon 229; PDGFRA's activating alleles are not B-X2's."""
    rules = rules_with_a_second_exclusion(tmp_path)
    e229 = next(h for h in panel.hotspots if h.gene == "PDGFRA" and h.short == "E229*")
    first_base = e229.loci["GRCh38"].pos
    bcl2 = exclusion_targets(panel, load_rules(), "GRCh38")[0]
    assert exclusion_targets(panel, rules, "GRCh38") == [
        bcl2,
        Target("PDGFRA codons 229-229 (B-X2)", "4", first_base, first_base + 2),
    ]
    assert (bcl2.label, bcl2.chrom, bcl2.start, bcl2.end) == (
        "BCL2 codons 101-104 (B-X1)",
        "18",
        63318355,
        63318366,
    )


# ------------------------------------------------------- a coverage file as read


def test_a_coverage_file_is_recorded_with_what_it_says_about_each_target(tmp_path):
    path = COVERAGE / "mosdepth_bcl2_indexed.per-base.bed.gz"
    (cov,), _ = classify(tmp_path, [("cov", "coverage", path, "relapse1", "")])
    assert cov.kind == "coverage" and cov.caller == "mosdepth_per_base"
    assert (cov.path, cov.findings) == (str(path), ())
    assert cov.coverage == (
        {
            "label": "BCL2 codons 101-104 (B-X1)",
            "locus": "chr18:63318355-63318366",
            "status": "covered",
            "min_depth": 25.0,
            "required_depth": 20,
            "detail": f"{TARGET}: all 12 bases at depth >= 20 (minimum 25)",
        },
    )
    assert cov.accounting == FileAccounting(
        sample_id="cov",
        path=str(path),
        kind="coverage",
        records_read=cov.accounting.records_read,
        region_query=True,
    )
    assert cov.accounting.records_read > 0
    read = cov.accounting.records_read
    assert f"{read} coverage line(s) read, 2 over the exclusion codons" in cov.notes
    assert (
        "coverage (mosdepth_per_base) over BCL2 codons 101-104 (B-X1): a coverage file "
        "carries no build; GRCh38 coordinates were used"
    ) in cov.notes


def test_a_coverage_file_names_every_exclusion_target(panel, tmp_path):
    rules = rules_with_a_second_exclusion(tmp_path)
    path = COVERAGE / "mosdepth_bcl2_covered.per-base.bed.gz"
    cov = classify_file(
        path, panel, rules, kind="coverage", sample_id="cov", patient_id="X1", min_depth=20
    )
    assert [c["label"] for c in cov.coverage] == [
        "BCL2 codons 101-104 (B-X1)",
        "PDGFRA codons 229-229 (B-X2)",
    ]
    assert (
        "coverage (mosdepth_per_base) over BCL2 codons 101-104 (B-X1), PDGFRA codons 229-229 "
        "(B-X2): a coverage file carries no build; GRCh38 coordinates were used"
    ) in cov.notes


# ------------------------------------------------------- how it was looked for


def test_how_names_every_annotation_and_what_each_coverage_file_showed(rules, tmp_path):
    samples, history = classify(
        tmp_path,
        [
            small("s", path=annotated_small(tmp_path)),
            coverage("cov_low", "mosdepth_bcl2_low_codon101.per-base.bed.gz"),
            coverage("cov_ok", "mosdepth_bcl2_covered.per-base.bed.gz"),
        ],
    )
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.exclusion == ExclusionAssessment(
        ("B-X1",),
        "not_assessable",
        "s: VEP CSQ annotation and SnpEff ANN annotation and bcftools BCSQ annotation; "
        f"coverage: cov_low: {LOW_101}; cov_ok: {COVERED}",
        False,
        f"exclusion (B-X1) not assessable: {LOW_101} [cov_low]",
    )
    assert result.decision == Decision.REVIEW
    assert result.reasons[0] == result.exclusion.blocking


def test_every_small_variant_file_of_the_latest_timepoint_is_named(rules, tmp_path):
    samples, history = classify(tmp_path, [small("a"), small("b", path=annotated_small(tmp_path))])
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.exclusion is not None
    assert result.exclusion.how == (
        f"a: {COORDINATES_ONLY}; b: VEP CSQ annotation and SnpEff ANN annotation and "
        f"bcftools BCSQ annotation; coverage: {NOT_PROVEN}"
    )
    assert (result.exclusion.status, result.decision) == ("not_detected", Decision.CANDIDATE)


def test_every_target_read_too_thinly_is_named(rules, tmp_path):
    samples, history = classify(
        tmp_path,
        [
            small("s"),
            coverage("cov_a", "mosdepth_bcl2_low_codon101.per-base.bed.gz"),
            coverage("cov_b", "mosdepth_bcl2_no_reads_codon104.per-base.bed.gz"),
        ],
    )
    result = decide(IC50, samples, rules, timepoints=history)
    (detail_b,) = [c["detail"] for c in samples[2].coverage]
    assert result.exclusion is not None
    assert result.exclusion.blocking == (
        f"exclusion (B-X1) not assessable: {LOW_101} [cov_a]; {detail_b} [cov_b]"
    )
    assert result.decision == Decision.REVIEW


def test_without_a_history_every_file_is_of_the_one_timepoint(rules, tmp_path):
    """Called without ranks (one timepoint): the small-variant file and the coverage file
    are of the patient's only timepoint, and absence is proven."""
    samples, _ = classify(
        tmp_path,
        [
            small("s", ""),
            coverage("cov", "mosdepth_bcl2_covered.per-base.bed.gz", ""),
            ("sv", "structural_variants", ETV6_ABL1, "", ""),
        ],
    )
    assert assess_exclusion(samples, rules, False, False) == ExclusionAssessment(
        ("B-X1",), "not_detected", f"s: {COORDINATES_ONLY}; coverage: cov: {COVERED}", True, ""
    )
    assert assess_exclusion(samples, rules, False, False).to_dict() == {
        "rules": ["B-X1"],
        "status": "not_detected",
        "how": f"s: {COORDINATES_ONLY}; coverage: cov: {COVERED}",
        "absence_proven": True,
    }
    result = decide(IC50, samples, rules)
    assert result.decision == Decision.CANDIDATE
    assert result.exclusion is not None and result.exclusion.proven


# ------------------------------------------------------- the latest timepoint only


def test_coverage_of_an_earlier_timepoint_does_not_prove_absence_now(rules, tmp_path):
    samples, history = classify(
        tmp_path,
        [
            small("dx_small", "diagnosis"),
            coverage("dx_cov", "mosdepth_bcl2_covered.per-base.bed.gz", "diagnosis"),
            small("r1_small", "relapse1"),
        ],
    )
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.exclusion == ExclusionAssessment(
        ("B-X1",), "not_detected", f"r1_small: {COORDINATES_ONLY}; coverage: {NOT_PROVEN}", False
    )


def test_the_coverage_file_of_the_latest_timepoint_is_the_one_that_counts(rules, tmp_path):
    """Thin coverage at diagnosis, full coverage at relapse: absence is proven now."""
    samples, history = classify(
        tmp_path,
        [
            small("dx_small", "diagnosis"),
            coverage("dx_cov", "mosdepth_bcl2_low_codon101.per-base.bed.gz", "diagnosis"),
            small("r1_small", "relapse1"),
            coverage("r1_cov", "mosdepth_bcl2_covered.per-base.bed.gz", "relapse1"),
        ],
    )
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.exclusion == ExclusionAssessment(
        ("B-X1",),
        "not_detected",
        f"r1_small: {COORDINATES_ONLY}; coverage: r1_cov: {COVERED}",
        True,
    )
    assert result.decision == Decision.CANDIDATE


def test_an_older_small_variant_file_does_not_assess_the_exclusion_now(rules, tmp_path):
    """Two small-variant files of the same day at diagnosis, written 'diagnosis' and
    'initial diagnosis', and a fusion at relapse: the doubt names both and the relapse."""
    samples, history = classify(
        tmp_path,
        [
            small("dx_a", "diagnosis", date="2023-01-05"),
            small("dx_b", "initial diagnosis", date="2023-01-05"),
            ("r1_sv", "structural_variants", ETV6_ABL1, "relapse1", "2024-06-30"),
        ],
    )
    result = decide(IC50, samples, rules, timepoints=history)
    blocking = (
        "exclusion (B-X1) not assessed at relapse1: the small-variant file is from "
        "diagnosis, initial diagnosis, and resistance mutations are acquired"
    )
    assert result.exclusion is not None
    assert (result.exclusion.status, result.exclusion.blocking) == ("not_assessable", blocking)
    assert blocking in result.reasons and result.decision == Decision.REVIEW


def test_an_older_file_without_timepoint_words_is_from_an_earlier_timepoint(rules, tmp_path):
    samples, _ = classify(
        tmp_path,
        [small("dx", ""), ("r1_sv", "structural_variants", ETV6_ABL1, "", "")],
    )
    assessment = assess_exclusion(samples, rules, False, False, rank={"dx": 0, "r1_sv": 1})
    assert assessment.blocking == (
        "exclusion (B-X1) not assessed at the latest timepoint: the small-variant file is "
        "from an earlier timepoint, and resistance mutations are acquired"
    )


def test_the_blocking_words_name_every_exclusion_rule(tmp_path):
    rules = rules_with_a_second_exclusion(tmp_path)
    samples, _ = classify(
        tmp_path,
        [
            small("dx", "diagnosis"),
            coverage("cov", "mosdepth_bcl2_low_codon101.per-base.bed.gz", "diagnosis"),
            ("r1_sv", "structural_variants", ETV6_ABL1, "relapse1", ""),
        ],
    )
    stale = assess_exclusion(
        samples,
        rules,
        False,
        False,
        rank={"dx": 0, "cov": 0, "r1_sv": 1},
        words={"dx": "diagnosis", "cov": "diagnosis", "r1_sv": "relapse1"},
    )
    assert stale.rule_ids == ("B-X1", "B-X2")
    assert stale.blocking == (
        "exclusion (B-X1, B-X2) not assessed at relapse1: the small-variant file is from "
        "diagnosis, and resistance mutations are acquired"
    )
    short = assess_exclusion(samples[:2], rules, False, False)
    assert short.blocking == f"exclusion (B-X1, B-X2) not assessable: {LOW_101} [cov]"


# ------------------------------------------------------- found, or possibly found


def test_a_bcl2_allele_with_too_little_support_is_a_possible_exclusion(panel, rules, tmp_path):
    samples, history = classify(
        tmp_path, [small("s", path=bcl2_vcf(tmp_path, panel, "G101V", 3, 12))]
    )
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.exclusion is not None
    assert (result.exclusion.status, result.exclusion.blocking) == ("possibly_detected", "")
    assert result.exclusion.to_dict()["status"] == "possibly_detected"
    assert result.decision == Decision.REVIEW
    assert any(r.startswith("exclusion finding with QC caveat") for r in result.reasons)


def test_a_bcl2_allele_found_is_detected(panel, rules, tmp_path):
    samples, history = classify(
        tmp_path, [small("s", path=bcl2_vcf(tmp_path, panel, "G101V", 30, 90))]
    )
    result = decide(IC50, samples, rules, timepoints=history)
    assert result.exclusion is not None
    assert (result.exclusion.status, result.exclusion.blocking) == ("detected", "")
    assert result.decision == Decision.NOT_CANDIDATE


def test_a_target_is_a_1_based_inclusive_span():
    """A target of one base is allowed; none starts before base 1 or ends before it starts,
    and the message names the target and the span."""
    assert Target("BCL2 codon 101", "18", 1, 1).length == 1
    assert Target("BCL2 codons 101-104", "18", 63318355, 63318366).length == 12
    for start, end in ((0, 5), (7, 6)):
        with pytest.raises(ValueError) as caught:
            Target("BCL2 codon 101", "18", start, end)
        assert str(caught.value) == (
            f"target BCL2 codon 101: {start}-{end} is not a 1-based inclusive span"
        )
