"""Interpreters: what a read file means for the trial, one module per input kind.

``readers/`` turns a file into a scan of records (and says what is wrong with it);
``interpret/`` turns a scan into findings and the file's accounting. Each kind has one
reader and one interpreter with the same signatures,

    read(source, ctx) -> scan            interpret(scan, source, ctx) -> SampleResult

and ``HANDLERS`` is the one table from a sample-sheet kind to both: a new input kind is a
reader module, an interpreter module and one row here (plus its sheet and schema enums).
RNA fusions are junctions: their own reader, the structural interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..context import Context, Source
from ..models import Kind, SampleResult
from ..readers import copy_number as read_copy_number
from ..readers import coverage as read_coverage
from ..readers import rna_fusions as read_rna_fusions
from ..readers import small as read_small
from ..readers import structural as read_structural
from . import copy_number, coverage, small, structural


@dataclass(frozen=True)
class Handler:
    """How one input kind is read and interpreted."""

    read: Callable[[Source, Context], Any]
    interpret: Callable[[Any, Source, Context], SampleResult]


HANDLERS: dict[Kind, Handler] = {
    Kind.SMALL_VARIANTS: Handler(read_small.read, small.interpret),
    Kind.STRUCTURAL_VARIANTS: Handler(read_structural.read, structural.interpret),
    Kind.RNA_FUSIONS: Handler(read_rna_fusions.read, structural.interpret),
    Kind.COPY_NUMBER: Handler(read_copy_number.read, copy_number.interpret),
    Kind.COVERAGE: Handler(read_coverage.read, coverage.interpret),
}


def classify(source: Source, ctx: Context) -> SampleResult:
    """Read one file and interpret it by its kind."""
    handler = HANDLERS[source.kind]
    return handler.interpret(handler.read(source, ctx), source, ctx)
