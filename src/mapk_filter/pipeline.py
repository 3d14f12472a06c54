"""The stages the CLI runs: classify one file, decide one patient, summarise a batch.

A bad input file never stops the batch: its error is recorded in the sample result, the
patient's report says so (decision review), and the other patients are unaffected.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from .context import Context, Source
from .decide import decide
from .errors import InputError, MapkFilterError, SheetError
from .interpret import classify
from .models import FileAccounting, Kind, SampleResult
from .panel import load_panel
from .provenance import provenance
from .reports.batch import batch_facts, error_row, summary_row, summary_tsv
from .reports.html import render_batch
from .reports.patient import atomic_write, build_report, variants_tsv, write_json
from .resources import sha256_file
from .rules import load_rules
from .settings import Filters, Reference
from .sheets import SampleRow, read_patient, read_samples
from .timepoints import Timepoint


def _sample_row(sample_sheet: Path, sample_id: str, patient_id: str | None) -> SampleRow:
    rows = [
        r for r in read_samples(sample_sheet, patient_id, strict=False) if r.sample_id == sample_id
    ]
    if len(rows) != 1:
        raise SheetError(f"{sample_sheet}: sample_id '{sample_id}' appears {len(rows)} times")
    return rows[0]


def _failed(row: SampleRow, build: str, message: str) -> SampleResult:
    sha = sha256_file(row.path) if row.path.is_file() else ""
    return SampleResult(
        sample_id=row.sample_id,
        patient_id=row.patient_id,
        path=str(row.path),
        kind=row.kind,
        genome_build=build,
        build_evidence="sheet" if row.genome_build else "default",
        sha256=sha,
        findings=(),
        accounting=FileAccounting(
            sample_id=row.sample_id, path=str(row.path), kind=row.kind, error=message
        ),
    )


def classify_sample(
    *,
    sample_sheet: Path,
    sample_id: str,
    patient_id: str | None,
    default_build: str,
    filters: Filters,
    reference: Reference,
    panel_dir: Path | None,
    rules_path: Path | None,
    out: Path,
) -> tuple[SampleResult, str | None]:
    """Read and classify one file; returns the result and the error message, if any."""
    row = _sample_row(sample_sheet, sample_id, patient_id)
    build = row.genome_build or default_build
    panel, rules = load_panel(panel_dir), load_rules(rules_path)
    error: str | None = None
    try:
        if not row.path.is_file():
            raise InputError(str(row.path), "file not found")
        sha256 = sha256_file(row.path)
        try:
            kind = Kind(row.kind)
        except ValueError:
            raise InputError(str(row.path), f"unknown kind '{row.kind}'") from None
        source = Source(
            path=row.path,
            sample_id=row.sample_id,
            patient_id=row.patient_id,
            kind=kind,
            sha256=sha256,
            tumor_name=row.tumor_name,
            normal_name=row.normal_name,
            caller=row.caller,
            build_from_header=row.genome_build is None,
        )
        result = classify(source, Context(panel, rules, build, filters, reference))
    except (MapkFilterError, OSError) as exc:
        error = str(exc)
        result = _failed(row, build, error)
    except Exception as exc:  # a reader bug must cost one file, never the batch
        error = f"{row.path}: could not be read ({type(exc).__name__}: {exc}); please report"
        result = _failed(row, build, error)
    if result.kind != Kind.SMALL_VARIANTS and not error:
        # Other kinds: their readers check the sheet's (or default) build against the
        # header (check_build); the evidence recorded is the sheet's declaration or none.
        result = replace(result, build_evidence="sheet" if row.genome_build else "default")
    if not error and result.accounting.records_read == 0:
        note = (
            "no records in the panel regions: the index's region queries returned none"
            if result.accounting.region_query
            else "no records in file: it was read, and holds nothing to assess"
        )
        result = replace(result, notes=(*result.notes, note))
    if row.genome_build is None and result.kind != Kind.SMALL_VARIANTS and not error:
        note = f"no genome_build in the sample sheet: {build} (the configured default) assumed"
        result = replace(result, notes=(*result.notes, note))
    write_json(out, result.to_dict())
    return result, error


def decide_patient(
    *,
    patient_sheet: Path,
    sample_sheet: Path,
    patient_id: str,
    sample_results: list[Path],
    out_dir: Path,
    panel_dir: Path | None,
    rules_path: Path | None,
    sheet_errors: tuple[str, ...] = (),
) -> dict[str, Any]:
    patient = read_patient(patient_sheet, patient_id)
    panel, rules = load_panel(panel_dir), load_rules(rules_path)
    samples = tuple(
        SampleResult.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sample_results
    )
    foreign = [s.sample_id for s in samples if s.patient_id != patient_id]
    if foreign:
        raise SheetError(f"sample results {', '.join(foreign)} belong to another patient")
    rows = read_samples(sample_sheet, patient_id, strict=False)
    timepoints = {r.sample_id: r.timepoint for r in rows}
    history = {r.sample_id: Timepoint(r.timepoint or "", r.collection_date or "") for r in rows}
    decision = decide(patient, samples, rules, sheet_errors, history)
    inputs = [
        {"path": str(patient_sheet), "sha256": sha256_file(patient_sheet), "role": "patient sheet"},
        {"path": str(sample_sheet), "sha256": sha256_file(sample_sheet), "role": "sample sheet"},
        *({"path": s.path, "sha256": s.sha256, "role": s.kind} for s in samples),
    ]
    report = build_report(
        decision,
        provenance(panel, rules, inputs, [s.genome_build for s in samples]),
        timepoints,
        {r.sample_id: r.collection_date for r in rows},
        rules=rules,
        panel=panel,
    )
    write_json(out_dir / "report.json", report)
    atomic_write(out_dir / "variants.tsv", variants_tsv(decision, panel))
    return report


def summarize_batch(report_paths: list[Path], out_dir: Path, sheet_errors: list[str]) -> None:
    """summary.tsv/html; sheet rows left out of the run are listed, not forgotten."""
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in report_paths]
    rows = [summary_row(r, p, out_dir) for r, p in zip(reports, report_paths, strict=True)]
    left_out: dict[str, list[str]] = {}
    for message in sheet_errors:  # "patient: what is wrong", one row per patient
        patient, _, what = message.partition(": ")
        left_out.setdefault(patient, []).append(what)
    rows += [error_row(patient, whats) for patient, whats in left_out.items()]
    rows.sort(key=lambda row: row["patient_id"])
    atomic_write(out_dir / "summary.tsv", summary_tsv(rows))
    atomic_write(
        out_dir / "summary.html", render_batch(rows, batch_facts(reports, sheet_errors, rows))
    )


BUNDLED = ("report.json", "report.html", "report.pdf", "variants.tsv")


def bundle_batch(report_paths: list[Path], out_dir: Path, sheet_errors: list[str]) -> None:
    """One folder: patients/<id>/ holds each patient's outputs, and summary.html/tsv beside
    it link them as patients/<id>/report.html, so the links work wherever the folder goes
    (the Snakemake report archive stores it whole)."""
    copied = []
    for path in report_paths:
        patient = json.loads(path.read_text(encoding="utf-8"))["patient_id"]
        folder = out_dir / "patients" / patient
        folder.mkdir(parents=True, exist_ok=True)
        for name in BUNDLED:
            if (path.parent / name).is_file():
                shutil.copyfile(path.parent / name, folder / name)
        copied.append(folder / "report.json")
    summarize_batch(copied, out_dir, sheet_errors)
