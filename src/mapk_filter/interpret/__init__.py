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
from importlib import import_module
from typing import Any

from ..context import Context, Source
from ..models import Kind, SampleResult


@dataclass(frozen=True)
class Handler:
    """How one input kind is read and interpreted: ``read`` of readers/<reader>.py and
    ``interpret`` of interpret/<interpreter>.py, imported when first used (a job reading
    small-variant files does not import the copy-number or coverage code)."""

    reader: str
    interpreter: str

    @property
    def read(self) -> Callable[[Source, Context], Any]:
        reader: Callable[[Source, Context], Any] = import_module(
            f"mapk_filter.readers.{self.reader}"
        ).read
        return reader

    @property
    def interpret(self) -> Callable[[Any, Source, Context], SampleResult]:
        interpreter: Callable[[Any, Source, Context], SampleResult] = import_module(
            f"mapk_filter.interpret.{self.interpreter}"
        ).interpret
        return interpreter


HANDLERS: dict[Kind, Handler] = {
    Kind.SMALL_VARIANTS: Handler("small", "small"),
    Kind.STRUCTURAL_VARIANTS: Handler("structural", "structural"),
    Kind.RNA_FUSIONS: Handler("rna_fusions", "structural"),
    Kind.COPY_NUMBER: Handler("copy_number", "copy_number"),
    Kind.COVERAGE: Handler("coverage", "coverage"),
}


def classify(source: Source, ctx: Context) -> SampleResult:
    """Read one file and interpret it by its kind."""
    handler = HANDLERS[source.kind]
    return handler.interpret(handler.read(source, ctx), source, ctx)
