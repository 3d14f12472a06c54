#!/usr/bin/env python3
"""Reading panel regions: mapk-filter against `bcftools view -R panel.bed`, same file, same run.

Writes a synthetic genome-wide Mutect2-style VCF (bgzipped, tabix-indexed, and a copy
without index), then times, side by side:

- indexed:   bcftools view -R panel.bed      vs  mapk-filter reader (region queries)
- streaming: bcftools view -T panel.bed      vs  mapk-filter reader (one pass, no index)

and reports wall time, records examined and peak memory (each measurement in a fresh
process). SPEC §7: with an index, cost must not grow with genome size; without, one
streaming pass near htslib speed; memory flat as input grows.

    python benchmarks/panel_reading.py --records 1000000 2000000 --out benchmarks/out
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pysam

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from mapk_filter.panel import load_panel  # noqa: E402
from mapk_filter.readers.build import contig_lengths  # noqa: E402

HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##source=Mutect2
"""  # noqa: E501


def make_vcf(path: Path, records: int, seed: int = 7) -> None:
    """Uniformly spread SNVs over GRCh38 primary chromosomes, sorted."""
    lengths = contig_lengths()["GRCh38"]
    total = sum(lengths.values())
    rng = random.Random(seed)
    plain = path.with_suffix("")
    with open(plain, "w") as out:
        out.write(HEADER)
        for chrom, length in lengths.items():
            out.write(f"##contig=<ID=chr{chrom},length={length}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n")
        for chrom, length in lengths.items():
            n = max(1, round(records * length / total))
            for pos in sorted(rng.sample(range(1, length), n)):
                alt = rng.randint(1, 40)
                out.write(
                    f"chr{chrom}\t{pos}\t.\tC\tT\t50\tPASS\t.\tGT:AD:AF:DP\t"
                    f"0/1:{60 - alt // 2},{alt}:{alt / 60:.3f}:60\n"
                )
    pysam.tabix_index(str(plain), preset="vcf", force=True)


def panel_bed(path: Path) -> None:
    with open(path, "w") as out:
        for chrom, start, end, gene in load_panel().regions("GRCh38"):
            out.write(f"chr{chrom}\t{start - 1}\t{end}\t{gene}\n")


def measure(code: str) -> dict[str, float]:
    """Run code in a fresh interpreter; wall seconds and peak RSS of that process."""
    script = (
        "import time, resource, json\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, "
        "'max_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
        "'records': n}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO / "src")},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bcftools(flag: str, vcf: Path, bed: Path) -> str:
    return (
        "import pysam.bcftools\n"
        f"out = pysam.bcftools.view('-H', '{flag}', '{bed}', '{vcf}')\n"
        "n = out.count('\\n')"
    )


def reader(vcf: Path) -> str:
    return (
        "from pathlib import Path\n"
        "from mapk_filter.panel import load_panel\n"
        "from mapk_filter.readers.small import read_small_variants\n"
        f"s = read_small_variants(Path('{vcf}'), load_panel(), 'GRCh38')\n"
        "n = s.records_read"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    bed = args.out / "panel.bed"
    panel_bed(bed)
    rows = []
    for n in args.records:
        vcf = args.out / f"synthetic_{n}.vcf.gz"
        if not vcf.exists():
            t = time.perf_counter()
            make_vcf(vcf, n)
            print(f"wrote {vcf.name} in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        unindexed = args.out / f"synthetic_{n}_noindex.vcf.gz"
        unindexed.write_bytes(vcf.read_bytes())
        cases = {
            "indexed: bcftools view -R": bcftools("-R", vcf, bed),
            "indexed: mapk-filter": reader(vcf),
            "streaming: bcftools view -T": bcftools("-T", unindexed, bed),
            "streaming: mapk-filter": reader(unindexed),
        }
        for name, code in cases.items():
            result = measure(code)
            rows.append({"records_in_file": n, "case": name, **result})
            print(
                f"{n:>10} {name:<30} {result['seconds']:7.2f}s "
                f"{result['max_rss_mb']:7.1f} MB  examined {result['records']}"
            )
    lines = [
        "| records in file | case | seconds | peak RSS (MB) | records examined/returned |",
        "|---:|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['records_in_file']:,} | {r['case']} | {r['seconds']:.2f} | "
        f"{r['max_rss_mb']:.0f} | {int(r['records']):,} |"
        for r in rows
    ]
    (args.out / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
