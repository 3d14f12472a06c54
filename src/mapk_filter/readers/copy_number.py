"""Copy-number segments from CNV VCFs (CNVkit, GATK, Control-FREEC exports) and CNVkit .cns.

Callers put the number in different places: INFO or FORMAT ``CN``, CNVkit's
``FOLD_CHANGE_LOG``, a log2 ratio. Each record becomes one ``Segment`` with an absolute
copy number (taken as written when given, else 2 * 2**log2 for a diploid genome) so the
amplification rule reads one field, and every record is counted.

Values that are not numbers are errors naming the line (or record), never "copy
neutral": a copy number or log2 ratio written as NaN, NA, inf or any other non-number,
in INFO, in the tumour's FORMAT column or in a .cns column. Only a truly missing value
('.', or an empty .cns ``cn`` cell) is missing. Because htslib silently turns some of
these (``CN=NA`` in INFO) into "missing", the text of a VCF is checked line by line for
the keys read here before cyvcf2 reads it; a BCF's values are checked as cyvcf2 gives
them (a NaN written into a BCF is told apart from htslib's missing value by its bits).

Integrity (readers/integrity.py): a bgzip/BCF file (or .cns.gz) without its BGZF
end-of-file block is truncated: an error. Segments are sorted as every CNV caller writes
them (start not decreasing within a chromosome, each chromosome in one block); a segment
out of order is noticed and named in the notes, and every segment is still read and
judged (overlapping segments with other copy numbers are a contradiction the interpreter
names). POS 0 and an END before POS are errors.
"""

from __future__ import annotations

import gzip
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..context import Context, Source
from ..errors import InputError
from ..panel import normalise_chrom
from .build import check_build
from .evidence import format_values
from .integrity import (
    Compression,
    RecordOrder,
    check_container,
    check_contigs,
)
from .vcf import open_vcf
from .vcf_header import (
    HeaderFacts,
    choose_samples,
    unreadable_as_input_error,
)

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


# A log2 ratio beyond this is no measurement (2 * 2**64 copies); 2**1024 overflows a float.
MAX_ABS_LOG2 = 64.0


def cn_from_log2(log2: float) -> float:
    """Absolute copy number of a diploid genome from a log2 ratio (no purity correction)."""
    return float(2.0 * 2.0**log2)


_NUMERIC_KEYS = frozenset({"CN", *_LOG2_KEYS})
_MISSING_TEXT = frozenset({"", "."})


def _number(
    path: Path, record: int, field: str, value: Any, line: int | None = None
) -> float | None:
    """A copy number or log2 ratio: None when missing ('.'); InputError when it is not a
    finite number (NaN, NA, inf, text)."""
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    if value is None or (isinstance(value, str) and value.strip() in _MISSING_TEXT):
        return None
    where = f"line {line}: " if line is not None else ""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(
            str(path), f"{where}{field} is {str(value)!r}, not a number", record
        ) from exc
    if not math.isfinite(number):
        raise InputError(
            str(path),
            f"{where}{field} is {str(value)!r}, not a finite number: a copy number or log2 "
            "ratio that is NaN or infinite cannot be judged (write '.' when it is missing)",
            record,
        )
    is_log2 = field.lower() == "log2" or field.split("/")[-1] in _LOG2_KEYS
    if is_log2 and abs(number) > MAX_ABS_LOG2:
        raise InputError(
            str(path),
            f"{where}{field} is {str(value)!r}: a log2 ratio beyond +-{MAX_ABS_LOG2:g} (a copy "
            "number of 2 * 2**64 or less than 2 / 2**64) is not a measurement",
            record,
        )
    return number


def _format_value(path: Path, record: Any, key: str, sample: int, number: int) -> float | None:
    values = format_values(record, key, sample)
    return _number(path, number, f"FORMAT/{key}", values[0]) if values else None


def _vcf_segment(path: Path, record: Any, number: int, tumor: int | None) -> Segment:
    alt = str(record.ALT[0]) if record.ALT else ""
    svtype = str(record.INFO.get("SVTYPE") or alt.strip("<>")).upper()
    end = record.INFO.get("END")
    if end is None:
        raise InputError(str(path), f"copy-number record ({svtype or alt}) without END", number)
    try:
        last = int(end)
    except (TypeError, ValueError) as exc:
        raise InputError(str(path), f"END {end!r} is not a whole number", number) from exc
    if record.POS < 1:
        raise InputError(str(path), f"POS {record.POS}: positions are 1-based", number)
    if last < record.POS:
        raise InputError(str(path), f"END {last} is before POS {record.POS}", number)
    log2: float | None = None
    for key in _LOG2_KEYS:
        log2 = None if tumor is None else _format_value(path, record, key, tumor, number)
        if log2 is None:
            log2 = _number(path, number, f"INFO/{key}", record.INFO.get(key))
        if log2 is not None:
            break
    cn = None if tumor is None else _format_value(path, record, "CN", tumor, number)
    source = "FORMAT/CN"
    if cn is None:
        cn, source = _number(path, number, "INFO/CN", record.INFO.get("CN")), "INFO/CN"
    if cn is None and log2 is not None:
        cn, source = cn_from_log2(log2), "log2 (2*2^log2, no purity correction)"
    if cn is None:
        source = "none"
    return Segment(
        chrom=normalise_chrom(record.CHROM),
        start=record.POS,
        end=last,
        copy_number=cn,
        log2=log2,
        source=source,
        record_number=number,
        svtype=svtype,
        filters=tuple((record.FILTER or "PASS").split(";")),
        record_id=record.ID or "",
    )


def _check_text_values(path: Path, kind: Compression, tumor: int | None) -> None:
    """Every CN/log2 value written in the VCF's text (INFO, the tumour's FORMAT column)
    must be a number or '.': htslib reads ``CN=NA`` in INFO as missing, silently."""
    opener: Any = gzip.open if kind in ("bgzf", "gzip") else open
    record = 0
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
            for line_number, line in enumerate(handle, start=1):
                if line.startswith("#") or not line.strip():
                    continue
                record += 1
                columns = line.rstrip("\r\n").split("\t")
                if len(columns) > 7:
                    for item in columns[7].split(";"):
                        key, equals, value = item.partition("=")
                        if equals and key in _NUMERIC_KEYS:
                            for part in value.split(","):
                                _number(path, record, f"INFO/{key}", part, line_number)
                if tumor is not None and len(columns) > 9 + tumor:
                    keys = columns[8].split(":")
                    for key, value in zip(keys, columns[9 + tumor].split(":"), strict=False):
                        if key in _NUMERIC_KEYS:
                            for part in value.split(","):
                                _number(path, record, f"FORMAT/{key}", part, line_number)
    except (OSError, EOFError, zlib.error):
        return  # reading it with htslib names the problem with the record


def _read_vcf(path: Path, declared_build: str, tumor_name: str | None) -> CopyNumberScan:
    opened = open_vcf(path)
    vcf, kind, notes, facts = opened.vcf, opened.container, opened.notes, opened.facts
    try:
        build_note = check_build(path, facts, declared_build)
        if build_note:
            notes.append(build_note)
        tumor: int | None = None
        tumor_sample = ""
        if facts.samples:
            tumor, _ = choose_samples(path, facts, tumor_name, None)
            tumor_sample = facts.samples[tumor]
        if kind in ("plain", "gzip") or (kind == "bgzf" and not _is_bcf_name(path)):
            _check_text_values(path, kind, tumor)
    except InputError:
        vcf.close()
        raise
    scan = CopyNumberScan(path, "vcf", declared_build, tumor_sample, notes=notes, facts=facts)
    order = RecordOrder()
    try:
        with unreadable_as_input_error(path, lambda: scan.records_read):
            for record in vcf:
                scan.records_read += 1
                problem = order.problem(record.CHROM, record.POS)
                if problem:
                    _note_unsorted(scan, f"record {scan.records_read}: {problem}")
                scan.segments.append(_vcf_segment(path, record, scan.records_read, tumor))
    finally:
        vcf.close()
    return scan


def _note_unsorted(scan: CopyNumberScan, problem: str) -> None:
    """Out of order is noticed and named once; every segment is still read and judged
    (overlaps are found by sorting), so the order changes no finding."""
    if not any("out of order" in n for n in scan.notes):
        scan.notes.append(
            f"{problem}; every segment was read and judged, so the order changes nothing here"
        )


def _is_bcf_name(path: Path) -> bool:
    with gzip.open(path, "rb") as handle:
        return bool(handle.read(3) == b"BCF")


def _read_cns(path: Path, declared_build: str) -> CopyNumberScan:
    """CNVkit .cns: chromosome, start (0-based), end, gene, log2, [cn], depth, probes, weight."""
    notes: list[str] = []
    if path.suffix == ".gz":
        _, notes = check_container(path)
    elif path.stat().st_size == 0:
        raise InputError(str(path), "empty file (0 bytes): not a CNVkit .cns")
    opener: Any = gzip.open if path.suffix == ".gz" else open
    scan = CopyNumberScan(path, "cns", declared_build, "", notes=notes)
    scan.notes.append(
        f"CNVkit .cns has no contigs header: {declared_build} (declared) was not checked"
    )
    header: list[str] | None = None
    order = RecordOrder()
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            for line_number, line in enumerate(handle, 1):
                if not line.strip() or line.startswith("#"):
                    continue
                fields = line.rstrip("\r\n").split("\t")
                if header is None:
                    header = fields
                    missing = [c for c in ("chromosome", "start", "end", "log2") if c not in fields]
                    if missing:
                        raise InputError(
                            str(path),
                            f"line {line_number}: not a CNVkit .cns: the header lacks "
                            f"{', '.join(missing)} (it has {', '.join(fields)[:120]})",
                        )
                    continue
                scan.records_read += 1
                number = scan.records_read
                if len(fields) != len(header):
                    raise InputError(
                        str(path),
                        f"line {line_number}: {len(fields)} fields, the header has {len(header)}",
                        number,
                    )
                row = dict(zip(header, fields, strict=True))
                start, end = _position(path, row, line_number, number)
                problem = order.problem(row["chromosome"], start)
                if problem:
                    _note_unsorted(scan, f"line {line_number}: {problem}")
                log2 = _number(path, number, "log2", row["log2"], line_number)
                if log2 is None:
                    raise InputError(
                        str(path), f"line {line_number}: log2 is missing ('.')", number
                    )
                cn = _number(path, number, "cn", row.get("cn", ""), line_number)
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
                        record_number=number,
                    )
                )
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            str(path), f"cannot read after segment {scan.records_read}: {exc}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path),
            f"not UTF-8 text after segment {scan.records_read} ({exc.reason})",
            scan.records_read + 1,
        ) from exc
    if header is None:
        raise InputError(str(path), "empty .cns file (no header line)")
    return scan


def _position(path: Path, row: dict[str, str], line: int, number: int) -> tuple[int, int]:
    """1-based start and end of a .cns row (its start is 0-based)."""
    values = []
    for column in ("start", "end"):
        text = row[column].strip()
        if not (text.isascii() and text.isdigit()):
            raise InputError(
                str(path), f"line {line}: {column} is {text!r}, not a whole number", number
            )
        values.append(int(text))
    start, end = values[0] + 1, values[1]
    if end < start:
        raise InputError(str(path), f"line {line}: end {end} is before start {start - 1}", number)
    return start, end


def _checked(scan: CopyNumberScan) -> CopyNumberScan:
    check_contigs(scan.path, (s.chrom for s in scan.segments), scan.records_read)
    return scan


def read_copy_number(
    path: Path, declared_build: str, tumor_name: str | None = None
) -> CopyNumberScan:
    """Read a CNV VCF/BCF or a CNVkit .cns (by suffix); InputError names file and record."""
    name = path.name.lower()
    if name.endswith((".cns", ".cns.gz")):
        if not path.exists():
            raise InputError(str(path), "file not found")
        return _checked(_read_cns(path, declared_build))
    return _checked(_read_vcf(path, declared_build, tumor_name))


def read(source: Source, ctx: Context) -> CopyNumberScan:
    """The sheet row's CNV VCF/BCF or CNVkit .cns."""
    return read_copy_number(source.path, ctx.build, source.tumor_name)
