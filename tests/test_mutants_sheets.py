"""Sample and patient sheets: tests that guard the reader mutation testing found weak.

``mapk_filter.sheets`` is the one reader of the sheets, for the workflow and the CLI. These
tests state what a sheet's author and the workflow are told, through real files written to
tmp_path:

- a sheet that cannot be used is a table without rows whose problem names the file, and
  the reader never raises for it (the workflow lists every such problem at once);
- an error about a value names the sheet, the line and the column, and gives the hint that
  fits (a decimal comma) only when it fits;
- a byte that is not UTF-8 is named with its column, or with its cell number where the
  header has no name for it;
- a header with no column name at all says that no column was found;
- a sample row missing a required value is an error naming the first empty column;
- every column of a sample row reaches the typed row (normal name, caller, collection date).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mapk_filter.errors import SheetError
from mapk_filter.sheets import (
    NUMERIC_COLUMNS,
    PATIENT_REQUIRED,
    SAMPLE_REQUIRED,
    SampleRow,
    SheetTable,
    read_patient,
    read_samples,
    read_table,
)

SAMPLE_HEADER = (
    "patient_id\tsample_id\tkind\tpath\ttumor_name\tnormal_name\tgenome_build\ttimepoint\t"
    "caller\tcollection_date\n"
)


def sheet(tmp_path: Path, data: bytes | str, name: str = "samples.tsv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ------------------------------------------------------- sheets that cannot be used


def test_a_sheet_that_cannot_be_read_is_a_table_without_rows_naming_the_file(tmp_path):
    missing = tmp_path / "samples.tsv"
    table = read_table(missing, SAMPLE_REQUIRED)
    assert table == SheetTable(
        str(missing), (), (), (f"{missing}: cannot read sheet: No such file or directory",)
    )
    assert table.duplicated("sample_id") == set()


def test_a_sheet_of_utf16_without_byte_order_mark_is_a_table_without_rows(tmp_path):
    path = sheet(tmp_path, "patient_id\tsample_id\n".encode("utf-16-le"))
    table = read_table(path, SAMPLE_REQUIRED)
    assert table == SheetTable(
        str(path),
        (),
        (),
        (f"{path}: holds NUL bytes (UTF-16 without a byte-order mark?): save as UTF-8",),
    )
    assert table.duplicated("sample_id") == set()


@pytest.mark.parametrize("data", [b"", b"# only a comment\n\n\t\t\n"], ids=["empty", "comments"])
def test_an_empty_sheet_is_a_table_without_rows(tmp_path, data):
    path = sheet(tmp_path, data)
    table = read_table(path, SAMPLE_REQUIRED)
    assert table == SheetTable(str(path), (), (), (f"{path}: empty sheet: no header row",))
    assert table.duplicated("sample_id") == set()


def test_a_usable_table_names_its_sheet_and_columns(tmp_path):
    path = sheet(tmp_path, "patient_id\tsample_id\tkind\tpath\t\t\nP1\ts1\tsmall_variants\ta.vcf\n")
    table = read_table(path, SAMPLE_REQUIRED)
    assert (table.sheet, table.columns, table.fatal) == (
        str(path),
        ("patient_id", "sample_id", "kind", "path"),
        (),
    )
    assert [row.where for row in table.rows] == [f"{path} line 2"]


def test_a_header_without_any_column_name_says_none_was_found(tmp_path):
    """A header of a non-breaking space only (as a spreadsheet may save it)."""
    path = sheet(tmp_path, "\u00a0\nP1\ts1\tsmall_variants\ta.vcf\n")
    table = read_table(path, SAMPLE_REQUIRED)
    assert table.fatal == (
        f"{path} line 1: missing required column(s) patient_id, sample_id, kind, path "
        "(columns found: none)",
    )


def test_a_patient_sheet_without_patient_id_column_is_refused_as_such(tmp_path):
    path = sheet(tmp_path, "patient\tdiagnosis\nP1\tB-ALL\n", "patients.tsv")
    with pytest.raises(SheetError) as error:
        read_patient(path, "P1")
    assert str(error.value) == (
        f"{path} line 1: missing required column(s) patient_id (columns found: patient, diagnosis)"
    )


# ------------------------------------------------------- values that are not numbers


def test_a_value_that_is_not_a_number_names_sheet_line_and_column(tmp_path):
    path = sheet(tmp_path, "patient_id\tage_at_diagnosis_years\nP1\tten\n", "patients.tsv")
    (row,) = read_table(path, PATIENT_REQUIRED).rows
    with pytest.raises(SheetError) as error:
        row.record(NUMERIC_COLUMNS)
    assert str(error.value) == (
        f"{path} line 2: column age_at_diagnosis_years: 'ten' is not a number"
    )
    with pytest.raises(SheetError) as error:
        read_patient(path, "P1")
    assert str(error.value) == (
        f"{path} line 2: column age_at_diagnosis_years: 'ten' is not a number"
    )


def test_a_decimal_comma_is_named_as_such(tmp_path):
    path = sheet(tmp_path, "patient_id\tage_at_diagnosis_years\nP1\t9,5\n", "patients.tsv")
    (row,) = read_table(path, PATIENT_REQUIRED).rows
    with pytest.raises(SheetError) as error:
        row.record(NUMERIC_COLUMNS)
    assert str(error.value) == (
        f"{path} line 2: column age_at_diagnosis_years: '9,5' is not a number (use a decimal point)"
    )


def test_a_numeric_record_keeps_text_columns_as_text(tmp_path):
    path = sheet(
        tmp_path, "patient_id\tage_at_diagnosis_years\tdiagnosis\nP1\t9.5\tB-ALL\n", "p.tsv"
    )
    (row,) = read_table(path, PATIENT_REQUIRED).rows
    assert row.record(NUMERIC_COLUMNS) == {
        "patient_id": "P1",
        "age_at_diagnosis_years": 9.5,
        "diagnosis": "B-ALL",
    }


# ------------------------------------------------------- bytes that are not UTF-8


def test_a_bad_byte_past_the_header_is_named_by_its_cell_number(tmp_path):
    path = sheet(tmp_path, b"patient_id\tsample_id\tkind\tpath\nP1\ts1\tsmall\ta.vcf\tcaf\xe9\n")
    (row,) = read_table(path, SAMPLE_REQUIRED).rows
    assert row.problem == "row is not UTF-8 (byte 0xe9 in cell 5): save the sheet as UTF-8"
    with pytest.raises(SheetError) as error:
        read_samples(path)
    assert str(error.value) == f"{path} line 2: {row.problem}"


def test_a_bad_byte_under_an_unnamed_column_is_named_by_its_cell_number(tmp_path):
    path = sheet(tmp_path, b"patient_id\t\tsample_id\tkind\tpath\nP1\tcaf\xe9\ts1\tsmall\ta.vcf\n")
    (row,) = read_table(path, SAMPLE_REQUIRED).rows
    assert row.problem == "row is not UTF-8 (byte 0xe9 in cell 2): save the sheet as UTF-8"


def test_a_bad_byte_under_a_named_column_is_named_by_the_column(tmp_path):
    path = sheet(tmp_path, b"patient_id\tsample_id\tkind\tpath\nP1\ts1\tsmall\tcaf\xe9.vcf\n")
    (row,) = read_table(path, SAMPLE_REQUIRED).rows
    assert row.problem == "row is not UTF-8 (byte 0xe9 in column path): save the sheet as UTF-8"


# ------------------------------------------------------- sample rows


@pytest.mark.parametrize(
    "row, empty",
    [
        ("P1\t\tsmall_variants\ta.vcf", "sample_id"),
        ("P1\t\t\ta.vcf", "sample_id"),
        ("P1\ts1\tNA\ta.vcf", "kind"),
        ("P1\ts1\tsmall_variants\t.", "path"),
    ],
)
def test_a_sample_row_missing_a_required_value_names_the_first_empty_column(tmp_path, row, empty):
    path = sheet(tmp_path, "patient_id\tsample_id\tkind\tpath\n" + row + "\n")
    with pytest.raises(SheetError) as error:
        read_samples(path, "P1")
    assert str(error.value) == f"{path} line 2: empty {empty}"
    assert read_samples(path, "P1", strict=False) == []


def test_every_column_of_a_sample_row_reaches_the_typed_row(tmp_path):
    path = sheet(
        tmp_path,
        SAMPLE_HEADER + "P1\tr1\tsmall_variants\tr1.vcf\tTUMOR\tNORMAL\tGRCh38\trelapse1\tmutect2\t"
        "2024-06-30\n" + "P1\tr2\tsmall_variants\t/data/r2.vcf\t\t\t\t\t\t\n",
    )
    assert read_samples(path, "P1") == [
        SampleRow(
            patient_id="P1",
            sample_id="r1",
            kind="small_variants",
            path=(tmp_path / "r1.vcf").resolve(),
            tumor_name="TUMOR",
            normal_name="NORMAL",
            genome_build="GRCh38",
            timepoint="relapse1",
            caller="mutect2",
            collection_date="2024-06-30",
        ),
        SampleRow("P1", "r2", "small_variants", Path("/data/r2.vcf")),
    ]
