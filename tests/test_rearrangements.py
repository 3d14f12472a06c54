"""Fusion principles on named fixtures (tests/data/rearrangements, README there).

Each test is one principle of SPEC section 2: a fusion needs two genes; a junction that
cannot make the listed product goes to review, never away; a partner joined 5' of a kinase
is that kinase's rearrangement; RNA callers' frame verdicts are kept; sites-only files are
read; routing to sub-protocols C and D names the gene and the alteration.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ELIGIBLE, classify_file, clean_small_variants

from mapk_filter.context import Context
from mapk_filter.decide import decide
from mapk_filter.errors import InputError
from mapk_filter.genome_genes import load_genome_genes
from mapk_filter.interpret.structural import interpret_junction
from mapk_filter.models import Decision, Status
from mapk_filter.readers.structural import (
    DOWNSTREAM,
    UPSTREAM,
    Junction,
    read_structural_variants,
)

DATA = Path(__file__).resolve().parent / "data" / "rearrangements"


def classify(name: str | Path, panel, rules, kind: str = "structural_variants", **sheet):
    """A fixture (by name) or a written file (by path), as the workflow classifies it."""
    path = name if isinstance(name, Path) else DATA / name
    two_samples = kind == "structural_variants" and "\tNORMAL_S\tTUMOR_S" in path.read_text()
    result = classify_file(
        path,
        panel,
        rules,
        sample_id="s",
        patient_id="p",
        sha256="",
        tumor_name="TUMOR_S" if two_samples else None,
        kind=kind,
        **sheet,
    )
    assert result.accounting.reconciles
    return result


def only(name: str, panel, rules, kind: str = "structural_variants"):
    (finding,) = classify(name, panel, rules, kind).findings
    return finding


# ----------------------------------------------------------------- 1. two genes


@pytest.mark.parametrize(
    "name, gene",
    [
        ("sv_manta_abl1_intron1_deletion_300bp.vcf", "ABL1"),
        ("sv_manta_pdgfrb_intron10_deletion.vcf", "PDGFRB"),
    ],
)
def test_small_intronic_deletion_inside_a_listed_kinase_is_a_vus_not_a_fusion(
    name, gene, panel, rules
):
    finding = only(name, panel, rules)
    assert (finding.status, finding.rule_id, finding.reason) == (
        Status.VUS,
        None,
        "intragenic_event",
    )
    assert finding.alteration_type == "intragenic_deletion"
    assert f"intragenic deletion of {gene}" in finding.classification
    assert "not a fusion; intronic" in finding.classification


def test_intragenic_duplication_of_kinase_exons_is_review_with_that_said(panel, rules):
    finding = only("sv_manta_abl1_kinase_exons_duplication.vcf", panel, rules)
    assert (finding.status, finding.rule_id, finding.reason) == (
        Status.REVIEW,
        "B-R13",
        "intragenic_kinase_exons",
    )
    assert "it touches kinase-domain exons 4-6 (kinase domain: exons 4-9)" in (
        finding.classification
    )
    assert finding.kinase_domain_retained == "unknown"


@pytest.mark.parametrize("gene", ["ABL1", "PDGFRB"])
@pytest.mark.parametrize(
    "kept", [(UPSTREAM, DOWNSTREAM), (DOWNSTREAM, UPSTREAM), (UPSTREAM, UPSTREAM)]
)
def test_no_junction_with_both_ends_in_one_gene_is_ever_listed(gene, kept, panel, rules):
    """Every join geometry (deletion, duplication, inversion) inside the listed gene."""
    start, end = panel.genes[gene].spans["GRCh38"]
    chrom = panel.genes[gene].chrom
    a, b = start + 1000, end - 1000
    junction = Junction(chrom, a, kept[0], chrom, b, kept[1], "BND", ("x",), (1,), 40, ("PASS",))
    finding = interpret_junction(
        junction, Context(panel, rules, "GRCh38", genome_genes=load_genome_genes())
    )
    assert finding is not None
    assert finding.status != Status.QUALIFYING and finding.rule_id not in ("B-L1", "B-L3")
    assert finding.alteration_type.startswith("intragenic_")


# ----------------------------------------------------------------- 2. cannot make it


def test_inversion_between_the_right_introns_is_review_not_vus(panel, rules):
    finding = only("sv_manta_ebf1_pdgfrb_inversion.vcf", panel, rules)
    assert (finding.status, finding.rule_id, finding.reason) == (
        Status.REVIEW,
        "B-L3",
        "orientation_cannot_make_fusion",
    )
    assert "cannot make EBF1::PDGFRB" in finding.classification
    assert "confirm by RNA or FISH" in finding.classification


def test_listed_partner_joined_upstream_of_abl1_is_a_possible_abl1_rearrangement(panel, rules):
    result = classify("sv_manta_bcr_upstream_abl1.vcf", panel, rules)
    (finding,) = result.findings
    assert (finding.gene, finding.partner_genes) == ("ABL1", ("BCR", "ABL1"))
    assert (finding.status, finding.rule_id, finding.reason) == (
        Status.REVIEW,
        "B-L1",
        "partner_upstream_of_gene",
    )
    assert "3.0 kb 5' of ABL1" in finding.breakpoints[1]
    assert result.accounting.outside_panel == 0  # never dropped as intergenic


def test_breakend_beyond_the_rearrangement_window_is_not_attributed(panel, rules):
    """The window (rules: rearrangement_window_bp) bounds the principle: inside it the
    breakend is ABL1's; one base beyond it, the junction is only BCR's, not listed."""
    genes = load_genome_genes()
    start = panel.genes["ABL1"].spans["GRCh38"][0]
    bcr = panel.genes["BCR"].spans["GRCh38"][0] + 10_000
    found = {}
    for distance in (rules.rearrangement_window_bp, rules.rearrangement_window_bp + 1):
        junction = Junction(
            "22", bcr, UPSTREAM, "9", start - distance, DOWNSTREAM, "BND", (), (1,), 30, ()
        )
        finding = interpret_junction(junction, Context(panel, rules, "GRCh38", genome_genes=genes))
        assert finding is not None
        found[distance] = (finding.gene, finding.status)
    assert found == {
        rules.rearrangement_window_bp: ("ABL1", Status.REVIEW),
        rules.rearrangement_window_bp + 1: ("BCR", Status.VUS),
    }


def test_reciprocal_junction_alone_is_review_and_with_its_forward_mate_is_not(panel, rules):
    """ABL1::ETV6 alone may mean a missed ETV6::ABL1; with the forward junction it does not."""
    genes = load_genome_genes()
    abl1_i1 = next(e for e in panel.exons if e.gene == "ABL1" and e.number == 1)
    etv6_i5 = next(e for e in panel.exons if e.gene == "ETV6" and e.number == 5)
    a, e = abl1_i1.spans["GRCh38"][1] + 5000, etv6_i5.spans["GRCh38"][1] + 2000
    reciprocal = Junction("9", a, UPSTREAM, "12", e, DOWNSTREAM, "BND", (), (1,), 30, ())
    finding = interpret_junction(reciprocal, Context(panel, rules, "GRCh38", genome_genes=genes))
    assert finding is not None
    assert (finding.status, finding.reason, finding.rule_id) == (
        Status.REVIEW,
        "reciprocal_junction",
        "B-L1",
    )
    assert "forward junction ETV6::ABL1 not seen: confirm by RNA or FISH" in (
        finding.classification
    )


# ----------------------------------------------------------------- 3. RNA verdicts


@pytest.mark.parametrize(
    "name, listed_rule",
    [
        ("rna_arriba_etv6_abl1_frames.tsv", "B-L1"),
        ("rna_starfusion_ebf1_pdgfrb_coding_effect.tsv", "B-L3"),
        ("rna_fusioncatcher_nup214_abl1.txt", "B-L1"),
    ],
)
def test_out_of_frame_listed_fusion_is_review_with_the_frame_named(name, listed_rule, panel, rules):
    findings = classify(name, panel, rules, "rna_fusions").findings
    in_frame, *others = findings
    assert (in_frame.status, in_frame.rule_id) == (Status.QUALIFYING, listed_rule)
    assert in_frame.classification.endswith("reading frame in-frame")
    assert in_frame.frame == "in-frame"  # the report's Evidence column shows it
    assert others and all(f.frame not in ("", "in-frame") for f in others)
    for finding in others:
        assert (finding.status, finding.reason, finding.rule_id) == (
            Status.REVIEW,
            "out_of_frame_fusion",
            listed_rule,
        )
        frame = finding.caveats[0].removeprefix("reading frame ")
        assert frame in ("out-of-frame", "stop-codon")
        assert f"reading frame {frame} (the RNA caller's verdict)" in finding.classification


def test_fusioncatcher_reads_spanning_pairs_and_unique_reads(panel, rules):
    result = classify("rna_fusioncatcher_nup214_abl1.txt", panel, rules, "rna_fusions")
    assert result.caller == "fusioncatcher"
    assert [f.supporting_reads for f in result.findings] == [23, 20]
    assert result.findings[0].partner_genes == ("NUP214", "ABL1")


# ----------------------------------------------------------------- 4. sites-only VCFs


def test_sites_only_vcf_reads_support_from_info(panel, rules):
    result = classify("sv_sites_only_fip1l1_pdgfra.vcf", panel, rules)
    (finding,) = result.findings
    assert (finding.partner_genes, finding.status, finding.rule_id) == (
        ("FIP1L1", "PDGFRA"),
        Status.REVIEW,
        "B-R10",
    )
    assert finding.supporting_reads == 21  # SR 12 + SP 9
    assert result.tumor_sample == ""
    assert any(n.startswith("sites-only VCF (no sample columns)") for n in result.notes)


def test_sites_only_vcf_without_support_is_never_a_clean_listed_fusion(panel, rules):
    finding = only("sv_sites_only_etv6_abl1_no_support.vcf", panel, rules)
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:no_read_support",
    )


# ----------------------------------------------------------------- 7. routing


def test_p2ry8_crlf2_par1_deletion_names_sub_protocol_c(panel, rules):
    result = classify("sv_manta_p2ry8_crlf2_deletion.vcf", panel, rules)
    (finding,) = result.findings  # was: no finding at all (both ends outside the panel)
    assert finding.partner_genes == ("P2RY8", "CRLF2")
    assert (finding.status, finding.routes) == (Status.VUS, ("C",))
    assert finding.label == "P2RY8::CRLF2 fusion"


def test_igh_crlf2_names_igh_and_sub_protocol_c(panel, rules):
    finding = only("sv_delly_igh_crlf2.vcf", panel, rules)
    assert set(finding.partner_genes) == {"IGH", "CRLF2"}
    assert finding.routes == ("C",)


def test_pax5_jak2_keeping_the_jak2_kinase_names_c(panel, rules):
    finding = only("sv_manta_pax5_jak2.vcf", panel, rules)
    assert (finding.partner_genes, finding.routes, finding.kinase_domain_retained) == (
        ("PAX5", "JAK2"),
        ("C",),
        "yes",
    )
    assert finding.status == Status.VUS  # C, not B


def test_braf_fusion_keeping_the_kinase_is_b_review_and_names_d(panel, rules):
    finding = only("sv_manta_kiaa1549_braf_duplication.vcf", panel, rules)
    assert (finding.partner_genes, finding.status, finding.rule_id, finding.routes) == (
        ("KIAA1549", "BRAF"),
        Status.REVIEW,
        "B-R11",
        ("D",),
    )


def test_nf1_deletions_from_an_sv_file_are_review_and_name_d(panel, rules):
    intragenic, whole = classify("sv_manta_nf1_deletions.vcf", panel, rules).findings
    for finding in (intragenic, whole):
        assert (finding.status, finding.rule_id, finding.routes) == (
            Status.REVIEW,
            "B-R12",
            ("D",),
        )
    assert "removing MANE exon(s) 2-10 of 58" in intragenic.classification
    assert "removing MANE exon(s) 1-58 of 58" in whole.classification


# ----------------------------------------------------------------- several per file


def decided(panel, rules, *results):
    return decide(ELIGIBLE, (*results, clean_small_variants(panel, rules)), rules)


def test_balanced_translocation_with_the_reciprocal_listed_first_is_a_candidate(panel, rules):
    """Both junctions share the gene pair; neither may stand for the other."""
    result = classify("sv_manta_bcr_abl1_balanced_reciprocal_first.vcf", panel, rules)
    forward, reciprocal = sorted(result.findings, key=lambda f: f.partner_genes != ("BCR", "ABL1"))
    assert (forward.partner_genes, forward.status, forward.rule_id) == (
        ("BCR", "ABL1"),
        Status.QUALIFYING,
        "B-L1",
    )
    assert (reciprocal.status, reciprocal.reason) == (Status.VUS, "reciprocal_junction")
    assert "its forward junction BCR::ABL1 is reported from this file" in (
        reciprocal.classification
    )
    assert decided(panel, rules, result).decision == Decision.CANDIDATE


def test_a_filtered_reciprocal_is_answered_by_its_forward_junction_too(panel, rules, tmp_path):
    """QC filtering the reciprocal (ABL1::BCR) must not leave it saying the forward junction
    was not seen when the same file reports BCR::ABL1."""
    text = (DATA / "sv_manta_bcr_abl1_balanced_reciprocal_first.vcf").read_text()
    lines = [
        line.replace("\tPASS\t", "\tMinSomaticScore\t") if "MantaBND:30:" in line else line
        for line in text.splitlines()
    ]
    path = tmp_path / "sv_manta_bcr_abl1_reciprocal_filtered.vcf"
    path.write_text("\n".join(lines) + "\n")
    result = classify(path, panel, rules)
    forward, reciprocal = sorted(result.findings, key=lambda f: f.partner_genes != ("BCR", "ABL1"))
    assert (forward.status, forward.rule_id) == (Status.QUALIFYING, "B-L1")
    assert (reciprocal.status, reciprocal.would_be, reciprocal.rule_id) == (
        Status.FILTERED,
        Status.VUS,
        None,
    )
    assert "not seen" not in reciprocal.classification
    assert "its forward junction BCR::ABL1 is reported from this file" in (
        reciprocal.classification
    )
    assert decided(panel, rules, result).decision == Decision.CANDIDATE


def test_a_vcf_saying_svtype_rna_is_still_judged_as_a_dna_breakpoint(panel, rules, tmp_path):
    """Whether a junction is RNA (exon boundaries) is known from the reader, never from the
    file: a DNA break on the first base of ABL1 exon 2 cuts its splice acceptor, whatever
    SVTYPE says, so it is never a clean B-L1."""
    (e2,) = [e for e in panel.exons if e.gene == "ABL1" and e.number == 2]
    first_base = e2.spans["GRCh38"][0]  # + strand: exon 2 starts here
    text = (DATA.parent / "sv_manta_etv6_abl1.vcf").read_text()
    assert "chr9\t130840525\t" in text and "chr9:130840525" in text
    text = text.replace("chr9\t130840525\t", f"chr9\t{first_base}\t").replace(
        "chr9:130840525", f"chr9:{first_base}"
    )
    statuses = {}
    for svtype in ("BND", "RNA"):
        path = tmp_path / f"sv_svtype_{svtype.lower()}_etv6_abl1_exon2_first_base.vcf"
        path.write_text(text.replace("SVTYPE=BND", f"SVTYPE={svtype}"))
        statuses[svtype] = [(f.status, f.reason) for f in classify(path, panel, rules).findings]
    assert statuses["RNA"] == statuses["BND"]
    assert statuses["BND"] and all(s != Status.QUALIFYING for s, _ in statuses["BND"])


def test_a_5_prime_side_beyond_a_genes_5_prime_end_is_not_that_gene(panel, rules):
    """An intergenic breakend 5 kb 5' of CRLF2 (- strand) whose joined side points away from
    CRLF2 holds no part of it: joined to ABL1 intron 1 it is not a CRLF2::ABL1 fusion and
    never a clean B-L1, but a review: the 5' partner contributes no exon."""
    from mapk_filter.context import Context
    from mapk_filter.interpret.structural import interpret_junction
    from mapk_filter.readers.structural import DOWNSTREAM, Junction

    _, end = panel.genes["CRLF2"].spans["GRCh38"]
    assert panel.genes["CRLF2"].strand == "-"
    flank = end + 5000  # 5' of a minus-strand gene; DOWNSTREAM keeps higher positions only
    (intron1,) = [e for e in panel.exons if e.gene == "ABL1" and e.number == 2]
    abl1 = intron1.spans["GRCh38"][0] - 1000  # intron 1, keeping exon 2 onwards
    junction = Junction(
        "X", flank, DOWNSTREAM, "9", abl1, DOWNSTREAM, "BND", ("r1",), (1,), 40, ("PASS",)
    )
    finding = interpret_junction(
        junction, Context(panel, rules, "GRCh38", genome_genes=load_genome_genes())
    )
    assert finding.status == Status.REVIEW, finding.classification
    assert finding.reason == "partner_contributes_no_exon"
    assert (
        "the breakpoint lies 5.0 kb 5' of CRLF2 and the side joined is the sequence further "
        "5': CRLF2 contributes no exon, so no CRLF2 fusion protein can be made from this "
        "junction as called"
    ) in finding.classification


def test_a_5_prime_partner_outside_the_panel_is_a_partner_like_any_gene(panel, rules):
    """ZMIZ1 (not a panel gene; + strand) cut mid-gene and joined to ABL1 intron 1: the
    panel need not know the 5' partner for a listed ZMIZ1::ABL1 fusion."""
    from mapk_filter.context import Context
    from mapk_filter.interpret.structural import interpret_junction
    from mapk_filter.readers.structural import DOWNSTREAM, UPSTREAM, Junction

    genes = load_genome_genes()
    assert "ZMIZ1" not in panel.genes
    ((zmiz1_start, zmiz1_end),) = [g.spans["GRCh38"] for g in genes.by_symbol("ZMIZ1")]
    (e2,) = [e.spans["GRCh38"] for e in panel.exons if e.gene == "ABL1" and e.number == 2]
    junction = Junction(
        "10",
        (zmiz1_start + zmiz1_end) // 2,
        UPSTREAM,
        "9",
        e2[0] - 1000,
        DOWNSTREAM,
        "BND",
        ("r1",),
        (1,),
        40,
        ("PASS",),
    )
    finding = interpret_junction(junction, Context(panel, rules, "GRCh38", genome_genes=genes))
    assert (finding.status, finding.rule_id, finding.partner_genes) == (
        Status.QUALIFYING,
        "B-L1",
        ("ZMIZ1", "ABL1"),
    )


def test_a_par1_gene_joined_across_x_and_y_is_a_rearrangement_not_intragenic(panel, rules):
    """CRLF2 lies in PAR1 on both X and Y: a junction from its X copy to its Y copy is
    between two loci, so a CRLF2 rearrangement (sub-protocol C), not an intragenic deletion
    whose span would mix two chromosomes."""
    from mapk_filter.context import Context
    from mapk_filter.interpret.structural import interpret_junction
    from mapk_filter.readers.structural import DOWNSTREAM, UPSTREAM, Junction

    genes = load_genome_genes()
    start, end = panel.genes["CRLF2"].spans["GRCh38"]
    assert {g.chrom for g in genes.genes_at("GRCh38", "Y", start + 10)} == {"Y"}
    junction = Junction(
        "X", start + 10, UPSTREAM, "Y", end - 10, DOWNSTREAM, "BND", ("r1",), (1,), 40, ("PASS",)
    )
    finding = interpret_junction(junction, Context(panel, rules, "GRCh38", genome_genes=genes))
    assert not finding.alteration_type.startswith("intragenic")
    assert finding.routes == ("C",)
    assert "a CRLF2 rearrangement is an entry criterion of sub-protocol C" in (
        finding.classification
    )


def test_a_reading_that_names_a_route_is_not_hidden_behind_one_that_names_nothing(panel, rules):
    """ETV6's 3' part joined to JAK2 intron 18 upstream: read from ETV6 no rule matches; read
    from JAK2 it is the reciprocal of ETV6::JAK2 (sub-protocol C). The finding is the JAK2
    reading, so the route reaches the report instead of sitting in a caveat."""
    from mapk_filter.context import Context
    from mapk_filter.interpret.structural import interpret_junction
    from mapk_filter.readers.structural import DOWNSTREAM, UPSTREAM, Junction

    (e18,) = [e.spans["GRCh38"] for e in panel.exons if e.gene == "JAK2" and e.number == 18]
    (e19,) = [e.spans["GRCh38"] for e in panel.exons if e.gene == "JAK2" and e.number == 19]
    (etv6_e2,) = [e.spans["GRCh38"] for e in panel.exons if e.gene == "ETV6" and e.number == 2]
    (etv6_e3,) = [e.spans["GRCh38"] for e in panel.exons if e.gene == "ETV6" and e.number == 3]
    intron18 = (e18[1] + e19[0]) // 2
    etv6_intron2 = (etv6_e2[1] + etv6_e3[0]) // 2
    junction = Junction(
        "12",
        etv6_intron2,
        DOWNSTREAM,
        "9",
        intron18,
        UPSTREAM,
        "BND",
        ("r1",),
        (1,),
        40,
        ("PASS",),
    )
    finding = interpret_junction(
        junction, Context(panel, rules, "GRCh38", genome_genes=load_genome_genes())
    )
    assert (finding.gene, finding.reason, finding.routes) == ("JAK2", "reciprocal_junction", ("C",))
    assert "forward junction ETV6::JAK2 not seen" in finding.classification


def test_two_rna_junctions_of_one_fusion_are_both_judged(panel, rules):
    result = classify("rna_arriba_etv6_abl1_two_junctions.tsv", panel, rules, "rna_fusions")
    lost, listed = result.findings
    assert (lost.status, listed.status) == (Status.VUS, Status.QUALIFYING)
    assert decided(panel, rules, result).decision == Decision.CANDIDATE


def test_a_kinase_lost_junction_does_not_answer_a_reciprocal_doubt(panel, rules):
    findings = classify(
        "sv_manta_abl1_reciprocal_and_kinase_lost_forward.vcf", panel, rules
    ).findings
    reciprocal = next(f for f in findings if f.reason == "reciprocal_junction")
    lost = next(f for f in findings if f.reason == "kinase_domain_not_retained")
    assert lost.partner_genes == ("ETV6", "ABL1")
    assert (reciprocal.status, reciprocal.rule_id) == (Status.REVIEW, "B-L1")


def test_dna_and_rna_of_one_timepoint_do_not_depend_on_sheet_order(panel, rules):
    dna = classify("sv_manta_abl1_reciprocal_and_kinase_lost_forward.vcf", panel, rules)
    rna = replace(
        classify("rna_arriba_etv6_abl1_two_junctions.tsv", panel, rules, "rna_fusions"),
        sample_id="rna",
    )
    small = clean_small_variants(panel, rules)
    one = decide(ELIGIBLE, (dna, rna, small), rules)
    two = decide(ELIGIBLE, (rna, small, dna), rules)
    assert one.decision == two.decision == Decision.CANDIDATE
    assert sorted(one.reasons) == sorted(two.reasons)


# ----------------------------------------------------------------- junction details


def _junction(a, b, svtype="BND", reads=30, cipos_a=(0, 0), cipos_b=(0, 0)):
    return Junction(
        a[0],
        a[1],
        a[2],
        b[0],
        b[1],
        b[2],
        svtype,
        ("x",),
        (1,),
        reads,
        ("PASS",),
        cipos_a=cipos_a,
        cipos_b=cipos_b,
    )


def _exon(panel, gene, number):
    return next(e for e in panel.exons if e.gene == gene and e.number == number).spans["GRCh38"]


def judged(panel, rules, junction):
    finding = interpret_junction(
        junction, Context(panel, rules, "GRCh38", genome_genes=load_genome_genes())
    )
    assert finding is not None
    return finding


def test_deletion_from_the_5_prime_flank_into_abl1_intron_1_is_not_intragenic(panel, rules):
    start = panel.genes["ABL1"].spans["GRCh38"][0]
    intron1 = _exon(panel, "ABL1", 1)[1] + 5000
    finding = judged(
        panel, rules, _junction(("9", start - 50_000, UPSTREAM), ("9", intron1, DOWNSTREAM), "DEL")
    )
    assert (finding.status, finding.reason, finding.rule_id) == (
        Status.REVIEW,
        "partner_not_a_gene",
        "B-L1",
    )


def test_partner_side_confidence_interval_that_leaves_the_partner_is_a_caveat(panel, rules):
    """ETV6 breakend 200 bp into ETV6 with CIPOS +-1000: the break may be 5' of ETV6."""
    etv6_start = panel.genes["ETV6"].spans["GRCh38"][0]
    abl1 = _exon(panel, "ABL1", 1)[1] + 5000
    finding = judged(
        panel,
        rules,
        _junction(
            ("12", etv6_start + 200, UPSTREAM), ("9", abl1, DOWNSTREAM), cipos_a=(-1000, 1000)
        ),
    )
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:imprecise_breakpoint",
    )
    assert "CIPOS -1000,1000 at chr12:" in finding.caveats[0]


def test_5_prime_partner_breaking_in_its_last_exon_is_not_listed(panel, rules):
    last = max(e.number for e in panel.exons if e.gene == "ETV6")
    _, high = _exon(panel, "ETV6", last)
    abl1 = _exon(panel, "ABL1", 1)[1] + 5000
    finding = judged(panel, rules, _junction(("12", high - 200, UPSTREAM), ("9", abl1, DOWNSTREAM)))
    assert (finding.status, finding.reason, finding.rule_id) == (
        Status.REVIEW,
        "partner_contributes_no_exon",
        "B-L1",
    )


def test_flt3_tandem_duplication_from_an_sv_caller_is_a_possible_itd(panel, rules):
    low, _ = _exon(panel, "FLT3", 14)
    finding = judged(
        panel,
        rules,
        _junction(("13", low + 10, DOWNSTREAM), ("13", low + 69, UPSTREAM), "DUP"),
    )
    assert (finding.status, finding.rule_id, finding.routes) == (Status.REVIEW, "B-R6", ("D",))
    assert "tandem duplication of 60 bp (in frame) in FLT3 exon 14" in finding.classification


def test_pdgfrb_to_csf1r_deletion_reads_as_the_csf1r_kinase_fusion(panel, rules):
    """Both ends are kinases: the forward CSF1R reading is named first, PDGFRB's doubt too."""
    csf1r = _exon(panel, "CSF1R", 9)[0] - 300  # minus strand: intron 9, before kinase exon 11
    pdgfrb = _exon(panel, "PDGFRB", 10)[0] - 500  # intron 10
    finding = judged(
        panel, rules, _junction(("5", csf1r, UPSTREAM), ("5", pdgfrb, DOWNSTREAM), "DEL")
    )
    assert (finding.gene, finding.status, finding.rule_id) == ("CSF1R", Status.REVIEW, "B-R10")
    assert any(c.startswith("other reading: PDGFRB::CSF1R junction") for c in finding.caveats)


def test_dna_breakpoint_in_the_splice_acceptor_of_the_listed_exon_is_review(panel, rules):
    """ABL1 (plus strand) kept from one base before exon 2: the acceptor's A is lost; kept
    from exon 2's first base: the acceptor is gone and exon 2 is not kept as B-L1 asks."""
    start = _exon(panel, "ABL1", 2)[0]
    etv6 = _exon(panel, "ETV6", 5)[1] + 2000
    found = {}
    for offset in (0, 1, 2):
        finding = judged(
            panel, rules, _junction(("12", etv6, UPSTREAM), ("9", start - offset, DOWNSTREAM))
        )
        found[offset] = (finding.status, finding.reason)
    assert found == {
        0: (Status.REVIEW, "kinase_retained_breakpoint_after_listed_exon"),
        1: (Status.REVIEW, "breakpoint_in_splice_acceptor"),
        2: (Status.QUALIFYING, "listed_fusion"),
    }


# ----------------------------------------------------------------- reader details


def test_symbolic_sv_without_end_takes_svlen_or_is_an_error(panel, rules, tmp_path):
    """ABL1 exons 4-6 duplicated, given by SVLEN only: judged over its real extent, never as
    a 1-bp event; with neither END nor SVLEN: an error naming the record."""
    text = (DATA / "sv_manta_abl1_kinase_exons_duplication.vcf").read_text()
    with_svlen = tmp_path / "dup_svlen_only.vcf"
    with_svlen.write_text(re.sub(r"END=\d+;", "", text))
    (finding,) = classify(with_svlen, panel, rules).findings
    assert (finding.status, finding.rule_id) == (Status.REVIEW, "B-R13")
    neither = tmp_path / "dup_no_extent.vcf"
    neither.write_text(re.sub(r"END=\d+;SVTYPE=DUP;SVLEN=\d+", "SVTYPE=DUP", text))
    with pytest.raises(InputError, match=r"dup_no_extent.vcf \(record 1\): symbolic <DUP:TANDEM>"):
        read_structural_variants(neither, "GRCh38", "TUMOR_S")


def test_fusion_with_support_in_the_matched_normal_is_possibly_germline(panel, rules, tmp_path):
    text = (DATA.parent / "sv_manta_etv6_abl1.vcf").read_text()
    germline = tmp_path / "etv6_abl1_in_the_normal.vcf"
    germline.write_text(text.replace("\t30,0:25,0\t", "\t28,9:22,6\t"))
    (finding,) = classify(germline, panel, rules, normal_name="NORMAL_S").findings
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:possible_germline",
    )
    assert "the matched normal has 15 supporting reads" in finding.caveats[0]


def test_fusioncatcher_false_positive_labels_and_other_effects_are_not_clean(
    panel, rules, tmp_path
):
    lines = (DATA / "rna_fusioncatcher_nup214_abl1.txt").read_text().splitlines()
    header = lines[0].split("\t")
    row = lines[1].split("\t")
    description, effect = header.index("Fusion_description"), header.index("Predicted_effect")
    flagged = list(row)
    flagged[description] = "known,readthrough,healthy"
    truncated = list(row)
    truncated[effect] = "CDS(truncated)/UTR"
    path = tmp_path / "fusioncatcher_flags.txt"
    path.write_text("\n".join("\t".join(r) for r in (header, flagged, truncated)) + "\n")
    labelled, effect_finding = classify(path, panel, rules, "rna_fusions").findings
    assert (labelled.status, labelled.would_be) == (Status.FILTERED, Status.QUALIFYING)
    assert "filtered by the caller (FusionCatcher_healthy;FusionCatcher_readthrough)" in (
        labelled.caveats
    )
    assert (effect_finding.status, effect_finding.reason) == (Status.REVIEW, "out_of_frame_fusion")
    assert "predicted effect CDS(truncated)/UTR" in effect_finding.classification


def test_an_undetermined_frame_is_said(panel, rules, tmp_path):
    lines = (DATA / "rna_arriba_etv6_abl1_frames.tsv").read_text().splitlines()
    header, row = lines[0].split("\t"), lines[1].split("\t")
    row[header.index("reading_frame")] = "."
    path = tmp_path / "arriba_frame_dot.tsv"
    path.write_text("\t".join(header) + "\n" + "\t".join(row) + "\n")
    (finding,) = classify(path, panel, rules, "rna_fusions").findings
    assert finding.status == Status.QUALIFYING
    assert finding.classification.endswith("reading frame not determined by the caller")
