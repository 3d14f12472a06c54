"""End to end: the real workflow on the bundled example batch, run as users run it.

Uses the run contract from config/README.md: another directory, a config with only the
two sheets, outputs under <dir>/results/. Every patient's decision and reasons are asserted.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from helpers import run_workflow

from mapk_filter.reports.patient import report_schema
from mapk_filter.rules import load_rules

pytestmark = pytest.mark.workflow  # snakemake in a subprocess

REPO = Path(__file__).resolve().parents[1]
BATCH = REPO / "resources" / "example_batch"

# patient -> (decision, substrings that must appear in its reasons, routes)
EXPECTED = {
    "P01": ("candidate", ["listed finding: ex vivo dasatinib IC50 4.2 nM < 10 nM (rule B-L4)"], []),
    "P02": ("not_candidate", ["not met: Age at screening below 21 years (value: 21.5)"], []),
    "P03": (
        "not_candidate",
        ["not met: Relapsed or refractory disease (value: newly_diagnosed)"],
        [],
    ),
    "P04": (
        "review",
        ["listed finding: ex vivo dasatinib IC50 5.5 nM", "unknown: B- or T-ALL, or B-/T-LBL"],
        [],
    ),
    "P05": ("not_candidate", ["not met: No earlier dasatinib and venetoclax in combination"], []),
    "P06": ("not_candidate", ["exclusion: BCL2 p.Gly101Val (G101V)", "(rule B-X1)"], []),
    "P07": (
        "review",
        [
            "sponsor review: KRAS p.Gly12Asp (G12D): Activating hotspot in a RAS/MAPK",
            "(rule B-R1)",
            "IC50 48 nM is not below 10 nM",
        ],
        ["D"],
    ),
    "P08": ("not_candidate", ["no qualifying or reviewable finding"], []),
    "P09": ("review", ["QC caveat (low depth (9 < 20)", "NRAS p.Gly12Asp"], ["D"]),
    "P10": ("review", ["possibly germline: present in the matched normal", "PTPN11"], ["D"]),
    "P11": ("review", ["sponsor review: NF1", "(rule B-R2)"], ["D"]),
    "P12": ("not_candidate", ["no qualifying or reviewable finding"], ["C"]),
    "P13": (
        "review",
        [
            "could not be read",
            "genome build mismatch: the sample sheet declares "
            "GRCh37 but the header contig lengths are GRCh38",
        ],
        [],
    ),
    "P14": (
        "candidate",
        [
            "listed finding: NUP214::ABL1 fusion, ABL1 breakpoint in intron 1 "
            "(before exon 2): kinase domain retained (rule B-L1)"
        ],
        [],
    ),
    "P15": (
        "candidate",
        [
            "listed finding: EBF1::PDGFRB fusion, PDGFRB breakpoint in intron 10 (before exon 11)",
            "(rule B-L3)",
        ],
        [],
    ),
    "P16": ("candidate", ["listed finding: ETV6::ABL1 fusion", "(rule B-L1)"], []),
    "P17": ("candidate", ["listed finding: BCR::ABL1 fusion", "(rule B-L1)"], []),
    "P18": ("candidate", ["listed finding: ABL1 amplification, CN 6 (>= 4)", "(rule B-L2)"], []),
    "P19": (
        "review",
        [
            "possible listed finding, to confirm: ABL1::ETV6 junction: ABL1 is the 5' partner",
            "forward junction ETV6::ABL1 not seen: confirm by RNA or FISH (rule B-L1)",
        ],
        [],
    ),
    "P20": ("not_candidate", ["not a listed finding: EBF1::PDGFRB", "kinase domain"], []),
    "P21": (
        "not_candidate",
        [
            "not a listed finding: ABL1 copy gain, CN 3 (below the "
            "amplification threshold 4): a gain, not an amplification"
        ],
        [],
    ),
    "P23": ("candidate", ["listed finding: EBF1::PDGFRB fusion", "(rule B-L3)"], []),
    "P24": (
        "not_candidate",
        [
            "no qualifying or reviewable finding",
            "not a listed finding: intragenic deletion of ABL1",
            "not a fusion; intronic",
        ],
        [],
    ),
    "P25": (
        "review",
        ["intragenic duplication of ABL1", "it touches kinase-domain exons 4-6", "(rule B-R13)"],
        [],
    ),
    "P26": (
        "review",
        [
            "possible listed finding, to confirm: PDGFRB::EBF1 junction",
            "orientation that cannot make EBF1::PDGFRB",
            "(rule B-L3)",
        ],
        [],
    ),
    "P27": (
        "review",
        [
            "possible listed finding, to confirm: possible BCR::ABL1 rearrangement",
            "3.0 kb 5' of ABL1), the whole ABL1 gene kept",
            "(rule B-L1)",
        ],
        [],
    ),
    "P28": (
        "not_candidate",
        [
            "no qualifying or reviewable finding",
            "ABL1 amplification, CN 8 (>= 4): the segment touches ABL1 (no MANE exon) but not "
            "its kinase-domain exons 4-9; the kinase is not amplified, not B-L2",
        ],
        [],
    ),
    "P29": ("not_candidate", ["P2RY8::CRLF2 rearrangement at chrX:"], ["C"]),
    "P30": ("review", ["sponsor review: NF1 deletion, CN 1 (< 2)", "(rule B-R12)"], ["D"]),
    "P31": (
        "not_candidate",
        ["PAX5::JAK2 fusion with JAK2 as 3' partner", "JAK2 kinase domain retained"],
        ["C"],
    ),
    "P32": (
        "review",
        [
            "genome build not verified: the BCL2 exclusion could not be checked reliably",
            "listed finding: ex vivo dasatinib IC50 2.5 nM",
        ],
        [],
    ),
    "P33": (
        "review",
        [
            "listed finding with QC caveat (present at diagnosis, not detected at relapse1): "
            "ETV6::ABL1 fusion"
        ],
        [],
    ),
    "P34": (
        "review",
        [
            "exclusion (B-X1) not assessable: BCL2 codons 101-104 (B-X1) "
            "(chr18:63318355-63318366): minimum depth 8 < 20 over 3 of 12 bases",
            "listed finding: ex vivo dasatinib IC50 3.3 nM",
        ],
        [],
    ),
    "P22": ("review", ["listed finding: NUP214::ABL1 fusion", "unknown: Lansky/Karnofsky"], []),
}


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory) -> Path:
    if shutil.which("snakemake") is None or shutil.which("mapk-filter") is None:
        pytest.fail("snakemake and mapk-filter must be installed (pip install '.[test]')")
    workdir = tmp_path_factory.mktemp("batch")
    (workdir / "config.yaml").write_text(
        f"patients: {BATCH / 'patients.tsv'}\nsamples: {BATCH / 'samples.tsv'}\n"
    )
    run = run_workflow(workdir)
    assert run.returncode == 0, run.stderr[-4000:]
    return workdir


def _report(workdir: Path, patient: str) -> dict:
    return json.loads((workdir / "results" / "patients" / patient / "report.json").read_text())


def test_every_patient_has_all_outputs(batch_run):
    patients = [
        r["patient_id"] for r in csv.DictReader((BATCH / "patients.tsv").open(), delimiter="\t")
    ]
    assert sorted(patients) == sorted(EXPECTED)
    for patient in patients:
        folder = batch_run / "results" / "patients" / patient
        for name in (
            "report.json",
            "variants.tsv",
            "report.html",
            "report.pdf",
            "phenopacket.json",
            "fhir.json",
        ):
            assert (folder / name).stat().st_size > 0, f"{patient}/{name}"
        assert (folder / "report.pdf").read_bytes().startswith(b"%PDF-")
    for name in ("summary.tsv", "summary.html", "summary.pdf"):
        assert (batch_run / "results" / "batch" / name).stat().st_size > 0, name


def test_snakemake_report_archive_builds_with_links_that_work_inside_it(batch_run):
    """`snakemake --report report.zip` on a finished run: a label per patient, and the
    batch overview's links resolve to files inside the archive."""
    run = run_workflow(batch_run, "--report", "report.zip", cores=1)
    assert run.returncode == 0, run.stderr[-3000:]
    with zipfile.ZipFile(batch_run / "report.zip") as archive:
        names = set(archive.namelist())
        (summary,) = [n for n in names if n.endswith("/summary.html")]
        page = archive.read(summary).decode()
        index = archive.read("report/report.html").decode()
    folder = summary.rsplit("/", 1)[0]
    links = re.findall(r'<a href="([^"]+)"', page)
    assert len(links) == len(EXPECTED)
    for link in links:
        assert f"{folder}/{link}" in names, link
    for patient in EXPECTED:  # the label of each patient's own entries
        assert f'"patient": "{patient}"' in index, patient
    for label in ("Phenopacket", "FHIR"):  # each patient's exports are filed too
        assert index.count(f'"format": "{label}"') == len(EXPECTED), label
    bundled = {n.rsplit("/", 1)[-1] for n in names if "/patients/P16/" in n}
    assert {"phenopacket.json", "fhir.json", "report.json"} <= bundled


@pytest.mark.parametrize("patient", sorted(EXPECTED))
def test_decision_and_reasons(batch_run, patient):
    decision, reason_parts, routes = EXPECTED[patient]
    report = _report(batch_run, patient)
    jsonschema.validate(report, report_schema())
    assert report["decision"] == decision, report["reasons"]
    text = "\n".join(report["reasons"])
    for part in reason_parts:
        assert part in text, f"{patient}: '{part}' not in reasons:\n{text}"
    assert [r["subprotocol"] for r in report["other_subprotocols"]] == routes


@pytest.mark.parametrize("patient", sorted(EXPECTED))
def test_accounting_reconciles_with_variants_tsv(batch_run, patient):
    report = _report(batch_run, patient)
    rows = list(
        csv.DictReader(
            (batch_run / "results" / "patients" / patient / "variants.tsv").open(), delimiter="\t"
        )
    )
    for acc in report["accounting"]:
        if acc["error"]:
            continue
        mine = [r for r in rows if r["sample_id"] == acc["sample_id"]]
        if acc["kind"] == "coverage":  # lines, not alleles: judged in report["exclusion"]
            assert acc["records_read"] > 0 and acc["alleles"] == len(mine) == 0
            assert f"{acc['sample_id']}: BCL2 codons 101-104" in report["exclusion"]["how"]
            continue
        assert acc["alleles"] == acc["outside_panel"] + len(mine) > 0
        assert acc["in_panel"] == len(mine) == sum(acc["by_status"].values())
        assert all(r["status"] and r["reason"] for r in mine)


def test_synonymous_at_hotspot_codon_is_benign_not_hotspot(batch_run):
    rows = list(
        csv.DictReader(
            (batch_run / "results" / "patients" / "P08" / "variants.tsv").open(), delimiter="\t"
        )
    )
    kras = [r for r in rows if r["gene"] == "KRAS"]
    assert [(r["status"], r["reason"]) for r in kras] == [("benign", "synonymous_at_hotspot_codon")]
    assert kras[0]["hgvs_p"].endswith("=")


def test_raw_file_report_says_other_variants_not_interpreted(batch_run):
    notes = "\n".join(_report(batch_run, "P07")["notes"])
    assert "other variants could not be interpreted" in notes


def test_provenance_has_versions_and_checksums(batch_run):
    prov = _report(batch_run, "P07")["provenance"]
    assert prov["rules"]["version"] == load_rules().version and len(prov["rules"]["sha256"]) == 64
    assert set(prov["panel"]["checksums_sha256"]) >= {"panel_genes.tsv", "hotspots.tsv"}
    assert all(len(i["sha256"]) == 64 for i in prov["inputs"])
    for package in ("cyvcf2", "pysam", "snakemake", "jinja2"):
        assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", prov["dependencies"][package]), package


def test_summary_has_one_row_per_patient(batch_run):
    rows = list(
        csv.DictReader((batch_run / "results" / "batch" / "summary.tsv").open(), delimiter="\t")
    )
    assert {r["patient_id"]: r["decision"] for r in rows} == {
        p: d for p, (d, _, _) in EXPECTED.items()
    }
    assessment = {r["patient_id"]: r["assessment"] for r in rows}
    assert {p for p, a in assessment.items() if a == "incomplete"} == {"P13", "P32", "P34"}
    p13 = next(r for r in rows if r["patient_id"] == "P13")
    assert "genome build mismatch" in p13["input_errors"]
    key = {r["patient_id"]: r["key_findings"] for r in rows}
    assert key["P14"] == "NUP214::ABL1 fusion"
    assert key["P19"] == "ABL1::ETV6 fusion [review]"
    assert key["P21"] == "ABL1 gain CN 3 [not listed]"
    assert key["P09"] == "NRAS p.Gly12Asp [filtered]"
    assert key["P24"] == "ABL1 intragenic deletion [not listed]"
    assert key["P29"] == "P2RY8::CRLF2 fusion [not listed]"


def test_every_report_of_the_run_stands_and_decides_again_the_same(batch_run):
    """`mapk-filter verify --rerun` over the whole batch as the workflow left it."""
    reports = sorted(str(p) for p in (batch_run / "results" / "patients").glob("*/report.json"))
    assert len(reports) == len(EXPECTED)
    run = subprocess.run(
        ["mapk-filter", "verify", "--rerun", *reports],
        cwd=batch_run,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.stdout.count("the report stands on these files") == len(EXPECTED)
    # the exports beside each report were checked against it
    assert run.stdout.count("ok  export: phenopacket.json: agrees with report.json") == len(
        EXPECTED
    )
    assert run.stdout.count("ok  export: fhir.json: agrees with report.json") == len(EXPECTED)


def test_exports_can_be_turned_off(tmp_path):
    (tmp_path / "config.yaml").write_text(
        f"patients: {BATCH / 'patients.tsv'}\nsamples: {BATCH / 'samples.tsv'}\n"
        "exports:\n  phenopacket: false\n"
    )
    run = run_workflow(tmp_path, "-n", "--forceall", "-p", cores=1)
    assert run.returncode == 0, run.stderr[-3000:]
    planned = run.stdout + run.stderr
    assert "--exports fhir.json" in planned
    assert "phenopacket.json" not in planned


def test_rerun_is_a_no_op(batch_run):
    run = run_workflow(batch_run, "-n", cores=1)
    assert run.returncode == 0
    assert "Nothing to be done" in run.stdout + run.stderr


def test_default_config_dry_run_from_the_repo():
    """The README's first command, planned: --forceall so that results/ left by a real run
    of it in this checkout cannot make the plan empty (tests pass in either order)."""
    run = subprocess.run(
        ["snakemake", "-n", "--forceall", "--cores", "1", "--directory", str(REPO)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "summarize_batch" in run.stdout + run.stderr


def test_cli_help_and_version():
    for args in (
        ["--version"],
        ["--help"],
        ["panel", "check", "--help"],
        ["classify", "--help"],
        ["decide", "--help"],
        ["render", "--help"],
        ["summarize", "--help"],
        ["verify", "--help"],
    ):
        run = subprocess.run(
            [sys.executable, "-m", "mapk_filter.cli", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, args
        assert "mapk-filter" in run.stdout


def test_panel_check_passes_on_bundled_data():
    run = subprocess.run(
        ["mapk-filter", "panel", "check"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("OK")


def test_slurm_profile_dry_run():
    """The plugin is in the test extra, so this runs wherever the tests do."""
    import snakemake_executor_plugin_slurm  # noqa: F401

    run = subprocess.run(
        [
            "snakemake",
            "-n",
            "--directory",
            str(REPO),
            "--profile",
            str(REPO / "workflow" / "profiles" / "slurm"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    # every shard job asks for the resources its size needs (rules/common.smk)
    jobs = re.findall(r"rule (\w+):\n(?:    .*\n)*?    resources: ([^\n]*)", run.stdout)
    resources = {name: dict(kv.split("=", 1) for kv in r.split(", ")) for name, r in jobs}
    shards = [n for n in resources if n.startswith(("classify_shard_", "report_shard_"))]
    assert shards and all(resources[n]["mem_mb"] == "1000" for n in shards)
    assert resources["classify_shard_1"]["runtime"] == str(10 + 2 * 50)  # a full shard
    assert resources["summarize_batch"]["mem_mb"] == "2000"  # the profile's set-resources


def test_an_eligibility_value_in_the_config_is_refused(tmp_path):
    """B-L2's CN threshold is in the versioned rules file; a config edit must not move it."""
    (tmp_path / "config.yaml").write_text(
        f"patients: {BATCH / 'patients.tsv'}\nsamples: {BATCH / 'samples.tsv'}\n"
        "filters:\n  min_amplification_cn: 3\n"
    )
    run = run_workflow(tmp_path, "-n")
    assert run.returncode != 0
    message = run.stdout + run.stderr
    assert "filters.min_amplification_cn is an eligibility value, not a QC threshold" in message
    assert "B-L2 requires.min_copy_number" in message
    assert not (tmp_path / "results").exists()
