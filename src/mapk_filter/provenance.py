"""Tool, dependency and data versions plus input checksums: what a report was made from."""

from __future__ import annotations

import hashlib
import importlib
import platform
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
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


def data_files(panel: Panel) -> dict[str, Path]:
    """Every data file a decision rests on, by name: the panel's own tables (from its
    folder) plus the gene tables the structural rules read (bundled)."""
    folder = Path(panel.directory) if panel.directory else gene_lists_dir()
    files = {name: folder / name for name in panel.checksums}
    for name in ("kinase_domains.tsv", "genome_genes.tsv.gz", "contig_lengths.tsv"):
        path = gene_lists_dir() / name
        if path.is_file():
            files.setdefault(name, path)
    return files


def _data_checksums(panel: Panel, files: dict[str, Path]) -> dict[str, str]:
    checksums = dict(panel.checksums)
    for name, path in files.items():
        if name not in checksums:
            checksums[name] = sha256_file(path)
    return checksums


@cache
def source_digest() -> str:
    """SHA-256 over the package's own files (code, templates, schemas, code tables), each
    by its path inside the package: changes whenever the code does, unlike the version.
    The bundled panel and rules (``_resources`` in a wheel) are hashed on their own, so an
    editable and a wheel install of the same code agree."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        skipped = {"__pycache__", "_resources"} & set(path.relative_to(root).parts)
        if path.is_file() and not skipped and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def provenance(
    panel: Panel,
    rules: TrialRules,
    inputs: list[dict[str, Any]],
    genome_builds: list[str],
    exports: tuple[str, ...] = (),
) -> dict[str, Any]:
    files = data_files(panel)
    return {
        "tool": "mapk-filter",
        "tool_version": __version__,
        "tool_sha256": source_digest(),
        "dependencies": dependency_versions(),
        "panel": {
            "version": panel.version,
            "checksums_sha256": _data_checksums(panel, files),
            "files": {name: str(path) for name, path in files.items()},
        },
        "rules": {
            "subprotocol": rules.subprotocol,
            "version": rules.version,
            "sha256": rules.sha256,
            "path": rules.path,
        },
        "inputs": inputs,
        "genome_builds": sorted(set(genome_builds)),
        "run_time": datetime.now(UTC).isoformat(timespec="seconds"),
        # relative paths above are relative to it; `mapk-filter verify --base` moves it
        "working_directory": str(Path.cwd()),
        # written beside report.json, derived from it (`mapk-filter verify` checks them)
        "exports": list(exports),
    }
