"""Where the rules look, in genomic coordinates: the codons of exclusion alleles.

Derived from the hotspot table (hotspots.tsv, cancerhotspots-checked loci and c. changes)
and the rules, never typed: a codon's span is computed from the locus and c. position of
its single-base change and the gene's strand.
"""

from __future__ import annotations

from dataclasses import dataclass

from .panel import Hotspot, Panel, normalise_chrom
from .rules import TrialRules


@dataclass(frozen=True)
class Target:
    """Bases to check, 1-based inclusive, chromosome without "chr" (e.g. BCL2 codons 101-104)."""

    label: str
    chrom: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < self.start:
            raise ValueError(
                f"target {self.label}: {self.start}-{self.end} is not a 1-based inclusive span"
            )

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def locus(self) -> str:
        return f"chr{normalise_chrom(self.chrom)}:{self.start}-{self.end}"


def first_number(hgvs: str) -> int | None:
    """The first position in an HGVS string: the codon of p.Gly12Asp, the base of c.35G>A."""
    digits = "".join(ch if ch.isdigit() else " " for ch in hgvs).split()
    return int(digits[0]) if digits else None


def codon_span(hotspot: Hotspot, strand: str, build: str) -> tuple[str, int, int] | None:
    """Genomic span of a hotspot's codon, from the c. position of its single-base change."""
    locus = hotspot.loci.get(build)
    c_pos = first_number(hotspot.hgvs_c)
    if locus is None or len(locus.ref) != 1 or c_pos is None or "_" in hotspot.hgvs_c:
        return None
    first = 3 * hotspot.codon - 2
    sign = 1 if strand == "+" else -1
    bases = [locus.pos + sign * (c - c_pos) for c in (first, first + 2)]
    return locus.chrom, min(bases), max(bases)


def exclusion_targets(panel: Panel, rules: TrialRules, build: str) -> list[Target]:
    """Per exclusion rule and gene: the span from the first to the last exclusion codon."""
    targets: list[Target] = []
    for rule in rules.exclusions:
        for gene in sorted(rule.genes):
            spans, codons = [], []
            for hotspot in panel.hotspots:
                if hotspot.gene != gene or hotspot.category not in rule.categories:
                    continue
                span = codon_span(hotspot, panel.genes[gene].strand, build)
                if span is not None:
                    spans.append(span)
                    codons.append(hotspot.codon)
            if not spans:
                continue
            chrom = spans[0][0]
            label = f"{gene} codons {min(codons)}-{max(codons)} ({rule.id})"
            targets.append(Target(label, chrom, min(s[1] for s in spans), max(s[2] for s in spans)))
    return targets
