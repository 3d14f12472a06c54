"""The versioned gene panel: genes, MANE Select exons and hotspot alleles on both builds.

The tables live in ``resources/gene_lists`` (derived by ``scripts/derive_panel.py``) so a
panel change is a reviewed data change; this module only loads, indexes and validates them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from .errors import DataError
from .resources import gene_lists_dir, sha256_file

BUILDS = ("GRCh38", "GRCh37")
GENES_FILE = "panel_genes.tsv"
EXONS_FILE = "panel_exons.tsv"
HOTSPOTS_FILE = "hotspots.tsv"
VERSION_FILE = "VERSION"

PATHWAY_GROUPS = frozenset(
    {"ABL-class kinase", "RAS/MAPK", "SRC-family", "JAK-STAT", "apoptosis", "fusion partner"}
)
TRIAL_RELEVANCE = frozenset({"listed_B", "review_B", "exclusion_B", "partner", "route_C"})
CATEGORIES = frozenset({"activating", "loss_of_function", "venetoclax_resistance", "other"})
MISSING = "."  # a coordinate that does not exist on a build (e.g. a GRCh37 assembly gap)

_BUILD_COLUMN = {"GRCh38": "grch38", "GRCh37": "grch37"}
GENE_COLUMNS = (
    "symbol",
    "hgnc_id",
    "ensembl_gene",
    "refseq_mane",
    "ensembl_mane",
    "chrom",
    "strand",
    "grch38_start",
    "grch38_end",
    "grch37_start",
    "grch37_end",
    "role",
    "pathway_group",
    "trial_relevance",
    "source",
)
EXON_COLUMNS = (
    "symbol",
    "transcript",
    "exon_number",
    "chrom",
    "grch38_start",
    "grch38_end",
    "grch37_start",
    "grch37_end",
)
HOTSPOT_COLUMNS = (
    "gene",
    "hgvs_p",
    "short",
    "codon",
    "hgvs_c",
    "transcript",
    "category",
    "grch38_chrom",
    "grch38_pos",
    "grch38_ref",
    "grch38_alt",
    "grch37_chrom",
    "grch37_pos",
    "grch37_ref",
    "grch37_alt",
    "source",
)
AMINO_ACIDS_THREE_TO_ONE = {
    "Ala": "A",
    "Arg": "R",
    "Asn": "N",
    "Asp": "D",
    "Cys": "C",
    "Gln": "Q",
    "Glu": "E",
    "Gly": "G",
    "His": "H",
    "Ile": "I",
    "Leu": "L",
    "Lys": "K",
    "Met": "M",
    "Phe": "F",
    "Pro": "P",
    "Ser": "S",
    "Thr": "T",
    "Trp": "W",
    "Tyr": "Y",
    "Val": "V",
    "Ter": "*",
}
_PROTEIN = re.compile(r"^([A-Z][a-z]{2}|[A-Z*])(\d+)([A-Z][a-z]{2}|[A-Z*])$")
SHORT_FORM = re.compile(r"^([A-Z])(\d+)([A-Z*])$")
ACGT_BASES = re.compile(r"^[ACGT]+$")
_VERSION_LINE = re.compile(r"^#\s*panel_version:\s*(\S+)\s*$")


# RefSeq accessions of the primary assembly chromosomes (NC_000001-NC_000024; the
# revision, e.g. .11 on GRCh38 and .10 on GRCh37, says the build, not the chromosome) and
# the mitochondrial genome (NC_012920, rCRS).
_REFSEQ_CHROMOSOME = re.compile(r"^NC_0000(\d\d)(?:\.\d+)?$", re.IGNORECASE)
_REFSEQ_MT = re.compile(r"^NC_012920(?:\.\d+)?$", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a file spells few contigs, each asked for once per record
def normalise_chrom(chrom: str) -> str:
    """One spelling per contig ("9", "X", "MT"), whatever the VCF uses: with or without
    "chr", or a RefSeq chromosome accession (NC_000009.12 is 9)."""
    name = chrom.strip()
    refseq = _REFSEQ_CHROMOSOME.match(name)
    if refseq is not None and 1 <= int(refseq.group(1)) <= 24:
        number = int(refseq.group(1))
        return {23: "X", 24: "Y"}.get(number, str(number))
    if _REFSEQ_MT.match(name):
        return "MT"
    if name[:3].lower() == "chr":
        name = name[3:]
    upper = name.upper()
    if upper in {"M", "MT"}:
        return "MT"
    if upper in {"X", "Y"}:
        return upper
    return name


def short_protein(protein: str) -> str | None:
    """``p.Gly12Asp`` / ``p.(Gly12Asp)`` / ``p.G12D`` / ``G12D`` -> ``G12D`` (stop = ``*``)."""
    text = protein.strip()
    if text.startswith("p."):
        text = text[2:]
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    m = _PROTEIN.match(text)
    if m is None:
        return None
    parts = []
    for aa in (m.group(1), m.group(3)):
        if len(aa) == 3:
            if aa not in AMINO_ACIDS_THREE_TO_ONE:
                return None
            aa = AMINO_ACIDS_THREE_TO_ONE[aa]
        parts.append(aa)
    return f"{parts[0]}{m.group(2)}{parts[1]}"


@dataclass(frozen=True)
class Locus:
    """A VCF-style allele (chrom without "chr"), as matched against input records."""

    chrom: str
    pos: int
    ref: str
    alt: str


@dataclass(frozen=True)
class Gene:
    """One panel gene; ``spans`` are whole-gene (all transcripts), 1-based inclusive."""

    symbol: str
    hgnc_id: str
    ensembl_gene: str
    refseq_mane: str
    ensembl_mane: str
    chrom: str
    strand: str
    spans: dict[str, tuple[int, int]]
    role: str
    pathway_group: str
    trial_relevance: str
    source: str


@dataclass(frozen=True)
class Exon:
    """A MANE Select exon; a build is absent from ``spans`` if the exon does not exist there."""

    gene: str
    transcript: str
    number: int
    chrom: str
    spans: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Hotspot:
    """A curated allele with its protein change, c. change and category, on both builds."""

    gene: str
    hgvs_p: str
    short: str
    codon: int
    hgvs_c: str
    transcript: str
    category: str
    loci: dict[str, Locus]
    source: str


@dataclass(frozen=True)
class _Interval:
    start: int
    end: int
    gene: Gene


@dataclass(frozen=True)
class _ChromIndex:
    """Genes on one contig sorted by start, with a running maximum of ends for bisect."""

    starts: tuple[int, ...]
    max_ends: tuple[int, ...]
    intervals: tuple[_Interval, ...]


@dataclass(frozen=True)
class Panel:
    """The loaded panel plus lookup indexes; built once per run, queried per record."""

    version: str
    genes: dict[str, Gene]
    exons: tuple[Exon, ...]
    hotspots: tuple[Hotspot, ...]
    checksums: dict[str, str]
    load_problems: tuple[str, ...] = ()
    directory: str = ""  # the folder the tables were read from (provenance)
    _by_locus: dict[tuple[str, str, int, str, str], Hotspot] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_protein: dict[tuple[str, str], Hotspot] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _codons: dict[str, frozenset[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _index: dict[tuple[str, str], _ChromIndex] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        codons: dict[str, set[int]] = {}
        for hotspot in self.hotspots:
            for build, locus in hotspot.loci.items():
                key = (build, locus.chrom, locus.pos, locus.ref, locus.alt)
                self._by_locus.setdefault(key, hotspot)
            self._by_protein.setdefault((hotspot.gene, hotspot.short), hotspot)
            codons.setdefault(hotspot.gene, set()).add(hotspot.codon)
        self._codons.update({gene: frozenset(c) for gene, c in codons.items()})
        for build in BUILDS:
            per_chrom: dict[str, list[_Interval]] = {}
            for gene in self.genes.values():
                if build in gene.spans:
                    start, end = gene.spans[build]
                    per_chrom.setdefault(gene.chrom, []).append(_Interval(start, end, gene))
            for chrom, intervals in per_chrom.items():
                intervals.sort(key=lambda i: (i.start, i.end, i.gene.symbol))
                max_ends: list[int] = []
                for interval in intervals:
                    max_ends.append(max(interval.end, max_ends[-1] if max_ends else 0))
                self._index[(build, chrom)] = _ChromIndex(
                    tuple(i.start for i in intervals), tuple(max_ends), tuple(intervals)
                )

    def regions(self, build: str) -> list[tuple[str, int, int, str]]:
        """Whole-gene regions to read from an indexed file, sorted by contig and start."""
        _check_build(build)
        rows = [
            (gene.chrom, *gene.spans[build], gene.symbol)
            for gene in self.genes.values()
            if build in gene.spans
        ]
        return sorted(rows, key=lambda r: (_chrom_order(r[0]), r[1], r[2], r[3]))

    def genes_at(self, build: str, chrom: str, pos: int, end: int | None = None) -> list[Gene]:
        """Genes overlapping pos..end (1-based inclusive); called once per input record."""
        index = self._index.get((build, normalise_chrom(chrom)))
        if index is None:
            _check_build(build)
            return []
        last = pos if end is None else max(pos, end)
        found: list[Gene] = []
        i = bisect_right(index.starts, last) - 1
        while i >= 0 and index.max_ends[i] >= pos:
            interval = index.intervals[i]
            if interval.end >= pos:
                found.append(interval.gene)
            i -= 1
        found.reverse()
        return found

    def hotspot_for(self, build: str, chrom: str, pos: int, ref: str, alt: str) -> Hotspot | None:
        """The hotspot with exactly this allele on this build, if any."""
        key = (build, normalise_chrom(chrom), pos, ref.upper(), alt.upper())
        return self._by_locus.get(key)

    def hotspot_codons(self, gene: str) -> frozenset[int]:
        """Codons with a curated hotspot, so other changes there can be flagged for review."""
        return self._codons.get(gene, frozenset())

    def hotspot_by_protein(self, gene: str, protein: str) -> Hotspot | None:
        """Match an annotated protein change (three-letter, one-letter, with/without "p.")."""
        short = short_protein(protein)
        if short is None:
            return None
        return self._by_protein.get((gene, short))


# --------------------------------------------------------------------------- loading


def _check_build(build: str) -> None:
    if build not in BUILDS:
        raise ValueError(f"unknown genome build '{build}' (expected one of {', '.join(BUILDS)})")


def _chrom_order(chrom: str) -> tuple[int, str]:
    return (int(chrom), "") if chrom.isdigit() else (100, chrom)


def _read_table(
    path: Path, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], str | None]:
    """(line number, row) pairs plus the ``# panel_version:`` comment, if any."""
    if not path.is_file():
        raise DataError(f"{path}: panel file is missing")
    version: str | None = None
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            m = _VERSION_LINE.match(line)
            if m is not None:
                version = m.group(1)
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataError(f"{path} (line {number}): header lacks {', '.join(missing)}")
            continue
        if len(fields) != len(header):
            raise DataError(
                f"{path} (line {number}): {len(fields)} fields, the header has {len(header)}"
            )
        rows.append((number, {k: v.strip() for k, v in zip(header, fields, strict=True)}))
    if header is None:
        raise DataError(f"{path}: no header line")
    return rows, version


def _int(path: Path, number: int, row: dict[str, str], column: str) -> int:
    try:
        return int(row[column])
    except ValueError:
        raise DataError(
            f"{path} (line {number}): {column} '{row[column]}' is not an integer"
        ) from None


def _spans(path: Path, number: int, row: dict[str, str]) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    for build, prefix in _BUILD_COLUMN.items():
        start, end = row[f"{prefix}_start"], row[f"{prefix}_end"]
        if start in ("", MISSING) and end in ("", MISSING):
            continue
        spans[build] = (
            _int(path, number, row, f"{prefix}_start"),
            _int(path, number, row, f"{prefix}_end"),
        )
    return spans


def load_panel(directory: Path | None = None) -> Panel:
    """Load and index the panel tables; malformed rows raise DataError naming file and line.

    Read once per process and folder while the files stay the same (their size and mtime
    are part of the key), so a batch's many files do not re-read the tables.
    """
    folder = gene_lists_dir() if directory is None else Path(directory)
    return _load_panel(folder.resolve(), _stamp(folder))


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for name in (GENES_FILE, EXONS_FILE, HOTSPOTS_FILE, VERSION_FILE):
        path = folder / name
        if path.is_file():
            stat = path.stat()
            stamps.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


@cache
def _load_panel(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> Panel:
    load_problems: list[str] = []
    versions: dict[str, str | None] = {}
    checksums: dict[str, str] = {}

    genes_path = folder / GENES_FILE
    gene_rows, versions[GENES_FILE] = _read_table(genes_path, GENE_COLUMNS)
    genes: dict[str, Gene] = {}
    for number, row in gene_rows:
        gene = Gene(
            symbol=row["symbol"],
            hgnc_id=row["hgnc_id"],
            ensembl_gene=row["ensembl_gene"],
            refseq_mane=row["refseq_mane"],
            ensembl_mane=row["ensembl_mane"],
            chrom=normalise_chrom(row["chrom"]) if row["chrom"] else "",
            strand=row["strand"],
            spans=_spans(genes_path, number, row),
            role=row["role"],
            pathway_group=row["pathway_group"],
            trial_relevance=row["trial_relevance"],
            source=row["source"],
        )
        if gene.symbol in genes:
            load_problems.append(f"{GENES_FILE} line {number}: duplicate gene {gene.symbol}")
            continue
        genes[gene.symbol] = gene

    exons_path = folder / EXONS_FILE
    exon_rows, versions[EXONS_FILE] = _read_table(exons_path, EXON_COLUMNS)
    exons = tuple(
        Exon(
            gene=row["symbol"],
            transcript=row["transcript"],
            number=_int(exons_path, number, row, "exon_number"),
            chrom=normalise_chrom(row["chrom"]) if row["chrom"] else "",
            spans=_spans(exons_path, number, row),
        )
        for number, row in exon_rows
    )

    hotspots_path = folder / HOTSPOTS_FILE
    hotspot_rows, versions[HOTSPOTS_FILE] = _read_table(hotspots_path, HOTSPOT_COLUMNS)
    hotspots: list[Hotspot] = []
    for number, row in hotspot_rows:
        loci: dict[str, Locus] = {}
        for build, prefix in _BUILD_COLUMN.items():
            if row[f"{prefix}_pos"] in ("", MISSING):
                continue
            loci[build] = Locus(
                chrom=normalise_chrom(row[f"{prefix}_chrom"]) if row[f"{prefix}_chrom"] else "",
                pos=_int(hotspots_path, number, row, f"{prefix}_pos"),
                ref=row[f"{prefix}_ref"].upper(),
                alt=row[f"{prefix}_alt"].upper(),
            )
        hotspots.append(
            Hotspot(
                gene=row["gene"],
                hgvs_p=row["hgvs_p"],
                short=row["short"],
                codon=_int(hotspots_path, number, row, "codon"),
                hgvs_c=row["hgvs_c"],
                transcript=row["transcript"],
                category=row["category"],
                loci=loci,
                source=row["source"],
            )
        )

    version_path = folder / VERSION_FILE
    if version_path.is_file():
        versions[VERSION_FILE] = version_path.read_text(encoding="utf-8").strip()
    found: dict[str, str] = {name: v for name, v in versions.items() if v}
    if not found:
        raise DataError(f"{folder}: no panel version (VERSION file or '# panel_version:' line)")
    version = found.get(VERSION_FILE) or found[sorted(found)[0]]
    for name in (GENES_FILE, EXONS_FILE, HOTSPOTS_FILE):
        if found.get(name, version) != version:
            load_problems.append(f"{name}: panel_version {found[name]}, expected {version}")

    for name in (GENES_FILE, EXONS_FILE, HOTSPOTS_FILE, VERSION_FILE):
        if (folder / name).is_file():
            checksums[name] = sha256_file(folder / name)
    return Panel(
        version=version,
        genes=genes,
        exons=exons,
        hotspots=tuple(hotspots),
        checksums=checksums,
        load_problems=tuple(load_problems),
        directory=str(folder),
    )
