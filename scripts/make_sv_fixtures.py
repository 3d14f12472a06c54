#!/usr/bin/env python3
"""Write the structural-variant and copy-number fixtures in tests/data/.

Every breakpoint is computed from the panel's MANE exon table (e.g. 5 kb into ABL1
intron 1 = exon 1 end + 5000, checked to lie before exon 2), never typed by hand. Each
file carries its caller's own header lines. See tests/data/README_structural.md.

    python scripts/make_sv_fixtures.py
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mapk_filter.panel import load_panel
from mapk_filter.readers.build import contig_lengths

OUT = Path(__file__).resolve().parents[1] / "tests" / "data"
PANEL = load_panel()
BUILD = "GRCh38"

MANTA_HEADER = [
    "##source=GenerateSVCandidates 1.6.0",
    "##reference=file:///ref/GRCh38.fa",
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">',
    '##INFO=<ID=EVENT,Number=1,Type=String,Description="ID of event associated to breakend">',
    '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic mutation">',
    '##INFO=<ID=SOMATICSCORE,Number=1,Type=Integer,Description="Somatic variant quality score">',
    '##INFO=<ID=INV3,Number=0,Type=Flag,Description="Inversion breakends open 3\' of reported location">',
    '##INFO=<ID=INV5,Number=0,Type=Flag,Description="Inversion breakends open 5\' of reported location">',
    '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads for the ref and alt alleles in the order listed, for reads where P(allele|read)>0.999">',
    '##FILTER=<ID=MinSomaticScore,Description="Somatic score is less than 30">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP:TANDEM,Description="Tandem Duplication">',
    '##ALT=<ID=INV,Description="Inversion">',
]
DELLY_HEADER = [
    '##FILTER=<ID=LowQual,Description="Poor quality and insufficient number of PEs and SRs.">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##ALT=<ID=INV,Description="Inversion">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="PE confidence interval around END">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="PE confidence interval around POS">',
    '##INFO=<ID=CHR2,Number=1,Type=String,Description="Chromosome for POS2 coordinate in case of an inter-chromosomal translocation">',
    '##INFO=<ID=POS2,Number=1,Type=Integer,Description="Genomic position for CHR2 in case of an inter-chromosomal translocation">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the structural variant">',
    '##INFO=<ID=PE,Number=1,Type=Integer,Description="Paired-end support of the structural variant">',
    '##INFO=<ID=MAPQ,Number=1,Type=Integer,Description="Median mapping quality of paired-ends">',
    '##INFO=<ID=SR,Number=1,Type=Integer,Description="Split-read support">',
    '##INFO=<ID=CT,Number=1,Type=String,Description="Paired-end signature induced connection type">',
    '##INFO=<ID=PRECISE,Number=0,Type=Flag,Description="Precise structural variation">',
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=SVMETHOD,Number=1,Type=String,Description="Type of approach used to detect SV">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=FT,Number=1,Type=String,Description="Per-sample genotype filter">',
    '##FORMAT=<ID=DR,Number=1,Type=Integer,Description="# high-quality reference pairs">',
    '##FORMAT=<ID=DV,Number=1,Type=Integer,Description="# high-quality variant pairs">',
    '##FORMAT=<ID=RR,Number=1,Type=Integer,Description="# high-quality reference junction reads">',
    '##FORMAT=<ID=RV,Number=1,Type=Integer,Description="# high-quality variant junction reads">',
]
GRIDSS_HEADER = [
    "##source=GRIDSS",
    '##FILTER=<ID=LOW_QUAL,Description="Low quality call">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakends">',
    '##INFO=<ID=EVENT,Number=1,Type=String,Description="ID of event associated to breakend">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS for imprecise variants">',
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
    '##INFO=<ID=VF,Number=1,Type=Integer,Description="Count of fragments supporting the variant breakpoint allele and not the reference allele.">',
    '##INFO=<ID=BVF,Number=1,Type=Integer,Description="Count of fragments providing breakend for the variant allele.">',
    '##FORMAT=<ID=VF,Number=1,Type=Integer,Description="Count of fragments supporting the variant breakpoint allele and not the reference allele.">',
    '##FORMAT=<ID=BVF,Number=1,Type=Integer,Description="Count of fragments providing breakend for the variant allele.">',
]
SVABA_HEADER = [
    "##source=svabaV1.1.0",
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=MATEID,Number=1,Type=String,Description="ID of mate breakends">',
    '##INFO=<ID=SCTG,Number=1,Type=String,Description="Identifier for the contig assembled by svaba to make the SV call">',
    '##INFO=<ID=EVDNC,Number=1,Type=String,Description="Provides type of evidence read that supports the SV">',
    '##INFO=<ID=SPAN,Number=1,Type=Integer,Description="Distance between the breakpoints. -1 for interchromosomal">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Most likely genotype">',
    '##FORMAT=<ID=AD,Number=1,Type=Integer,Description="Allele depth: Number of reads supporting the variant">',
    '##FORMAT=<ID=SR,Number=1,Type=Integer,Description="Number of spanning reads for this variants">',
    '##FORMAT=<ID=DR,Number=1,Type=Integer,Description="Number of discordant-supported reads for this variant">',
]
CNVKIT_HEADER = [
    "##source=CNVkit v0.9.10",
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">',
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">',
    '##INFO=<ID=FOLD_CHANGE,Number=1,Type=Float,Description="Fold change">',
    '##INFO=<ID=FOLD_CHANGE_LOG,Number=1,Type=Float,Description="Log fold change">',
    '##INFO=<ID=PROBES,Number=1,Type=Integer,Description="Number of probes in CNV">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Float,Description="Genotype quality">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number genotype for imprecise events">',
]
GATK_CNV_HEADER = [
    "##source=PostprocessGermlineCNVCalls",
    '##GATKCommandLine=<ID=PostprocessGermlineCNVCalls,CommandLine="PostprocessGermlineCNVCalls ...">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End coordinate of the variant">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number maximum a posteriori value">',
    '##FORMAT=<ID=NP,Number=1,Type=Integer,Description="Number of points (i.e. targets or bins) in the variant">',
    '##FORMAT=<ID=QS,Number=1,Type=Integer,Description="Complementary Phred-scaled probability that this event is non-reference">',
]


def exon(gene: str, number: int) -> tuple[int, int]:
    for e in PANEL.exons:
        if e.gene == gene and e.number == number:
            return e.spans[BUILD]
    raise SystemExit(f"no exon {gene} {number}")


def in_intron(gene: str, number: int, offset: int) -> int:
    """A position ``offset`` bp into intron ``number`` (after exon number), strand aware."""
    strand = PANEL.genes[gene].strand
    here, nxt = exon(gene, number), exon(gene, number + 1)
    pos = here[1] + offset if strand == "+" else here[0] - offset
    if not (here[1] < pos < nxt[0] if strand == "+" else nxt[1] < pos < here[0]):
        raise SystemExit(f"{gene} intron {number} is shorter than {offset} bp")
    return pos


def outside_gene(chrom: str, pos: int) -> int:
    if PANEL.genes_at(BUILD, chrom, pos):
        raise SystemExit(f"{chrom}:{pos} is in a panel gene")
    return pos


# Breakpoints, all from the exon table.
ABL1_I1 = in_intron("ABL1", 1, 5000)  # ABL1 intron 1 (after MANE exon 1a, before exon 2)
NUP214_I32 = in_intron("NUP214", 32, 1000)
ETV6_I5 = in_intron("ETV6", 5, 2000)
BCR_I13 = in_intron("BCR", 13, 500)  # M-bcr
EBF1_I15 = in_intron("EBF1", 15, 1500)
PDGFRB_I10 = in_intron("PDGFRB", 10, 500)  # before exon 11: B-L3
PDGFRB_I21 = in_intron("PDGFRB", 21, 300)  # past the kinase-domain exons
BG_2, BG_3 = outside_gene("2", 50_000_000), outside_gene("3", 60_000_000)


@dataclass
class Vcf:
    name: str
    header: list[str]
    samples: list[str]
    rows: list[str] = field(default_factory=list)

    def add(self, *fields: object) -> None:
        self.rows.append("\t".join(str(f) for f in fields))

    def write(self, sites_only: bool = False) -> None:
        """The VCF with GRCh38 contig lengths; ``sites_only``: no FORMAT or sample columns."""
        lengths = contig_lengths()[BUILD]
        contigs = [f"##contig=<ID=chr{c},length={n}>" for c, n in lengths.items()]
        columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
        if not sites_only:
            columns += ["FORMAT", *self.samples]
        text = ["##fileformat=VCFv4.2", *self.header, *contigs, "\t".join(columns), *self.rows]
        (OUT / f"{self.name}.vcf").write_text("\n".join(text) + "\n", encoding="utf-8")


def manta_pair(
    v: Vcf,
    name: str,
    a: tuple[str, int, str],
    b: tuple[str, int, str],
    reads: tuple[str, str],
    filt: str = "PASS",
    info: str = "",
) -> None:
    """A Manta BND mate pair; a/b = (chrom, pos, ALT)."""
    for (chrom, pos, alt), mine, mate in (
        (a, f"{name}:0:1:0:0:0:0", f"{name}:0:1:0:0:0:1"),
        (b, f"{name}:0:1:0:0:0:1", f"{name}:0:1:0:0:0:0"),
    ):
        v.add(
            f"chr{chrom}",
            pos,
            mine,
            "N",
            alt,
            ".",
            filt,
            f"SVTYPE=BND;MATEID={mate};SOMATIC;SOMATICSCORE=60{info}",
            "PR:SR",
            *reads,
        )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tn = ["NORMAL_S", "TUMOR_S"]

    # NUP214::ABL1: tandem duplication, copy 1 ends in NUP214 intron 32, copy 2 starts in
    # ABL1 intron 1. The same junction in Manta, DELLY and GRIDSS notation.
    v = Vcf("sv_manta_nup214_abl1", MANTA_HEADER, tn)
    v.add(
        "chr9",
        ABL1_I1 - 1,
        "MantaDUP:TANDEM:1:0:1:0:0:0",
        "N",
        "<DUP:TANDEM>",
        ".",
        "PASS",
        f"END={NUP214_I32};SVTYPE=DUP;SVLEN={NUP214_I32 - ABL1_I1 + 1};SOMATIC;SOMATICSCORE=80",
        "PR:SR",
        "30,0:25,0",
        "22,14:20,9",
    )
    v.add(
        "chr2",
        BG_2,
        "MantaDEL:2:0:1:0:0:0",
        "N",
        "<DEL>",
        ".",
        "PASS",
        f"END={BG_2 + 5000};SVTYPE=DEL;SVLEN=-5000",
        "PR:SR",
        "30,0:25,0",
        "20,8:21,6",
    )
    v.add(
        "chr3",
        BG_3,
        "MantaINV:3:0:1:0:0:0",
        "N",
        "<INV>",
        ".",
        "PASS",
        f"END={BG_3 + 20000};SVTYPE=INV;SVLEN=20000",
        "PR:SR",
        "30,0:25,0",
        "20,8:21,6",
    )
    manta_pair(
        v,
        "MantaBND:4",
        ("2", BG_2 + 100_000, f"N[chr3:{BG_3 + 100_000}["),
        ("3", BG_3 + 100_000, f"]chr2:{BG_2 + 100_000}]N"),
        ("30,0:25,0", "20,7:19,5"),
    )
    v.write()

    v = Vcf("sv_delly_nup214_abl1", DELLY_HEADER, tn)
    v.add(
        "chr9",
        ABL1_I1,
        "DUP00000001",
        "N",
        "<DUP>",
        ".",
        "PASS",
        f"PRECISE;SVTYPE=DUP;SVMETHOD=EMBL.DELLYv1.1.6;END={NUP214_I32};PE=14;MAPQ=60;CT=5to3;SR=9",
        "GT:FT:DR:DV:RR:RV",
        "0/0:PASS:30:0:25:0",
        "0/1:PASS:22:14:20:9",
    )
    v.add(
        "chr2",
        BG_2,
        "DEL00000002",
        "N",
        "<DEL>",
        ".",
        "PASS",
        f"PRECISE;SVTYPE=DEL;SVMETHOD=EMBL.DELLYv1.1.6;END={BG_2 + 5000};PE=8;MAPQ=60;CT=3to5;SR=6",
        "GT:FT:DR:DV:RR:RV",
        "0/0:PASS:30:0:25:0",
        "0/1:PASS:20:8:21:6",
    )
    v.write()

    v = Vcf("sv_gridss_nup214_abl1", GRIDSS_HEADER, tn)
    v.add(
        "chr9",
        ABL1_I1,
        "gridss1_1o",
        "N",
        f"]chr9:{NUP214_I32}]N",
        "812.4",
        "PASS",
        "SVTYPE=BND;MATEID=gridss1_1h;EVENT=gridss1_1;VF=23",
        "VF",
        "0",
        "23",
    )
    v.add(
        "chr9",
        NUP214_I32,
        "gridss1_1h",
        "N",
        f"N[chr9:{ABL1_I1}[",
        "812.4",
        "PASS",
        "SVTYPE=BND;MATEID=gridss1_1o;EVENT=gridss1_1;VF=23",
        "VF",
        "0",
        "23",
    )
    v.write()

    # GRIDSS: a BND pair without MATEID (ETV6::ABL1) and single breakends ("." partner).
    v = Vcf("sv_gridss_breakends", GRIDSS_HEADER, tn)
    v.add(
        "chr9",
        ABL1_I1,
        "gridss2_1o",
        "N",
        f"]chr12:{ETV6_I5}]N",
        "500",
        "PASS",
        "SVTYPE=BND;VF=17",
        "VF",
        "0",
        "17",
    )
    v.add(
        "chr12",
        ETV6_I5,
        "gridss2_1h",
        "N",
        f"N[chr9:{ABL1_I1}[",
        "500",
        "PASS",
        "SVTYPE=BND;VF=17",
        "VF",
        "0",
        "17",
    )
    v.add(
        "chr5",
        PDGFRB_I10,
        "gridss3_b",
        "N",
        ".N",
        "300",
        "PASS",
        "SVTYPE=BND;BVF=11",
        "BVF",
        "0",
        "11",
    )
    v.add(
        "chr2", BG_2, "gridss4_b", "N", "NACGT.", "300", "PASS", "SVTYPE=BND;BVF=9", "BVF", "0", "9"
    )
    v.write()

    # EBF1::PDGFRB: 5q deletion from PDGFRB intron 10 to EBF1 intron 15 (both minus strand).
    v = Vcf("sv_manta_ebf1_pdgfrb", MANTA_HEADER, tn)
    v.add(
        "chr5",
        PDGFRB_I10,
        "MantaDEL:5:0:1:0:0:0",
        "N",
        "<DEL>",
        ".",
        "PASS",
        f"END={EBF1_I15 - 1};SVTYPE=DEL;SVLEN={PDGFRB_I10 - EBF1_I15 + 1};SOMATIC;SOMATICSCORE=70",
        "PR:SR",
        "30,0:25,0",
        "18,12:17,10",
    )
    v.write()

    # The same deletion with the PDGFRB breakpoint past the kinase-domain exons.
    v = Vcf("sv_manta_pdgfrb_past_kinase", MANTA_HEADER, tn)
    v.add(
        "chr5",
        PDGFRB_I21,
        "MantaDEL:6:0:1:0:0:0",
        "N",
        "<DEL>",
        ".",
        "PASS",
        f"END={EBF1_I15 - 1};SVTYPE=DEL;SVLEN={PDGFRB_I21 - EBF1_I15 + 1};SOMATIC;SOMATICSCORE=70",
        "PR:SR",
        "30,0:25,0",
        "18,12:17,10",
    )
    v.write()

    # ETV6::ABL1 t(9;12): Manta BND mates.
    v = Vcf("sv_manta_etv6_abl1", MANTA_HEADER, tn)
    manta_pair(
        v,
        "MantaBND:7",
        ("9", ABL1_I1, f"]chr12:{ETV6_I5}]N"),
        ("12", ETV6_I5, f"N[chr9:{ABL1_I1}["),
        normal_reads_pair("16,11", "15,8"),
    )
    v.write()

    # The reciprocal ABL1::ETV6 junction alone (ABL1 5' part joined to ETV6 3' part).
    v = Vcf("sv_manta_abl1_etv6_reciprocal", MANTA_HEADER, tn)
    manta_pair(
        v,
        "MantaBND:8",
        ("9", ABL1_I1 + 1, f"N[chr12:{ETV6_I5 + 1}["),
        ("12", ETV6_I5 + 1, f"]chr9:{ABL1_I1 + 1}]N"),
        normal_reads_pair("16,11", "15,8"),
    )
    v.write()

    # BCR::ABL1 t(9;22) in SvABA notation.
    v = Vcf("sv_svaba_bcr_abl1", SVABA_HEADER, tn)
    v.add(
        "chr22",
        BCR_I13,
        "1:1",
        "N",
        f"N[chr9:{ABL1_I1}[",
        "60",
        "PASS",
        "SVTYPE=BND;MATEID=1:2;SCTG=c_22_1_2;EVDNC=ASDIS;SPAN=-1",
        "GT:AD:SR:DR",
        "0/0:0:0:0",
        "0/1:21:12:9",
    )
    v.add(
        "chr9",
        ABL1_I1,
        "1:2",
        "N",
        f"]chr22:{BCR_I13}]N",
        "60",
        "PASS",
        "SVTYPE=BND;MATEID=1:1;SCTG=c_22_1_2;EVDNC=ASDIS;SPAN=-1",
        "GT:AD:SR:DR",
        "0/0:0:0:0",
        "0/1:21:12:9",
    )
    v.write()

    # QC: a NUP214::ABL1 call with 3 reads that the caller filtered, and an imprecise
    # ETV6::ABL1 call whose CIPOS reaches past the start of ABL1 exon 2.
    exon2 = exon("ABL1", 2)
    near = exon2[0] - 100
    v = Vcf("sv_manta_qc", MANTA_HEADER, tn)
    v.add(
        "chr9",
        ABL1_I1 - 1,
        "MantaDUP:TANDEM:9:0:1:0:0:0",
        "N",
        "<DUP:TANDEM>",
        ".",
        "MinSomaticScore",
        f"END={NUP214_I32};SVTYPE=DUP;SOMATIC;SOMATICSCORE=12",
        "PR:SR",
        "30,0:25,0",
        "30,2:25,1",
    )
    manta_pair(
        v,
        "MantaBND:10",
        ("9", near, f"]chr12:{ETV6_I5}]N"),
        ("12", ETV6_I5, f"N[chr9:{near}["),
        normal_reads_pair("16,11", "15,8"),
        info=";IMPRECISE;CIPOS=-50,300",
    )
    v.write()

    # Malformed: record 2's breakend ALT has a non-numeric mate position.
    v = Vcf("sv_malformed", MANTA_HEADER, tn)
    v.add(
        "chr2",
        BG_2,
        "MantaDEL:2:0:1:0:0:0",
        "N",
        "<DEL>",
        ".",
        "PASS",
        f"END={BG_2 + 5000};SVTYPE=DEL",
        "PR:SR",
        "30,0:25,0",
        "20,8:21,6",
    )
    v.add(
        "chr9",
        ABL1_I1,
        "MantaBND:11:0:1:0:0:0",
        "N",
        "]chr12:one-two]N",
        ".",
        "PASS",
        "SVTYPE=BND",
        "PR:SR",
        "30,0:25,0",
        "20,8:21,6",
    )
    v.write()

    write_copy_number()
    write_rna_fusions()


def normal_reads_pair(pr: str, sr: str) -> tuple[str, str]:
    """(normal PR:SR, tumour PR:SR) for a Manta pair; the normal has no alt reads."""
    return "30,0:25,0", f"{pr}:{sr}"


def write_copy_number() -> None:
    abl1 = PANEL.genes["ABL1"].spans[BUILD]
    amp = (abl1[0] - 50_000, abl1[1] + 50_000)  # focal: ABL1 plus 50 kb each side
    if any(g.symbol != "ABL1" for g in PANEL.genes_at(BUILD, "9", *amp)):
        raise SystemExit("the focal ABL1 segment overlaps another panel gene")
    v = Vcf("cnv_cnvkit_abl1_amp", CNVKIT_HEADER, ["TUMOR_S"])
    v.add(
        "chr9",
        amp[0],
        ".",
        "N",
        "<DUP>",
        ".",
        ".",
        f"IMPRECISE;SVTYPE=DUP;END={amp[1]};SVLEN={amp[1] - amp[0]};FOLD_CHANGE=3.0;"
        "FOLD_CHANGE_LOG=1.585;PROBES=120",
        "GT:GQ:CN",
        "0/1:50:6",
    )
    v.add(
        "chr2",
        BG_2,
        ".",
        "N",
        "<DEL>",
        ".",
        ".",
        f"IMPRECISE;SVTYPE=DEL;END={BG_2 + 400_000};SVLEN=-400000;FOLD_CHANGE=0.5;"
        "FOLD_CHANGE_LOG=-1;PROBES=40",
        "GT:GQ:CN",
        "0/1:40:1",
    )
    v.write()

    v = Vcf("cnv_gatk_abl1_gain", GATK_CNV_HEADER, ["TUMOR_S"])
    v.add(
        "chr9",
        amp[0],
        "CNV_chr9_1",
        "N",
        "<DUP>",
        ".",
        ".",
        f"END={amp[1]}",
        "GT:CN:NP:QS",
        "2:3:120:80",
    )
    v.add(
        "chr3",
        BG_3,
        "CNV_chr3_2",
        "N",
        "<DEL>",
        ".",
        ".",
        f"END={BG_3 + 300_000}",
        "GT:CN:NP:QS",
        "1:1:30:60",
    )
    v.write()

    chr9 = contig_lengths()[BUILD]["9"]
    header = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"
    rows = [  # .cns start is 0-based
        ("chr9", 0, amp[0] - 1, "-", "0.01", "2", "410.2", "9000", "880.1"),
        ("chr9", amp[0] - 1, amp[1], "ABL1,QRFP,FIBCD1", "1.585", "6", "1250.4", "120", "110.3"),
        ("chr9", amp[1], chr9, "-", "-0.02", "2", "405.9", "2100", "200.7"),
        ("chr2", BG_2 - 1, BG_2 + 400_000, "-", "-1.0", "1", "200.2", "40", "38.0"),
    ]
    body = "\n".join("\t".join(str(x) for x in r) for r in rows)
    (OUT / "cnvkit_abl1_amp.cns").write_text(f"{header}\n{body}\n", encoding="utf-8")
    header = "chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight"
    rows2 = [("chr9", amp[0] - 1, amp[1], "ABL1", "0.585", "620.3", "120", "110.3")]
    body = "\n".join("\t".join(str(x) for x in r) for r in rows2)
    (OUT / "cnvkit_abl1_gain_log2.cns").write_text(f"{header}\n{body}\n", encoding="utf-8")


ARRIBA_COLUMNS = [
    "#gene1",
    "gene2",
    "strand1(gene/fusion)",
    "strand2(gene/fusion)",
    "breakpoint1",
    "breakpoint2",
    "site1",
    "site2",
    "type",
    "split_reads1",
    "split_reads2",
    "discordant_mates",
    "coverage1",
    "coverage2",
    "confidence",
    "reading_frame",
    "tags",
    "retained_protein_domains",
    "closest_genomic_breakpoint1",
    "closest_genomic_breakpoint2",
    "gene_id1",
    "gene_id2",
    "transcript_id1",
    "transcript_id2",
    "direction1",
    "direction2",
    "filters",
    "fusion_transcript",
    "peptide_sequence",
    "read_identifiers",
]
STAR_FUSION_COLUMNS = [
    "#FusionName",
    "JunctionReadCount",
    "SpanningFragCount",
    "est_J",
    "est_S",
    "SpliceType",
    "LeftGene",
    "LeftBreakpoint",
    "RightGene",
    "RightBreakpoint",
    "LargeAnchorSupport",
    "FFPM",
    "LeftBreakDinuc",
    "LeftBreakEntropy",
    "RightBreakDinuc",
    "RightBreakEntropy",
    "annots",
]


def exon_end(gene: str, number: int) -> int:
    """Last transcribed base of an exon (its 3' end in transcript orientation)."""
    low, high = exon(gene, number)
    return high if PANEL.genes[gene].strand == "+" else low


def exon_start(gene: str, number: int) -> int:
    """First transcribed base of an exon (its 5' end in transcript orientation)."""
    low, high = exon(gene, number)
    return low if PANEL.genes[gene].strand == "+" else high


def arriba_row(
    five: str,
    five_exon: int,
    three: str,
    three_exon: int,
    reads: tuple[int, int, int],
    confidence: str,
) -> list[str]:
    g5, g3 = PANEL.genes[five], PANEL.genes[three]
    return [
        five,
        three,
        f"{g5.strand}/{g5.strand}",
        f"{g3.strand}/{g3.strand}",
        f"{g5.chrom}:{exon_end(five, five_exon)}",
        f"{g3.chrom}:{exon_start(three, three_exon)}",
        "splice-site",
        "splice-site",
        "translocation" if g5.chrom != g3.chrom else "deletion",
        str(reads[0]),
        str(reads[1]),
        str(reads[2]),
        "120",
        "95",
        confidence,
        "in-frame",
        ".",
        ".",
        ".",
        ".",
        g5.ensembl_gene,
        g3.ensembl_gene,
        g5.ensembl_mane,
        g3.ensembl_mane,
        "downstream",
        "upstream",
        ".",
        ".",
        ".",
        ".",
    ]


def write_rna_fusions() -> None:
    """Arriba and STAR-Fusion calls, breakpoints on the panel's MANE exon boundaries."""
    rows = [
        arriba_row("ETV6", 5, "ABL1", 2, (12, 9, 6), "high"),  # keeps ABL1 exon 2: B-L1
        arriba_row("ETV6", 5, "ABL1", 3, (10, 8, 4), "high"),  # from exon 3: exon 2 lost
        arriba_row("NUP214", 32, "ABL1", 2, (1, 1, 0), "low"),  # 2 reads, low confidence
    ]
    text = "\t".join(ARRIBA_COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    (OUT / "rna_arriba_etv6_abl1.tsv").write_text(text, encoding="utf-8")
    e, p = PANEL.genes["EBF1"], PANEL.genes["PDGFRB"]
    left = f"chr{e.chrom}:{exon_end('EBF1', 15)}:{e.strand}"
    right = f"chr{p.chrom}:{exon_start('PDGFRB', 11)}:{p.strand}"
    star = [
        "EBF1--PDGFRB",
        "18",
        "11",
        "18.00",
        "11.00",
        "ONLY_REF_SPLICE",
        f"EBF1^{e.ensembl_gene}",
        left,
        f"PDGFRB^{p.ensembl_gene}",
        right,
        "YES_LDAS",
        "2.1",
        "GT",
        "1.8",
        "AG",
        "1.9",
        '["INTRACHROMOSOMAL[chr5:0.08Mb]"]',
    ]
    text = "\t".join(STAR_FUSION_COLUMNS) + "\n" + "\t".join(star) + "\n"
    (OUT / "rna_starfusion_ebf1_pdgfrb.tsv").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
