"""Pathway biology beyond exact hotspot alleles (rules B-R5 to B-R9), on real VCF records.

Positions come from the panel (MANE exons, hotspot rows); consequences are VEP CSQ entries
as VEP writes them. Each case also has a near miss that must not match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import classified

from mapk_filter.models import Status
from mapk_filter.readers.small import read_small_variants

CSQ_FIELDS = "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|HGVSc|HGVSp|MANE_SELECT"


def exon(panel, gene: str, number: int) -> tuple[str, int, int]:
    (e,) = [x for x in panel.exons if x.gene == gene and x.number == number]
    return e.chrom, *e.spans["GRCh38"]


def csq(panel, gene: str, alt: str, consequence: str, hgvs_p: str) -> str:
    g = panel.genes[gene]
    return (
        f"CSQ={alt}|{consequence}|MODERATE|{gene}|{g.ensembl_gene}|Transcript|"
        f"{g.ensembl_mane}||{hgvs_p}|{g.refseq_mane}"
    )


def classify(panel, rules, tmp_path: Path, records: list[tuple[str, int, str, str, str]]):
    lines = [
        "##fileformat=VCFv4.2",
        "##source=Mutect2",
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
        f'Ensembl VEP. Format: {CSQ_FIELDS}">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End of a symbolic allele">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    for chrom, pos, ref, alt, info in sorted(records, key=lambda r: (r[0], r[1])):
        lines.append(
            f"chr{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t{info}\tGT:AD:DP\t0/1:60,30:90"
        )
    path = tmp_path / "biology.vcf"
    path.write_text("\n".join(lines) + "\n")
    scan = read_small_variants(path, panel, "GRCh38")
    result = classified(scan, panel, rules)
    return {(f.genomic.split(":")[1]): f for f in result.findings}


def test_flt3_itd_in_juxtamembrane_exon_without_annotation(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "FLT3", 14)
    _, start20, _ = exon(panel, "FLT3", 20)
    found = classify(
        panel,
        rules,
        tmp_path,
        [
            (chrom, start + 10, "A", "A" + "T" * 21, "."),  # 21 bp in-frame: ITD
            (chrom, start + 40, "A", "A" + "T" * 20, "."),  # frameshift length: not an ITD
            (chrom, start20 + 5, "A", "A" + "T" * 21, "."),  # in-frame, but exon 20
        ],
    )
    itd, frameshift, elsewhere = (
        found[f"{p}A>A{'T' * n}"]
        for p, n in ((start + 10, 21), (start + 40, 20), (start20 + 5, 21))
    )
    assert (itd.status, itd.rule_id, itd.reason) == (
        Status.REVIEW,
        "B-R6",
        "inframe_insertion_in_exons",
    )
    assert "in-frame insertion of 21 bp in exon 14" in itd.classification
    assert itd.routes == ("D",)  # NCT05658640 names FLT3 among the sub-protocol D genes
    assert frameshift.status == elsewhere.status == Status.VUS


def test_ras_codon_rule_catches_non_hotspot_change_at_codon_59(panel, rules, tmp_path):
    a59e = next(h for h in panel.hotspots if h.gene == "KRAS" and h.short == "A59E")
    locus = a59e.loci["GRCh38"]
    known = {
        h.loci["GRCh38"].alt
        for h in panel.hotspots
        if h.gene == "KRAS" and h.loci["GRCh38"].pos == locus.pos
    }
    alt = next(b for b in "ACGT" if b != locus.ref and b not in known)
    assert (locus.ref, alt) == ("G", "A")  # c.176C>T: GCx>GTx, Ala59Val, not in the table
    found = classify(
        panel,
        rules,
        tmp_path,
        [
            (
                locus.chrom,
                locus.pos,
                locus.ref,
                alt,
                csq(panel, "KRAS", alt, "missense_variant", "p.Ala59Val"),
            ),
        ],
    )
    (finding,) = found.values()
    assert panel.hotspot_for("GRCh38", locus.chrom, locus.pos, locus.ref, alt) is None
    assert (finding.status, finding.rule_id, finding.routes) == (Status.REVIEW, "B-R5", ("D",))
    assert finding.reason == "codon" and "at codon 59" in finding.classification


def test_flt3_tkd_n676k_by_protein_change(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "FLT3", 16)
    found = classify(
        panel,
        rules,
        tmp_path,
        [
            (
                chrom,
                start + 3,
                "G",
                "T",
                csq(panel, "FLT3", "T", "missense_variant", "p.Asn676Lys"),
            ),
            (
                chrom,
                start + 6,
                "G",
                "C",
                csq(panel, "FLT3", "C", "missense_variant", "p.Asn677Lys"),
            ),
        ],
    )
    n676k, n677k = found[f"{start + 3}G>T"], found[f"{start + 6}G>C"]
    assert (n676k.status, n676k.rule_id) == (Status.REVIEW, "B-R7")
    assert n677k.status == Status.VUS


def test_cbl_linker_ring_exon_missense_and_splice_site(panel, rules, tmp_path):
    chrom, start8, _ = exon(panel, "CBL", 8)
    _, _, end9 = exon(panel, "CBL", 9)
    _, start4, _ = exon(panel, "CBL", 4)
    found = classify(
        panel,
        rules,
        tmp_path,
        [
            (
                chrom,
                start8 + 4,
                "T",
                "G",
                csq(panel, "CBL", "G", "missense_variant", "p.Tyr371Asp"),
            ),
            (chrom, end9 + 1, "G", "A", csq(panel, "CBL", "A", "splice_donor_variant", "")),
            (
                chrom,
                start4 + 4,
                "T",
                "G",
                csq(panel, "CBL", "G", "missense_variant", "p.Ser200Ala"),
            ),
            (
                chrom,
                start8 + 7,
                "T",
                "C",
                csq(panel, "CBL", "C", "synonymous_variant", "p.Tyr372="),
            ),
        ],
    )
    assert found[f"{start8 + 4}T>G"].rule_id == "B-R8"
    assert found[f"{start8 + 4}T>G"].routes == ("D",)
    assert found[f"{end9 + 1}G>A"].rule_id == "B-R8"
    assert found[f"{start4 + 4}T>G"].status == Status.VUS
    assert found[f"{start8 + 7}T>C"].status == Status.BENIGN


@pytest.mark.parametrize(("number", "expected"), [(3, "B-R9"), (13, "B-R9"), (5, None)])
def test_ptpn11_exons_3_and_13(panel, rules, tmp_path, number, expected):
    chrom, start, _ = exon(panel, "PTPN11", number)
    found = classify(
        panel,
        rules,
        tmp_path,
        [
            (
                chrom,
                start + 2,
                "C",
                "A",
                csq(panel, "PTPN11", "A", "missense_variant", "p.Xaa1Yaa"),
            ),
        ],
    )
    (finding,) = found.values()
    assert finding.rule_id == expected


def test_symbolic_duplication_in_flt3_itd_exon_goes_to_review(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "FLT3", 14)
    found = classify(panel, rules, tmp_path, [(chrom, start + 10, "A", "<DUP>", ".")])
    (finding,) = found.values()
    assert (finding.status, finding.would_be, finding.rule_id) == (
        Status.FILTERED,
        Status.REVIEW,
        "B-R6",
    )
    assert finding.caveats == ("symbolic <DUP>: length and frame not given",)


def test_symbolic_duplication_reaching_into_flt3_exon_14_from_the_intron(panel, rules, tmp_path):
    chrom, start, _ = exon(panel, "FLT3", 14)
    found = classify(
        panel, rules, tmp_path, [(chrom, start - 80, "A", "<DUP>", f"END={start + 10}")]
    )
    (finding,) = found.values()
    assert (finding.would_be, finding.rule_id) == (Status.REVIEW, "B-R6")
