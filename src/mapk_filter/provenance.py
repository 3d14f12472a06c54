"""Tool, dependency and data versions plus input checksums: what a report was made from."""

from __future__ import annotations

import importlib
import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import __version__
from .panel import Panel
from .resources import gene_lists_dir, sha256_file
from .rules import TrialRules

DEPENDENCIES = ("pysam", "cyvcf2", "pandas", "jinja2", "jsonschema", "pyyaml", "snakemake")


def dependency_versions() -> dict[str, str]:
    versions: dict[str, str] = {"python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    try:
        pysam_version = importlib.import_module("pysam.version")  # not pysam.version()
        versions["htslib (pysam)"] = str(pysam_version.__htslib_version__)
        versions["bcftools (pysam)"] = str(pysam_version.__bcftools_version__)
    except (ImportError, AttributeError):
        pass
    return versions


def _data_checksums(panel: Panel) -> dict[str, str]:
    """The panel's own tables plus the gene tables the structural rules read."""
    checksums = dict(panel.checksums)
    for name in ("kinase_domains.tsv", "genome_genes.tsv.gz", "contig_lengths.tsv"):
        path = gene_lists_dir() / name
        if path.is_file():
            checksums.setdefault(name, sha256_file(path))
    return checksums


def provenance(
    panel: Panel, rules: TrialRules, inputs: list[dict[str, Any]], genome_builds: list[str]
) -> dict[str, Any]:
    return {
        "tool": "mapk-filter",
        "tool_version": __version__,
        "dependencies": dependency_versions(),
        "panel": {"version": panel.version, "checksums_sha256": _data_checksums(panel)},
        "rules": {
            "subprotocol": rules.subprotocol,
            "version": rules.version,
            "sha256": rules.sha256,
        },
        "inputs": inputs,
        "genome_builds": sorted(set(genome_builds)),
        "run_time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
