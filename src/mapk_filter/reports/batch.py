"""The batch overview: one row per patient (summary.tsv) and its HTML page."""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

from .view import value_text

SUMMARY_COLUMNS = (
    "patient_id",
    "decision",
    "banner",
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
    """One patient's row; ``report`` and ``link`` name its report.html relative to the
    summary (the directory ``relative_to``), so both work wherever the results are moved."""
    link = os.path.relpath(report_path.with_suffix(".html"), relative_to)
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
            f"{c['name']} ({value_text(c['value'])})"
            for c in report["clinical"]
            if c["status"] == "not_met"
        ),
        "criteria_unknown": "; ".join(
            c["name"] for c in report["clinical"] if c["status"] == "unknown"
        ),
        "files": len(report["samples"]),
        "input_errors": "; ".join(report.get("input_problems", [])),
        "first_reason": report["reasons"][0],
        "banner": report.get("banner", ""),
        "report": link,
        "link": link,
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
        "banner": f"NOT ASSESSED — sheet error: {problems[0]}",
        "link": "",
    }


def summary_tsv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        writer.writerow([str(row[c]).replace("\t", " ") for c in SUMMARY_COLUMNS])
    return out.getvalue()


DECISIONS = ("candidate", "review", "not_candidate", "not_assessed")


def batch_facts(
    reports: list[dict[str, Any]], sheet_errors: list[str], rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Counts per decision (sheet rows the run could not assess included), versions, time,
    and the gene x patient matrix of the panel alterations."""
    counts = Counter(r["decision"] for r in (rows if rows is not None else reports))
    first = reports[0]["provenance"] if reports else {}
    return {
        "patients": sum(counts.values()),
        "counts": {k: counts.get(k, 0) for k in DECISIONS},
        "matrix": alteration_matrix(reports),
        "rules_version": first.get("rules", {}).get("version", ""),
        "panel_version": first.get("panel", {}).get("version", ""),
        "run_time": first.get("run_time", ""),
        "sheet_errors": sheet_errors,
    }


# ---------------------------------------------------------------- the oncoprint-style matrix

# Rows always shown, in this order (SPEC section 3: the listed alterations, the exclusion,
# and the pathway genes a sponsor reviews); other genes with a finding follow, by name.
MATRIX_ROWS = (
    "ABL1 fusion",
    "ABL1 amplification",
    "PDGFRB fusion",
    "Dasatinib IC50",
    "KRAS",
    "NRAS",
    "PTPN11",
    "FLT3",
    "NF1",
    "CBL",
    "BCL2 exclusion",
    "IL7R/JAK/CRLF2",
)
MATRIX_BLOCK = 20  # patients per matrix table: 20 columns fit the width of an A4 page
_JAK_STAT = frozenset({"IL7R", "JAK1", "JAK2", "JAK3", "CRLF2"})
# One glyph and one colour class per alteration type: a cell reads without colour.
MATRIX_TYPES = {
    "fusion": ("■", "fusion or rearrangement"),
    "sv": ("◧", "intragenic structural variant"),
    "amplification": ("▲", "amplification or gain"),
    "deletion": ("▼", "copy-number loss"),
    "small": ("●", "SNV or indel"),
    "ic50": ("◆", "ex vivo dasatinib IC50 below the threshold"),
    "unassessed": ("?", "not assessable"),
}
# How a cell's status is drawn (its border): the legend says the same.
MATRIX_STATUS = {
    "qualifying": "listed (qualifying)",
    "exclusion": "exclusion",
    "review": "review",
    "other": "not decisive (not listed, filtered)",
}


def _matrix_type(finding: dict[str, Any]) -> str:
    kind = str(finding["alteration_type"])
    if kind == "drug_response":
        return "ic50"
    if kind in ("amplification", "gain"):
        return "amplification"
    if kind == "deletion" and finding.get("copy_number") is not None:
        return "deletion"
    if kind in ("snv", "mnv", "indel"):
        return "small"
    if kind in ("fusion", "rearrangement") and len(finding.get("partner_genes") or []) == 2:
        return "fusion"
    return "sv"


def _matrix_row(finding: dict[str, Any], kind: str) -> str:
    genes = [*(finding.get("partner_genes") or []), str(finding.get("gene") or "")]
    if kind == "ic50":
        return "Dasatinib IC50"
    if "BCL2" in genes:
        return "BCL2 exclusion"
    for gene in ("ABL1", "PDGFRB"):
        if gene in genes:
            if kind == "amplification" and gene == "ABL1":
                return "ABL1 amplification"
            return f"{gene} fusion" if kind in ("fusion", "sv") else gene
    if _JAK_STAT & set(genes):
        return "IL7R/JAK/CRLF2"
    return str(finding.get("gene") or "other")


def _status(finding: dict[str, Any]) -> str:
    status = str(finding["status"])
    if status == "filtered" and finding.get("would_be"):
        return "review"  # a failed-QC call that would decide: the report sends it to review
    return status if status in ("qualifying", "exclusion", "review") else "other"


def alteration_matrix(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Gene x patient cells: every reported finding (listed, exclusion, review and the
    not-decisive ones shown in a report) and every BCL2 exclusion that could not be assessed."""
    cells: dict[str, dict[str, list[dict[str, str]]]] = {}
    for report in reports:
        patient = report["patient_id"]
        for finding in report["findings"]:
            kind = _matrix_type(finding)
            row = _matrix_row(finding, kind)
            rule = f" ({finding['rule_id']})" if finding.get("rule_id") else ""
            label = finding.get("label") or finding.get("classification") or ""
            cells.setdefault(row, {}).setdefault(patient, []).append(
                {
                    "type": kind,
                    "glyph": MATRIX_TYPES[kind][0],
                    "status": _status(finding),
                    "title": f"{patient}: {label}{rule}, {finding['status']}",
                }
            )
        if (report.get("exclusion") or {}).get("status") == "not_assessable":
            cells.setdefault("BCL2 exclusion", {}).setdefault(patient, []).append(
                {
                    "type": "unassessed",
                    "glyph": "?",
                    "status": "review",
                    "title": f"{patient}: BCL2 exclusion not assessable",
                }
            )
    extra = sorted(set(cells) - set(MATRIX_ROWS))
    patients = [r["patient_id"] for r in reports]
    return {
        "patients": patients,
        # blocks of columns that fit an A4 page, each printed as its own table
        "blocks": [patients[i : i + MATRIX_BLOCK] for i in range(0, len(patients), MATRIX_BLOCK)]
        or [[]],
        "rows": [*MATRIX_ROWS, *extra],
        "cells": cells,
        "types": MATRIX_TYPES,
        "statuses": MATRIX_STATUS,
    }
