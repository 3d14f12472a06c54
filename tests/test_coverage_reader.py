"""Coverage files (mosdepth per-base/regions, callable-regions BED) over BCL2 codons 101-104.

Fixtures in tests/data/coverage/ are written by scripts/make_coverage_fixtures.py; each
file name says the case it shows (tests/data/README.md). Edge cases that need one changed
line are written to tmp_path here, through the same libraries.
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from pathlib import Path

import pysam
import pytest

from mapk_filter.errors import InputError
from mapk_filter.readers.coverage import Target, read_coverage
from mapk_filter.readers.coverage_layout import BGZF_EOF
from mapk_filter.targets import codon_span

COVERAGE = Path(__file__).resolve().parent / "data" / "coverage"
LABEL = "BCL2 codons 101-104"
WHERE = f"{LABEL} (chr18:63318355-63318366)"


def _codon(panel, codon: int) -> tuple[str, int, int]:
    g101v = panel.hotspot_by_protein("BCL2", "G101V")
    span = codon_span(replace(g101v, codon=codon), panel.genes["BCL2"].strand, "GRCh38")
    assert span is not None
    return span


@pytest.fixture(scope="module")
def bcl2(panel) -> Target:
    """Codons 101..104 (c.301..c.312) from the panel's hotspot rows, as the fixtures use."""
    chrom, _, last = _codon(panel, 101)
    _, first, _ = _codon(panel, 104)
    return Target(LABEL, chrom, first, last)


def test_bcl2_codons_101_104_come_from_the_panel(panel, bcl2):
    # G101V c.302G>T at 18:63318365 on the minus strand: c.301 is one base higher and
    # c.312 ten bases lower; F104L c.310 (63318357) and F104C c.311 (63318356) agree.
    assert (bcl2.chrom, bcl2.start, bcl2.end, bcl2.length) == ("18", 63318355, 63318366, 12)
    for short in ("F104L", "F104C"):
        hotspot = panel.hotspot_by_protein("BCL2", short)
        assert codon_span(hotspot, "-", "GRCh38") == ("18", 63318355, 63318357)
    assert _codon(panel, 101) == ("18", 63318364, 63318366)


# --------------------------------------------------------------------------- mosdepth per-base


def test_per_base_covered(bcl2):
    path = COVERAGE / "mosdepth_bcl2_covered.per-base.bed.gz"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.region_query, scan.required_depth) == ("mosdepth_per_base", False, 20)
    assert (scan.records_read, scan.records_in_targets) == (6, 2)
    assert scan.notes == ()
    (result,) = scan.targets
    assert result.target == bcl2
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "covered",
        35.0,
        0,
        0,
    )
    assert result.detail == f"{WHERE}: all 12 bases at depth >= 20 (minimum 35)"


def test_per_base_low_codon101(bcl2):
    path = COVERAGE / "mosdepth_bcl2_low_codon101.per-base.bed.gz"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.records_read, scan.records_in_targets) == (7, 2)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "below_min_depth",
        8.0,
        3,
        0,
    )
    assert result.detail == f"{WHERE}: minimum depth 8 < 20 over 3 of 12 bases"


def test_min_depth_is_at_or_above(bcl2):
    path = COVERAGE / "mosdepth_bcl2_low_codon101.per-base.bed.gz"
    assert read_coverage(path, [bcl2], 8).targets[0].status == "covered"
    nine = read_coverage(path, [bcl2], 9).targets[0]
    assert (nine.status, nine.bases_below) == ("below_min_depth", 3)


def test_per_base_no_reads_over_codon104(bcl2):
    path = COVERAGE / "mosdepth_bcl2_no_reads_codon104.per-base.bed.gz"
    (result,) = read_coverage(path, [bcl2], 20).targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "not_covered",
        0.0,
        3,
        0,
    )
    assert result.detail == (
        f"{WHERE}: not covered: minimum depth 0 < 20 over 3 of 12 bases; "
        "3 of 12 bases with no reads"
    )


def test_contig_missing_from_file_is_not_covered(bcl2):
    path = COVERAGE / "mosdepth_no_chr18.per-base.bed.gz"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.records_read, scan.records_in_targets) == (2, 0)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "not_covered",
        None,
        0,
        12,
    )
    assert result.detail == f"{WHERE}: not covered: 12 of 12 bases not described by the file"
    assert scan.notes == ("contig 18 does not appear in the file: its targets are not covered",)


def test_several_targets_are_judged_separately(panel, bcl2):
    codon101 = Target("BCL2 codon 101", *_codon(panel, 101))
    codon104 = Target("BCL2 codon 104", *_codon(panel, 104))
    g12d = panel.hotspot_by_protein("KRAS", "G12D")
    kras = Target("KRAS codon 12", *codon_span(g12d, panel.genes["KRAS"].strand, "GRCh38"))
    path = COVERAGE / "mosdepth_bcl2_low_codon101.per-base.bed.gz"
    scan = read_coverage(path, [bcl2, codon101, codon104, kras], 20)
    assert [r.status for r in scan.targets] == [
        "below_min_depth",
        "below_min_depth",
        "covered",
        "not_covered",
    ]
    assert [r.min_depth for r in scan.targets] == [8.0, 8.0, 35.0, None]
    assert scan.records_in_targets == 2  # each line counted once, however many targets
    assert scan.notes == ("contig 12 does not appear in the file: its targets are not covered",)


def test_plain_gzip_crlf_headers_and_no_chr_read_the_same(tmp_path, bcl2):
    source = COVERAGE / "mosdepth_bcl2_low_codon101.per-base.bed.gz"
    lines = gzip.decompress(source.read_bytes()).decode().splitlines()
    text = "track name=depth\r\n#comment\r\n" + "".join(
        line.removeprefix("chr") + "\r\n" for line in lines
    )
    path = tmp_path / "sample.bed.gz"  # no mosdepth name: detected from content
    path.write_bytes(gzip.compress(text.encode(), mtime=0))  # plain gzip, not BGZF
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.records_read, scan.records_in_targets) == ("mosdepth_per_base", 7, 2)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below) == ("below_min_depth", 8.0, 3)


# --------------------------------------------------------------------------- index


def test_indexed_file_is_read_by_region_queries(bcl2):
    path = COVERAGE / "mosdepth_bcl2_indexed.per-base.bed.gz"
    scan = read_coverage(path, [bcl2], 20)
    assert scan.region_query is True
    assert (scan.records_read, scan.records_in_targets) == (2, 2)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "covered",
        25.0,
        0,
        0,
    )
    assert scan.notes == (
        "read by region queries through mosdepth_bcl2_indexed.per-base.bed.gz.csi: records "
        "outside the targets were neither read nor checked",
    )


def test_indexed_and_streamed_reads_agree(tmp_path, bcl2):
    source = COVERAGE / "mosdepth_bcl2_indexed.per-base.bed.gz"
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)  # without its .csi: streamed
    streamed = read_coverage(copy, [bcl2], 30)
    indexed = read_coverage(source, [bcl2], 30)
    assert (streamed.region_query, indexed.region_query) == (False, True)
    lines = gzip.decompress(source.read_bytes()).decode().splitlines()
    assert streamed.records_read == len(lines) == 1435
    assert streamed.records_in_targets == indexed.records_in_targets == 2
    assert streamed.targets == indexed.targets
    assert indexed.targets[0].detail == f"{WHERE}: minimum depth 25 < 30 over 7 of 12 bases"


def test_tbi_index_is_used_too(tmp_path, bcl2):
    copy = tmp_path / "sample.per-base.bed.gz"
    shutil.copyfile(COVERAGE / "mosdepth_bcl2_indexed.per-base.bed.gz", copy)
    pysam.tabix_index(str(copy), preset="bed", force=True)
    assert (tmp_path / "sample.per-base.bed.gz.tbi").exists()
    scan = read_coverage(copy, [bcl2], 20)
    assert (scan.region_query, scan.records_read, scan.targets[0].min_depth) == (True, 2, 25.0)


@pytest.mark.parametrize(
    ("before", "reason"),
    [
        # The index knows no chr17, where the file's first record is.
        ("chr1\t0\t1000\t3\n", "it cannot find the file's first record"),
        # chr17 in two records: every chr18 offset is 13 bytes off in the real file.
        ("chr17\t0\t10\t0\nchr17\t10\t83257441\t0\n", "region query chr18:63318355-63318366"),
    ],
)
def test_index_of_another_file_is_not_trusted(tmp_path, bcl2, before, reason):
    # Index one file, then replace the data with another: the file is streamed instead.
    real = COVERAGE / "mosdepth_bcl2_covered.per-base.bed.gz"
    lines = gzip.decompress(real.read_bytes()).decode().splitlines(keepends=True)
    rest = lines if before.startswith("chr1\t") else lines[1:]
    path = tmp_path / "s.per-base.bed.gz"
    pysam.tabix_compress(str(_write(tmp_path / "other.bed", before + "".join(rest))), str(path))
    pysam.tabix_index(str(path), preset="bed", csi=True, force=True)
    shutil.copyfile(real, path)
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.region_query, scan.records_read, scan.records_in_targets) == (False, 6, 2)
    assert scan.targets == read_coverage(real, [bcl2], 20).targets
    (note,) = scan.notes
    assert note.startswith(f"index s.per-base.bed.gz.csi not used: {reason}")
    assert note.endswith("; the whole file was streamed")


def test_bad_record_in_an_indexed_file_is_named_by_its_line(tmp_path, bcl2):
    real = COVERAGE / "mosdepth_bcl2_covered.per-base.bed.gz"
    text = gzip.decompress(real.read_bytes()).decode().replace("\t42\n", "\tNA\n")
    path = tmp_path / "s.per-base.bed.gz"
    pysam.tabix_compress(str(_write(tmp_path / "s.bed", text)), str(path))
    pysam.tabix_index(str(path), preset="bed", csi=True, force=True)
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == f"{path} (record 4): line 4: depth 'NA' is not a number"


def test_index_beside_an_uncompressed_file_is_ignored(tmp_path, bcl2):
    plain = tmp_path / "cov.bed"
    plain.write_bytes(
        gzip.decompress((COVERAGE / "mosdepth_bcl2_covered.per-base.bed.gz").read_bytes())
    )
    shutil.copyfile(
        COVERAGE / "mosdepth_bcl2_indexed.per-base.bed.gz.csi", tmp_path / "cov.bed.csi"
    )
    scan = read_coverage(plain, [bcl2], 20)
    assert (scan.region_query, scan.targets[0].status) == (False, "covered")
    assert scan.notes == ("index cov.bed.csi not used: the file is not bgzip-compressed",)


# --------------------------------------------------------------------------- mosdepth regions


def test_regions_by_exon_covered_with_caveat(bcl2):
    path = COVERAGE / "mosdepth_bcl2_regions.regions.bed.gz"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.records_read, scan.records_in_targets) == ("mosdepth_regions", 8, 1)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "covered",
        412.57,
        0,
        0,
    )
    assert result.detail == (
        f"{WHERE}: all 12 bases in regions with mean depth >= 20 (lowest mean 412.57; "
        "a mean over a region can hide a low-coverage codon)"
    )
    assert scan.notes == (
        "mosdepth regions file: each depth is the mean over a region; a mean >= 20 can hide "
        "a low-coverage codon inside the region",
    )


def test_regions_windows_low_mean(bcl2):
    path = COVERAGE / "mosdepth_bcl2_windows_low.regions.bed.gz"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.records_read, scan.records_in_targets) == ("mosdepth_regions", 4, 1)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "below_min_depth",
        12.5,
        12,
        0,
    )
    assert result.detail == (
        f"{WHERE}: lowest region mean depth 12.5 < 20 over 12 of 12 bases "
        "(a mean over a region can hide a low-coverage codon)"
    )


def test_regions_that_do_not_cover_every_base(tmp_path, bcl2):
    # Two regions with high means, but the first ends 4 bases into the target and the
    # second starts 2 bases later: 2 bases are not described.
    path = tmp_path / "panel.regions.bed"
    path.write_text(
        "chr18\t63318300\t63318358\tleft\t250.00\nchr18\t63318360\t63318400\tright\t31.20\n"
    )
    (result,) = read_coverage(path, [bcl2], 20).targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "not_covered",
        31.2,
        0,
        2,
    )
    assert result.detail == (
        f"{WHERE}: not covered: 2 of 12 bases not described by the file "
        "(a mean over a region can hide a low-coverage codon)"
    )


# --------------------------------------------------------------------------- callable BED


def test_callable_loci_covered(bcl2):
    path = COVERAGE / "callable_loci_bcl2.bed"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.records_read, scan.records_in_targets) == ("callable_bed", 5, 1)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "covered",
        None,
        0,
        0,
    )
    assert result.detail == (
        f"{WHERE}: all 12 bases callable (depth not given by a callable-regions BED)"
    )
    assert scan.notes == (
        "callable-regions BED: only bases in a region labelled CALLABLE count as covered; "
        "depth is not given",
    )


def test_callable_loci_low_coverage_codon104(bcl2):
    path = COVERAGE / "callable_loci_bcl2_low_codon104.bed"
    scan = read_coverage(path, [bcl2], 20)
    assert scan.records_in_targets == 2
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "not_covered",
        None,
        3,
        0,
    )
    assert result.detail == (
        f"{WHERE}: not covered: 3 of 12 bases labelled LOW_COVERAGE "
        "(depth not given by a callable-regions BED)"
    )


def test_callable_bed_gap_over_codon101(bcl2):
    path = COVERAGE / "callable_bcl2_gap.bed"
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.records_read, scan.records_in_targets) == ("callable_bed", 3, 1)
    (result,) = scan.targets
    assert (result.status, result.min_depth, result.bases_below, result.bases_missing) == (
        "not_covered",
        None,
        0,
        3,
    )
    assert result.detail == (
        f"{WHERE}: not covered: 3 of 12 bases not in any callable region "
        "(depth not given by a callable-regions BED)"
    )
    assert scan.notes == ("3-column BED: every region counts as callable; depth is not given",)


def test_overlapping_callable_and_uncallable_labels_are_not_callable(tmp_path, bcl2):
    path = tmp_path / "callable.bed"
    path.write_text(
        "18\t63318300\t63318400\tCALLABLE\n18\t63318360\t63318361\tPOOR_MAPPING_QUALITY\n"
    )
    (result,) = read_coverage(path, [bcl2], 20).targets
    assert (result.status, result.bases_below, result.bases_missing) == ("not_covered", 1, 0)
    assert "1 of 12 bases labelled POOR_MAPPING_QUALITY" in result.detail


# --------------------------------------------------------------------------- errors


def test_truncated_bgzf_without_eof_block(bcl2):
    path = COVERAGE / "mosdepth_truncated.per-base.bed.gz"
    # Python's gzip reads it to the end without a word: the check has to be explicit.
    assert gzip.decompress(path.read_bytes()).count(b"\n") == 6
    assert not path.read_bytes().endswith(BGZF_EOF)
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == (
        f"{path}: truncated bgzip file: the 28-byte BGZF end-of-file block is missing "
        "(an incomplete copy or an interrupted write)"
    )


def test_truncated_plain_gzip_names_the_line(bcl2):
    path = COVERAGE / "coverage_truncated_plain.bed.gz"
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == (
        f"{path} (record 897): line 897: unreadable after line 896 (truncated or corrupt "
        "file): compressed file ended before the end-of-stream marker was reached"
    )
    assert err.value.record == 897


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "coverage_nan_depth.bed",
            "(record 4): line 4: depth 'nan' is not a finite non-negative number",
        ),
        (
            "coverage_unsorted.bed",
            "(record 5): line 5: start 63318359 on chr18 is before the previous record's start "
            "63318396: records out of order (sort the BED by contig and start)",
        ),
        ("coverage_malformed.bed", "(record 3): line 3: 3 columns where the file has 4"),
        (
            "mosdepth_empty.per-base.bed.gz",
            ": no data lines (empty coverage file): nothing can be said to be covered",
        ),
    ],
)
def test_bad_fixture_files_name_file_and_line(bcl2, name, message):
    path = COVERAGE / name
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == f"{path} {message}".replace(f"{path} :", f"{path}:")


GOOD = "chr18\t0\t63318300\t0\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("chr18\t63318300\t63318400\tNA", "depth 'NA' is not a number"),
        ("chr18\t63318300\t63318400\tinf", "depth 'inf' is not a finite non-negative number"),
        ("chr18\t63318300\t63318400\t-3", "depth '-3' is not a finite non-negative number"),
        ("chr18\t63318300\t63318400\tNaN", "depth 'NaN' is not a finite non-negative number"),
        ("chr18\t63318300.5\t63318400\t4", "start/end '63318300.5'/'63318400' are not integers"),
        ("chr18\t63318400\t63318300\t4", "end 63318300 is before start 63318400"),
        ("chr18\t-5\t63318300\t4", "negative start -5"),
        ("chr18\t63318300\t63318400", "3 columns where the file has 4"),
        ("chr18\t63318300\t63318400\t4\textra", "5 columns where the file has 4"),
        (
            "chr18\t63318200\t63318400\t4",
            "chr18:63318200-63318400 overlaps the previous record (ending at 63318300); "
            "a per-base file describes each base once",
        ),
        (
            "chr1\t0\t100\t4\nchr18\t63318300\t63318400\t4",
            "contig chr18 appears again after chr1: records out of order "
            "(sort the BED by contig and start)",
        ),
    ],
)
def test_bad_line_is_an_error_naming_file_and_line(tmp_path, bcl2, line, message):
    path = tmp_path / "sample.per-base.bed"
    path.write_text(GOOD + line + "\n")
    number = 1 + line.count("\n") + 1
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == f"{path} (record {number}): line {number}: {message}"


def test_bad_first_line_is_an_error_too(tmp_path, bcl2):
    path = tmp_path / "sample.per-base.bed.gz"
    pysam.tabix_compress(str(_write(tmp_path / "x.bed", "chr18\t0\t10\tNA\n")), str(path))
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == f"{path} (record 1): line 1: depth 'NA' is not a number"


def test_unrecognised_columns(tmp_path, bcl2):
    path = _write(tmp_path / "x.bed", "chr18\t0\t10\t5\t6\tfoo\n")
    with pytest.raises(InputError) as err:
        read_coverage(path, [bcl2], 20)
    assert str(err.value) == (
        f"{path} (record 1): line 1: 6 columns with a number in column 4 is neither a mosdepth "
        "per-base/regions BED nor a callable-regions BED"
    )


def test_missing_file(tmp_path, bcl2):
    with pytest.raises(InputError) as err:
        read_coverage(tmp_path / "absent.per-base.bed.gz", [bcl2], 20)
    assert str(err.value) == f"{tmp_path / 'absent.per-base.bed.gz'}: file not found"


def test_name_and_content_disagree(tmp_path, bcl2):
    path = _write(tmp_path / "s.per-base.bed", "chr18\t63318000\t63318500\tBCL2\t55.10\n")
    scan = read_coverage(path, [bcl2], 20)
    assert (scan.fmt, scan.targets[0].status) == ("mosdepth_regions", "covered")
    assert scan.notes[0] == (
        "named like a mosdepth per-base file, but read as mosdepth_regions (content)"
    )


def test_min_depth_must_be_positive(bcl2):
    with pytest.raises(ValueError, match="min_depth must be at least 1"):
        read_coverage(COVERAGE / "callable_loci_bcl2.bed", [bcl2], 0)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
