"""Patient and sample sheets (TSV), read as spreadsheets save them, by one reader.

``read_table`` is the only parser of a sheet: the workflow (``workflow/rules/common.smk``,
which validates each row against the JSON schemas) and the CLI (``read_patient``,
``read_samples``) both read through it, so they cannot disagree about what a row says.

How a sheet is read:

- bytes, split into lines at LF, CRLF or CR; a UTF-8 byte-order mark is dropped (a sheet
  saved by Excel as "Unicode Text", UTF-16 with a byte-order mark, is read too);
- each line is decoded as UTF-8 on its own: a row with a byte that is not UTF-8 is a
  problem of that row only (left out, named by sheet, line and column);
- lines whose first character is ``#`` are comments, blank lines (also lines of tabs
  only) are skipped; a ``#`` anywhere else is data; line numbers are the file's own;
- the first other line is the header; cells are split at tabs only: quotes are data,
  never CSV quoting, so a stray ``"`` cannot swallow the rows after it;
- cells are trimmed of surrounding white space; a row with fewer cells than the header has
  empty trailing cells; one with more is a row problem, unless the extra cells are empty
  (trailing tabs);
- problems that make the whole sheet unusable (unreadable, empty, no row under the header,
  NUL bytes, a header that is not UTF-8, a duplicated or missing required column) are
  ``fatal``, all of them, so a run can stop before any work and list every one at once.

Here only types are converted, and a value that cannot be converted is an error naming the
sheet, the line and the column; an empty cell (or NA, N/A, .) is None, never a default.
"""

from __future__ import annotations

import codecs
import math
from collections import Counter
from collections.abc import Iterable, Mapping
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
# The columns without which a sheet cannot be used at all (as `required` in the schemas).
PATIENT_REQUIRED = ("patient_id",)
SAMPLE_REQUIRED = ("patient_id", "sample_id", "kind", "path")
MISSING = frozenset({"", "NA", "na", "N/A", "n/a", "."})


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


@dataclass(frozen=True)
class SheetRow:
    """One data line of a sheet.

    ``cells``: every named column of the header, trimmed ('' where the row is short).
    ``problem``: why the row cannot be used (a byte that is not UTF-8, more cells than the
    header); its cells are then only a best-effort reading, good for naming its patient.
    """

    sheet: str
    line: int  # 1-based line of the file, comment and blank lines counted
    cells: Mapping[str, str]
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"{self.sheet} line {self.line}"

    def value(self, column: str) -> str | None:
        """The cell, or None when it is empty or a missing-value marker (NA, N/A, .)."""
        text = self.cells.get(column, "")
        return None if text in MISSING else text

    def record(self, numeric: Iterable[str] = ()) -> dict[str, str | float]:
        """The non-empty cells, ``numeric`` columns as finite numbers (for schema checks)."""
        numbers = set(numeric)
        record: dict[str, str | float] = {}
        for column in self.cells:
            text = self.value(column)
            if text is not None:
                record[column] = self._number(column, text) if column in numbers else text
        return record

    def number(self, column: str) -> float | None:
        text = self.value(column)
        return None if text is None else self._number(column, text)

    def _number(self, column: str, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            hint = " (use a decimal point)" if "," in text else ""
            raise SheetError(
                f"{self.where}: column {column}: '{text}' is not a number{hint}"
            ) from None
        if not math.isfinite(number):
            raise SheetError(f"{self.where}: column {column}: '{text}' is not a finite number")
        return number


@dataclass(frozen=True)
class SheetTable:
    """A sheet as read: its rows (with their problems) and what makes it unusable."""

    sheet: str
    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    fatal: tuple[str, ...] = ()

    def usable(self) -> SheetTable:
        """The table itself; SheetError listing every fatal problem when there is one."""
        if self.fatal:
            raise SheetError("; ".join(self.fatal))
        return self

    def duplicated(self, column: str) -> set[str]:
        """Values of ``column`` on more than one row (rows with problems included)."""
        counts = Counter(v for v in (row.value(column) for row in self.rows) if v is not None)
        return {v for v, n in counts.items() if n > 1}


def read_table(path: Path | str, required_columns: Iterable[str] = ()) -> SheetTable:
    """Read a sheet; never raises for its content (see the module text for the rules)."""
    sheet = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return SheetTable(sheet, (), (), (f"{sheet}: cannot read sheet: {exc.strerror or exc}",))
    data, fatal = _utf8(sheet, data)
    if fatal:
        return SheetTable(sheet, (), (), (fatal,))
    lines = [
        (number, raw)
        for number, raw in enumerate(data.splitlines(), start=1)
        if raw.strip() and not raw.startswith(b"#")
    ]
    if not lines:
        return SheetTable(sheet, (), (), (f"{sheet}: empty sheet: no header row",))
    problems: list[str] = []
    header_line, raw_header = lines[0]
    names = _cells(raw_header)
    undecodable = _undecodable(raw_header, names)
    if undecodable:
        problems.append(f"{sheet} line {header_line}: header {undecodable}")
    while names and not names[-1]:  # trailing tabs after the last column
        names.pop()
    counts = Counter(n for n in names if n)
    problems += [
        f"{sheet} line {header_line}: column '{name}' appears {count} times"
        for name, count in counts.items()
        if count > 1
    ]
    missing = [c for c in required_columns if c not in counts]
    if missing:
        found = ", ".join(n for n in names if n) or "none"
        problems.append(
            f"{sheet} line {header_line}: missing required column(s) {', '.join(missing)} "
            f"(columns found: {found})"
        )
    rows = tuple(_row(sheet, number, raw, names) for number, raw in lines[1:])
    if not rows:
        problems.append(f"{sheet}: no rows under the header")
    return SheetTable(sheet, tuple(n for n in names if n), rows, tuple(problems))


def _utf8(sheet: str, data: bytes) -> tuple[bytes, str | None]:
    """The bytes as UTF-8 without a byte-order mark (UTF-16 with one is converted)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), None
        except UnicodeDecodeError as exc:
            return b"", f"{sheet}: starts as UTF-16 but is not valid UTF-16 ({exc.reason})"
    if b"\x00" in data:
        return b"", f"{sheet}: holds NUL bytes (UTF-16 without a byte-order mark?): save as UTF-8"
    return data, None


def _cells(raw: bytes) -> list[str]:
    return [c.decode("utf-8", errors="replace").strip() for c in raw.split(b"\t")]


def _undecodable(raw: bytes, names: list[str]) -> str | None:
    """'is not UTF-8 (byte 0xe9 in column ...)' for the first bad cell, else None."""
    for index, cell in enumerate(raw.split(b"\t")):
        try:
            cell.decode("utf-8")
        except UnicodeDecodeError as exc:
            name = names[index] if index < len(names) and names[index] else None
            column = f"column {name}" if name else f"cell {index + 1}"
            byte = cell[exc.start]
            return f"is not UTF-8 (byte 0x{byte:02x} in {column}): save the sheet as UTF-8"
    return None


def _row(sheet: str, line: int, raw: bytes, names: list[str]) -> SheetRow:
    values = _cells(raw)
    cells = {name: (values[i] if i < len(values) else "") for i, name in enumerate(names) if name}
    problem = _undecodable(raw, names)
    if problem:
        problem = f"row {problem}"
    elif any(values[len(names) :]):
        problem = (
            f"{len(values)} cells but the header has {len(names)} columns (a tab inside a value?)"
        )
    return SheetRow(sheet, line, cells, problem)


def read_patient(path: Path, patient_id: str) -> Patient:
    """One patient's row; other rows' problems are not this patient's (the batch goes on)."""
    table = read_table(path, PATIENT_REQUIRED).usable()
    rows = [r for r in table.rows if r.value("patient_id") == patient_id]
    if not rows:
        raise SheetError(f"{path}: no patient '{patient_id}'")
    if len(rows) > 1:
        lines = ", ".join(str(r.line) for r in rows)
        raise SheetError(f"{path} lines {lines}: duplicate patient_id '{patient_id}'")
    return _patient(rows[0])


def _patient(row: SheetRow) -> Patient:
    if row.problem:
        raise SheetError(f"{row.where}: {row.problem}")
    pid = row.value("patient_id")
    if pid is None:
        raise SheetError(f"{row.where}: empty patient_id")
    values: dict[str, float | str | None] = {
        column: row.number(column) if column in NUMERIC_COLUMNS else row.value(column)
        for column in PATIENT_COLUMNS[1:]
    }
    return Patient(patient_id=pid, **values)  # type: ignore[arg-type]


def read_samples(path: Path, patient_id: str | None = None, strict: bool = True) -> list[SampleRow]:
    """Sample rows (of one patient, if given: other rows' problems are not theirs).

    A relative ``path`` is taken relative to the sheet's own folder. With ``strict`` off, a
    row with a problem or missing a required value is skipped (the workflow has already
    reported it and left it out).
    """
    rows: list[SampleRow] = []
    for row in read_table(path, SAMPLE_REQUIRED).usable().rows:
        if patient_id is not None and row.value("patient_id") != patient_id:
            continue
        empty = [c for c in SAMPLE_REQUIRED if row.value(c) is None]
        if (row.problem or empty) and not strict:
            continue
        if row.problem:
            raise SheetError(f"{row.where}: {row.problem}")
        if empty:
            raise SheetError(f"{row.where}: empty {empty[0]}")
        values = {c: row.value(c) for c in SAMPLE_COLUMNS}
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
