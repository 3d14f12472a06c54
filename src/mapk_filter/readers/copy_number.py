"""Copy-number segments from CNV VCFs (CNVkit, GATK, Control-FREEC exports) and CNVkit .cns.

Callers put the number in different places: INFO or FORMAT ``CN``, CNVkit's
``FOLD_CHANGE_LOG``, a log2 ratio. Each record becomes one ``Segment`` with an absolute
copy number (taken as written when given, else 2 * 2**log2 for a diploid genome) so the
amplification rule reads one field, and every record is counted.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cyvcf2 import VCF

from ..errors import InputError
from ..panel import normalise_chrom
from .evidence import format_numbers, number_or_none
from .vcf_header import (
    HeaderFacts,
    check_build,
    choose_samples,
    parse_header,
    unreadable_as_input_error,
)

CNV_SVTYPES = frozenset({"CNV", "DUP", "AMP", "GAIN", "DEL", "LOSS", "DUP:TANDEM"})
_LOG2_KEYS = ("FOLD_CHANGE_LOG", "LOG2", "LOG2R", "L2R", "LOG2_COPY_RATIO", "SM")


@dataclass(frozen=True)
class Segment:
    """A copy-number segment, 1-based inclusive, chromosome without "chr"."""

    chrom: str
    start: int
    end: int
    copy_number: float | None
    log2: float | None
    source: str  # where copy_number came from: "FORMAT/CN", "INFO/CN", "log2", "cns:cn", ...
    record_number: int
    svtype: str = ""
    filters: tuple[str, ...] = ("PASS",)
    record_id: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def describe(self) -> str:
        cn = "CN ?" if self.copy_number is None else f"CN {self.copy_number:g}"
        log2 = "" if self.log2 is None else f", log2 {self.log2:.2f}"
        return f"chr{self.chrom}:{self.start}-{self.end} {cn}{log2} ({self.source})"


@dataclass
class CopyNumberScan:
    path: Path
    fmt: str  # "vcf" | "cns"
    build: str
    tumor_sample: str
    records_read: int = 0
    segments: list[Segment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: HeaderFacts | None = None


def cn_from_log2(log2: float) -> float:
    """Absolute copy number of a diploid genome from a log2 ratio (no purity correction)."""
    return float(2.0 * 2.0**log2)


def _format_value(record: Any, key: str, sample: int) -> float | None:
    values = format_numbers(record, key, sample)
    return values[0] if values else None


def _vcf_segment(path: Path, record: Any, number: int, tumor: int) -> Segment:
    alt = str(record.ALT[0]) if record.ALT else ""
    svtype = str(record.INFO.get("SVTYPE") or alt.strip("<>")).upper()
    end = record.INFO.get("END")
    if end is None:
        raise InputError(str(path), f"copy-number record ({svtype or alt}) without END", number)
    log2: float | None = None
    for key in _LOG2_KEYS:
        log2 = _format_value(record, key, tumor)
        if log2 is None:
            log2 = number_or_none(record.INFO.get(key))
        if log2 is not None:
            break
    cn, source = _format_value(record, "CN", tumor), "FORMAT/CN"
    if cn is None:
        cn, source = number_or_none(record.INFO.get("CN")), "INFO/CN"
    if cn is None and log2 is not None:
        cn, source = cn_from_log2(log2), "log2 (2*2^log2, no purity correction)"
    if cn is None:
        source = "none"
    return Segment(
        chrom=normalise_chrom(record.CHROM),
        start=record.POS,
        end=int(end),
        copy_number=cn,
        log2=log2,
        source=source,
        record_number=number,
        svtype=svtype,
        filters=tuple((record.FILTER or "PASS").split(";")),
        record_id=record.ID or "",
    )


def _read_vcf(path: Path, declared_build: str, tumor_name: str | None) -> CopyNumberScan:
    if not path.exists():
        raise InputError(str(path), "file not found")
    try:
        vcf = VCF(str(path))  # not lazy=True: FORMAT access crashes (cyvcf2 0.35)
    except Exception as exc:  # cyvcf2 raises bare Exception
        raise InputError(str(path), f"not a readable VCF/BCF: {exc}") from exc
    facts = parse_header(vcf.raw_header, list(vcf.samples))
    notes: list[str] = []
    build_note = check_build(path, facts, declared_build)
    if build_note:
        notes.append(build_note)
    tumor = 0
    tumor_sample = ""
    if facts.samples:
        tumor, _ = choose_samples(path, facts, tumor_name, None)
        tumor_sample = facts.samples[tumor]
    scan = CopyNumberScan(path, "vcf", declared_build, tumor_sample, notes=notes, facts=facts)
    try:
        with unreadable_as_input_error(path, lambda: scan.records_read):
            for record in vcf:
                scan.records_read += 1
                scan.segments.append(_vcf_segment(path, record, scan.records_read, tumor))
    finally:
        vcf.close()
    return scan


def _read_cns(path: Path, declared_build: str) -> CopyNumberScan:
    """CNVkit .cns: chromosome, start (0-based), end, gene, log2, [cn], depth, probes, weight."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    scan = CopyNumberScan(path, "cns", declared_build, "")
    scan.notes.append(
        f"CNVkit .cns has no contigs header: {declared_build} (declared) was not checked"
    )
    header: list[str] | None = None
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                if not line.strip() or line.startswith("#"):
                    continue
                fields = line.rstrip("\n").split("\t")
                if header is None:
                    header = fields
                    missing = [c for c in ("chromosome", "start", "end", "log2") if c not in fields]
                    if missing:
                        raise InputError(
                            str(path), f"not a CNVkit .cns: header lacks {', '.join(missing)}"
                        )
                    continue
                scan.records_read += 1
                if len(fields) != len(header):
                    raise InputError(
                        str(path),
                        f"line {line_number}: {len(fields)} fields, the header has {len(header)}",
                        scan.records_read,
                    )
                row = dict(zip(header, fields, strict=True))
                try:
                    start, end = int(row["start"]) + 1, int(row["end"])
                    log2 = float(row["log2"])
                    cn_text = row.get("cn", "")
                    cn = float(cn_text) if cn_text not in ("", "NA", ".") else None
                except ValueError as exc:
                    raise InputError(
                        str(path), f"line {line_number}: {exc}", scan.records_read
                    ) from exc
                source = "cns:cn"
                if cn is None:
                    cn, source = cn_from_log2(log2), "cns:log2 (2*2^log2, no purity correction)"
                scan.segments.append(
                    Segment(
                        chrom=normalise_chrom(row["chromosome"]),
                        start=start,
                        end=end,
                        copy_number=cn,
                        log2=log2,
                        source=source,
                        record_number=scan.records_read,
                    )
                )
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read: {exc}") from exc
    if header is None:
        raise InputError(str(path), "empty .cns file (no header line)")
    return scan


def read_copy_number(
    path: Path, declared_build: str, tumor_name: str | None = None
) -> CopyNumberScan:
    """Read a CNV VCF/BCF or a CNVkit .cns (by suffix); InputError names file and record."""
    name = path.name.lower()
    if name.endswith((".cns", ".cns.gz")):
        if not path.exists():
            raise InputError(str(path), "file not found")
        return _read_cns(path, declared_build)
    return _read_vcf(path, declared_build, tumor_name)
