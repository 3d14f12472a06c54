"""`mapk-filter verify REPORT.json`: does a report still stand on its files? (SPEC §6)

A report.json records, in its provenance, the SHA-256 of every input file, of the rules
file and of every panel table, and the version and source digest of mapk-filter that made
it. ``verify`` re-hashes each of them and compares the version and digest; the report
stands only when every one agrees. The report's own lists must agree too: every sample it
was decided on is an input with the same checksum, and both sheets are inputs. The exports
the provenance names (phenopacket.json, fhir.json) must be beside the report and agree with
what report.json gives. With ``rerun`` it decides the patient again from the recorded
inputs, with the recorded settings, in a temporary folder, and compares everything the
report says apart from its provenance.

Paths: a relative path was relative to the run's working directory (recorded as
``provenance.working_directory``); ``base`` stands in for that folder when a batch has
moved, for relative paths and for absolute paths under it (as written, or through the
symlinks they were written with) alike. Other absolute paths are taken as written. Without
``base``, a report that is no longer under its run's working directory is a mismatch: the
batch has moved, and its files would be looked for where they were.

Nothing is assumed: a file that cannot be found or read is a mismatch, never a pass.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import MapkFilterError
from .exports import EXPORTS
from .resources import sha256_file


class ReportUnreadable(MapkFilterError):
    """The report itself cannot be read as a mapk-filter report."""


WHAT = ("tool", "report", "input", "rules", "panel", "export", "rerun")


@dataclass(frozen=True)
class Check:
    """One thing the report rests on, and whether it still holds."""

    what: str  # one of WHAT
    name: str  # the path, file name or field checked
    ok: bool
    detail: str

    def __post_init__(self) -> None:
        # a verdict is a bool and says what it is about: never a truthy stand-in
        if self.what not in WHAT or not isinstance(self.ok, bool):
            raise ValueError(f"not a check: {self!r}")
        if not (isinstance(self.name, str) and self.name and isinstance(self.detail, str)):
            raise ValueError(f"not a check: {self!r}")

    def line(self) -> str:
        return f"{'ok' if self.ok else 'MISMATCH'}  {self.what}: {self.name}: {self.detail}"


@dataclass(frozen=True)
class Verification:
    report: Path
    patient_id: str
    checks: tuple[Check, ...]

    @property
    def stands(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def mismatches(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def text(self) -> str:
        lines = [f"{self.report}: patient {self.patient_id}"]
        lines += [f"  {c.line()}" for c in self.checks]
        if self.stands:
            lines.append(f"the report stands on these files ({len(self.checks)} checks)")
        else:
            n = len(self.mismatches)
            lines.append(
                f"the report does NOT stand: {n} mismatch{'es' if n > 1 else ''} "
                f"of {len(self.checks)} checks"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Locator:
    """Where a recorded path is now: see the module doc."""

    working_directory: Path | None
    base: Path | None

    def find(self, recorded: str) -> Path:
        path = Path(recorded)
        root = self.base or self.working_directory or Path.cwd()
        if not path.is_absolute():
            return root / path
        old = self.working_directory
        if self.base is None or old is None:
            return path
        for form in (path, Path(os.path.realpath(path))):  # the symlink may still exist
            if form.is_relative_to(old):
                return self.base / form.relative_to(old)
        return path


def load_report(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportUnreadable(f"{path}: cannot read the report: {exc}") from exc
    if not isinstance(report, dict) or not isinstance(report.get("provenance"), dict):
        raise ReportUnreadable(f"{path}: not a mapk-filter report.json (no provenance)")
    return report


def verify(report_path: Path, *, base: Path | None = None, rerun: bool = False) -> Verification:
    """Every check of the module doc, for one report.json."""
    report = load_report(report_path)
    prov = report["provenance"]
    recorded_root = prov.get("working_directory")
    where = Locator(Path(recorded_root) if recorded_root else None, base)
    checks = [*_tool(prov), *_location(report_path, where)]
    schema = _schema(report)
    checks += [*schema, *_listed(report)]
    checks += [_file("input", i["path"], i["sha256"], where) for i in prov.get("inputs", [])]
    checks.append(_rules(prov.get("rules", {}), where))
    checks += _panel(prov.get("panel", {}), where)
    if all(c.ok for c in schema):  # an invalid report's exports are not derived from it
        checks += _exports(report, report_path.parent, where)
    if rerun:
        checks += rerun_checks(report, where)
    return Verification(report_path, str(report.get("patient_id", "")), tuple(checks))


def _tool(prov: Mapping[str, Any]) -> list[Check]:
    from .provenance import source_digest

    made = str(prov.get("tool_version", ""))
    checks = [
        Check("tool", "mapk-filter version", True, made)
        if made == __version__
        else Check(
            "tool",
            "mapk-filter version",
            False,
            f"other version: report made by {made}, this is {__version__}",
        )
    ]
    recorded, now = str(prov.get("tool_sha256", "")), source_digest()
    if recorded == now:
        checks.append(Check("tool", "mapk-filter source", True, f"sha256 {now[:12]}"))
    else:
        was = f"sha256 {recorded[:12]}" if recorded else "no source digest"
        detail = f"other code: the report records {was}, this is {now[:12]}"
        checks.append(Check("tool", "mapk-filter source", False, detail))
    return checks


def _location(report_path: Path, where: Locator) -> list[Check]:
    """Without --base, the report must still be under its run's working directory."""
    old = where.working_directory
    if where.base is not None or old is None:
        return []
    here = Path(os.path.realpath(report_path))
    if here.is_relative_to(old):
        return []
    detail = (
        f"the report is not under its run's working directory {old}: if the batch moved, "
        "give --base (its files were looked for where they were)"
    )
    return [Check("report", "location", False, detail)]


def _listed(report: Mapping[str, Any]) -> list[Check]:
    """The provenance lists both sheets and every file the report was decided on."""
    inputs = report["provenance"].get("inputs", [])
    problems = [
        f"no {role} among the inputs"
        for role in ("patient sheet", "sample sheet")
        if sum(i.get("role") == role for i in inputs) != 1
    ]
    listed = {(str(i.get("path")), str(i.get("sha256"))) for i in inputs}
    decided = {(str(s.get("path")), str(s.get("sha256"))) for s in report.get("samples", [])}
    problems += [f"sample file {p} (sha256 {s[:12]}) is not an input" for p, s in decided - listed]
    sheets = {
        (str(i.get("path")), str(i.get("sha256"))) for i in inputs if "sheet" in str(i.get("role"))
    }
    problems += [f"input {p} is not a sample of the report" for p, s in listed - decided - sheets]
    if not problems:
        return [Check("report", "inputs", True, f"{len(decided)} sample files, both sheets")]
    return [Check("report", "inputs", False, p) for p in sorted(problems)]


def _schema(report: Mapping[str, Any]) -> list[Check]:
    from .reports.patient import report_problems

    problems = report_problems(dict(report))
    if not problems:
        return [Check("report", "report.json", True, "valid against report.schema.json")]
    return [Check("report", "report.json", False, f"invalid: {p}") for p in problems]


def _file(what: str, recorded: str, sha256: str, where: Locator) -> Check:
    path = where.find(recorded)
    shown = recorded if str(path) == recorded else f"{recorded} (at {path})"
    if not path.is_file():
        return Check(what, shown, False, "missing")
    try:
        now = sha256_file(path)
    except OSError as exc:
        return Check(what, shown, False, f"unreadable: {exc}")
    if now == sha256:
        return Check(what, shown, True, f"unchanged (sha256 {now[:12]})")
    return Check(what, shown, False, f"changed: sha256 {sha256[:12]} recorded, {now[:12]} now")


def _rules(rules: Mapping[str, Any], where: Locator) -> Check:
    if not rules.get("path"):
        return Check("rules", "rules file", False, "the report does not record its path")
    return _file("rules", str(rules["path"]), str(rules.get("sha256", "")), where)


def _panel(panel: Mapping[str, Any], where: Locator) -> list[Check]:
    checksums: Mapping[str, str] = panel.get("checksums_sha256", {})
    files: Mapping[str, str] = panel.get("files", {})
    if not checksums:
        return [Check("panel", "panel tables", False, "the report records no checksums")]
    return [
        _file("panel", files[name], sha, where)
        if name in files
        else Check("panel", name, False, "the report does not record its path")
        for name, sha in sorted(checksums.items())
    ]


def exporters() -> dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], dict[str, Any]]]:
    """Export file name -> the function that derives it from report.json."""
    from .exports.fhir import fhir_bundle
    from .exports.phenopacket import phenopacket

    return {"phenopacket.json": phenopacket, "fhir.json": fhir_bundle}


def _exports(report: Mapping[str, Any], folder: Path, where: Locator) -> list[Check]:
    """The exports the provenance names must be there; any there must agree with it."""
    named = [str(n) for n in report["provenance"].get("exports", [])]
    present = [n for n in EXPORTS if (folder / n).is_file()]
    checks = [
        Check("export", name, False, "missing: the report says it was written")
        for name in named
        if name not in present
    ]
    if not present:
        return checks
    hgnc = _hgnc(report, where)
    for name in present:
        try:
            written = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            checks.append(Check("export", name, False, f"unreadable: {exc}"))
            continue
        try:
            derived = exporters()[name](report, hgnc)
        except Exception as exc:  # a report the exporter cannot read: named, never a pass
            detail = f"cannot be derived from report.json ({type(exc).__name__}: {exc})"
            checks.append(Check("export", name, False, detail))
            continue
        difference = first_difference(derived, written)
        checks.append(
            Check("export", name, True, "agrees with report.json")
            if difference is None
            else Check("export", name, False, f"disagrees with report.json at {difference}")
        )
    return checks


def _hgnc(report: Mapping[str, Any], where: Locator) -> dict[str, str]:
    """The gene table of the panel the report was made with (else the bundled one)."""
    from .exports import hgnc_ids
    from .panel import load_panel

    try:
        return hgnc_ids(load_panel(_panel_folder(report["provenance"], where)))
    except MapkFilterError:
        return hgnc_ids(load_panel())


def _panel_folder(prov: Mapping[str, Any], where: Locator) -> Path | None:
    """Where the panel the report was made with is now (None: not recorded)."""
    files = prov.get("panel", {}).get("files", {})
    return where.find(files["panel_genes.tsv"]).parent if "panel_genes.tsv" in files else None


def first_difference(expected: Any, actual: Any, at: str = "") -> str | None:
    """The JSON path of the first place two JSON values differ; None when equal."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                return f"{at}/{key}"
            found = first_difference(expected[key], actual[key], f"{at}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{at} (length {len(expected)} expected, {len(actual)} found)"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = first_difference(e, a, f"{at}/{i}")
            if found is not None:
                return found
        return None
    return None if expected == actual else (at or "/")


def rerun_checks(report: Mapping[str, Any], where: Locator) -> list[Check]:
    """Decide the patient again from the recorded inputs in a temporary folder."""
    try:
        with tempfile.TemporaryDirectory(prefix="mapk-filter-verify-") as tmp:
            again = _redecide(report, where, Path(tmp))
    except (MapkFilterError, OSError, KeyError) as exc:
        return [Check("rerun", "decision", False, f"could not be re-decided: {exc}")]
    except Exception as exc:  # a damaged report or a bug: named, never a traceback
        detail = f"could not be re-decided ({type(exc).__name__}: {exc})"
        return [Check("rerun", "decision", False, detail)]
    return _compare(report, again)


def _redecide(report: Mapping[str, Any], where: Locator, tmp: Path) -> dict[str, Any]:
    from .decide import SHEET_ROW_LEFT_OUT
    from .pipeline import classify_sample, decide_patient
    from .settings import from_recorded

    prov = report["provenance"]
    inputs = prov["inputs"]
    sheets = {i.get("role"): where.find(i["path"]) for i in inputs}
    patient_id = str(report["patient_id"])
    samples = _rerun_sheet(sheets["sample sheet"], patient_id, report, where, tmp / "samples.tsv")
    settings = {i["sample_id"]: i.get("settings", {}) for i in inputs if i.get("sample_id")}
    panel_dir = _panel_folder(prov, where)
    if panel_dir is None:
        raise KeyError("panel_genes.tsv")  # no recorded panel: not re-decided on the bundled one
    rules_path = where.find(prov["rules"]["path"])
    results = []
    for sample in report.get("samples", []):
        filters, reference = from_recorded(settings.get(sample["sample_id"], {}), where.find)
        out = tmp / "results" / f"{sample['sample_id']}.json"
        classify_sample(
            sample_sheet=samples,
            sample_id=sample["sample_id"],
            patient_id=patient_id,
            default_build=sample["genome_build"],
            filters=filters,
            reference=reference,
            panel_dir=panel_dir,
            rules_path=rules_path,
            out=out,
        )
        results.append(out)
    prefix = f"{SHEET_ROW_LEFT_OUT}: "  # as decide names them
    left_out = tuple(
        p.removeprefix(prefix) for p in report.get("input_problems", []) if p.startswith(prefix)
    )
    again = decide_patient(
        patient_sheet=sheets["patient sheet"],
        sample_sheet=samples,
        patient_id=patient_id,
        sample_results=results,
        out_dir=tmp / "report",
        panel_dir=panel_dir,
        rules_path=rules_path,
        sheet_errors=left_out,
    )
    # Paths as they were recorded, wherever the files are now, so a moved batch compares.
    moved = [(str(where.find(s["path"])), str(s["path"])) for s in report.get("samples", [])]
    text = json.dumps(again)
    for now, recorded in moved:
        text = text.replace(json.dumps(now)[1:-1], json.dumps(recorded)[1:-1])
    return dict(json.loads(text))


def _rerun_sheet(
    sheet: Path, patient_id: str, report: Mapping[str, Any], where: Locator, out: Path
) -> Path:
    """The patient's rows of the recorded sample sheet, each recorded file at its path now
    (a sheet's relative paths are relative to the sheet, which may have moved)."""
    from .sheets import SAMPLE_COLUMNS, SAMPLE_REQUIRED, read_table

    recorded = {s["sample_id"]: str(where.find(s["path"])) for s in report.get("samples", [])}
    lines = ["\t".join(SAMPLE_COLUMNS)]
    for row in read_table(sheet, SAMPLE_REQUIRED).usable().rows:
        if row.value("patient_id") != patient_id:
            continue
        values = {c: row.value(c) or "" for c in SAMPLE_COLUMNS}
        path = Path(values["path"])
        values["path"] = recorded.get(
            values["sample_id"], str(path if path.is_absolute() else sheet.parent / path)
        )
        lines.append("\t".join(values[c] for c in SAMPLE_COLUMNS))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


# Everything a report says, apart from its provenance (run time, checksums, paths) and the
# ID made from it (the rerun's sample sheet is a temporary copy with its own checksum).
NOT_COMPARED = ("provenance", "report_id")


def _compare(report: Mapping[str, Any], again: Mapping[str, Any]) -> list[Check]:
    checks = []
    keys = sorted(set(report) | set(again), key=lambda k: (k not in FIRST, FIRST.get(k, 0), k))
    for key in keys:
        if key in NOT_COMPARED:
            continue
        difference = first_difference(report.get(key), again.get(key), key)
        if difference is None:
            if key in FIRST:
                checks.append(Check("rerun", key, True, _same(report.get(key))))
        elif key == "decision":
            checks.append(
                Check("rerun", key, False, f"{report.get(key)} recorded, {again.get(key)} now")
            )
        else:
            checks.append(Check("rerun", key, False, f"differs at {difference}"))
    rest = [k for k in keys if k not in FIRST and k not in NOT_COMPARED]
    if all(c.ok for c in checks if c.name in rest):
        checks.append(
            Check("rerun", "the rest", True, f"the same when decided again ({len(rest)} keys)")
        )
    return checks


# Named one by one in the output (the rest are summed up unless they differ).
FIRST = {"decision": 0, "assessment": 1, "reasons": 2, "findings": 3}


def _same(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return f"the same when decided again ({len(value)})"
    return f"the same when decided again ({value})"
