"""bcftools csq (bundled in pysam) on a raw file, when a FASTA and a GFF3 are configured.

The reference is built at test time on KRAS's real MANE Select exon structure (exons 2-5
from the panel): chr12 of N's with a synthetic 189-codon coding sequence laid across those
exons on the minus strand, c.1 where the panel's p.Gly12Asp row puts it. Codon 12 is GGT,
61 CAA, 146 GCT; so csq's numbering across the real splice junctions can be checked
against the hotspot table's independently derived coordinates (Q61H in exon 3, A146T in
exon 4).
"""

from __future__ import annotations

import pysam
import pytest
from helpers import classified

from mapk_filter.models import Status
from mapk_filter.readers.small import read_small_variants
from mapk_filter.settings import Reference

CODONS = ["ATG"] + ["GCT"] * 187 + ["TAA"]  # 189 codons, 567 bases, as KRAS 4B
CODONS[11], CODONS[12], CODONS[60] = "GGT", "GGC", "CAA"
COMPLEMENT = str.maketrans("ACGT", "TGCA")


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


@pytest.fixture(scope="module")
def kras_reference(tmp_path_factory, panel):
    g12d = next(h for h in panel.hotspots if h.gene == "KRAS" and h.short == "G12D")
    assert g12d.hgvs_c == "c.35G>A"
    c1 = g12d.loci["GRCh38"].pos + 34  # minus strand: c.1 is 34 bases above c.35
    cds = "".join(CODONS)
    exons = sorted(
        (e.spans["GRCh38"] for e in panel.exons if e.gene == "KRAS" and e.number >= 2),
        reverse=True,
    )  # transcript order on the minus strand: highest coordinates first
    segments: list[tuple[int, int, int]] = []  # (low, high, first coding base index)
    done = 0
    for low, high in exons:
        high = min(high, c1)
        take = min(high - low + 1, len(cds) - done)
        if take <= 0:
            break
        segments.append((high - take + 1, high, done))
        done += take
    assert done == len(cds) and len(segments) == 4  # CDS ends in exon 5
    length = c1 + 1000
    bases = bytearray(b"N" * length)
    for low, high, first in segments:
        piece = cds[first : first + high - low + 1]
        bases[low - 1 : high] = revcomp(piece).encode()
    folder = tmp_path_factory.mktemp("csq")
    fasta = folder / "chr12_kras.fa"
    with open(fasta, "w") as out:
        out.write(">chr12\n")
        text = bases.decode()
        for i in range(0, len(text), 60):
            out.write(text[i : i + 60] + "\n")
    pysam.faidx(str(fasta))
    gene = panel.genes["KRAS"]
    gene_id, tx = gene.ensembl_gene.split(".")[0], gene.ensembl_mane.split(".")[0]
    lo, hi = segments[-1][0], segments[0][1]
    lines = [
        "##gff-version 3",
        f"chr12\ttest\tgene\t{lo}\t{hi}\t.\t-\t.\tID=gene:{gene_id};Name=KRAS;"
        "biotype=protein_coding",
        f"chr12\ttest\tmRNA\t{lo}\t{hi}\t.\t-\t.\tID=transcript:{tx};Parent=gene:{gene_id};"
        "Name=KRAS-201;biotype=protein_coding",
    ]
    for low, high, first in segments:
        phase = (3 - first % 3) % 3
        lines.append(f"chr12\ttest\texon\t{low}\t{high}\t.\t-\t.\tParent=transcript:{tx}")
        lines.append(
            f"chr12\ttest\tCDS\t{low}\t{high}\t.\t-\t{phase}\tID=CDS:KRASP;Parent=transcript:{tx}"
        )
    gff = folder / "kras.gff3"
    gff.write_text("\n".join(lines) + "\n")

    def at(c_pos: int) -> tuple[int, str]:
        """Genomic position and plus-strand reference base of coding position c_pos."""
        for low, high, first in segments:
            if first < c_pos <= first + high - low + 1:
                pos = high - (c_pos - first - 1)
                return pos, cds[c_pos - 1].translate(COMPLEMENT)
        raise AssertionError(c_pos)

    return fasta, gff, at


def test_csq_codon_numbering_across_real_exons_matches_the_hotspot_table(
    kras_reference, panel, rules, tmp_path
):
    fasta, gff, at = kras_reference
    rows = []
    for short in ("Q61H", "A146T"):
        hotspot = next(h for h in panel.hotspots if h.gene == "KRAS" and h.short == short)
        locus = hotspot.loci["GRCh38"]
        c_pos = int("".join(ch for ch in hotspot.hgvs_c.split(">")[0] if ch.isdigit()))
        assert at(c_pos) == (locus.pos, locus.ref)  # the exon walk agrees with the table
        rows.append((locus.pos, locus.ref, locus.alt, hotspot.hgvs_p))
    vcf = tmp_path / "mutect2_raw_kras_exons.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##source=Mutect2\n##contig=<ID=chr12,length=133275309>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        + "".join(
            f"chr12\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD\t0/1:60,30\n"
            for pos, ref, alt, _ in sorted(rows)
        )
    )
    scan = read_small_variants(
        vcf, panel, "GRCh38", reference=Reference(fasta=fasta, gff3=gff), workdir=tmp_path
    )
    bcsq = {v.pos: a.hgvs_p for v, _ in scan.variants for a in v.annotations}
    assert {pos: p for pos, _, _, p in rows} == bcsq  # csq: p.Gln61His, p.Ala146Thr


def test_csq_annotates_raw_files_and_decides_from_consequences(
    kras_reference, panel, rules, tmp_path
):
    fasta, gff, at = kras_reference
    rows = []
    for c_pos, alt_coding in ((35, "A"), (36, "C"), (5, "T")):  # G12D, G12=, A2V
        pos, ref = at(c_pos)
        rows.append((pos, ref, alt_coding.translate(COMPLEMENT)))
    vcf = tmp_path / "mutect2_raw_kras.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##source=Mutect2\n##contig=<ID=chr12,length=133275309>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        + "".join(
            f"chr12\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD:DP\t0/1:60,30:90\n"
            for pos, ref, alt in sorted(rows)
        )
    )
    raw = classified(read_small_variants(vcf, panel, "GRCh38"), panel, rules)
    assert sorted(f.reason for f in raw.findings) == [
        "hotspot",
        "not_interpretable_without_annotation",
        "not_interpretable_without_annotation",
    ]
    scan = read_small_variants(
        vcf, panel, "GRCh38", reference=Reference(fasta=fasta, gff3=gff), workdir=tmp_path
    )
    assert scan.annotation_sources == ("BCSQ",)
    annotated = classified(scan, panel, rules)
    by_p = {f.hgvs_p: f for f in annotated.findings}
    assert by_p["p.Gly12Asp"].status == Status.REVIEW and by_p["p.Gly12Asp"].rule_id == "B-R1"
    assert by_p["p.Gly12="].reason == "synonymous_at_hotspot_codon"
    assert by_p["p.Gly12="].status == Status.BENIGN
    assert by_p["p.Ala2Val"].reason == "no_rule_matched"
    assert any("bcftools csq" in note for note in annotated.notes)


def test_left_alignment_gives_one_finding_for_both_ways_of_writing_an_indel(
    kras_reference, panel, rules, tmp_path
):
    """A one-codon deletion in the GCT repeat (AGC on the plus strand), written leftmost and
    rightmost: bcftools norm against the FASTA makes them the same record."""
    fasta, gff, at = kras_reference
    sequence = pysam.FastaFile(str(fasta))
    first, _ = at(33)  # c.33 (codon 11) is the plus-strand start of the 10 x AGC run
    run = sequence.fetch("chr12", first - 1, first - 1 + 30)
    assert run == "AGC" * 10
    anchor = sequence.fetch("chr12", first - 2, first - 1)
    last_anchor_pos = first + 26  # the base before the last AGC
    writings = {
        "leftmost": (first - 1, anchor + "AGC", anchor),
        "rightmost": (last_anchor_pos, "C" + "AGC", "C"),
    }
    found = {}
    for name, (pos, ref, alt) in writings.items():
        vcf = tmp_path / f"mutect2_deletion_{name}.vcf"
        vcf.write_text(
            "##fileformat=VCFv4.2\n##source=Mutect2\n##contig=<ID=chr12,length=133275309>\n"
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
            '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
            f"chr12\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD\t0/1:60,30\n"
        )
        raw = read_small_variants(vcf, panel, "GRCh38")
        scan = read_small_variants(
            vcf,
            panel,
            "GRCh38",
            reference=Reference(fasta=fasta, gff3=gff),
            workdir=tmp_path / name,
        )
        result = classified(scan, panel, rules)
        (finding,) = result.findings
        found[name] = (raw.variants[0][0].pos, finding.genomic, finding.hgvs_p)
    # The leftmost equivalent deletion, found by shifting on the FASTA itself: the deleted
    # 3 bases can move left while the base before them equals their last base.
    start = first  # 1-based first deleted base of the leftmost writing
    while sequence.fetch("chr12", start - 2, start - 1) == sequence.fetch(
        "chr12", start + 1, start + 2
    ):
        start -= 1
    ref = sequence.fetch("chr12", start - 2, start + 2)
    expected = f"chr12:{start - 1}{ref}>{ref[0]}"
    assert found["leftmost"][1] == found["rightmost"][1] == expected
    assert found["leftmost"][2] == found["rightmost"][2] == "p.Ala11del"  # csq on this CDS
