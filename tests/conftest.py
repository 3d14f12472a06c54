"""Shared fixtures: real bundled data, real files; ../shared is optional."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED_EXTDATA = REPO.parent / "shared" / "extdata"


@pytest.fixture(scope="session")
def panel():
    from mapk_filter.panel import load_panel

    return load_panel()


@pytest.fixture(scope="session")
def rules():
    from mapk_filter.rules import load_rules

    return load_rules()
