"""What every reader and interpreter is given: the file (Source) and the run (Context).

Each input kind has a reader (``readers/``) and an interpreter (``interpret/``) with the
same signatures, ``read(source, ctx)`` and ``interpret(scan, source, ctx)``; the one table
from a sheet kind to both is ``interpret.HANDLERS``. QC thresholds reach them only through
``ctx.filters`` (settings.Filters, the one place their defaults are written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .models import Kind
from .settings import Filters, Reference

if TYPE_CHECKING:
    from .genome_genes import GenomeGenes
    from .panel import Panel
    from .rules import TrialRules


@dataclass(frozen=True)
class Source:
    """One sample-sheet row's file, and what the sheet says about it."""

    path: Path
    sample_id: str
    patient_id: str
    kind: Kind
    sha256: str = ""  # copied into the result; the pipeline hashes while reading, sets its own
    tumor_name: str | None = None
    normal_name: str | None = None
    caller: str | None = None  # overrides the caller detected from the header
    build_from_header: bool = False  # the sheet names no build: the file may tell


@dataclass(frozen=True)
class Context:
    """The panel, rules, genome build and settings a file is read and interpreted with."""

    panel: Panel
    rules: TrialRules
    build: str
    filters: Filters = field(default_factory=Filters)
    reference: Reference = field(default_factory=Reference)
    genome_genes: GenomeGenes | None = None  # None: the bundled table, loaded when needed

    @cached_property
    def genes(self) -> GenomeGenes:
        """Every protein-coding gene of the genome (breakpoints outside the panel)."""
        if self.genome_genes is not None:
            return self.genome_genes
        from .genome_genes import load_genome_genes

        return load_genome_genes()

    @cached_property
    def pass_filters(self) -> frozenset[str]:
        """FILTER values taken as passed."""
        return frozenset(self.filters.pass_filters)
