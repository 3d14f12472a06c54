"""fhir.json: every example patient's report as an HL7 FHIR R4 Genomics Reporting bundle.

The bundles are built from the example batch's real report.json files (decided in-process)
and parsed with the fhir.resources R4B models; the checks read them back as a consumer
would: by code system and code, following references.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from mapk_filter.exports.fhir import codes, fhir_bundle

LOINC = "http://loinc.org"
HGNC = "http://www.genenames.org"
HGVS = "http://varnomen.hgvs.org"
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
LOCAL = "https://mapk-filter.invalid/fhir/CodeSystem/"
PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"


@pytest.fixture(scope="module")
def bundles(example_reports, hgnc) -> dict[str, dict[str, Any]]:
    return {patient: fhir_bundle(report, hgnc) for patient, report in example_reports.items()}


def resources(doc: dict[str, Any], type_: str = "") -> list[dict[str, Any]]:
    return [
        e["resource"] for e in doc["entry"] if not type_ or e["resource"]["resourceType"] == type_
    ]


def profiled(doc: dict[str, Any], profile: str) -> list[dict[str, Any]]:
    return [
        r
        for r in resources(doc, "Observation")
        if any(p.startswith(PROFILE + profile + "|") for p in r.get("meta", {}).get("profile", []))
    ]


def url_of(doc: dict[str, Any], resource: dict[str, Any]) -> str:
    return next(e["fullUrl"] for e in doc["entry"] if e["resource"] is resource)


def codings(concept: dict[str, Any] | None, system: str) -> list[str]:
    return [c["code"] for c in (concept or {}).get("coding", []) if c["system"] == system]


def components(obs: dict[str, Any], system: str, code: str) -> list[dict[str, Any]]:
    return [c for c in obs.get("component", []) if code in codings(c["code"], system)]


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def implication(doc: dict[str, Any]) -> dict[str, Any]:
    (found,) = profiled(doc, "therapeutic-implication")
    return found


def decision(doc: dict[str, Any]) -> list[str]:
    """The decision codes of the implication's therapeutic-implication component(s)."""
    parts = components(implication(doc), TBD, "therapeutic-implication")
    return [
        code for part in parts for code in codings(part["valueCodeableConcept"], LOCAL + "decision")
    ]


def test_every_example_report_is_a_valid_bundle_with_all_it_rests_on(
    example_reports, bundles, hgnc
):
    assert len(example_reports) == 34
    for patient, report in example_reports.items():
        doc = bundles[patient]
        Bundle.model_validate(doc)  # R4B: structure, types, cardinalities
        assert doc["type"] == "collection"
        urls = [e["fullUrl"] for e in doc["entry"]]
        assert len(set(urls)) == len(urls), patient
        assert all(
            u.startswith("urn:uuid:") and u[9:] == e["resource"]["id"]
            for u, e in zip(urls, doc["entry"], strict=True)
        )
        assert set(references(doc)) <= set(urls), f"{patient}: dangling reference"

        (dr,) = resources(doc, "DiagnosticReport")
        assert dr["meta"]["profile"] == [PROFILE + "genomic-report|3.0.0"]
        assert codings(dr["code"], LOINC) == ["51969-4"]
        assert dr["status"] == "final" and dr["issued"] == report["provenance"]["run_time"]
        assert dr["identifier"][0]["value"] == report["report_id"]
        assert report["decision"] in dr["conclusion"] and report["banner"] in dr["conclusion"]
        observation_urls = {url_of(doc, o) for o in resources(doc, "Observation")}
        assert {r["reference"] for r in dr["result"]} == observation_urls, patient
        (pt,) = resources(doc, "Patient")  # the id and nothing invented
        assert pt["identifier"][0]["value"] == patient
        assert set(pt) == {"resourceType", "id", "identifier"}

        variants = profiled(doc, "variant")
        with_gene = [f for f in report["findings"] if f["gene"]]
        assert len(variants) == len(with_gene), patient
        for finding, variant in zip(with_gene, variants, strict=True):
            genes = [
                code
                for part in components(variant, LOINC, "48018-6")
                for code in codings(part["valueCodeableConcept"], HGNC)
            ]
            assert hgnc[finding["gene"]] in genes, (patient, finding["gene"])
            if finding["hgvs_c"]:
                (c_hgvs,) = components(variant, LOINC, "48004-6")
                expected = f"{finding['transcript']}:{finding['hgvs_c']}"
                assert codings(c_hgvs["valueCodeableConcept"], HGVS) == [expected], patient
            if finding["vaf"] is not None:
                (vaf,) = components(variant, LOINC, "81258-6")
                assert vaf["valueQuantity"]["value"] == finding["vaf"]
            (build,) = components(variant, LOINC, "62374-4")
            assert build["valueCodeableConcept"]["coding"][0]["display"] == "GRCh38"
            (status,) = components(variant, LOCAL + "report-element", "finding-status")
            assert codings(status["valueCodeableConcept"], LOCAL + "finding-status") == [
                finding["status"]
            ]

        others = [
            o
            for o in resources(doc, "Observation")
            if codings(o["code"], LOCAL + "alteration-type")
        ]
        without_gene = [f for f in report["findings"] if not f["gene"]]
        assert [o["valueString"] for o in others] == [f["label"] for f in without_gene], patient

        criteria = {
            code: obs
            for obs in resources(doc, "Observation")
            for code in codings(obs["code"], LOCAL + "clinical-criterion")
        }
        assert set(criteria) == {item["id"] for item in report["clinical"]}, patient
        for item in report["clinical"]:
            obs = criteria[item["id"]]
            assert codings(obs["interpretation"][0], LOCAL + "criterion-status") == [item["status"]]
            shown = obs.get("valueString", obs.get("valueQuantity", {}).get("value"))
            assert shown == item["value"] or (item["value"] is None and "dataAbsentReason" in obs)

        assert decision(doc) == [report["decision"]], patient
        derived = {r["reference"] for r in implication(doc)["derivedFrom"]}
        assert {url_of(doc, o) for o in [*variants, *others]} <= derived


def test_same_report_same_bundle(example_reports, hgnc):
    report = example_reports["P14"]
    first = fhir_bundle(report, hgnc)
    again = fhir_bundle(copy.deepcopy(report), hgnc)
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    other = fhir_bundle(example_reports["P16"], hgnc)
    assert not {e["fullUrl"] for e in first["entry"]} & {e["fullUrl"] for e in other["entry"]}
    # Time comes from the report, not the clock.
    later = copy.deepcopy(report)
    later["provenance"]["run_time"] = "2030-01-01T00:00:00+00:00"
    assert fhir_bundle(later, hgnc)["timestamp"] == "2030-01-01T00:00:00+00:00"


def test_ic50_only_candidate_keeps_the_ic50_finding(example_reports, bundles):
    report, doc = example_reports["P01"], bundles["P01"]
    assert report["decision"] == "candidate"
    assert [f["alteration_type"] for f in report["findings"]] == ["drug_response"]
    (ic50,) = [
        o for o in resources(doc, "Observation") if codings(o["code"], LOCAL + "alteration-type")
    ]
    assert "IC50 4.2 nM" in ic50["valueString"]
    (rule,) = components(ic50, LOCAL + "report-element", "rule")
    assert codings(rule["valueCodeableConcept"], LOCAL + "rule") == ["B-L4"]
    impl = implication(doc)
    assert url_of(doc, ic50) in {r["reference"] for r in impl["derivedFrom"]}
    assert decision(doc) == ["candidate"]
    # A candidate is not coded as trial-eligible: the screening does not judge every criterion.
    value = components(impl, TBD, "therapeutic-implication")[0]["valueCodeableConcept"]
    assert codings(value, "http://snomed.info/sct") == []
    drugs = [c["valueCodeableConcept"]["text"] for c in components(impl, LOINC, "51963-7")]
    assert drugs == ["dasatinib", "venetoclax"]
    trials = components(impl, TBD, "associated-therapy")
    assert [codings(t["valueCodeableConcept"], "http://clinicaltrials.gov") for t in trials] == [
        ["NCT05751044"]
    ]


def test_not_candidate_routed_to_another_subprotocol_carries_the_routing(example_reports, bundles):
    for patient, letter in (("P12", "C"), ("P29", "C"), ("P31", "C"), ("P30", "D"), ("P07", "D")):
        report, doc = example_reports[patient], bundles[patient]
        (route,) = report["other_subprotocols"]
        assert route["subprotocol"] == letter
        impl = implication(doc)
        trials = components(impl, TBD, "associated-therapy")
        routed = [
            t for t in trials if letter in codings(t["valueCodeableConcept"], LOCAL + "subprotocol")
        ]
        assert len(routed) == 1, patient
        assert route["reason"] in routed[0]["valueCodeableConcept"]["text"]
        value = components(impl, TBD, "therapeutic-implication")[0]["valueCodeableConcept"]
        if report["decision"] == "not_candidate":
            assert codings(value, "http://snomed.info/sct") == ["444734003"], patient
        if letter == "D":
            assert codings(routed[0]["valueCodeableConcept"], "http://clinicaltrials.gov") == [
                "NCT05658640"
            ]
    assert example_reports["P12"]["decision"] == "not_candidate"
    # P08 has nothing to route: only sub-protocol B's own trial is named.
    trials = components(implication(bundles["P08"]), TBD, "associated-therapy")
    assert [codings(t["valueCodeableConcept"], LOCAL + "subprotocol") for t in trials] == [["B"]]


def test_fusions_name_both_partners_and_the_gene_fusion_consequence(bundles, hgnc):
    doc = bundles["P14"]
    (variant,) = profiled(doc, "variant")
    genes = [part["valueCodeableConcept"] for part in components(variant, LOINC, "48018-6")]
    assert [codings(g, HGNC) for g in genes] == [[hgnc["NUP214"]], [hgnc["ABL1"]]]
    (consequence,) = profiled(doc, "molecular-consequence")
    assert consequence["derivedFrom"] == [{"reference": url_of(doc, variant)}]
    (feature,) = components(consequence, TBD, "feature-consequence")
    assert codings(feature["valueCodeableConcept"], "http://www.sequenceontology.org") == [
        "SO:0001565"
    ]
    # A partner outside the panel has no HGNC ID in the table: its symbol, uncoded.
    (variant,) = profiled(bundles["P29"], "variant")
    genes = [part["valueCodeableConcept"] for part in components(variant, LOINC, "48018-6")]
    assert genes[0] == {"text": "P2RY8"} and codings(genes[1], HGNC) == [hgnc["CRLF2"]]


def test_small_variant_and_copy_number_details(bundles):
    (kras,) = profiled(bundles["P07"], "variant")
    (p_hgvs,) = components(kras, LOINC, "48005-3")
    assert p_hgvs["valueCodeableConcept"] == {"text": "p.Gly12Asp"}  # no protein accession
    (change,) = components(kras, LOINC, "48019-4")
    assert codings(change["valueCodeableConcept"], "http://www.sequenceontology.org") == [
        "SO:0001483"
    ]
    (transcript,) = components(kras, LOINC, "51958-7")
    assert codings(transcript["valueCodeableConcept"], "http://www.ncbi.nlm.nih.gov/refseq") == [
        "NM_004985.5"
    ]
    (amplification,) = profiled(bundles["P18"], "variant")
    (cn,) = components(amplification, LOINC, "82155-3")
    assert cn["valueQuantity"]["value"] == 6.0
    (change,) = components(amplification, LOINC, "48019-4")
    assert codings(change["valueCodeableConcept"], "http://www.sequenceontology.org") == [
        "SO:0001742"
    ]


def test_unknown_criterion_is_shown_as_unknown(bundles):
    doc = bundles["P04"]
    (obs,) = [
        o
        for o in resources(doc, "Observation")
        if codings(o["code"], LOCAL + "clinical-criterion") == ["diagnosis"]
    ]
    assert not any(key.startswith("value") for key in obs)
    absent = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
    assert codings(obs["dataAbsentReason"], absent) == ["unknown"]
    assert codings(obs["interpretation"][0], LOCAL + "criterion-status") == ["unknown"]
    assert decision(doc) == ["review"]


def test_every_standard_code_written_is_listed_with_its_source(bundles):
    """Every coding (and UCUM unit) outside mapk-filter's own and the data's code systems
    (HGNC IDs, HGVS, transcripts, trial numbers) is one of fhir_codes.yaml, with a source."""
    listed = {(c["system"], str(c["code"])): c for c in codes()["codes"].values()}
    assert all(c["display"] and c["source"] for c in listed.values())
    data_systems = {
        HGNC,
        HGVS,
        "http://www.ncbi.nlm.nih.gov/refseq",
        "http://www.ensembl.org",
        "http://clinicaltrials.gov",
    }
    seen: dict[tuple[str, str], str | None] = {}
    for doc in bundles.values():
        stack: list[Any] = [doc]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if "system" in node and "code" in node:
                    seen[(node["system"], node["code"])] = node.get("display")
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    standard = {k: v for k, v in seen.items() if not k[0].startswith(LOCAL)}
    standard = {k: v for k, v in standard.items() if k[0] not in data_systems}
    assert set(standard) - set(listed) == set()
    for key, display in standard.items():
        assert display in (None, listed[key]["display"]), key
    assert ("http://loinc.org", "51969-4") in standard and (
        "http://unitsofmeasure.org",
        "a",
    ) in standard


def test_each_variant_names_the_specimen_of_its_timepoint(example_reports, bundles):
    for patient, report in example_reports.items():
        doc = bundles[patient]
        specimens = {url_of(doc, s): s for s in resources(doc, "Specimen")}
        timepoints = {str(s.get("timepoint") or "") for s in report["samples"]}
        assert len(specimens) == len(timepoints), patient
        (diagnostic,) = resources(doc, "DiagnosticReport")
        assert sorted(r["reference"] for r in diagnostic["specimen"]) == sorted(specimens)
        sample_timepoint = {s["sample_id"]: s["timepoint"] for s in report["samples"]}
        for obs in profiled(doc, "variant"):
            specimen = specimens[obs["specimen"]["reference"]]
            sample = next(
                n["text"].split("sample: ", 1)[1].split(" ")[0]
                for n in obs["note"]
                if n["text"].startswith("sample: ")
            )
            assert f"timepoint {sample_timepoint[sample]}:" in specimen["note"][0]["text"]
    # P33's ETV6::ABL1 was seen at diagnosis only: its variant is the diagnosis specimen's
    doc = bundles["P33"]
    specimens = {url_of(doc, s): s for s in resources(doc, "Specimen")}
    abl1 = [
        o
        for o in profiled(doc, "variant")
        if any(
            "HGNC:76" in codings(c["valueCodeableConcept"], HGNC)
            for c in components(o, LOINC, "48018-6")
        )
    ]
    assert [specimens[o["specimen"]["reference"]]["identifier"][0]["value"] for o in abl1] == [
        "P33-diagnosis"
    ]


def test_a_deletion_is_a_copy_number_loss_only_when_a_copy_number_was_measured(
    example_reports, hgnc
):
    report = copy.deepcopy(example_reports["P18"])
    finding = next(f for f in report["findings"] if f["gene"] == "ABL1")
    finding["alteration_type"] = "deletion"

    def change_type(copy_number: float | None) -> list[str]:
        finding["copy_number"] = copy_number
        doc = fhir_bundle(report, hgnc)
        (obs,) = [o for o in profiled(doc, "variant") if "ABL1" in json.dumps(o)]
        (part,) = components(obs, LOINC, "48019-4")
        return codings(part["valueCodeableConcept"], "http://www.sequenceontology.org")

    assert change_type(1.0) == ["SO:0001743"]  # copy_number_loss
    assert change_type(None) == ["SO:0000159"]  # deletion
