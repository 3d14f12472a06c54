"""The batch overview: one row per patient (summary.tsv) and its HTML page."""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

SUMMARY_COLUMNS = (
    "patient_id",
    "decision",
    "assessment",
    "key_findings",
    "other_subprotocols",
    "criteria_not_met",
    "criteria_unknown",
    "files",
    "input_errors",
    "first_reason",
    "report",
)


def _short(finding: dict[str, Any]) -> str:
    """A finding in a few words: the protein change, the fusion, or the copy number."""
    kind = str(finding["alteration_type"]).replace("_", " ")
    if kind.startswith("intragenic"):
        return f"{finding['gene']} {kind}"
    if finding.get("partner_genes"):
        return f"{'::'.join(finding['partner_genes'])} {kind}"
    gene = f"{finding['gene']} " if finding["gene"] else ""
    if finding.get("copy_number") is not None:
        return f"{gene}{finding['alteration_type']} CN {finding['copy_number']:g}"
    return gene + str(finding["hgvs_p"] or finding["classification"])


def _tag(finding: dict[str, Any]) -> str:
    return "not listed" if finding["status"] == "vus" else str(finding["status"])


def summary_row(report: dict[str, Any], report_path: Path, relative_to: Path) -> dict[str, Any]:
    findings = [
        _short(f) + (f" [{_tag(f)}]" if f["status"] != "qualifying" else "")
        for f in report["findings"]
        if f["status"] != "vus"
        or f.get("would_be")
        or f.get("partner_genes")
        or f.get("copy_number") is not None
    ]
    return {
        "patient_id": report["patient_id"],
        "decision": report["decision"],
        "assessment": report.get("assessment", ""),
        "key_findings": "; ".join(findings),
        "other_subprotocols": "; ".join(r["subprotocol"] for r in report["other_subprotocols"]),
        "criteria_not_met": "; ".join(
            f"{c['id']}={c['value']}" for c in report["clinical"] if c["status"] == "not_met"
        ),
        "criteria_unknown": "; ".join(
            c["id"] for c in report["clinical"] if c["status"] == "unknown"
        ),
        "files": len(report["samples"]),
        "input_errors": "; ".join(report.get("input_problems", [])),
        "first_reason": report["reasons"][0],
        "report": str(report_path),
        "link": os.path.relpath(report_path.with_suffix(".html"), relative_to),
    }


def error_row(patient: str, problems: list[str]) -> dict[str, Any]:
    """A patient the run could not assess, with every sheet problem that left it out."""
    what = "; ".join(problems)
    return {
        **dict.fromkeys(SUMMARY_COLUMNS, ""),
        "patient_id": patient,
        "decision": "not_assessed",
        "assessment": "incomplete",
        "files": 0,
        "input_errors": what,
        "first_reason": f"sheet error: {problems[0]}",
        "link": "",
    }


def summary_tsv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        writer.writerow([str(row[c]).replace("\t", " ") for c in SUMMARY_COLUMNS])
    return out.getvalue()


def batch_facts(reports: list[dict[str, Any]], sheet_errors: list[str]) -> dict[str, Any]:
    counts = Counter(r["decision"] for r in reports)
    first = reports[0]["provenance"] if reports else {}
    return {
        "patients": len(reports),
        "counts": {k: counts.get(k, 0) for k in ("candidate", "review", "not_candidate")},
        "rules_version": first.get("rules", {}).get("version", ""),
        "panel_version": first.get("panel", {}).get("version", ""),
        "run_time": first.get("run_time", ""),
        "sheet_errors": sheet_errors,
    }
