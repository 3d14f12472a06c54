"""fhir.json: one report.json as an HL7 FHIR R4 Genomics Reporting (STU3, 3.0.0) bundle.

``fhir_bundle(report, hgnc)`` is a pure function of the report and the panel's gene symbol ->
HGNC ID table: no clock, no random ids (each ``fullUrl`` is a ``urn:uuid:`` made with uuid5
from the report id and the resource's role; each time is ``provenance.run_time``). The
``collection`` bundle holds:

- a DiagnosticReport (profile genomic-report, LOINC 51969-4, category GE): the report id as
  identifier, the decision and the report's banner as conclusion, every Observation as result;
- the Patient, identified by ``patient_id`` and nothing else;
- per finding with a gene, a Variant Observation (value "Present"): the genes as HGNC IDs
  (symbol as text where the panel has none, e.g. a fusion partner), c.HGVS on the finding's
  transcript, the transcript, p.HGVS as text (the report has no protein accession to make it
  an HGVS expression), the Sequence Ontology DNA change type, VAF, reads supporting the
  allele, copy number, the build of the sample it was seen in; a fusion also gets a
  molecular-consequence Observation (SO gene_fusion);
- per finding without a gene (the ex vivo dasatinib IC50 of the patient sheet), an
  Observation with the report's words as value: nothing the decision rests on is dropped;
- per clinical criterion, an Observation coded with its id (mapk-filter code system: no
  standard code exists), the value judged (or data-absent "unknown"), the expected value as
  reference range and met / not_met / unknown as interpretation;
- one therapeutic-implication Observation: the decision and assessment, the drugs and trial
  assessed, the routing to other sub-protocols with its reasons, every reason as a note,
  derived from all the Observations above.

Findings also carry status and rule (mapk-filter codes), reason and caveats. Standard codes,
systems and profiles come from ``fhir_codes.yaml``, each with where it was checked.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

JSON = dict[str, Any]
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_GENOMIC = ("laboratory_category", "genetics_category")


@cache
def codes() -> dict[str, Any]:
    """``fhir_codes.yaml``: profiles, code systems, codes and the report -> code tables."""
    with open(Path(__file__).with_name("fhir_codes.yaml"), encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_SAFE_LOADER)
    return loaded


def _system(name: str) -> str:
    return str(codes()["systems"][name]["url"])


def _coding(name: str) -> JSON:
    entry = codes()["codes"][name]
    return {"system": entry["system"], "code": str(entry["code"]), "display": entry["display"]}


def _concept(name: str, text: str = "") -> JSON:
    return {"coding": [_coding(name)], **({"text": text} if text else {})}


def _coded(system: str, code: str, display: str = "") -> JSON:
    """A concept with one coding of ``system`` and the code (or display) as text."""
    coding = {"system": system, "code": code, **({"display": display} if display else {})}
    return {"coding": [coding], "text": display or code}


def _local(kind: str, code: str, display: str = "") -> JSON:
    """A concept of mapk-filter's own code system ``kind`` (criterion ids, rules, decisions)."""
    return _coded(f"{_system('local')}/CodeSystem/{kind}", code, display)


def _component(name: str, **value: Any) -> JSON:
    return {"code": _concept(name), **value}


def _local_component(element: str, kind: str, code: str, text: str) -> JSON:
    """A component whose code and value are mapk-filter codes (finding status, rule, ...)."""
    code_of = _local("report-element", element, element.replace("-", " "))
    return {"code": code_of, "valueCodeableConcept": {**_local(kind, code), "text": text}}


def _ucum(value: float, unit: str) -> JSON:
    entry = codes()["codes"][unit]
    return {"value": value, "system": entry["system"], "code": str(entry["code"])}


def _hgvs(expression: str) -> JSON:
    """An HGVS expression: coded when it names its reference sequence, else text."""
    return _coded(_system("hgvs"), expression) if ":" in expression else {"text": expression}


def _transcript(transcript: str) -> JSON:
    """A RefSeq (NM_, NR_) or Ensembl (ENST) transcript id; text when it is neither."""
    refseq, ensembl = transcript[:3] in ("NM_", "NR_"), transcript.startswith("ENST")
    system = "refseq" if refseq else "ensembl" if ensembl else ""
    return _coded(_system(system), transcript) if system else {"text": transcript}


def _gene(symbol: str, hgnc: Mapping[str, str]) -> JSON:
    return _coded(_system("hgnc"), hgnc[symbol], symbol) if symbol in hgnc else {"text": symbol}


def _change_type(finding: Mapping[str, Any]) -> str | None:
    """The Sequence Ontology DNA change type of a finding (none where it is not known)."""
    kind = str(finding.get("alteration_type", ""))
    if kind == "indel":
        hgvs_c = str(finding.get("hgvs_c") or "")
        return next((str(name) for key, name in codes()["indel_hgvs"] if key in hgvs_c), None)
    if kind == "deletion" and finding.get("copy_number") is None:
        return "deletion"  # a structural deletion: no copy number was measured
    name = codes()["change_types"].get(kind)
    return str(name) if name else None


@dataclass(frozen=True)
class _Context:
    """What every resource of one report shares: the report, its subject and time."""

    report: Mapping[str, Any]
    hgnc: Mapping[str, str]
    report_id: str
    issued: str

    def urn(self, role: str) -> str:
        name = f"{_system('local')}/report/{self.report_id}/{role}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def observation(self, profile: str, code: JSON, category: Sequence[str]) -> JSON:
        obs: JSON = {"resourceType": "Observation"}
        if profile:
            obs["meta"] = {"profile": [codes()["profiles"][profile]["url"]]}
        obs["status"] = "final"
        if category:
            obs["category"] = [_concept(name) for name in category]
        subject = {"reference": self.urn("patient")}
        return {**obs, "code": code, "subject": subject, "issued": self.issued}

    def build(self, sample_id: str) -> str:
        """The genome build of the sample a finding was seen in (else the run's only one)."""
        for sample in self.report.get("samples", []):
            if sample.get("sample_id") == sample_id and sample.get("genome_build"):
                return str(sample["genome_build"])
        builds = self.report["provenance"].get("genome_builds", [])
        return str(builds[0]) if len(builds) == 1 else ""


def _label(finding: Mapping[str, Any]) -> str:
    return str(finding.get("label") or finding.get("classification", ""))


def _status_components(ctx: _Context, finding: Mapping[str, Any]) -> list[JSON]:
    """A finding's status (with the reason code) and the rule that matched, if any."""
    status, rule = str(finding["status"]), finding.get("rule_id")
    text = f"{status} ({finding['reason']})" if finding.get("reason") else status
    parts = [_local_component("finding-status", "finding-status", status, text)]
    if rule:
        name = str(ctx.report.get("rules", {}).get(rule, {}).get("name", rule))
        parts.append(_local_component("rule", "rule", str(rule), f"{rule}: {name}"))
    return parts


def _finding_notes(finding: Mapping[str, Any]) -> list[JSON]:
    """Where a finding was seen and what the report says of it beyond the coded parts."""
    display = finding.get("display") or {}
    genomic = display.get("genomic") or finding.get("genomic")
    notes = [
        f"genomic: {genomic}" if genomic else "",
        f"sample: {finding.get('sample_id', '')} ({finding.get('source_file', '')})",
        f"consequence: {finding['consequence']}" if finding.get("consequence") else "",
        f"depth: {finding['depth']} reads" if finding.get("depth") is not None else "",
        "breakpoints: " + "; ".join(finding["breakpoints"]) if finding.get("breakpoints") else "",
        f"trajectory: {display['trajectory']}" if display.get("trajectory") else "",
        *(f"caveat: {caveat}" for caveat in finding.get("caveats") or []),
    ]
    return [{"text": note} for note in notes if note]


def _variant(ctx: _Context, finding: Mapping[str, Any]) -> JSON:
    """A finding with a gene as an IG Variant Observation (see the module docstring)."""
    obs = ctx.observation("variant", _concept("variant_assessment"), _GENOMIC)
    genes = list(finding.get("partner_genes") or [])
    genes += [] if finding["gene"] in genes else [finding["gene"]]
    parts = [_component("gene_studied", valueCodeableConcept=_gene(g, ctx.hgnc)) for g in genes]
    transcript, hgvs_c = str(finding.get("transcript") or ""), str(finding.get("hgvs_c") or "")
    if hgvs_c:
        expression = hgvs_c if ":" in hgvs_c or not transcript else f"{transcript}:{hgvs_c}"
        parts.append(_component("coding_hgvs", valueCodeableConcept=_hgvs(expression)))
    else:
        parts.append(_component("variation_code", valueCodeableConcept={"text": _label(finding)}))
    hgvs_p = str(finding.get("hgvs_p") or "")
    if hgvs_p:
        parts.append(_component("protein_hgvs", valueCodeableConcept=_hgvs(hgvs_p)))
    if transcript:
        parts.append(_component("transcript_ref_seq", valueCodeableConcept=_transcript(transcript)))
    change = _change_type(finding)
    if change:
        parts.append(_component("change_type", valueCodeableConcept=_concept(change)))
    reads = finding.get("alt_reads")
    reads = finding.get("supporting_reads") if reads is None else reads
    for name, number in (
        ("allelic_frequency", finding.get("vaf")),
        ("allelic_read_depth", reads),
        ("copy_number", finding.get("copy_number")),
    ):
        if number is not None:
            parts.append(_component(name, valueQuantity=_ucum(number, "ratio")))
    build = ctx.build(str(finding.get("sample_id", "")))
    if build:
        answer = codes()["assemblies"].get(build)
        value = _concept(answer) if answer else {"text": build}
        parts.append(_component("assembly", valueCodeableConcept=value))
    conclusion = f"{finding['status']}: {finding.get('classification', '')}"
    parts += _status_components(ctx, finding)
    parts.append(_component("conclusion_string", valueString=conclusion))
    obs["valueCodeableConcept"] = _concept("present")
    return {**obs, "component": parts, "note": _finding_notes(finding)}


def _gene_fusion(ctx: _Context, finding: Mapping[str, Any], variant: str) -> JSON:
    """The molecular consequence of a fusion finding: SO gene_fusion, from its Variant."""
    obs = ctx.observation("molecular_consequence", _concept("molecular_consequence"), _GENOMIC)
    value = _concept("gene_fusion", _label(finding))
    obs["derivedFrom"] = [{"reference": variant}]
    return {**obs, "component": [_component("feature_consequence", valueCodeableConcept=value)]}


def _other_finding(ctx: _Context, finding: Mapping[str, Any]) -> JSON:
    """A finding with no gene (the ex vivo IC50): its kind as code, the report's words as value."""
    kind = str(finding.get("alteration_type", ""))
    obs = ctx.observation("", _local("alteration-type", kind, kind.replace("_", " ")), _GENOMIC[:1])
    obs["valueString"] = _label(finding)
    return {**obs, "component": _status_components(ctx, finding), "note": _finding_notes(finding)}


def _criterion(ctx: _Context, item: Mapping[str, Any]) -> JSON:
    """A clinical criterion: the value judged, what was expected, met / not_met / unknown."""
    obs = ctx.observation("", _local("clinical-criterion", str(item["id"]), str(item["name"])), ())
    value = item.get("value")
    if value is None:
        obs["dataAbsentReason"] = _concept("data_absent_unknown")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        obs["valueString"] = str(value)
    elif str(item.get("field", "")).endswith("_years"):
        obs["valueQuantity"] = {**_ucum(value, "years"), "unit": "years"}
    else:
        obs["valueQuantity"] = {"value": value}
    obs["interpretation"] = [_local("criterion-status", str(item["status"]))]
    obs["referenceRange"] = [{"text": f"expected: {item.get('expected', '')}"}]
    source = f"patient-sheet column {item.get('field', '')}; source: {item.get('source', '')}"
    return {**obs, "note": [{"text": source}]}


def _trial(subprotocol: str, text: str) -> JSON:
    """A sub-protocol as therapy assessed: its registry number (if known) and its letter."""
    nct = codes()["subprotocols"].get(subprotocol, {}).get("nct")
    letter = _local("subprotocol", subprotocol, f"HEM-iSMART sub-protocol {subprotocol}")
    trial = [{"system": _system("clinicaltrials"), "code": nct, "display": nct}] if nct else []
    return {"coding": [*trial, *letter["coding"]], "text": text}


def _drugs(subprotocol: str) -> list[str]:
    return [str(m) for m in codes()["subprotocols"].get(subprotocol, {}).get("medications", [])]


def _implication(ctx: _Context, derived: Sequence[str]) -> JSON:
    """The sub-protocol decision, drugs, trial and routing as a therapeutic implication.

    The decision is a mapk-filter code (candidate / review / not_candidate); not_candidate
    also carries the IG's SNOMED CT "does not meet eligibility criteria for clinical trial".
    A candidate gets no "eligible" code: the screening does not judge every trial criterion.
    """
    report = ctx.report
    sub, decision = str(report.get("subprotocol", "B")), str(report["decision"])
    assessment = str(report.get("assessment", ""))
    obs = ctx.observation("therapeutic_implication", _concept("therapeutic_implication"), _GENOMIC)
    value = _local("decision", decision, decision.replace("_", " "))
    if decision == "not_candidate":
        value["coding"].append(_coding("not_eligible"))
    value["text"] = f"{decision} for HEM-iSMART sub-protocol {sub}"
    drugs = _drugs(sub)
    trial = _trial(sub, f"HEM-iSMART sub-protocol {sub} ({' + '.join(drugs)})")
    parts = [
        _component("therapeutic_implication", valueCodeableConcept=value),
        _local_component("assessment", "assessment", assessment, assessment),
        *(_component("medication_assessed", valueCodeableConcept={"text": d}) for d in drugs),
        _component("associated_therapy", valueCodeableConcept=trial),
    ]
    for route in report.get("other_subprotocols", []):
        other = str(route["subprotocol"])
        text = f"matches HEM-iSMART sub-protocol {other} ({' + '.join(_drugs(other))}): "
        route_value = _trial(other, text + str(route.get("reason", "")))
        parts.append(_component("associated_therapy", valueCodeableConcept=route_value))
    if report.get("banner"):
        parts.append(_component("conclusion_string", valueString=str(report["banner"])))
    problems = (f"input problem: {p}" for p in report.get("input_problems", []))
    obs["derivedFrom"] = [{"reference": urn} for urn in derived]
    notes = [{"text": str(note)} for note in (*report.get("reasons", []), *problems)]
    return {**obs, "component": parts, "note": notes}


def _diagnostic_report(ctx: _Context, results: Sequence[str]) -> JSON:
    report = ctx.report
    banner = report.get("banner") or "; ".join(report.get("reasons", []))
    conclusion = (
        f"Sub-protocol {report.get('subprotocol', 'B')}: {report['decision']} "
        f"(assessment {report.get('assessment', '')}). {banner}"
    )
    return {
        "resourceType": "DiagnosticReport",
        "meta": {"profile": [codes()["profiles"]["genomic_report"]["url"]]},
        "identifier": [{"system": f"{_system('local')}/report-id", "value": ctx.report_id}],
        "status": "final",
        "category": [_concept("genetics_category")],
        "code": _concept("genetic_analysis_report"),
        "subject": {"reference": ctx.urn("patient")},
        "issued": ctx.issued,
        "result": [{"reference": urn} for urn in results],
        "conclusion": conclusion,
    }


def _specimens(ctx: _Context) -> tuple[list[tuple[str, JSON]], dict[str, str]]:
    """One Specimen per timepoint (the files sequenced from it, its collection date);
    sample id -> the urn of its specimen, so each variant says where it was seen."""
    by_timepoint: dict[str, list[Mapping[str, Any]]] = {}
    for sample in ctx.report.get("samples", []):
        by_timepoint.setdefault(str(sample.get("timepoint") or ""), []).append(sample)
    specimens, of_sample = [], {}
    patient = str(ctx.report["patient_id"])
    for timepoint, samples in by_timepoint.items():
        name = timepoint or "screened"
        urn = ctx.urn(f"specimen/{name}")
        files = ", ".join(f"{s['sample_id']} ({s.get('kind', '')})" for s in samples)
        specimen: JSON = {
            "resourceType": "Specimen",
            "identifier": [
                {"system": f"{_system('local')}/specimen-id", "value": f"{patient}-{name}"}
            ],
            "subject": {"reference": ctx.urn("patient")},
            "type": {"text": f"tumour sample, timepoint {timepoint or 'not recorded'}"},
            "note": [{"text": f"timepoint {timepoint or 'not recorded'}: {files}"}],
        }
        dates = sorted({str(s["collection_date"]) for s in samples if s.get("collection_date")})
        if len(dates) == 1:
            specimen["collection"] = {"collectedDateTime": dates[0]}
        specimens.append((urn, specimen))
        of_sample.update({str(s["sample_id"]): urn for s in samples})
    return specimens, of_sample


def fhir_bundle(report: Mapping[str, Any], hgnc: Mapping[str, str]) -> dict[str, Any]:
    """The report as a FHIR R4 ``collection`` Bundle (JSON-ready; see the module docstring)."""
    issued = str(report["provenance"]["run_time"])
    report_id = str(report.get("report_id") or f"{report['patient_id']}@{issued}")
    ctx = _Context(report, hgnc, report_id, issued)
    specimens, specimen_of = _specimens(ctx)
    observations: list[tuple[str, JSON]] = []
    for index, finding in enumerate(report.get("findings", [])):
        urn = ctx.urn(f"finding/{index}")
        if not finding.get("gene"):
            observations.append((urn, _other_finding(ctx, finding)))
            continue
        variant = _variant(ctx, finding)
        if str(finding.get("sample_id")) in specimen_of:
            variant["specimen"] = {"reference": specimen_of[str(finding["sample_id"])]}
        observations.append((urn, variant))
        if finding.get("alteration_type") == "fusion":
            consequence = _gene_fusion(ctx, finding, urn)
            observations.append((ctx.urn(f"finding/{index}/consequence"), consequence))
    for index, item in enumerate(report.get("clinical", [])):
        observations.append((ctx.urn(f"criterion/{index}/{item['id']}"), _criterion(ctx, item)))
    implication = _implication(ctx, [urn for urn, _ in observations])
    observations.append((ctx.urn("implication"), implication))
    patient_id = {"system": f"{_system('local')}/patient-id", "value": str(report["patient_id"])}
    diagnostic = _diagnostic_report(ctx, [urn for urn, _ in observations])
    if specimens:
        diagnostic["specimen"] = [{"reference": urn} for urn, _ in specimens]
    resources = [
        (ctx.urn("report"), diagnostic),
        (ctx.urn("patient"), {"resourceType": "Patient", "identifier": [patient_id]}),
        *specimens,
        *observations,
    ]
    entries = [
        {"fullUrl": urn, "resource": {"resourceType": res["resourceType"], "id": urn[9:], **res}}
        for urn, res in resources
    ]
    bundle = {"resourceType": "Bundle", "id": ctx.urn("bundle")[9:], "type": "collection"}
    return {**bundle, "timestamp": issued, "entry": entries}
