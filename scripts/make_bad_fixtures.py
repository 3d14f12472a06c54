#!/usr/bin/env python3
"""Write the catalogue of broken variant files in tests/data/bad/ (files.tsv, README.md).

Each file shows one way a variant file can be broken (truncated, mis-indexed, unsorted,
values that are not numbers, malformed annotation, ...) and files.tsv says what reading it
must give: an error naming the file, a filtered finding with a caveat, a note, or a
correct read. tests/test_bad_files.py runs every row through the workflow's own
classify_sample. Coordinates come from the curated panel (mapk_filter.panel.load_panel:
hotspots, gene spans, MANE exons) and the bundled contig lengths, never typed by hand;
binary corruptions are made with pysam, gzip, zlib and byte slicing. Re-running writes
byte-identical files (gzip mtime 0, deterministic zlib, bcftools --no-version).

    python scripts/make_bad_fixtures.py
"""

from __future__ import annotations

import gzip
import shutil
import struct
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pysam
import pysam.bcftools

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_rearrangement_fixtures import FUSIONCATCHER_COLUMNS
from make_sv_fixtures import (
    ARRIBA_COLUMNS,
    CNVKIT_HEADER,
    GRIDSS_HEADER,
    MANTA_HEADER,
    STAR_FUSION_COLUMNS,
    arriba_row,
    exon_end,
    exon_start,
)

from mapk_filter.panel import Hotspot, load_panel
from mapk_filter.readers.build import contig_lengths
from mapk_filter.readers.coverage_layout import BGZF_EOF

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "bad"
PANEL = load_panel()
BUILD = "GRCh38"
TUMOR = "TUMOR_1"
MANIFEST_COLUMNS = ("file", "kind", "outcome", "message")

MUTECT2_HEADER = [
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --output somatic.vcf.gz",Version="4.4.0.0",Date="November 1, 2026">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">',
    "##source=Mutect2",
]
CSQ_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|MANE_SELECT"
)
CSQ_HEADER = (
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
    f'VEP. Format: {CSQ_FIELDS}">'
)


# --------------------------------------------------------------------------- the panel


def hotspot(gene: str, short: str) -> Hotspot:
    found = [h for h in PANEL.hotspots if h.gene == gene and h.short == short]
    if not found:
        raise SystemExit(f"hotspot {gene} {short} is not in hotspots.tsv")
    return found[0]


G12D = hotspot("KRAS", "G12D")
Q61H = hotspot("KRAS", "Q61H")
NRAS_Q61R = hotspot("NRAS", "Q61R")


def outside(gene: str, offset: int) -> tuple[str, int]:
    """A base ``offset`` past the end (or, negative, before the start) of a panel gene that
    no panel gene covers: an outside-panel record for the accounting."""
    g = PANEL.genes[gene]
    start, end = g.spans[BUILD]
    pos = end + offset if offset > 0 else start + offset
    if PANEL.genes_at(BUILD, g.chrom, pos):
        raise SystemExit(f"{gene} {offset}: {pos} lies in a panel gene")
    return g.chrom, pos


# --------------------------------------------------------------------------- VCF text


def mutect(ref_reads: int, alt_reads: int) -> tuple[str, str]:
    """FORMAT keys and the tumour's values, as Mutect2 writes them."""
    af = f"{alt_reads / (ref_reads + alt_reads):.3f}"
    return "GT:AD:AF:DP", f"0/1:{ref_reads},{alt_reads}:{af}:{ref_reads + alt_reads}"


def record(
    chrom: str,
    pos: int,
    ref: str,
    alt: str,
    fmt: tuple[str, ...] | None = None,
    info: str = ".",
    filt: str = "PASS",
    ident: str = ".",
) -> str:
    columns = [f"chr{chrom}", str(pos), ident, ref, alt, "50", filt, info]
    if fmt is not None:
        columns += list(fmt)
    return "\t".join(columns)


def hotspot_record(h: Hotspot, reads: tuple[int, int] = (60, 25), info: str = ".") -> str:
    locus = h.loci[BUILD]
    return record(locus.chrom, locus.pos, locus.ref, locus.alt, mutect(*reads), info)


def background() -> list[str]:
    """Two records outside the panel around KRAS, for the accounting."""
    before, after = outside("KRAS", -2_000_000), outside("KRAS", 2_000_000)
    return [
        record(before[0], before[1], "C", "T", mutect(50, 20)),
        record(after[0], after[1], "G", "A", mutect(40, 12)),
    ]


def contig_lines(build: str = BUILD, skip: frozenset[str] = frozenset()) -> list[str]:
    return [
        f"##contig=<ID=chr{c},length={n}>"
        for c, n in contig_lengths()[build].items()
        if c not in skip
    ]


def vcf_text(
    rows: list[str],
    header: list[str] | None = None,
    samples: tuple[str, ...] = (TUMOR,),
    meta: tuple[str, ...] = (),
    contigs: list[str] | None = None,
    sort: bool = True,
) -> str:
    order = {f"chr{c}": i for i, c in enumerate(contig_lengths()[BUILD])}
    if sort:
        rows = sorted(rows, key=lambda r: (order[r.split("\t")[0]], int(r.split("\t")[1])))
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if samples:
        columns += ["FORMAT", *samples]
    lines = [
        "##fileformat=VCFv4.2",
        *(MUTECT2_HEADER if header is None else header),
        *meta,
        *(contig_lines() if contigs is None else contigs),
        "\t".join(columns),
        *rows,
    ]
    return "\n".join(lines) + "\n"


def small_text(*extra: str, meta: tuple[str, ...] = (), sort: bool = True) -> str:
    """A Mutect2 file: the KRAS G12D hotspot, two outside-panel records, and ``extra``."""
    return vcf_text(
        [hotspot_record(G12D), *background(), *extra],
        meta=(f"##tumor_sample={TUMOR}", *meta),
        sort=sort,
    )


# --------------------------------------------------------------------------- BGZF


def bgzf_block(data: bytes) -> bytes:
    """One BGZF block (SAM/BAM spec 4.1): a gzip member with the BC extra subfield."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    cdata = deflate.compress(data) + deflate.flush()
    head = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
    trailer = struct.pack("<II", zlib.crc32(data), len(data))
    return head + struct.pack("<H", 18 + len(cdata) + 8 - 1) + cdata + trailer


def bgzf_per_line(text: str) -> tuple[bytes, list[int]]:
    """The text as BGZF with the header in one block and one block per record, and the
    byte offset of each block, so a file can be cut exactly at a block boundary."""
    lines = text.encode("utf-8").splitlines(keepends=True)
    header = b"".join(ln for ln in lines if ln.startswith(b"#"))
    pieces = [header, *(ln for ln in lines if not ln.startswith(b"#"))]
    out, offsets = bytearray(), []
    for piece in pieces:
        offsets.append(len(out))
        out += bgzf_block(piece)
    return bytes(out) + BGZF_EOF, offsets


def write(name: str, data: bytes | str) -> Path:
    path = OUT / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def tabix(path: Path, csi: bool = False) -> Path:
    """Index a BGZF VCF in place (.tbi, or .csi); returns the index."""
    pysam.tabix_index(str(path), preset="vcf", force=True, keep_original=True, csi=csi)
    return path.with_name(path.name + (".csi" if csi else ".tbi"))


def to_bcf(text: str, name: str) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source.vcf"
        source.write_text(text, encoding="utf-8")
        out = OUT / name
        pysam.bcftools.view(
            "--no-version", "-O", "b", "-o", str(out), str(source), catch_stdout=False
        )
    return out


def bgzf_offsets(data: bytes) -> list[int]:
    offsets, offset = [], 0
    while offset < len(data):
        offsets.append(offset)
        offset += struct.unpack_from("<H", data, offset + 16)[0] + 1
    return offsets


# --------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    file: str
    kind: str  # sample-sheet kind
    outcome: str  # error | caveat | note | ok
    message: str  # substring of the error / caveat or reason / note / what is checked
    what: str  # the case, in words, for README.md
    make: Callable[[str], None]


CASES: list[Case] = []


def case(file: str, kind: str, outcome: str, message: str, what: str) -> Callable[..., None]:
    def register(make: Callable[[str], None]) -> Callable[[str], None]:
        CASES.append(Case(file, kind, outcome, message, what, make))
        return make

    return register


SMALL, SV, CNV, RNA = "small_variants", "structural_variants", "copy_number", "rna_fusions"


# --- containers: truncation, compression, corruption


@case(
    "bgzf_cut_at_block_boundary.vcf.gz",
    SMALL,
    "error",
    "the file ends at a block boundary",
    "bgzip file cut exactly between two BGZF blocks (the last records' blocks and the "
    "end-of-file block gone): htslib reads it as a shorter, valid file",
)
def _(name: str) -> None:
    extra = [
        record(*outside("KRAS", 3_000_000 + 1000 * i), "A", "G", mutect(30, 9)) for i in range(3)
    ]
    data, offsets = bgzf_per_line(small_text(*extra))
    write(name, data[: offsets[-2]])


@case(
    "bgzf_cut_inside_block.vcf.gz",
    SMALL,
    "error",
    "the file ends inside a compressed block",
    "bgzip file cut in the middle of a BGZF block",
)
def _(name: str) -> None:
    data, offsets = bgzf_per_line(small_text())
    write(name, data[: offsets[-1] + (offsets[-1] - offsets[-2]) // 2])


@case(
    "bgzf_without_eof_block.vcf.gz",
    SMALL,
    "error",
    "truncated: no BGZF end-of-file block",
    "every data block present, only the 28-byte end-of-file block missing: a copy that "
    "stopped just before the end cannot be told from one that stopped earlier",
)
def _(name: str) -> None:
    data, _ = bgzf_per_line(small_text())
    write(name, data[: -len(BGZF_EOF)])


@case(
    "bgzf_corrupt_block.vcf.gz",
    SMALL,
    "error",
    "the compressed data is corrupt",
    "bgzip file (end-of-file block present) whose second block has its deflate data overwritten",
)
def _(name: str) -> None:
    data, offsets = bgzf_per_line(small_text())
    broken = bytearray(data)
    for i in range(offsets[1] + 18, offsets[2] - 8):
        broken[i] ^= 0xFF
    write(name, bytes(broken))


@case(
    "plain_gzip_named_vcf_gz.vcf.gz",
    SMALL,
    "note",
    "compressed with plain gzip, not bgzip",
    "plain gzip (not BGZF) named .vcf.gz: read by streaming, the notes say so",
)
def _(name: str) -> None:
    write(name, gzip.compress(small_text().encode("utf-8"), mtime=0))


@case(
    "plain_gzip_with_foreign_index.vcf.gz",
    SMALL,
    "note",
    "not trusted (the file is not bgzip-compressed",
    "plain gzip with a .tbi beside it (made from a bgzip copy): an index cannot belong "
    "to a plain gzip; read by streaming",
)
def _(name: str) -> None:
    text = small_text()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.vcf.gz"
        copy.write_bytes(bgzf_per_line(text)[0])
        index = tabix(copy)
        shutil.copyfile(index, OUT / f"{name}.tbi")
    write(name, gzip.compress(text.encode("utf-8"), mtime=0))


@case(
    "plain_gzip_cut.vcf.gz",
    SMALL,
    "error",
    "the compressed data is cut short",
    "plain gzip cut in the middle of its stream: htslib stops at the record where the data ends",
)
def _(name: str) -> None:
    extra = [
        record(*outside("KRAS", 3_000_000 + 100 * i), "A", "G", mutect(30, 9)) for i in range(2000)
    ]
    data = gzip.compress(small_text(*extra).encode("utf-8"), mtime=0)
    write(name, data[: len(data) * 3 // 4])


@case(
    "bcf_corrupted.bcf",
    SMALL,
    "error",
    "the compressed data is corrupt",
    "BCF whose first data block has its deflate data overwritten",
)
def _(name: str) -> None:
    path = to_bcf(small_text(), name)
    data = bytearray(path.read_bytes())
    offsets = bgzf_offsets(bytes(data))
    for i in range(offsets[1] + 18, offsets[1] + 40):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@case(
    "bcf_cut_at_block_boundary.bcf",
    SMALL,
    "error",
    "truncated: no BGZF end-of-file block",
    "BCF without its end-of-file block (cut at a block boundary)",
)
def _(name: str) -> None:
    path = to_bcf(small_text(), name)
    data = path.read_bytes()
    path.write_bytes(data[: bgzf_offsets(data)[-1]])


@case("zero_bytes.vcf", SMALL, "error", "empty file (0 bytes)", "an empty file")
def _(name: str) -> None:
    write(name, b"")


@case("zero_bytes.vcf.gz", SMALL, "error", "empty file (0 bytes)", "an empty .vcf.gz")
def _(name: str) -> None:
    write(name, b"")


@case(
    "plain_vcf_last_line_cut.vcf",
    SMALL,
    "error",
    "the file is cut short (truncated)",
    "uncompressed VCF whose last line stops in the middle of its columns",
)
def _(name: str) -> None:
    text = small_text(record(*outside("KRAS", 3_000_000), "A", "G", mutect(30, 9)))
    lines = text.rstrip("\n").split("\n")
    lines[-1] = "\t".join(lines[-1].split("\t")[:5])
    write(name, "\n".join(lines))


# --- headers, samples, build


@case(
    "missing_chrom_line.vcf",
    SMALL,
    "error",
    "the header has no #CHROM line",
    "header without its #CHROM column line",
)
def _(name: str) -> None:
    write(name, "\n".join(ln for ln in small_text().split("\n") if not ln.startswith("#CHROM")))


@case(
    "header_only.vcf",
    SMALL,
    "ok",
    "no records",
    "a complete header and no records: read, and the notes say there is nothing to assess",
)
def _(name: str) -> None:
    write(name, vcf_text([], meta=(f"##tumor_sample={TUMOR}",)))


@case(
    "crlf_line_endings.vcf",
    SMALL,
    "ok",
    "KRAS p.Gly12Asp",
    "Windows line endings (CRLF): read correctly, the KRAS G12D hotspot found with its evidence",
)
def _(name: str) -> None:
    write(name, small_text().replace("\n", "\r\n"))


@case(
    "non_utf8_in_info.vcf",
    SMALL,
    "error",
    "INFO/CSQ holds bytes that are not UTF-8",
    "a Latin-1 byte in the VEP CSQ of a panel record",
)
def _(name: str) -> None:
    g = PANEL.genes["KRAS"]
    csq = f"T|missense_variant|MODERATE|KRAS|{g.ensembl_gene}|Transcript|{g.ensembl_mane}|protein_coding|c.35G>T|p.Gly12Asp|{g.refseq_mane}"
    text = vcf_text(
        [hotspot_record(G12D, info=f"CSQ={csq}\u00e9"), *background()],
        meta=(f"##tumor_sample={TUMOR}", CSQ_HEADER),
    )
    write(name, text.encode("latin-1"))


@case(
    "non_utf8_in_sample_name.vcf",
    SMALL,
    "error",
    "in the #CHROM line is not UTF-8 text",
    "the sample name in the #CHROM line written in Latin-1 (Tumör)",
)
def _(name: str) -> None:
    text = vcf_text([hotspot_record(G12D), *background()], samples=("Tum\u00f6r",))
    write(name, text.encode("latin-1"))


@case(
    "tumour_not_in_file.vcf",
    SMALL,
    "error",
    "tumour sample 'TUMOUR_X' (##tumor_sample) is not in the file",
    "##tumor_sample names a sample that is not a column of the file",
)
def _(name: str) -> None:
    write(name, vcf_text([hotspot_record(G12D)], meta=("##tumor_sample=TUMOUR_X",)))


@case(
    "multi_sample_without_tumour.vcf",
    SMALL,
    "error",
    "and no tumour named",
    "two sample columns, no ##tumor_sample and no tumor_name in the sheet",
)
def _(name: str) -> None:
    fmt, values = mutect(60, 25)
    rows = [
        record(
            *(G12D.loci[BUILD].chrom, G12D.loci[BUILD].pos),
            G12D.loci[BUILD].ref,
            G12D.loci[BUILD].alt,
            (fmt, values, values),
        )
    ]
    write(name, vcf_text(rows, samples=("S1", "S2")))


@case(
    "build_mismatch_grch37_contigs.vcf",
    SMALL,
    "error",
    "genome build mismatch",
    "GRCh37 contig lengths in the header, GRCh38 declared in the sheet",
)
def _(name: str) -> None:
    locus = G12D.loci["GRCh37"]
    rows = [record(locus.chrom, locus.pos, locus.ref, locus.alt, mutect(60, 25))]
    write(name, vcf_text(rows, contigs=contig_lines("GRCh37"), meta=(f"##tumor_sample={TUMOR}",)))


@case(
    "contig_missing_from_header.vcf",
    SMALL,
    "note",
    "contig chr12 (first at record 1) is not declared in the header's ##contig lines",
    "records on chr12, whose ##contig line is missing: read, and the notes name it",
)
def _(name: str) -> None:
    rows = [hotspot_record(G12D), *background()]
    write(
        name,
        vcf_text(
            rows, contigs=contig_lines(skip=frozenset({"12"})), meta=(f"##tumor_sample={TUMOR}",)
        ),
    )


# --- values that cannot be evidence


def _evidence_case(file: str, message: str, what: str, values: str) -> None:
    @case(file, SMALL, "caveat", message, what)
    def _(name: str) -> None:
        locus = G12D.loci[BUILD]
        row = record(locus.chrom, locus.pos, locus.ref, locus.alt, ("GT:AD:AF:DP", values))
        write(name, vcf_text([row, *background()], meta=(f"##tumor_sample={TUMOR}",)))


_evidence_case(
    "ad_wrong_length.vcf",
    "invalid evidence: AD 60,25,3 has 3 values for 2 alleles",
    "AD with three values for REF + one ALT",
    "0/1:60,25,3:0.294:85",
)
_evidence_case(
    "negative_dp.vcf", "invalid evidence: DP -5", "FORMAT DP of -5", "0/1:60,25:0.294:-5"
)
_evidence_case(
    "negative_ad.vcf", "invalid evidence: AD -3", "an AD count of -3", "0/1:60,-3:0.294:85"
)
_evidence_case(
    "af_above_one.vcf",
    "invalid evidence: AF 1.7 (an allele fraction is 0 to 1)",
    "AF 1.7",
    "0/1:60,25:1.7:85",
)
_evidence_case(
    "af_nan.vcf",
    "invalid evidence: AF nan",
    "AF written as nan (not missing: '.' would be missing)",
    "0/1:60,25:nan:85",
)
_evidence_case(
    "alt_reads_above_depth.vcf",
    "invalid evidence: alt reads 25 > depth 10",
    "25 alt reads (AD) at a depth (DP) of 10",
    "0/1:60,25:0.294:10",
)


@case(
    "missing_format.vcf",
    SMALL,
    "caveat",
    "invalid evidence: no FORMAT column",
    "a panel record without FORMAT and sample columns in a file with a tumour column",
)
def _(name: str) -> None:
    locus = G12D.loci[BUILD]
    row = record(locus.chrom, locus.pos, locus.ref, locus.alt)
    write(name, vcf_text([row, *background()], meta=(f"##tumor_sample={TUMOR}",)))


@case(
    "format_value_not_a_number.vcf",
    SMALL,
    "error",
    "Invalid character",
    "DP (Integer) written as 'abc': htslib cannot parse the record, its own words are given",
)
def _(name: str) -> None:
    locus = G12D.loci[BUILD]
    row = record(
        locus.chrom, locus.pos, locus.ref, locus.alt, ("GT:AD:AF:DP", "0/1:60,25:0.294:abc")
    )
    write(name, vcf_text([row], meta=(f"##tumor_sample={TUMOR}",)))


# --- records: position, order, duplicates, alleles, annotation


@case("pos_zero.vcf", SMALL, "error", "POS 0", "a record at POS 0 (positions are 1-based)")
def _(name: str) -> None:
    locus = G12D.loci[BUILD]
    rows = [record(locus.chrom, 0, locus.ref, locus.alt, mutect(60, 25)), hotspot_record(G12D)]
    write(name, vcf_text(rows, meta=(f"##tumor_sample={TUMOR}",)))


@case(
    "malformed_pos.vcf",
    SMALL,
    "error",
    "POS '25245350x' is not a whole number",
    "POS with a stray letter",
)
def _(name: str) -> None:
    text = small_text()
    write(name, text.replace(f"\t{G12D.loci[BUILD].pos}\t", f"\t{G12D.loci[BUILD].pos}x\t"))


@case(
    "unsorted_no_index.vcf",
    SMALL,
    "note",
    "records out of order",
    "two records of chr12 in decreasing position order (no index: streamed)",
)
def _(name: str) -> None:
    write(name, small_text(hotspot_record(Q61H), sort=False))


@case(
    "contig_reappears.vcf",
    SMALL,
    "note",
    "appears again after chr1",
    "chr12, then chr1, then chr12 again: each contig's records must be together",
)
def _(name: str) -> None:
    after = outside("KRAS", 2_000_000)
    rows = [
        hotspot_record(G12D),
        hotspot_record(NRAS_Q61R),
        record(after[0], after[1], "G", "A", mutect(40, 12)),
    ]
    write(name, vcf_text(rows, meta=(f"##tumor_sample={TUMOR}",), sort=False))


@case(
    "duplicate_records.vcf",
    SMALL,
    "caveat",
    "filtered:duplicate_record",
    "the KRAS G12D record written twice: counted once, the copy filtered",
)
def _(name: str) -> None:
    write(name, small_text(hotspot_record(G12D)))


@case(
    "symbolic_allele.vcf",
    SMALL,
    "caveat",
    "filtered:symbolic_allele",
    "a symbolic <DEL> allele over KRAS in a small-variant file",
)
def _(name: str) -> None:
    locus = G12D.loci[BUILD]
    row = record(locus.chrom, locus.pos, "C", "<DEL>", mutect(60, 25), f"END={locus.pos + 30}")
    write(name, vcf_text([row, *background()], meta=(f"##tumor_sample={TUMOR}",)))


@case(
    "malformed_csq.vcf",
    SMALL,
    "error",
    "malformed VEP annotation",
    "a CSQ entry with fewer '|' fields than the header's Format names (one field lost "
    "shifts HGVSp into another column)",
)
def _(name: str) -> None:
    g = PANEL.genes["KRAS"]
    csq = f"T|missense_variant|MODERATE|KRAS|{g.ensembl_gene}|Transcript|{g.ensembl_mane}|c.35G>T|p.Gly12Asp|{g.refseq_mane}"
    text = vcf_text(
        [hotspot_record(G12D, info=f"CSQ={csq}"), *background()],
        meta=(f"##tumor_sample={TUMOR}", CSQ_HEADER),
    )
    write(name, text)


@case(
    "csq_population_af_inf.vcf",
    SMALL,
    "error",
    "population allele frequency inf is not a frequency",
    "a gnomAD allele frequency of 'inf' in CSQ (would read as a common polymorphism)",
)
def _(name: str) -> None:
    g = PANEL.genes["KRAS"]
    header = CSQ_HEADER.replace("MANE_SELECT", "MANE_SELECT|gnomADe_AF")
    csq = f"T|missense_variant|MODERATE|KRAS|{g.ensembl_gene}|Transcript|{g.ensembl_mane}|protein_coding|c.35G>T|p.Gly12Asp|{g.refseq_mane}|inf"
    text = vcf_text(
        [hotspot_record(G12D, info=f"CSQ={csq}"), *background()],
        meta=(f"##tumor_sample={TUMOR}", header),
    )
    write(name, text)


# --- indexes that do not belong to their file


def _indexed(text: str, name: str) -> Path:
    path = write(name, bgzf_per_line(text)[0])
    tabix(path)
    return path


@case(
    "index_older_than_file.vcf.gz",
    SMALL,
    "note",
    "not trusted (older than the file): read by streaming",
    "a correct .tbi whose modification time is before the file's (the test sets the "
    "times: git does not keep them)",
)
def _(name: str) -> None:
    _indexed(small_text(), name)


def _foreign_index(name: str, other: str, csi: bool = False) -> None:
    """``name`` written from small_text(), beside an index built from ``other``."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "other.vcf.gz"
        copy.write_bytes(bgzf_per_line(other)[0])
        index = tabix(copy, csi=csi)
        shutil.copyfile(index, OUT / f"{name}{index.suffix}")
    write(name, bgzf_per_line(small_text())[0])


@case(
    "index_from_other_file.vcf.gz",
    SMALL,
    "note",
    "not trusted (its last record does not end where the file's data ends",
    "a .tbi built from another file with the same header and contigs but other records "
    "(none in KRAS): trusted, it makes the KRAS region look empty",
)
def _(name: str) -> None:
    others = [
        record(*outside("KRAS", 3_000_000 + 1000 * i), "A", "G", mutect(30, 9)) for i in range(5)
    ]
    _foreign_index(name, vcf_text([*background(), *others], meta=(f"##tumor_sample={TUMOR}",)))


@case(
    "index_csi_from_other_file.vcf.gz",
    SMALL,
    "note",
    "not trusted (",
    "a .csi (not .tbi) built from an earlier version of the file, before the KRAS record "
    "was added: trusted, it hides that record",
)
def _(name: str) -> None:
    _foreign_index(name, vcf_text(background(), meta=(f"##tumor_sample={TUMOR}",)), csi=True)


@case(
    "unsorted_with_index.vcf.gz",
    SMALL,
    "note",
    "records out of order",
    "a .tbi built from the sorted file, kept beside an unsorted version of it (the two "
    "KRAS records swapped): the index is not trusted and streaming finds the disorder",
)
def _(name: str) -> None:
    rows = [hotspot_record(G12D), hotspot_record(Q61H), *background()]
    text = vcf_text(rows, meta=(f"##tumor_sample={TUMOR}",))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "sorted.vcf.gz"
        copy.write_bytes(bgzf_per_line(text)[0])
        shutil.copyfile(tabix(copy), OUT / f"{name}.tbi")
    lines = text.rstrip("\n").split("\n")
    body = [i for i, ln in enumerate(lines) if not ln.startswith("#")]
    first, second = body[1], body[2]  # Q61H then G12D (sorted): swap them
    lines[first], lines[second] = lines[second], lines[first]
    write(name, bgzf_per_line("\n".join(lines) + "\n")[0])


# --- structural variants


def manta(rows: list[str], samples: tuple[str, ...] = ("TUMOR_S",)) -> str:
    header = [*MANTA_HEADER, '##ALT=<ID=BND,Description="Breakend">']
    return vcf_text(rows, header=header, samples=samples, sort=False)


def abl1_intron1() -> int:
    return exon_end("ABL1", 1) + 5000


def etv6_intron5() -> int:
    return exon_end("ETV6", 5) + 500


@case(
    "sv_bad_bnd_alt.vcf",
    SV,
    "error",
    "is not VCF 4.3 breakend notation",
    "a BND record whose ALT has its brackets in the wrong place",
)
def _(name: str) -> None:
    pos = etv6_intron5()
    rows = [
        record(
            "12",
            pos,
            "N",
            f"N]chr9:{abl1_intron1()}[",
            ("PR:SR", "10,8:12,9"),
            "SVTYPE=BND",
            ident="b1",
        )
    ]
    write(name, manta(rows))


@case(
    "sv_bgzf_cut_at_block_boundary.vcf.gz",
    SV,
    "error",
    "the file ends at a block boundary",
    "a Manta SV file cut between BGZF blocks",
)
def _(name: str) -> None:
    a, b = etv6_intron5(), abl1_intron1()
    rows = [
        record(
            "9", b, "N", f"]chr12:{a}]N", ("PR:SR", "10,8:12,9"), "SVTYPE=BND;MATEID=m2", ident="m1"
        ),
        record(
            "12", a, "N", f"N[chr9:{b}[", ("PR:SR", "10,8:12,9"), "SVTYPE=BND;MATEID=m1", ident="m2"
        ),
        record(
            *outside("ETV6", 1_000_000),
            "N",
            "<DEL>",
            ("PR:SR", "10,8:12,9"),
            f"SVTYPE=DEL;END={outside('ETV6', 1_000_000)[1] + 5000}",
            ident="d1",
        ),
    ]
    data, offsets = bgzf_per_line(manta(rows))
    write(name, data[: offsets[-1]])


@case(
    "sv_pos_zero.vcf",
    SV,
    "error",
    "POS 0 at chr9: positions are 1-based",
    "a deletion at POS 0 (only a breakend may use 0, for a telomere)",
)
def _(name: str) -> None:
    rows = [
        record(
            "9",
            0,
            "N",
            "<DEL>",
            ("PR:SR", "10,8:12,9"),
            f"SVTYPE=DEL;END={abl1_intron1()}",
            ident="d0",
        )
    ]
    write(name, manta(rows))


@case(
    "sv_unsorted.vcf",
    SV,
    "note",
    "records out of order",
    "an SV file whose records are not sorted (as SvABA and Sniffles write them): read in "
    "full, the notes say so",
)
def _(name: str) -> None:
    a, b = etv6_intron5(), abl1_intron1()
    chrom, pos = outside("ABL1", 1_000_000)
    rows = [
        record(
            "9", b, "N", f"]chr12:{a}]N", ("PR:SR", "10,8:12,9"), "SVTYPE=BND;MATEID=m2", ident="m1"
        ),
        record(
            "12", a, "N", f"N[chr9:{b}[", ("PR:SR", "10,8:12,9"), "SVTYPE=BND;MATEID=m1", ident="m2"
        ),
        record(
            chrom,
            pos,
            "N",
            "<DEL>",
            ("PR:SR", "10,8:12,9"),
            f"SVTYPE=DEL;END={pos + 5000}",
            ident="d1",
        ),
    ]
    write(name, manta(rows))


@case(
    "sv_sites_only_vf_nan.vcf",
    SV,
    "error",
    "INFO/VF is nan, not a read count",
    "a sites-only GRIDSS-style file whose read support (INFO/VF, Float) is nan",
)
def _(name: str) -> None:
    a, b = etv6_intron5(), abl1_intron1()
    header = [
        h.replace("ID=VF,Number=1,Type=Integer", "ID=VF,Number=1,Type=Float") for h in GRIDSS_HEADER
    ]
    rows = [
        record("9", b, "N", f"]chr12:{a}]N", None, "SVTYPE=BND;MATEID=g2;VF=nan", ident="g1"),
        record("12", a, "N", f"N[chr9:{b}[", None, "SVTYPE=BND;MATEID=g1;VF=nan", ident="g2"),
    ]
    write(name, vcf_text(rows, header=header, samples=(), sort=False))


@case(
    "sv_non_utf8_in_sample_name.vcf",
    SV,
    "error",
    "in the #CHROM line is not UTF-8 text",
    "an SV file whose tumour column name is Latin-1 (reached the pipeline's catch-all)",
)
def _(name: str) -> None:
    a, b = etv6_intron5(), abl1_intron1()
    rows = [record("12", a, "N", f"N[chr9:{b}[", ("PR:SR", "10,8:12,9"), "SVTYPE=BND", ident="m2")]
    write(name, manta(rows, samples=("Tum\u00f6r",)).encode("latin-1"))


# --- copy number


def abl1_segment() -> tuple[int, int]:
    start, end = PANEL.genes["ABL1"].spans[BUILD]
    return start - 50_000, end + 50_000


def cnvkit(
    info_extra: str, fmt: tuple[str, str], header_extra: list[str], end_shift: int = 0
) -> str:
    start, end = abl1_segment()
    info = f"IMPRECISE;SVTYPE=DUP;END={end + end_shift};SVLEN={end - start};PROBES=60{info_extra}"
    rows = [record("9", start, "N", "<DUP>", fmt, info)]
    return vcf_text(rows, header=[*CNVKIT_HEADER, *header_extra], samples=("TUMOR_S",))


INFO_CN = '##INFO=<ID=CN,Number=1,Type=Float,Description="Copy number">'


@case(
    "cnv_info_cn_nan.vcf",
    CNV,
    "error",
    "INFO/CN is 'nan', not a finite number",
    "INFO CN=nan over ABL1",
)
def _(name: str) -> None:
    write(name, cnvkit(";CN=nan", ("GT", "0/1"), [INFO_CN]))


@case(
    "cnv_info_cn_na.vcf",
    CNV,
    "error",
    "INFO/CN is 'NA', not a number",
    "INFO CN=NA over ABL1 (htslib alone reads it as missing)",
)
def _(name: str) -> None:
    write(name, cnvkit(";CN=NA", ("GT", "0/1"), [INFO_CN]))


@case(
    "cnv_format_cn_inf.vcf",
    CNV,
    "error",
    "FORMAT/CN is 'inf', not a finite number",
    "the tumour's FORMAT CN written as inf",
)
def _(name: str) -> None:
    write(name, cnvkit("", ("GT:CN", "0/1:inf"), []))


@case(
    "cnv_log2_nan.bcf",
    CNV,
    "error",
    "FORMAT/LOG2 is 'nan', not a finite number",
    "a BCF whose FORMAT LOG2 (Float) is NaN: told apart from htslib's missing value",
)
def _(name: str) -> None:
    header = ['##FORMAT=<ID=LOG2,Number=1,Type=Float,Description="log2 copy ratio">']
    to_bcf(cnvkit("", ("GT:LOG2", "0/1:nan"), header), name)


@case(
    "cnv_end_before_pos.vcf",
    CNV,
    "error",
    "is before POS",
    "a segment whose END lies before its POS",
)
def _(name: str) -> None:
    start, end = abl1_segment()
    write(name, cnvkit("", ("GT:CN", "0/1:6"), [], end_shift=start - end - 10))


@case(
    "cnv_unsorted.vcf",
    CNV,
    "note",
    "records out of order",
    "two chr9 segments in decreasing position order",
)
def _(name: str) -> None:
    start, end = abl1_segment()
    info = f"IMPRECISE;SVTYPE=DUP;END={end};SVLEN={end - start};PROBES=60"
    later = end + 1_000_000
    rows = [
        record("9", later, "N", "<DEL>", ("GT:CN", "0/1:1"), f"SVTYPE=DEL;END={later + 10_000}"),
        record("9", start, "N", "<DUP>", ("GT:CN", "0/1:6"), info),
    ]
    write(name, vcf_text(rows, header=CNVKIT_HEADER, samples=("TUMOR_S",), sort=False))


@case(
    "cnv_bgzf_cut_at_block_boundary.vcf.gz",
    CNV,
    "error",
    "the file ends at a block boundary",
    "a CNV VCF cut between BGZF blocks",
)
def _(name: str) -> None:
    data, offsets = bgzf_per_line(cnvkit("", ("GT:CN", "0/1:6"), []))
    write(name, data[: offsets[-1]])


@case(
    "cnv_non_utf8_in_sample_name.vcf",
    CNV,
    "error",
    "in the #CHROM line is not UTF-8 text",
    "a CNV VCF whose tumour column name is Latin-1 (reached the pipeline's catch-all)",
)
def _(name: str) -> None:
    write(
        name, cnvkit("", ("GT:CN", "0/1:6"), []).replace("TUMOR_S", "Tum\u00f6r").encode("latin-1")
    )


CNS_HEADER = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"


def cns(log2: str, cn: str, header: str = CNS_HEADER) -> str:
    start, end = abl1_segment()
    row = f"chr9\t{start - 1}\t{end}\tABL1\t{log2}\t{cn}\t1250.4\t120\t110.3"
    if header != CNS_HEADER:
        row = "\t".join(row.split("\t")[: len(header.split("\t"))])
    return f"{header}\n{row}\n"


@case(
    "cnvkit_log2_nan.cns",
    CNV,
    "error",
    "log2 is 'NaN', not a finite number",
    ".cns whose log2 is NaN",
)
def _(name: str) -> None:
    write(name, cns("NaN", ""))


@case("cnvkit_cn_na.cns", CNV, "error", "cn is 'NA', not a number", ".cns whose cn column is NA")
def _(name: str) -> None:
    write(name, cns("1.585", "NA"))


@case(
    "cnvkit_log2_inf.cns",
    CNV,
    "error",
    "log2 is 'inf', not a finite number",
    ".cns whose log2 is inf",
)
def _(name: str) -> None:
    write(name, cns("inf", ""))


@case(
    "cnvkit_log2_out_of_range.cns",
    CNV,
    "error",
    "a log2 ratio beyond +-64",
    ".cns whose log2 is 1e300 (finite, but 2**1e300 overflows: reached the catch-all)",
)
def _(name: str) -> None:
    write(name, cns("1e300", ""))


@case(
    "cnvkit_missing_columns.cns",
    CNV,
    "error",
    "not a CNVkit .cns: the header lacks log2",
    ".cns whose header has no log2 column",
)
def _(name: str) -> None:
    write(name, cns("1.585", "6", header="chromosome\tstart\tend\tgene"))


# --- RNA fusions


def arriba_text(*rows: list[str]) -> str:
    return "\t".join(ARRIBA_COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows)


def etv6_abl1() -> list[str]:
    return arriba_row("ETV6", 5, "ABL1", 2, (12, 9, 6), "high")


@case(
    "arriba_garbage_row.tsv",
    RNA,
    "error",
    "columns where the header has 30",
    "an Arriba file with a line of garbage after a good row",
)
def _(name: str) -> None:
    write(name, arriba_text(etv6_abl1()) + "garbage line, not Arriba output\n")


@case(
    "arriba_superscript_count.tsv",
    RNA,
    "error",
    "not a read count",
    "an Arriba read count written as '²' (a digit to str.isdigit, not to int())",
)
def _(name: str) -> None:
    row = etv6_abl1()
    row[9] = "\u00b2"
    write(name, arriba_text(row))


@case(
    "arriba_stray_quote.tsv",
    RNA,
    "ok",
    "ETV6",
    "an Arriba row with a stray double quote in a text column: quotes are data, the rows "
    "after it are still read",
)
def _(name: str) -> None:
    first = etv6_abl1()
    first[16] = '"unterminated'
    second = arriba_row("ETV6", 5, "ABL1", 3, (10, 8, 4), "high")
    write(name, arriba_text(first, second))


@case(
    "arriba_superscript_breakpoint.tsv",
    RNA,
    "error",
    "is not chrom:pos",
    "an Arriba breakpoint whose position is '²' (reached the pipeline's catch-all)",
)
def _(name: str) -> None:
    row = etv6_abl1()
    row[4] = row[4].split(":")[0] + ":\u00b2"
    write(name, arriba_text(row))


def star_row(junction: str = "18", spanning: str = "11") -> list[str]:
    e, p = PANEL.genes["EBF1"], PANEL.genes["PDGFRB"]
    return [
        "EBF1--PDGFRB",
        junction,
        spanning,
        "18.00",
        "11.00",
        "ONLY_REF_SPLICE",
        f"EBF1^{e.ensembl_gene}",
        f"chr{e.chrom}:{exon_end('EBF1', 15)}:{e.strand}",
        f"PDGFRB^{p.ensembl_gene}",
        f"chr{p.chrom}:{exon_start('PDGFRB', 11)}:{p.strand}",
        "YES_LDAS",
        "2.1",
        "GT",
        "1.8",
        "AG",
        "1.9",
        "[]",
    ]


def star_text(*rows: list[str]) -> str:
    return "\t".join(STAR_FUSION_COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows)


@case(
    "starfusion_garbage_row.tsv",
    RNA,
    "error",
    "columns where the header has 17",
    "a STAR-Fusion file with a truncated, tab-separated garbage row",
)
def _(name: str) -> None:
    write(name, star_text(star_row()) + "EBF1--PDGFRB\t18\tgarbage\n")


@case(
    "starfusion_nan_read_count.tsv",
    RNA,
    "error",
    "column SpanningFragCount is 'nan', not a read count",
    "STAR-Fusion SpanningFragCount written as nan",
)
def _(name: str) -> None:
    write(name, star_text(star_row(spanning="nan")))


@case(
    "fusioncatcher_garbage_row.txt",
    RNA,
    "error",
    "breakpoint",
    "a FusionCatcher row whose fusion point is not chrom:pos:strand",
)
def _(name: str) -> None:
    n, a = PANEL.genes["NUP214"], PANEL.genes["ABL1"]
    row = [
        "NUP214",
        "ABL1",
        "known",
        "0",
        "14",
        "9",
        "40",
        "BOWTIE",
        f"{n.chrom}:{exon_end('NUP214', 32)}:{n.strand}",
        f"{a.chrom}::{a.strand}",
        n.ensembl_gene.split(".")[0],
        a.ensembl_gene.split(".")[0],
        ".",
        ".",
        ".",
        "in-frame",
    ]
    text = "\t".join(FUSIONCATCHER_COLUMNS) + "\n" + "\t".join(row) + "\n"
    write(name, text)


# --------------------------------------------------------------------------- main


def manifest() -> str:
    rows = ["\t".join(MANIFEST_COLUMNS)]
    rows += ["\t".join((c.file, c.kind, c.outcome, c.message)) for c in CASES]
    return "\n".join(rows) + "\n"


def readme() -> str:
    counts = {o: sum(c.outcome == o for c in CASES) for o in ("error", "caveat", "note", "ok")}
    lines = [
        "# Broken variant files",
        "",
        "Written by `scripts/make_bad_fixtures.py` (do not edit by hand); every row of",
        "`files.tsv` is run by `tests/test_bad_files.py` through `mapk_filter.pipeline."
        "classify_sample`",
        "with a one-row sample sheet (genome_build GRCh38, no tumor_name). Outcomes:",
        "",
        "- `error`: an InputError; its message names the file and contains `message`, never",
        '  "please report";',
        "- `caveat`: read; a finding is filtered with `message` in its reason or caveats;",
        "- `note`: read correctly (findings, accounting that reconciles) with `message` in the",
        "  notes;",
        "- `ok`: read correctly; `message` is in a finding's classification (that finding not",
        "  filtered) or in the notes.",
        "",
        "Git does not keep modification times: the test copies each file (and its index) to a",
        "temporary folder and sets the index one minute newer than the file, except",
        "`index_older_than_file.vcf.gz`, whose index it sets an hour older.",
        "",
        f"{len(CASES)} files: " + ", ".join(f"{n} {o}" for o, n in counts.items()) + ".",
        "",
        "| file | kind | outcome | the case | message it must give |",
        "|---|---|---|---|---|",
    ]
    for c in CASES:
        message = c.message.replace("|", "\\|")
        lines.append(f"| `{c.file}` | {c.kind} | {c.outcome} | {c.what} | `{message}` |")
    lines += [
        "",
        "## What no file here can show (not detected)",
        "",
        "See `src/mapk_filter/readers/integrity.py`. A plain-text VCF cut exactly at a line",
        "end (or inside the last column of a line that keeps all its tabs) looks complete; so",
        "does a multi-member plain gzip cut exactly between members. An index without the",
        "metadata pseudo-bin is checked only by its age, its contig names and a query for the",
        "first record. An index built from a different file whose data has exactly the same",
        "compressed layout (first-record and end offsets) and the same first record passes the",
        "static checks; its region queries are still checked (in the region, sorted), but a",
        "record it fails to point at is not seen. A CSQ whose entries name no allele of the",
        "record (e.g. after the file was re-normalised) leaves the record unannotated, as",
        "before.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for c in CASES:  # only what this script writes (sheets/ and sheets.tsv are others')
        for old in (c.file, f"{c.file}.tbi", f"{c.file}.csi"):
            (OUT / old).unlink(missing_ok=True)
    for c in CASES:
        c.make(c.file)
    (OUT / "files.tsv").write_text(manifest(), encoding="utf-8")
    (OUT / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    main()
