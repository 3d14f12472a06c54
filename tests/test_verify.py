"""`mapk-filter verify`: a report stands only while every file it names is unchanged.

Each test builds a small self-contained batch (example patients P06, a BCL2 exclusion,
and P16, an ETV6::ABL1 candidate) in its own working directory, with sheets and paths
relative to it as a workflow run has them, and decides it with the functions the
workflow's jobs call. Then it changes something and asks verify.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import REPO, decide_rows

from mapk_filter.cli import main
from mapk_filter.resources import sha256_file, trial_rules_path
from mapk_filter.settings import Filters
from mapk_filter.sheets import read_samples
from mapk_filter.verify import Locator, first_difference, verify

EXAMPLE = REPO / "resources" / "example_batch"
PATIENTS = ("P06", "P16")


def make_run(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    rules: Path | None = None,
    filters: Filters | None = None,
    panel: Path | None = None,
) -> dict[str, Path]:
    """The batch in ``workdir/batch`` (sheets and files), decided from ``workdir``:
    patient -> its report.json (under ``workdir/results``)."""
    batch = workdir / "batch"
    batch.mkdir(parents=True)
    for name in ("patients.tsv", "samples.tsv"):
        lines = (EXAMPLE / name).read_text().splitlines()
        kept = [lines[0], *(line for line in lines[1:] if line.split("\t")[0] in PATIENTS)]
        (batch / name).write_text("\n".join(kept) + "\n")
    for row in read_samples(batch / "samples.tsv", strict=False):
        shutil.copy2(EXAMPLE / row.path.name, batch / row.path.name)
    return decide_run(workdir, monkeypatch, rules=rules, filters=filters, panel=panel)


def decide_run(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    rules: Path | None = None,
    filters: Filters | None = None,
    panel: Path | None = None,
    sheet_errors: tuple[str, ...] = (),
) -> dict[str, Path]:
    """Classify and decide the batch of ``make_run`` from its sheets, in ``workdir``
    (``sheet_errors``: rows the workflow left out, given to every patient)."""
    monkeypatch.chdir(workdir)
    sheet = Path("batch/samples.tsv")
    rows = read_samples(sheet, strict=False)
    # as the workflow does: a row whose file is missing is left out, and its patient told
    left_out: dict[str, tuple[str, ...]] = {p: sheet_errors for p in PATIENTS}
    for row in rows:
        if not row.path.is_file():
            message = f"{sheet} sample {row.sample_id}: file not found"
            left_out[row.patient_id] = (*left_out[row.patient_id], message)
    reports = decide_rows(
        Path("batch/patients.tsv"),
        sheet,
        [r for r in rows if r.path.is_file()],
        samples_out=Path("results/samples"),
        patients_out=Path("results/patients"),
        filters=filters,
        panel=panel,
        rules=rules,
        sheet_errors=left_out,
    )
    return {patient: workdir / path for patient, path in reports.items()}


def failed(result) -> list[str]:
    return [c.line() for c in result.mismatches]


def test_an_untouched_batch_stands_and_the_command_says_so(tmp_path, monkeypatch, capsys):
    reports = make_run(tmp_path / "run", monkeypatch)
    for patient, path in reports.items():
        result = verify(path)
        assert result.stands, failed(result)
        assert result.patient_id == patient
        names = {c.name for c in result.checks}
        # every input, the rules and every panel table were checked, by their recorded paths
        for sheet in ("batch/patients.tsv", "batch/samples.tsv"):  # and where they are now
            assert f"{sheet} (at {tmp_path / 'run' / sheet})" in names
        assert str(trial_rules_path()) in names
        assert sum(c.what == "panel" for c in result.checks) == 7
        assert {c.what for c in result.checks} >= {"tool", "report", "input", "rules", "panel"}
        assert {"mapk-filter version", "mapk-filter source", "inputs"} <= names
    assert main(["verify", *map(str, reports.values())]) == 0
    out = capsys.readouterr().out
    assert out.count("the report stands on these files") == 2
    assert "MISMATCH" not in out


def test_a_changed_input_is_named_and_the_exit_code_says_it(tmp_path, monkeypatch, capsys):
    reports = make_run(tmp_path / "run", monkeypatch)
    vcf = tmp_path / "run" / "batch" / "P16_mutect2.vcf"
    vcf.write_text(vcf.read_text().replace("PASS", "LowQual", 1))
    result = verify(reports["P16"])
    assert not result.stands
    [mismatch] = result.mismatches
    assert mismatch.what == "input" and mismatch.name.endswith("P16_mutect2.vcf")
    recorded = next(
        i["sha256"]
        for i in json.loads(reports["P16"].read_text())["provenance"]["inputs"]
        if i["path"].endswith("P16_mutect2.vcf")
    )
    now = sha256_file(vcf)
    assert mismatch.detail == f"changed: sha256 {recorded[:12]} recorded, {now[:12]} now"
    assert verify(reports["P06"]).stands  # the other patient's files are untouched
    assert main(["verify", str(reports["P06"]), str(reports["P16"])]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH  input: " in out and "P16_mutect2.vcf: changed: sha256" in out
    assert "the report does NOT stand: 1 mismatch of" in out


def test_a_missing_input_is_a_mismatch_never_a_pass(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    (tmp_path / "run" / "batch" / "P06_strelka2.vcf").unlink()
    [mismatch] = verify(reports["P06"]).mismatches
    assert mismatch.name.endswith("P06_strelka2.vcf") and mismatch.detail == "missing"


def test_a_changed_rules_file_is_named(tmp_path, monkeypatch):
    rules = tmp_path / "rules.yaml"
    shutil.copy2(trial_rules_path(), rules)
    reports = make_run(tmp_path / "run", monkeypatch, rules=rules)
    assert verify(reports["P16"]).stands
    rules.write_text(rules.read_text() + "# an edit\n")
    [mismatch] = verify(reports["P16"]).mismatches
    assert (mismatch.what, mismatch.name) == ("rules", str(rules))
    assert mismatch.detail.startswith("changed: ")


def test_a_changed_panel_table_is_named(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    # the report as if made with a copy of the panel, which is then edited
    panel = tmp_path / "panel"
    shutil.copytree(REPO / "resources" / "gene_lists", panel)
    files = report["provenance"]["panel"]["files"]
    files["hotspots.tsv"] = str(panel / "hotspots.tsv")
    reports["P16"].write_text(json.dumps(report))
    assert verify(reports["P16"]).stands
    with open(panel / "hotspots.tsv", "a") as handle:
        handle.write("\n")
    [mismatch] = verify(reports["P16"]).mismatches
    assert (mismatch.what, mismatch.name) == ("panel", str(panel / "hotspots.tsv"))


def test_a_report_from_another_version_does_not_stand(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P06"].read_text())
    report["provenance"]["tool_version"] = "0.0.1"
    reports["P06"].write_text(json.dumps(report))
    [mismatch] = verify(reports["P06"]).mismatches
    assert mismatch.what == "tool" and "other version: report made by 0.0.1" in mismatch.detail


def test_a_moved_batch_stands_with_base_and_not_without(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    monkeypatch.chdir(tmp_path)
    shutil.move(tmp_path / "run", tmp_path / "archive")
    moved = tmp_path / "archive" / "results" / "patients" / "P16" / "report.json"
    before = verify(moved)
    assert not before.stands
    [location] = [c for c in before.mismatches if c.name == "location"]
    assert (location.what, location.detail) == (
        "report",
        f"the report is not under its run's working directory {tmp_path / 'run'}: if the batch "
        "moved, give --base (its files were looked for where they were)",
    )
    assert {c.detail for c in before.mismatches if c.what == "input"} == {"missing"}
    after = verify(moved, base=tmp_path / "archive", rerun=True)
    assert after.stands, failed(after)
    assert any(f"(at {tmp_path / 'archive'}" in c.name for c in after.checks)
    assert main(["verify", "--base", str(tmp_path / "archive"), str(moved)]) == 0
    assert reports  # the reports were made before the move


def test_rerun_repeats_the_decision_reasons_and_findings(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    for path in reports.values():
        result = verify(path, rerun=True)
        assert result.stands, failed(result)
        reran = [c for c in result.checks if c.what == "rerun"]
        assert [c.name for c in reran] == [
            "decision",
            "assessment",
            "reasons",
            "findings",
            "the rest",
        ]
        report = json.loads(path.read_text())
        assert reran[0].detail == f"the same when decided again ({report['decision']})"
        assert reran[2].detail == f"the same when decided again ({len(report['reasons'])})"
        compared = len(set(report) - {"provenance", "report_id"}) - 4
        assert reran[4].detail == f"the same when decided again ({compared} keys)"
    candidate = json.loads(reports["P16"].read_text())
    assert candidate["decision"] == "candidate"  # the case is what the test says it is


def test_rerun_uses_the_recorded_thresholds(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch, filters=Filters(min_depth=500))
    result = verify(reports["P06"], rerun=True)
    assert result.stands, failed(result)
    report = json.loads(reports["P06"].read_text())
    [recorded] = [i for i in report["provenance"]["inputs"] if i.get("sample_id")]
    assert recorded["settings"]["filters"]["min_depth"] == 500
    # decided again with the default thresholds instead, the findings would differ
    recorded["settings"] = {}
    reports["P06"].write_text(json.dumps(report))
    names = {c.name for c in verify(reports["P06"], rerun=True).mismatches}
    assert "findings" in names


def test_rerun_names_a_decision_the_files_no_longer_give(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    report["decision"], report["reasons"] = "not_candidate", ["an edited reason"]
    reports["P16"].write_text(json.dumps(report))
    mismatches = {c.name: c.detail for c in verify(reports["P16"], rerun=True).mismatches}
    assert mismatches["decision"] == "not_candidate recorded, candidate now"
    assert mismatches["reasons"].startswith("differs at reasons")
    assert "findings" not in mismatches
    rest = [c for c in verify(reports["P16"], rerun=True).checks if c.name == "the rest"]
    assert [c.ok for c in rest] == [True]  # the other keys still agree, and say so


def test_rerun_after_a_changed_input_shows_what_changed(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    vcf = tmp_path / "run" / "batch" / "P06_strelka2.vcf"
    kept = [line for line in vcf.read_text().splitlines() if not line.startswith("chr18\t")]
    vcf.write_text("\n".join(kept) + "\n")  # the BCL2 exclusion's record is gone
    result = verify(reports["P06"], rerun=True)
    names = {(c.what, c.name) for c in result.mismatches}
    assert [n for w, n in names if w != "rerun"] == [str(vcf)]
    # every part of the report that the exclusion decided is named, not only the decision
    assert {"decision", "reasons", "findings", "exclusion", "banner", "accounting"} <= {
        n for w, n in names if w == "rerun"
    }
    assert "the rest" not in {c.name for c in result.checks}


def test_an_unreadable_report_is_an_error_naming_it(tmp_path, capsys):
    bad = tmp_path / "report.json"
    bad.write_text("{ not json")
    assert main(["verify", str(bad)]) == 2
    assert f"{bad}: cannot read the report" in capsys.readouterr().err
    bad.write_text("[]")
    assert main(["verify", str(bad)]) == 2
    assert "not a mapk-filter report.json" in capsys.readouterr().err


def test_an_invalid_report_does_not_stand(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P06"].read_text())
    report["decision"] = "maybe"
    reports["P06"].write_text(json.dumps(report))
    [mismatch] = verify(reports["P06"]).mismatches
    assert mismatch.what == "report" and mismatch.detail.startswith("invalid: decision: ")


def test_locator_moves_only_paths_under_the_old_working_directory(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    moved = Locator(old, new)
    assert moved.find("a/b.vcf") == new / "a" / "b.vcf"
    assert moved.find(str(old / "a" / "b.vcf")) == new / "a" / "b.vcf"
    assert moved.find("/elsewhere/b.vcf") == Path("/elsewhere/b.vcf")
    assert Locator(old, None).find("a/b.vcf") == old / "a" / "b.vcf"
    assert Locator(old, None).find(str(old / "x")) == old / "x"
    assert Locator(None, None).find("x") == Path.cwd() / "x"


def test_first_difference_gives_the_json_path():
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) is None
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == "/a/1/b"
    assert first_difference({"a": 1}, {"a": 1, "c": 2}) == "/c"
    assert first_difference([1], [1, 2]) == " (length 1 expected, 2 found)"
    assert first_difference(1, 2) == "/"


def test_exports_beside_a_report_must_agree_with_it(tmp_path, monkeypatch):
    from mapk_filter.exports import hgnc_ids
    from mapk_filter.panel import load_panel
    from mapk_filter.verify import exporters

    reports = make_run(tmp_path / "run", monkeypatch)
    folder = reports["P16"].parent
    report = json.loads(reports["P16"].read_text())
    for name, export in exporters().items():
        (folder / name).write_text(json.dumps(export(report, hgnc_ids(load_panel()))))
    checked = {c.name: c for c in verify(reports["P16"]).checks if c.what == "export"}
    assert sorted(checked) == ["fhir.json", "phenopacket.json"]
    assert {c.detail for c in checked.values()} == {"agrees with report.json"}
    edited = json.loads((folder / "fhir.json").read_text())
    edited["type"] = "document"
    (folder / "fhir.json").write_text(json.dumps(edited))
    (folder / "phenopacket.json").write_text("{ truncated")
    mismatches = {c.name: c.detail for c in verify(reports["P16"]).mismatches}
    assert mismatches["fhir.json"] == "disagrees with report.json at /type"
    assert mismatches["phenopacket.json"].startswith("unreadable: ")


def test_a_report_from_other_code_does_not_stand(tmp_path, monkeypatch):
    """The version alone does not change with the code; the source digest does."""
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P06"].read_text())
    report["provenance"]["tool_sha256"] = "0" * 64
    reports["P06"].write_text(json.dumps(report))
    [mismatch] = verify(reports["P06"]).mismatches
    assert mismatch.name == "mapk-filter source"
    assert mismatch.detail == (
        f"other code: the report records sha256 000000000000, this is {_digest()}"
    )


def test_the_inputs_must_list_every_file_the_report_was_decided_on(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    inputs = report["provenance"]["inputs"]
    report["provenance"]["inputs"] = [i for i in inputs if not i.get("sample_id")]
    reports["P16"].write_text(json.dumps(report))
    problems = [c.detail for c in verify(reports["P16"]).mismatches if c.name == "inputs"]
    samples = json.loads(reports["P16"].read_text())["samples"]
    assert problems == sorted(
        f"sample file {s['path']} (sha256 {s['sha256'][:12]}) is not an input" for s in samples
    )
    assert {c.what for c in verify(reports["P16"]).mismatches} == {"report"}
    report["provenance"]["inputs"] = [i for i in inputs if i.get("role") != "patient sheet"]
    reports["P16"].write_text(json.dumps(report))
    [problem] = [c.detail for c in verify(reports["P16"]).mismatches if c.name == "inputs"]
    assert problem == "no patient sheet among the inputs"


def test_an_export_the_report_says_was_written_must_be_there(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    report["provenance"]["exports"] = ["fhir.json"]
    reports["P16"].write_text(json.dumps(report))
    [mismatch] = verify(reports["P16"]).mismatches
    assert (mismatch.what, mismatch.name) == ("export", "fhir.json")
    assert mismatch.detail == "missing: the report says it was written"


def test_a_malformed_report_is_named_not_a_traceback(tmp_path, monkeypatch, capsys):
    reports = make_run(tmp_path / "run", monkeypatch)
    from mapk_filter.exports import hgnc_ids
    from mapk_filter.panel import load_panel
    from mapk_filter.verify import exporters

    report = json.loads(reports["P16"].read_text())
    fhir = exporters()["fhir.json"](report, hgnc_ids(load_panel()))
    (reports["P16"].parent / "fhir.json").write_text(json.dumps(fhir))
    del report["findings"][0]["status"]
    reports["P16"].write_text(json.dumps(report))
    result = verify(reports["P16"])
    assert [c.what for c in result.mismatches] == ["report"]
    assert "'status' is a required property" in result.mismatches[0].detail
    # the exporter is not run on a report that breaks the schema, and cannot crash verify
    assert not [c for c in result.checks if c.what == "export"]
    assert main(["verify", str(tmp_path / "missing.json"), str(reports["P16"])]) == 2
    captured = capsys.readouterr()
    assert "missing.json: cannot read the report" in captured.err
    assert "patient P16" in captured.out  # the next report was still checked


def test_base_moves_absolute_paths_written_through_a_symlink(tmp_path, monkeypatch):
    """A run in a folder reached through a symlink records its working directory resolved,
    while the sheet's absolute paths keep the symlink: --base must move both."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    reports = make_run(tmp_path / "link" / "run", monkeypatch)
    sheet = tmp_path / "link" / "run" / "batch" / "samples.tsv"
    lines = sheet.read_text().splitlines()
    # the sheet's paths written absolute, through the symlink, as a user may write them
    rows = [lines[0], *(_absolute(line, tmp_path / "link" / "run" / "batch") for line in lines[1:])]
    sheet.write_text("\n".join(rows) + "\n")
    reports = decide_run(tmp_path / "link" / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    assert str(tmp_path / "link") in json.dumps(report["provenance"]["inputs"])
    shutil.copytree(real / "run", tmp_path / "archive")
    archived = tmp_path / "archive" / "batch" / "P16_mutect2.vcf"
    first, rest = archived.read_text().split("\n", 1)
    archived.write_text(f"{first}\n##note=archived\n{rest}")  # only the archive's copy
    moved = tmp_path / "archive" / "results" / "patients" / "P16" / "report.json"
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(real / "run")  # the old place is gone: nothing may be read from it
    mismatches = verify(moved, base=tmp_path / "archive", rerun=True).mismatches
    assert [c.name for c in mismatches] == [
        f"{tmp_path / 'link' / 'run' / 'batch' / 'P16_mutect2.vcf'} (at {archived})",
        "samples",  # decided again from the archive: the same but for that file's checksum
    ]
    assert mismatches[1].detail == "differs at samples/1/sha256"


def _absolute(line: str, folder: Path) -> str:
    cells = line.split("\t")
    cells[3] = str(folder / cells[3])
    return "\t".join(cells)


def test_every_check_of_a_clean_report_says_what_it_found(tmp_path, monkeypatch, capsys):
    from mapk_filter import __version__
    from mapk_filter.provenance import source_digest

    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    result = verify(reports["P16"])
    assert result.report == reports["P16"] and result.patient_id == "P16"
    shown = [(c.what, c.ok, c.detail) for c in result.checks]
    assert [c.name for c in result.checks[:4]] == [
        "mapk-filter version",
        "mapk-filter source",
        "report.json",
        "inputs",
    ]
    assert shown[:4] == [
        ("tool", True, __version__),
        ("tool", True, f"sha256 {source_digest()[:12]}"),
        ("report", True, "valid against report.schema.json"),
        ("report", True, "2 sample files, both sheets"),
    ]
    inputs = report["provenance"]["inputs"]
    assert shown[4 : 4 + len(inputs)] == [
        ("input", True, f"unchanged (sha256 {i['sha256'][:12]})") for i in inputs
    ]
    rules = report["provenance"]["rules"]
    assert shown[4 + len(inputs)] == ("rules", True, f"unchanged (sha256 {rules['sha256'][:12]})")
    panel = sorted(report["provenance"]["panel"]["checksums_sha256"].items())
    assert [c for c in result.checks if c.what == "panel"] == [
        verify_check("panel", report["provenance"]["panel"]["files"][name], sha)
        for name, sha in panel
    ]
    assert (
        result.text().splitlines()[-1] == f"the report stands on these files ({len(shown)} checks)"
    )
    assert result.text().splitlines()[0] == f"{reports['P16']}: patient P16"
    assert result.text().splitlines()[1] == f"  ok  tool: mapk-filter version: {__version__}"


def verify_check(what: str, path: str, sha: str):
    from mapk_filter.verify import Check

    return Check(what, path, True, f"unchanged (sha256 {sha[:12]})")


def test_the_verdict_counts_the_mismatches(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    for name in ("P16_mutect2.vcf", "P16_sv_manta_etv6_abl1.vcf"):
        (tmp_path / "run" / "batch" / name).unlink()
    result = verify(reports["P16"])
    n = len(result.checks)
    assert (
        result.text().splitlines()[-1] == f"the report does NOT stand: 2 mismatches of {n} checks"
    )
    assert result.mismatches[0].line().startswith("MISMATCH  input: ")
    assert result.mismatches[0].line().endswith(": missing")
    (tmp_path / "run" / "batch" / "P06_strelka2.vcf").unlink()
    last = verify(reports["P06"]).text().splitlines()[-1]
    assert last.startswith("the report does NOT stand: 1 mismatch of ")


@pytest.mark.parametrize(
    "part",
    [
        "tool_version",
        "tool_sha256",
        "inputs",
        "rules",
        "panel",
        "exports",
        "rules.path",
        "rules.sha256",
        "panel.files",
        "panel.checksums_sha256",
    ],
)
def test_a_report_missing_a_part_of_its_provenance_does_not_stand(tmp_path, monkeypatch, part):
    """Older or damaged reports: never a traceback, never a pass (with --rerun too)."""
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    from mapk_filter.exports import hgnc_ids
    from mapk_filter.panel import load_panel
    from mapk_filter.verify import exporters

    for name, export in exporters().items():  # the gene table is looked up even so
        (reports["P16"].parent / name).write_text(
            json.dumps(export(report, hgnc_ids(load_panel())))
        )
    where, _, key = part.rpartition(".")
    holder = report["provenance"][where] if where else report["provenance"]
    del holder[key]
    if part == "exports":  # the report names none: then none is required, but one there
        (reports["P16"].parent / "fhir.json").write_text("{}")  # must still agree
        (reports["P16"].parent / "phenopacket.json").unlink()
    reports["P16"].write_text(json.dumps(report))
    for rerun in (False, True):
        result = verify(reports["P16"], rerun=rerun)
        assert not result.stands, (part, rerun)
    details = {c.detail for c in verify(reports["P16"]).mismatches}
    expected = {
        "tool_version": f"other version: report made by , this is {_version()}",
        "tool_sha256": f"other code: the report records no source digest, this is {_digest()}",
        "inputs": "no patient sheet among the inputs",
        "rules": "the report does not record its path",
        "rules.path": "the report does not record its path",
        "rules.sha256": "changed: sha256  recorded, ",
        "panel": "the report records no checksums",
        "panel.checksums_sha256": "the report records no checksums",
        "panel.files": "the report does not record its path",
        "exports": "disagrees with report.json at /entry",
    }[part]
    assert any(d == expected or d.startswith(expected) for d in details), details
    name = {
        "tool_version": "mapk-filter version",
        "tool_sha256": "mapk-filter source",
        "rules": "rules file",
        "rules.path": "rules file",
        "panel": "panel tables",
        "panel.checksums_sha256": "panel tables",
    }.get(part)
    if name:
        assert name in {c.name for c in verify(reports["P16"]).mismatches}
    if part == "panel.files":  # nor is it decided again on the bundled panel instead
        [rerun] = [c for c in verify(reports["P16"], rerun=True).checks if c.what == "rerun"]
        assert rerun.detail == "could not be re-decided: 'panel_genes.tsv'"


def _version() -> str:
    from mapk_filter import __version__

    return __version__


def _digest() -> str:
    from mapk_filter.provenance import source_digest

    return source_digest()[:12]


def test_rerun_that_cannot_run_says_so(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    report["provenance"]["inputs"] = [
        i for i in report["provenance"]["inputs"] if i.get("role") != "sample sheet"
    ]
    reports["P16"].write_text(json.dumps(report))
    [rerun] = [c for c in verify(reports["P16"], rerun=True).checks if c.what == "rerun"]
    assert (rerun.name, rerun.ok) == ("decision", False)
    assert rerun.detail == "could not be re-decided: 'sample sheet'"


def test_rerun_uses_the_recorded_rules_and_panel(tmp_path, monkeypatch):
    """Decided again with the bundled rules or panel instead, the report would differ."""
    rules = tmp_path / "rules.yaml"
    text = trial_rules_path().read_text()
    rules.write_text(
        text.replace(
            "name: ABL1 fusion keeping the kinase domain", "name: ABL1 fusion (site wording)"
        )
    )
    panel = tmp_path / "panel"
    shutil.copytree(REPO / "resources" / "gene_lists", panel)
    genes = panel / "panel_genes.tsv"
    genes.write_text(genes.read_text().replace("ENST00000318560.6", "ENST00000318560.7"))
    reports = make_run(tmp_path / "run", monkeypatch, rules=rules, panel=panel)
    report = json.loads(reports["P16"].read_text())
    assert report["rules"]["B-L1"]["name"] == "ABL1 fusion (site wording)"
    assert report["findings"][0]["transcript"] == "ENST00000318560.7"
    # the exports beside it were made with that panel's HGNC IDs (one edited here)
    genes.write_text(genes.read_text().replace("HGNC:76\t", "HGNC:999999\t"))
    from mapk_filter.exports import hgnc_ids
    from mapk_filter.panel import load_panel
    from mapk_filter.verify import exporters

    ids = hgnc_ids(load_panel(panel))
    assert ids["ABL1"] == "HGNC:999999"
    for name, export in exporters().items():
        (reports["P16"].parent / name).write_text(json.dumps(export(report, ids)))
    result = verify(reports["P16"], rerun=True)
    assert [c.name for c in result.mismatches] == [str(panel / "panel_genes.tsv")]
    exports = [c for c in result.checks if c.what == "export"]
    assert [c.ok for c in exports] == [True, True]
    assert [c.detail for c in result.checks if c.what == "rerun"][-1].startswith("the same")


def test_rerun_of_a_report_without_recorded_settings_uses_the_defaults(tmp_path, monkeypatch):
    """Reports made before the settings were recorded: decided again with the defaults."""
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    for entry in report["provenance"]["inputs"]:
        entry.pop("settings", None)
    reports["P16"].write_text(json.dumps(report))
    assert verify(reports["P16"], rerun=True).stands
    for entry in report["provenance"]["inputs"]:
        entry.pop("sample_id", None)
    reports["P16"].write_text(json.dumps(report))
    assert verify(reports["P16"], rerun=True).stands


def test_rerun_flags_a_statement_the_files_do_not_make(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    report["germline"] = [{"gene": "PTPN11", "note": "an added claim"}]
    del report["other_panel_records_total"]
    reports["P16"].write_text(json.dumps(report))
    checks = [c for c in verify(reports["P16"], rerun=True).checks if c.what == "rerun"]
    assert [c.name for c in checks] == [
        "decision",
        "assessment",
        "reasons",
        "findings",
        "germline",
        "other_panel_records_total",
    ]
    reran = {c.name: c for c in checks}
    assert not reran["germline"].ok and not reran["other_panel_records_total"].ok
    assert reran["other_panel_records_total"].detail == ("differs at other_panel_records_total")
    assert "the rest" not in reran


def test_a_check_is_a_verdict_about_a_known_thing():
    from mapk_filter.verify import Check

    assert Check("input", "a.vcf", False, "missing").line() == "MISMATCH  input: a.vcf: missing"
    assert Check("rules", "r.yaml", True, "unchanged").line() == "ok  rules: r.yaml: unchanged"
    for bad in (
        ("inputs", "a.vcf", True, ""),
        ("input", "a.vcf", None, ""),
        ("input", "", True, ""),
        ("input", "a.vcf", True, None),
    ):
        with pytest.raises(ValueError, match="not a check"):
            Check(*bad)


def test_rerun_gives_back_the_sheet_rows_the_run_left_out(tmp_path, monkeypatch):
    """Rows the workflow left out are in the report as input problems; decided again
    without them, a review would become a candidate."""
    reports = make_run(tmp_path / "run", monkeypatch)
    left_out = ("batch/samples.tsv line 9: sample X: file not found: x.vcf",)
    reports = decide_run(tmp_path / "run", monkeypatch, sheet_errors=left_out)
    report = json.loads(reports["P16"].read_text())
    assert report["decision"] == "review" and report["assessment"] == "incomplete"
    result = verify(reports["P16"], rerun=True)
    assert result.stands, failed(result)


def test_a_report_without_its_working_directory_reads_from_here(tmp_path, monkeypatch):
    """Older reports: relative paths are taken from the current folder."""
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    del report["provenance"]["working_directory"]
    reports["P16"].write_text(json.dumps(report))
    assert verify(reports["P16"]).stands
    monkeypatch.chdir(tmp_path)
    assert {c.detail for c in verify(reports["P16"]).mismatches} == {"missing"}


def test_a_report_without_samples_or_patient_is_named_not_a_traceback(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    del report["samples"], report["patient_id"]
    reports["P16"].write_text(json.dumps(report))
    result = verify(reports["P16"], rerun=True)
    assert result.patient_id == "" and not result.stands
    assert {c.name for c in result.mismatches} >= {"report.json", "inputs"}


def test_exports_fall_back_to_the_bundled_gene_table_when_the_panel_is_gone(tmp_path, monkeypatch):
    from mapk_filter.exports import hgnc_ids
    from mapk_filter.panel import load_panel
    from mapk_filter.verify import exporters

    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    files = report["provenance"]["panel"]["files"]
    files.update({name: f"/nonexistent/{name}" for name in files})
    reports["P16"].write_text(json.dumps(report))
    for name, export in exporters().items():
        (reports["P16"].parent / name).write_text(
            json.dumps(export(report, hgnc_ids(load_panel())))
        )
    result = verify(reports["P16"])
    assert {c.what for c in result.mismatches} == {"panel"}
    assert [c.detail for c in result.checks if c.what == "export"] == [
        "agrees with report.json"
    ] * 2


def test_an_unreadable_file_is_a_mismatch(tmp_path, monkeypatch):
    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    report["provenance"]["inputs"].append(
        {"path": "/proc/self/mem", "sha256": "0" * 64, "role": "small_variants"}
    )
    reports["P16"].write_text(json.dumps(report))
    [mismatch] = [c for c in verify(reports["P16"]).mismatches if c.what == "input"]
    assert mismatch.name == "/proc/self/mem" and mismatch.detail.startswith("unreadable: ")


def test_a_rerun_or_export_error_is_named_not_a_traceback(tmp_path, monkeypatch):
    from mapk_filter.exports import hgnc_ids
    from mapk_filter.panel import load_panel
    from mapk_filter.verify import exporters

    reports = make_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    for name, export in exporters().items():
        (reports["P16"].parent / name).write_text(
            json.dumps(export(report, hgnc_ids(load_panel())))
        )
    report["provenance"]["inputs"][2]["settings"] = "thresholds"  # not a mapping
    report["rules"]["B-L1"] = "a rule as text"  # the schema leaves this part open
    reports["P16"].write_text(json.dumps(report))
    result = verify(reports["P16"], rerun=True)
    [rerun] = [c for c in result.checks if c.what == "rerun"]
    assert (rerun.name, rerun.ok) == ("decision", False)
    assert rerun.detail.startswith("could not be re-decided (AttributeError: ")
    details = {c.name: c.detail for c in result.mismatches if c.what == "export"}
    assert details["fhir.json"].startswith("cannot be derived from report.json (AttributeError: ")


def test_first_difference_of_unlike_values():
    assert first_difference({"a": 1}, [1]) == "/"
    assert first_difference([1], {"a": 1}) == "/"


def test_rerun_keeps_the_rows_left_out_and_the_default_build(tmp_path, monkeypatch):
    """A row the run left out (its file missing) is written again for its timepoint only;
    rows without a genome_build are read again on the build they were read on."""
    reports = make_run(tmp_path / "run", monkeypatch)
    sheet = tmp_path / "run" / "batch" / "samples.tsv"
    header, *rows = sheet.read_text().splitlines()
    build = header.split("\t").index("genome_build")
    blanked = [
        "\t".join("" if i == build else c for i, c in enumerate(r.split("\t"))) for r in rows
    ]
    extra = "P16\tP16_lost\tsmall_variants\tlost.vcf\t\t\tGRCh38\tdiagnosis"
    sheet.write_text("\n".join([header, *blanked, extra]) + "\n")
    reports = decide_run(tmp_path / "run", monkeypatch)
    report = json.loads(reports["P16"].read_text())
    assert any("P16_lost: file not found" in p for p in report["input_problems"])
    result = verify(reports["P16"], rerun=True)
    assert result.stands, failed(result)
