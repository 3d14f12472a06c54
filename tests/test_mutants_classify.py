"""Guards for the small-variant classification (interpret/small.py) found weak by mutation testing.

Every test states what a reader of the report relies on: which rule a record meets, the
status and reason code, the words of the classification and of each QC caveat, the HGVS and
transcript shown, and the accounting of the file. Records are real VCF lines written to
tmp_path at panel coordinates (MANE exons, hotspot rows) and read by the real reader.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mapk_filter.context import Context, Source
from mapk_filter.interpret.small import interpret
from mapk_filter.models import Kind, Status
from mapk_filter.panel import load_panel
from mapk_filter.readers.small import read_small_variants
from mapk_filter.rules import load_rules
from mapk_filter.settings import Filters
from mapk_filter.targets import codon_span

REPO = Path(__file__).resolve().parents[1]
CSQ_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|HGVSc|HGVSp|MANE_SELECT|gnomADe_AF"
)
TUMOUR = "0/1:60,30:90:0.33"  # deep, well supported: no QC caveat
NORMAL = "0/0:40,0:40:0"


def csq(
    panel,
    gene: str,
    allele: str,
    consequence: str,
    hgvs_p: str = "",
    hgvs_c: str = "",
    *,
    symbol: str | None = None,
    ensembl: bool = False,
    af: str = "",
) -> str:
    """One VEP CSQ entry on the gene's MANE transcript (RefSeq, or Ensembl when asked)."""
    g = panel.genes[gene]
    feature = g.ensembl_mane if ensembl else g.refseq_mane
    c = f"{feature}:{hgvs_c}" if hgvs_c else ""
    p = f"{feature}:{hgvs_p}" if hgvs_p else ""
    return (
        f"{allele}|{consequence}|MODERATE|{gene if symbol is None else symbol}|"
        f"{g.ensembl_gene}|Transcript|{feature}|{c}|{p}|{g.refseq_mane}|{af}"
    )


def write_vcf(
    tmp_path: Path,
    records: list[dict],
    *,
    normal: bool = False,
    annotated: bool = True,
    name: str = "calls.vcf",
) -> Path:
    """A Mutect2 VCF; each record: chrom, pos, ref, alt, and optional csq (list of entries),
    filter, tumour and normal (GT:AD:DP:AF values)."""
    lines = ["##fileformat=VCFv4.2", "##source=Mutect2", "##tumor_sample=TUMOR"]
    if normal:
        lines.append("##normal_sample=NORMAL")
    if annotated:
        lines.append(
            '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
            f'Ensembl VEP. Format: {CSQ_FIELDS}">'
        )
    lines += [
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End of a symbolic allele">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR"
        + ("\tNORMAL" if normal else ""),
    ]
    for r in records:
        info = []
        if r.get("csq"):
            info.append("CSQ=" + ",".join(r["csq"]))
        if r.get("end"):
            info.append(f"END={r['end']}")
        row = [
            f"chr{r['chrom']}",
            str(r["pos"]),
            ".",
            r["ref"],
            r["alt"],
            "50",
            r.get("filter", "PASS"),
            ";".join(info) or ".",
            r.get("format", "GT:AD:DP:AF"),
            r.get("tumour", TUMOUR),
        ]
        if normal:
            row.append(r.get("normal", NORMAL))
        lines.append("\t".join(row))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def read(panel, rules, path: Path, filters: Filters | None = None, build: str = "GRCh38"):
    scan = read_small_variants(path, panel, build)
    source = Source(path, "S1", "P1", Kind.SMALL_VARIANTS, "")
    return interpret(scan, source, Context(panel, rules, scan.build, filters or Filters()))


def one(panel, rules, tmp_path, record: dict, **kwargs):
    (finding,) = read(panel, rules, write_vcf(tmp_path, [record], **kwargs)).findings
    return finding


def exon(panel, gene: str, number: int) -> tuple[str, int, int]:
    (e,) = [x for x in panel.exons if x.gene == gene and x.number == number]
    return e.chrom, *e.spans["GRCh38"]


def hotspot(panel, gene: str, short: str):
    (h,) = [h for h in panel.hotspots if h.gene == gene and h.short == short]
    return h


# --- codon spans of hotspots (the exclusion codons come from them) -------------------------


def test_codon_span_of_a_plus_strand_hotspot_covers_its_three_bases(panel):
    e76k = hotspot(panel, "PTPN11", "E76K")  # c.226G>A: the first base of codon 76
    pos = e76k.loci["GRCh38"].pos
    assert panel.genes["PTPN11"].strand == "+"
    assert codon_span(e76k, "+", "GRCh38") == ("12", pos, pos + 2)
    g12d = hotspot(panel, "KRAS", "G12D")  # c.35G>A on the minus strand: middle base
    pos = g12d.loci["GRCh38"].pos
    assert codon_span(g12d, "-", "GRCh38") == ("12", pos - 1, pos + 1)


def test_a_hotspot_that_is_not_a_single_base_change_has_no_codon_span(panel):
    g12f = next(h for h in panel.hotspots if h.hgvs_c == "c.34_35delinsTT")
    assert codon_span(g12f, "-", "GRCh38") is None
    g12d = hotspot(panel, "KRAS", "G12D")
    locus = g12d.loci["GRCh38"]
    deletion = replace(g12d, hgvs_c="c.35del", loci={"GRCh38": replace(locus, ref="CC", alt="C")})
    assert codon_span(deletion, "-", "GRCh38") is None
    insertion = replace(g12d, hgvs_c="c.35_36insA", loci={"GRCh38": replace(locus, alt="CT")})
    assert codon_span(insertion, "-", "GRCh38") is None
    assert codon_span(g12d, "-", "T2T") is None  # no locus on that build


# --- hotspots --------------------------------------------------------------------------------


def test_indel_is_named_an_indel(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    f = one(panel, rules, tmp_path, {"chrom": chrom, "pos": start + 10, "ref": "A", "alt": "AT"})
    assert f.alteration_type == "indel"


def test_a_hotspot_of_category_other_is_listed_by_no_rule_and_routes_nowhere(
    panel, rules, tmp_path
):
    q61x = hotspot(panel, "NRAS", "Q61*")
    locus = q61x.loci["GRCh38"]
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": locus.chrom, "pos": locus.pos, "ref": locus.ref, "alt": locus.alt},
        annotated=False,
    )
    assert (f.status, f.reason, f.rule_id, f.routes) == (
        Status.VUS,
        "hotspot_without_rule",
        None,
        (),
    )
    assert f.classification == (
        "NRAS p.Gln61Ter (Q61*): recurrent hotspot (other) that no trial rule lists"
    )
    # without annotation the hotspot row names the change and its transcript
    assert (f.hgvs_p, f.hgvs_c, f.transcript, f.consequence) == (
        "p.Gln61Ter",
        "c.181C>T",
        "NM_002524.5",
        "",
    )


def test_an_unannotated_hotspot_shows_the_hotspot_rows_hgvs(panel, rules, tmp_path):
    g12d = hotspot(panel, "KRAS", "G12D")
    locus = g12d.loci["GRCh38"]
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": locus.chrom, "pos": locus.pos, "ref": locus.ref, "alt": locus.alt},
        annotated=False,
    )
    assert (f.status, f.reason, f.rule_id) == (Status.REVIEW, "hotspot", "B-R1")
    assert (f.hgvs_p, f.hgvs_c, f.transcript, f.consequence) == (
        "p.Gly12Asp",
        "c.35G>A",
        g12d.transcript,
        "",
    )


def test_an_annotated_hotspot_keeps_the_annotations_transcript_and_hgvs(panel, rules, tmp_path):
    g12d = hotspot(panel, "KRAS", "G12D")
    locus = g12d.loci["GRCh38"]
    entry = csq(
        panel,
        "KRAS",
        locus.alt,
        "missense_variant&splice_region_variant",
        "p.Gly12Asp",
        "c.35G>A",
        ensembl=True,
    )
    f = one(
        panel,
        rules,
        tmp_path,
        {
            "chrom": locus.chrom,
            "pos": locus.pos,
            "ref": locus.ref,
            "alt": locus.alt,
            "csq": [entry],
        },
    )
    assert (f.status, f.reason, f.rule_id) == (Status.REVIEW, "hotspot", "B-R1")
    assert f.transcript == panel.genes["KRAS"].ensembl_mane
    assert (f.hgvs_c, f.hgvs_p) == ("c.35G>A", "p.Gly12Asp")
    assert f.consequence == "missense_variant&splice_region_variant"


def test_a_hotspot_protein_change_from_another_codon_spelling_is_the_hotspot(
    panel, rules, tmp_path
):
    # GGT>GAC (c.35_36delinsAC) is Gly12Asp too, not the table's c.35G>A: found by protein
    g12d = hotspot(panel, "KRAS", "G12D")
    locus = g12d.loci["GRCh38"]
    entry = csq(panel, "KRAS", "GT", "missense_variant", "p.Gly12Asp", "c.35_36delinsAC")
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": locus.chrom, "pos": locus.pos - 1, "ref": "AC", "alt": "GT", "csq": [entry]},
    )
    assert (f.status, f.reason, f.rule_id, f.routes) == (Status.REVIEW, "hotspot", "B-R1", ("D",))
    assert f.classification == (
        "KRAS p.Gly12Asp (G12D): Activating hotspot in a RAS/MAPK pathway gene"
    )
    assert f.alteration_type == "mnv"


# --- annotation --------------------------------------------------------------------------


def test_an_annotation_without_gene_symbol_still_annotates_the_panel_transcript(
    panel, rules, tmp_path
):
    chrom, start, _ = exon(panel, "NF1", 14)
    entry = csq(panel, "NF1", "T", "missense_variant", "p.Leu700Phe", "c.2100G>T", symbol="")
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": start + 20, "ref": "G", "alt": "T", "csq": [entry]},
    )
    assert (f.status, f.reason) == (Status.VUS, "no_rule_matched")
    assert f.classification == "NF1 p.Leu700Phe (missense_variant): no trial rule matches"
    assert (f.hgvs_c, f.hgvs_p, f.transcript) == ("c.2100G>T", "p.Leu700Phe", "NM_001042492.3")


def test_no_rule_matched_names_the_change_or_says_there_is_none(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    records = [
        {
            "chrom": chrom,
            "pos": start - 30,
            "ref": "G",
            "alt": "T",
            "csq": [csq(panel, "NF1", "T", "intron_variant", "", "c.1642-30G>T")],
        },
        {
            "chrom": chrom,
            "pos": start - 60,
            "ref": "G",
            "alt": "C",
            "csq": [csq(panel, "NF1", "C", "intron_variant")],
        },
        {
            "chrom": chrom,
            "pos": start - 90,
            "ref": "G",
            "alt": "A",
            "csq": [csq(panel, "NF1", "A", "", "", "c.1642-90G>A")],
        },
    ]
    found = read(panel, rules, write_vcf(tmp_path, records)).findings
    words = {f.genomic.split(":")[1]: f.classification for f in found}
    assert words == {
        f"{start - 30}G>T": "NF1 c.1642-30G>T (intron_variant): no trial rule matches",
        f"{start - 60}G>C": "NF1 (intron_variant): no trial rule matches",
        f"{start - 90}G>A": "NF1 c.1642-90G>A (no consequence): no trial rule matches",
    }
    assert {f.status for f in found} == {Status.VUS}


def test_a_population_frequency_at_the_threshold_is_a_common_polymorphism(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    entry = csq(panel, "NF1", "T", "missense_variant", "p.Leu700Phe", "c.2100G>T", af="0.01")
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": start + 20, "ref": "G", "alt": "T", "csq": [entry]},
    )
    assert (f.status, f.reason) == (Status.BENIGN, "common_polymorphism")
    assert f.classification == "NF1: population allele frequency 0.01 >= 0.01"


# --- truncating ----------------------------------------------------------------------------


def test_nf1_truncating_change_is_reviewed_as_loss_of_function(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    entry = csq(
        panel,
        "NF1",
        "A",
        "stop_gained&splice_region_variant&frameshift_variant",
        "p.Gln700Ter",
        "c.2098C>T",
    )
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": start + 20, "ref": "C", "alt": "A", "csq": [entry]},
    )
    assert (f.status, f.reason, f.rule_id, f.routes) == (
        Status.REVIEW,
        "truncating",
        "B-R2",
        ("D",),
    )
    assert f.classification == (
        "NF1 p.Gln700Ter: truncating (frameshift_variant, stop_gained), loss of function"
    )


def test_nf1_splice_site_change_names_its_c_dot(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    entry = csq(panel, "NF1", "A", "splice_acceptor_variant", "", "c.1642-2A>T")
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": start - 2, "ref": "T", "alt": "A", "csq": [entry]},
    )
    assert (f.status, f.reason, f.rule_id) == (Status.REVIEW, "truncating", "B-R2")
    assert f.classification == (
        "NF1 c.1642-2A>T: truncating (splice_acceptor_variant), loss of function"
    )


def test_missense_in_nf1_and_truncation_in_kras_meet_no_rule(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    kchrom, kstart, _ = exon(panel, "KRAS", 2)
    records = [
        {
            "chrom": chrom,
            "pos": start + 20,
            "ref": "G",
            "alt": "T",
            "csq": [csq(panel, "NF1", "T", "missense_variant", "p.Leu700Phe", "c.2100G>T")],
        },
        {
            "chrom": kchrom,
            "pos": kstart + 5,
            "ref": "G",
            "alt": "A",
            "csq": [csq(panel, "KRAS", "A", "stop_gained", "p.Trp100Ter", "c.300G>A")],
        },
    ]
    found = {f.gene: f for f in read(panel, rules, write_vcf(tmp_path, records)).findings}
    assert {g: (f.status, f.reason) for g, f in found.items()} == {
        "KRAS": (Status.VUS, "no_rule_matched"),
        "NF1": (Status.VUS, "no_rule_matched"),
    }
    assert found["KRAS"].classification == "KRAS p.Trp100Ter (stop_gained): no trial rule matches"


# --- synonymous ----------------------------------------------------------------------------


def test_synonymous_changes_are_benign_and_say_where_they_are(panel, rules, tmp_path):
    g12d = hotspot(panel, "KRAS", "G12D").loci["GRCh38"]
    chrom = g12d.chrom
    records = [
        {  # codon 12 is a hotspot codon
            "chrom": chrom,
            "pos": g12d.pos + 1,
            "ref": "A",
            "alt": "G",
            "csq": [csq(panel, "KRAS", "G", "synonymous_variant", "p.Gly12=", "c.36T>C")],
        },
        {  # codon 20 is not
            "chrom": chrom,
            "pos": g12d.pos - 24,
            "ref": "A",
            "alt": "G",
            "csq": [csq(panel, "KRAS", "G", "synonymous_variant", "p.Gly20=", "c.60T>C")],
        },
        {  # no p. given
            "chrom": chrom,
            "pos": g12d.pos - 30,
            "ref": "A",
            "alt": "C",
            "csq": [csq(panel, "KRAS", "C", "stop_retained_variant", "", "c.66T>G")],
        },
    ]
    found = {
        f.hgvs_c: (f.status, f.reason, f.classification)
        for f in read(panel, rules, write_vcf(tmp_path, records)).findings
    }
    assert found == {
        "c.36T>C": (
            Status.BENIGN,
            "synonymous_at_hotspot_codon",
            "KRAS p.Gly12=: synonymous change at a hotspot codon, not a hotspot",
        ),
        "c.60T>C": (Status.BENIGN, "synonymous", "KRAS p.Gly20=: synonymous change"),
        "c.66T>G": (Status.BENIGN, "synonymous", "KRAS synonymous: synonymous change"),
    }


# --- exclusion codons without annotation --------------------------------------------------


def test_unannotated_change_at_an_exclusion_codon_cannot_be_ruled_out(panel, rules, tmp_path):
    f104 = hotspot(panel, "BCL2", "F104L").loci["GRCh38"]
    # not a listed allele (F104L is A>G, F104C is A>C at the next base)
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": f104.chrom, "pos": f104.pos, "ref": "A", "alt": "T"},
        annotated=False,
    )
    assert (f.status, f.would_be, f.reason, f.rule_id) == (
        Status.FILTERED,
        Status.EXCLUSION,
        "filtered:not_interpretable_at_exclusion_codon",
        "B-X1",
    )
    assert f.classification == (
        "BCL2: change at the codon of p.Phe104Cys, p.Phe104Leu (exclusion); not a listed "
        "allele, and without annotation it cannot be ruled out that it is one"
    )
    assert f.caveats == ("unannotated change at an exclusion codon (p.Phe104Cys, p.Phe104Leu)",)


def test_a_deletion_reaching_into_an_exclusion_codon_from_outside_counts(panel, rules, tmp_path):
    g101v = hotspot(panel, "BCL2", "G101V")
    _, lo, _ = codon_span(g101v, "-", "GRCh38")
    chrom = g101v.loci["GRCh38"].chrom
    # deleted bases lo-3 .. lo: the last one is the codon's first base
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": lo - 4, "ref": "ACGTA", "alt": "A"},
        annotated=False,
    )
    assert (f.would_be, f.reason) == (
        Status.EXCLUSION,
        "filtered:not_interpretable_at_exclusion_codon",
    )
    assert "change at the codon of p.Gly101Val (exclusion)" in f.classification
    # one base short of the codon: not at it, and not interpretable either
    g = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": lo - 5, "ref": "ACGTA", "alt": "A"},
        annotated=False,
        name="short.vcf",
    )
    assert (g.status, g.reason) == (Status.VUS, "not_interpretable_without_annotation")
    assert g.classification == (
        "BCL2: no consequence annotation on the panel transcript and not a known hotspot "
        "allele; could not be interpreted"
    )
    assert (g.hgvs_c, g.hgvs_p, g.consequence, g.transcript) == ("", "", "", "NM_000633.3")


# --- exon, codon and ITD rules: where a change counts --------------------------------------

CBL_RULE = "CBL linker/RING-finger missense or splice-site variant (exons 8-9)"
ITD_RULE = "FLT3 internal tandem duplication (juxtamembrane exons)"


def test_cbl_exon_rule_counts_the_exon_and_its_two_splice_site_bases(panel, rules, tmp_path):
    chrom, start, stop = exon(panel, "CBL", 8)
    rec = [
        ("acceptor", start - 2, "A", "G", "splice_acceptor_variant", "", "c.1096-2A>G"),
        ("donor", stop + 2, "T", "C", "splice_donor_variant", "", "c.1227+2T>C"),
        (
            "missense",
            start + 20,
            "T",
            "C",
            "missense_variant&splice_region_variant",
            "p.Tyr371His",
            "c.1111T>C",
        ),
        ("outside", start - 3, "A", "C", "splice_acceptor_variant", "", "c.1096-3A>C"),
    ]
    records = [
        {
            "chrom": chrom,
            "pos": pos,
            "ref": ref,
            "alt": alt,
            "csq": [csq(panel, "CBL", alt, cons, p, c)],
        }
        for _, pos, ref, alt, cons, p, c in rec
    ]
    found = read(panel, rules, write_vcf(tmp_path, records)).findings
    by = {name: f for (name, *_), f in zip(rec, found, strict=True)}
    for name in ("acceptor", "donor", "missense"):
        assert (by[name].status, by[name].reason, by[name].rule_id, by[name].routes) == (
            Status.REVIEW,
            "exon",
            "B-R8",
            ("D",),
        ), name
    assert by["acceptor"].classification == (
        f"CBL c.1096-2A>G (splice_acceptor_variant) in exon 8: {CBL_RULE}"
    )
    assert by["donor"].classification == (
        f"CBL c.1227+2T>C (splice_donor_variant) in exon 8: {CBL_RULE}"
    )
    assert by["missense"].classification == (
        f"CBL p.Tyr371His (missense_variant&splice_region_variant) in exon 8: {CBL_RULE}"
    )
    assert (by["outside"].status, by["outside"].reason) == (Status.VUS, "no_rule_matched")


def test_cbl_exon_rule_counts_a_deletion_by_its_last_deleted_base(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "CBL", 8)
    records = [
        {  # deletes start-4 .. start-2: reaches the acceptor site
            "chrom": chrom,
            "pos": start - 5,
            "ref": "GACT",
            "alt": "G",
            "csq": [csq(panel, "CBL", "-", "splice_acceptor_variant", "", "c.1096-4_1096-2del")],
        },
        {  # deletes start-5 .. start-3: one base short
            "chrom": chrom,
            "pos": start - 106,
            "ref": "GACT",
            "alt": "G",
            "csq": [
                csq(panel, "CBL", "-", "splice_acceptor_variant", "", "c.1096-105_1096-103del")
            ],
        },
    ]
    reaching, short = read(panel, rules, write_vcf(tmp_path, records)).findings
    assert (reaching.status, reaching.reason, reaching.rule_id) == (Status.REVIEW, "exon", "B-R8")
    assert reaching.classification == (
        f"CBL c.1096-4_1096-2del (splice_acceptor_variant) in exon 8: {CBL_RULE}"
    )
    assert (short.status, short.reason) == (Status.VUS, "no_rule_matched")


def test_flt3_itd_must_be_an_insertion_inside_the_exon(panel, rules, tmp_path):
    chrom, start, stop = exon(panel, "FLT3", 14)
    dup = "T" * 21
    records = [
        {"chrom": chrom, "pos": stop, "ref": "A", "alt": "A" + dup},  # after the last base
        {"chrom": chrom, "pos": stop + 1, "ref": "A", "alt": "A" + dup},  # intronic
        {
            "chrom": chrom,
            "pos": start + 30,
            "ref": "G",
            "alt": "T",
            "csq": [csq(panel, "FLT3", "T", "missense_variant", "p.Asp600Tyr", "c.1798G>T")],
        },
    ]
    last, intronic, snv = read(panel, rules, write_vcf(tmp_path, records, annotated=True)).findings
    assert (last.status, last.reason, last.rule_id) == (
        Status.REVIEW,
        "inframe_insertion_in_exons",
        "B-R6",
    )
    assert last.classification == f"FLT3 in-frame insertion of 21 bp in exon 14: {ITD_RULE}"
    assert (intronic.status, intronic.reason) == (
        Status.VUS,
        "not_interpretable_without_annotation",
    )
    assert (snv.status, snv.reason) == (Status.VUS, "no_rule_matched")  # 0 bp inserted


def test_ras_codon_rule_needs_a_protein_altering_consequence(panel, rules, tmp_path):
    g12d = hotspot(panel, "KRAS", "G12D").loci["GRCh38"]
    entry = csq(panel, "KRAS", "-", "frameshift_variant", "p.Gly12AlafsTer5", "c.35del")
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": g12d.chrom, "pos": g12d.pos - 1, "ref": "AC", "alt": "A", "csq": [entry]},
    )
    assert (f.status, f.reason, f.rule_id) == (Status.VUS, "no_rule_matched", None)
    assert f.classification == ("KRAS p.Gly12AlafsTer5 (frameshift_variant): no trial rule matches")


# --- symbolic alleles ------------------------------------------------------------------------


def test_symbolic_duplication_or_insertion_in_an_itd_exon_is_a_possible_itd(panel, rules, tmp_path):
    chrom, start, stop = exon(panel, "FLT3", 14)
    c15, s15, _ = exon(panel, "FLT3", 15)
    records = [
        {"chrom": chrom, "pos": start + 10, "ref": "A", "alt": "<DUP:TANDEM>", "end": start + 40},
        {"chrom": c15, "pos": s15 + 10, "ref": "A", "alt": "<INS>", "end": s15 + 10},
        {"chrom": chrom, "pos": stop + 1, "ref": "A", "alt": "<DUP>", "end": stop + 60},
        {"chrom": chrom, "pos": stop + 2, "ref": "A", "alt": "<DUP>", "end": stop + 60},
    ]
    path = write_vcf(tmp_path, records, annotated=False)
    tandem, ins, next_base, beyond = read(panel, rules, path).findings
    for f, alt, number in (
        (tandem, "<DUP:TANDEM>", 14),
        (ins, "<INS>", 15),
        (next_base, "<DUP>", 14),
    ):
        assert (f.gene, f.status, f.would_be, f.reason, f.rule_id) == (
            "FLT3",
            Status.FILTERED,
            Status.REVIEW,
            "filtered:symbolic_allele",
            "B-R6",
        ), alt
        assert f.classification == f"FLT3 {alt} in exon {number}: possible {ITD_RULE}"
        assert f.caveats == (f"symbolic {alt}: length and frame not given",)
    assert (beyond.would_be, beyond.rule_id) == (None, None)
    assert beyond.classification == "FLT3: symbolic or spanning allele <DUP>, not a small variant"


def test_symbolic_or_spanning_allele_elsewhere_is_filtered_and_named(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    records = [
        {"chrom": chrom, "pos": start + 5, "ref": "A", "alt": "<DUP>", "end": start + 60},
        {
            "chrom": chrom,
            "pos": start + 80,
            "ref": "C",
            "alt": "T,*",
            "filter": "weak_evidence",
            "tumour": "0/1/2:50,20,10:80:0.25,0.12",
        },
    ]
    path = write_vcf(tmp_path, records, annotated=False)
    dup, snv, star = read(panel, rules, path).findings
    assert dup.gene == "NF1"  # exon 14, but NF1 has no ITD rule
    assert (dup.status, dup.would_be, dup.reason, dup.rule_id, dup.alteration_type) == (
        Status.FILTERED,
        None,
        "filtered:symbolic_allele",
        None,
        "symbolic",
    )
    assert dup.classification == "NF1: symbolic or spanning allele <DUP>, not a small variant"
    assert (dup.sample_id, dup.source_file, dup.record_number, dup.filters) == (
        "S1",
        str(path),
        1,
        ("PASS",),
    )
    assert snv.alteration_type == "snv"
    assert (star.gene, star.reason, star.record_number, star.filters) == (
        "NF1",
        "filtered:symbolic_allele",
        2,
        ("weak_evidence",),
    )
    assert star.classification == "NF1: symbolic or spanning allele *, not a small variant"


# --- QC caveats --------------------------------------------------------------------------


def g12d_record(panel, **kwargs) -> dict:
    locus = hotspot(panel, "KRAS", "G12D").loci["GRCh38"]
    return {"chrom": locus.chrom, "pos": locus.pos, "ref": locus.ref, "alt": locus.alt, **kwargs}


def test_invalid_values_of_tumour_and_normal_are_both_named(panel, rules, tmp_path):
    rec = g12d_record(panel, tumour="0/1:60,30:90:2", normal="0/0:40,0:40:1.5")
    f = one(panel, rules, tmp_path, rec, normal=True)
    assert (f.status, f.would_be, f.reason) == (
        Status.FILTERED,
        Status.REVIEW,
        "filtered:invalid_evidence",
    )
    assert f.caveats[0] == (
        "invalid evidence: AF 2 (an allele fraction is 0 to 1); "
        "matched normal: AF 1.5 (an allele fraction is 0 to 1)"
    )


def test_invalid_normal_alone_is_named_as_the_normals(panel, rules, tmp_path):
    f = one(panel, rules, tmp_path, g12d_record(panel, normal="0/0:40,0:40:1.5"), normal=True)
    assert f.reason == "filtered:invalid_evidence"
    assert f.caveats == ("invalid evidence: matched normal: AF 1.5 (an allele fraction is 0 to 1)",)


def test_every_failed_caller_filter_is_named(panel, rules, tmp_path):
    f = one(panel, rules, tmp_path, g12d_record(panel, filter="weak_evidence;strand_bias"))
    assert f.reason == "filtered:caller_filter"
    assert f.caveats == ("filtered by the caller (weak_evidence;strand_bias)",)
    assert f.filters == ("weak_evidence", "strand_bias")


def test_possible_germline_at_the_normal_thresholds(panel, rules, tmp_path):
    # normal VAF 3/30 = 0.10 and 3 alt reads: both thresholds reached
    f = one(panel, rules, tmp_path, g12d_record(panel, normal="0/1:27,3:30:."), normal=True)
    assert (f.status, f.would_be, f.reason) == (
        Status.FILTERED,
        Status.REVIEW,
        "filtered:possible_germline",
    )
    assert f.caveats == ("possibly germline: present in the matched normal (VAF 0.100, 3 reads)",)
    assert f.normal_vaf == pytest.approx(0.1)
    assert f.vaf == pytest.approx(0.33, abs=1e-6)


def test_a_normal_without_read_counts_has_no_alt_reads(panel, rules, tmp_path):
    filters = Filters(germline_min_normal_alt_reads=1)
    path = write_vcf(tmp_path, [g12d_record(panel, normal="0/1:.:.:0.2")], normal=True)
    (f,) = read(panel, rules, path, filters).findings
    assert (f.status, f.caveats) == (Status.REVIEW, ())
    assert f.normal_vaf == pytest.approx(0.2)


def test_tumour_evidence_at_each_threshold_passes_and_below_it_is_named(panel, rules, tmp_path):
    g12d = hotspot(panel, "KRAS", "G12D").loci["GRCh38"]
    g12v = hotspot(panel, "KRAS", "G12V").loci["GRCh38"]
    g13d = hotspot(panel, "KRAS", "G13D").loci["GRCh38"]
    q61h = hotspot(panel, "KRAS", "Q61H").loci["GRCh38"]
    a146t = hotspot(panel, "KRAS", "A146T").loci["GRCh38"]

    def rec(locus, tumour, fmt="GT:AD:DP:AF"):
        return {
            "chrom": locus.chrom,
            "pos": locus.pos,
            "ref": locus.ref,
            "alt": locus.alt,
            "tumour": tumour,
            "format": fmt,
        }

    records = [
        rec(g12d, "0/1:15,5:20:."),  # depth 20, 5 alt reads: at the thresholds
        rec(g12v, "0/1:95,5:100:."),  # VAF 5/100 = 0.05: at the threshold
        rec(g13d, "0/1:0.3", "GT:AF"),  # no depth at all
        rec(q61h, "0/1:40,4:44:."),  # 4 alt reads
        rec(a146t, "0/1:200,6:206:."),  # VAF 0.029
    ]
    found = read(panel, rules, write_vcf(tmp_path, records, annotated=False)).findings
    by = {f.genomic: f for f in found}
    at_depth, at_vaf, no_depth, few_reads, low_vaf = (
        by[f"chr{r['chrom']}:{r['pos']}{r['ref']}>{r['alt']}"] for r in records
    )
    assert (at_depth.status, at_depth.caveats) == (Status.REVIEW, ())
    assert (at_vaf.status, at_vaf.caveats) == (Status.REVIEW, ())
    assert (no_depth.reason, no_depth.caveats) == (
        "filtered:no_depth",
        ("the file gives no read depth for the tumour",),
    )
    assert (few_reads.reason, few_reads.caveats) == (
        "filtered:low_alt_reads",
        ("few alt reads (4 < 5)",),
    )
    assert (low_vaf.reason, low_vaf.caveats) == ("filtered:low_vaf", ("low VAF (0.029 < 0.05)",))
    assert (low_vaf.depth, low_vaf.alt_reads) == (206, 6)


# --- the file: duplicates, notes, accounting ------------------------------------------------


def test_a_duplicate_allele_is_counted_once_after_a_unique_record(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "NF1", 14)
    records = [
        {"chrom": chrom, "pos": start + 5, "ref": "A", "alt": "G"},
        g12d_record(panel, tumour="0/1:15,3:18:."),  # weak copy first
        g12d_record(panel),
    ]
    result = read(panel, rules, write_vcf(tmp_path, records, annotated=False))
    unique, weak, strong = result.findings
    assert unique.reason == "not_interpretable_without_annotation"
    assert (strong.status, strong.record_number) == (Status.REVIEW, 3)
    assert (weak.status, weak.reason, weak.would_be, weak.caveats) == (
        Status.FILTERED,
        "filtered:duplicate_record",
        None,
        ("the same allele as record 3, counted there",),
    )


def test_a_file_without_annotation_says_what_could_be_matched(panel, rules, tmp_path):
    path = write_vcf(tmp_path, [g12d_record(panel)], normal=True, annotated=False)
    result = read(panel, rules, path)
    assert (
        "no consequence annotation (CSQ/ANN/BCSQ) and no reference configured: known "
        "hotspot alleles were matched by coordinate; other variants could not be interpreted"
    ) in result.notes
    assert (result.path, result.accounting.path, result.findings[0].source_file) == (
        str(path),
        str(path),
        str(path),
    )
    assert (result.kind, result.accounting.kind) == ("small_variants", "small_variants")
    assert (result.caller, result.tumor_sample, result.normal_sample) == (
        "mutect2",
        "TUMOR",
        "NORMAL",
    )
    assert result.accounting.region_query is False
    assert result.accounting.by_status == {"review": 1}


def test_an_indexed_file_records_its_region_query(panel, rules):
    path = REPO / "tests/data/mutect2_indexed.vcf.gz"
    result = read(panel, rules, path)
    assert result.accounting.region_query is True
    assert result.accounting.path == str(path)


def test_a_record_over_two_genes_is_named_after_the_annotated_gene(panel, rules, tmp_path):
    # CSF1R ends 467 bp before PDGFRB begins (chr5): a deletion over the gap touches both
    csf1r_end = panel.genes["CSF1R"].spans["GRCh38"][1]
    pdgfrb_start = panel.genes["PDGFRB"].spans["GRCh38"][0]
    ref = "A" * (pdgfrb_start - csf1r_end + 12)
    pos = csf1r_end - 5
    found_genes = [g.symbol for g in panel.genes_at("GRCh38", "5", pos, pos + len(ref) - 1)]
    assert sorted(found_genes) == ["CSF1R", "PDGFRB"]
    other = next(g for g in found_genes[1:])
    entry = csq(panel, other, "-", "feature_truncation", "", "")
    f = one(
        panel, rules, tmp_path, {"chrom": "5", "pos": pos, "ref": ref, "alt": "A", "csq": [entry]}
    )
    assert f.gene == other
    assert f.transcript == panel.genes[other].refseq_mane


# --- a site's own rules and panel (edited copies of the bundled files) --------------------

SITE_EXCLUSIONS = """
  - id: B-X2
    name: Site exclusion at PTPN11 E76K
    match: hotspot
    categories: [activating]
    genes: [PTPN11, BRAF, NRAS]
    protein_changes: [p.Glu76Lys]
    source: blombery2020
  - id: B-X3
    name: Site exclusion at BRAF V600E
    match: hotspot
    categories: [activating]
    genes: [BRAF]
    protein_changes: [p.Val600Glu]
    source: blombery2020
  - id: B-X4
    name: Site exclusion at NRAS Q61 stop
    match: hotspot
    categories: [other]
    genes: [NRAS]
    source: blombery2020
"""

SITE_ROUTE = """
  - subprotocol: E
    name: a site's IL7R trial
    genes: [IL7R]
    match: [hotspot]
    source: hemismart
"""


@pytest.fixture
def site_rules(tmp_path):
    text = (REPO / "resources/trial_rules/subprotocol_B.yaml").read_text(encoding="utf-8")
    anchor = (
        "    protein_changes: [p.Gly101Val, p.Phe104Leu, p.Phe104Cys]\n"
        "    criterion: NCT05751044 exclusion 5\n    source: blombery2019\n"
    )
    assert anchor in text
    text = text.replace(anchor, anchor + SITE_EXCLUSIONS.lstrip("\n")) + SITE_ROUTE
    path = tmp_path / "site_rules.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path)


def locus_record(h) -> dict:
    locus = h.loci["GRCh38"]
    return {"chrom": locus.chrom, "pos": locus.pos, "ref": locus.ref, "alt": locus.alt}


def test_the_first_exclusion_rule_fitting_gene_category_and_protein_matches(
    panel, site_rules, tmp_path
):
    v600e = next(h for h in panel.hotspots if h.short == "V600E" and h.hgvs_c == "c.1799T>A")
    records = [
        locus_record(v600e),
        locus_record(hotspot(panel, "BRAF", "G469A")),
        locus_record(hotspot(panel, "NRAS", "Q61*")),
    ]
    path = write_vcf(tmp_path, records, annotated=False)
    braf, other_braf, nras = read(panel, site_rules, path).findings
    assert (braf.status, braf.reason, braf.rule_id) == (
        Status.EXCLUSION,
        "venetoclax_resistance",
        "B-X3",
    )
    assert braf.classification == "BRAF p.Val600Glu (V600E): Site exclusion at BRAF V600E"
    # an allele the exclusion rules of its gene do not list is not an exclusion
    assert (other_braf.status, other_braf.rule_id) == (Status.REVIEW, "B-R1")
    assert (nras.status, nras.rule_id) == (Status.EXCLUSION, "B-X4")


def test_exclusion_codons_are_those_of_the_exclusion_genes_on_their_strand(
    panel, site_rules, tmp_path
):
    e76k = hotspot(panel, "PTPN11", "E76K").loci["GRCh38"]  # plus strand: codon e76k.pos + 0..2
    g12d = hotspot(panel, "KRAS", "G12D").loci["GRCh38"]  # KRAS: in no exclusion rule
    third = (e76k.chrom, e76k.pos + 2, "G", "T")
    kras = (g12d.chrom, g12d.pos - 1, "A", "G")
    for chrom, pos, ref, alt in (third, kras):
        assert panel.hotspot_for("GRCh38", chrom, pos, ref, alt) is None
    records = [{"chrom": c, "pos": p, "ref": r, "alt": a} for c, p, r, a in (third, kras)]
    ptpn11, k = read(panel, site_rules, write_vcf(tmp_path, records, annotated=False)).findings
    assert (ptpn11.would_be, ptpn11.rule_id, ptpn11.reason) == (
        Status.EXCLUSION,
        "B-X2",
        "filtered:not_interpretable_at_exclusion_codon",
    )
    assert ptpn11.classification.startswith(
        "PTPN11: change at the codon of p.Glu76Ala, p.Glu76Gln, p.Glu76Gly, p.Glu76Lys"
    )
    assert (k.status, k.reason) == (Status.VUS, "not_interpretable_without_annotation")


def test_a_hotspot_of_two_other_subprotocols_names_both(panel, site_rules, tmp_path):
    f = one(
        panel, site_rules, tmp_path, locus_record(hotspot(panel, "IL7R", "I241F")), annotated=False
    )
    assert (f.status, f.reason, f.routes) == (Status.VUS, "other_subprotocol_hotspot", ("C", "E"))
    assert f.classification == (
        "IL7R p.Ile241Phe (I241F): activating hotspot, not a sub-protocol B alteration; "
        "entry criterion of sub-protocol C, E"
    )


@pytest.fixture
def site_panel(tmp_path):
    folder = tmp_path / "panel"
    shutil.copytree(REPO / "resources/gene_lists", folder)
    hotspots = folder / "hotspots.tsv"
    text = hotspots.read_text(encoding="utf-8")
    row = "KRAS\tp.Gly12Asp\tG12D\t12\tc.35G>A\tNM_004985.5\t"
    assert row in text
    hotspots.write_text(text.replace(row, row.replace("NM_004985.5", "NM_004985.4")))
    exons = folder / "panel_exons.tsv"
    lines = exons.read_text(encoding="utf-8").splitlines(keepends=True)
    exons.write_text("".join(line for line in lines if not line.startswith("NF1\t")))
    return load_panel(folder)


def test_a_site_panel_hotspot_transcript_and_a_gene_without_exon_rows(
    panel, site_panel, rules, tmp_path
):
    assert not [e for e in site_panel.exons if e.gene == "NF1"]
    chrom, start, _ = exon(panel, "NF1", 14)
    records = [
        locus_record(hotspot(site_panel, "KRAS", "G12D")),
        {"chrom": chrom, "pos": start + 5, "ref": "A", "alt": "<DUP>", "end": start + 60},
    ]
    path = write_vcf(tmp_path, records, annotated=False)
    g12d, dup = read(site_panel, rules, path).findings
    assert (g12d.status, g12d.transcript, g12d.hgvs_c) == (Status.REVIEW, "NM_004985.4", "c.35G>A")
    assert dup.classification == "NF1: symbolic or spanning allele <DUP>, not a small variant"


def edited_rules(tmp_path: Path, old: str, new: str):
    text = (REPO / "resources/trial_rules/subprotocol_B.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited_rules.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_rules(path)


def test_a_symbolic_duplication_over_two_genes_is_named_after_the_itd_gene(panel, tmp_path):
    # a site's ITD rule that also looks at PDGFRB's last exon (23, its lowest coordinates)
    rules = edited_rules(
        tmp_path,
        "    genes: [FLT3]\n    exons: [14, 15]\n",
        "    genes: [FLT3, PDGFRB]\n    exons: [14, 15, 23]\n",
    )
    csf1r_end = panel.genes["CSF1R"].spans["GRCh38"][1]
    _, start23, _ = exon(panel, "PDGFRB", 23)
    pos, end = csf1r_end - 10, start23 + 50
    assert [g.symbol for g in panel.genes_at("GRCh38", "5", pos, end)] == ["CSF1R", "PDGFRB"]
    record = {"chrom": "5", "pos": pos, "ref": "A", "alt": "<DUP>", "end": end}
    f = one(panel, rules, tmp_path, record, annotated=False)
    assert (f.gene, f.would_be, f.rule_id) == ("PDGFRB", Status.REVIEW, "B-R6")
    assert f.classification == (
        "PDGFRB <DUP> in exon 23: possible FLT3 internal tandem duplication (juxtamembrane exons)"
    )


def test_a_synonymous_change_stays_benign_where_a_rule_lists_its_other_consequence(panel, tmp_path):
    # a site's CBL rule that also takes splice-region changes: VEP writes a synonymous
    # change at the exon's edge as splice_region_variant&synonymous_variant
    rules = edited_rules(
        tmp_path,
        "inframe_insertion, splice_acceptor_variant, splice_donor_variant]",
        "inframe_insertion, splice_acceptor_variant, splice_donor_variant, splice_region_variant]",
    )
    chrom, start, _ = exon(panel, "CBL", 8)
    entry = csq(
        panel, "CBL", "G", "splice_region_variant&synonymous_variant", "p.Leu366=", "c.1098A>G"
    )
    f = one(
        panel,
        rules,
        tmp_path,
        {"chrom": chrom, "pos": start + 2, "ref": "A", "alt": "G", "csq": [entry]},
    )
    assert (f.status, f.reason) == (Status.BENIGN, "synonymous")
    assert f.classification == "CBL p.Leu366=: synonymous change"
