"""One biological patient, written by every supported caller, build, prefix and annotation.

Every file in tests/data/callers/ (made by scripts/make_caller_fixtures.py) holds KRAS
p.Gly12Asp with 30 of 100 reads, a non-hotspot record in ABL1 and two records outside the
panel. Whatever wrote the file, the findings and the decision must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ELIGIBLE as PATIENT
from helpers import classified

from mapk_filter.decide import decide
from mapk_filter.errors import InputError
from mapk_filter.models import Decision, Status
from mapk_filter.readers.small import read_small_variants

CALLERS = Path(__file__).resolve().parent / "data" / "callers"
FILES = sorted(CALLERS.glob("*.vcf"))


def test_the_matrix_covers_every_caller_both_builds_and_all_annotations():
    names = [f.stem.split("_") for f in FILES]
    assert {n[0] for n in names} == {
        "mutect2",
        "strelka2",
        "vardict",
        "freebayes",
        "dragen",
        "haplotypecaller",
    }
    assert {n[1] for n in names} == {"grch37", "grch38"}
    assert {n[2] for n in names} == {"chr", "nochr"}
    assert {n[3] for n in names} == {"raw", "vep", "snpeff"}


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_same_patient_same_findings_and_decision(path, panel, rules):
    caller, build_name, _, annotation = path.stem.split("_")
    build = "GRCh38" if build_name == "grch38" else "GRCh37"
    scan = read_small_variants(path, panel, build)
    assert scan.facts.caller == caller
    result = classified(scan, panel, rules, patient_id="X1")
    assert result.accounting.reconciles
    assert (result.accounting.alleles, result.accounting.outside_panel) == (4, 2)
    (kras,) = [f for f in result.findings if f.gene == "KRAS"]
    assert (kras.hgvs_p, kras.status, kras.reason, kras.rule_id, kras.routes) == (
        "p.Gly12Asp",
        Status.REVIEW,
        "hotspot",
        "B-R1",
        ("D",),
    )
    assert (kras.alt_reads, kras.depth) == (30, 100)
    assert kras.vaf == pytest.approx(0.30)
    (abl1,) = [f for f in result.findings if f.gene == "ABL1"]
    assert abl1.status == Status.VUS
    decision = decide(PATIENT, (result,), rules)
    assert decision.decision == Decision.REVIEW
    assert [(f.gene, f.hgvs_p, f.rule_id) for f in decision.decisive_findings] == [
        ("KRAS", "p.Gly12Asp", "B-R1")
    ]
    assert decision.other_subprotocols[0]["subprotocol"] == "D"
    unannotated_note = any("no consequence annotation" in n for n in result.notes)
    assert unannotated_note is (annotation == "raw")


def test_caller_named_in_the_sheet_overrides_the_header(panel):
    path = CALLERS / "dragen_grch38_chr_raw.vcf"
    assert read_small_variants(path, panel, "GRCh38").facts.caller == "dragen"
    assert read_small_variants(path, panel, "GRCh38", caller="generic").facts.caller == "generic"
    with pytest.raises(InputError, match="unknown caller 'gatk3'"):
        read_small_variants(path, panel, "GRCh38", caller="gatk3")


def test_build_comes_from_the_header_when_the_sheet_names_none(panel):
    path = CALLERS / "mutect2_grch37_nochr_raw.vcf"
    scan = read_small_variants(path, panel, "GRCh38", build_from_header=True)
    assert scan.build == "GRCh37"
    assert any("GRCh37 taken from the header" in n for n in scan.notes)
    with pytest.raises(InputError, match="declares GRCh38 but the header contig lengths are"):
        read_small_variants(path, panel, "GRCh38")  # the sheet's build is checked, not replaced
