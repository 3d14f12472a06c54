"""One list of input kinds: the Kind enum, the sample-sheet schema, the report schema and the
table that maps each kind to its reader and interpreter say the same."""

from __future__ import annotations

import inspect
import json

import yaml
from helpers import REPO

from mapk_filter.interpret import HANDLERS
from mapk_filter.models import Kind


def test_kind_matches_the_sample_sheet_schema():
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "samples.schema.yaml").read_text())
    assert schema["properties"]["kind"]["enum"] == [k.value for k in Kind]


def test_kind_matches_the_report_schema():
    schema = json.loads(
        (REPO / "src" / "mapk_filter" / "reports" / "report.schema.json").read_text()
    )
    sample = schema["properties"]["samples"]["items"]["properties"]
    assert sample["kind"]["enum"] == [k.value for k in Kind]


def test_every_kind_has_a_handler_and_nothing_else_does():
    assert set(HANDLERS) == set(Kind)


def test_every_reader_and_every_interpreter_has_the_same_signature():
    """read(source, ctx) and interpret(scan, source, ctx), whatever the kind: the pipeline
    calls them all the same way, through the one table."""
    readers = {tuple(inspect.signature(h.read).parameters) for h in HANDLERS.values()}
    interpreters = {tuple(inspect.signature(h.interpret).parameters) for h in HANDLERS.values()}
    assert readers == {("source", "ctx")}
    assert interpreters == {("scan", "source", "ctx")}
    # each lives in the module named after its kind (RNA fusions: the structural interpreter)
    for kind, handler in HANDLERS.items():
        expected = "structural" if kind == Kind.RNA_FUSIONS else kind.value.removesuffix("s")
        assert handler.interpret.__module__.startswith("mapk_filter.interpret.")
        assert handler.read.__module__.startswith("mapk_filter.readers.")
        assert handler.interpret.__module__.split(".")[-1].startswith(expected.split("_")[0])
