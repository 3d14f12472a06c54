"""Where the bundled, versioned data files live (panel, hotspots, trial rules)."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from pathlib import Path


def resources_dir() -> Path:
    """The bundled resources: inside the wheel, or ``resources/`` of a source tree."""
    packaged = Path(str(files("mapk_filter"))) / "_resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def gene_lists_dir() -> Path:
    return resources_dir() / "gene_lists"


def trial_rules_path() -> Path:
    return resources_dir() / "trial_rules" / "subprotocol_B.yaml"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
