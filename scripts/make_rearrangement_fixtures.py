#!/usr/bin/env python3
"""Write the fixtures that probe the fusion, amplification and routing principles.

Each file shows one principle (tests/data/rearrangements/README.md says which): a junction
with both ends in one gene, one that cannot make the listed product, a partner joined 5' of
ABL1, the PAR1 deletion P2RY8::CRLF2, IGH::CRLF2, PAX5::JAK2, KIAA1549::BRAF, a sites-only
VCF, RNA frame verdicts, amplified segments that do or do not cover the kinase, NF1 loss.
Every position is computed from the panel's MANE exons or the genome gene table, never
typed by hand; the script checks each one lies where its comment says.

    python scripts/make_rearrangement_fixtures.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sv_fixtures import (
    ARRIBA_COLUMNS,
    CNVKIT_HEADER,
    DELLY_HEADER,
    MANTA_HEADER,
    PANEL,
    STAR_FUSION_COLUMNS,
    Vcf,
    arriba_row,
    exon,
    exon_end,
    exon_start,
    in_intron,
    manta_pair,
    normal_reads_pair,
)

from mapk_filter.genome_genes import load_genome_genes

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "rearrangements"
BUILD = "GRCh38"
GENES = load_genome_genes()
TN = ["NORMAL_S", "TUMOR_S"]
TUMOR_READS = normal_reads_pair("18,12", "17,10")  # 22 alt reads in the tumour


def genome_gene(symbol: str, chrom: str) -> tuple[int, int, str]:
    (gene,) = [g for g in GENES.by_symbol(symbol) if g.chrom == chrom]
    start, end = gene.spans[BUILD]
    return start, end, gene.strand


def five_prime_end(symbol: str) -> int:
    g = PANEL.genes[symbol]
    start, end = g.spans[BUILD]
    return start if g.strand == "+" else end


def check_intergenic(chrom: str, pos: int) -> int:
    if GENES.genes_at(BUILD, chrom, pos):
        raise SystemExit(f"{chrom}:{pos} is inside a gene")
    return pos


def check_in(symbol: str, chrom: str, pos: int) -> int:
    if symbol not in [g.symbol for g in GENES.genes_at(BUILD, chrom, pos)]:
        raise SystemExit(f"{chrom}:{pos} is not in {symbol}")
    return pos


def manta_record(v: Vcf, chrom: str, pos: int, ident: str, alt: str, info: str) -> None:
    v.add(f"chr{chrom}", pos, ident, "N", alt, ".", "PASS", info, "PR:SR", *TUMOR_READS)


def write_structural() -> None:
    abl1_i1 = in_intron("ABL1", 1, 5000)
    # 1. A 300-bp deletion inside ABL1 intron 1: both ends in one gene, intronic.
    v = Vcf("rearrangements/sv_manta_abl1_intron1_deletion_300bp", MANTA_HEADER, TN)
    manta_record(
        v, "9", abl1_i1, "MantaDEL:20:0:1:0:0:0", "<DEL>", f"END={abl1_i1 + 300};SVTYPE=DEL"
    )
    v.write()

    # 2. A 400-bp deletion inside PDGFRB intron 10 (minus strand: before exon 11).
    p10 = in_intron("PDGFRB", 10, 800)
    v = Vcf("rearrangements/sv_manta_pdgfrb_intron10_deletion", MANTA_HEADER, TN)
    manta_record(v, "5", p10, "MantaDEL:21:0:1:0:0:0", "<DEL>", f"END={p10 + 400};SVTYPE=DEL")
    v.write()

    # 3. A tandem duplication of ABL1 exons 4-6 (intron 3 to intron 6): kinase exons.
    a3, a6 = in_intron("ABL1", 3, 300), in_intron("ABL1", 6, 300)
    v = Vcf("rearrangements/sv_manta_abl1_kinase_exons_duplication", MANTA_HEADER, TN)
    manta_record(
        v,
        "9",
        a3,
        "MantaDUP:TANDEM:22:0:1:0:0:0",
        "<DUP:TANDEM>",
        f"END={a6};SVTYPE=DUP;SVLEN={a6 - a3}",
    )
    v.write()

    # 4. An inversion between PDGFRB intron 10 and EBF1 intron 15 (both minus strand):
    # the right introns, but an inversion cannot join EBF1's 5' part to PDGFRB's 3' part.
    p10b, e15 = in_intron("PDGFRB", 10, 500), in_intron("EBF1", 15, 1500)
    v = Vcf("rearrangements/sv_manta_ebf1_pdgfrb_inversion", MANTA_HEADER, TN)
    manta_record(v, "5", p10b, "MantaINV:23:0:1:0:0:0", "<INV>", f"END={e15};SVTYPE=INV")
    v.write()

    # 5. BCR intron 13 joined 3 kb 5' of ABL1 (upstream of exon 1b, intergenic), ABL1 kept.
    bcr = in_intron("BCR", 13, 500)
    up = check_intergenic("9", five_prime_end("ABL1") - 3000)
    v = Vcf("rearrangements/sv_manta_bcr_upstream_abl1", MANTA_HEADER, TN)
    manta_pair(
        v,
        "MantaBND:24",
        ("22", bcr, f"N[chr9:{up}["),
        ("9", up, f"]chr22:{bcr}]N"),
        TUMOR_READS,
    )
    v.write()

    # 6. PAR1 deletion P2RY8::CRLF2: 5' end in P2RY8 (2 kb below its 5' end: intron 1 of
    # its MANE transcript, exon 1 X:1536920-1537185 and exon 2 ending at X:1466582 in
    # GENCODE v44), 3' end 10 kb upstream of CRLF2 (both minus strand).
    crlf2_up = check_intergenic("X", five_prime_end("CRLF2") + 10_000)
    p2ry8 = check_in("P2RY8", "X", genome_gene("P2RY8", "X")[1] - 2000)
    v = Vcf("rearrangements/sv_manta_p2ry8_crlf2_deletion", MANTA_HEADER, TN)
    manta_record(
        v,
        "X",
        crlf2_up,
        "MantaDEL:25:0:1:0:0:0",
        "<DEL>",
        f"END={p2ry8};SVTYPE=DEL;SVLEN={crlf2_up - p2ry8}",
    )
    v.write()

    # 7. IGH::CRLF2 t(X;14) in DELLY notation: X 20 kb upstream of CRLF2 (kept upstream:
    # the whole CRLF2 gene), joined to the IGH locus.
    x = check_intergenic("X", five_prime_end("CRLF2") + 20_000)
    igh_start, igh_end, _ = genome_gene("IGH", "14")
    igh = (igh_start + igh_end) // 2
    v = Vcf("rearrangements/sv_delly_igh_crlf2", DELLY_HEADER, TN)
    v.add(
        "chrX",
        x,
        "BND00000007",
        "N",
        "<BND>",
        ".",
        "PASS",
        f"PRECISE;SVTYPE=BND;SVMETHOD=EMBL.DELLYv1.1.6;CHR2=chr14;POS2={igh};END={x + 1};"
        "PE=11;MAPQ=60;CT=3to5;SR=7",
        "GT:FT:DR:DV:RR:RV",
        "0/0:PASS:30:0:25:0",
        "0/1:PASS:20:11:18:7",
    )
    v.write()

    # 8. PAX5::JAK2: PAX5 (minus) 5' part joined to JAK2 (plus) from intron 18, before the
    # JH1 kinase exons 19-25.
    _, pax5_end, _ = genome_gene("PAX5", "9")
    pax5 = check_in("PAX5", "9", pax5_end - 30_000)
    jak2 = in_intron("JAK2", 18, 500)
    v = Vcf("rearrangements/sv_manta_pax5_jak2", MANTA_HEADER, TN)
    manta_pair(
        v,
        "MantaBND:26",
        ("9", jak2, f"[chr9:{pax5}[N"),
        ("9", pax5, f"[chr9:{jak2}[N"),
        TUMOR_READS,
    )
    v.write()

    # 9. KIAA1549::BRAF tandem duplication (7q34, both minus strand): BRAF kept from
    # intron 8, before its kinase exons 11-18.
    k_start, k_end, _ = genome_gene("KIAA1549", "7")
    kiaa = check_in("KIAA1549", "7", (k_start + k_end) // 2)
    braf = in_intron("BRAF", 8, 1000)
    v = Vcf("rearrangements/sv_manta_kiaa1549_braf_duplication", MANTA_HEADER, TN)
    manta_record(
        v,
        "7",
        kiaa,
        "MantaDUP:TANDEM:27:0:1:0:0:0",
        "<DUP:TANDEM>",
        f"END={braf};SVTYPE=DUP;SVLEN={braf - kiaa}",
    )
    v.write()

    # 10. NF1: an intragenic deletion of exons 2-10, and a deletion of the whole gene.
    n1, n10 = in_intron("NF1", 1, 2000), in_intron("NF1", 10, 200)
    nf1_start, nf1_end = PANEL.genes["NF1"].spans[BUILD]
    v = Vcf("rearrangements/sv_manta_nf1_deletions", MANTA_HEADER, TN)
    manta_record(v, "17", n1, "MantaDEL:28:0:1:0:0:0", "<DEL>", f"END={n10};SVTYPE=DEL")
    manta_record(
        v,
        "17",
        nf1_start - 50_000,
        "MantaDEL:29:0:1:0:0:0",
        "<DEL>",
        f"END={nf1_end + 50_000};SVTYPE=DEL",
    )
    v.write()

    write_sites_only()
    write_several_per_file()


def write_several_per_file() -> None:
    """Files where one gene pair has several junctions: each must be judged on its own."""
    # A balanced t(9;22) as Manta writes it, sorted by position: the reciprocal ABL1::BCR
    # junction (ABL1 5' part, kept upstream) comes first, the forward BCR::ABL1 one 11 bp on.
    abl1, bcr = in_intron("ABL1", 1, 5000), in_intron("BCR", 13, 500)
    v = Vcf("rearrangements/sv_manta_bcr_abl1_balanced_reciprocal_first", MANTA_HEADER, TN)
    rows = [
        ("9", abl1, "MantaBND:30:0:1:0:0:0:0", f"N[chr22:{bcr + 11}[", "MantaBND:30:0:1:0:0:0:1"),
        ("9", abl1 + 11, "MantaBND:31:0:1:0:0:0:0", f"]chr22:{bcr}]N", "MantaBND:31:0:1:0:0:0:1"),
        ("22", bcr, "MantaBND:31:0:1:0:0:0:1", f"N[chr9:{abl1 + 11}[", "MantaBND:31:0:1:0:0:0:0"),
        ("22", bcr + 11, "MantaBND:30:0:1:0:0:0:1", f"]chr9:{abl1}]N", "MantaBND:30:0:1:0:0:0:0"),
    ]
    for chrom, pos, ident, alt, mate in rows:
        manta_record(v, chrom, pos, ident, alt, f"SVTYPE=BND;MATEID={mate};SOMATIC")
    v.write()

    # The reciprocal ABL1::ETV6 (ABL1 intron 1) and an ETV6::ABL1 junction into ABL1
    # intron 10, past the kinase exons: that one cannot answer the reciprocal's doubt.
    etv6, a10 = in_intron("ETV6", 5, 2000), in_intron("ABL1", 10, 100)
    v = Vcf("rearrangements/sv_manta_abl1_reciprocal_and_kinase_lost_forward", MANTA_HEADER, TN)
    manta_pair(
        v,
        "MantaBND:32",
        ("9", abl1, f"N[chr12:{etv6 + 10}["),
        ("12", etv6 + 10, f"]chr9:{abl1}]N"),
        TUMOR_READS,
    )
    manta_pair(
        v,
        "MantaBND:33",
        ("9", a10, f"]chr12:{etv6}]N"),
        ("12", etv6, f"N[chr9:{a10}["),
        TUMOR_READS,
    )
    v.write()


def write_sites_only() -> None:
    """Sites-only VCFs: no FORMAT, no sample columns; support (if any) in INFO."""
    header = [
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakends">',
        '##INFO=<ID=SR,Number=1,Type=Integer,Description="Split reads supporting the fusion">',
        '##INFO=<ID=SP,Number=1,Type=Integer,Description="Spanning pairs supporting the fusion">',
    ]
    # FIP1L1::PDGFRA (4q12 deletion, both plus strand): PDGFRA kept from intron 11.
    fip_start, fip_end, _ = genome_gene("FIP1L1", "4")
    fip = check_in("FIP1L1", "4", (fip_start + fip_end) // 2)
    pdgfra = in_intron("PDGFRA", 11, 200)
    v = Vcf("rearrangements/sv_sites_only_fip1l1_pdgfra", header, [])
    for ident, mate, chrom, pos, alt in (
        ("fus1_a", "fus1_b", "4", fip, f"N[chr4:{pdgfra}["),
        ("fus1_b", "fus1_a", "4", pdgfra, f"]chr4:{fip}]N"),
    ):
        v.add(
            f"chr{chrom}", pos, ident, "N", alt, ".", "PASS", f"SVTYPE=BND;MATEID={mate};SR=12;SP=9"
        )
    v.write(sites_only=True)

    # ETV6::ABL1 with no read support anywhere (as a TSV-to-VCF conversion writes it).
    etv6, abl1 = in_intron("ETV6", 5, 2000), in_intron("ABL1", 1, 5000)
    v = Vcf("rearrangements/sv_sites_only_etv6_abl1_no_support", header[:2], [])
    for ident, mate, chrom, pos, alt in (
        ("fus2_a", "fus2_b", "12", etv6, f"N[chr9:{abl1}["),
        ("fus2_b", "fus2_a", "9", abl1, f"]chr12:{etv6}]N"),
    ):
        v.add(f"chr{chrom}", pos, ident, "N", alt, ".", "PASS", f"SVTYPE=BND;MATEID={mate}")
    v.write(sites_only=True)


STAR_CODING_COLUMNS = [
    "CDS_LEFT_ID",
    "CDS_LEFT_RANGE",
    "CDS_RIGHT_ID",
    "CDS_RIGHT_RANGE",
    "PROT_FUSION_TYPE",
    "FUSION_MODEL",
    "FUSION_CDS",
    "FUSION_TRANSL",
    "PFAM_LEFT",
    "PFAM_RIGHT",
]
FUSIONCATCHER_COLUMNS = [
    "Gene_1_symbol(5end_fusion_partner)",
    "Gene_2_symbol(3end_fusion_partner)",
    "Fusion_description",
    "Counts_of_common_mapping_reads",
    "Spanning_pairs",
    "Spanning_unique_reads",
    "Longest_anchor_found",
    "Fusion_finding_method",
    "Fusion_point_for_gene_1(5end_fusion_partner)",
    "Fusion_point_for_gene_2(3end_fusion_partner)",
    "Gene_1_id(5end_fusion_partner)",
    "Gene_2_id(3end_fusion_partner)",
    "Exon_1_id(5end_fusion_partner)",
    "Exon_2_id(3end_fusion_partner)",
    "Fusion_sequence",
    "Predicted_effect",
]


def table(name: str, columns: list[str], rows: list[list[str]]) -> None:
    text = "\t".join(columns) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    (OUT / name).write_text(text, encoding="utf-8")


def write_rna() -> None:
    frame = ARRIBA_COLUMNS.index("reading_frame")
    rows = []
    for verdict in ("in-frame", "out-of-frame", "stop-codon"):
        row = arriba_row("ETV6", 5, "ABL1", 2, (12, 9, 6), "high")
        row[frame] = verdict
        rows.append(row)
    table("rna_arriba_etv6_abl1_frames.tsv", ARRIBA_COLUMNS, rows)
    # Two ETV6::ABL1 junctions of one fusion: into ABL1 exon 10 (kinase lost) listed first,
    # into exon 2 (B-L1) second.
    rows = [
        arriba_row("ETV6", 5, "ABL1", 10, (8, 6, 2), "high"),
        arriba_row("ETV6", 5, "ABL1", 2, (12, 9, 6), "high"),
    ]
    table("rna_arriba_etv6_abl1_two_junctions.tsv", ARRIBA_COLUMNS, rows)

    e, p = PANEL.genes["EBF1"], PANEL.genes["PDGFRB"]
    star = []
    for kind in ("INFRAME", "FRAMESHIFT"):
        star.append(
            [
                "EBF1--PDGFRB",
                "18",
                "11",
                "18.00",
                "11.00",
                "ONLY_REF_SPLICE",
                f"EBF1^{e.ensembl_gene}",
                f"chr{e.chrom}:{exon_end('EBF1', 15)}:{e.strand}",
                f"PDGFRB^{p.ensembl_gene}",
                f"chr{p.chrom}:{exon_start('PDGFRB', 11)}:{p.strand}",
                "YES_LDAS",
                "2.1",
                "GT",
                "1.8",
                "AG",
                "1.9",
                '["INTRACHROMOSOMAL[chr5:0.08Mb]"]',
                e.ensembl_mane,
                ".",
                p.ensembl_mane,
                ".",
                kind,
                ".",
                ".",
                ".",
                ".",
                ".",
            ]
        )
    table(
        "rna_starfusion_ebf1_pdgfrb_coding_effect.tsv",
        STAR_FUSION_COLUMNS + STAR_CODING_COLUMNS,
        star,
    )

    n, a = PANEL.genes["NUP214"], PANEL.genes["ABL1"]
    fc = []
    for effect, reads in (("in-frame", ("14", "9")), ("out-of-frame", ("12", "8"))):
        fc.append(
            [
                "NUP214",
                "ABL1",
                "known,oncogene,cancer",
                "0",
                reads[0],
                reads[1],
                "40",
                "BOWTIE;BOWTIE+BLAT",
                f"{n.chrom}:{exon_end('NUP214', 32)}:{n.strand}",
                f"{a.chrom}:{exon_start('ABL1', 2)}:{a.strand}",
                n.ensembl_gene.split(".")[0],
                a.ensembl_gene.split(".")[0],
                ".",
                ".",
                ".",
                effect,
            ]
        )
    table("rna_fusioncatcher_nup214_abl1.txt", FUSIONCATCHER_COLUMNS, fc)


def write_copy_number() -> None:
    abl1_start, abl1_end = PANEL.genes["ABL1"].spans[BUILD]
    exon1a = exon("ABL1", 1)[0]
    i6 = in_intron("ABL1", 6, 300)
    segments = {
        # CN 8 from 40 kb 5' of ABL1 over exon 1b up to 5 kb before MANE exon 1 (1a).
        "cnv_cnvkit_abl1_exon1b_only_cn8": [(abl1_start - 40_000, exon1a - 5000, 8)],
        # CN 6 from 50 kb 5' of ABL1 to intron 6: kinase exons 4-6 of 4-9.
        "cnv_cnvkit_abl1_partial_kinase_cn6": [(abl1_start - 50_000, i6, 6)],
        # One amplicon written as two segments (CN 6, CN 5) split in intron 6.
        "cnv_cnvkit_abl1_split_amplicon": [
            (abl1_start - 50_000, i6, 6),
            (i6 + 1, abl1_end + 50_000, 5),
        ],
        # The same, the second segment failed by the caller: it cannot complete the first.
        "cnv_cnvkit_abl1_split_amplicon_second_filtered": [
            (abl1_start - 50_000, i6, 6),
            (i6 + 1, abl1_end + 50_000, 5, "LowQual"),
        ],
        # Two segments over ABL1 in one file: CN 8 over exon 1b only, then CN 6 from
        # 5 kb before MANE exon 1 to 50 kb past the gene (all kinase exons).
        "cnv_cnvkit_abl1_exon1b_then_kinase_segment": [
            (abl1_start - 40_000, exon1a - 5001, 8),
            (exon1a - 5000, abl1_end + 50_000, 6),
        ],
    }
    for name, rows in segments.items():
        filtered = any(len(r) > 3 for r in rows)
        low_qual = ['##FILTER=<ID=LowQual,Description="Low quality segment">'] if filtered else []
        v = Vcf(f"rearrangements/{name}", CNVKIT_HEADER + low_qual, ["TUMOR_S"])
        for start, end, cn, *flt in rows:
            if any(g.symbol != "ABL1" for g in PANEL.genes_at(BUILD, "9", start, end)):
                raise SystemExit(f"{name}: segment overlaps another panel gene")
            v.add(
                "chr9",
                start,
                ".",
                "N",
                "<DUP>",
                ".",
                flt[0] if flt else ".",
                f"IMPRECISE;SVTYPE=DUP;END={end};SVLEN={end - start};PROBES=60",
                "GT:GQ:CN",
                f"0/1:50:{cn}",
            )
        v.write()

    nf1_start, nf1_end = PANEL.genes["NF1"].spans[BUILD]
    lo, hi = nf1_start - 100_000, nf1_end + 100_000
    if any(g.symbol != "NF1" for g in PANEL.genes_at(BUILD, "17", lo, hi)):
        raise SystemExit("the NF1 segment overlaps another panel gene")
    header = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"
    (OUT / "cnvkit_nf1_deletion.cns").write_text(
        f"{header}\nchr17\t{lo - 1}\t{hi}\tNF1\t-1.0\t1\t210.3\t80\t70.1\n", encoding="utf-8"
    )
    header = "chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight"
    for name, log2 in (
        ("cnvkit_nf1_loss_log2.cns", "-0.9"),
        ("cnvkit_nf1_shallow_log2.cns", "-0.3"),
    ):
        (OUT / name).write_text(
            f"{header}\nchr17\t{lo - 1}\t{hi}\tNF1\t{log2}\t250.0\t80\t70.1\n", encoding="utf-8"
        )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_structural()
    write_rna()
    write_copy_number()


if __name__ == "__main__":
    main()
