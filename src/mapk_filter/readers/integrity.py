"""Is a variant file whole, and does its index belong to it? Checks made before trusting it.

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

Index (``index_distrust``, before region queries; the reader streams instead when it
returns a reason, and notes it). A tabix/CSI index is parsed here (the format is small:
SAMv1/tabix specifications) and must describe this file:

- it must not be older than the file (whole seconds, as htslib compares them);
- the file must be BGZF-compressed;
- per contig the index records the virtual offsets of its first and last record and the
  number of records (the metadata pseudo-bin htslib and bcftools write). The first
  record of the file must be where the index says the first record starts, its contig
  must be one the index lists, and the end of the index's last record must be the end of
  the file's data (the block before the end-of-file block, read to its last byte). An
  index built from another file of the same header but other records, from an earlier
  or later version of the file, or from a longer or shorter file fails this;
- a region query for the first record must return it.

While the reader queries regions (small.py), each record returned must lie in the
region asked for and the records must come back sorted; otherwise the index is not
trusted and the file is read again by streaming.

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
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from ..panel import normalise_chrom
from .coverage import BGZF_EOF

Compression = Literal["bgzf", "gzip", "plain", "bcf_uncompressed"]

_GZIP_MAGIC = b"\x1f\x8b"
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"
_TBI_PSEUDO_BIN = 37450  # 4681 + 32768: the metadata pseudo-bin of a tabix index


class UntrustedIndex(Exception):
    """A region query showed that the index does not describe the file (the reason)."""


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


# --------------------------------------------------------------------------- index


@dataclass(frozen=True)
class RefStats:
    """What an index says about one contig's records (its metadata pseudo-bin)."""

    name: str
    begin: int  # virtual offset where its first record starts
    end: int  # virtual offset just past its last record
    records: int


@dataclass(frozen=True)
class IndexFacts:
    kind: str  # "tbi" | "csi"
    names: tuple[str, ...]  # every contig the index has a slot for, in its order
    refs: tuple[RefStats, ...]  # contigs with a metadata pseudo-bin
    with_bins: int  # contigs with any bin (records)

    @property
    def complete(self) -> bool:
        """Every contig with records has its metadata pseudo-bin (htslib writes them)."""
        return len(self.refs) == self.with_bins

    @property
    def records(self) -> int:
        return sum(r.records for r in self.refs)


def read_index(index: Path, contig_order: Sequence[str]) -> IndexFacts:
    """Parse a .tbi or .csi. ``contig_order``: the file's header contigs, for a BCF's CSI
    (which names none itself). ValueError when the index is not one."""
    try:
        data = _inflate_members(index.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"cannot be decompressed ({exc})") from exc
    try:
        if data[:4] == b"TBI\x01":
            return _read_tbi(data)
        if data[:4] == b"CSI\x01":
            return _read_csi(data, contig_order)
    except struct.error as exc:
        raise ValueError("cut short or malformed") from exc
    raise ValueError("not a tabix (.tbi) or CSI index")


def _inflate_members(raw: bytes) -> bytes:
    """Every gzip member of a BGZF file, inflated (faster than gzip.decompress)."""
    pieces = []
    while raw:
        inflate = zlib.decompressobj(31)
        pieces.append(inflate.decompress(raw))
        if not inflate.eof:
            raise EOFError("the index is cut short")
        raw = inflate.unused_data
    return b"".join(pieces)


def _names(data: bytes, offset: int, count: int) -> tuple[tuple[str, ...], int]:
    (l_nm,) = struct.unpack_from("<i", data, offset)
    parts = data[offset + 4 : offset + 4 + l_nm].split(b"\0")
    if parts and not parts[-1]:
        parts.pop()
    names = tuple(n.decode("utf-8", "replace") for n in parts[:count])
    return names, offset + 4 + l_nm


_I = struct.Struct("<i").unpack_from
_BIN_TBI = struct.Struct("<Ii").unpack_from
_BIN_CSI = struct.Struct("<IQi").unpack_from
_META = struct.Struct("<4Q").unpack_from


def _bins(
    data: bytes, off: int, n_ref: int, names: Sequence[str], pseudo: int, csi: bool
) -> tuple[list[RefStats], int, int]:
    """Every contig's bins: the metadata pseudo-bins found, contigs with bins, the end."""
    refs: list[RefStats] = []
    with_bins = 0
    header, unpack_bin = (16, _BIN_CSI) if csi else (8, _BIN_TBI)
    for tid in range(n_ref):
        (n_bin,) = _I(data, off)
        off += 4
        with_bins += n_bin > 0
        for _ in range(n_bin):
            fields = unpack_bin(data, off)
            bin_id, n_chunk = fields[0], fields[-1]
            if bin_id == pseudo and n_chunk == 2:
                begin, end, mapped, _ = _META(data, off + header)
                name = names[tid] if tid < len(names) else f"#{tid}"
                refs.append(RefStats(name, begin, end, mapped))
            off += header + 16 * n_chunk
        if not csi:  # the tabix linear index
            (n_intv,) = _I(data, off)
            off += 4 + 8 * n_intv
    if off > len(data):
        raise struct.error("index cut short")
    return refs, with_bins, off


def _read_tbi(data: bytes) -> IndexFacts:
    (n_ref,) = _I(data, 4)
    names, off = _names(data, 32, n_ref)
    refs, with_bins, _ = _bins(data, off, n_ref, names, _TBI_PSEUDO_BIN, csi=False)
    return IndexFacts("tbi", names, tuple(refs), with_bins)


def _read_csi(data: bytes, contig_order: Sequence[str]) -> IndexFacts:
    _, depth, l_aux = struct.unpack_from("<3i", data, 4)
    off = 16
    names: tuple[str, ...] = tuple(contig_order)
    if l_aux >= 28:  # tabix metadata (a CSI of a bgzipped VCF): the contig names
        names, _ = _names(data, off + 24, 1 << 30)
    off += l_aux
    (n_ref,) = _I(data, off)
    pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    refs, with_bins, _ = _bins(data, off + 4, n_ref, names, pseudo, csi=True)
    return IndexFacts("csi", names[:n_ref], tuple(refs), with_bins)


def _canonical(handle: Any, voffset: int, eof_start: int) -> int | None:
    """A virtual offset moved past block ends (and empty blocks); None if it points nowhere.

    htslib may record the position after a block's last byte either as (block, its size)
    or as (next block, 0); both name the same place.
    """
    block, within = voffset >> 16, voffset & 0xFFFF
    while block < eof_start:
        found = _block_at(handle, block)
        if found is None or found[1] < 0 or within > found[1]:
            return None
        if within < found[1]:
            return (block << 16) | within
        block, within = block + found[0], 0
    return (block << 16) | within if block == eof_start and within == 0 else None


def _first_record_offset(handle: Any, size: int, bcf: bool) -> int | None:
    """Virtual offset where the first record starts (after the header); None if none."""
    block, seen, at_line_start = 0, 0, True
    header_end: int | None = None
    head = b""
    eof_start = size - len(BGZF_EOF)
    while block < eof_start:
        found = _block_at(handle, block)
        if found is None or found[1] < 0:
            return None
        handle.seek(block)
        raw = handle.read(found[0])
        xlen = struct.unpack_from("<H", raw, 10)[0]
        data = zlib.decompress(raw[12 + xlen : found[0] - 8], -15)
        if bcf:
            head += data[: max(0, 9 - len(head))]
            if header_end is None and len(head) >= 9:
                header_end = 9 + struct.unpack_from("<I", head, 5)[0]
            if header_end is not None and header_end < seen + len(data):
                return (block << 16) | (header_end - seen)
        else:
            p = 0
            if not at_line_start:
                newline = data.find(b"\n")
                p = len(data) if newline < 0 else newline + 1
                at_line_start = newline >= 0
            while p < len(data):
                if data[p] != 0x23:  # not '#': the first record
                    return (block << 16) | p
                newline = data.find(b"\n", p)
                if newline < 0:
                    at_line_start = False
                    break
                p = newline + 1
            else:
                at_line_start = True
        seen += len(data)
        block += found[0]
    return None


def first_record(vcf: Any) -> tuple[str, int] | None:
    """(CHROM, POS) of the first record of a freshly opened cyvcf2 VCF; None if none."""
    for record in vcf:
        return str(record.CHROM), int(record.POS)
    return None


def index_distrust(
    path: Path, index: Path, contig_order: Sequence[str], kind: Compression
) -> str | None:
    """Why ``index`` cannot be trusted for ``path`` (None: it can). See the module doc."""
    if kind != "bgzf":
        return "the file is not bgzip-compressed, so no index can belong to it"
    if int(index.stat().st_mtime) < int(path.stat().st_mtime):
        return "older than the file"
    try:
        facts = read_index(index, contig_order)
    except ValueError as exc:
        return f"unreadable: {exc}"
    from cyvcf2 import VCF

    vcf = VCF(str(path))
    try:
        return _content_problem(path, vcf, facts)
    finally:
        vcf.close()


def _content_problem(path: Path, vcf: Any, facts: IndexFacts) -> str | None:
    try:
        first = first_record(vcf)
    except Exception as exc:  # reading it again will name the problem
        return f"the file's first record cannot be read ({exc})"
    if first is None:
        return "the index lists records, the file has none" if facts.records else None
    if not facts.refs and facts.with_bins == 0:
        return f"the index lists no records, the file has (first {first[0]}:{first[1]})"
    if first[0] not in facts.names:
        return f"contig {first[0]} of the file's first record is not in the index"
    if facts.refs:
        problem = _layout_problem(path, facts, first)
        if problem:
            return problem
    return _query_problem(vcf, first)


def _layout_problem(path: Path, facts: IndexFacts, first: tuple[str, int]) -> str | None:
    size = path.stat().st_size
    eof_start = size - len(BGZF_EOF)
    bcf = _is_bcf(path)
    with path.open("rb") as handle:
        begin_ref = min(facts.refs, key=lambda r: r.begin)
        end_ref = max(facts.refs, key=lambda r: r.end)
        begin = _canonical(handle, begin_ref.begin, eof_start)
        end = _canonical(handle, end_ref.end, eof_start)
        actual = _first_record_offset(handle, size, bcf)
    if end is None or end != eof_start << 16:
        return (
            "its last record does not end where the file's data ends: it was built from "
            "another (or another version of the) file"
        )
    if begin is None or actual is None or begin != actual:
        return "its first record does not start where the file's first record does"
    if begin_ref.name != first[0]:
        return f"its first contig is {begin_ref.name}, the file's first record is on {first[0]}"
    return None


def _is_bcf(path: Path) -> bool:
    with gzip.open(path, "rb") as handle:
        return bool(handle.read(3) == b"BCF")


def _query_problem(vcf: Any, first: tuple[str, int]) -> str | None:
    chrom, pos = first
    try:
        with warnings.catch_warnings():  # "no intervals found": the answer is no record
            warnings.simplefilter("ignore")
            found = [r.POS for r in vcf(f"{chrom}:{max(pos, 1)}-{max(pos, 1)}")]
    except Exception as exc:  # htslib refuses the index: that is the reason
        return f"htslib fails to query it ({exc})"
    if pos not in found:
        return f"a region query for the file's first record ({chrom}:{pos}) does not return it"
    return None


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
