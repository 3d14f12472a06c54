"""Does a variant file's index belong to it? The tabix/CSI checks made before region queries.

Shared by the VCF/BCF readers; the container checks (whole file, compression) are in
readers/integrity.py, whose docstring also lists what no check can detect.

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
trusted (``UntrustedIndex``) and the file is read again by streaming.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .coverage_layout import BGZF_EOF
from .integrity import Compression, _block_at, _is_bcf

_TBI_PSEUDO_BIN = 37450  # 4681 + 32768: the metadata pseudo-bin of a tabix index


class UntrustedIndex(Exception):
    """A region query showed that the index does not describe the file (the reason)."""


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
    path: Path,
    index: Path,
    contig_order: Sequence[str],
    kind: Compression,
    fresh: Any = None,
) -> str | None:
    """Why ``index`` cannot be trusted for ``path`` (None: it can). See the module doc.

    ``fresh``: an open cyvcf2 reader of ``path`` no record has been read from yet (its
    first record is read from it, then a region query); None opens one here."""
    if kind != "bgzf":
        return "the file is not bgzip-compressed, so no index can belong to it"
    if int(index.stat().st_mtime) < int(path.stat().st_mtime):
        return "older than the file"
    try:
        facts = read_index(index, contig_order)
    except ValueError as exc:
        return f"unreadable: {exc}"
    if fresh is not None:
        return _content_problem(path, fresh, facts)
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
