"""The equivalent-mutant list is a claim per mutant: well formed, no duplicates, only
mutants of the modules mutmut mutates, each with a reason (scripts/mutation_score.py checks
it against a run)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpers import REPO

LIST = REPO / "tests" / "mutation" / "equivalent.tsv"


def _mutated_modules() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    # src/mapk_filter/interpret/small.py -> mapk_filter.interpret.small
    return {
        ".".join(Path(p).relative_to("src").with_suffix("").parts)
        for p in config["tool"]["mutmut"]["only_mutate"]
    }


def test_every_listed_mutant_has_a_module_that_is_mutated_and_a_reason():
    lines = LIST.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "mutant\treason"
    modules = _mutated_modules()
    names = []
    for number, line in enumerate(lines[1:], start=2):
        name, sep, reason = line.partition("\t")
        assert sep and len(reason.split()) >= 5, f"line {number}: a reason in words"
        assert name.startswith("mapk_filter.") and "__mutmut_" in name, f"line {number}"
        assert name.split(".x")[0] in modules, f"line {number}: {name}"
        names.append(name)
    assert len(names) == len(set(names))
