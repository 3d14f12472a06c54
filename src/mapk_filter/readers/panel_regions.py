"""Which records of a small-variant file can touch the panel, and reading only those.

Three ways, each counting only what it read: an index's region queries (``panel_records``
with regions, checked against the index), a whole-file stream checked record by record
(``PanelRegions``, bisecting the merged panel regions), and for a large file without an
index one htslib pass that keeps the panel regions' records (``prefiltered``).
"""

from __future__ import annotations

import tempfile
import time
import warnings
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..panel import Panel, normalise_chrom
from ..progress import say
from .index import UntrustedIndex
from .vcf_header import HeaderFacts


def merged(panel: Panel, build: str) -> list[tuple[str, int, int]]:
    merged: list[list[Any]] = []
    for chrom, start, end, _ in panel.regions(build):
        if merged and merged[-1][0] == chrom and start <= merged[-1][2] + 1:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([chrom, start, end])
    return [(c, s, e) for c, s, e in merged]


def merged_regions(panel: Panel, build: str, uses_chr: bool) -> list[str]:
    prefix = "chr" if uses_chr else ""
    return [f"{prefix}{c}:{s}-{e}" for c, s, e in merged(panel, build)]


class PanelRegions:
    """Fast "could this record touch the panel?" for streaming: bisect on merged regions.

    Contig names are normalised once per name, not once per record; only records that
    may overlap go on to the exact per-gene lookup.
    """

    def __init__(self, panel: Panel, build: str) -> None:
        self._by_chrom: dict[str, tuple[list[int], list[int]]] = {}
        for chrom, start, end in merged(panel, build):
            starts, ends = self._by_chrom.setdefault(chrom, ([], []))
            starts.append(start)
            ends.append(end)
        self._names: dict[str, str] = {}

    def normalised(self, raw: str) -> str:
        name = self._names.get(raw)
        if name is None:
            name = self._names[raw] = normalise_chrom(raw)
        return name

    def may_overlap(self, raw_chrom: str, start: int, end: int) -> bool:
        intervals = self._by_chrom.get(self.normalised(raw_chrom))
        if intervals is None:
            return False
        starts, ends = intervals
        i = bisect_right(starts, end) - 1
        return i >= 0 and ends[i] >= start


# An unindexed file at least this large is streamed by htslib, not record by record in
# Python (SPEC §7: close to `bcftools view -T` speed); smaller files are read whole, every
# record counted. About 15,000 records of a compressed single-sample VCF.
PREFILTER_BYTES = 1024 * 1024


def worth_prefiltering(path: Path) -> bool:
    return path.stat().st_size >= PREFILTER_BYTES


def prefiltered(
    path: Path, panel: Panel, build: str, facts: HeaderFacts, workdir: Path | None
) -> Path:
    """The records of ``path`` that overlap a panel region, as an uncompressed BCF written
    by htslib in one streaming pass (``bcftools view -T``, record overlap; one extra thread
    decompresses), in file order."""
    import pysam.bcftools

    folder = Path(workdir or tempfile.mkdtemp(prefix="mapk_filter_"))
    prefix = "chr" if facts.uses_chr else ""
    targets = folder / "panel_targets.tsv"
    targets.write_text("".join(f"{prefix}{c}\t{s}\t{e}\n" for c, s, e in merged(panel, build)))
    out = folder / "panel_records.bcf"
    say(path.name, "no index: htslib streams the whole file for the panel regions' records")
    started = time.monotonic()
    try:
        pysam.bcftools.view(
            "--targets-file", str(targets), "--targets-overlap", "1", "--no-version",
            "--threads", "1", "-Ou", "-o", str(out), str(path), catch_stdout=False,
        )  # fmt: skip
    except pysam.utils.SamtoolsError as exc:
        words = " ".join(str(exc).split())[:300]
        raise InputError(str(path), f"htslib could not stream the file: {words}") from exc
    say(path.name, f"streamed in {time.monotonic() - started:.1f} s")
    return out


def panel_records(vcf: Any, regions: list[str] | None, path: Path) -> Iterator[Any]:
    """Records in file order (streaming) or region by region (indexed), without repeats.

    Every region is queried, and its records checked, before any is yielded: records
    outside the region asked for, records out of order or an htslib failure mean the
    index does not describe the file (UntrustedIndex), and nothing has been counted yet.
    """
    if regions is None:
        yield from vcf
        return
    answers: list[tuple[int, int, list[Any]]] = []
    for region in regions:
        try:
            with warnings.catch_warnings():  # "no intervals found": no record there
                warnings.simplefilter("ignore")
                query = list(vcf(region))
        except Exception as exc:  # htslib: contig missing from the index is not an error
            if "no intervals" in str(exc).lower() or "not found" in str(exc).lower():
                continue
            raise UntrustedIndex(f"htslib fails the region query {region}: {exc}") from exc
        chrom, span = region.rsplit(":", 1)
        first, last = (int(x) for x in span.split("-"))
        previous = 0
        for record in query:
            pos = record.POS
            if chrom != record.CHROM or pos > last or max(record.end, pos) < first:
                raise UntrustedIndex(
                    f"the query for {region} returned a record at {record.CHROM}:{pos}, outside it"
                )
            if pos < previous:
                raise UntrustedIndex(
                    f"the query for {region} returned {chrom}:{pos} after {chrom}:{previous}"
                )
            previous = pos
        answers.append((first, last, query))
    seen_at_boundary: set[tuple[str, int, str, str]] = set()
    for first, last, query in answers:
        for record in query:
            # A record reaching past a region can be returned again by the next query.
            if first > record.POS or record.end > last:
                key = (record.CHROM, record.POS, record.REF, ",".join(record.ALT))
                if key in seen_at_boundary:
                    continue
                seen_at_boundary.add(key)
            yield record
