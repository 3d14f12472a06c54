"""Shared fixtures: real bundled data, real files; ../shared is optional (not under CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED_EXTDATA = REPO.parent / "shared" / "extdata"
SOURCE = REPO / "src"

# pytest imports src/ (pyproject: pythonpath). The workflow and CLI tests run snakemake and
# `mapk-filter` in subprocesses; they import src/ too, so an edit is tested without
# reinstalling and a stale installed copy can never pass for the source.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(SOURCE), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture(scope="session")
def panel():
    from mapk_filter.panel import load_panel

    return load_panel()


@pytest.fixture(scope="session")
def rules():
    from mapk_filter.rules import load_rules

    return load_rules()
