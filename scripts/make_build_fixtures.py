#!/usr/bin/env python3
"""Write tests/data/build/: small-variant files whose genome build must be inferred.

Every VCF holds the same GRCh37 patient: BCL2 p.Gly101Val (venetoclax-resistance
exclusion) at its GRCh37 coordinate, 30 of 100 reads, and three records outside the panel
(a 24-base deletion and two SNVs) 5 kb past the BCL2 span, so that the REF bases of the
file (27 A/C/G/T bases) are enough to verify a reference FASTA's build. Coordinates come
from the bundled panel (hotspots.tsv, panel_genes.tsv), contig lengths from
contig_lengths.tsv; nothing is typed by hand. The reference sequence around the records is
pseudo-random (fixed seed) with the hotspot's REF base in place, and is written to
``grch37_chr18_bcl2_windows.fa`` so tests can build a full-length reference FASTA from it.
Output is byte-identical on re-run.

    python scripts/make_build_fixtures.py
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from mapk_filter.panel import Panel, load_panel
from mapk_filter.readers.build import contig_lengths

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "build"
BUILD = "GRCh37"
FLANK = 60  # reference bases either side of a record, in the windows FASTA
BACKGROUND_OFFSET = 5000  # background records this far past the BCL2 span
SEED = "mapk-filter build fixtures v1"


@dataclass(frozen=True)
class Rec:
    chrom: str
    pos: int
    ref: str
    alt: str
    ref_reads: int = 70
    alt_reads: int = 30


def g101v(panel: Panel) -> tuple[str, int, str, str]:
    (hotspot,) = [h for h in panel.hotspots if h.gene == "BCL2" and h.short == "G101V"]
    locus = hotspot.loci[BUILD]
    return locus.chrom, locus.pos, locus.ref, locus.alt


def reference_windows(panel: Panel) -> dict[tuple[str, int, int], str]:
    """(chrom, first, last) 1-based inclusive -> sequence, around the hotspot and background."""
    rng = random.Random(SEED)
    chrom, pos, ref, _ = g101v(panel)
    gene_end = panel.genes["BCL2"].spans[BUILD][1]
    windows: dict[tuple[str, int, int], str] = {}
    for centre in (pos, gene_end + BACKGROUND_OFFSET):
        first, last = centre - FLANK, centre + FLANK + 30
        windows[(chrom, first, last)] = "".join(rng.choice("ACGT") for _ in range(last - first + 1))
    (first, last), seq = next((k[1:], v) for k, v in windows.items() if k[1] <= pos <= k[2])
    windows[(chrom, first, last)] = seq[: pos - first] + ref + seq[pos - first + len(ref) :]
    return windows


def base_at(windows: dict[tuple[str, int, int], str], chrom: str, pos: int, n: int = 1) -> str:
    for (c, first, last), seq in windows.items():
        if c == chrom and first <= pos and pos + n - 1 <= last:
            return seq[pos - first : pos - first + n]
    raise SystemExit(f"{chrom}:{pos} is outside the reference windows")


def records(panel: Panel, windows: dict[tuple[str, int, int], str]) -> list[Rec]:
    chrom, pos, ref, alt = g101v(panel)
    if base_at(windows, chrom, pos, len(ref)) != ref:
        raise SystemExit("the windows do not carry the hotspot's REF")
    start = panel.genes["BCL2"].spans[BUILD][1] + BACKGROUND_OFFSET
    deletion = base_at(windows, chrom, start, 24)
    snv1, snv2 = base_at(windows, chrom, start + 40), base_at(windows, chrom, start + 55)
    other = {b: next(x for x in "ACGT" if x != b) for b in "ACGT"}
    recs = [
        Rec(chrom, pos, ref, alt),
        Rec(chrom, start, deletion, deletion[0], 80, 20),
        Rec(chrom, start + 40, snv1, other[snv1], 60, 40),
        Rec(chrom, start + 55, snv2, other[snv2], 75, 25),
    ]
    for r in recs[1:]:  # background: outside the panel on both builds
        for build in ("GRCh37", "GRCh38"):
            if panel.genes_at(build, r.chrom, r.pos, r.pos + len(r.ref) - 1):
                raise SystemExit(f"background record {r.chrom}:{r.pos} is in the {build} panel")
    # Read as GRCh38, the GRCh37 hotspot coordinate must miss BCL2: that is the hazard.
    if any(g.symbol == "BCL2" for g in panel.genes_at("GRCh38", chrom, pos, pos)):
        raise SystemExit("the GRCh37 G101V coordinate falls in BCL2 on GRCh38 too")
    return recs


def header(meta: list[str], contigs: list[str]) -> list[str]:
    return [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --output tumor.vcf.gz",Version="4.4.0.0",Date="November 2, 2026">',
        *contigs,
        *meta,
        "##source=Mutect2",
        "##tumor_sample=TUMOR_S",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR_S",
    ]


def body(recs: list[Rec], prefix: str) -> list[str]:
    lines = []
    for r in recs:
        depth = r.ref_reads + r.alt_reads
        sample = f"0/1:{r.ref_reads},{r.alt_reads}:{r.alt_reads / depth:.3f}:{depth}"
        fixed = [f"{prefix}{r.chrom}", str(r.pos), ".", r.ref, r.alt, "50", "PASS", "."]
        lines.append("\t".join([*fixed, "GT:AD:AF:DP", sample]))
    return lines


def grch37_contigs(prefix: str) -> list[str]:
    return [
        f"##contig=<ID={prefix}{chrom},length={length},assembly=GRCh37>"
        for chrom, length in contig_lengths()[BUILD].items()
    ]


def write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def main() -> None:
    panel = load_panel()
    windows = reference_windows(panel)
    recs = records(panel, windows)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    files = {
        "mutect2_grch37_no_contigs_bcl2_g101v.vcf": header([], []) + body(recs, ""),
        "mutect2_grch37_reference_hg19_bcl2_g101v.vcf": (
            header(["##reference=file:///ref/hg19.fa"], []) + body(recs, "chr")
        ),
        "mutect2_grch37_contigs_reference_hg38_conflict.vcf": (
            header(["##reference=file:///ref/hg38.fa"], grch37_contigs("")) + body(recs, "")
        ),
    }
    for name, lines in files.items():
        write(OUT / name, lines)
    fasta: list[str] = []
    for (chrom, first, last), seq in windows.items():
        fasta.append(f">{chrom}:{first}-{last}")
        fasta += [seq[i : i + 60] for i in range(0, len(seq), 60)]
    write(OUT / "grch37_chr18_bcl2_windows.fa", fasta)


if __name__ == "__main__":
    main()
