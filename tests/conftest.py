"""Shared fixtures: real bundled data, real files; ../shared is optional (not under CI)."""

from __future__ import annotations

import os
import subprocess
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

# Some workflow tests start snakemake from several threads at once (test_bad_sheets). With
# vfork, CPython's default on Linux, a child shares the parent's memory until its exec, and
# one such start failed with EFAULT ("Bad address") while the other threads ran; fork gives
# each child its own copy of the memory, at the cost of copying page tables.
subprocess._USE_VFORK = False  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def panel():
    from mapk_filter.panel import load_panel

    return load_panel()


@pytest.fixture(scope="session")
def rules():
    from mapk_filter.rules import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def example_reports(tmp_path_factory):
    """The example batch decided in-process: patient -> its report.json as a dict."""
    import json

    from helpers import decide_example_batch

    paths = decide_example_batch(tmp_path_factory.mktemp("example_reports"))
    return {
        patient: json.loads(path.read_text(encoding="utf-8")) for patient, path in paths.items()
    }


@pytest.fixture(scope="session")
def hgnc(panel):
    """The panel's gene symbol -> HGNC ID table the exports use."""
    from mapk_filter.exports import hgnc_ids

    return hgnc_ids(panel)


# Under mutation testing (mutmut sets MUTANT_UNDER_TEST and stops at the first failure), run
# the focused unit tests first and the modules whose fixtures decide the whole example batch
# last: a killed mutant then costs seconds, not the whole suite. Plain runs keep file order.
SLOW_FIXTURE_MODULES = ("test_golden.py", "test_build_inference.py", "test_properties.py")


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    items.sort(key=lambda item: item.path.name in SLOW_FIXTURE_MODULES)
