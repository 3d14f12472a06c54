"""A long read shows its progress on a terminal (records read, a rate) and nothing elsewhere.

The terminal is a real pseudo-terminal (pty), the file a real VCF read by the real reader.
"""

from __future__ import annotations

import io
import os
import pty
import re
import sys
from pathlib import Path

import pytest
from helpers import MUTECT2_HEADER

from mapk_filter.progress import EVERY, Meter
from mapk_filter.readers import panel_regions
from mapk_filter.readers.small import read_small_variants


@pytest.fixture
def terminal():
    """(writable terminal stream, function returning what was written to it)."""
    master, slave = pty.openpty()
    stream = os.fdopen(slave, "w", encoding="utf-8")

    def written() -> str:
        stream.flush()
        chunks = []
        os.set_blocking(master, False)
        try:
            while True:
                chunks.append(os.read(master, 65536))
        except BlockingIOError:
            pass
        return b"".join(chunks).decode()

    yield stream, written
    stream.close()
    os.close(master)


def _long_vcf(tmp_path: Path, records: int) -> Path:
    """A Mutect2-style tumour-only VCF of ``records`` SNVs on chr1 (outside the panel)."""
    lines = [
        *MUTECT2_HEADER,
        "##contig=<ID=chr1,length=248956422>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    lines += [
        f"chr1\t{1_000_000 + 10 * n}\t.\tA\tG\t.\tPASS\t.\tGT:AD:DP\t0/1:20,10:30"
        for n in range(records)
    ]
    path = tmp_path / "mutect2_long_chr1.vcf"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_terminal_gets_records_read_and_a_rate(terminal, monkeypatch):
    stream, written = terminal
    monkeypatch.setenv("MAPK_FILTER_PROGRESS_INTERVAL", "0")
    meter = Meter("big.vcf", stream)
    meter.update(EVERY)
    meter.update(2 * EVERY)
    meter.done(2 * EVERY + 5)
    text = written()
    assert f"big.vcf: {EVERY:,} records read, " in text
    assert f"\rbig.vcf: {2 * EVERY + 5:,} records read, " in text
    assert text.rstrip().endswith("records/s")
    assert text.count("\n") == 1  # one line, rewritten in place, ended once


def test_a_pipe_or_a_file_gets_nothing(monkeypatch):
    monkeypatch.setenv("MAPK_FILTER_PROGRESS_INTERVAL", "0")
    stream = io.StringIO()
    meter = Meter("big.vcf", stream)
    meter.update(EVERY)
    meter.done(EVERY)
    assert stream.getvalue() == ""


def test_a_short_read_ends_without_a_progress_line(terminal):
    stream, written = terminal
    meter = Meter("small.vcf", stream)  # default interval: nothing shown yet
    meter.done(10)
    assert written() == ""


def test_the_small_variant_reader_reports_progress_on_a_terminal(
    terminal, monkeypatch, tmp_path, panel
):
    stream, written = terminal
    monkeypatch.setenv("MAPK_FILTER_PROGRESS_INTERVAL", "0")
    monkeypatch.setattr(sys, "stderr", stream)
    records = 2 * EVERY + 1
    monkeypatch.setattr(panel_regions, "PREFILTER_BYTES", 1 << 40)  # read record by record
    scan = read_small_variants(_long_vcf(tmp_path, records), panel, "GRCh38")
    assert scan.records_read == records
    text = written()
    assert f"mutect2_long_chr1.vcf: {2 * EVERY:,} records read" in text
    assert f"mutect2_long_chr1.vcf: {records:,} records read" in text


def test_a_file_streamed_by_htslib_says_so_on_a_terminal(terminal, monkeypatch, tmp_path, panel):
    """Without an index a large file is streamed by htslib, which counts nothing to show:
    the terminal is told what is happening and how long it took."""
    stream, written = terminal
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(panel_regions, "PREFILTER_BYTES", 0)
    scan = read_small_variants(_long_vcf(tmp_path, 100), panel, "GRCh38", workdir=tmp_path)
    assert scan.region_query
    text = written()
    assert "mutect2_long_chr1.vcf: no index: htslib streams the whole file" in text
    assert re.search(r"mutect2_long_chr1.vcf: streamed in \d+\.\d s", text)
