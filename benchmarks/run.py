#!/usr/bin/env python3
"""Benchmarks of issue 11: mapk-filter side by side with bcftools, same files, same run.

Generates its inputs into the output folder (cached: a file is rebuilt only when its
parameters change), then times each command in a fresh process:

- wgs:   `mapk-filter classify` on a synthetic Mutect2-style genome-wide VCF, indexed
         (target <= 5x `bcftools view -R panel.bed`) and without index (target <= 1.5x
         `bcftools view -T panel.bed`); peak RSS < 300 MB and flat (<= 1.25x) from the
         small file (--flat-from records) to the large one (--records);
- batch: `snakemake --cores C --config pdf=False` on an N-patient batch built from
         resources/example_batch (target <= 60 s for 500 patients on 2 cores), beside a
         `bcftools view -R` (-T without index) loop over the same VCF/BCF files.

Each command runs under a small launcher process that times it and reads its rusage with
`os.wait4`: peak RSS is `ru_maxrss`, the largest single process of the command's tree
(exact above the launcher's own ~10 MB); the detail table also has the CPU time and the
summed RSS of the whole tree, sampled from /proc every 0.1 s (a lower bound). Writes
results.md and results.json into the output folder and prints the table on stdout;
progress goes to stderr.

    python benchmarks/run.py                        # everything, 5 M records, 500 patients
    python benchmarks/run.py --only wgs --records 1000000 --flat-from 200000
    python benchmarks/run.py --only batch --patients 100 --check
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pysam

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
EXAMPLE_BATCH = REPO / "resources" / "example_batch"
sys.path.insert(0, str(SRC))

from mapk_filter.panel import load_panel  # noqa: E402
from mapk_filter.readers.build import contig_lengths  # noqa: E402

# Issue 11 targets.
BATCH_SECONDS = 60.0
INDEXED_RATIO = 5.0
STREAMING_RATIO = 1.5
RSS_MB = 300.0
RSS_FLAT = 1.25

SEED = 7
GENERATOR = 1  # bump when make_vcf writes different records: cached inputs are rebuilt
CASES = ("wgs", "batch")

HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##source=Mutect2
"""  # noqa: E501


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- inputs -------------------------------------------------------------------------------


def make_vcf(path: Path, records: int, seed: int = SEED) -> None:
    """Seeded SNVs spread uniformly over the GRCh38 primary chromosomes, sorted, bgzipped
    and tabix-indexed: ``path`` (``*.vcf.gz``) and ``path.tbi``."""
    lengths = contig_lengths()["GRCh38"]
    total = sum(lengths.values())
    rng = random.Random(seed)
    plain = path.with_suffix("")  # *.vcf; tabix_index compresses it to path and removes it
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


@dataclass(frozen=True)
class WgsInput:
    records: int
    indexed: Path  # *.vcf.gz with *.vcf.gz.tbi beside it
    unindexed: Path  # the same bytes under another name, no index beside it


def wgs_input(folder: Path, records: int) -> tuple[WgsInput, float | None]:
    """The VCF of ``records`` records and its unindexed copy; generated unless a previous
    run left them with the same parameters. Returns the files and the seconds spent
    generating (None when cached)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = WgsInput(
        records,
        folder / f"wgs_{records}.vcf.gz",
        folder / f"wgs_{records}_noindex.vcf.gz",
    )
    stamp = folder / f"wgs_{records}.json"
    params = {"records": records, "seed": SEED, "generator": GENERATOR}
    present = all(
        p.exists() for p in (files.indexed, Path(f"{files.indexed}.tbi"), files.unindexed)
    )
    if present and stamp.exists() and json.loads(stamp.read_text()) == params:
        progress(f"inputs: {files.indexed.name} cached ({records:,} records)")
        return files, None
    progress(f"inputs: generating {files.indexed.name} ({records:,} records) ...")
    start = time.perf_counter()
    stamp.unlink(missing_ok=True)
    for stale in (files.unindexed, Path(f"{files.indexed}.tbi"), Path(f"{files.indexed}.csi")):
        stale.unlink(missing_ok=True)
    make_vcf(files.indexed, records)
    shutil.copyfile(files.indexed, files.unindexed)
    stamp.write_text(json.dumps(params) + "\n")
    seconds = time.perf_counter() - start
    progress(f"inputs: {files.indexed.name} + unindexed copy written in {seconds:.1f} s")
    return files, seconds


def panel_bed(path: Path) -> Path:
    """The package panel's GRCh38 gene regions as a BED (0-based starts), chr-prefixed as
    the synthetic VCFs are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        for chrom, start, end, gene in load_panel().regions("GRCh38"):
            out.write(f"chr{chrom}\t{start - 1}\t{end}\t{gene}\n")
    return path


def sample_sheet(path: Path, sample_id: str, vcf: Path) -> Path:
    """A one-row sample sheet (sheets.SAMPLE_COLUMNS) for `mapk-filter classify`."""
    path.write_text(
        "patient_id\tsample_id\tkind\tpath\tgenome_build\n"
        f"WGS\t{sample_id}\tsmall_variants\t{vcf}\tGRCh38\n"
    )
    return path


def make_batch(out: Path, patients: int) -> tuple[Path, Path, int]:
    """Patient and sample sheets of ``patients`` patients: patient i repeats example patient
    i mod 34 under its own id (B0001, ...), pointing at the example files (shared, nothing
    large is written). Returns (patients.tsv, samples.tsv, number of sample rows)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(EXAMPLE_BATCH / "patients.tsv", newline="") as handle:
        p_rows = list(csv.reader(handle, delimiter="\t"))
    with open(EXAMPLE_BATCH / "samples.tsv", newline="") as handle:
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
            copy[where] = str(EXAMPLE_BATCH / row[where])
            new_s.append(copy)
    for name, rows in (("patients.tsv", new_p), ("samples.tsv", new_s)):
        (out / name).write_text("\n".join("\t".join(r) for r in rows) + "\n")
    return out / "patients.tsv", out / "samples.tsv", len(new_s) - 1


def bcftools_loop_script(path: Path, samples: Path, bcftools: str, bed: Path) -> int:
    """A shell script running `bcftools view -R bed` (-T when the file has no index) over
    every VCF/BCF of the sample sheet, output to /dev/null. Returns the number of files."""
    with open(samples, newline="") as handle:
        files = [r["path"] for r in csv.DictReader(handle, delimiter="\t")]
    files = [f for f in files if re.search(r"\.(vcf|vcf\.gz|bcf)$", f)]
    lines = ["set -u"]
    for vcf in files:
        indexed = Path(f"{vcf}.tbi").exists() or Path(f"{vcf}.csi").exists()
        flag = "-R" if indexed else "-T"
        lines.append(f"'{bcftools}' view -H {flag} '{bed}' '{vcf}' > /dev/null 2>&1")
    path.write_text("\n".join(lines) + "\n")
    return len(files)


# --- measuring ----------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """root and its descendants, from /proc/<pid>/task/<tid>/children."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
            except OSError:
                pass
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of the descendants of ``root`` (not root itself), sampled
    (None where /proc cannot tell)."""

    def __init__(self, root: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak: int | None = None if not Path(f"/proc/{root}/task").exists() else 0
        self.done = threading.Event()

    def run(self) -> None:
        while self.peak is not None and not self.done.is_set():
            tree = _tree(self.root)[1:]
            self.peak = max(self.peak, sum(_rss_bytes(p) for p in tree))
            self.done.wait(self.interval)


@dataclass
class Run:
    """One timed child process."""

    label: str
    command: list[str]
    seconds: float
    cpu_seconds: float  # user + system time of the child's tree
    max_rss_mb: float  # ru_maxrss: the largest single process of the tree (floor ~10 MB)
    tree_rss_mb: float | None  # summed RSS of the tree: at least this (sampled, or ru_maxrss)
    returncode: int
    extra: dict[str, object] = field(default_factory=dict)


def child_env() -> dict[str, str]:
    """The runner's environment, with this repo's src/ first on PYTHONPATH (the CLI and the
    workflow import the code beside this file, never an installed copy) and the running
    interpreter's bin/ first on PATH (its snakemake and mapk-filter)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    return env


# Runs the command as its child and writes that child's wall time and rusage (JSON) to
# argv[1]. Linux keeps a process's peak RSS across exec, and a forked child starts with its
# parent's pages, so a command started straight from this runner (pysam, the panel and the
# generator in memory) would report at least the runner's RSS. Started from this launcher
# (a bare interpreter, about 10 MB), the peak RSS reported is the command's own down to
# that floor.
LAUNCHER = r"""
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as exc:
        sys.stderr.write(f"{sys.argv[2]}: {exc}\n")
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    json.dump({"pid": pid, "seconds": seconds, "returncode": code,
               "cpu_seconds": usage.ru_utime + usage.ru_stime,
               "max_rss_kb": usage.ru_maxrss}, out)
sys.exit(0)
"""


def measure(label: str, command: Sequence[str], log: Path, *, stdout_null: bool = False) -> Run:
    """Run ``command`` in a fresh process (through LAUNCHER); stderr (and stdout unless
    ``stdout_null``) to log."""
    log.parent.mkdir(parents=True, exist_ok=True)
    stats = log.with_suffix(".rusage.json")
    stats.unlink(missing_ok=True)
    with open(log, "wb") as handle:
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(stats), *command],
            stdout=subprocess.DEVNULL if stdout_null else handle,
            stderr=handle,
            env=child_env(),
            cwd=REPO,
        )
        sampler = TreeSampler(launcher.pid)
        sampler.start()
        launcher.wait()
    sampler.done.set()
    sampler.join()
    if launcher.returncode or not stats.exists():
        raise SystemExit(f"{label}: the launcher failed (exit code {launcher.returncode})")
    child = json.loads(stats.read_text())
    rss = child["max_rss_kb"] / 1024
    tree = None if sampler.peak is None else max(sampler.peak / 2**20, rss)
    return Run(
        label, list(command), child["seconds"], child["cpu_seconds"], rss, tree, child["returncode"]
    )


def measured(
    label: str,
    command: Sequence[str],
    log: Path,
    repeat: int,
    *,
    stdout_null: bool = False,
    check: Callable[[Run], str | None] | None = None,
) -> Run:
    """``measure`` ``repeat`` times: median seconds, largest RSS. Stops the benchmark when
    the command fails (or ``check`` names a problem): its numbers would mean nothing."""
    progress(f"{label} ...")
    runs = [measure(label, command, log, stdout_null=stdout_null) for _ in range(repeat)]
    for run in runs:
        problem = f"exit code {run.returncode}" if run.returncode else None
        problem = problem or (check(run) if check else None)
        if problem:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{label} failed ({problem}); log {log}:\n{tail}")
    trees = [r.tree_rss_mb for r in runs if r.tree_rss_mb is not None]
    run = Run(
        label,
        runs[0].command,
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        max(r.max_rss_mb for r in runs),
        max(trees) if trees else None,
        0,
        {
            **runs[0].extra,
            **({"runs_seconds": [round(r.seconds, 3) for r in runs]} if repeat > 1 else {}),
        },
    )
    progress(f"{label}: {run.seconds:.2f} s, peak RSS {run.max_rss_mb:.0f} MB")
    return run


def warm(path: Path) -> None:
    """Read a file once so every timed command finds it in the page cache."""
    with open(path, "rb") as handle:
        while handle.read(1 << 24):
            pass


# --- cases --------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table."""

    case: str
    mapk_filter: str
    bcftools: str
    ratio: str
    peak_rss_mb: str
    target: str
    met: bool | None  # None: a reference row without a target
    values: dict[str, float | int | None] = field(default_factory=dict)


def classify_command(sheet: Path, sample_id: str, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mapk_filter.cli",
        "classify",
        "--sample-sheet",
        str(sheet),
        "--sample-id",
        sample_id,
        "--out",
        str(out),
    ]


def classify_result(run: Run, out: Path) -> str | None:
    """Records read and whether by region queries, from the sample result; a read error is
    a failed run."""
    accounting = json.loads(out.read_text())["accounting"]
    if accounting.get("error"):
        return str(accounting["error"])
    run.extra.update(
        records_read=accounting["records_read"], region_query=accounting["region_query"]
    )
    return None


def run_wgs(
    args: argparse.Namespace, bcftools: str, runs: list[Run], notes: list[str]
) -> list[Row]:
    inputs = args.out / "inputs"
    work = args.out / "wgs"
    work.mkdir(parents=True, exist_ok=True)
    bed = panel_bed(inputs / "panel.bed")
    sizes = sorted({args.flat_from, args.records} - {0})
    # Byte-compiled as an installed wheel is (pip compiles at install time), also where
    # PYTHONDONTWRITEBYTECODE keeps imports from writing .pyc files.
    progress("warm-up: python -m compileall src/mapk_filter, then mapk-filter --version")
    compiled = measure(
        "compile", [sys.executable, "-m", "compileall", "-q", str(SRC / "mapk_filter")],
        work / "compile.log",
    )  # fmt: skip
    if compiled.returncode:
        raise SystemExit(f"compileall failed; log {work / 'compile.log'}")
    measure("warm-up", [sys.executable, "-m", "mapk_filter.cli", "--version"], work / "warm.log")
    rows: list[Row] = []
    by_size: dict[tuple[int, str], Run] = {}
    for records in sizes:
        files, generated = wgs_input(inputs, records)
        if generated is not None:
            notes.append(f"generating {records:,} records took {generated:.1f} s")
        for mode, vcf, flag in (
            ("indexed", files.indexed, "-R"),
            ("unindexed", files.unindexed, "-T"),
        ):
            warm(vcf)
            tag = f"{records}_{mode}"
            ref = measured(
                f"wgs {records:,} {mode}: bcftools view {flag} panel.bed",
                [bcftools, "view", "-H", flag, str(bed), str(vcf)],
                work / f"bcftools_{tag}.log",
                args.repeat,
                stdout_null=True,
            )
            sheet = sample_sheet(work / f"samples_{tag}.tsv", f"WGS_{tag}", vcf)
            result = work / f"classify_{tag}.json"
            ours = measured(
                f"wgs {records:,} {mode}: mapk-filter classify",
                classify_command(sheet, f"WGS_{tag}", result),
                work / f"classify_{tag}.log",
                args.repeat,
                check=functools.partial(classify_result, out=result),
            )
            runs += [ref, ours]
            by_size[records, mode] = ours
            if mode == "indexed":
                rows.append(floor_row(args, records, vcf, bed, ref, runs))
            limit = INDEXED_RATIO if mode == "indexed" else STREAMING_RATIO
            ratio = ours.seconds / ref.seconds
            rows.append(
                Row(
                    f"WGS {mode}, {records:,} records: classify vs bcftools view {flag}",
                    f"{ours.seconds:.2f}",
                    f"{ref.seconds:.2f}",
                    f"{ratio:.1f}x",
                    f"{ours.max_rss_mb:.0f}",
                    f"<= {limit:g}x bcftools view {flag}",
                    ratio <= limit,
                    {
                        "records": records,
                        "mapk_filter_seconds": round(ours.seconds, 3),
                        "bcftools_seconds": round(ref.seconds, 3),
                        "ratio": round(ratio, 2),
                        "peak_rss_mb": round(ours.max_rss_mb, 1),
                    },
                )
            )
    if len(sizes) == 2:
        small, large = sizes
        for mode in ("indexed", "unindexed"):
            a, b = by_size[small, mode], by_size[large, mode]
            growth = b.max_rss_mb / a.max_rss_mb
            rows.append(
                Row(
                    f"memory, classify {mode}: {small:,} -> {large:,} records",
                    f"{a.seconds:.2f} -> {b.seconds:.2f}",
                    "-",
                    f"{growth:.2f}x RSS",
                    f"{a.max_rss_mb:.0f} -> {b.max_rss_mb:.0f}",
                    f"< {RSS_MB:g} MB, <= {RSS_FLAT:g}x from {small:,}",
                    b.max_rss_mb < RSS_MB and a.max_rss_mb < RSS_MB and growth <= RSS_FLAT,
                    {
                        "small_records": small,
                        "large_records": large,
                        "small_rss_mb": round(a.max_rss_mb, 1),
                        "large_rss_mb": round(b.max_rss_mb, 1),
                        "rss_growth": round(growth, 3),
                    },
                )
            )
    else:
        notes.append("memory flatness not measured: --flat-from equals --records")
    return rows


def floor_row(
    args: argparse.Namespace, records: int, vcf: Path, bed: Path, ref: Run, runs: list[Run]
) -> Row:
    """The bare cyvcf2 reader (floor_reader.py) on the indexed file: what any Python reader
    costs, so the classify ratio splits into that floor and what mapk-filter adds."""
    work = args.out / "wgs"
    floor = measured(
        f"wgs {records:,} indexed: bare cyvcf2 reader (floor_reader.py)",
        [sys.executable, str(REPO / "benchmarks" / "floor_reader.py"), str(bed), str(vcf),
         str(work / f"floor_{records}.json")],
        work / f"floor_{records}.log",
        args.repeat,
    )  # fmt: skip
    runs.append(floor)
    ratio = floor.seconds / ref.seconds
    return Row(
        f"WGS indexed, {records:,} records: bare cyvcf2 reader (no checks, no findings) vs "
        "bcftools view -R",
        f"{floor.seconds:.2f}",
        f"{ref.seconds:.2f}",
        f"{ratio:.1f}x",
        f"{floor.max_rss_mb:.0f}",
        "none: the floor of any Python reader",
        None,
        {
            "records": records,
            "floor_seconds": round(floor.seconds, 3),
            "bcftools_seconds": round(ref.seconds, 3),
            "ratio": round(ratio, 2),
        },
    )


def run_batch(
    args: argparse.Namespace, bcftools: str, runs: list[Run], notes: list[str]
) -> list[Row]:
    work = args.out / f"batch_{args.patients}"
    progress(f"batch: sheets of {args.patients} patients in {work}")
    patients, samples, files = make_batch(work / "sheets", args.patients)
    bed = panel_bed(args.out / "inputs" / "panel.bed")
    script = work / "bcftools_loop.sh"
    vcfs = bcftools_loop_script(script, samples, bcftools, bed)
    snakemake = shutil.which("snakemake", path=child_env()["PATH"])
    if snakemake is None:
        raise SystemExit("snakemake not found: run from the project's virtualenv")
    ref = measured(
        f"batch {args.patients}: bcftools view -R/-T loop over {vcfs} VCF/BCF",
        ["sh", str(script)],
        work / "bcftools_loop.log",
        1,
    )
    (work / "config.yaml").write_text(f"patients: {patients}\nsamples: {samples}\n")
    command = [
        snakemake,
        "-s",
        str(REPO / "workflow" / "Snakefile"),
        "--directory",
        str(work),
        "--configfile",
        str(work / "config.yaml"),
        "--cores",
        str(args.cores),
        "--config",
        "pdf=False",
    ]
    for stale in ("results", "logs", ".snakemake"):  # a fresh run: every job runs
        shutil.rmtree(work / stale, ignore_errors=True)
    ours = measured(
        f"batch {args.patients}: snakemake --cores {args.cores} --config pdf=False",
        command,
        work / "snakemake.log",
        1,
    )
    jobs = re.findall(r"^total\s+(\d+)", (work / "snakemake.log").read_text(), flags=re.M)
    ours.extra.update(jobs=int(jobs[0]) if jobs else None, sample_rows=files)
    runs += [ref, ours]
    if args.patients != 500 or args.cores != 2:
        notes.append(
            f"batch target is for 500 patients on 2 cores; this run: {args.patients} patients "
            f"on {args.cores} cores"
        )
    return [
        Row(
            f"batch, {args.patients} patients ({files} files, "
            f"{ours.extra['jobs'] or '?'} jobs): snakemake --cores {args.cores} "
            f"vs bcftools loop ({vcfs} VCF/BCF)",
            f"{ours.seconds:.1f}",
            f"{ref.seconds:.1f}",
            f"{ours.seconds / ref.seconds:.0f}x",
            f"{ours.max_rss_mb:.0f}",
            f"<= {BATCH_SECONDS:g} s (500 patients, 2 cores)",
            ours.seconds <= BATCH_SECONDS,
            {
                "patients": args.patients,
                "cores": args.cores,
                "mapk_filter_seconds": round(ours.seconds, 3),
                "bcftools_seconds": round(ref.seconds, 3),
                "peak_rss_mb": round(ours.max_rss_mb, 1),
                "tree_rss_mb": None if ours.tree_rss_mb is None else round(ours.tree_rss_mb, 1),
            },
        )
    ]


# --- output -------------------------------------------------------------------------------


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| case | mapk-filter s | bcftools s | ratio | peak RSS MB | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    lines += [
        f"| {r.case} | {r.mapk_filter} | {r.bcftools} | {r.ratio} | {r.peak_rss_mb} "
        f"| {r.target} | {'-' if r.met is None else 'yes' if r.met else 'no'} |"
        for r in rows
    ]
    return "\n".join(lines)


def detail(runs: Sequence[Run]) -> str:
    lines = [
        "| command | seconds | CPU s | peak RSS MB | tree RSS MB | records read |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        tree = "-" if r.tree_rss_mb is None else f"{r.tree_rss_mb:.0f}"
        read = r.extra.get("records_read")
        read_text = f"{read:,}" if isinstance(read, int) else "-"
        lines.append(
            f"| {r.label} | {r.seconds:.2f} | {r.cpu_seconds:.2f} | {r.max_rss_mb:.0f} | {tree} "
            f"| {read_text} |"
        )
    return "\n".join(lines)


def only(text: str) -> list[str]:
    chosen = [c.strip() for c in text.split(",") if c.strip()]
    unknown = sorted(set(chosen) - set(CASES))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown case {', '.join(unknown)} (of {', '.join(CASES)})"
        )
    return chosen


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="\n\n".join((__doc__ or "").split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only",
        type=only,
        action="append",
        metavar="CASE[,CASE]",
        help="run only these cases: wgs, batch (repeatable or comma list) [both]",
    )
    parser.add_argument(
        "--records", type=positive, default=5_000_000, help="records of the WGS VCF [5000000]"
    )
    parser.add_argument(
        "--flat-from",
        type=positive,
        default=1_000_000,
        help="records of the smaller VCF of the memory-flatness check [1000000]",
    )
    parser.add_argument(
        "--patients", type=positive, default=500, help="patients in the batch [500]"
    )
    parser.add_argument(
        "--cores", type=positive, default=2, help="snakemake --cores for the batch [2]"
    )
    parser.add_argument(
        "--repeat",
        type=positive,
        default=3,
        help="run each WGS command N times; report the median seconds and the largest RSS "
        "(the batch, minutes long, runs once) [3]",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "benchmarks" / "out",
        help="inputs, logs and results.{md,json} (git-ignored) [benchmarks/out]",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cases = [c for group in args.only or [list(CASES)] for c in group]
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    bcftools = shutil.which("bcftools")
    if bcftools is None:
        raise SystemExit("bcftools not found on PATH (Debian: apt-get install bcftools)")
    version = subprocess.run(
        [bcftools, "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    started, load = time.perf_counter(), os.getloadavg()[0]
    if load > 0.5:
        progress(f"warning: load average {load:.2f} before the first run: other work competes")
    rows: list[Row] = []
    runs: list[Run] = []
    notes: list[str] = []
    if "wgs" in cases:
        rows += run_wgs(args, bcftools, runs, notes)
    if "batch" in cases:
        rows += run_batch(args, bcftools, runs, notes)
    context = (
        f"{date.today().isoformat()}, {os.cpu_count()} CPUs, {version}, "
        f"Python {sys.version.split()[0]}, wall {time.perf_counter() - started:.0f} s, "
        f"load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at end"
    )
    markdown = "\n\n".join(
        [
            f"# Benchmarks ({context})",
            table(rows),
            "\n".join(f"- {n}" for n in notes) if notes else "",
            "## Every timed command",
            detail(runs),
        ]
    )
    (args.out / "results.md").write_text(markdown.replace("\n\n\n\n", "\n\n") + "\n")
    (args.out / "results.json").write_text(
        json.dumps(
            {
                "context": context,
                "rows": [asdict(r) for r in rows],
                "runs": [asdict(r) for r in runs],
                "notes": notes,
            },
            indent=2,
        )
        + "\n"
    )
    print(table(rows))
    for note in notes:
        print(f"- {note}")
    progress(f"wrote {args.out / 'results.md'} and results.json")
    return 1 if args.check and any(r.met is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
