"""phenopacket.json: the case as a GA4GH Phenopacket v2, derived from report.json alone.

A JSON-ready dict with protobuf JSON field names; the same report always gives the same dict
(``metaData.created`` is the report's run time; ids derive from the report id, patient id
and timepoints). Every ontology code comes from ``phenopacket_codes.yaml``, with where it
was verified. Ages are ISO 8601 durations in completed months (11.2 years -> ``P11Y2M``); a
missing age, diagnosis or status is left out, never invented. The sheet records no sex.

- ``subject.timeAtLastEncounter``: the age at screening. ``diseases``: the diagnosis as an
  NCIT term (B-ALL, T-ALL, B-LBL, T-LBL; none recorded: Precursor Lymphoid Neoplasm; any
  other: Hematopoietic and Lymphoid Cell Neoplasm), ``onset`` the age at diagnosis,
  ``diseaseStage`` the status: relapse -> Recurrent, refractory -> Refractory,
  newly_diagnosed -> Primary Malignant Neoplasm.
- ``biosamples``: one per timepoint, with its files; ``tumorProgression`` by the timepoint
  (diagnosis -> Primary, refractory -> Refractory, relapse<n> -> Recurrent), by the disease
  status for the sample screened without a timepoint, none for an unreadable timepoint.
- ``interpretations``: one, the sub-protocol B decision. ``progressStatus``: candidate ->
  SOLVED, not_candidate -> COMPLETED, review or an incomplete assessment -> IN_PROGRESS.
  ``summary``: banner, decision, assessment, rules version, reasons, the findings that name
  no gene (the ex vivo dasatinib IC50) and other sub-protocols matched. Each finding naming
  a gene is a genomic interpretation of its file's biosample, (interpretationStatus,
  therapeuticActionability) by its status: qualifying -> (CONTRIBUTORY, ACTIONABLE);
  exclusion (venetoclax resistance) -> (CONTRIBUTORY, NOT_ACTIONABLE): it decides, and
  makes no therapy of B actionable; review -> (CANDIDATE, UNKNOWN_ACTIONABILITY);
  vus -> (REJECTED, UNKNOWN_ACTIONABILITY): not counted for B, maybe for another
  sub-protocol; benign -> (REJECTED, NOT_ACTIONABLE); filtered -> as its unfiltered status
  when that is vus or benign, else (CANDIDATE, UNKNOWN_ACTIONABILITY).
- Small variants: ``hgvs.c`` on the report's transcript, ``hgvs.p`` as the report gives it
  (on that transcript's protein; no protein accession is invented), a ``vcfRecord`` when
  the genomic description reads ``chrom:posREF>ALT``. Fusions, copy-number changes and
  rearrangements: a Sequence Ontology ``structuralType``, the panel gene as ``geneContext``
  (one allowed), the partners in the label (``ETV6::ABL1``). Descriptions carry
  breakpoints, reads, copy number, caveats and what each timepoint showed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePath
from typing import Any

import yaml

from ..models import VAF_DIGITS
from ..timepoints import Timepoint

JSON = dict[str, Any]
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_VCF = re.compile(r"^(\w+):(\d+)([ACGTNacgtn]+)>([ACGTNacgtn]+)$")
# finding status -> (interpretationStatus, therapeuticActionability)
_STATUS = {
    "qualifying": ("CONTRIBUTORY", "ACTIONABLE"),
    # the BCL2 exclusion decides (contributory) but makes no therapy actionable: it rules
    # venetoclax, so sub-protocol B, out; its description names it an exclusion
    "exclusion": ("CONTRIBUTORY", "NOT_ACTIONABLE"),
    "review": ("CANDIDATE", "UNKNOWN_ACTIONABILITY"),
    "filtered": ("CANDIDATE", "UNKNOWN_ACTIONABILITY"),
    "vus": ("REJECTED", "UNKNOWN_ACTIONABILITY"),
    "benign": ("REJECTED", "NOT_ACTIONABLE"),
}
_PROGRESS = {"candidate": "SOLVED", "not_candidate": "COMPLETED", "review": "IN_PROGRESS"}
# disease status, and Timepoint.stage[0], -> the `progression` term
_BY_STATUS = {"relapse": "recurrent", "refractory": "refractory", "newly_diagnosed": "primary"}
_STAGES = ("primary", "refractory", "recurrent")
_SMALL = frozenset({"snv", "mnv", "indel"})


@cache
def codes() -> dict[str, Any]:
    """``phenopacket_codes.yaml``: every code with its label and where it was verified."""
    with open(Path(__file__).with_name("phenopacket_codes.yaml"), encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_SAFE_LOADER)
    return loaded


def _term(group: str, key: str) -> JSON:
    entry = codes()[group][key]
    return {"id": entry["code"], "label": entry["label"]}


def _status_term(status: Any) -> JSON | None:
    """The progression term of a disease status."""
    key = _BY_STATUS.get(str(status))
    return None if key is None else _term("progression", key)


def _age(years: Any) -> JSON | None:
    """Years as an ISO 8601 age in completed months (9.0 -> P9Y, 11.2 -> P11Y2M, 20.97 ->
    P20Y11M: never rounded up across a criterion's limit); None for a missing, negative or
    non-numeric value: an age is never invented."""
    if isinstance(years, bool) or not isinstance(years, int | float):
        return None
    if not math.isfinite(years) or years < 0:
        return None
    y, m = divmod(math.floor(years * 12 + 1e-9), 12)  # 1e-9: 11.2 * 12 is 134.3999...
    duration = "P" + (f"{y}Y" if y or not m else "") + (f"{m}M" if m else "")
    return {"age": {"iso8601duration": duration}}


def _disease(clinical: Mapping[str, Any]) -> JSON:
    diagnosis = clinical.get("diagnosis")
    if diagnosis in codes()["diseases"]:
        disease: JSON = {"term": _term("diseases", str(diagnosis))}
    else:
        disease = {"term": _term("diseases_unspecified", "other" if diagnosis else "not_recorded")}
    if onset := _age(clinical.get("age_at_diagnosis")):
        disease["onset"] = onset
    if stage := _status_term(clinical.get("disease_status")):
        disease["diseaseStage"] = [stage]
    return disease


def _file(sample: Mapping[str, Any], patient: str) -> JSON:
    path = PurePath(str(sample["path"]))
    keys = {"sampleId": "sample_id", "kind": "kind", "genomeAssembly": "genome_build"}
    attributes = {name: str(sample[key]) for name, key in keys.items() if sample.get(key)}
    file: JSON = {
        "uri": path.as_uri() if path.is_absolute() else str(path),
        "fileAttributes": attributes
        | ({"sha256": sample["sha256"]} if sample.get("sha256") else {}),
    }
    if sample.get("tumor_sample"):
        file["individualToFileIdentifiers"] = {patient: str(sample["tumor_sample"])}
    return file


def _biosamples(
    report: Mapping[str, Any], status: Any
) -> tuple[list[JSON], dict[str, tuple[str, Any]]]:
    """One biosample per timepoint (in report order); sample id -> (biosample id, build)."""
    patient = str(report["patient_id"])
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for sample in report.get("samples", []):
        groups.setdefault(str(sample.get("timepoint") or ""), []).append(sample)
    biosamples: list[JSON] = []
    ids: dict[str, tuple[str, Any]] = {}
    for timepoint, samples in groups.items():
        files = ", ".join(f"{s.get('sample_id')} ({s.get('kind')})" for s in samples)
        biosample: JSON = {
            "id": f"{patient}-{timepoint or 'screened'}",
            "individualId": patient,
            "description": f"{timepoint or 'screened sample, no timepoint recorded'}: {files}",
        }
        dates = {s.get("collection_date") for s in samples}
        if len(dates) == 1 and (day := dates.pop()):
            biosample["timeOfCollection"] = {"timestamp": f"{day}T00:00:00Z"}
        if not timepoint:  # the sample screened: the disease status at screening
            progression = _status_term(status)
        elif stage := Timepoint(timepoint).stage:
            progression = _term("progression", _STAGES[stage[0]])
        else:
            progression = None
        if progression:
            biosample["tumorProgression"] = progression
        if with_path := [_file(s, patient) for s in samples if s.get("path")]:
            biosample["files"] = with_path
        biosamples.append(biosample)
        ids |= {str(s.get("sample_id")): (biosample["id"], s.get("genome_build")) for s in samples}
    return biosamples, ids


def _evidence(finding: Mapping[str, Any]) -> str:
    """What the report says of a finding: status, rule, reads, caveats, trajectory."""
    rule = f", rule {finding['rule_id']}" if finding.get("rule_id") else ""
    parts = [f"{finding.get('status')} ({finding.get('reason')}){rule}"]
    parts.append(str(finding.get("classification") or ""))
    if finding.get("genomic"):
        parts.append(f"genomic: {finding['genomic']}")
    if finding.get("breakpoints"):
        parts.append("breakpoints: " + "; ".join(finding["breakpoints"]))
    if finding.get("vaf") is not None:
        reads = f"{finding.get('alt_reads')}/{finding.get('depth')} reads"
        parts.append(f"VAF {round(finding['vaf'], VAF_DIGITS)} ({reads})")
    if finding.get("supporting_reads") is not None:
        parts.append(f"supporting reads {finding['supporting_reads']}")
    if finding.get("copy_number") is not None:
        parts.append(f"copy number {finding['copy_number']:g}")
    if finding.get("caveats"):
        parts.append("caveats: " + "; ".join(finding["caveats"]))
    if finding.get("timepoints"):
        seen = (
            f"{t.get('timepoint') or t.get('sample_id')}: {t.get('result')}"
            for t in finding["timepoints"]
        )
        parts.append("timepoints: " + "; ".join(seen))
    return ". ".join(p for p in parts if p)


def _small(finding: Mapping[str, Any], build: str | None) -> JSON:
    """HGVS expressions and the VCF record of a small variant."""
    transcript, hgvs_c, hgvs_p = (
        str(finding.get(k) or "") for k in ("transcript", "hgvs_c", "hgvs_p")
    )
    expressions = (
        [{"syntax": "hgvs.c", "value": f"{transcript}:{hgvs_c}"}] if transcript and hgvs_c else []
    )
    expressions += [{"syntax": "hgvs.p", "value": hgvs_p}] if hgvs_p else []
    out: JSON = {"expressions": expressions} if expressions else {}
    if build and (match := _VCF.match(str(finding.get("genomic") or ""))):
        chrom, pos, ref, alt = match.groups()
        out["vcfRecord"] = dict(genomeAssembly=build, chrom=chrom, pos=int(pos), ref=ref, alt=alt)
    return out


def _structural(finding: Mapping[str, Any], label: str) -> JSON:
    """The Sequence Ontology type and other labels of a fusion, copy-number change or SV."""
    alteration, out = finding.get("alteration_type"), JSON()
    names = [n for n, e in codes()["structural_types"].items() if alteration in e["alterations"]]
    if alteration == "deletion":  # a copy-number loss, or a deletion junction
        names = ["copy_number_loss" if finding.get("copy_number") is not None else "deletion"]
    if names:
        out["structuralType"] = _term("structural_types", names[0])
    others = [str(finding[k]) for k in ("label", "genomic") if finding.get(k)]
    if others := [other for other in others if other != label]:
        out["alternateLabels"] = others
    return out


def _interpretation(
    finding: Mapping[str, Any], ident: str, where: tuple[str, Any], hgnc: Mapping[str, str]
) -> JSON:
    """A finding that names a gene; ``where``: its biosample (or the patient) and build."""
    gene, alteration = str(finding["gene"]), finding.get("alteration_type")
    partners = [str(p) for p in finding.get("partner_genes") or []]
    fusion = alteration == "fusion" and len(partners) > 1
    label = "::".join(partners) if fusion else str(finding.get("label") or gene)
    descriptor: JSON = {"id": ident, "label": label, "description": _evidence(finding)}
    if gene in hgnc:
        descriptor["geneContext"] = {"valueId": hgnc[gene], "symbol": gene}
    descriptor |= _small(finding, where[1]) if alteration in _SMALL else _structural(finding, label)
    descriptor["moleculeContext"] = "genomic"
    status = str(finding.get("status"))
    if status == "filtered" and finding.get("would_be") in ("vus", "benign"):
        status = str(finding["would_be"])
    interpretation, actionability = _STATUS.get(status, ("UNKNOWN_STATUS", "UNKNOWN_ACTIONABILITY"))
    return {
        "subjectOrBiosampleId": where[0],
        "interpretationStatus": interpretation,
        "variantInterpretation": {
            "therapeuticActionability": actionability,
            "variationDescriptor": descriptor,
        },
    }


def _summary(
    report: Mapping[str, Any], rules: Mapping[str, Any], clinical: Mapping[str, Any]
) -> str:
    lines = [
        str(report.get("banner") or ""),
        f"Sub-protocol {rules.get('subprotocol')}, rules version {rules.get('version')}: "
        f"decision {report.get('decision')}, assessment {report.get('assessment')}.",
        f"Diagnosis as recorded: {clinical.get('diagnosis') or 'not recorded'}; "
        f"disease status: {clinical.get('disease_status') or 'not recorded'}.",
        *(f"Reason: {reason}" for reason in report.get("reasons", [])),
        *(
            f"Finding without a gene ({f.get('alteration_type')}): {_evidence(f)}"
            for f in report.get("findings", [])
            if not f.get("gene")
        ),
        *(
            f"Also matches sub-protocol {o.get('subprotocol')}: {o.get('reason')}"
            for o in report.get("other_subprotocols", [])
        ),
    ]
    return "\n".join(line for line in lines if line)


def _created(run_time: Any) -> str | None:
    """The report's run time as a protobuf Timestamp (UTC, ``Z``)."""
    try:
        moment = datetime.fromisoformat(str(run_time))
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _meta(report: Mapping[str, Any], rules: Mapping[str, Any]) -> JSON:
    provenance = report.get("provenance", {})
    resources = [
        {k: v for k, v in e.items() if k != "source"} for e in codes()["resources"].values()
    ]
    for resource in resources:
        if resource["id"] == "hgnc":  # the HGNC IDs are the panel's
            resource["version"] = f"mapk-filter panel {provenance.get('panel', {}).get('version')}"
    created = _created(provenance.get("run_time"))
    rules_id = f"{rules.get('subprotocol')}/{rules.get('version')}"
    return {
        **({"created": created} if created else {}),
        "createdBy": f"mapk-filter {provenance.get('tool_version')}",
        "resources": resources,
        "phenopacketSchemaVersion": "2.0",
        "externalReferences": [
            {"id": str(report["report_id"]), "description": "mapk-filter report.json"},
            {
                "id": f"mapk-filter-rules:{rules_id}",
                "reference": f"sha256:{rules.get('sha256')}",
                "description": f"trial rules of sub-protocol {rules.get('subprotocol')}, "
                f"version {rules.get('version')}",
            },
            {k: v for k, v in codes()["trial"].items() if k != "source"},
        ],
    }


def phenopacket(report: Mapping[str, Any], hgnc: Mapping[str, str]) -> dict[str, Any]:
    """The report as a Phenopacket v2 JSON dict (the mapping: see the module docstring)."""
    patient, report_id = str(report["patient_id"]), str(report["report_id"])
    clinical = {item["id"]: item.get("value") for item in report.get("clinical", [])}
    rules = report.get("provenance", {}).get("rules", {})
    subject: JSON = {"id": patient}
    if encounter := _age(clinical.get("age_at_screening")):
        subject["timeAtLastEncounter"] = encounter
    subject["sex"] = "UNKNOWN_SEX"
    disease = _disease(clinical)
    biosamples, biosample_of = _biosamples(report, clinical.get("disease_status"))
    genomic = []
    for number, finding in enumerate(report.get("findings", []), start=1):
        if finding.get("gene"):  # the others are not genomic: the summary names them
            where = biosample_of.get(str(finding.get("sample_id")), (patient, ""))
            genomic.append(_interpretation(finding, f"{report_id}-F{number}", where, hgnc))
    progress = _PROGRESS.get(str(report.get("decision")), "UNKNOWN_PROGRESS")
    interpretation = {
        "id": f"{report_id}-{rules.get('subprotocol', 'B')}",
        "progressStatus": "IN_PROGRESS" if report.get("assessment") == "incomplete" else progress,
        "diagnosis": {"disease": disease["term"], "genomicInterpretations": genomic},
        "summary": _summary(report, rules, clinical),
    }
    return {
        "id": report_id,
        "subject": subject,
        "biosamples": biosamples,
        "interpretations": [interpretation],
        "diseases": [disease],
        "metaData": _meta(report, rules),
    }
