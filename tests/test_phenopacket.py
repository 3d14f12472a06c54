"""phenopacket.json: every example patient's report as a GA4GH Phenopacket v2.

The reports are the example batch decided in-process; each phenopacket is parsed into the
``phenopackets`` protobuf (strict: an unknown field fails) and checked against its report.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import phenopackets
import pytest
from google.protobuf.json_format import Parse

from mapk_filter.exports.phenopacket import codes, phenopacket

TRIAL = "clinicaltrials:NCT05751044"


@pytest.fixture(scope="module")
def packets(example_reports, hgnc) -> dict[str, dict[str, Any]]:
    return {patient: phenopacket(report, hgnc) for patient, report in example_reports.items()}


def parse(doc: dict[str, Any]) -> phenopackets.Phenopacket:
    return Parse(json.dumps(doc), phenopackets.Phenopacket())


def changed(report: dict[str, Any], **clinical: Any) -> dict[str, Any]:
    """A copy of ``report`` with clinical values replaced (None: not recorded)."""
    report = copy.deepcopy(report)
    for item in report["clinical"]:
        if item["id"] in clinical:
            item["value"] = clinical[item["id"]]
            item["status"] = "unknown" if clinical[item["id"]] is None else item["status"]
    return report


def genomic(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["interpretations"][0]["diagnosis"].get("genomicInterpretations", [])


def descriptor(interpretation: dict[str, Any]) -> dict[str, Any]:
    return interpretation["variantInterpretation"]["variationDescriptor"]


def ontology_classes(node: Any) -> Iterator[dict[str, str]]:
    """Every {id, label} ontology class in a phenopacket."""
    if isinstance(node, dict):
        if set(node) == {"id", "label"}:
            yield node
        for value in node.values():
            yield from ontology_classes(value)
    elif isinstance(node, list):
        for value in node:
            yield from ontology_classes(value)


def test_every_example_patient_is_a_valid_phenopacket(example_reports, packets):
    assert len(packets) == 34
    for patient, doc in packets.items():
        message = parse(doc)  # strict: an unknown or misspelt field raises
        assert message.id == example_reports[patient]["report_id"]
        assert message.subject.id == patient
        assert message.meta_data.phenopacket_schema_version == "2.0"
        assert json.loads(json.dumps(doc)) == doc  # what is written is what is derived


def test_every_finding_with_a_gene_is_interpreted_on_its_biosample(example_reports, packets, hgnc):
    small = fusions = 0
    for patient, report in example_reports.items():
        doc = packets[patient]
        with_gene = [f for f in report["findings"] if f["gene"]]
        interpretations = genomic(doc)
        assert len(interpretations) == len(with_gene), patient
        biosample_of = {
            file["fileAttributes"]["sampleId"]: biosample["id"]
            for biosample in doc["biosamples"]
            for file in biosample.get("files", [])
        }
        for finding, interpretation in zip(with_gene, interpretations, strict=True):
            variation = descriptor(interpretation)
            assert variation["geneContext"] == {
                "valueId": hgnc[finding["gene"]],
                "symbol": finding["gene"],
            }
            assert interpretation["subjectOrBiosampleId"] == biosample_of[finding["sample_id"]]
            expressions = {e["syntax"]: e["value"] for e in variation.get("expressions", [])}
            if finding["alteration_type"] in ("snv", "mnv", "indel"):
                small += 1
                assert expressions["hgvs.c"] == f"{finding['transcript']}:{finding['hgvs_c']}"
                assert expressions["hgvs.p"] == finding["hgvs_p"]
                chrom, rest = finding["genomic"].split(":")
                assert variation["vcfRecord"]["chrom"] == chrom
                assert f"{variation['vcfRecord']['pos']}{variation['vcfRecord']['ref']}>" in rest
            if finding["alteration_type"] == "fusion":
                fusions += 1
                assert variation["structuralType"]["id"] == "SO:0001565"
                assert variation["label"] == "::".join(finding["partner_genes"])
                assert finding["genomic"] in variation["alternateLabels"]
    assert small >= 5 and fusions >= 8  # the batch has both kinds, so the loop checked them


def test_small_variant_hgvs_on_the_transcript(packets):
    (kras,) = genomic(packets["P07"])
    expressions = descriptor(kras)["expressions"]
    assert {"syntax": "hgvs.c", "value": "NM_004985.5:c.35G>A"} in expressions
    assert {"syntax": "hgvs.p", "value": "p.Gly12Asp"} in expressions
    assert descriptor(kras)["vcfRecord"] == {
        "genomeAssembly": "GRCh38",
        "chrom": "chr12",
        "pos": 25245350,
        "ref": "C",
        "alt": "T",
    }


def test_copy_number_and_rearrangements_carry_their_sequence_ontology_type(packets):
    def so(patient: str) -> str:
        (interpretation,) = genomic(packets[patient])
        return descriptor(interpretation)["structuralType"]["id"]

    assert so("P18") == "SO:0001742"  # ABL1 amplification: copy_number_gain
    assert so("P21") == "SO:0001742"  # ABL1 gain
    assert so("P30") == "SO:0001743"  # NF1 deletion with a copy number: copy_number_loss
    assert so("P24") == "SO:0000159"  # intragenic deletion junction
    assert so("P25") == "SO:1000035"  # intragenic duplication
    assert so("P26") == "SO:0001537"  # rearrangement


def test_ages_are_iso_durations_in_whole_months(example_reports, packets, hgnc):
    for patient, report in example_reports.items():
        clinical = {c["id"]: c["value"] for c in report["clinical"]}
        doc = packets[patient]
        expected = {9.0: "P9Y", 11.2: "P11Y2M", 17.0: "P17Y", 21.5: "P21Y6M"}
        assert (
            doc["diseases"][0]["onset"]["age"]["iso8601duration"]
            == expected[clinical["age_at_diagnosis"]]
        )
        encounter = doc["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"]
        assert encounter == expected[clinical["age_at_screening"]]
    edge = phenopacket(
        changed(example_reports["P01"], age_at_diagnosis=1.99, age_at_screening=0.5), hgnc
    )
    assert edge["diseases"][0]["onset"]["age"]["iso8601duration"] == "P1Y11M"  # 23.88 months
    assert edge["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] == "P6M"


def test_missing_ages_are_left_out_never_invented(example_reports, hgnc):
    for missing in (None, "", float("nan"), -1.0):
        doc = phenopacket(
            changed(example_reports["P16"], age_at_diagnosis=missing, age_at_screening=missing),
            hgnc,
        )
        parse(doc)
        assert "onset" not in doc["diseases"][0]
        assert "timeAtLastEncounter" not in doc["subject"]
        assert doc["subject"]["sex"] == "UNKNOWN_SEX"  # the sheet records none


@pytest.mark.parametrize(
    ("diagnosis", "code"),
    [
        ("B-ALL", "NCIT:C8644"),
        ("T-ALL", "NCIT:C3183"),
        ("B-LBL", "NCIT:C8868"),
        ("T-LBL", "NCIT:C6919"),
        (None, "NCIT:C7055"),  # not recorded: Precursor Lymphoid Neoplasm
        ("other", "NCIT:C27134"),  # outside ALL/LBL: Hematopoietic and Lymphoid Cell Neoplasm
        ("b-all", "NCIT:C27134"),  # not a value the rules accept: not read as B-ALL
    ],
)
def test_diagnosis_is_the_disease_term(example_reports, hgnc, diagnosis, code):
    doc = phenopacket(changed(example_reports["P16"], diagnosis=diagnosis), hgnc)
    assert doc["diseases"][0]["term"]["id"] == code
    assert doc["interpretations"][0]["diagnosis"]["disease"]["id"] == code
    summary = doc["interpretations"][0]["summary"]
    assert f"Diagnosis as recorded: {diagnosis or 'not recorded'};" in summary


def test_example_diagnoses(packets):
    assert packets["P12"]["diseases"][0]["term"]["id"] == "NCIT:C3183"  # T-ALL
    assert packets["P04"]["diseases"][0]["term"]["id"] == "NCIT:C7055"  # none recorded


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("relapse", "NCIT:C4813"),
        ("refractory", "NCIT:C120186"),
        ("newly_diagnosed", "NCIT:C84509"),
        (None, None),
        ("unclear", None),
    ],
)
def test_disease_status_is_the_disease_stage(example_reports, hgnc, status, code):
    report = changed(example_reports["P16"], disease_status=status)
    for sample in report["samples"]:
        sample["timepoint"] = None  # the screened sample takes the disease status
    doc = phenopacket(report, hgnc)
    stages = [s["id"] for s in doc["diseases"][0].get("diseaseStage", [])]
    assert stages == ([code] if code else [])
    (biosample,) = doc["biosamples"]
    assert biosample["id"] == "P16-screened"
    assert biosample.get("tumorProgression", {}).get("id") == code
    assert len(biosample["files"]) == 2


def test_one_biosample_per_timepoint_with_its_progression(packets):
    doc = packets["P33"]
    biosamples = {b["id"]: b for b in doc["biosamples"]}
    assert set(biosamples) == {"P33-relapse1", "P33-diagnosis"}
    assert biosamples["P33-relapse1"]["tumorProgression"]["id"] == "NCIT:C4813"
    assert biosamples["P33-diagnosis"]["tumorProgression"]["id"] == "NCIT:C84509"
    assert [f["fileAttributes"]["sampleId"] for f in biosamples["P33-relapse1"]["files"]] == [
        "P33_structural_variants",
        "P33_mutect2",
    ]
    subjects = {descriptor(g)["label"]: g["subjectOrBiosampleId"] for g in genomic(doc)}
    assert subjects["ETV6::ABL1"] == "P33-diagnosis"  # seen at diagnosis only
    assert subjects["PDGFRB intragenic deletion"] == "P33-relapse1"
    trajectory = descriptor(genomic(doc)[1])["description"]
    assert "timepoints: diagnosis: detected; relapse1: not detected" in trajectory


def test_a_timepoint_that_cannot_be_read_has_no_progression(example_reports, hgnc):
    report = copy.deepcopy(example_reports["P33"])
    report["samples"][1]["timepoint"] = "day 15"
    doc = phenopacket(report, hgnc)
    biosamples = {b["id"]: b for b in doc["biosamples"]}
    assert "tumorProgression" not in biosamples["P33-day 15"]
    assert biosamples["P33-relapse1"]["tumorProgression"]["id"] == "NCIT:C4813"


@pytest.mark.parametrize(
    ("patient", "progress", "interpretation_status", "actionability"),
    [
        ("P16", "SOLVED", "CONTRIBUTORY", "ACTIONABLE"),  # candidate, qualifying ETV6::ABL1
        ("P06", "COMPLETED", "CONTRIBUTORY", "NOT_ACTIONABLE"),  # BCL2 exclusion decides
        ("P07", "IN_PROGRESS", "CANDIDATE", "UNKNOWN_ACTIONABILITY"),  # KRAS, sponsor review
        ("P09", "IN_PROGRESS", "CANDIDATE", "UNKNOWN_ACTIONABILITY"),  # filtered, would be review
        ("P20", "COMPLETED", "REJECTED", "UNKNOWN_ACTIONABILITY"),  # vus: kinase not retained
    ],
)
def test_status_mapping(
    example_reports, packets, patient, progress, interpretation_status, actionability
):
    doc = packets[patient]
    interpretation = doc["interpretations"][0]
    assert interpretation["progressStatus"] == progress
    (finding,) = genomic(doc)
    assert finding["interpretationStatus"] == interpretation_status
    assert finding["variantInterpretation"]["therapeuticActionability"] == actionability
    report = example_reports[patient]
    assert (
        f"decision {report['decision']}, assessment {report['assessment']}"
        in interpretation["summary"]
    )
    assert report["banner"] in interpretation["summary"]


def test_an_incomplete_assessment_is_in_progress(example_reports, packets, hgnc):
    assert example_reports["P13"]["assessment"] == "incomplete"
    assert packets["P13"]["interpretations"][0]["progressStatus"] == "IN_PROGRESS"
    forced = copy.deepcopy(example_reports["P16"])
    forced["assessment"] = "incomplete"
    assert phenopacket(forced, hgnc)["interpretations"][0]["progressStatus"] == "IN_PROGRESS"
    forced["assessment"], forced["decision"] = "complete", "something new"
    assert phenopacket(forced, hgnc)["interpretations"][0]["progressStatus"] == "UNKNOWN_PROGRESS"


def test_ic50_only_candidate_keeps_its_ic50_visible(example_reports, packets):
    doc = packets["P01"]
    assert example_reports["P01"]["decision"] == "candidate"
    assert doc["interpretations"][0]["progressStatus"] == "SOLVED"
    assert genomic(doc) == []  # the IC50 is not genomic
    summary = doc["interpretations"][0]["summary"]
    assert (
        "Finding without a gene (drug_response): qualifying (ic50_below_threshold), rule B-L4. "
        "ex vivo dasatinib IC50 4.2 nM < 10 nM" in summary
    )
    assert "rules version 2025.09-4" in summary


def test_other_subprotocols_are_named(packets):
    summary = packets["P12"]["interpretations"][0]["summary"]
    assert "Also matches sub-protocol C: IL7R p.Arg206Gln" in summary


def test_same_report_same_phenopacket(example_reports, hgnc):
    for report in example_reports.values():
        before = copy.deepcopy(report)
        first = phenopacket(report, hgnc)
        assert report == before  # the report is not changed
        assert phenopacket(copy.deepcopy(report), hgnc) == first
        assert json.dumps(phenopacket(report, hgnc)) == json.dumps(first)


def test_meta_data_names_run_rules_trial_and_resources(example_reports, packets):
    report, doc = example_reports["P16"], packets["P16"]
    meta = doc["metaData"]
    assert meta["created"] == report["provenance"]["run_time"].replace("+00:00", "Z")
    assert meta["createdBy"] == f"mapk-filter {report['provenance']['tool_version']}"
    references = {r["id"]: r for r in meta["externalReferences"]}
    version = report["provenance"]["rules"]["version"]
    assert references[f"mapk-filter-rules:B/{version}"]["reference"] == (
        f"sha256:{report['provenance']['rules']['sha256']}"
    )
    assert references[TRIAL]["reference"] == "https://clinicaltrials.gov/study/NCT05751044"
    assert report["report_id"] in references
    for resource in meta["resources"]:
        assert set(resource) == {"id", "name", "url", "version", "namespacePrefix", "iriPrefix"}
        assert all(resource.values())


def test_every_code_is_verified_and_has_its_resource(packets):
    table = {}
    for group in ("diseases", "diseases_unspecified", "progression", "structural_types"):
        for entry in codes()[group].values():
            assert entry["source"].strip(), entry
            table[entry["code"]] = entry["label"]
    seen = set()
    for doc in packets.values():
        prefixes = {r["namespacePrefix"] for r in doc["metaData"]["resources"]}
        for term in ontology_classes(doc):
            assert table[term["id"]] == term["label"], term
            assert term["id"].split(":")[0] in prefixes
            seen.add(term["id"])
        for interpretation in genomic(doc):
            assert descriptor(interpretation)["geneContext"]["valueId"].split(":")[0] in prefixes
    assert {"NCIT:C8644", "NCIT:C3183", "NCIT:C4813", "NCIT:C84509", "SO:0001565"} <= seen
    assert codes()["trial"]["id"] == TRIAL and codes()["trial"]["source"]
