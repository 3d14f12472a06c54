"""Per-patient machine-readable outputs: report.json and variants.tsv."""

from __future__ import annotations

import csv
import hashlib
import json
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema

from ..breakpoints import load_kinase_domains
from ..decide import STRUCTURAL, PatientDecision
from ..models import Finding, Status
from ..panel import Panel
from ..rules import TrialRules
from .view import banner, checklist, display, germline, split_reasons, vaf_text

SCHEMA_VERSION = "1.0"

VARIANT_COLUMNS = (
    "patient_id",
    "sample_id",
    "source_file",
    "record_number",
    "gene",
    "genomic",
    "alteration_type",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "consequence",
    "status",
    "reason",
    "rule_id",
    "classification",
    "caveats",
    "vaf",
    "depth",
    "alt_reads",
    "normal_vaf",
    "filters",
    "routes",
    # structural events and copy number (the same words as report.html)
    "partner_genes",
    "exon_junction",
    "breakpoints",
    "supporting_reads",
    "split_reads",
    "spanning_reads",
    "frame",
    "kinase_domain_retained",
    "kinase_domain",
    "copy_number",
    "genome_build",
)
CLINICAL_SOURCE = "patient sheet (ex vivo drug screen)"


@cache
def report_schema() -> dict[str, Any]:
    text = (files("mapk_filter.reports") / "report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _reported(finding: Finding) -> bool:
    """Findings shown in report.json: matched a rule (even if QC-demoted), route elsewhere,
    or a structural event the board should see named (reciprocal junction, gain, ...)."""
    return (
        finding.status in (Status.QUALIFYING, Status.REVIEW, Status.EXCLUSION)
        or finding.would_be is not None
        or (bool(finding.routes) and finding.status != Status.BENIGN)
        or (finding.status == Status.VUS and finding.alteration_type in STRUCTURAL)
    )


OTHER_RECORDS_SHOWN = 2000  # non-decisive panel records listed in report.json (all are in TSV)


@cache
def _report_validator() -> jsonschema.protocols.Validator:
    """The report schema's validator, built (and the schema checked) once per process."""
    schema = report_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def report_problems(report: dict[str, Any]) -> list[str]:
    """Where ``report`` breaks report.schema.json, one line each (empty: valid)."""
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(top level)'}: {e.message}"
        for e in _report_validator().iter_errors(report)
    ]


@cache
def _kinase_words() -> dict[str, str]:
    """gene -> its kinase-domain exons and source, as the report and variants.tsv say them
    (read once per process: both outputs of every patient use it)."""
    words = {}
    for gene, d in load_kinase_domains().items():
        residues = f" residues {d.residues[0]}-{d.residues[1]}" if d.residues else ""
        words[gene] = (
            f"{gene} kinase domain: MANE exons {d.first_exon}-{d.last_exon} "
            f"(UniProt {d.uniprot or '?'}{residues}; resources/gene_lists/kinase_domains.tsv)"
        )
    return words


def _mane_words(panel: Panel | None) -> dict[str, str]:
    """gene -> "MANE Select NM_... / ENST...": the one naming of a finding's transcript."""
    return {
        g.symbol: f"MANE Select {g.refseq_mane} / {g.ensembl_mane}"
        for g in (panel.genes.values() if panel is not None else ())
    }


def report_id(patient_id: str, provenance: dict[str, Any]) -> str:
    """Stable for the same inputs, rules, panel and tool: a rerun keeps the same ID."""
    parts = [
        patient_id,
        str(provenance.get("tool_version", "")),
        str(provenance.get("rules", {}).get("sha256", "")),
        str(provenance.get("panel", {}).get("version", "")),
        *sorted(str(i.get("sha256", "")) for i in provenance.get("inputs", [])),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10].upper()
    return f"MF-{patient_id}-{digest}"


def build_report(
    decision: PatientDecision,
    provenance: dict[str, Any],
    timepoints: dict[str, str | None],
    collection_dates: dict[str, str | None] | None = None,
    rules: TrialRules | None = None,
    panel: Panel | None = None,
) -> dict[str, Any]:
    collection_dates = collection_dates or {}
    notes: list[str] = []
    for sample in decision.samples:
        notes += [f"{sample.sample_id}: {note}" for note in sample.notes]
    report = {
        "schema_version": SCHEMA_VERSION,
        "patient_id": decision.patient_id,
        "subprotocol": "B",
        "decision": str(decision.decision),
        "assessment": decision.assessment,
        "input_problems": list(decision.input_problems),
        "reasons": list(decision.reasons),
        "clinical": [c.to_dict() for c in decision.clinical],
        "findings": [{**f.to_dict(), "label": f.label} for f in decision.findings if _reported(f)],
        "other_subprotocols": [dict(r) for r in decision.other_subprotocols],
        "notes": notes,
        "decision_timepoint": decision.decision_timepoint or None,
        **({"exclusion": decision.exclusion.to_dict()} if decision.exclusion else {}),
        "samples": [
            {
                "sample_id": s.sample_id,
                "kind": s.kind,
                "path": s.path,
                "genome_build": s.genome_build,
                "sha256": s.sha256,
                "caller": s.caller,
                "tumor_sample": s.tumor_sample,
                "normal_sample": s.normal_sample,
                "timepoint": timepoints.get(s.sample_id),
                "collection_date": collection_dates.get(s.sample_id),
                "build_evidence": s.build_evidence,
                "notes": list(s.notes),
                "error": s.accounting.error,
            }
            for s in decision.samples
        ],
        "accounting": [s.accounting.to_dict() for s in decision.samples],
        "provenance": provenance,
    }
    _add_views(report, decision, rules, panel)
    _report_validator().validate(report)
    return report


def _add_views(
    report: dict[str, Any], decision: PatientDecision, rules: TrialRules | None, panel: Panel | None
) -> None:
    """What every rendering shows first: banner, checklist, decisive reasons and notes,
    each finding's display fields, the germline section, the other panel records."""
    described = rules.describe() if rules is not None else {}
    listed_ids = {rid for rid, r in described.items() if r["kind"] == "listed"}
    mane = _mane_words(panel)
    kinase = _kinase_words()
    samples = {s["sample_id"]: s for s in report["samples"]}
    for finding in report["findings"]:
        finding["display"] = display(finding, samples.get(finding["sample_id"]), mane, kinase)
    why, notes_line = split_reasons(report["reasons"])
    shown = {id(f) for f in decision.findings if _reported(f)}
    others = [
        {
            "sample_id": f.sample_id,
            "record_number": f.record_number,
            "gene": f.gene,
            "genomic": f.genomic,
            "status": str(f.status),
            "reason": f.reason,
            "classification": f.classification,
        }
        for s in decision.samples
        for f in s.findings
        if id(f) not in shown and not _reported(f)
    ]
    report.update(
        {
            "report_id": report_id(report["patient_id"], report["provenance"]),
            "banner": banner(report, listed_ids),
            "why": why,
            "notes_line": notes_line,
            "checklist": checklist(report, described),
            "germline": germline(report["findings"]),
            "other_panel_records": others[:OTHER_RECORDS_SHOWN],
            "other_panel_records_total": len(others),
            "rules": described,
        }
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("\t", " ").replace("\n", " ")


def variants_tsv(decision: PatientDecision, panel: Panel | None = None) -> str:
    """Every panel record of every file, one row each, in file order, then the findings
    that come from the patient sheet (the ex vivo IC50).

    A structural event written as several records (BND mates) is one finding; each of its
    records gets a row, and ``event_records`` names them all, so rows match the accounting.
    VAF, transcript, exon junction, reads and kinase domain are written exactly as
    report.html shows them (reports/view.py ``display``).
    """
    import io

    mane = _mane_words(panel)
    kinase = _kinase_words()
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(VARIANT_COLUMNS)

    def rows(f: Finding, sample: dict[str, Any] | None, source: str) -> None:
        d = f.to_dict()
        shown = display(d, sample, mane, kinase)
        row = {
            **d,
            "patient_id": decision.patient_id,
            "source_file": source,
            "transcript": shown["transcript"],
            "vaf": shown["vaf"],
            "normal_vaf": vaf_text(f.normal_vaf),
            "exon_junction": shown["junction"],
            "frame": shown["frame"],
            "kinase_domain": shown["kinase_domain"],
            "genome_build": (sample or {}).get("genome_build", ""),
        }
        numbers = [f.record_number, *f.other_records]
        row["event_records"] = numbers if f.other_records else ()
        for number in numbers:
            row["record_number"] = number
            writer.writerow([_cell(row.get(c)) for c in VARIANT_COLUMNS])

    # The decision may restate a file's finding (e.g. a fusion not seen at the latest
    # timepoint is filtered): variants.tsv says what report.json says.
    decided = {(f.sample_id, f.record_number, f.genomic): f for f in decision.findings}
    for sample in decision.samples:
        facts = {"genome_build": sample.genome_build, "normal_sample": sample.normal_sample}
        for f in sample.findings:
            f = decided.get((f.sample_id, f.record_number, f.genomic), f)
            rows(f, facts, f.source_file)
    for f in decision.findings:
        if f.sample_id == "clinical":
            rows(f, None, CLINICAL_SOURCE)
    return out.getvalue()
