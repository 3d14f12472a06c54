"""Opening a VCF/BCF, the same way for every kind: one place for what is checked first.

Before any record is read: the file exists, its container (plain, gzip, BGZF, BCF) is
whole, htslib can open it, its sample columns are text, a plain file's last line is
complete, and its header is parsed. Each problem is an InputError naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cyvcf2 import VCF

from ..errors import InputError
from .integrity import Compression, check_container, check_last_line, not_readable
from .vcf_header import HeaderFacts, chrom_line_columns, parse_header, sample_names


def open_records(path: Path) -> Any:
    """An open cyvcf2 reader of ``path``, or an InputError saying why it cannot be read."""
    if not path.exists():
        raise InputError(str(path), "file not found")
    try:
        return VCF(str(path))  # not lazy=True: FORMAT access crashes (cyvcf2 0.35)
    except Exception as exc:  # cyvcf2 raises bare Exception
        raise InputError(str(path), f"not a readable VCF/BCF: {not_readable(path, exc)}") from exc


@dataclass
class OpenedVcf:
    """An open VCF/BCF whose container and header were checked; close ``vcf`` when done."""

    path: Path
    vcf: Any  # cyvcf2.VCF
    container: Compression
    notes: list[str]  # what the container check found worth saying
    samples: list[str]
    facts: HeaderFacts

    def close(self) -> None:
        self.vcf.close()


def open_vcf(path: Path) -> OpenedVcf:
    """Check the container, open the file and read its header (see the module docstring)."""
    if not path.exists():
        raise InputError(str(path), "file not found")
    container, notes = check_container(path)
    vcf = open_records(path)
    try:
        samples = sample_names(path, vcf)
        if container == "plain":
            check_last_line(path, chrom_line_columns(samples))
        facts = parse_header(vcf.raw_header, samples)
    except BaseException:
        vcf.close()
        raise
    return OpenedVcf(path, vcf, container, notes, samples, facts)
