#!/usr/bin/env python3
"""Write the sheet catalogue: tests/data/bad/sheets/ and its manifest tests/data/bad/sheets.tsv.

Each case is a tiny patient sheet and sample sheet named after it (``<case>.patients.tsv``,
``<case>.samples.tsv``), built from rows of the bundled example batch
(resources/example_batch/, patients P01 candidate, P02 and P03 not_candidate) with one
thing changed, so tests/test_bad_sheets.py can run the real workflow on it and compare every
other patient with the unchanged case ``clean``. Variant files are the example batch's
own, named by paths relative to the sheets' folder. The manifest says what must happen:

- ``ok``: read correctly, every patient gets a report; ``message`` (if any) is text that
  must reach the report of the patient the case changes;
- ``row``: the row is left out with ``message`` (naming the sheet and line), the batch
  completes, every other patient's decision is unchanged;
- ``stop``: the run stops before any work; ``message`` lists, separated by `` | ``, the
  problems the one error must name, all of them.

The sheets' README.md is written from the same table. Output is byte-identical on re-run.

    python scripts/make_bad_sheets.py [--out tests/data/bad]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCH = REPO / "resources" / "example_batch"
# From tests/data/bad/sheets/ to the example batch (sample paths are relative to the sheet).
TO_BATCH = "../../../../resources/example_batch"

Cell = str | bytes


def _table(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    header, *rows = (line.split("\t") for line in path.read_text().splitlines())
    return header, {row[0]: row for row in rows}


PATIENT_HEADER, PATIENTS = _table(BATCH / "patients.tsv")
SAMPLE_HEADER, SAMPLE_ROWS = _table(BATCH / "samples.tsv")


def patient(pid: str, **changes: Cell) -> list[Cell]:
    row: list[Cell] = list(PATIENTS[pid])
    for column, value in changes.items():
        row[PATIENT_HEADER.index(column)] = value
    return row


def sample(pid: str, **changes: Cell) -> list[Cell]:
    row: list[Cell] = list(SAMPLE_ROWS[pid])
    row[SAMPLE_HEADER.index("path")] = f"{TO_BATCH}/{row[SAMPLE_HEADER.index('path')]}"
    for column, value in changes.items():
        row[SAMPLE_HEADER.index(column)] = value
    return row


def tsv(header: list[str], rows: list[list[Cell]], eol: bytes = b"\n", bom: bool = False) -> bytes:
    def cell(value: Cell) -> bytes:
        return value if isinstance(value, bytes) else value.encode("utf-8")

    lines = [b"\t".join(cell(c) for c in row) for row in [list(header), *rows]]
    return (b"\xef\xbb\xbf" if bom else b"") + b"".join(line + eol for line in lines)


def patients(*rows: list[Cell], header: list[str] = PATIENT_HEADER, **style: bool) -> bytes:
    return tsv(header, list(rows), **_eol(style))


def samples(*rows: list[Cell], header: list[str] = SAMPLE_HEADER, **style: bool) -> bytes:
    return tsv(header, list(rows), **_eol(style))


def _eol(style: dict[str, bool]) -> dict[str, bytes | bool]:
    return {"eol": b"\r\n" if style.get("crlf") else b"\n", "bom": style.get("bom", False)}


def renamed(header: list[str], old: str, new: str) -> list[str]:
    return [new if column == old else column for column in header]


def without(header: list[str], *columns: str) -> list[str]:
    return [column for column in header if column not in columns]


def dropped(row: list[Cell], header: list[str], *columns: str) -> list[Cell]:
    return [c for c, name in zip(row, header, strict=True) if name not in columns]


@dataclass(frozen=True)
class Case:
    name: str
    outcome: str  # ok, row, stop
    message: str
    about: str
    patients: bytes | None  # None: the config names a patient sheet that does not exist
    samples: bytes


P, S = PATIENT_HEADER, SAMPLE_HEADER
CASES = (
    Case(
        "clean",
        "ok",
        "",
        "P01-P03 as in the example batch: the reference every other case is compared with",
        patients(patient("P01"), patient("P02"), patient("P03")),
        samples(sample("P01"), sample("P02"), sample("P03")),
    ),
    Case(
        "bom",
        "ok",
        "",
        "both sheets in UTF-8 with a byte-order mark (as Excel writes it) before `patient_id`",
        patients(patient("P01"), patient("P02"), bom=True),
        samples(sample("P01"), sample("P02"), bom=True),
    ),
    Case(
        "crlf",
        "ok",
        "",
        "both sheets with Windows line endings (CRLF)",
        patients(patient("P01"), patient("P02"), crlf=True),
        samples(sample("P01"), sample("P02"), crlf=True),
    ),
    Case(
        "stray_quote",
        "ok",
        '"early relapse',
        "P02's rows come first, each with a cell that opens with an unbalanced `\"` (the "
        'timepoint `"early relapse`, a comment), and P03\'s rows hold a `"` later (a comment, '
        "a note): with CSV quoting, P01's rows and P03's vanish into P02's cell; quotes are data",
        patients(
            [*patient("P02"), '"second opinion pending'],
            [*patient("P01"), "MRD 0.1%"],
            [*patient("P03"), 'block 2" given'],
            header=[*P, "comment"],
        ),
        samples(
            [*sample("P02", timepoint='"early relapse'), "BM aspirate"],
            [*sample("P01"), "BM aspirate"],
            [*sample("P03"), 'core 2" biopsy'],
            header=[*S, "note"],
        ),
    ),
    Case(
        "short_rows",
        "ok",
        "",
        "rows that stop before the last (empty) columns: the missing trailing cells are empty",
        patients(patient("P01"), patient("P02"), header=[*P, "comment"]),
        samples(sample("P01"), sample("P02"), header=[*S, "caller", "collection_date"]),
    ),
    Case(
        "patient_without_samples",
        "ok",
        "no variant file listed for this patient",
        "P01 (clinically eligible) has no sample row: review, never not_candidate, with a report",
        patients(patient("P01"), patient("P02")),
        samples(sample("P02")),
    ),
    Case(
        "non_utf8_byte",
        "row",
        "non_utf8_byte.samples.tsv line 2: row is not UTF-8 (byte 0xe9 in column timepoint)",
        "P01's sample row has a Latin-1 byte (timepoint `récidive` saved as Latin-1): that "
        "row is left out, P01 is review, P02 is assessed",
        patients(patient("P01"), patient("P02")),
        samples(sample("P01", timepoint="récidive".encode("latin-1")), sample("P02")),
    ),
    Case(
        "non_utf8_patient_row",
        "row",
        "non_utf8_patient_row.patients.tsv line 3: row is not UTF-8 (byte 0xa0 in column "
        "diagnosis)",
        "P02's diagnosis ends in a Latin-1 non-breaking space: P02 is not assessed, P01 is",
        patients(patient("P01"), patient("P02", diagnosis=b"B-ALL\xa0")),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "duplicate_patient_id",
        "row",
        "duplicate_patient_id.patients.tsv line 4: duplicate patient_id 'P02'",
        "P02 twice with different clinical values: both rows are left out (which is right "
        "cannot be known)",
        patients(patient("P01"), patient("P02"), patient("P02", age_at_screening_years="15.5")),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "unsafe_id",
        "row",
        "unsafe_id.patients.tsv line 3: column patient_id: '../x' does not match",
        "patient `../x` (and its sample row) would write outside results/: left out",
        patients(patient("P01"), patient("P01", patient_id="../x")),
        samples(sample("P01"), sample("P01", patient_id="../x", sample_id="x_small")),
    ),
    Case(
        "unknown_diagnosis",
        "row",
        "unknown_diagnosis.patients.tsv line 3: column diagnosis: 'AML' is not one of",
        "P02's diagnosis `AML` is not in the schema's list: P02 is not assessed",
        patients(patient("P01"), patient("P02", diagnosis="AML")),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "non_numeric_age",
        "row",
        "non_numeric_age.patients.tsv line 3: column age_at_diagnosis_years: 'twelve' is not "
        "a number",
        "P02's age at diagnosis is `twelve`: P02 is not assessed",
        patients(patient("P01"), patient("P02", age_at_diagnosis_years="twelve")),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "negative_ic50",
        "row",
        "negative_ic50.patients.tsv line 2: column dasatinib_ic50_nM: -4.2 is less than the "
        "minimum of 0",
        "P01's dasatinib IC50 is -4.2 nM (a sign slipped in): a schema error of that row, so "
        "the IC50 that would list P01 is never used; P01 is not assessed",
        patients(patient("P01", dasatinib_ic50_nM="-4.2"), patient("P02")),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "missing_file",
        "row",
        "missing_file.samples.tsv line 2: sample P01_mutect2: file not found",
        "P01's sample row names a file that does not exist: left out, P01 is review",
        patients(patient("P01"), patient("P02")),
        samples(sample("P01", path=f"{TO_BATCH}/P01_missing.vcf"), sample("P02")),
    ),
    Case(
        "orphan_sample",
        "row",
        "orphan_sample.samples.tsv line 4: sample P09_mutect2: patient 'P09' is not in the "
        "patient sheet",
        "a sample row for P09, who is not in the patient sheet: listed as not assessed",
        patients(patient("P01"), patient("P02")),
        samples(
            sample("P01"), sample("P02"), sample("P03", patient_id="P09", sample_id="P09_mutect2")
        ),
    ),
    Case(
        "extra_cells",
        "row",
        "extra_cells.samples.tsv line 2: 9 cells but the header has 8 columns",
        "P01's sample row has a cell past the last column (a tab typed inside a value): left "
        "out, P01 is review",
        patients(patient("P01"), patient("P02")),
        samples([*sample("P01"), "see note"], sample("P02")),
    ),
    Case(
        "missing_path_column",
        "stop",
        "missing_path_column.samples.tsv line 1: missing required column(s) path",
        "the sample sheet has no `path` column",
        patients(patient("P01"), patient("P02")),
        samples(
            dropped(sample("P01"), S, "path"),
            dropped(sample("P02"), S, "path"),
            header=without(S, "path"),
        ),
    ),
    Case(
        "missing_required_column",
        "stop",
        "missing_required_column.patients.tsv line 1: missing required column(s) patient_id "
        "(columns found: Patient ID,",
        "the patient sheet's first column is `Patient ID`, not `patient_id`",
        patients(patient("P01"), patient("P02"), header=renamed(P, "patient_id", "Patient ID")),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "empty_sheet",
        "stop",
        "empty_sheet.samples.tsv: empty sheet: no header row",
        "the sample sheet is an empty file",
        patients(patient("P01"), patient("P02")),
        b"",
    ),
    Case(
        "header_only",
        "stop",
        "header_only.patients.tsv: no rows under the header",
        "the patient sheet has its header and no patient",
        patients(),
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "missing_sheet",
        "stop",
        "missing_sheet.patients.tsv: cannot read sheet: No such file or directory",
        "the config names a patient sheet that does not exist (there is no "
        "missing_sheet.patients.tsv)",
        None,
        samples(sample("P01"), sample("P02")),
    ),
    Case(
        "every_problem_at_once",
        "stop",
        "every_problem_at_once.patients.tsv line 1: header is not UTF-8 (byte 0xe9 in column remarque m"
        " | every_problem_at_once.patients.tsv line 1: column 'diagnosis' appears 2 times"
        " | every_problem_at_once.patients.tsv line 1: missing required column(s) patient_id"
        " | every_problem_at_once.samples.tsv line 1: missing required column(s) kind, path",
        "four problems in two sheets (a Latin-1 column name, a duplicated column, no "
        "`patient_id`, no `kind` nor `path`): one error lists all four",
        b"patient\tdiagnosis\tdiagnosis\tremarque m\xe9decin\nP01\tB-ALL\tB-ALL\t\n",
        samples(
            dropped(sample("P01"), S, "kind", "path"),
            header=without(S, "kind", "path"),
        ),
    ),
)

MANIFEST_COLUMNS = ("case", "patients_sheet", "samples_sheet", "outcome", "message")


def readme() -> str:
    lines = [
        "# Sheet catalogue",
        "",
        "Written by `python scripts/make_bad_sheets.py` (do not edit by hand); run by",
        "`tests/test_bad_sheets.py`, one real workflow run per case, against the manifest",
        "`../sheets.tsv`. Every case is a patient sheet and a sample sheet named after it, made",
        "from rows of the example batch (`resources/example_batch/`: P01 candidate, P02 and P03",
        "not_candidate) with one thing changed; sample paths point at the example batch's own",
        "variant files, relative to this folder. Outcomes: `ok` read correctly (every patient",
        "gets a report, the same as in `clean`); `row` the row is left out with a message",
        "naming sheet and line, every other patient's decision is unchanged; `stop` the run",
        "stops before any work with one error listing every problem.",
        "",
        "| case | outcome | what the sheets hold |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.outcome} | {c.about} |" for c in CASES]
    return "\n".join(lines) + "\n"


def manifest() -> str:
    rows = [MANIFEST_COLUMNS] + [
        (
            c.name,
            f"sheets/{c.name}.patients.tsv",
            f"sheets/{c.name}.samples.tsv",
            c.outcome,
            c.message,
        )
        for c in CASES
    ]
    return "".join("\t".join(row) + "\n" for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "data" / "bad")
    args = parser.parse_args()
    folder = args.out / "sheets"
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if case.patients is not None:
            (folder / f"{case.name}.patients.tsv").write_bytes(case.patients)
        (folder / f"{case.name}.samples.tsv").write_bytes(case.samples)
    (folder / "README.md").write_text(readme(), encoding="utf-8")
    (args.out / "sheets.tsv").write_text(manifest(), encoding="utf-8")


if __name__ == "__main__":
    main()
