"""RNA fusion calls (Arriba, STAR-Fusion) judged by the same junction rules as DNA."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import classify_file

from mapk_filter.errors import InputError
from mapk_filter.models import Status
from mapk_filter.readers.rna_fusions import read_rna_fusions

DATA = Path(__file__).resolve().parent / "data"


def classify(panel, rules, name: str):
    return classify_file(DATA / name, panel, rules, kind="rna_fusions")


def test_arriba_junction_on_abl1_exon_2_keeps_it_and_exon_3_does_not(panel, rules):
    result = classify(panel, rules, "rna_arriba_etv6_abl1.tsv")
    assert result.caller == "arriba" and result.accounting.reconciles
    listed, past, weak = result.findings
    assert (listed.partner_genes, listed.status, listed.rule_id) == (
        ("ETV6", "ABL1"),
        Status.QUALIFYING,
        "B-L1",
    )
    assert listed.kinase_domain_retained == "yes" and listed.supporting_reads == 27
    assert "(ABL1 exon 2 (first base))" in " ".join(listed.breakpoints)
    assert "ABL1 breakpoint in exon 2 (first base) (keeps all of exon 2)" in listed.classification
    # ABL1 from exon 3 on: the kinase is kept but exon 2 is not, not what B-L1 lists: review,
    # naming the rule the board has to weigh
    assert (past.status, past.rule_id, past.reason) == (
        Status.REVIEW,
        "B-L1",
        "kinase_retained_breakpoint_after_listed_exon",
    )
    assert "exon 2 not retained" in past.caveats
    assert (weak.status, weak.would_be) == (Status.FILTERED, Status.QUALIFYING)
    assert weak.reason == "filtered:caller_filter"  # the caller's verdict first, then reads
    assert weak.caveats[:2] == (
        "filtered by the caller (Arriba_confidence_low)",
        "few supporting reads (2 < 5)",
    )


def test_star_fusion_ebf1_pdgfrb_on_exon_11(panel, rules):
    result = classify(panel, rules, "rna_starfusion_ebf1_pdgfrb.tsv")
    (finding,) = result.findings
    assert result.caller == "star-fusion"
    assert (finding.partner_genes, finding.status, finding.rule_id) == (
        ("EBF1", "PDGFRB"),
        Status.QUALIFYING,
        "B-L3",
    )
    assert finding.supporting_reads == 29


def test_unknown_tsv_and_bad_rows_are_input_errors(tmp_path):
    other = tmp_path / "other.tsv"
    other.write_text("a\tb\n1\t2\n")
    with pytest.raises(
        InputError,
        match=r"other.tsv \(record 1\): header is not Arriba, STAR-Fusion or FusionCatcher",
    ):
        read_rna_fusions(other, "GRCh38")
    lines = (DATA / "rna_starfusion_ebf1_pdgfrb.tsv").read_text().splitlines()
    bad = tmp_path / "bad.tsv"
    bad.write_text(lines[0] + "\n" + lines[1].replace("\t18\t11\t", "\tmany\t11\t", 1) + "\n")
    with pytest.raises(InputError, match=r"bad.tsv \(record 2\): column JunctionReadCount"):
        read_rna_fusions(bad, "GRCh38")


def test_arriba_direction_columns_decide_the_join_when_the_strand_is_unknown(
    panel, rules, tmp_path
):
    lines = (DATA / "rna_arriba_etv6_abl1.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    row = lines[1].split("\t")
    strand = header.index("strand1(gene/fusion)")
    row[strand], row[strand + 1] = "+/.", "+/."  # Arriba could not tell the strand
    path = tmp_path / "arriba_unknown_strand.tsv"
    path.write_text("\t".join(header) + "\n" + "\t".join(row) + "\n")
    result = classify_file(path, panel, rules, kind="rna_fusions")
    (finding,) = result.findings
    assert (finding.partner_genes, finding.rule_id) == (("ETV6", "ABL1"), "B-L1")
    # swapped directions describe the reciprocal join: no longer the listed fusion, but a
    # doubt about it (the forward junction may have been missed)
    d1 = header.index("direction1")
    row[d1], row[d1 + 1] = "upstream", "downstream"
    path.write_text("\t".join(header) + "\n" + "\t".join(row) + "\n")
    result = classify_file(path, panel, rules, kind="rna_fusions")
    (finding,) = result.findings
    assert (finding.partner_genes, finding.status, finding.reason) == (
        ("ABL1", "ETV6"),
        Status.REVIEW,
        "reciprocal_junction",
    )


def test_truncated_row_is_an_input_error_naming_the_line(tmp_path):
    lines = (DATA / "rna_starfusion_ebf1_pdgfrb.tsv").read_text().splitlines()
    path = tmp_path / "truncated.tsv"
    path.write_text(lines[0] + "\n" + "\t".join(lines[1].split("\t")[:4]) + "\n")
    with pytest.raises(InputError, match=r"truncated.tsv \(record 2\): 4 columns where the header"):
        read_rna_fusions(path, "GRCh38")
