"""readers/integrity.py, readers/index.py and the checks they give the readers, one per test.

The catalogue (test_bad_files.py) shows what each broken file gives through the
workflow; these tests pin the pieces: the index parser agrees with htslib, good indexes
are trusted (no needless streaming), a region query that misbehaves falls back to
streaming, a value that is missing stays missing.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pysam
import pysam.bcftools
import pytest
from cyvcf2 import VCF
from helpers import copy_with_index

from mapk_filter.errors import InputError
from mapk_filter.readers import panel_regions, small
from mapk_filter.readers.build import contig_lengths
from mapk_filter.readers.copy_number import read_copy_number
from mapk_filter.readers.evidence import allele_depths
from mapk_filter.readers.index import UntrustedIndex, index_distrust, read_index
from mapk_filter.readers.integrity import (
    RecordOrder,
    check_container,
    check_last_line,
    compression,
)
from mapk_filter.readers.rna_fusions import read_rna_fusions

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
G12D = DATA / "bad" / "crlf_line_endings.vcf"  # KRAS G12D + two records outside the panel


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _bgzip(tmp_path: Path, text: str, name: str = "s.vcf") -> Path:
    plain = tmp_path / name
    plain.write_text(text, encoding="utf-8")
    pysam.tabix_compress(str(plain), str(plain) + ".gz", force=True)
    return Path(str(plain) + ".gz")


def _many_records(n: int) -> str:
    """A Mutect2-style file with ``n`` records on chr12 and chr17 (several BGZF blocks)."""
    head, _, body = _text(G12D).partition("\n#CHROM")
    chrom_line, *records = ("#CHROM" + body).rstrip("\n").split("\n")
    fmt = records[0].split("\t", 8)[8]
    rows = [f"chr12\t{1000 + 7 * i}\t.\tC\tT\t50\tPASS\t.\t{fmt}" for i in range(n)]
    rows += records  # KRAS and its neighbours, later on chr12
    rows += [f"chr17\t{5000 + 11 * i}\t.\tG\tA\t50\tPASS\t.\t{fmt}" for i in range(n)]
    return "\n".join([head, chrom_line, *rows]) + "\n"


def _contigs(path: Path) -> list[str]:
    vcf = VCF(str(path))
    try:
        return list(vcf.seqnames) if path.suffix != ".bcf" else _header_contigs(vcf)
    finally:
        vcf.close()


def _header_contigs(vcf: VCF) -> list[str]:
    return [
        line.split("ID=")[1].split(",")[0]
        for line in vcf.raw_header.splitlines()
        if line.startswith("##contig=")
    ]


# --------------------------------------------------------------------------- the index


@pytest.mark.parametrize("kind", ["tbi", "csi", "bcf"])
def test_index_parser_agrees_with_htslib(tmp_path, kind):
    path = _bgzip(tmp_path, _many_records(3000))
    if kind == "tbi":
        index = Path(pysam.tabix_index(str(path), preset="vcf", force=True) + ".tbi")
    elif kind == "csi":
        pysam.tabix_index(str(path), preset="vcf", force=True, csi=True)
        index = Path(str(path) + ".csi")
    else:
        bcf = tmp_path / "s.bcf"
        pysam.bcftools.view(
            "--no-version", "-O", "b", "-o", str(bcf), str(path), catch_stdout=False
        )
        pysam.bcftools.index(str(bcf), catch_stdout=False)
        path, index = bcf, Path(str(bcf) + ".csi")
    facts = read_index(index, _contigs(path))
    stats = pysam.bcftools.index("--stats", str(path))
    htslib = {line.split("\t")[0]: int(line.split("\t")[2]) for line in stats.splitlines() if line}
    assert {r.name: r.records for r in facts.refs} == htslib == {"chr12": 3003, "chr17": 3000}
    assert facts.complete
    assert index_distrust(path, index, _contigs(path), compression(path)) is None


def test_a_good_index_is_used_for_region_queries(tmp_path, panel):
    path = _bgzip(tmp_path, _many_records(3000))
    pysam.tabix_index(str(path), preset="vcf", force=True)
    scan = small.read_small_variants(path, panel, "GRCh38")
    assert scan.region_query
    assert not [n for n in scan.notes if "not trusted" in n]
    assert scan.records_read == 1  # only KRAS G12D lies in a panel region
    assert [v.alt for v, _ in scan.variants] == ["T"]


def test_an_index_of_a_file_without_records(tmp_path, panel):
    header = _text(G12D).split("\n#CHROM")[0]
    chrom_line = "#CHROM" + _text(G12D).split("\n#CHROM")[1].split("\n")[0]
    path = _bgzip(tmp_path, f"{header}\n{chrom_line}\n")
    pysam.tabix_index(str(path), preset="vcf", force=True)
    assert index_distrust(path, Path(f"{path}.tbi"), [], "bgzf") is None
    other = _bgzip(tmp_path, _text(G12D), "other.vcf")
    shutil.copyfile(f"{path}.tbi", f"{other}.tbi")  # an empty file's index beside a full one
    assert index_distrust(other, Path(f"{other}.tbi"), [], "bgzf") == (
        "the index lists no records, the file has (first chr12:23205246)"
    )


def test_an_index_from_a_longer_version_of_the_file(tmp_path):
    longer = _bgzip(tmp_path, _many_records(3000), "longer.vcf")
    pysam.tabix_index(str(longer), preset="vcf", force=True)
    path = _bgzip(tmp_path, _many_records(2000))
    shutil.copyfile(f"{longer}.tbi", f"{path}.tbi")
    why = index_distrust(path, Path(f"{path}.tbi"), [], "bgzf")
    assert why is not None and why.startswith("its last record does not end")


def test_an_index_of_the_same_age_in_whole_seconds_is_not_stale(tmp_path):
    path = _bgzip(tmp_path, _text(G12D))
    pysam.tabix_index(str(path), preset="vcf", force=True)
    index = Path(f"{path}.tbi")
    stamp = int(path.stat().st_mtime)
    os.utime(path, (stamp + 0.9, stamp + 0.9))
    os.utime(index, (stamp + 0.1, stamp + 0.1))  # older by 0.8 s: htslib calls it fresh
    assert index_distrust(path, index, [], "bgzf") is None
    os.utime(index, (stamp - 1, stamp - 1))
    assert index_distrust(path, index, [], "bgzf") == "older than the file"


def test_a_garbage_index_is_not_trusted(tmp_path):
    path = _bgzip(tmp_path, _text(G12D))
    index = Path(f"{path}.tbi")
    index.write_bytes(gzip.compress(b"TBI\x01" + b"\xff" * 7, mtime=0))
    why = index_distrust(path, index, [], "bgzf")
    assert why is not None and why.startswith("unreadable")


@pytest.mark.parametrize(
    "name",
    [
        "mutect2_indexed.vcf.gz",
        "bad/index_from_other_file.vcf.gz",
        "bad/index_csi_from_other_file.vcf.gz",
        "bad/unsorted_with_index.vcf.gz",
        "bad/index_older_than_file.vcf.gz",
    ],
)
def test_the_open_reader_gives_the_verdict_a_reader_of_its_own_gives(tmp_path, name):
    """The reader opened for the header checks is handed to the index check (htslib loads
    the index for its query): the verdict must be the one a fresh reader of its own gives."""
    path = copy_with_index(DATA / name, tmp_path)
    (copied,) = small.find_indexes(path)
    args = (path, copied, _contigs(path), compression(path))
    alone = index_distrust(*args)
    # the unsorted file's index passes these checks: its region queries fail it later
    assert (alone is None) == (name in ("mutect2_indexed.vcf.gz", "bad/unsorted_with_index.vcf.gz"))
    shared = VCF(str(path))
    try:
        assert index_distrust(*args, shared) == alone
    finally:
        shared.close()


def test_the_unsorted_file_passes_the_static_checks_and_fails_the_queries(tmp_path):
    """The catalogue's unsorted_with_index: same layout as the sorted file it was indexed
    from, so only the region queries (records out of order) can catch it."""
    name = "unsorted_with_index.vcf.gz"
    for suffix in ("", ".tbi"):
        shutil.copyfile(BAD / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    path = tmp_path / name
    assert index_distrust(path, Path(f"{path}.tbi"), [], "bgzf") is None
    vcf = VCF(str(path))
    with pytest.raises(UntrustedIndex, match="returned chr12:25227341 after chr12:25245350"):
        list(panel_regions.panel_records(vcf, ["chr12:25205246-25250936"], path))


class _FakeRecord:
    def __init__(self, chrom: str, pos: int) -> None:
        self.CHROM, self.POS, self.end = chrom, pos, pos
        self.REF, self.ALT = "C", ["T"]


class _FakeVcf:
    def __init__(self, records: list[_FakeRecord]) -> None:
        self.records = records

    def __call__(self, region: str) -> list[_FakeRecord]:
        return self.records


@pytest.mark.parametrize(
    "records, why",
    [
        ([_FakeRecord("chr12", 99)], "returned a record at chr12:99, outside it"),
        ([_FakeRecord("chr9", 150)], "returned a record at chr9:150, outside it"),
        ([_FakeRecord("chr12", 160), _FakeRecord("chr12", 150)], "returned chr12:150 after"),
    ],
)
def test_region_answers_outside_the_region_or_unsorted_are_not_trusted(records, why):
    with pytest.raises(UntrustedIndex, match=why):
        list(panel_regions.panel_records(_FakeVcf(records), ["chr12:100-200"], Path("x.vcf.gz")))


def test_an_index_failing_its_queries_is_dropped_for_streaming(tmp_path, panel, monkeypatch):
    path = _bgzip(tmp_path, _text(G12D))
    pysam.tabix_index(str(path), preset="vcf", force=True)
    real = panel_regions.panel_records

    def failing(vcf, regions, where):
        if regions is not None:
            raise UntrustedIndex("htslib fails the region query chr12:1-2: test")
        return real(vcf, regions, where)

    monkeypatch.setattr(small, "panel_records", failing)
    scan = small.read_small_variants(path, panel, "GRCh38")
    assert not scan.region_query
    assert (
        "index s.vcf.gz.tbi not trusted (htslib fails the region query chr12:1-2: test): "
        "read by streaming"
    ) in scan.notes
    assert scan.records_read == 3 and [v.alt for v, _ in scan.variants] == ["T"]


# --------------------------------------------------------------------------- containers


def test_a_complete_bgzip_file_and_a_plain_text_file_pass(tmp_path):
    path = _bgzip(tmp_path, _text(G12D))
    assert check_container(path) == ("bgzf", [])
    assert check_container(G12D) == ("plain", [])


def test_a_last_line_without_newline_is_fine_when_it_has_every_column(tmp_path):
    path = tmp_path / "s.vcf"
    path.write_text(_text(G12D).rstrip("\n"), encoding="utf-8")
    check_last_line(path, 10)
    path.write_text(_text(G12D).rstrip("\n").rsplit("\t", 1)[0], encoding="utf-8")
    with pytest.raises(InputError, match="the last line has 9 of the 10 columns"):
        check_last_line(path, 10)


# --------------------------------------------------------------------------- order


def test_record_order():
    order = RecordOrder()
    assert order.problem("chr1", 5) is None
    assert order.problem("chr1", 5) is None  # same position: sorted
    assert order.problem("chr2", 1) is None
    assert "chr2:0 comes after chr2:1" in (order.problem("chr2", 0) or "")
    assert "contig chr1 appears again after chr2" in (order.problem("chr1", 9) or "")


# --------------------------------------------------------------------------- values


def _record(tmp_path: Path, samples: str, values: str, alt: str = "T"):
    text = _text(G12D).replace("\tTUMOR_1\n", f"\t{samples}\n")
    lines = [ln for ln in text.split("\n") if ln.startswith("#")]
    lines.append(f"chr12\t25245350\t.\tC\t{alt}\t50\tPASS\t.\tGT:AD:AF:DP\t{values}")
    path = tmp_path / "v.vcf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return next(iter(VCF(str(path))))


def test_missing_values_stay_missing_and_are_not_invalid(tmp_path):
    record = _record(tmp_path, "TUMOR_1", ".:.:.:.")
    evidence = allele_depths(record, 0, 1)
    assert (evidence.depth, evidence.alt_reads, evidence.vaf, evidence.invalid) == (
        None,
        None,
        None,
        "",
    )


def test_a_shorter_vector_in_another_sample_is_padding_not_a_wrong_length(tmp_path):
    """htslib pads the shorter AD of one sample with vector-end values: the tumour's own
    AD is whole; the normal's single value for two alleles is named."""
    record = _record(tmp_path, "NORMAL\tTUMOR", "0/0:40:0.0:40\t0/1:60,25:0.294:85")
    tumour = allele_depths(record, 1, 1)
    assert (tumour.alt_reads, tumour.depth, tumour.invalid) == (25, 85, "")
    normal = allele_depths(record, 0, 1)
    assert normal.invalid == "AD 40 has 1 value for 2 alleles (REF + 1 ALT)"


def test_multiallelic_ad_has_one_value_per_allele(tmp_path):
    record = _record(tmp_path, "TUMOR_1", "0/1/2:50,20,10:0.25,0.125:80", alt="T,A")
    for allele, reads in ((1, 20), (2, 10)):
        evidence = allele_depths(record, 0, allele)
        assert (evidence.alt_reads, evidence.invalid) == (reads, "")


def test_a_missing_copy_number_stays_missing(tmp_path):
    source = (BAD / "cnv_info_cn_nan.vcf").read_text(encoding="utf-8")
    path = tmp_path / "cn.vcf"
    path.write_text(source.replace("CN=nan", "CN=."), encoding="utf-8")
    (segment,) = read_copy_number(path, "GRCh38").segments
    assert (segment.copy_number, segment.source) == (None, "none")


def test_a_cnv_vcf_cut_at_the_end_of_its_text_names_the_line(tmp_path):
    source = (BAD / "cnv_format_cn_inf.vcf").read_text(encoding="utf-8")
    path = tmp_path / "cn.vcf"
    path.write_text(source.replace(":inf", ":NaN"), encoding="utf-8")
    with pytest.raises(InputError, match=r"cn.vcf \(record 1\): line \d+: FORMAT/CN is 'NaN'"):
        read_copy_number(path, "GRCh38")


def test_a_fusion_row_longer_than_the_csv_field_limit_is_read(tmp_path):
    """csv's 131072-character field limit reached the pipeline's catch-all."""
    rows = (DATA / "rna_arriba_etv6_abl1.tsv").read_text(encoding="utf-8").split("\n")
    fields = rows[1].split("\t")
    fields[-1] = "R" * 200_000  # read_identifiers
    rows[1] = "\t".join(fields)
    path = tmp_path / "fusions.tsv"
    path.write_text("\n".join(rows), encoding="utf-8")
    assert read_rna_fusions(path, "GRCh38").records_read == 3


def test_contig_lengths_cover_the_fixture_contigs():
    assert {"12", "17", "9"} <= set(contig_lengths()["GRCh38"])


@pytest.fixture(scope="module")
def chr12_reference(tmp_path_factory):
    """chr12 of N's with the REF bases of the G12D fixture's three records."""
    records = [ln.split("\t") for ln in _text(G12D).split("\n") if ln and ln[0] != "#"]
    bases = bytearray(b"N" * (max(int(r[1]) for r in records) + 1000))
    for r in records:
        bases[int(r[1]) - 1] = ord(r[3])
    fasta = tmp_path_factory.mktemp("ref") / "chr12.fa"
    with fasta.open("w") as out:
        out.write(">chr12\n")
        for i in range(0, len(bases), 60):
            out.write(bases[i : i + 60].decode() + "\n")
    pysam.faidx(str(fasta))
    return fasta


def test_an_indexed_file_left_aligned_by_region_with_a_trusted_index(
    tmp_path, panel, chr12_reference
):
    """bcftools norm reads the panel regions through the index; its output is checked
    to lie in them (else the index is not trusted) before it is counted."""
    from mapk_filter.settings import Reference

    path = _bgzip(tmp_path, _text(G12D))
    pysam.tabix_index(str(path), preset="vcf", force=True)
    reference = Reference(fasta=chr12_reference)
    scan = small.read_small_variants(path, panel, "GRCh38", reference=reference, workdir=tmp_path)
    assert scan.region_query and scan.records_read == 1
    assert any("left-aligned" in n for n in scan.notes)
    assert not any("not trusted" in n for n in scan.notes)
    other = _bgzip(tmp_path, _many_records(50), "other.vcf")
    pysam.tabix_index(str(other), preset="vcf", force=True)
    shutil.copyfile(f"{other}.tbi", f"{path}.tbi")  # another file's index, newer
    scan = small.read_small_variants(path, panel, "GRCh38", reference=reference, workdir=tmp_path)
    assert not scan.region_query and scan.records_read == 3
    assert any("s.vcf.gz.tbi not trusted" in n for n in scan.notes)
