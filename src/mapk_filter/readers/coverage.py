"""Coverage files: were the bases of a target (BCL2 codons 101-104) sequenced deeply enough?

An absent variant is only proven absent where the file says the bases were read. Three
formats are accepted, recognised from their content (the name is only a hint):

- mosdepth per-base (``*.per-base.bed.gz``; chrom, 0-based start, end, depth): the exact
  depth of every base;
- mosdepth regions (``*.regions.bed.gz``; chrom, start, end, name, mean depth, or four
  columns when the regions had no name or were ``--by`` windows): the mean depth of each
  region, which can hide a low-coverage codon inside a well-covered region;
- a BED of callable regions: three columns (every region callable) or a text label in the
  fourth column (GATK CallableLoci; mosdepth ``--quantize`` with a bin named ``CALLABLE``):
  only ``CALLABLE`` is callable; the depth is not given.

With a tabix/CSI index beside a bgzipped file the targets are read by region queries;
otherwise the file is streamed once, keeping only the records that overlap a target. A
base the file does not describe is never assumed covered. Every problem (a malformed line,
a depth that is not a finite non-negative number, a truncated gzip, records out of order,
no data lines) is an ``InputError`` naming the file and the line.

The file's layout (compression, lines, which of the three formats) and the parsing of one
line are in readers/coverage_layout.py; here, what the lines say about each target.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pysam

from ..context import Context, Source
from ..errors import InputError
from ..panel import normalise_chrom
from ..targets import Target, exclusion_targets
from .coverage_layout import (
    Format,
    _BadRecord,
    _blocks,
    _compression,
    _detect,
    _first_data_line,
    _format_notes,
    _is_header,
    _Layout,
    _Order,
    _parse,
    _split,
    _unreadable,
)

CoverageStatus = Literal["covered", "below_min_depth", "not_covered"]

_MAYBE_HEADER = frozenset({b"", b"#", b"t", b"b", b"\n", b"\r", b" ", b"\t"})
_REGIONS_CAVEAT = "a mean over a region can hide a low-coverage codon"
_NO_DEPTH = "depth not given by a callable-regions BED"


@dataclass(frozen=True)
class TargetCoverage:
    """What the file says about one target.

    ``status``: ``covered`` (every base described, at or above the minimum depth or
    callable), ``below_min_depth`` (every base described with reads, some below the
    minimum) or ``not_covered`` (some base not described, at depth 0 or labelled
    uncallable). ``min_depth`` is the lowest depth over the described bases (for a regions
    file the lowest overlapping mean; None for a callable BED or when no base is described).
    ``bases_below`` counts described bases below the minimum (or labelled uncallable),
    ``bases_missing`` bases the file does not describe.
    """

    target: Target
    status: CoverageStatus
    min_depth: float | None
    bases_below: int
    bases_missing: int
    detail: str


@dataclass(frozen=True)
class CoverageScan:
    """One coverage file read against the targets.

    ``records_read`` counts the data lines read: the whole file when streamed, the lines the
    region queries returned when ``region_query``. ``records_in_targets`` counts those that
    describe at least one base of a target. ``required_depth`` is the ``min_depth`` asked for.
    """

    path: Path
    fmt: Format
    records_read: int
    records_in_targets: int
    targets: tuple[TargetCoverage, ...]
    notes: tuple[str, ...]
    region_query: bool
    required_depth: int


# --------------------------------------------------------------------------- per target


@dataclass
class _Accumulator:
    """Per-base values of one target: None = not described; the lowest value wins."""

    target: Target
    values: list[float | None]
    labels: list[str | None]

    @classmethod
    def of(cls, target: Target) -> _Accumulator:
        return cls(target, [None] * target.length, [None] * target.length)

    def overlaps(self, start0: int, end: int) -> bool:
        return start0 < end and start0 < self.target.end and end >= self.target.start

    def add(self, start0: int, end: int, value: float, label: str | None) -> None:
        first = max(start0 + 1, self.target.start) - self.target.start
        last = min(end, self.target.end) - self.target.start
        values, labels = self.values, self.labels
        for i in range(first, last + 1):
            current = values[i]
            if current is None or value < current:
                values[i] = value
                labels[i] = label


def _depth_text(depth: float) -> str:
    """35.0 -> "35", 12.5 -> "12.5", 19.999 -> "19.999" (never rounded up to the threshold)."""
    return str(int(depth)) if depth.is_integer() else repr(depth)


def _judge(acc: _Accumulator, layout: _Layout, required: int) -> TargetCoverage:
    target = acc.target
    n = target.length
    where = f"{target.label} ({target.locus()})"
    described = [v for v in acc.values if v is not None]
    missing = n - len(described)
    if layout.fmt == "callable_bed":
        below = sum(1 for v in described if v == 0.0)
        if missing == 0 and below == 0:
            detail = f"{where}: all {n} bases callable ({_NO_DEPTH})"
            return TargetCoverage(target, "covered", None, 0, 0, detail)
        parts: list[str] = []
        if below:
            counts: dict[str, int] = {}
            for v, label in zip(acc.values, acc.labels, strict=True):
                if v == 0.0 and label is not None:
                    counts[label] = counts.get(label, 0) + 1
            parts += [f"{c} of {n} bases labelled {label}" for label, c in counts.items()]
        if missing:
            place = "not described by the file" if layout.labelled else "not in any callable region"
            parts.append(f"{missing} of {n} bases {place}")
        detail = f"{where}: not covered: {', '.join(parts)} ({_NO_DEPTH})"
        return TargetCoverage(target, "not_covered", None, below, missing, detail)

    lowest = min(described) if described else None
    below = sum(1 for v in described if v < required)
    zero = sum(1 for v in described if v == 0.0)
    regions = layout.fmt == "mosdepth_regions"
    what = "region mean depth" if regions else "depth"
    lowest_word = "lowest" if regions else "minimum"
    caveat = f" ({_REGIONS_CAVEAT})" if regions else ""
    if missing == 0 and below == 0 and lowest is not None:
        lowest_text = _depth_text(lowest)
        if regions:
            detail = (
                f"{where}: all {n} bases in regions with mean depth >= {required} "
                f"(lowest mean {lowest_text}; {_REGIONS_CAVEAT})"
            )
        else:
            detail = f"{where}: all {n} bases at depth >= {required} (minimum {lowest_text})"
        return TargetCoverage(target, "covered", lowest, 0, 0, detail)
    parts = []
    if below and lowest is not None:
        parts.append(
            f"{lowest_word} {what} {_depth_text(lowest)} < {required} over {below} of {n} bases"
        )
    if zero:
        parts.append(f"{zero} of {n} bases with no reads")
    if missing:
        parts.append(f"{missing} of {n} bases not described by the file")
    if missing or zero:
        detail = f"{where}: not covered: {'; '.join(parts)}{caveat}"
        return TargetCoverage(target, "not_covered", lowest, below, missing, detail)
    detail = f"{where}: {parts[0]}{caveat}"
    return TargetCoverage(target, "below_min_depth", lowest, below, missing, detail)


def _find_index(path: Path) -> Path | None:
    for suffix in (".csi", ".tbi"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            return candidate
    return None


@dataclass
class _Counts:
    records_read: int = 0
    records_in_targets: int = 0
    contigs_seen: set[str] = field(default_factory=set)


def _stream(
    path: Path, compressed: bool, layout: _Layout, accs: dict[str, list[_Accumulator]]
) -> _Counts:
    """One pass over the whole file, keeping only what overlaps a target.

    The loop reads bytes and does the common case inline (cost per line is what matters on a
    genome-wide per-base file); anything unusual (a new contig, a bad value, a line out of
    order, whitespace instead of tabs) goes through ``_parse`` and ``_Order``, which name
    the problem, so both paths judge a line the same way.
    """
    counts = _Counts()
    per_base = layout.fmt == "mosdepth_per_base"
    order = _Order(per_base)
    ncols, vcol, labelled = layout.columns, layout.value_column, layout.labelled
    inf = math.inf
    chrom: bytes | None = None
    prev_start = prev_end = -1
    current: list[_Accumulator] = []
    lo = hi = 0  # 0-based span of the current contig's targets, for a quick miss
    records = in_targets = number = 0
    try:
        for block in _blocks(path, compressed):
            for line in block:
                number += 1
                if line[:1] in _MAYBE_HEADER and _is_header(line.decode("utf-8", "replace")):
                    continue
                records += 1
                fields = line.split(b"\t")
                label: str | None = None
                try:
                    if len(fields) != ncols:
                        raise ValueError
                    start = int(fields[1])
                    end = int(fields[2])
                    if start < 0 or end < start:
                        raise ValueError
                    if vcol is not None:
                        value = float(fields[vcol])
                        if not 0.0 <= value < inf:
                            raise ValueError
                    elif labelled:
                        word = fields[3].strip()
                        if word.upper() == b"CALLABLE":
                            value = inf
                        else:
                            value, label = 0.0, word.decode("utf-8")
                    else:
                        value = inf
                    if fields[0] != chrom or start < prev_start or (per_base and start < prev_end):
                        raise ValueError
                    prev_start = start
                    if end > prev_end:
                        prev_end = end
                except ValueError:
                    text_fields = _split(line.decode("utf-8"))
                    order.start, order.end = prev_start, prev_end
                    try:
                        start, end, value, label = _parse(text_fields, layout)
                        order.check(text_fields[0], start, end)
                    except _BadRecord as exc:
                        raise InputError(str(path), f"line {number}: {exc}", number) from None
                    prev_start, prev_end = order.start, order.end
                    raw = text_fields[0].encode("utf-8")
                    if raw != chrom:
                        chrom = raw
                        name = normalise_chrom(text_fields[0])
                        counts.contigs_seen.add(name)
                        current = accs.get(name, [])
                        lo = min((a.target.start - 1 for a in current), default=0)
                        hi = max((a.target.end for a in current), default=0)
                if current and start < hi and end > lo:
                    hit = False
                    for acc in current:
                        if acc.overlaps(start, end):
                            acc.add(start, end, value, label)
                            hit = True
                    if hit:
                        in_targets += 1
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"line {number}: not UTF-8 text ({exc})", number) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise _unreadable(path, number, exc) from exc
    counts.records_read, counts.records_in_targets = records, in_targets
    return counts


class _UntrustedIndex(Exception):
    """The index does not match its file: stream the file instead."""


def _merged_queries(targets: Iterable[Target]) -> list[tuple[str, int, int]]:
    """(normalised chrom, 0-based start, end) of the targets, overlapping ones merged."""
    spans = sorted((normalise_chrom(t.chrom), t.start - 1, t.end) for t in targets)
    merged: list[list[str | int]] = []
    for chrom, start, end in spans:
        if merged and merged[-1][0] == chrom and start <= int(merged[-1][2]):
            merged[-1][2] = max(int(merged[-1][2]), end)
        else:
            merged.append([chrom, start, end])
    return [(str(c), int(s), int(e)) for c, s, e in merged]


def _indexed(
    path: Path,
    index: Path,
    layout: _Layout,
    first: list[str],
    accs: dict[str, list[_Accumulator]],
) -> _Counts:
    counts = _Counts()
    try:
        tabix = pysam.TabixFile(str(path), index=str(index), encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise _UntrustedIndex(f"pysam cannot open it ({exc})") from exc
    with tabix:
        contigs = {normalise_chrom(c): c for c in tabix.contigs}
        # The index must find the file's first record where that record says it is.
        try:
            first_start, first_end = int(first[1]), int(first[2])
            found = list(tabix.fetch(first[0], first_start, max(first_end, first_start + 1)))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise _UntrustedIndex(f"it cannot find the file's first record ({exc})") from exc
        if "\t".join(first) not in {line.rstrip("\r\n") for line in found}:
            raise _UntrustedIndex("it does not find the file's first record")
        seen: set[str] = set()
        for chrom, start0, end in _merged_queries(acc.target for a in accs.values() for acc in a):
            raw = contigs.get(chrom)
            if raw is None:
                continue
            counts.contigs_seen.add(chrom)
            region = f"{raw}:{start0 + 1}-{end}"
            order = _Order(per_base=layout.fmt == "mosdepth_per_base")
            # Whatever goes wrong in a query (an index that points into the wrong place, or a
            # bad record) is settled by streaming the file, which names the line.
            try:
                lines = list(tabix.fetch(raw, start0, end))
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                raise _UntrustedIndex(f"region query {region} failed ({exc})") from exc
            for line in lines:
                if _is_header(line):
                    continue
                fields = _split(line)
                try:
                    rec_start, rec_end, value, label = _parse(fields, layout)
                    order.check(fields[0], rec_start, rec_end)
                except _BadRecord as exc:
                    raise _UntrustedIndex(f"region query {region} returned a bad record") from exc
                if fields[0] != raw or rec_start >= end or rec_end <= start0:
                    raise _UntrustedIndex(
                        f"region query {region} returned {fields[0]}:{rec_start}-{rec_end}"
                    )
                # A record reaching past the query may be returned again by the next one.
                key = line
                if rec_start < start0 or rec_end > end:
                    if key in seen:
                        continue
                    seen.add(key)
                counts.records_read += 1
                hit = False
                for acc in accs.get(chrom, []):
                    if acc.overlaps(rec_start, rec_end):
                        acc.add(rec_start, rec_end, value, label)
                        hit = True
                if hit:
                    counts.records_in_targets += 1
    return counts


def read_coverage(path: Path, targets: Sequence[Target], min_depth: int) -> CoverageScan:
    """Read a mosdepth per-base/regions BED or a callable-regions BED against ``targets``.

    ``min_depth`` is the depth a base needs to count as covered (at least 1). Raises
    ``InputError`` naming the file and line for anything that makes the answer untrustworthy.
    """
    if min_depth < 1:
        raise ValueError(f"min_depth must be at least 1, not {min_depth}")
    if not path.is_file():
        raise InputError(str(path), "file not found")
    compression = _compression(path)
    compressed = compression != "plain"
    first_number, first = _first_data_line(path, compressed)
    layout, notes = _detect(path, first, first_number)
    notes += _format_notes(layout, min_depth)
    try:
        _parse(first, layout)
    except _BadRecord as exc:
        raise InputError(str(path), f"line {first_number}: {exc}", first_number) from None

    accs: dict[str, list[_Accumulator]] = {}
    ordered = [_Accumulator.of(t) for t in targets]
    for acc in ordered:
        accs.setdefault(normalise_chrom(acc.target.chrom), []).append(acc)

    index = _find_index(path)
    counts: _Counts | None = None
    if index is not None and compression != "bgzf":
        notes.append(f"index {index.name} not used: the file is not bgzip-compressed")
    elif index is not None:
        try:
            counts = _indexed(path, index, layout, first, accs)
            notes.append(
                f"read by region queries through {index.name}: records outside the targets "
                "were neither read nor checked"
            )
        except _UntrustedIndex as exc:
            notes.append(f"index {index.name} not used: {exc}; the whole file was streamed")
            ordered = [_Accumulator.of(t) for t in targets]
            accs = {}
            for acc in ordered:
                accs.setdefault(normalise_chrom(acc.target.chrom), []).append(acc)
    region_query = counts is not None
    if counts is None:
        counts = _stream(path, compressed, layout, accs)

    for chrom in sorted({normalise_chrom(t.chrom) for t in targets}):
        if chrom not in counts.contigs_seen:
            notes.append(f"contig {chrom} does not appear in the file: its targets are not covered")
    return CoverageScan(
        path=path,
        fmt=layout.fmt,
        records_read=counts.records_read,
        records_in_targets=counts.records_in_targets,
        targets=tuple(_judge(acc, layout, min_depth) for acc in ordered),
        notes=tuple(notes),
        region_query=region_query,
        required_depth=min_depth,
    )


def read(source: Source, ctx: Context) -> CoverageScan:
    """The sheet row's coverage file, over the codons of the exclusion alleles."""
    targets = exclusion_targets(ctx.panel, ctx.rules, ctx.build)
    return read_coverage(source.path, targets, ctx.filters.min_depth)
