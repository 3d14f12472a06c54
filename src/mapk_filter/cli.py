"""Command line: one subcommand per workflow stage; each calls one package function."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import MapkFilterError
from .exports import EXPORTS
from .settings import Filters, Reference

if TYPE_CHECKING:
    from .models import SampleResult


def _add_data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--panel-dir", type=Path, help="panel folder (default: bundled panel)")
    p.add_argument("--rules", type=Path, help="trial rules YAML (default: bundled sub-protocol B)")


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    """One option per Filters field, so thresholds have a single definition."""
    group = p.add_argument_group("filters (defaults in brackets)")
    for f in dataclasses.fields(Filters):
        default = getattr(Filters(), f.name)
        flag = "--" + f.name.replace("_", "-")
        if isinstance(default, tuple):
            group.add_argument(
                flag,
                type=lambda s: tuple(x for x in s.split(",") if x),
                default=default,
                help=f"comma-separated [{','.join(default)}]",
            )
        else:
            group.add_argument(flag, type=type(default), default=default, help=f"[{default}]")


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Filters)})


def cmd_panel_check(args: argparse.Namespace) -> int:
    from .checks import check_data

    problems, summary = check_data(args.panel_dir, args.rules)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(summary)
    return 1 if problems else 0


def cmd_classify(args: argparse.Namespace) -> int:
    from .pipeline import classify_sample, classify_samples

    common = {
        "sample_sheet": args.sample_sheet,
        "default_build": args.default_build,
        "filters": _filters(args),
        "reference": Reference(fasta=args.fasta, gff3=args.gff3),
        "panel_dir": args.panel_dir,
        "rules_path": args.rules,
    }
    done: Iterable[tuple[SampleResult, str | None]]
    if args.out is not None:
        if len(args.sample_id) != 1:
            raise MapkFilterError("--out takes one --sample-id; use --out-dir for several")
        done = [
            classify_sample(
                sample_id=args.sample_id[0], patient_id=args.patient_id, out=args.out, **common
            )
        ]
    else:
        done = classify_samples(sample_ids=args.sample_id, out_dir=args.out_dir, **common)
    for result, error in done:
        if error:
            print(f"mapk-filter: error: {error}", file=sys.stderr)
        acc = result.accounting
        print(
            f"{result.sample_id}: {acc.alleles} alleles, {acc.outside_panel} outside the panel, "
            f"{acc.in_panel} in the panel {dict(acc.by_status)}",
            file=sys.stderr,
        )
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from .pipeline import decide_patient

    report = decide_patient(
        patient_sheet=args.patient_sheet,
        sample_sheet=args.sample_sheet,
        patient_id=args.patient_id,
        sample_results=args.sample_results,
        out_dir=args.out_dir,
        panel_dir=args.panel_dir,
        rules_path=args.rules,
        sheet_errors=tuple(json.loads(args.sheet_errors)) if args.sheet_errors else (),
    )
    print(f"{report['patient_id']}: {report['decision']}", file=sys.stderr)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .output import atomic_write
    from .reports.html import render_patient

    report = json.loads(args.report.read_text(encoding="utf-8"))
    atomic_write(args.out, render_patient(report))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .pipeline import report_patients

    reports = report_patients(
        patient_sheet=args.patient_sheet,
        sample_sheet=args.sample_sheet,
        patient_ids=args.patient_id,
        sample_results=args.sample_results,
        out_root=args.out_root,
        panel_dir=args.panel_dir,
        rules_path=args.rules,
        sheet_errors=json.loads(args.sheet_errors) if args.sheet_errors else {},
        pdf=args.pdf,
        exports=tuple(args.exports),
    )
    for report in reports:
        print(f"{report['patient_id']}: {report['decision']}", file=sys.stderr)
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from .reports.pdf import write_pdf

    write_pdf(args.html.read_text(encoding="utf-8"), args.out, base=args.html.parent)
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from .pipeline import summarize_batch

    sheet_errors = json.loads(args.sheet_errors) if args.sheet_errors else []
    summarize_batch(args.reports, args.out_dir, sheet_errors)
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    from .pipeline import bundle_batch

    sheet_errors = json.loads(args.sheet_errors) if args.sheet_errors else []
    bundle_batch(args.reports, args.out_dir, sheet_errors)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import ReportUnreadable, verify

    worst = 0  # 0 every report stands, 1 one does not, 2 one cannot be read
    for path in args.reports:
        try:
            result = verify(path, base=args.base, rerun=args.rerun)
        except ReportUnreadable as exc:  # named, and the other reports are still checked
            print(f"mapk-filter: error: {exc}", file=sys.stderr)
            worst = 2
            continue
        print(result.text())
        worst = max(worst, 0 if result.stands else 1)
    return worst


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mapk-filter",
        description="Screen ALL/LBL variant files for HEM-iSMART sub-protocol B (MAPK/SRC).",
    )
    parser.add_argument("--version", action="version", version=f"mapk-filter {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    panel = sub.add_parser("panel", help="curated panel and trial rules data")
    panel_sub = panel.add_subparsers(dest="panel_command", required=True, metavar="ACTION")
    check = panel_sub.add_parser("check", help="validate panel, hotspots and rules together")
    _add_data_options(check)
    check.set_defaults(func=cmd_panel_check)

    classify = sub.add_parser(
        "classify",
        help="read and classify input files: one (--out) or a shard of them (--out-dir)",
    )
    classify.add_argument("--sample-sheet", type=Path, required=True)
    classify.add_argument(
        "--sample-id", required=True, nargs="+", help="one or more sample ids of the sheet"
    )
    classify.add_argument(
        "--patient-id", help="with --out: read only this patient's rows of the sheet"
    )
    classify.add_argument(
        "--default-build",
        default="GRCh38",
        choices=("GRCh38", "GRCh37"),
        help="build of rows whose genome_build is empty [GRCh38]",
    )
    classify.add_argument("--fasta", type=Path, help="reference FASTA for bcftools csq")
    classify.add_argument("--gff3", type=Path, help="Ensembl GFF3 for bcftools csq")
    where = classify.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="the one sample's result JSON")
    where.add_argument(
        "--out-dir", type=Path, help="folder for <sample_id>.json, one per sample id"
    )
    _add_data_options(classify)
    _add_filter_options(classify)
    classify.set_defaults(func=cmd_classify)

    decide = sub.add_parser("decide", help="decide one patient: report.json + variants.tsv")
    decide.add_argument("--patient-sheet", type=Path, required=True)
    decide.add_argument("--sample-sheet", type=Path, required=True)
    decide.add_argument("--patient-id", required=True)
    decide.add_argument("--sample-results", type=Path, nargs="*", default=[])
    decide.add_argument("--out-dir", type=Path, required=True)
    decide.add_argument(
        "--sheet-errors",
        help="JSON list: this patient's sample-sheet rows left out of the run, with why",
    )
    _add_data_options(decide)
    decide.set_defaults(func=cmd_decide)

    render = sub.add_parser("render", help="render report.json as report.html")
    render.add_argument("--report", type=Path, required=True)
    render.add_argument("--out", type=Path, required=True)
    render.set_defaults(func=cmd_render)

    report = sub.add_parser(
        "report",
        help="a shard of patients: decide and render each (report.json, variants.tsv, "
        "report.html, report.pdf with --pdf)",
    )
    report.add_argument("--patient-sheet", type=Path, required=True)
    report.add_argument("--sample-sheet", type=Path, required=True)
    report.add_argument("--patient-id", required=True, nargs="+", help="the shard's patients")
    report.add_argument(
        "--sample-results",
        type=Path,
        nargs="*",
        default=[],
        help="their sample result JSONs (each names its patient)",
    )
    report.add_argument(
        "--out-root", type=Path, required=True, help="writes <out-root>/<patient_id>/"
    )
    report.add_argument(
        "--sheet-errors",
        help="JSON object: patient id -> its sample-sheet rows left out of the run, with why",
    )
    report.add_argument("--pdf", action="store_true", help="also print report.pdf (A4)")
    report.add_argument(
        "--exports",
        nargs="*",
        default=[],
        choices=EXPORTS,
        help="also write these beside report.json: a GA4GH Phenopacket v2, an HL7 FHIR "
        "Genomics Reporting bundle",
    )
    _add_data_options(report)
    report.set_defaults(func=cmd_report)

    pdf = sub.add_parser("pdf", help="print report.html or summary.html as an A4 PDF")
    pdf.add_argument("--html", type=Path, required=True, help="a rendered report or summary")
    pdf.add_argument("--out", type=Path, required=True, help="the PDF to write")
    pdf.set_defaults(func=cmd_pdf)

    summarize = sub.add_parser("summarize", help="batch summary.tsv and summary.html")
    summarize.add_argument("--reports", type=Path, nargs="*", default=[])
    summarize.add_argument("--out-dir", type=Path, required=True)
    summarize.add_argument(
        "--sheet-errors", help="JSON list of sheet rows left out of the run, with why"
    )
    summarize.set_defaults(func=cmd_summarize)

    bundle = sub.add_parser(
        "bundle",
        help="the batch as one folder whose summary.html links every patient's report "
        "(the Snakemake report archive keeps its links)",
    )
    bundle.add_argument("--reports", type=Path, nargs="*", default=[], help="report.json files")
    bundle.add_argument("--out-dir", type=Path, required=True)
    bundle.add_argument(
        "--sheet-errors", help="JSON list of sheet rows left out of the run, with why"
    )
    bundle.set_defaults(func=cmd_bundle)

    verify = sub.add_parser(
        "verify",
        help="does a report still stand? re-hash every input, rules and panel file its "
        "provenance names, compare the version (exit 0: it stands; 1: it does not)",
        description="Re-hash every input, rules and panel file named in each report's "
        "provenance and compare mapk-filter's version; check that phenopacket.json and "
        "fhir.json beside it agree with it. Exit 0 when every report stands on its files, "
        "1 when any does not (each mismatch is named), 2 when a report cannot be read.",
    )
    verify.add_argument("reports", type=Path, nargs="+", metavar="REPORT.json")
    verify.add_argument(
        "--rerun",
        action="store_true",
        help="also decide again from the recorded inputs (in a temporary folder) and "
        "compare the decision, reasons and findings",
    )
    verify.add_argument(
        "--base",
        type=Path,
        help="the run's working directory now, when the batch has moved: recorded relative "
        "paths, and absolute ones under the old working directory, are found under it",
    )
    verify.set_defaults(func=cmd_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MapkFilterError as exc:
        print(f"mapk-filter: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
