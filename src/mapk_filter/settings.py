"""Thresholds and reference resources, as frozen dataclasses built from config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# Eligibility values live in the versioned rules file, never in the configuration: a config
# edit must not change who is a candidate without a new rules_version and checksum.
ELIGIBILITY_KEYS = {
    "min_amplification_cn": "B-L2 requires.min_copy_number",
    "min_copy_number": "B-L2 requires.min_copy_number",
    "ic50_below_nm": "B-L4 below",
    "dasatinib_ic50_nM": "B-L4 below",
    "max_age_at_diagnosis": "clinical age_at_diagnosis max",
    "min_age_at_diagnosis": "clinical age_at_diagnosis min",
    "max_age_at_screening": "clinical age_at_screening below",
    "min_performance_score": "clinical performance_score min",
}


def refuse_eligibility_keys(filters: dict[str, Any], where: str) -> list[str]:
    """One message per eligibility value found among the configured QC filters."""
    return [
        f"{where}: filters.{key} is an eligibility value, not a QC threshold; it lives in the "
        f"versioned trial rules file ({rule}), so a change gets its own rules_version and "
        "changelog entry: edit a copy of the rules file and point the config key 'rules' at it"
        for key, rule in ELIGIBILITY_KEYS.items()
        if key in filters
    ]


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


@dataclass(frozen=True)
class Reference:
    """Optional resources for annotating raw files with bcftools csq."""

    fasta: Path | None = None
    gff3: Path | None = None

    @property
    def can_annotate(self) -> bool:
        return self.fasta is not None and self.gff3 is not None


def recorded(filters: Filters, reference: Reference) -> dict[str, Any]:
    """The settings a file was classified with, as JSON (SampleResult.settings)."""
    return {
        "filters": {**asdict(filters), "pass_filters": list(filters.pass_filters)},
        "reference": {
            "fasta": None if reference.fasta is None else str(reference.fasta),
            "gff3": None if reference.gff3 is None else str(reference.gff3),
        },
    }


def from_recorded(
    settings: dict[str, Any], find: Callable[[str], Path] = Path
) -> tuple[Filters, Reference]:
    """``recorded`` read back; missing keys (older results) take the defaults. ``find``
    says where a recorded reference path is now (a moved batch)."""
    values = dict(settings.get("filters", {}))
    if "pass_filters" in values:
        values["pass_filters"] = tuple(values["pass_filters"])
    known = set(Filters.__dataclass_fields__)
    filters = Filters(**{k: v for k, v in values.items() if k in known})
    paths = settings.get("reference", {})
    return filters, Reference(
        fasta=find(paths["fasta"]) if paths.get("fasta") else None,
        gff3=find(paths["gff3"]) if paths.get("gff3") else None,
    )
