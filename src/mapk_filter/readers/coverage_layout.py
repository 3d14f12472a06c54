"""How a coverage file is laid out and how its lines are read (for readers/coverage.py).

Holds the three accepted formats and how one is recognised from the first data line
(``_detect``: mosdepth per-base, mosdepth regions, callable-regions BED; the name only
breaks a 4-column tie), one data line parsed into start, end and depth or label
(``_parse``), the order records must come in (``_Order``), the notes each format adds, and
the file itself: plain, gzip or BGZF (which must end with its end-of-file block,
``BGZF_EOF``), its lines read in blocks (``_blocks``) and its first data line. A line that
cannot be read raises ``_BadRecord`` (the caller names the file and line) or an
``InputError`` naming them.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError

Format = Literal["mosdepth_per_base", "mosdepth_regions", "callable_bed"]

CALLABLE = "CALLABLE"
# GATK CallableLoci states: a fourth column with one of these is a callable-regions BED.
CALLABLE_LOCI_LABELS = frozenset(
    {
        "CALLABLE",
        "REF_N",
        "NO_COVERAGE",
        "LOW_COVERAGE",
        "EXCESSIVE_COVERAGE",
        "POOR_MAPPING_QUALITY",
    }
)
# Spellings of "no number" in a depth column: the file is a depth file with a bad depth,
# not a BED of labels.
_NOT_A_NUMBER = frozenset(
    {"", ".", "NA", "N/A", "NAN", "-NAN", "INF", "+INF", "-INF", "INFINITY", "NULL", "NONE"}
)
# The 28-byte empty block that ends every complete BGZF file (SAM/BAM spec, section 4.1.2).
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_GZIP_MAGIC = b"\x1f\x8b"
_HEADER_PREFIXES = ("#", "track", "browser")


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    """How to read a line: format, column count, the depth column or the label column."""

    fmt: Format
    columns: int
    value_column: int | None  # depth (per-base, regions); None for a callable BED
    labelled: bool  # callable BED with a label in column 4


class _BadRecord(Exception):
    """A line that cannot be read; the caller adds the file and the line."""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _missing_number(text: str) -> bool:
    return text.strip().upper() in _NOT_A_NUMBER


def _split(line: str) -> list[str]:
    fields = line.rstrip("\r\n").split("\t")
    return fields if len(fields) > 1 else line.split()


def _detect(path: Path, fields: list[str], line_number: int) -> tuple[_Layout, list[str]]:
    """The format of a file from its first data line; the name only breaks a 4-column tie."""
    name = path.name.lower()
    named_per_base = ".per-base." in name
    named_regions = ".regions." in name
    n = len(fields)
    notes: list[str] = []
    if n < 3:
        raise InputError(
            str(path),
            f"line {line_number}: {n} column(s); a coverage BED has at least 3 (chrom, start, end)",
            line_number,
        )
    fourth = fields[3].strip() if n >= 4 else ""
    layout: _Layout
    if n == 3:
        layout = _Layout("callable_bed", 3, None, labelled=False)
    elif fourth.upper() in CALLABLE_LOCI_LABELS:
        layout = _Layout("callable_bed", n, None, labelled=True)
    elif n == 4 and (_is_number(fourth) or _missing_number(fourth)):
        # Depth in column 4: mosdepth per-base (integer depths) or regions without names /
        # --by windows (means written with decimals).
        if named_regions or (not named_per_base and "." in fourth):
            layout = _Layout("mosdepth_regions", 4, 3, labelled=False)
        else:
            layout = _Layout("mosdepth_per_base", 4, 3, labelled=False)
    elif n == 5 and (_is_number(fields[4]) or _missing_number(fields[4])):
        layout = _Layout("mosdepth_regions", 5, 4, labelled=False)
    elif not _is_number(fourth) and not _missing_number(fourth):
        layout = _Layout("callable_bed", n, None, labelled=True)
    else:
        raise InputError(
            str(path),
            f"line {line_number}: {n} columns with a number in column 4 is neither a mosdepth "
            "per-base/regions BED nor a callable-regions BED",
            line_number,
        )
    if named_per_base and layout.fmt != "mosdepth_per_base":
        notes.append(f"named like a mosdepth per-base file, but read as {layout.fmt} (content)")
    if named_regions and layout.fmt != "mosdepth_regions":
        notes.append(f"named like a mosdepth regions file, but read as {layout.fmt} (content)")
    return layout, notes


def _parse(fields: list[str], layout: _Layout) -> tuple[int, int, float, str | None]:
    """(0-based start, end, value, label) of one data line; value is a depth, or for a
    callable BED +inf (callable) / 0.0 (labelled not callable)."""
    if len(fields) != layout.columns:
        raise _BadRecord(f"{len(fields)} columns where the file has {layout.columns}")
    try:
        start = int(fields[1])
        end = int(fields[2])
    except ValueError:
        raise _BadRecord(f"start/end '{fields[1]}'/'{fields[2]}' are not integers") from None
    if start < 0:
        raise _BadRecord(f"negative start {start}")
    if end < start:
        raise _BadRecord(f"end {end} is before start {start}")
    if layout.value_column is not None:
        text = fields[layout.value_column]
        try:
            depth = float(text)
        except ValueError:
            raise _BadRecord(f"depth '{text.strip()}' is not a number") from None
        if not (depth >= 0.0) or math.isinf(depth):
            raise _BadRecord(f"depth '{text.strip()}' is not a finite non-negative number")
        return start, end, depth, None
    if not layout.labelled:
        return start, end, math.inf, None
    label = fields[3].strip()
    if label.upper() == CALLABLE:
        return start, end, math.inf, None
    return start, end, 0.0, label


class _Order:
    """Records sorted by start within a contig, each contig in one block; per-base records
    do not overlap (each base is described once)."""

    def __init__(self, per_base: bool) -> None:
        self.per_base = per_base
        self.chrom: str | None = None
        self.start = -1
        self.end = -1
        self.done: set[str] = set()

    def check(self, chrom: str, start: int, end: int) -> None:
        if chrom != self.chrom:
            if chrom in self.done:
                raise _BadRecord(
                    f"contig {chrom} appears again after {self.chrom}: records out of order "
                    "(sort the BED by contig and start)"
                )
            if self.chrom is not None:
                self.done.add(self.chrom)
            self.chrom, self.start, self.end = chrom, start, end
            return
        if start < self.start:
            raise _BadRecord(
                f"start {start} on {chrom} is before the previous record's start "
                f"{self.start}: records out of order (sort the BED by contig and start)"
            )
        if self.per_base and start < self.end:
            raise _BadRecord(
                f"{chrom}:{start}-{end} overlaps the previous record (ending at {self.end}); "
                "a per-base file describes each base once"
            )
        self.start, self.end = start, max(self.end, end)


def _format_notes(layout: _Layout, required: int) -> list[str]:
    if layout.fmt == "mosdepth_regions":
        return [
            f"mosdepth regions file: each depth is the mean over a region; a mean >= "
            f"{required} can hide a low-coverage codon inside the region"
        ]
    if layout.fmt == "callable_bed":
        if layout.labelled:
            return [
                "callable-regions BED: only bases in a region labelled CALLABLE count as "
                "covered; depth is not given"
            ]
        return ["3-column BED: every region counts as callable; depth is not given"]
    return []


# --------------------------------------------------------------------------- files


def _compression(path: Path) -> Literal["bgzf", "gzip", "plain"]:
    """bgzf / gzip / plain from the first bytes; a BGZF file must end with its EOF block."""
    try:
        with path.open("rb") as handle:
            head = handle.read(18)
            if head[:2] != _GZIP_MAGIC:
                return "plain"
            # BGZF: FEXTRA set and a "BC" subfield of length 2 (SAM/BAM spec 4.1).
            is_bgzf = len(head) >= 18 and head[3] & 4 and head[12:14] == b"BC"
            if not is_bgzf:
                return "gzip"
            size = path.stat().st_size
            handle.seek(max(0, size - len(BGZF_EOF)))
            tail = handle.read()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc}") from exc
    if tail != BGZF_EOF:
        raise InputError(
            str(path),
            "truncated bgzip file: the 28-byte BGZF end-of-file block is missing "
            "(an incomplete copy or an interrupted write)",
        )
    return "bgzf"


_CHUNK = 1 << 18


def _blocks(path: Path, compressed: bool) -> Iterator[list[bytes]]:
    """The file's lines (without the newline) in blocks, reading 256 KB at a time.

    Decompressing with zlib here rather than iterating a ``gzip.GzipFile`` is twice as fast
    per line, and it delivers every complete line before a truncated stream is reported,
    so the error names the line where the data stops. Raises EOFError (stream ends before
    its end-of-stream marker) or zlib.error (corrupt data).
    """
    carry = b""
    with path.open("rb") as handle:
        inflate = zlib.decompressobj(wbits=31) if compressed else None
        pending = False  # data fed to a gzip member that has not ended yet
        while True:
            data = handle.read(_CHUNK)
            if not data:
                break
            if inflate is None:
                text = data
            else:
                pieces = []
                while data:
                    pieces.append(inflate.decompress(data))
                    pending = True
                    if inflate.eof:  # BGZF and concatenated gzip: one member after another
                        data = inflate.unused_data
                        inflate = zlib.decompressobj(wbits=31)
                        pending = False
                    else:
                        data = b""
                text = b"".join(pieces)
            lines = (carry + text).split(b"\n")
            carry = lines.pop()
            if lines:
                yield lines
        if pending:  # the incomplete last line is not data
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
    if carry:
        yield [carry]


def _is_header(line: str) -> bool:
    return not line.strip() or line.startswith(_HEADER_PREFIXES)


def _first_data_line(path: Path, compressed: bool) -> tuple[int, list[str]]:
    number = 0
    try:
        for block in _blocks(path, compressed):
            for line in block:
                number += 1
                text = line.decode("utf-8")
                if not _is_header(text):
                    return number, _split(text)
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"line {number}: not UTF-8 text ({exc})", number) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise _unreadable(path, number, exc) from exc
    raise InputError(
        str(path),
        "no data lines (empty coverage file): nothing can be said to be covered",
    )


def _unreadable(path: Path, number: int, exc: BaseException) -> InputError:
    return InputError(
        str(path),
        f"line {number + 1}: unreadable after line {number} (truncated or corrupt file): {exc}",
        number + 1,
    )
