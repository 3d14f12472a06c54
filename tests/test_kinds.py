"""One list of input kinds: the Kind enum, the sample-sheet schema, the report schema and the
table that maps each kind to its reader and interpreter say the same."""

from __future__ import annotations

import json

import yaml
from helpers import REPO

from mapk_filter.models import Kind
from mapk_filter.pipeline import HANDLERS


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
