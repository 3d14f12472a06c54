"""Where a breakpoint lies on a panel gene: MANE exon/intron context, kinase-domain exons.

Used by the fusion rules: "ABL1 breakpoint upstream of exon 2", "PDGFRB upstream of exon
11", and whether a 3' kinase keeps its kinase-domain exons.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import DataError
from .panel import Exon, Gene, Panel
from .readers.structural import UPSTREAM
from .resources import gene_lists_dir


@dataclass(frozen=True)
class KinaseDomain:
    """One row of ``kinase_domains.tsv``: the MANE exons holding a kinase's kinase domain.

    The optional fields are the numbers the exons were derived from (and that ``mapk-filter
    panel check`` recomputes them from): the UniProt accession, the kinase-domain residue
    range and canonical length, and per build the MANE coding start (c.1), the last base of
    the stop codon, and the first/last base of the kinase domain's codons, all in
    transcript orientation.
    """

    gene: str
    transcript: str
    first_exon: int
    last_exon: int
    lost_note: str
    source: str
    uniprot: str = ""
    residues: tuple[int, int] | None = None
    uniprot_length: int | None = None
    # (build, c.1, last base of the stop codon, first kinase base, last kinase base)
    coordinates: tuple[tuple[str, int, int, int, int], ...] = ()

    @property
    def verified(self) -> bool:
        return not self.source.lower().startswith("unverified")

    def on(self, build: str) -> tuple[int, int, int, int] | None:
        """(c.1, stop-codon end, kinase start, kinase end) on a build, None if not recorded."""
        for name, *values in self.coordinates:
            if name == build:
                return values[0], values[1], values[2], values[3]
        return None


_COORDINATE_COLUMNS = ("cds_start", "cds_end", "kinase_start", "kinase_end")


def _residues(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    first, sep, last = text.partition("-")
    if not sep:
        raise ValueError(f"kinase_residues '{text}' is not FIRST-LAST")
    return int(first), int(last)


def _coordinates(row: dict[str, str]) -> tuple[tuple[str, int, int, int, int], ...]:
    found = []
    for build in ("GRCh38", "GRCh37"):
        cells = [row.get(f"{name}_{build.lower()}", "") for name in _COORDINATE_COLUMNS]
        if not any(cells):
            continue
        a, b, c, d = (int(cell) for cell in cells)
        found.append((build, a, b, c, d))
    return tuple(found)


@cache
def load_kinase_domains(path: Path | None = None) -> dict[str, KinaseDomain]:
    """The kinase-domain exon table (``resources/gene_lists/kinase_domains.tsv``)."""
    path = path or gene_lists_dir() / "kinase_domains.tsv"
    rows = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    header = rows[0].split("\t")
    table: dict[str, KinaseDomain] = {}
    for number, line in enumerate(rows[1:], 2):
        row = dict(zip(header, line.split("\t"), strict=True))
        try:
            length = row.get("uniprot_length", "")
            table[row["gene"]] = KinaseDomain(
                row["gene"],
                row["transcript"],
                int(row["first_kinase_exon"]),
                int(row["last_kinase_exon"]),
                row.get("lost_if_after_listed_exon", ""),
                row["source"],
                row.get("uniprot", ""),
                _residues(row.get("kinase_residues", "")),
                int(length) if length else None,
                _coordinates(row),
            )
        except (KeyError, ValueError) as exc:
            raise DataError(f"{path} (data row {number}): {exc}") from exc
    return table


def _exons(panel: Panel, gene: str, build: str) -> list[tuple[int, int, int]]:
    found: list[Exon] = [e for e in panel.exons if e.gene == gene and build in e.spans]
    return sorted((e.number, *e.spans[build]) for e in found)


def _before(pos: int, span: tuple[int, int], strand: str) -> bool:
    """True when pos lies transcript-upstream of the span (not inside it)."""
    return pos < span[0] if strand == "+" else pos > span[1]


def locate(panel: Panel, gene: Gene, build: str, pos: int) -> str:
    """Exon/intron context on the MANE Select transcript, e.g. "intron 1", "exon 11"."""
    exons = _exons(panel, gene.symbol, build)
    if not exons:
        return "no exon table"
    for number, start, end in exons:
        if start <= pos <= end:
            first, last = (start, end) if gene.strand == "+" else (end, start)
            edge = " (first base)" if pos == first else " (last base)" if pos == last else ""
            return f"exon {number}{edge}"
    if _before(pos, (exons[0][1], exons[0][2]), gene.strand):
        return "intron 1 (5' of MANE exon 1)"
    previous = [n for n, s, e in exons if not _before(pos, (s, e), gene.strand)]
    last = max(previous)
    return f"intron {last}" if last < exons[-1][0] else f"3' of exon {last}"


def upstream_of_exon(
    panel: Panel, gene: Gene, build: str, pos: int, exon: int, inclusive: bool = False
) -> bool | None:
    """Is the whole of ``exon`` kept by a 3' partner whose retained part starts at pos?

    For a genomic (DNA) breakpoint the junction must lie upstream of the exon: one on the
    exon's first base removes its splice acceptor. An RNA fusion junction (``inclusive``)
    is reported on the exon's first base, and then keeps the exon.
    """
    for number, start, end in _exons(panel, gene.symbol, build):
        if number == exon:
            if gene.strand == "+":
                return pos <= start if inclusive else pos < start
            return pos >= end if inclusive else pos > end
    return None


def role(strand: str, kept: str) -> str:
    """'5' when the kept sequence is the gene's upstream part in transcript orientation."""
    return "5" if (strand == "+") == (kept == UPSTREAM) else "3"
