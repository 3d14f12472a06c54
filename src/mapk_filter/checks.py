"""`mapk-filter panel check`: panel, hotspots and trial rules validated together."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .errors import DataError
from .panel import load_panel
from .rules import ClinicalCriterion, ListedRule, VariantRule, load_rules


def check_data(panel_dir: Path | None, rules_path: Path | None) -> tuple[list[str], str]:
    """Problems (empty when valid) and a one-line summary of what was checked."""
    try:
        panel = load_panel(panel_dir)
        rules = load_rules(rules_path)
    except DataError as exc:
        return [str(exc)], "could not load the data files"
    problems = list(panel.problems())
    for gene in sorted(rules.genes() - set(panel.genes)):
        problems.append(f"rules name gene {gene}, which is not in the panel")
    categories = {h.category for h in panel.hotspots}
    for vrule in (*rules.review, *rules.exclusions):
        for category in sorted(vrule.categories - categories):
            problems.append(f"rule {vrule.id}: no hotspot has category '{category}'")
        for change in sorted(vrule.protein_changes if vrule.match == "hotspot" else ()):
            if not any(h.hgvs_p == change and h.gene in vrule.genes for h in panel.hotspots):
                problems.append(f"rule {vrule.id}: {change} is not in the hotspot table")
    exon_numbers = {(e.gene, e.number) for e in panel.exons}
    for vrule in rules.review:
        for gene in sorted(vrule.genes):
            for number in sorted(vrule.exons):
                if (gene, number) not in exon_numbers:
                    problems.append(f"rule {vrule.id}: {gene} has no MANE exon {number}")
    items: list[ListedRule | VariantRule | ClinicalCriterion] = [
        *rules.listed,
        *rules.review,
        *rules.exclusions,
        *rules.clinical,
    ]
    ids = Counter(item.id for item in items)
    problems += [f"rule id {rid} is used {n} times" for rid, n in ids.items() if n > 1]
    for item in items:
        if item.source not in rules.sources:
            problems.append(f"rule {item.id}: source '{item.source}' is not defined")
    summary = (
        f"panel {panel.version}: {len(panel.genes)} genes, {len(panel.exons)} exons, "
        f"{len(panel.hotspots)} hotspot alleles; rules {rules.subprotocol} {rules.version}: "
        f"{len(rules.listed)} listed, {len(rules.review)} review, "
        f"{len(rules.exclusions)} exclusion, {len(rules.clinical)} clinical criteria; "
        + ("OK" if not problems else f"{len(problems)} problem(s)")
    )
    return problems, summary
