"""Left-alignment with the bcftools norm bundled in pysam, when a reference FASTA is set.

The same indel can be written at several positions inside a repeat; only the leftmost,
parsimonious form can be compared with the hotspot table and between callers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .errors import InputError


def left_align(
    path: Path, fasta: Path, regions: list[str] | None = None, workdir: Path | None = None
) -> Path:
    """A BCF of ``path`` left-aligned against ``fasta`` (only ``regions`` when given).

    A REF base that disagrees with the FASTA stops with an error: it means the file and
    the reference are not the same build.
    """
    import pysam.bcftools
    import pysam.utils

    directory = Path(workdir or tempfile.mkdtemp(prefix="mapk_filter_norm_"))
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / (path.name.split(".")[0] + ".norm.bcf")
    args = ["--no-version", "-f", str(fasta), "-O", "b", "-o", str(out)]
    if regions:
        args += ["-r", ",".join(regions)]
    try:
        pysam.bcftools.norm(*args, str(path), catch_stdout=False)
    except pysam.utils.SamtoolsError as exc:
        message = " ".join(str(exc).split())
        raise InputError(
            str(path), f"bcftools norm against {fasta.name} failed: {message}"
        ) from exc
    return out
