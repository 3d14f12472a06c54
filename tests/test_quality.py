"""Quality gates run with the tests, so CI enforces them: ruff, mypy, snakefmt, lint."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow  # snakemake in a subprocess

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is not installed: pip install '.[test]'")
    return subprocess.run(list(args), cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_check():
    run = _run("ruff", "check", "src", "tests", "scripts", "benchmarks")
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format():
    run = _run("ruff", "format", "--check", "src", "tests", "scripts", "benchmarks")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_strict():
    run = _run("mypy")
    assert run.returncode == 0, run.stdout + run.stderr


def test_snakefmt():
    run = _run("snakefmt", "--check", "workflow")
    assert run.returncode == 0, run.stdout + run.stderr


# The one accepted lint, explained in README.md (Development): every rule runs the
# `mapk-filter` CLI of the installed package, so the package (pinned in pyproject.toml) is
# the software environment; there is no conda environment or container to name.
ACCEPTED_LINT = "Specify a conda environment or container for each rule."


def test_snakemake_lint():
    run = _run("snakemake", "--lint", "--cores", "1")
    output = run.stdout + run.stderr  # exits 1 whenever there is any lint
    assert "Error" not in output, output
    lints = [ln.strip() for ln in output.splitlines() if ln.strip().startswith("* ")]
    assert lints, "expected the documented conda/container lint; did --lint change?"
    assert all(ln == f"* {ACCEPTED_LINT}:" for ln in lints), output
