"""Patient and sample sheets (TSV) as typed rows. Full schema validation is the workflow's.

Here only types are converted, and a value that cannot be converted is an error naming the
sheet, the row and the column; an empty cell becomes None, never a default.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import SheetError

PATIENT_COLUMNS = (
    "patient_id",
    "age_at_diagnosis_years",
    "age_at_screening_years",
    "diagnosis",
    "disease_status",
    "dasatinib_ic50_nM",
    "prior_dasatinib_venetoclax",
    "performance_score",
)
SAMPLE_COLUMNS = (
    "patient_id",
    "sample_id",
    "kind",
    "path",
    "tumor_name",
    "normal_name",
    "genome_build",
    "timepoint",
    "caller",
    "collection_date",
)
NUMERIC_COLUMNS = (
    "age_at_diagnosis_years",
    "age_at_screening_years",
    "dasatinib_ic50_nM",
    "performance_score",
)
_MISSING = {"", "NA", "na", "N/A", "n/a", "."}


@dataclass(frozen=True)
class Patient:
    patient_id: str
    age_at_diagnosis_years: float | None = None
    age_at_screening_years: float | None = None
    diagnosis: str | None = None
    disease_status: str | None = None
    dasatinib_ic50_nM: float | None = None
    prior_dasatinib_venetoclax: str | None = None
    performance_score: float | None = None

    def value(self, name: str) -> float | str | None:
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SampleRow:
    patient_id: str
    sample_id: str
    kind: str
    path: Path
    tumor_name: str | None = None
    normal_name: str | None = None
    genome_build: str | None = None
    timepoint: str | None = None
    caller: str | None = None
    collection_date: str | None = None  # YYYY-MM-DD; orders serial samples when all have one


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SheetError(f"{path}: cannot read sheet: {exc}") from exc
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    missing = [c for c in required if c not in (reader.fieldnames or ())]
    if missing:
        raise SheetError(f"{path}: missing column(s) {', '.join(missing)}")
    return [(n, row) for n, row in enumerate(reader, start=2)]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return None if value in _MISSING else value


def read_patient(path: Path, patient_id: str) -> Patient:
    """One patient's row; other rows' problems are not this patient's (the batch goes on)."""
    rows = [
        (n, r) for n, r in _rows(path, ("patient_id",)) if _clean(r.get("patient_id")) == patient_id
    ]
    if not rows:
        raise SheetError(f"{path}: no patient '{patient_id}'")
    if len(rows) > 1:
        lines = ", ".join(str(n) for n, _ in rows)
        raise SheetError(f"{path}: lines {lines}: duplicate patient_id '{patient_id}'")
    return _patient(path, *rows[0])


def read_patients(path: Path) -> dict[str, Patient]:
    patients: dict[str, Patient] = {}
    for line, row in _rows(path, ("patient_id",)):
        patient = _patient(path, line, row)
        if patient.patient_id in patients:
            raise SheetError(f"{path}: line {line}: duplicate patient_id '{patient.patient_id}'")
        patients[patient.patient_id] = patient
    return patients


def _patient(path: Path, line: int, row: dict[str, str]) -> Patient:
    values: dict[str, float | str | None] = {}
    for column in PATIENT_COLUMNS[1:]:
        raw = _clean(row.get(column))
        if raw is not None and column in NUMERIC_COLUMNS:
            try:
                values[column] = float(raw)
            except ValueError:
                raise SheetError(
                    f"{path}: line {line}, column {column}: '{raw}' is not a number"
                ) from None
        else:
            values[column] = raw
    pid = _clean(row.get("patient_id"))
    if pid is None:
        raise SheetError(f"{path}: line {line}: empty patient_id")
    return Patient(patient_id=pid, **values)  # type: ignore[arg-type]


def read_samples(path: Path, patient_id: str | None = None, strict: bool = True) -> list[SampleRow]:
    """Sample rows (of one patient, if given: other rows' problems are not theirs).

    A relative ``path`` is taken relative to the sheet's own folder. With ``strict`` off, a
    row missing a required value is skipped (the workflow has already reported it).
    """
    rows: list[SampleRow] = []
    for line, row in _rows(path, ("patient_id", "sample_id", "kind", "path")):
        values = {c: _clean(row.get(c)) for c in SAMPLE_COLUMNS}
        if patient_id is not None and values["patient_id"] != patient_id:
            continue
        empty = [c for c in ("patient_id", "sample_id", "kind", "path") if values[c] is None]
        if empty and not strict:
            continue
        if empty:
            raise SheetError(f"{path}: line {line}: empty {empty[0]}")
        file_path = Path(str(values["path"]))
        if not file_path.is_absolute():
            file_path = (path.parent / file_path).resolve()
        rows.append(
            SampleRow(
                patient_id=str(values["patient_id"]),
                sample_id=str(values["sample_id"]),
                kind=str(values["kind"]),
                path=file_path,
                tumor_name=values["tumor_name"],
                normal_name=values["normal_name"],
                genome_build=values["genome_build"],
                timepoint=values["timepoint"],
                caller=values["caller"],
                collection_date=values["collection_date"],
            )
        )
    return rows
