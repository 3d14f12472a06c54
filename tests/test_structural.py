"""SV files through cyvcf2 and the fusion rules: real fixtures, no mocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import classify_file

from mapk_filter.context import Context
from mapk_filter.errors import InputError
from mapk_filter.genome_genes import load_genome_genes
from mapk_filter.interpret.structural import interpret_junction
from mapk_filter.models import Status
from mapk_filter.readers.structural import (
    DOWNSTREAM,
    UPSTREAM,
    Junction,
    parse_bnd_alt,
    read_structural_variants,
)

DATA = Path(__file__).resolve().parent / "data"


def _classify(name, panel, rules, **kw):
    return classify_file(
        DATA / name, panel, rules, kind="structural_variants", tumor_name="TUMOR_S", **kw
    )


def _key(finding):
    return (
        finding.gene,
        finding.partner_genes,
        finding.status,
        finding.rule_id,
        finding.kinase_domain_retained,
    )


@pytest.mark.parametrize(
    "alt, form, local, chrom, pos, partner",
    [
        ("G[chr9:100[", "t[p[", UPSTREAM, "9", 100, DOWNSTREAM),
        ("G]chr9:100]", "t]p]", UPSTREAM, "9", 100, UPSTREAM),
        ("]chr9:100]G", "]p]t", DOWNSTREAM, "9", 100, UPSTREAM),
        ("[chr9:100[G", "[p[t", DOWNSTREAM, "9", 100, DOWNSTREAM),
        ("GT[13:5[", "t[p[", UPSTREAM, "13", 5, DOWNSTREAM),
    ],
)
def test_bnd_alt_forms_follow_vcf_4_3(alt, form, local, chrom, pos, partner):
    parsed = parse_bnd_alt(alt)
    assert parsed is not None
    assert (parsed.form, parsed.kept_local, parsed.partner_chrom) == (form, local, chrom)
    assert (parsed.partner_pos, parsed.kept_partner) == (pos, partner)


def test_bnd_inserted_sequence_and_single_breakends():
    assert parse_bnd_alt("GACT[chr9:100[").inserted == "ACT"
    assert parse_bnd_alt("]chr9:100]ACTG").inserted == "ACT"
    after, before = parse_bnd_alt("GAA."), parse_bnd_alt(".AAG")
    assert (after.kept_local, after.partner_chrom) == (UPSTREAM, None)
    assert (before.kept_local, before.partner_chrom) == (DOWNSTREAM, None)
    assert parse_bnd_alt("<DEL>") is None and parse_bnd_alt("A") is None


@pytest.mark.parametrize(
    "name, caller",
    [
        ("sv_manta_nup214_abl1.vcf", "manta"),
        ("sv_delly_nup214_abl1.vcf", "delly"),
        ("sv_gridss_nup214_abl1.vcf", "gridss"),
    ],
)
def test_nup214_abl1_is_the_same_finding_in_every_notation(name, caller, panel, rules):
    result = _classify(name, panel, rules)
    assert result.caller == caller
    (finding,) = [f for f in result.findings if f.gene == "ABL1"]
    assert _key(finding) == (
        "ABL1",
        ("NUP214", "ABL1"),
        Status.QUALIFYING,
        "B-L1",
        "yes",
    )
    assert finding.alteration_type == "fusion"
    assert finding.supporting_reads == 23
    assert finding.breakpoints[1].endswith("(ABL1 intron 1)")
    assert "NUP214 intron 32" in finding.breakpoints[0]
    assert result.accounting.reconciles


@pytest.mark.parametrize(
    "name, expected",
    [
        ("sv_manta_etv6_abl1.vcf", ("ABL1", ("ETV6", "ABL1"), Status.QUALIFYING, "B-L1", "yes")),
        ("sv_svaba_bcr_abl1.vcf", ("ABL1", ("BCR", "ABL1"), Status.QUALIFYING, "B-L1", "yes")),
        (
            "sv_manta_ebf1_pdgfrb.vcf",
            ("PDGFRB", ("EBF1", "PDGFRB"), Status.QUALIFYING, "B-L3", "yes"),
        ),
        (
            "sv_manta_abl1_etv6_reciprocal.vcf",
            ("ABL1", ("ABL1", "ETV6"), Status.REVIEW, "B-L1", "unknown"),
        ),
        (
            "sv_manta_pdgfrb_past_kinase.vcf",
            ("PDGFRB", ("EBF1", "PDGFRB"), Status.VUS, None, "no"),
        ),
    ],
)
def test_listed_and_not_listed_fusions(name, expected, panel, rules):
    result = _classify(name, panel, rules)
    (finding,) = result.findings
    assert _key(finding) == expected
    assert result.accounting.reconciles
    # mates of a BND pair are both counted, under the one finding they describe
    assert result.accounting.in_panel == result.accounting.records_read


def test_reciprocal_and_past_kinase_say_what_they_are(panel, rules):
    (recip,) = _classify("sv_manta_abl1_etv6_reciprocal.vcf", panel, rules).findings
    assert recip.reason == "reciprocal_junction"
    assert "forward junction ETV6::ABL1 not seen: confirm by RNA or FISH" in recip.classification
    (past,) = _classify("sv_manta_pdgfrb_past_kinase.vcf", panel, rules).findings
    assert past.reason == "kinase_domain_not_retained"
    assert "PDGFRB intron 21" in past.breakpoints[1]
    assert "kinase-domain exons (12-21)" in past.classification  # derived, not typed
    assert not any("unverified" in c for c in past.caveats)


def test_pdgfrb_between_exon_11_and_kinase_domain_is_review(panel, rules):
    genes = load_genome_genes()
    ex11 = next(e for e in panel.exons if e.gene == "PDGFRB" and e.number == 11)
    pos = ex11.spans["GRCh38"][0] - 200  # PDGFRB is on the minus strand: intron 11
    ebf1 = next(e for e in panel.exons if e.gene == "EBF1" and e.number == 15)
    junction = Junction(
        "5",
        pos,
        UPSTREAM,
        "5",
        ebf1.spans["GRCh38"][0] - 500,
        DOWNSTREAM,
        "DEL",
        ("x",),
        (1,),
        20,
        ("PASS",),
    )
    finding = interpret_junction(junction, Context(panel, rules, "GRCh38", genome_genes=genes))
    assert finding is not None
    assert (finding.status, finding.kinase_domain_retained) == (Status.REVIEW, "yes")
    assert "transmembrane domain lost" in finding.caveats


def test_other_kinase_and_routing_genes(panel, rules):
    genes = load_genome_genes()
    etv6 = next(e for e in panel.exons if e.gene == "ETV6" and e.number == 5)
    left = etv6.spans["GRCh38"][1] + 100
    for gene, status, routes in (("ABL2", Status.REVIEW, ()), ("JAK2", Status.VUS, ("C",))):
        g = panel.genes[gene]
        mid = sum(g.spans["GRCh38"]) // 2
        kept = DOWNSTREAM if g.strand == "+" else UPSTREAM  # the gene's 3' part
        junction = Junction(
            "12", left, UPSTREAM, g.chrom, mid, kept, "BND", ("a", "b"), (1, 2), 30, ("PASS",)
        )
        finding = interpret_junction(junction, Context(panel, rules, "GRCh38", genome_genes=genes))
        assert finding is not None
        assert (finding.gene, finding.status, finding.routes) == (gene, status, routes)
        assert finding.partner_genes == ("ETV6", gene)


def test_junction_outside_panel_is_none(panel, rules):
    junction = Junction(
        "2", 50_000_000, UPSTREAM, "3", 60_000_000, DOWNSTREAM, "BND", (), (), 9, ("PASS",)
    )
    assert (
        interpret_junction(
            junction, Context(panel, rules, "GRCh38", genome_genes=load_genome_genes())
        )
        is None
    )


def test_accounting_counts_pairs_inversions_and_outside_records(panel, rules):
    scan = read_structural_variants(DATA / "sv_manta_nup214_abl1.vcf", "GRCh38", "TUMOR_S")
    assert scan.records_read == 5  # DUP, DEL, INV (two junctions), BND mate pair
    assert [len(e.record_numbers) for e in scan.events] == [1, 1, 1, 2]
    assert len(scan.events[2].junctions) == 2
    acc = _classify("sv_manta_nup214_abl1.vcf", panel, rules).accounting
    assert (acc.records_read, acc.alleles, acc.outside_panel, acc.in_panel) == (5, 5, 4, 1)
    assert acc.reconciles


def test_gridss_pair_without_mateid_and_single_breakends(panel, rules):
    result = _classify("sv_gridss_breakends.vcf", panel, rules)
    fusion, single = result.findings
    assert _key(fusion) == ("ABL1", ("ETV6", "ABL1"), Status.QUALIFYING, "B-L1", "yes")
    assert (single.alteration_type, single.reason) == ("breakend", "single_breakend")
    assert single.partner_genes == ("PDGFRB",)
    # PDGFRB intron 10, 3' part kept, partner unresolved: a possible B-L3 fusion, review
    assert (single.status, single.rule_id) == (Status.REVIEW, "B-L3")
    acc = result.accounting
    assert acc.by_status == {"qualifying": 2, "review": 1} and acc.outside_panel == 1
    assert acc.reconciles


def test_qc_low_support_filter_and_imprecise_exon_boundary(panel, rules):
    low, imprecise = _classify("sv_manta_qc.vcf", panel, rules).findings
    assert (low.status, low.would_be, low.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:caller_filter",
    )
    assert any("few supporting reads (3 < 5)" in c for c in low.caveats)
    assert imprecise.reason == "filtered:imprecise_breakpoint"
    assert imprecise.would_be == Status.QUALIFYING
    strict = _classify("sv_manta_etv6_abl1.vcf", panel, rules, min_supporting_reads=50)
    assert strict.findings[0].reason == "filtered:low_supporting_reads"


def test_malformed_breakend_names_file_and_record():
    with pytest.raises(InputError, match=r"sv_malformed\.vcf \(record 2\).*breakend ALT"):
        read_structural_variants(DATA / "sv_malformed.vcf", "GRCh38", "TUMOR_S")


def test_unknown_tumour_name_and_build_mismatch_are_input_errors():
    with pytest.raises(InputError, match="not in the file"):
        read_structural_variants(DATA / "sv_manta_etv6_abl1.vcf", "GRCh38", "NOPE")
    with pytest.raises(InputError, match="build mismatch"):
        read_structural_variants(DATA / "sv_manta_etv6_abl1.vcf", "GRCh37", "TUMOR_S")


def test_findings_serialise(panel, rules):
    result = _classify("sv_manta_etv6_abl1.vcf", panel, rules)
    again = type(result).from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result


def test_configured_pass_filters_apply_to_structural_calls(panel, rules):
    default = _classify("sv_manta_qc.vcf", panel, rules).findings[0]
    assert "filtered by the caller (MinSomaticScore)" in default.caveats
    accepted = _classify(
        "sv_manta_qc.vcf", panel, rules, pass_filters=frozenset({"PASS", ".", "MinSomaticScore"})
    ).findings[0]
    assert not any("filtered by the caller" in c for c in accepted.caveats)
    assert accepted.reason == "filtered:low_supporting_reads"  # 3 reads still fall short


def test_delly_translocation_bnd_with_chr2_pos2_and_ct(panel, rules, tmp_path):
    """DELLY writes a translocation as one <BND> record: CHR2/POS2 name the partner and
    CT the join (5to3: the first locus keeps what lies downstream, CHR2 what lies upstream).
    ETV6 intron 5 joined to ABL1 intron 1 must be the ETV6::ABL1 finding."""

    def after_exon(gene: str, number: int, offset: int) -> int:
        (e,) = [x for x in panel.exons if x.gene == gene and x.number == number]
        return e.spans["GRCh38"][1] + offset  # both genes are on the plus strand

    assert panel.genes["ETV6"].strand == panel.genes["ABL1"].strand == "+"
    abl1, etv6 = after_exon("ABL1", 1, 5000), after_exon("ETV6", 5, 2000)
    header = [
        line
        for line in (DATA / "sv_delly_nup214_abl1.vcf").read_text().splitlines()
        if line.startswith("##")
    ]
    header.insert(1, '##INFO=<ID=POS2,Number=1,Type=Integer,Description="Position of CHR2">')
    record = (
        f"chr9\t{abl1}\tBND00000001\tN\t<BND>\t.\tPASS\tPRECISE;SVTYPE=BND;CHR2=chr12;"
        f"POS2={etv6};END={abl1 + 1};PE=12;MAPQ=60;CT=5to3;SR=8\tGT:FT:DR:DV:RR:RV\t"
        "0/0:PASS:30:0:25:0\t0/1:PASS:20:12:18:8"
    )
    path = tmp_path / "sv_delly_etv6_abl1_translocation.vcf"
    path.write_text(
        "\n".join(
            [
                *header,
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL_S\tTUMOR_S",
                record,
            ]
        )
        + "\n"
    )
    (finding,) = _classify(path, panel, rules).findings
    assert (finding.partner_genes, finding.status, finding.rule_id) == (
        ("ETV6", "ABL1"),
        Status.QUALIFYING,
        "B-L1",
    )
    assert finding.supporting_reads == 20 and finding.kinase_domain_retained == "yes"


@pytest.mark.parametrize(
    ("offset", "status"), [(2, Status.QUALIFYING), (0, Status.REVIEW)], ids=["intron", "on-exon"]
)
def test_dna_breakpoint_on_the_exon_first_base_does_not_keep_the_exon(
    panel, rules, tmp_path, offset, status
):
    """PDGFRB (minus strand) keeps what lies at or below the DEL's POS. POS two bases into
    intron 10 keeps exon 11 with its splice acceptor: B-L3. POS on exon 11's first base
    deletes the acceptor: not the listed configuration (the RNA rule is inclusive)."""
    (e11,) = [e for e in panel.exons if e.gene == "PDGFRB" and e.number == 11]
    first_base = e11.spans["GRCh38"][1]
    text = (DATA / "sv_manta_ebf1_pdgfrb.vcf").read_text()
    pos = text.split("\nchr5\t", 1)[1].split("\t", 1)[0]
    path = tmp_path / "sv_manta_pdgfrb_boundary.vcf"
    path.write_text(text.replace(f"\nchr5\t{pos}\t", f"\nchr5\t{first_base + offset}\t", 1))
    (finding,) = _classify(path, panel, rules).findings
    assert finding.partner_genes == ("EBF1", "PDGFRB")
    assert finding.status == status
