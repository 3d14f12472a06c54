"""The stages the CLI runs: classify one file, decide one patient, summarise a batch.

A bad input file never stops the batch: its error is recorded in the sample result, the
patient's report says so (decision review), and the other patients are unaffected.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from .context import Context, Source
from .errors import InputError, MapkFilterError, SheetError
from .exports import EXPORTS
from .interpret import classify
from .models import FileAccounting, Kind, SampleResult
from .output import atomic_write, write_json
from .panel import Panel, load_panel
from .resources import sha256_file
from .rules import TrialRules, load_rules
from .settings import Filters, Reference, recorded
from .sheets import SampleRow, read_patient, read_samples

# Deciding and reporting are imported where they are used: classifying a file (a whole
# genome's classify job) does not pay for them.


def _sample_rows(sample_sheet: Path, patient_id: str | None = None) -> dict[str, list[SampleRow]]:
    """The sheet's usable rows (of one patient, if given) by sample_id."""
    rows: dict[str, list[SampleRow]] = {}
    for row in read_samples(sample_sheet, patient_id, strict=False):
        rows.setdefault(row.sample_id, []).append(row)
    return rows


def _one_row(rows: dict[str, list[SampleRow]], sample_sheet: Path, sample_id: str) -> SampleRow:
    found = rows.get(sample_id, [])
    if len(found) != 1:
        raise SheetError(f"{sample_sheet}: sample_id '{sample_id}' appears {len(found)} times")
    return found[0]


def _failed(row: SampleRow, build: str, message: str, sha256: str) -> SampleResult:
    return SampleResult(
        sample_id=row.sample_id,
        patient_id=row.patient_id,
        path=str(row.path),
        kind=row.kind,
        genome_build=build,
        build_evidence="sheet" if row.genome_build else "default",
        sha256=sha256,
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
    row = _one_row(_sample_rows(sample_sheet, patient_id), sample_sheet, sample_id)
    panel, rules = load_panel(panel_dir), load_rules(rules_path)
    result, error = _classify_row(row, Context(panel, rules, default_build, filters, reference))
    atomic_write(out, result.to_json())
    return result, error


def classify_samples(
    *,
    sample_sheet: Path,
    sample_ids: list[str],
    default_build: str,
    filters: Filters,
    reference: Reference,
    panel_dir: Path | None,
    rules_path: Path | None,
    out_dir: Path,
) -> Iterator[tuple[SampleResult, str | None]]:
    """A shard of files in one process: the sheet, panel and rules are read once, and each
    file's result goes to ``out_dir/<sample_id>.json`` as it is done. A bad file costs only
    its own result (its error is in it), never the rest of the shard."""
    panel, rules = load_panel(panel_dir), load_rules(rules_path)
    ctx = Context(panel, rules, default_build, filters, reference)
    rows = _sample_rows(sample_sheet)
    for sample_id in sample_ids:
        result, error = _classify_row(_one_row(rows, sample_sheet, sample_id), ctx)
        atomic_write(out_dir / f"{sample_id}.json", result.to_json())
        yield result, error


class _Digest:
    """A file's SHA-256, computed in a thread while the file is read: hashlib and file
    reads release the GIL, so it runs on another core. A daemon thread: an interrupt does
    not wait for it."""

    def __init__(self, path: Path) -> None:
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._value = sha256_file(path)
        except BaseException as exc:  # handed to the reader of the result
            self._error = exc

    def result(self) -> str:
        """The hex digest; raises what hashing raised (an OSError naming the file)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _classify_row(row: SampleRow, run: Context) -> tuple[SampleResult, str | None]:
    """One sheet row's file, read and interpreted on its build (the sheet's, else the
    configured default)."""
    build = row.genome_build or run.build
    ctx = replace(run, build=build) if build != run.build else run
    error: str | None = None
    sha256 = ""  # stays empty when the file cannot be hashed
    try:
        if not row.path.is_file():
            raise InputError(str(row.path), "file not found")
        digest = _Digest(row.path)
        try:
            result = _classify_source(row, ctx)
        except Exception:
            sha256 = digest.result()  # a hashing error comes first, as when hashed first
            raise
        sha256 = digest.result()
        result = replace(result, sha256=sha256)
    except (MapkFilterError, OSError) as exc:
        error = str(exc)
        result = _failed(row, build, error, sha256)
    except Exception as exc:  # a reader bug must cost one file, never the batch
        error = f"{row.path}: could not be read ({type(exc).__name__}: {exc}); please report"
        result = _failed(row, build, error, sha256)
    if result.kind != Kind.SMALL_VARIANTS and not error:
        # Other kinds: their readers check the sheet's (or default) build against the
        # header (check_build); the evidence recorded is the sheet's declaration or none.
        result = replace(result, build_evidence="sheet" if row.genome_build else "default")
    if not error and result.accounting.records_read == 0:
        note = (
            "no records in the panel regions: only they were read, and hold none"
            if result.accounting.region_query
            else "no records in file: it was read, and holds nothing to assess"
        )
        result = replace(result, notes=(*result.notes, note))
    if row.genome_build is None and result.kind != Kind.SMALL_VARIANTS and not error:
        note = f"no genome_build in the sample sheet: {build} (the configured default) assumed"
        result = replace(result, notes=(*result.notes, note))
    return replace(result, settings=recorded(ctx.filters, ctx.reference)), error


def _classify_source(row: SampleRow, ctx: Context) -> SampleResult:
    """The row's file read and interpreted; its digest is the caller's to add."""
    try:
        kind = Kind(row.kind)
    except ValueError:
        raise InputError(str(row.path), f"unknown kind '{row.kind}'") from None
    source = Source(
        path=row.path,
        sample_id=row.sample_id,
        patient_id=row.patient_id,
        kind=kind,
        tumor_name=row.tumor_name,
        normal_name=row.normal_name,
        caller=row.caller,
        build_from_header=row.genome_build is None,
    )
    return classify(source, ctx)


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
    samples = tuple(_load_result(p) for p in sample_results)
    panel, rules = load_panel(panel_dir), load_rules(rules_path)
    rows = read_samples(sample_sheet, patient_id, strict=False)
    return _decide(
        patient_sheet, sample_sheet, patient_id, rows, samples, out_dir, panel, rules, sheet_errors
    )


def _load_result(path: Path) -> SampleResult:
    return SampleResult.from_json(path.read_bytes())


def _decide(
    patient_sheet: Path,
    sample_sheet: Path,
    patient_id: str,
    rows: list[SampleRow],
    samples: tuple[SampleResult, ...],
    out_dir: Path,
    panel: Panel,
    rules: TrialRules,
    sheet_errors: tuple[str, ...],
    exports: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Decide one patient from its files' results and its sample-sheet ``rows``; the
    provenance names the ``exports`` the caller writes beside report.json."""
    from .decide import decide
    from .provenance import provenance
    from .reports.patient import build_report, variants_tsv
    from .timepoints import Timepoint

    patient = read_patient(patient_sheet, patient_id)
    foreign = [s.sample_id for s in samples if s.patient_id != patient_id]
    if foreign:
        raise SheetError(f"sample results {', '.join(foreign)} belong to another patient")
    timepoints = {r.sample_id: r.timepoint for r in rows}
    history = {r.sample_id: Timepoint(r.timepoint or "", r.collection_date or "") for r in rows}
    decision = decide(patient, samples, rules, sheet_errors, history)
    inputs = [
        {"path": str(patient_sheet), "sha256": sha256_file(patient_sheet), "role": "patient sheet"},
        {"path": str(sample_sheet), "sha256": sha256_file(sample_sheet), "role": "sample sheet"},
        *(_input(s) for s in samples),
    ]
    report = build_report(
        decision,
        provenance(panel, rules, inputs, [s.genome_build for s in samples], exports),
        timepoints,
        {r.sample_id: r.collection_date for r in rows},
        rules=rules,
        panel=panel,
    )
    write_json(out_dir / "report.json", report)
    atomic_write(out_dir / "variants.tsv", variants_tsv(decision, panel))
    return report


def _input(sample: SampleResult) -> dict[str, Any]:
    """A variant file's provenance entry: what it was, and what it was classified with."""
    entry = {"path": sample.path, "sha256": sample.sha256, "role": sample.kind}
    return {**entry, "sample_id": sample.sample_id, "settings": sample.settings}


def report_patients(
    *,
    patient_sheet: Path,
    sample_sheet: Path,
    patient_ids: list[str],
    sample_results: list[Path],
    out_root: Path,
    panel_dir: Path | None,
    rules_path: Path | None,
    sheet_errors: dict[str, list[str]],
    pdf: bool,
    exports: tuple[str, ...] = (),
) -> Iterator[dict[str, Any]]:
    """A shard of patients in one process: each is decided (report.json, variants.tsv) and
    rendered (report.html, and report.pdf with ``pdf``) in ``out_root/<patient_id>/``, with
    the ``exports`` named (phenopacket.json, fhir.json) derived from its report.json.
    ``sample_results`` are all their files' results, each known by its patient_id."""
    from .exports import hgnc_ids
    from .reports.html import render_patient
    from .verify import exporters

    panel, rules = load_panel(panel_dir), load_rules(rules_path)
    derive, hgnc = exporters(), hgnc_ids(panel)
    rows: dict[str, list[SampleRow]] = {}  # the sheet is read once for the whole shard
    for row in read_samples(sample_sheet, strict=False):
        rows.setdefault(row.patient_id, []).append(row)
    by_patient: dict[str, list[SampleResult]] = {}
    for path in sample_results:
        result = _load_result(path)
        by_patient.setdefault(result.patient_id, []).append(result)
    for patient_id in patient_ids:
        out_dir = out_root / patient_id
        samples = tuple(by_patient.get(patient_id, ()))
        errors = tuple(sheet_errors.get(patient_id, ()))
        report = _decide(
            patient_sheet,
            sample_sheet,
            patient_id,
            rows.get(patient_id, []),
            samples,
            out_dir,
            panel,
            rules,
            errors,
            exports,
        )
        # rendered from report.json as written, as `mapk-filter render` does
        written = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
        html = render_patient(written)
        atomic_write(out_dir / "report.html", html)
        for name in exports:  # from report.json as written, as `mapk-filter verify` does
            write_json(out_dir / name, derive[name](written, hgnc))
        if pdf:
            from .reports.pdf import write_pdf

            write_pdf(html, out_dir / "report.pdf", base=out_dir)
        yield report


def summarize_batch(report_paths: list[Path], out_dir: Path, sheet_errors: list[str]) -> None:
    """summary.tsv/html; sheet rows left out of the run are listed, not forgotten."""
    from .reports.batch import batch_facts, error_row, summary_row, summary_tsv
    from .reports.html import render_batch

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


BUNDLED = ("report.json", "report.html", "report.pdf", "variants.tsv", *EXPORTS)


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
