#!/usr/bin/env python3
"""The least a Python reader on cyvcf2 does for the indexed WGS case: the floor.

Queries the BED's regions of an indexed VCF and writes each record's CHROM, POS, REF,
ALT, FILTER and the first sample's AD, DP and AF as a JSON list. No checks (index,
container, build, values), no panel lookup, no findings, no accounting: what Python
start-up, importing cyvcf2 and loading the index cost, plus reading the records. `run.py`
times it beside `bcftools view -R` and `mapk-filter classify`, so the ratio of the
indexed case can be split into this floor and what mapk-filter adds.

    python benchmarks/floor_reader.py panel.bed wgs.vcf.gz out.json
"""

from __future__ import annotations

import sys

import orjson
from cyvcf2 import VCF


def merged(bed: str) -> list[tuple[str, int, int]]:
    """The BED's regions, 1-based, overlapping and adjacent ones merged (each record is
    read once, as the package merges them)."""
    spans: list[tuple[str, int, int]] = []
    with open(bed) as handle:
        rows = sorted((c, int(s) + 1, int(e)) for c, s, e, *_ in (ln.split("\t") for ln in handle))
    for chrom, start, end in rows:
        if spans and spans[-1][0] == chrom and start <= spans[-1][2] + 1:
            spans[-1] = (chrom, spans[-1][1], max(end, spans[-1][2]))
        else:
            spans.append((chrom, start, end))
    return spans


def main(bed: str, vcf_path: str, out: str) -> int:
    vcf = VCF(vcf_path)
    records = []
    for chrom, start, end in merged(bed):
        for r in vcf(f"{chrom}:{start}-{end}"):
            records.append(
                {
                    "chrom": r.CHROM,
                    "pos": r.POS,
                    "ref": r.REF,
                    "alt": r.ALT,
                    "filter": r.FILTER or "PASS",
                    "ad": r.format("AD")[0].tolist(),
                    "dp": r.format("DP")[0].tolist(),
                    "af": r.format("AF")[0].tolist(),
                }
            )
    vcf.close()
    with open(out, "wb") as handle:
        handle.write(orjson.dumps(records))
    print(f"{len(records)} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
