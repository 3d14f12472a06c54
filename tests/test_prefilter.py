"""A large file without an index is streamed by htslib (bcftools view -T), not record by
record in Python: the same findings, only the panel regions' records counted, and said."""

from __future__ import annotations

import gzip
import zlib

import pysam
import pytest
from helpers import MUTECT2_HEADER, classified

from mapk_filter.errors import InputError
from mapk_filter.readers import panel_regions
from mapk_filter.readers.small import read_small_variants


def _wgs_like(tmp_path, panel, outside: int = 2000):
    """A bgzipped, unindexed Mutect2 VCF: KRAS G12D and a BCL2 record inside the panel, and
    ``outside`` records on chromosome 2 where no panel gene lies."""
    kras = next(h for h in panel.hotspots if h.gene == "KRAS" and h.hgvs_p == "p.Gly12Asp")
    locus = kras.loci["GRCh38"]
    lines = [
        *MUTECT2_HEADER,
        "##contig=<ID=chr2,length=242193529>",
        "##contig=<ID=chr12,length=133275309>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    record = "chr2\t{}\t.\tA\tG\t.\tPASS\t.\tGT:AD:DP\t0/1:30,10:40"
    lines += [record.format(1000 + 10 * i) for i in range(outside)]
    lines.append(
        f"chr12\t{locus.pos}\t.\t{locus.ref}\t{locus.alt}\t.\tPASS\t.\tGT:AD:DP\t0/1:30,12:42"
    )
    plain = tmp_path / "wgs_like.vcf"
    plain.write_text("\n".join(lines) + "\n")
    out = tmp_path / "wgs_like.vcf.gz"
    pysam.tabix_compress(str(plain), str(out))
    return out


def test_an_unindexed_large_file_is_prefiltered_with_the_same_findings(
    tmp_path, panel, rules, monkeypatch
):
    path = _wgs_like(tmp_path, panel)
    whole = read_small_variants(path, panel, "GRCh38", workdir=tmp_path)
    assert whole.records_read == 2001 and not whole.region_query  # small: read record by record
    monkeypatch.setattr(panel_regions, "PREFILTER_BYTES", 0)  # as if it were a whole genome
    work = tmp_path / "work"
    work.mkdir()
    fast = read_small_variants(path, panel, "GRCh38", workdir=work)
    assert fast.region_query and fast.records_read == 1 and fast.outside_panel == 0
    assert any("bcftools view -T" in n and "index the file" in n for n in fast.notes)
    a, b = classified(whole, panel, rules), classified(fast, panel, rules)
    assert [(f.gene, f.genomic, f.status, f.reason) for f in b.findings] == [
        (f.gene, f.genomic, f.status, f.reason) for f in a.findings
    ]
    assert [f.gene for f in b.findings] == ["KRAS"]
    assert b.accounting.reconciles and b.accounting.in_panel == a.accounting.in_panel == 1


def test_a_corrupt_large_file_is_an_input_error_naming_it(tmp_path, panel, monkeypatch):
    path = _wgs_like(tmp_path, panel, outside=20000)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # a damaged block inside the file
    path.write_bytes(bytes(data))
    monkeypatch.setattr(panel_regions, "PREFILTER_BYTES", 0)
    with pytest.raises(InputError) as caught:
        read_small_variants(path, panel, "GRCh38", workdir=tmp_path)
    assert str(path) in str(caught.value)
    with gzip.open(path, "rt") as handle, pytest.raises((OSError, EOFError, zlib.error)):
        handle.read()  # the file really is damaged, not just unusual
