#!/usr/bin/env python3
"""Write tests/data/coverage/: coverage files around BCL2 codons 101-104 (see tests/data/README.md).

The interval is derived from the panel, never typed: BCL2 is on the minus strand and
hotspots.tsv holds its venetoclax-resistance rows (G101V c.302, F104L c.310, F104C c.311 on
GRCh38). ``codon_span`` (the project's codon arithmetic, targets.py) gives the genomic span
of codon 101 and of codon 104 from each row's c. position; codons 101..104 (c.301..c.312)
run from the lowest base of one to the highest of the other. Contig lengths come from
resources/gene_lists/contig_lengths.tsv, exon spans from panel_exons.tsv.

bgzipped files are written with pysam.tabix_compress (BGZF has no timestamp), indexes with
pysam.tabix_index, plain gzip with mtime 0: re-running gives byte-identical files.

    python scripts/make_coverage_fixtures.py
"""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pysam

from mapk_filter.panel import Panel, load_panel
from mapk_filter.readers.build import contig_lengths
from mapk_filter.readers.coverage_layout import BGZF_EOF
from mapk_filter.targets import codon_span

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "coverage"
BUILD = "GRCh38"
Row = tuple[str, int, int, str]  # chrom, 0-based start, end, 4th column (depth or label)


def bcl2_codons(panel: Panel) -> dict[int, tuple[str, int, int]]:
    """Genomic spans (chrom, first, last; 1-based) of BCL2 codons 101 and 104 and 101-104."""
    gene = panel.genes["BCL2"]
    rows = [h for h in panel.hotspots if h.gene == "BCL2" and h.category == "venetoclax_resistance"]
    assert {h.codon for h in rows} == {101, 104}, rows
    spans: dict[int, set[tuple[str, int, int]]] = {101: set(), 104: set()}
    for hotspot in rows:
        for codon in (101, 104):
            # The row's c. position anchors the arithmetic; asking for another codon of the
            # same transcript checks that all three rows agree.
            span = codon_span(replace(hotspot, codon=codon), gene.strand, BUILD)
            assert span is not None, hotspot
            spans[codon].add(span)
    assert all(len(s) == 1 for s in spans.values()), spans
    (c101,), (c104,) = spans[101], spans[104]
    chrom = c101[0]
    return {
        101: c101,
        104: c104,
        0: (chrom, min(c101[1], c104[1]), max(c101[2], c104[2])),
    }


def per_base(chrom: str, length: int, runs: list[tuple[int, int, int]]) -> list[Row]:
    """mosdepth per-base rows of one contig: the given runs, depth 0 before and after."""
    rows: list[Row] = []
    position = 0
    for start, end, depth in runs:
        assert start >= position, (start, position)
        if start > position:
            rows.append((chrom, position, start, "0"))
        rows.append((chrom, start, end, str(depth)))
        position = end
    if position < length:
        rows.append((chrom, position, length, "0"))
    return rows


def whole(chrom: str, length: int, value: str) -> Row:
    return (chrom, 0, length, value)


def text(rows: list[Row] | list[tuple[str, ...]]) -> str:
    return "".join("\t".join(str(x) for x in row) + "\n" for row in rows)


def write_plain(name: str, content: str) -> Path:
    path = OUT / name
    path.write_text(content, encoding="utf-8", newline="\n")
    return path


def write_bgzf(name: str, content: str, index: bool = False) -> Path:
    """bgzip with pysam.tabix_compress; with ``index``, a CSI index as mosdepth writes."""
    plain = OUT / (name.removesuffix(".gz") + ".tmp")
    plain.write_text(content, encoding="utf-8", newline="\n")
    path = OUT / name
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    if index:
        pysam.tabix_index(str(path), preset="bed", csi=True, force=True)
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    panel = load_panel()
    codons = bcl2_codons(panel)
    chrom, first, last = codons[0]  # 1-based inclusive
    t0, t1 = first - 1, last  # 0-based half-open, as a BED writes it
    _, c101_first, c101_last = codons[101]
    _, c104_first, c104_last = codons[104]
    lengths = contig_lengths()[BUILD]
    l17, l18, lx = lengths["17"], lengths[chrom], lengths["X"]
    print(f"BCL2 codons 101-104: chr{chrom}:{first}-{last} (GRCh38)")

    def mosdepth(runs: list[tuple[int, int, int]], prefix: str = "chr") -> list[Row]:
        return [
            whole(f"{prefix}17", l17, "0"),
            *per_base(f"{prefix}{chrom}", l18, runs),
            whole(f"{prefix}X", lx, "0"),
        ]

    # Covered: two runs (35 and 42) over the 12 bases.
    covered = mosdepth([(t0 - 40, t0 + 5, 35), (t0 + 5, t1 + 30, 42)])
    write_bgzf("mosdepth_bcl2_covered.per-base.bed.gz", text(covered))

    # Codon 101 (the high end on the minus strand) at depth 8, the rest at 35.
    low101 = mosdepth(
        [(t0 - 40, c101_first - 1, 35), (c101_first - 1, c101_last, 8), (c101_last, t1 + 30, 35)]
    )
    write_bgzf("mosdepth_bcl2_low_codon101.per-base.bed.gz", text(low101))

    # Codon 104 (the low end) with no reads at all.
    zero104 = mosdepth(
        [(t0 - 40, c104_first - 1, 35), (c104_first - 1, c104_last, 0), (c104_last, t1 + 30, 35)]
    )
    write_bgzf("mosdepth_bcl2_no_reads_codon104.per-base.bed.gz", text(zero104))

    # A per-base file without chr18 (e.g. restricted to other contigs): nothing described.
    write_bgzf(
        "mosdepth_no_chr18.per-base.bed.gz",
        text([whole("chr17", l17, "0"), whole("chrX", lx, "0")]),
    )

    # Indexed (CSI, as mosdepth writes it): 7-bp runs over 10 kb around the target with
    # depths 25, 28, 31, 34, 37 in turn; the target falls on runs 714 (37) and 715 (25).
    runs = []
    for k, start in enumerate(range(t0 - 5000, t1 + 5000, 7)):
        runs.append((start, start + 7, 25 + (k % 5) * 3))
    write_bgzf("mosdepth_bcl2_indexed.per-base.bed.gz", text(mosdepth(runs, prefix="")), index=True)

    # mosdepth --by exons: 5 columns (name, mean with 2 decimals), BCL2 and KRAS exons.
    exon_rows: list[tuple[str, ...]] = []
    bcl2_means = {1: "23.40", 2: "412.57", 3: "198.03"}  # exon 2 holds codons 101-104
    for symbol in ("KRAS", "BCL2"):
        exons = sorted(
            (e for e in panel.exons if e.gene == symbol and BUILD in e.spans),
            key=lambda e: e.spans[BUILD][0],
        )
        for exon in exons:
            start, end = exon.spans[BUILD]
            mean = (
                bcl2_means[exon.number] if symbol == "BCL2" else f"{250 + 13.37 * exon.number:.2f}"
            )
            exon_rows.append(
                (f"chr{exon.chrom}", str(start - 1), str(end), f"{symbol}_exon{exon.number}", mean)
            )
    write_bgzf("mosdepth_bcl2_regions.regions.bed.gz", text(exon_rows))

    # mosdepth --by 500 windows (4 columns): the window holding the codons has mean 12.50.
    window0 = t0 - t0 % 500
    windows = [
        (f"chr{chrom}", str(s), str(s + 500), mean)
        for s, mean in (
            (window0 - 1000, "44.20"),
            (window0 - 500, "38.00"),
            (window0, "12.50"),
            (window0 + 500, "41.75"),
        )
    ]
    assert window0 <= t0 and t1 <= window0 + 500
    write_bgzf("mosdepth_bcl2_windows_low.regions.bed.gz", text(windows))

    # GATK CallableLoci (no chr prefix): the codons inside a CALLABLE region.
    write_plain(
        "callable_loci_bcl2.bed",
        text(
            [
                whole("17", l17, "NO_COVERAGE"),
                (chrom, 0, t0 - 3000, "NO_COVERAGE"),
                (chrom, t0 - 3000, t0 - 1000, "LOW_COVERAGE"),
                (chrom, t0 - 1000, t1 + 1000, "CALLABLE"),
                (chrom, t1 + 1000, l18, "NO_COVERAGE"),
            ]
        ),
    )
    # CallableLoci with codon 104 LOW_COVERAGE.
    write_plain(
        "callable_loci_bcl2_low_codon104.bed",
        text(
            [
                (chrom, 0, t0 - 1000, "NO_COVERAGE"),
                (chrom, t0 - 1000, c104_first - 1, "CALLABLE"),
                (chrom, c104_first - 1, c104_last, "LOW_COVERAGE"),
                (chrom, c104_last, t1 + 1000, "CALLABLE"),
                (chrom, t1 + 1000, l18, "NO_COVERAGE"),
            ]
        ),
    )
    # A plain 3-column callable BED with a gap exactly over codon 101.
    write_plain(
        "callable_bcl2_gap.bed",
        text(
            [
                ("chr17", "1000", "2000"),
                (f"chr{chrom}", str(t0 - 1000), str(c101_first - 1)),
                (f"chr{chrom}", str(c101_last), str(t1 + 1000)),
            ]
        ),
    )

    # Truncated at a block boundary: a valid BGZF stream without its 28-byte EOF block,
    # which Python's gzip module reads to the end without complaint.
    full = write_bgzf("mosdepth_truncated.per-base.bed.gz", text(covered)).read_bytes()
    assert full.endswith(BGZF_EOF)
    (OUT / "mosdepth_truncated.per-base.bed.gz").write_bytes(full[: -len(BGZF_EOF)])
    # Truncated mid-stream: the first 60% of a plain (non-BGZF) gzip of the indexed file's 1,435 lines (with chr names).
    many = text(mosdepth(runs))
    data = gzip.compress(many.encode(), mtime=0)
    (OUT / "coverage_truncated_plain.bed.gz").write_bytes(data[: len(data) * 6 // 10])

    # Line 4 has depth "nan"; line 5 starts before line 4; line 3 has 3 columns.
    rows = [list(map(str, row)) for row in covered]
    nan_rows = [*rows[:3], [*rows[3][:3], "nan"], *rows[4:]]
    write_plain("coverage_nan_depth.bed", text([tuple(r) for r in nan_rows]))
    unsorted = [*rows[:3], rows[4], rows[3], *rows[5:]]
    write_plain("coverage_unsorted.bed", text([tuple(r) for r in unsorted]))
    malformed = [*rows[:2], rows[2][:3], *rows[3:]]
    write_plain("coverage_malformed.bed", text([tuple(r) for r in malformed]))

    # No data lines: a bgzipped file with only a comment.
    write_bgzf("mosdepth_empty.per-base.bed.gz", "# no coverage records\n")

    for path in sorted(OUT.iterdir()):
        print(f"wrote {path.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
