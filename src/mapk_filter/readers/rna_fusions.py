"""RNA fusion calls (Arriba, STAR-Fusion, FusionCatcher TSV) as junctions, judged like DNA.

All three name the 5' gene first and give each breakpoint's strand, so the retained side
of each breakpoint follows directly: the 5' partner keeps what lies upstream of its
breakpoint in transcript orientation, the 3' partner what lies downstream. Breakpoints
sit on exon boundaries: breakpoint 1 is the last base of the 5' part, breakpoint 2 the
first base of the 3' part, the same convention as a VCF breakend.

The callers' own verdicts are kept (config/README.md lists the columns read):
the reading frame (Arriba ``reading_frame``, STAR-Fusion ``PROT_FUSION_TYPE`` when present,
FusionCatcher ``Predicted_effect``) and Arriba's ``confidence`` (low: a QC caveat).

Every row must have the header's columns; read counts must be whole numbers written in
ASCII digits (NaN, inf, negative, fractional or empty counts are errors naming the line);
breakpoints must be ``chrom:pos`` with a contig and a position from 1. Tabs separate
columns and quotes are data (no CSV quoting: a stray quote cannot swallow the rows after
it). Blank lines hold nothing and are skipped.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..context import Context, Source
from ..errors import InputError
from ..panel import normalise_chrom
from .structural import DOWNSTREAM, UPSTREAM, Junction, StructuralScan, SvEvent
from .vcf_header import HeaderFacts

_ARRIBA = (
    "#gene1",
    "gene2",
    "strand1(gene/fusion)",
    "strand2(gene/fusion)",
    "breakpoint1",
    "breakpoint2",
    "split_reads1",
    "split_reads2",
    "discordant_mates",
    "confidence",
)
_STAR_FUSION = (
    "#FusionName",
    "JunctionReadCount",
    "SpanningFragCount",
    "LeftBreakpoint",
    "RightBreakpoint",
)
_FUSIONCATCHER = (
    "Gene_1_symbol(5end_fusion_partner)",
    "Gene_2_symbol(3end_fusion_partner)",
    "Spanning_pairs",
    "Spanning_unique_reads",
    "Fusion_point_for_gene_1(5end_fusion_partner)",
    "Fusion_point_for_gene_2(3end_fusion_partner)",
)
# Each caller's frame words -> one vocabulary: in-frame, out-of-frame, stop-codon; a value
# the caller left empty ("." or "") is "not determined"; any other value is kept as
# "other: <value>" (FusionCatcher's CDS(truncated)/UTR, UTR/UTR, ...).
_FRAMES = {
    "in-frame": "in-frame",
    "out-of-frame": "out-of-frame",
    "stop-codon": "stop-codon",
    "INFRAME": "in-frame",
    "FRAMESHIFT": "out-of-frame",
}


def _kept(strand: str, five_prime: bool) -> str:
    """Retained side on the + strand: 5' partner keeps upstream of its transcript, 3' down."""
    plus = strand == "+"
    return UPSTREAM if plus == five_prime else DOWNSTREAM


def _digits(text: str) -> bool:
    """A whole number in ASCII digits (str.isdigit also accepts '²', which int() refuses)."""
    return text.isascii() and text.isdigit()


def _position(path: Path, line: int, text: str) -> tuple[str, int]:
    chrom, _, pos = text.rpartition(":")
    if not chrom.strip() or not _digits(pos) or int(pos) < 1:
        raise InputError(str(path), f"breakpoint '{text}' is not chrom:pos (pos from 1)", line)
    return normalise_chrom(chrom), int(pos)


def _int(path: Path, line: int, row: dict[str, str], column: str) -> int:
    value = (row.get(column) or "").strip()
    if not _digits(value):
        raise InputError(
            str(path), f"column {column} is '{value}', not a read count (a whole number)", line
        )
    return int(value)


def _arriba_kept(path: Path, line: int, row: dict[str, str]) -> tuple[str, str] | None:
    """Retained sides from Arriba's direction columns: 'downstream' means the partner is
    joined at higher coordinates, so this side keeps what lies upstream, and vice versa."""
    kept = {"downstream": UPSTREAM, "upstream": DOWNSTREAM}
    d1, d2 = (row.get(c, "").strip() for c in ("direction1", "direction2"))
    if d1 in kept and d2 in kept:
        return kept[d1], kept[d2]
    if d1 or d2:
        raise InputError(str(path), f"direction1/direction2 '{d1}'/'{d2}' not understood", line)
    return None


def _arriba(path: Path, line: int, row: dict[str, str]) -> Junction:
    strands = []
    for column in ("strand1(gene/fusion)", "strand2(gene/fusion)"):
        gene_strand, _, fusion_strand = row[column].partition("/")
        strand = fusion_strand if fusion_strand in ("+", "-") else gene_strand
        if strand not in ("+", "-"):
            raise InputError(str(path), f"{column} '{row[column]}' gives no strand", line)
        strands.append(strand)
    chrom_a, pos_a = _position(path, line, row["breakpoint1"])
    chrom_b, pos_b = _position(path, line, row["breakpoint2"])
    reads = sum(_int(path, line, row, c) for c in _ARRIBA[6:9])
    confidence = (row.get("confidence") or "").strip()
    frame = frame_verdict(row.get("reading_frame"))
    # The direction columns describe the join geometry whatever the transcribed strand;
    # the strands are the fallback for files written without them.
    kept_a, kept_b = _arriba_kept(path, line, row) or (
        _kept(strands[0], True),
        _kept(strands[1], False),
    )
    return Junction(
        chrom_a=chrom_a,
        pos_a=pos_a,
        kept_a=kept_a,
        chrom_b=chrom_b,
        pos_b=pos_b,
        kept_b=kept_b,
        svtype="RNA",
        rna=True,
        record_ids=(f"{row['#gene1']}--{row['gene2']}",),
        record_numbers=(line,),
        supporting_reads=reads,
        filters=("PASS",)
        if confidence in ("high", "medium")
        else (f"Arriba_confidence_{confidence or 'missing'}",),
        frame=frame,
        split_reads=_int(path, line, row, "split_reads1") + _int(path, line, row, "split_reads2"),
        spanning_reads=_int(path, line, row, "discordant_mates"),
    )


def _stranded(
    path: Path, line: int, row: dict[str, str], columns: tuple[str, str]
) -> tuple[tuple[str, int, str], tuple[str, int, str]]:
    """Two ``chrom:pos:strand`` breakpoints (5' partner first) as (chrom, pos, kept)."""
    sides = []
    for column, five_prime in zip(columns, (True, False), strict=True):
        text = (row.get(column) or "").strip()
        where, _, strand = text.rpartition(":")
        if strand not in ("+", "-"):
            raise InputError(str(path), f"{column} '{text}' gives no strand", line)
        sides.append((*_position(path, line, where), _kept(strand, five_prime)))
    return sides[0], sides[1]


def _rna_junction(
    sides: tuple[tuple[str, int, str], tuple[str, int, str]],
    record_id: str,
    line: int,
    reads: int,
    frame: str,
) -> Junction:
    (chrom_a, pos_a, kept_a), (chrom_b, pos_b, kept_b) = sides
    return Junction(
        chrom_a=chrom_a,
        pos_a=pos_a,
        kept_a=kept_a,
        chrom_b=chrom_b,
        pos_b=pos_b,
        kept_b=kept_b,
        svtype="RNA",
        rna=True,
        record_ids=(record_id,),
        record_numbers=(line,),
        supporting_reads=reads,
        filters=("PASS",),
        frame=frame,
    )


def _star_fusion(path: Path, line: int, row: dict[str, str]) -> Junction:
    name = row["#FusionName"]
    sides = _stranded(path, line, row, ("LeftBreakpoint", "RightBreakpoint"))
    split = _int(path, line, row, "JunctionReadCount")
    spanning = _int(path, line, row, "SpanningFragCount")
    frame = frame_verdict(row.get("PROT_FUSION_TYPE")) if "PROT_FUSION_TYPE" in row else ""
    return replace(
        _rna_junction(sides, name, line, split + spanning, frame),
        split_reads=split,
        spanning_reads=spanning,
    )


def _fusioncatcher(path: Path, line: int, row: dict[str, str]) -> Junction:
    """FusionCatcher ``final-list_candidate-fusion-genes.txt``: points are chrom:pos:strand."""
    name = f"{row[_FUSIONCATCHER[0]]}--{row[_FUSIONCATCHER[1]]}"
    sides = _stranded(path, line, row, (_FUSIONCATCHER[4], _FUSIONCATCHER[5]))
    spanning = _int(path, line, row, "Spanning_pairs")
    split = _int(path, line, row, "Spanning_unique_reads")
    reads = split + spanning
    frame = frame_verdict(row.get("Predicted_effect"))
    flags = sorted(FUSIONCATCHER_FALSE_POSITIVE & _flags(row.get("Fusion_description")))
    junction = replace(
        _rna_junction(sides, name, line, reads, frame), split_reads=split, spanning_reads=spanning
    )
    if flags:
        junction = replace(junction, filters=tuple(f"FusionCatcher_{f}" for f in flags))
    return junction


# FusionCatcher's Fusion_description labels that mark a likely false positive or a fusion
# seen in healthy tissue (its documentation): a listed fusion with one is for review.
FUSIONCATCHER_FALSE_POSITIVE = frozenset(
    {
        "1000genomes",
        "banned",
        "bodymap2",
        "cacg",
        "conjoing",
        "cta",
        "ctb",
        "ctc",
        "ctd",
        "distance1000bp",
        "ensembl_fully_overlapping",
        "gtex",
        "healthy",
        "hpa",
        "mt",
        "non_cancer_tissues",
        "non_tumor_cells",
        "paralogs",
        "readthrough",
        "refseq_fully_overlapping",
        "rp11_gene",
        "rp_gene",
        "rrna",
        "short_distance",
        "similar_reads",
        "similar_symbols",
        "ucsc_fully_overlapping",
    }
)


def _flags(text: str | None) -> set[str]:
    return {f.strip().lower() for f in (text or "").split(",") if f.strip()}


def frame_verdict(value: str | None) -> str:
    """A caller's reading-frame words in one vocabulary (see _FRAMES)."""
    text = (value or "").strip()
    if text in ("", "."):
        return "not determined"
    return _FRAMES.get(text, f"other: {text}")


def read_rna_fusions(path: Path, build: str) -> StructuralScan:
    """Arriba ``fusions.tsv``, STAR-Fusion ``*.fusion_predictions*.tsv`` or FusionCatcher
    ``final-list_candidate-fusion-genes.txt``, by header."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc}") from exc
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1]
        raise InputError(
            str(path), f"line {line}: not UTF-8 text (byte {byte!r}); save it as UTF-8", line
        ) from exc
    if not lines:
        raise InputError(str(path), "empty file: no header line")
    header = lines[0].split("\t")
    if all(c in header for c in _ARRIBA):
        caller, parse = "arriba", _arriba
    elif all(c in header for c in _STAR_FUSION):
        caller, parse = "star-fusion", _star_fusion
    elif all(c in header for c in _FUSIONCATCHER):
        caller, parse = "fusioncatcher", _fusioncatcher
    else:
        raise InputError(
            str(path), "header is not Arriba, STAR-Fusion or FusionCatcher fusion output", 1
        )
    facts = HeaderFacts(caller=caller, samples=(), meta={}, contigs={}, uses_chr=False)
    scan = StructuralScan(
        path=path, facts=facts, caller=caller, build=build, tumor_sample="", normal_sample=""
    )
    scan.notes.append(
        f"RNA fusions ({caller}): the build ({build}) is taken from the sample sheet; a "
        "fusion TSV carries no contig lengths to check it against"
    )
    for line, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        fields = text.split("\t")
        if len(fields) != len(header):
            raise InputError(
                str(path), f"{len(fields)} columns where the header has {len(header)}", line
            )
        row = dict(zip(header, fields, strict=True))
        scan.records_read += 1
        junction = parse(path, line, row)
        low, high = sorted((junction.pos_a, junction.pos_b or junction.pos_a))
        scan.events.append(
            SvEvent(
                record_numbers=(line,),
                junctions=(junction,),
                svtype="RNA",
                chrom=junction.chrom_a,
                start=low,
                end=high,
            )
        )
    return scan


def read(source: Source, ctx: Context) -> StructuralScan:
    """The sheet row's Arriba or STAR-Fusion table."""
    return read_rna_fusions(source.path, ctx.build)
