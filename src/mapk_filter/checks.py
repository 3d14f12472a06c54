"""`mapk-filter panel check`: panel, hotspots and trial rules validated together."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .breakpoints import KinaseDomain, load_kinase_domains
from .errors import DataError
from .panel import load_panel
from .panel_checks import kinase_domain_problems, kinase_domain_summary, panel_problems
from .resources import gene_lists_dir
from .rules import ClinicalCriterion, ListedRule, TrialRules, VariantRule, load_rules

KINASE_DOMAINS_FILE = "kinase_domains.tsv"


def check_data(panel_dir: Path | None, rules_path: Path | None) -> tuple[list[str], str]:
    """Problems (empty when valid) and a summary of what was checked.

    The summary's first line maps each kinase domain to its exons; its last line ends with
    ``OK`` or the number of problems.
    """
    kinase_path = (gene_lists_dir() if panel_dir is None else Path(panel_dir)) / KINASE_DOMAINS_FILE
    try:
        panel = load_panel(panel_dir)
        rules = load_rules(rules_path)
        domains: dict[str, KinaseDomain] = load_kinase_domains(kinase_path)
    except (DataError, OSError) as exc:
        return [str(exc)], "could not load the data files"
    problems = panel_problems(panel)
    problems += kinase_domain_problems(panel, domains)
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
    problems += _structural_rule_problems(rules, domains)
    summary = (
        kinase_domain_summary(panel, domains)
        + "\n"
        + f"panel {panel.version}: {len(panel.genes)} genes, {len(panel.exons)} exons, "
        f"{len(panel.hotspots)} hotspot alleles; rules {rules.subprotocol} {rules.version}: "
        f"{len(rules.listed)} listed, {len(rules.review)} review, "
        f"{len(rules.exclusions)} exclusion, {len(rules.clinical)} clinical criteria; "
        f"{len(domains)} kinase-domain rows ({sum(d.verified for d in domains.values())} "
        "verified, exons recomputed on GRCh38 and GRCh37); "
        + ("OK" if not problems else f"{len(problems)} problem(s)")
    )
    return problems, summary


def _structural_rule_problems(rules: TrialRules, domains: dict[str, KinaseDomain]) -> list[str]:
    """Rules that judge a kinase domain need its row; copy-loss rules need a threshold."""
    problems: list[str] = []
    needs_domain = [
        (rule.id, rule.gene)
        for rule in rules.listed
        if rule.gene
        and (rule.alteration_type == "fusion" or rule.requires.get("covers_kinase_domain"))
    ]
    needs_domain += [
        (vrule.id, gene)
        for vrule in rules.review
        if vrule.match in ("kinase_fusion", "intragenic_kinase")
        for gene in sorted(vrule.genes)
    ]
    needs_domain += [
        (f"route {route.subprotocol}", gene)
        for route in rules.routing
        if "kinase_fusion" in route.match
        for gene in sorted(route.genes)
    ]
    for rule_id, gene in needs_domain:
        if gene not in domains:
            problems.append(f"rule {rule_id}: {gene} has no row in {KINASE_DOMAINS_FILE}")
    for vrule in rules.review:
        if vrule.match == "copy_loss" and vrule.below_copy_number is None:
            problems.append(f"rule {vrule.id}: copy_loss needs below_copy_number")
    for route in rules.routing:
        if route.source not in rules.sources:
            problems.append(
                f"route to sub-protocol {route.subprotocol}: source '{route.source}' is not defined"
            )
    return problems
