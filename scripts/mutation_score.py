"""The mutation score of the decision code, from the last `mutmut run` and the equivalent list.

    mutmut run                       # about an hour on 2 cores (README: Development)
    python scripts/mutation_score.py # counts per module and in total; exit 1 below the target

Reads `mutmut results --all true` in the current checkout and tests/mutation/equivalent.tsv
(mutant<TAB>reason). A survivor on the list is equivalent; a survivor not on it counts
against the score and is printed; a listed mutant that no longer survives (killed since, or
renamed by a code change) is printed too, so the list is kept true. Score = killed /
(mutants - equivalent), the target 90 %.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EQUIVALENT = REPO / "tests" / "mutation" / "equivalent.tsv"
TARGET = 0.90


def results() -> dict[str, str]:
    """mutant name -> status (killed, survived, timeout, ...) of the last run."""
    out = subprocess.run(
        ["mutmut", "results", "--all", "true"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    statuses = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name.startswith("mapk_filter."):
            statuses[name] = status
    return statuses


def equivalents(path: Path) -> dict[str, str]:
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    listed = {}
    for number, row in enumerate(rows, start=2):
        name, sep, reason = row.partition("\t")
        if not sep or not reason.strip():
            raise SystemExit(f"{path} line {number}: expected mutant<TAB>reason")
        listed[name] = reason
    return listed


def module(name: str) -> str:
    """mapk_filter.interpret.small.xǁClassifierǁclassify__mutmut_3 -> interpret.small"""
    return name.split(".x")[0].removeprefix("mapk_filter.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--equivalent", type=Path, default=EQUIVALENT)
    args = parser.parse_args()
    statuses = results()
    if not statuses:
        print("no mutmut results here: run `mutmut run` first", file=sys.stderr)
        return 2
    listed = equivalents(args.equivalent)
    table: dict[str, Counter[str]] = defaultdict(Counter)
    open_survivors = []
    for name, status in statuses.items():
        counts = table[module(name)]
        counts["mutants"] += 1
        if status == "killed" or status == "timeout":  # a timeout is a detected change
            counts["killed"] += 1
        elif status == "survived" and name in listed:
            counts["equivalent"] += 1
        elif status == "survived":
            counts["survived"] += 1
            open_survivors.append(name)
        else:
            counts[status] += 1
    stale = sorted(n for n in listed if statuses.get(n) != "survived")
    total: Counter[str] = Counter()
    print(f"{'module':<26}{'mutants':>9}{'killed':>9}{'equiv.':>9}{'survived':>10}{'score':>9}")
    for name in sorted(table):
        counts = table[name]
        total.update(counts)
        print(_line(name, counts))
    print(_line("total", total))
    others = {k: v for k, v in total.items() if k not in _COLUMNS}
    if others:
        print(f"other statuses: {dict(others)}")
    for name in sorted(open_survivors):
        print(f"survived, not listed: {name}")
    for name in stale:
        print(f"listed but not a survivor of this run: {name} ({statuses.get(name, 'absent')})")
    return 0 if _score(total) >= TARGET and not stale else 1


_COLUMNS = ("mutants", "killed", "equivalent", "survived")


def _score(counts: Counter[str]) -> float:
    judged = counts["mutants"] - counts["equivalent"]
    return counts["killed"] / judged if judged else 1.0


def _line(name: str, counts: Counter[str]) -> str:
    return (
        f"{name:<26}{counts['mutants']:>9}{counts['killed']:>9}{counts['equivalent']:>9}"
        f"{counts['survived']:>10}{100 * _score(counts):>8.1f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
