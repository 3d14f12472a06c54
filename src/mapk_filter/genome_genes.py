"""Genome-wide protein-coding genes, so a breakpoint in any gene gets a name.

The panel only knows the genes the trial rules are about; a fusion partner (EBF1, NUP214,
SATB1, DOCK2, ...) can be any gene. The table is derived by
``scripts/derive_genome_genes.py`` (GENCODE v44, GRCh37 lifted); this module loads it once
and answers point lookups with a per-contig bisect.
"""

from __future__ import annotations

import gzip
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import DataError
from .panel import BUILDS, MISSING, normalise_chrom
from .resources import gene_lists_dir, sha256_file

GENOME_GENES_FILE = "genome_genes.tsv.gz"
COLUMNS = (
    "symbol",
    "ensembl_gene",
    "chrom",
    "strand",
    "grch38_start",
    "grch38_end",
    "grch37_start",
    "grch37_end",
)


@dataclass(frozen=True)
class GenomeGene:
    """One protein-coding gene; ``spans[build]`` is 1-based inclusive, absent if unlifted."""

    symbol: str
    chrom: str
    strand: str
    spans: dict[str, tuple[int, int]]
    ensembl_gene: str = ""


@dataclass(frozen=True)
class _Contig:
    starts: tuple[int, ...]
    max_ends: tuple[int, ...]  # running maximum of ends, so bisect can stop early
    genes: tuple[GenomeGene, ...]


class GenomeGenes:
    """The loaded table plus a per-(build, contig) index sorted by start."""

    def __init__(self, genes: tuple[GenomeGene, ...], path: str, sha256: str) -> None:
        self.genes = genes
        self.path = path
        self.sha256 = sha256
        self._index: dict[tuple[str, str], _Contig] = {}
        for build in BUILDS:
            per_chrom: dict[str, list[GenomeGene]] = {}
            for gene in genes:
                if build in gene.spans:
                    per_chrom.setdefault(gene.chrom, []).append(gene)
            for chrom, members in per_chrom.items():
                members.sort(key=lambda g: (g.spans[build], g.symbol))
                max_ends: list[int] = []
                for g in members:
                    max_ends.append(max(g.spans[build][1], max_ends[-1] if max_ends else 0))
                self._index[(build, chrom)] = _Contig(
                    tuple(g.spans[build][0] for g in members), tuple(max_ends), tuple(members)
                )

    def genes_at(self, build: str, chrom: str, pos: int) -> list[GenomeGene]:
        """Genes whose span contains ``pos`` on ``build``, in start order."""
        if build not in BUILDS:
            raise ValueError(f"unknown genome build '{build}' (expected {', '.join(BUILDS)})")
        index = self._index.get((build, normalise_chrom(chrom)))
        if index is None:
            return []
        found: list[GenomeGene] = []
        i = bisect_right(index.starts, pos) - 1
        while i >= 0 and index.max_ends[i] >= pos:
            gene = index.genes[i]
            if gene.spans[build][1] >= pos:
                found.append(gene)
            i -= 1
        found.reverse()
        return found

    def by_symbol(self, symbol: str) -> list[GenomeGene]:
        return [g for g in self.genes if g.symbol == symbol]


def _span(path: Path, number: int, start: str, end: str) -> tuple[int, int] | None:
    if start == MISSING and end == MISSING:
        return None
    try:
        first, last = int(start), int(end)
    except ValueError:
        raise DataError(f"{path} (line {number}): span '{start}-{end}' is not numeric") from None
    if first < 1 or last < first:
        raise DataError(f"{path} (line {number}): invalid span {first}-{last}")
    return first, last


def read_genome_genes(path: Path) -> GenomeGenes:
    """Parse the gzipped table; a malformed line raises DataError naming file and line."""
    if not path.is_file():
        raise DataError(f"{path}: genome gene table is missing")
    genes: list[GenomeGene] = []
    header: list[str] | None = None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith("#") or not line.strip():
                    continue
                fields = line.rstrip("\n").split("\t")
                if header is None:
                    header = fields
                    if tuple(header) != COLUMNS:
                        raise DataError(f"{path} (line {number}): header is not {COLUMNS}")
                    continue
                if len(fields) != len(COLUMNS):
                    raise DataError(f"{path} (line {number}): {len(fields)} fields, expected 8")
                row = dict(zip(COLUMNS, fields, strict=True))
                spans: dict[str, tuple[int, int]] = {}
                for build, prefix in (("GRCh38", "grch38"), ("GRCh37", "grch37")):
                    span = _span(path, number, row[f"{prefix}_start"], row[f"{prefix}_end"])
                    if span is not None:
                        spans[build] = span
                genes.append(
                    GenomeGene(
                        symbol=row["symbol"],
                        chrom=normalise_chrom(row["chrom"]),
                        strand=row["strand"],
                        spans=spans,
                        ensembl_gene=row["ensembl_gene"],
                    )
                )
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    if header is None:
        raise DataError(f"{path}: no header line")
    return GenomeGenes(tuple(genes), str(path), sha256_file(path))


@cache
def load_genome_genes(directory: Path | None = None) -> GenomeGenes:
    """The bundled table (or the one in ``directory``), read once per process."""
    folder = gene_lists_dir() if directory is None else Path(directory)
    return read_genome_genes(folder / GENOME_GENES_FILE)


def genes_at(build: str, chrom: str, pos: int) -> list[GenomeGene]:
    """Protein-coding genes at one position of the bundled table."""
    return load_genome_genes().genes_at(build, chrom, pos)
