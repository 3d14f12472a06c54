"""Small helpers the tests share (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path
from typing import Any

from mapk_filter import interpret
from mapk_filter.context import Context, Source
from mapk_filter.models import Kind, SampleResult
from mapk_filter.panel import Panel
from mapk_filter.readers.small import SmallVariantScan
from mapk_filter.rules import TrialRules
from mapk_filter.settings import Filters
from mapk_filter.sheets import Patient

REPO = Path(__file__).resolve().parents[1]
# A patient who meets every clinical criterion and gave no ex vivo IC50: whatever decides
# is the molecular evidence.
ELIGIBLE = Patient("X1", 9, 11, "B-ALL", "relapse", None, "no", 80)
# The header lines of a minimal Mutect2 small-variant VCF (GT:AD:DP), before contigs.
MUTECT2_HEADER = (
    "##fileformat=VCFv4.2",
    "##source=Mutect2",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
)


def classified(
    scan: SmallVariantScan, panel: Panel, rules: TrialRules, patient_id: str = "p"
) -> SampleResult:
    """The small-variant interpreter with default filters, as a test of one file needs it."""
    from mapk_filter.interpret.small import interpret as interpret_small

    source = Source(scan.path, "s", patient_id, Kind.SMALL_VARIANTS)
    return interpret_small(scan, source, Context(panel, rules, scan.build))


FILTER_NAMES = frozenset(f.name for f in fields(Filters))


def classify_file(
    path: Path,
    panel: Panel,
    rules: TrialRules,
    build: str = "GRCh38",
    *,
    kind: str,
    sample_id: str = "S1",
    patient_id: str = "P1",
    sha256: str = "0",
    tumor_name: str | None = None,
    normal_name: str | None = None,
    **settings: Any,
) -> SampleResult:
    """Read and interpret one file of ``kind`` as the pipeline does; ``settings`` are
    Filters fields (a set of pass_filters is taken in any order)."""
    unknown = set(settings) - FILTER_NAMES
    assert not unknown, f"not Filters fields: {unknown}"
    if "pass_filters" in settings:
        settings["pass_filters"] = tuple(sorted(settings["pass_filters"]))
    source = Source(
        path,
        sample_id,
        patient_id,
        Kind(kind),
        sha256,
        tumor_name=tumor_name,
        normal_name=normal_name,
    )
    return interpret.classify(source, Context(panel, rules, build, Filters(**settings)))


def workflow_command(workdir: Path, *extra: str, cores: int = 2) -> list[str]:
    """The run contract of config/README.md: the repo's Snakefile, <workdir>/config.yaml."""
    return [
        "snakemake",
        "-s",
        str(REPO / "workflow" / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / "config.yaml"),
        "--cores",
        str(cores),
        *extra,
    ]


def copy_with_index(source: Path, folder: Path) -> Path:
    """The file and its .tbi/.csi in ``folder``, the index's time set (git keeps none): an
    hour older than the file for the stale-index case (``index_older_than_file`` in the
    name), a minute newer otherwise. Returns the copied file."""
    path = folder / source.name
    shutil.copyfile(source, path)
    stamp = path.stat().st_mtime
    for suffix in (".tbi", ".csi"):
        index = source.with_name(source.name + suffix)
        if index.exists():
            copied = folder / index.name
            shutil.copyfile(index, copied)
            when = stamp - 3600 if "index_older_than_file" in source.name else stamp + 60
            os.utime(copied, (when, when))
    return path


def run_workflow(workdir: Path, *extra: str, cores: int = 2) -> subprocess.CompletedProcess[str]:
    """Run the workflow as users run it (``workflow_command``) and capture its output."""
    return subprocess.run(
        workflow_command(workdir, *extra, cores=cores), capture_output=True, text=True, check=False
    )


def clean_small_variants(panel: Panel, rules: TrialRules) -> SampleResult:
    """A readable small-variant file with no rule finding (the example batch's P16 file),
    as the pipeline records it: the BCL2 exclusion is assessed on a verified build."""
    from dataclasses import replace

    from mapk_filter.readers.small import read_small_variants

    scan = read_small_variants(REPO / "resources/example_batch/P16_mutect2.vcf", panel, "GRCh38")
    result = classified(scan, panel, rules)
    return replace(result, sample_id="small", build_evidence=scan.build_evidence)


def classify_from_sheet(
    sheet: Path, sample_id: str, patient_id: str, reference: object = None
) -> tuple[SampleResult, str | None]:
    """classify_sample as the workflow runs it, read back from the JSON it writes."""
    import json

    from mapk_filter.pipeline import classify_sample
    from mapk_filter.settings import Reference

    out = sheet.parent / f"{sample_id}.json"
    result, error = classify_sample(
        sample_sheet=sheet,
        sample_id=sample_id,
        patient_id=patient_id,
        default_build="GRCh38",
        filters=Filters(),
        reference=reference if isinstance(reference, Reference) else Reference(),
        panel_dir=None,
        rules_path=None,
        out=out,
    )
    loaded = SampleResult.from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert loaded == result
    return loaded, error


def decide_example_batch(out: Path, patients: list[str] | None = None) -> dict[str, Path]:
    """The bundled example batch (or some of its patients) classified and decided in-process
    by the functions the workflow's jobs call: patient -> its report.json."""
    from mapk_filter.sheets import read_samples

    batch = REPO / "resources" / "example_batch"
    sheet = batch / "samples.tsv"
    rows = [
        r for r in read_samples(sheet, strict=False) if patients is None or r.patient_id in patients
    ]
    return decide_rows(batch / "patients.tsv", sheet, rows, samples_out=out, patients_out=out)


def decide_rows(
    patient_sheet: Path,
    sample_sheet: Path,
    rows: list[Any],
    *,
    samples_out: Path,
    patients_out: Path,
    filters: Filters | None = None,
    panel: Path | None = None,
    rules: Path | None = None,
    sheet_errors: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, Path]:
    """Each sample row classified (``samples_out/<sample_id>.json``) and each of their
    patients decided (``patients_out/<patient_id>/``), as the workflow's jobs do: patient ->
    its report.json. ``sheet_errors``: per patient, the sheet rows the run left out."""
    from mapk_filter.pipeline import classify_sample, decide_patient
    from mapk_filter.settings import Reference

    for row in rows:
        classify_sample(
            sample_sheet=sample_sheet,
            sample_id=row.sample_id,
            patient_id=row.patient_id,
            default_build="GRCh38",
            filters=filters or Filters(),
            reference=Reference(),
            panel_dir=panel,
            rules_path=rules,
            out=samples_out / f"{row.sample_id}.json",
        )
    reports = {}
    for patient in sorted({r.patient_id for r in rows} | set(sheet_errors or {})):
        decide_patient(
            patient_sheet=patient_sheet,
            sample_sheet=sample_sheet,
            patient_id=patient,
            sample_results=[
                samples_out / f"{r.sample_id}.json" for r in rows if r.patient_id == patient
            ],
            out_dir=patients_out / patient,
            panel_dir=panel,
            rules_path=rules,
            sheet_errors=(sheet_errors or {}).get(patient, ()),
        )
        reports[patient] = patients_out / patient / "report.json"
    return reports


def example_sheets(sheets: Path, patients: tuple[str, ...], files: Path | None = None) -> None:
    """Patient and sample sheets of some example patients in ``sheets``, with absolute file
    paths: to the example files, or (``files``) to copies of them there, file and index."""
    import csv
    import shutil

    batch = REPO / "resources" / "example_batch"
    sheets.mkdir(parents=True, exist_ok=True)
    for name in ("patients.tsv", "samples.tsv"):
        with open(batch / name, newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
        header, body = rows[0], [r for r in rows[1:] if r[0] in patients]
        if name == "samples.tsv":
            where = header.index("path")
            for row in body:
                if files is not None:
                    files.mkdir(parents=True, exist_ok=True)
                    for source in batch.glob(row[where] + "*"):
                        if not (files / source.name).exists():
                            shutil.copy2(source, files / source.name)
                row[where] = str((files or batch) / row[where])
        (sheets / name).write_text("\n".join("\t".join(r) for r in [header, *body]) + "\n")
