#!/usr/bin/env python3
"""A large batch end to end: the workflow against a `bcftools view -R` loop over the same files.

Builds a batch of N patients from the bundled example batch (patient i is a copy of example
patient i mod 34, with its own id; its files are the example files, shared, so nothing large
is written), then times, side by side in the same run:

- `snakemake --cores C` on that batch (PDFs off unless --pdf: they are not the question here);
- `bcftools view -R panel.bed` over every indexed-or-not VCF/BCF of the batch in one loop (the
  floor: reading the panel regions of the same files with htslib and doing nothing else);

and prints wall time, Snakemake's job count and the ratio.

    python benchmarks/batch_scale.py --patients 500 --cores 2 --out benchmarks/out/batch
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCH = REPO / "resources" / "example_batch"
sys.path.insert(0, str(REPO / "src"))

from mapk_filter.panel import load_panel  # noqa: E402


def make_batch(out: Path, patients: int) -> tuple[Path, Path, int]:
    """Patient and sample sheets of ``patients`` patients; returns (patients.tsv,
    samples.tsv, number of files)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(BATCH / "patients.tsv", newline="") as handle:
        p_rows = list(csv.reader(handle, delimiter="\t"))
    with open(BATCH / "samples.tsv", newline="") as handle:
        s_rows = list(csv.reader(handle, delimiter="\t"))
    p_head, p_body = p_rows[0], p_rows[1:]
    s_head, s_body = s_rows[0], s_rows[1:]
    where, sid = s_head.index("path"), s_head.index("sample_id")
    by_patient: dict[str, list[list[str]]] = {}
    for row in s_body:
        by_patient.setdefault(row[0], []).append(row)
    new_p, new_s = [p_head], [s_head]
    for n in range(patients):
        template = p_body[n % len(p_body)]
        pid = f"B{n + 1:04d}"
        new_p.append([pid, *template[1:]])
        for row in by_patient.get(template[0], []):
            copy = list(row)
            copy[0] = pid
            copy[sid] = row[sid].replace(template[0], pid, 1)
            copy[where] = str(BATCH / row[where])
            new_s.append(copy)
    for name, rows in (("patients.tsv", new_p), ("samples.tsv", new_s)):
        text = "\n".join("\t".join(r) for r in rows) + "\n"
        (out / name).write_text(text)
    return out / "patients.tsv", out / "samples.tsv", len(new_s) - 1


def panel_bed(path: Path) -> Path:
    panel = load_panel()
    with open(path, "w") as out:
        for chrom, start, end, _ in panel.regions("GRCh38"):
            out.write(f"chr{chrom}\t{start - 1}\t{end}\n")
    return path


def bcftools_loop(samples: Path, bed: Path) -> tuple[float, int]:
    """`bcftools view -R` (or -T without an index) over every VCF/BCF of the batch."""
    with open(samples, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    files = [r["path"] for r in rows if re.search(r"\.(vcf|vcf\.gz|bcf)$", r["path"])]
    bcftools = shutil.which("bcftools")
    if bcftools is None:
        raise SystemExit("bcftools not found: apt-get install bcftools")
    start = time.perf_counter()
    for path in files:
        indexed = Path(path + ".tbi").exists() or Path(path + ".csi").exists()
        flag = "-R" if indexed else "-T"
        subprocess.run(
            [bcftools, "view", "-H", flag, str(bed), path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    return time.perf_counter() - start, len(files)


def workflow(
    workdir: Path, patients: Path, samples: Path, cores: int, pdf: bool
) -> tuple[float, int]:
    (workdir / "config.yaml").write_text(
        f"patients: {patients}\nsamples: {samples}\npdf: {'true' if pdf else 'false'}\n"
    )
    shutil.rmtree(workdir / "results", ignore_errors=True)
    shutil.rmtree(workdir / ".snakemake", ignore_errors=True)
    command = [
        "snakemake",
        "-s",
        str(REPO / "workflow" / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / "config.yaml"),
        "--cores",
        str(cores),
    ]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(run.stderr[-3000:])
    jobs = re.findall(r"^total\s+(\d+)", run.stderr + run.stdout, flags=re.M)
    return elapsed, int(jobs[0]) if jobs else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--pdf", action="store_true", help="also print the PDFs")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "batch")
    args = parser.parse_args()
    patients, samples, files = make_batch(args.out / "sheets", args.patients)
    bed = panel_bed(args.out / "panel.bed")
    floor, vcfs = bcftools_loop(samples, bed)
    elapsed, jobs = workflow(args.out, patients, samples, args.cores, args.pdf)
    print("| case | seconds | jobs | files |\n|---|---:|---:|---:|")
    print(f"| bcftools view -R/-T loop ({vcfs} VCF/BCF) | {floor:.1f} | - | {vcfs} |")
    print(
        f"| snakemake --cores {args.cores}, {args.patients} patients"
        f"{' with PDFs' if args.pdf else ''} | {elapsed:.1f} | {jobs} | {files} |"
    )
    print(f"ratio workflow / bcftools loop: {elapsed / floor:.0f}x")


if __name__ == "__main__":
    main()
