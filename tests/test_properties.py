"""Properties over generated input (hypothesis): readers fail only with the project's typed
errors, every read file's accounting reconciles, and neither the order of a file's records
nor splitting it in two changes a decision.

Files are written for real and read through cyvcf2/htslib and the package's readers.
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import replace
from pathlib import Path

from helpers import ELIGIBLE as PATIENT
from helpers import REPO, classified, classify_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapk_filter.decide import decide
from mapk_filter.errors import MapkFilterError
from mapk_filter.panel import load_panel
from mapk_filter.readers.small import read_small_variants
from mapk_filter.rules import load_rules
from mapk_filter.sheets import read_table

PANEL, RULES = load_panel(), load_rules()
# MAPK_FILTER_EXAMPLES=2000 pytest tests/test_properties.py for a longer search
SETTINGS = settings(
    max_examples=int(os.environ.get("MAPK_FILTER_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EXAMPLE = REPO / "resources" / "example_batch" / "P01_mutect2.vcf"
HEADER = [ln for ln in EXAMPLE.read_text().splitlines() if ln.startswith("#")]
HOTSPOTS = [h for h in PANEL.hotspots if "GRCh38" in h.loci]

cell = st.text(
    alphabet=st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)),
    max_size=12,
)
number = st.one_of(
    st.integers(-5, 300_000_000).map(str),
    st.sampled_from([".", "NaN", "nan", "inf", "-1", "1e300", "", "NA", "0"]),
    cell,
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    return path


@st.composite
def vcf_line(draw: st.DrawFn) -> str:
    chrom = draw(st.sampled_from(["chr12", "chr18", "chr9", "chr1", "chrUn", "12", "x"]) | cell)
    pos = draw(number)
    ref = draw(st.text(alphabet="ACGTN*<>.[]:,", min_size=0, max_size=5))
    alt = draw(st.text(alphabet="ACGTN*<>.[]:,", min_size=0, max_size=5))
    sample = ":".join(
        [
            draw(st.sampled_from(["0/1", "./.", "1", ""])),
            ",".join(draw(st.lists(number, max_size=3))),
            ",".join(draw(st.lists(number, max_size=2))),
            draw(number),
        ]
    )
    fields = [chrom, pos, ".", ref, alt, draw(number), draw(cell), draw(cell)]
    return "\t".join([*fields, draw(st.sampled_from(["GT:AD:AF:DP", "GT"]) | cell), sample])


@SETTINGS
@given(lines=st.lists(vcf_line(), min_size=1, max_size=4))
def test_small_variant_reader_fails_only_with_typed_errors(lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "fuzzed.vcf", "\n".join([*HEADER, *lines]) + "\n")
        try:
            scan = read_small_variants(path, PANEL, "GRCh38")
        except MapkFilterError:
            return
        result = classified(scan, PANEL, RULES)
        assert result.accounting.reconciles


@SETTINGS
@given(rows=st.lists(st.lists(number, min_size=3, max_size=9), min_size=1, max_size=4))
def test_cns_reader_fails_only_with_typed_errors(rows):
    header = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"
    body = ["\t".join(["chr9", *r[:2], "ABL1", *r[2:]]) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "fuzzed.cns", "\n".join([header, *body]) + "\n")
        try:
            result = classify_file(path, PANEL, RULES, kind="copy_number")
        except MapkFilterError:
            return
        assert result.accounting.reconciles


ARRIBA = (REPO / "tests" / "data" / "rna_arriba_etv6_abl1.tsv").read_text().splitlines()


@SETTINGS
@given(
    changes=st.lists(st.tuples(st.integers(0, 29), number | cell), min_size=1, max_size=5),
    row=st.integers(1, len(ARRIBA) - 1),
)
def test_fusion_reader_fails_only_with_typed_errors(changes, row):
    fields = ARRIBA[row].split("\t")
    for column, value in changes:
        fields[column % len(fields)] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "fuzzed.tsv", ARRIBA[0] + "\n" + "\t".join(fields) + "\n")
        try:
            result = classify_file(path, PANEL, RULES, kind="rna_fusions")
        except MapkFilterError:
            return
        assert result.accounting.reconciles


@SETTINGS
@given(cells=st.lists(st.lists(cell | number, min_size=1, max_size=6), max_size=5))
def test_sheet_reader_reports_problems_and_never_raises(cells):
    lines = ["patient_id\tsample_id\tkind\tpath", *("\t".join(c) for c in cells)]
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "samples.tsv", "\n".join(lines) + "\n")
        table = read_table(path, ("patient_id", "sample_id", "kind", "path"))
        for row in table.rows:
            assert row.line >= 2


def _record(hotspot, depth: int, alt_reads: int) -> tuple[str, int, str]:
    locus = hotspot.loci["GRCh38"]
    af = alt_reads / depth
    line = (
        f"chr{locus.chrom}\t{locus.pos}\t.\t{locus.ref}\t{locus.alt}\t50\tPASS\t.\tGT:AD:AF:DP\t"
        f"0/1:{depth - alt_reads},{alt_reads}:{af:.3f}:{depth}"
    )
    return (locus.chrom, locus.pos, line)


def _contig_order(chrom: str) -> tuple[int, str]:
    return (int(chrom), "") if chrom.isdigit() else (100, chrom)


records = st.lists(
    st.tuples(st.sampled_from(HOTSPOTS), st.integers(5, 200), st.integers(1, 60)).map(
        lambda t: _record(t[0], max(t[1], t[2]), t[2])
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda r: r[2].split("\t")[:5].__str__(),
)


def _decision(*paths: Path):
    samples = []
    for i, path in enumerate(paths):
        scan = read_small_variants(path, PANEL, "GRCh38")
        result = classified(scan, PANEL, RULES)
        samples.append(replace(result, sample_id=f"s{i}", build_evidence=scan.build_evidence))
    decided = decide(PATIENT, tuple(samples), RULES)
    found = sorted((f.gene, f.genomic, str(f.status), f.reason) for f in decided.findings)
    return decided.decision, found


@SETTINGS
@given(recs=records, seed=st.integers(0, 2**16))
def test_record_order_and_splitting_a_file_never_change_a_decision(recs, seed):
    ordered = sorted(recs, key=lambda r: (_contig_order(r[0]), r[1]))
    shuffled = list(recs)
    random.Random(seed).shuffle(shuffled)
    cut = len(ordered) // 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def vcf(name: str, rows) -> Path:
            return _write(folder, name, "\n".join([*HEADER, *(r[2] for r in rows)]) + "\n")

        reference = _decision(vcf("sorted.vcf", ordered))
        assert _decision(vcf("shuffled.vcf", shuffled)) == reference
        assert _decision(vcf("first.vcf", ordered[:cut]), vcf("second.vcf", ordered[cut:])) == (
            reference
        )
