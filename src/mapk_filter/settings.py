"""Thresholds and reference resources, as frozen dataclasses built from config."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Filters:
    """QC thresholds. A listed or reviewable finding that fails one goes to review."""

    min_depth: int = 20  # tumour reads covering the site
    min_alt_reads: int = 5  # tumour reads supporting the allele
    min_vaf: float = 0.05  # tumour variant allele fraction
    pass_filters: tuple[str, ...] = ("PASS", ".")  # caller FILTER values taken as passed
    germline_min_normal_vaf: float = 0.10  # normal VAF at or above: possibly germline
    germline_min_normal_alt_reads: int = 3  # ... and at least this many normal alt reads
    benign_population_af: float = 0.01  # gnomAD AF at or above: common polymorphism
    min_supporting_reads: int = 5  # split + spanning reads for a listed fusion
    min_amplification_cn: float = 4.0  # diploid genome: at least two extra copies

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pass_filters": list(self.pass_filters)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Filters:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        if "pass_filters" in known:
            known["pass_filters"] = tuple(known["pass_filters"])
        return cls(**known)


@dataclass(frozen=True)
class Reference:
    """Optional resources for annotating raw files with bcftools csq."""

    fasta: Path | None = None
    gff3: Path | None = None

    @property
    def can_annotate(self) -> bool:
        return self.fasta is not None and self.gff3 is not None


@dataclass(frozen=True)
class Settings:
    filters: Filters = field(default_factory=Filters)
    reference: Reference = field(default_factory=Reference)
    default_build: str = "GRCh38"
