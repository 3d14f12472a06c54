"""Is a variant file whole and readable? Checks made before trusting it (index: index.py).

Shared by the VCF/BCF readers (small variants, structural variants, copy number). SPEC §6:
zero records from a broken file is never "no finding", so each check below either lets
the file be read in full or says, naming the file (and record), what is wrong.

Container (``check_container``, before any record is read):

- a BGZF file (bgzip ``.vcf.gz``, BCF) must end with the 28-byte BGZF end-of-file block.
  Without it the file is truncated: htslib only warns and returns the records of the
  blocks that are there, so a copy cut at a block boundary reads as a shorter, valid file.
  The error says whether the file ends at a block boundary or inside a block, and which
  record htslib reaches before the data stops;
- a plain (non-BGZF) gzip is readable by htslib, but only by streaming: an index cannot
  belong to it. A plain gzip cut inside its stream makes htslib fail at the record where
  the data stops (``unreadable_message`` then says the compressed data is cut short);
- an empty (0-byte) file is an error, never a file "with no records";
- a plain-text VCF whose last line has fewer columns than the #CHROM line is cut short
  (``check_last_line``).

Index (``index_distrust``, before region queries, and the region-query checks while the
reader queries): readers/index.py. The limits of both are listed below.

Order (``RecordOrder``, while streaming): POS must not decrease within a contig and a
contig must not reappear after another. Each reader says what it does with a record out
of order (small variants and copy number: an error; structural variants: a note, since
several SV callers write translocations out of order and the whole file is read).

Not detected (a limit of what a file can tell about itself):

- a plain-text VCF cut exactly at a line end (or inside the INFO/last column of a line
  that keeps all its tabs) looks complete; so does a plain gzip made of several members
  cut exactly between two of them;
- an index without the metadata pseudo-bin (some non-htslib writers) can only be checked
  by its age, its contig names and the first-record query;
- an index built from a different file whose data happens to have exactly the same
  compressed layout (same first-record and end offsets) and the same first record passes
  the static checks; region queries that then return records outside their region or
  out of order are still caught, records silently missing from such an index are not.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import struct
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from ..panel import normalise_chrom
from .coverage_layout import BGZF_EOF

Compression = Literal["bgzf", "gzip", "plain", "bcf_uncompressed"]

_GZIP_MAGIC = b"\x1f\x8b"
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"


# --------------------------------------------------------------------------- container


def compression(path: Path) -> Compression:
    """bgzf / gzip / plain (text) / bcf_uncompressed, from the first bytes."""
    with path.open("rb") as handle:
        head = handle.read(18)
    if head[:2] != _GZIP_MAGIC:
        return "bcf_uncompressed" if head[:3] == b"BCF" else "plain"
    return "bgzf" if _is_bgzf_header(head) else "gzip"


def _is_bgzf_header(head: bytes) -> bool:
    # BGZF: FEXTRA set and a "BC" subfield of length 2 (SAM/BAM spec 4.1).
    return len(head) >= 18 and head[:4] == _BGZF_MAGIC and head[12:14] == b"BC"


def _is_bcf(path: Path) -> bool:
    with gzip.open(path, "rb") as handle:
        return bool(handle.read(3) == b"BCF")


def check_container(path: Path) -> tuple[Compression, list[str]]:
    """The file's compression and notes; InputError when it is empty or truncated."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputError(str(path), "empty file (0 bytes): not a VCF/BCF")
        kind = compression(path)
        if kind != "bgzf":
            notes = []
            if kind == "gzip":
                notes.append(
                    "compressed with plain gzip, not bgzip (BGZF): htslib reads it by "
                    "streaming, and an index cannot belong to it (recompress with bgzip "
                    "and index it for region queries)"
                )
            return kind, notes
        with path.open("rb") as handle:
            handle.seek(max(0, size - len(BGZF_EOF)))
            tail = handle.read()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc}") from exc
    if tail != BGZF_EOF:
        raise InputError(str(path), _truncation(path, size))
    return kind, []


def _block_at(handle: Any, offset: int) -> tuple[int, int] | None:
    """(bytes on disk, uncompressed size) of the BGZF block at ``offset``; None if none."""
    handle.seek(offset)
    head = handle.read(12)
    if len(head) < 12 or head[:4] != _BGZF_MAGIC:
        return None
    (xlen,) = struct.unpack_from("<H", head, 10)
    extra = handle.read(xlen)
    i, bsize = 0, None
    while i + 4 <= len(extra):
        si1, si2, slen = extra[i], extra[i + 1], struct.unpack_from("<H", extra, i + 2)[0]
        if si1 == 66 and si2 == 67 and slen == 2 and i + 6 <= len(extra):  # "BC"
            bsize = struct.unpack_from("<H", extra, i + 4)[0] + 1
        i += 4 + slen
    if bsize is None:
        return None
    handle.seek(offset + bsize - 4)
    isize_bytes = handle.read(4)
    if len(isize_bytes) < 4:
        return bsize, -1  # the block runs past the end of the file
    return bsize, struct.unpack("<I", isize_bytes)[0]


def _truncation(path: Path, size: int) -> str:
    """Why a BGZF file without its end-of-file block is truncated, and what is left."""
    offset, where = 0, ""
    with path.open("rb") as handle:
        while offset < size:
            block = _block_at(handle, offset)
            if block is None:
                where = f"byte {offset} is not the start of a BGZF block (corrupt data)"
                break
            if block[1] < 0 or offset + block[0] > size:
                where = (
                    f"the file ends inside a compressed block (the block at byte {offset} "
                    f"needs {block[0]} bytes, {size - offset} are there)"
                )
                break
            offset += block[0]
        else:
            where = (
                f"the file ends at a block boundary (byte {size}): whole blocks, and the "
                "records in them, may be missing"
            )
    reached, last = records_reached(path)
    after = (
        f"htslib reads {reached} record(s) before the data stops (the last, {last}, may "
        "itself be cut short); everything after it is lost"
        if reached
        else "htslib reads no record before the data stops"
    )
    return (
        "truncated: no BGZF end-of-file block (the 28 bytes every complete bgzip/BCF file "
        f"ends with; an incomplete copy or an interrupted write); {where}; {after}"
    )


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[Path]:
    """htslib's messages to fd 2 go to a temporary file (path yielded) instead."""
    with tempfile.NamedTemporaryFile(prefix="mapk_filter_htslib_", suffix=".log") as log:
        saved = os.dup(2)
        try:
            os.dup2(log.fileno(), 2)
            yield Path(log.name)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def records_reached(path: Path) -> tuple[int, str]:
    """How many records htslib reads by streaming before it stops, and the last one."""
    from cyvcf2 import VCF

    count, last = 0, ""
    with _quiet_stderr():
        try:
            vcf = VCF(str(path))
        except Exception:  # an unreadable header reaches no record
            return 0, ""
        try:
            for record in vcf:
                count += 1
                last = f"{record.CHROM}:{record.POS}"
        except Exception:  # the data stops here: that is the answer
            pass
        finally:
            vcf.close()
    return count, last


def check_last_line(path: Path, columns: int) -> None:
    """A plain-text VCF whose last line has fewer columns than the #CHROM line is cut."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - (1 << 16)))
        tail = handle.read()
    lines = tail.rstrip(b"\r\n").split(b"\n")
    last = lines[-1].rstrip(b"\r") if lines else b""
    if not last or last.startswith(b"#") or (len(lines) == 1 and size > len(tail)):
        return
    found = len(last.split(b"\t"))
    if found < columns:
        raise InputError(
            str(path),
            f"the last line has {found} of the {columns} columns of the #CHROM line: the file "
            "is cut short (truncated)",
        )


# --------------------------------------------------------------------------- records


class RecordOrder:
    """Records sorted: POS not decreasing within a contig, each contig in one block."""

    def __init__(self) -> None:
        self.chrom: str | None = None
        self.pos = 0
        self.done: set[str] = set()

    def problem(self, chrom: str, pos: int) -> str | None:
        """Why this record is out of order (None: it is not); remembers it either way."""
        if chrom == self.chrom:
            if pos < self.pos:
                return (
                    f"records out of order: {chrom}:{pos} comes after {chrom}:{self.pos} "
                    "(the file is not sorted by position)"
                )
            self.pos = pos
            return None
        previous = self.chrom
        if previous is not None:
            self.done.add(previous)
        self.chrom, self.pos = chrom, pos
        if chrom in self.done:
            return (
                f"records out of order: contig {chrom} appears again after {previous} (the "
                "file is not sorted: each contig's records must be together)"
            )
        return None


def unreadable_message(path: Path, done: int, exc: BaseException) -> str:
    """In words, what stopped htslib after ``done`` records (the record after is named by
    the caller): cut or corrupt compressed data, a malformed line, text that is not UTF-8."""
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1]
        return f"the next record holds text that is not UTF-8 (byte {byte!r}: {exc.reason})"
    try:
        kind = compression(path)
        if kind in ("bgzf", "gzip"):
            problem = _stream_problem(path)
            if problem:
                return f"the compressed data is {problem}; records after it are lost"
        bcf = kind == "bcf_uncompressed" or (kind == "bgzf" and _is_bcf(path))
        if not bcf and kind != "bcf_uncompressed":
            said = _line_problem(path, done + 1, kind != "plain")
            if said:
                return said
    except OSError as exc2:
        return f"the file cannot be read ({exc2})"
    if bcf:
        return f"the next BCF record is corrupt or malformed (htslib: {exc})"
    return f"htslib cannot parse the next record ({exc})"


def _stream_problem(path: Path) -> str | None:
    """Decompress every member of a gzip/BGZF file: cut short or corrupt, or None."""
    with path.open("rb") as handle:
        inflate = zlib.decompressobj(wbits=31)
        pending, consumed = False, 0
        while True:
            data = handle.read(1 << 18)
            if not data:
                break
            consumed += len(data)
            while data:
                try:
                    inflate.decompress(data)
                except zlib.error:
                    return f"corrupt (bad compressed data before byte {consumed})"
                pending = True
                if inflate.eof:
                    data = inflate.unused_data
                    inflate = zlib.decompressobj(wbits=31)
                    pending = False
                else:
                    data = b""
        if pending:
            return "cut short inside a compressed block (truncated)"
    return None


def _data_lines(path: Path, compressed: bool) -> Iterator[tuple[list[str], str]]:
    """(header lines so far, data line) for each data line of a text VCF."""
    opener: Any = gzip.open if compressed else open
    header: list[str] = []
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        for line in handle:
            text = line.rstrip("\r\n")
            if text.startswith("#"):
                header.append(text)
                continue
            yield header, text


def _line_problem(path: Path, number: int, compressed: bool) -> str | None:
    """What is wrong with data line ``number``, in words (htslib's own words if need be)."""
    try:
        for seen, (header, line) in enumerate(_data_lines(path, compressed), start=1):
            if seen == number:
                return _describe_line(header, line)
    except (OSError, EOFError, zlib.error):
        return None
    return None


def _describe_line(header: list[str], line: str) -> str:
    columns = line.split("\t")
    chrom_line = next((h for h in header if h.startswith("#CHROM")), "")
    expected = len(chrom_line.split("\t")) if chrom_line else 0
    where = f"{columns[0]}:{columns[1]}" if len(columns) > 1 else repr(line[:40])
    if len(columns) < 8:
        return f"{len(columns)} tab-separated column(s) where a VCF record has at least 8 ({where})"
    if not columns[1].isascii() or not columns[1].isdigit():
        return f"POS '{columns[1][:20]}' is not a whole number ({where})"
    if expected and len(columns) != expected:
        return f"{len(columns)} columns where the #CHROM line has {expected} ({where})"
    said = _htslib_says(header, line)
    if not said:
        return f"htslib cannot parse it ({where})"
    return said if where in said else f"{said} ({where})"


def _htslib_says(header: list[str], line: str) -> str:
    """htslib's own complaint about one line (parsed alone, its stderr captured)."""
    from cyvcf2 import VCF

    with tempfile.TemporaryDirectory(prefix="mapk_filter_line_") as tmp:
        one = Path(tmp) / "line.vcf"
        one.write_text("\n".join([*header, line]) + "\n", encoding="utf-8")
        with _quiet_stderr() as log:
            try:
                vcf = VCF(str(one))
                for _ in vcf:
                    pass
                vcf.close()
            except Exception:  # its message is in the log
                pass
            os.fsync(2)
            said = log.read_text(encoding="utf-8", errors="replace")
    messages = [
        m.split("] ", 1)[-1].strip()
        for m in said.splitlines()
        if m.startswith("[E::") or m.startswith("[W::")
    ]
    return "; ".join(dict.fromkeys(messages))


def not_readable(path: Path, exc: BaseException) -> str:
    """Why htslib cannot open a file as a VCF/BCF, in words when the text shows it."""
    try:
        kind = compression(path)
        if kind == "bcf_uncompressed" or (kind == "bgzf" and _is_bcf(path)):
            return f"a BCF whose header cannot be read ({exc})"
        if kind in ("bgzf", "gzip"):
            problem = _stream_problem(path)
            if problem:
                return f"the compressed data is {problem}; htslib reads no record of it"
        opener: Any = gzip.open if kind in ("bgzf", "gzip") else open
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
            first = handle.readline().rstrip("\r\n")
            if not first.startswith("##fileformat=VCF"):
                return f"the first line is {first[:60]!r}, not ##fileformat=VCFv4.x: not a VCF"
            for line in handle:
                if line.startswith("#CHROM"):
                    break
                if not line.startswith("#"):
                    return (
                        "the header has no #CHROM line (the column header that ends it, "
                        "before the first record)"
                    )
            else:
                return "the header has no #CHROM line (the column header that ends it)"
    except (OSError, EOFError, zlib.error):
        pass
    return str(exc)


PRIMARY_CHROMOSOMES = frozenset({*(str(n) for n in range(1, 23)), "X", "Y", "MT"})


def check_contigs(path: Path, seen: Iterable[str], records: int) -> None:
    """Records exist but none is on a chromosome the panel can be placed on (contigs named
    in a way this pipeline does not know): every record would count as outside the panel, a
    silent 'no finding'. An error naming the contigs instead."""
    names = sorted(set(seen))
    if records == 0 or any(normalise_chrom(n) in PRIMARY_CHROMOSOMES for n in names):
        return
    shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
    raise InputError(
        str(path),
        f"none of the {records} record(s) is on a chromosome this pipeline can place: contigs "
        f"{shown} are not 1-22, X, Y, MT (with or without 'chr') or RefSeq accessions "
        "(NC_000001.11 ...)",
    )
