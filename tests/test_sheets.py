"""The one sheet reader (mapk_filter.sheets.read_table) and the typed rows built on it.

What the workflow makes of bad sheets end to end is in test_bad_sheets.py.
"""

import codecs
import subprocess
import sys

import pytest
import yaml
from helpers import REPO

from mapk_filter.errors import SheetError
from mapk_filter.sheets import (
    PATIENT_REQUIRED,
    SAMPLE_REQUIRED,
    read_patient,
    read_samples,
    read_table,
)

HEADER = b"patient_id\tsample_id\tkind\tpath\ttimepoint\n"


def _sheet(tmp_path, data: bytes, name: str = "samples.tsv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read(tmp_path, data: bytes):
    return read_table(_sheet(tmp_path, data), SAMPLE_REQUIRED)


def _cells(table, column="patient_id"):
    return [(row.line, row.cells[column]) for row in table.rows]


# Encodings and line endings, as spreadsheets save them


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    table = _read(tmp_path, codecs.BOM_UTF8 + HEADER + b"P1\tS1\tsmall_variants\tx.vcf\t\n")
    assert table.fatal == ()
    assert table.columns[0] == "patient_id"
    assert _cells(table) == [(2, "P1")]


def test_a_byte_order_mark_before_a_comment_line(tmp_path):
    table = _read(tmp_path, codecs.BOM_UTF8 + b"# from the LIMS\n" + HEADER + b"P1\tS1\tk\tp\n")
    assert table.fatal == () and _cells(table) == [(3, "P1")]


@pytest.mark.parametrize("eol", [b"\r\n", b"\r", b"\n"], ids=["CRLF", "CR", "LF"])
def test_line_endings_leave_no_carriage_return_in_values(tmp_path, eol):
    data = eol.join([HEADER.rstrip(), b"P1\tS1\tk\tp\trelapse1", b"P2\tS2\tk\tp\t"]) + eol
    table = _read(tmp_path, data)
    assert table.fatal == ()
    assert _cells(table, "timepoint") == [(2, "relapse1"), (3, "")]


def test_utf16_as_excel_unicode_text_saves_it(tmp_path):
    text = HEADER.decode() + "P1\tS1\tk\tp\trécidive\n"
    table = _read(tmp_path, text.replace("\n", "\r\n").encode("utf-16"))
    assert table.fatal == () and _cells(table, "timepoint") == [(2, "récidive")]


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path):
    table = _read(tmp_path, (HEADER + b"P1\tS1\tk\tp\t\n").decode().encode("utf-16-le"))
    assert table.rows == ()
    assert table.fatal == (
        f"{tmp_path / 'samples.tsv'}: holds NUL bytes (UTF-16 without a byte-order mark?): "
        "save as UTF-8",
    )


def test_utf8_text_is_kept(tmp_path):
    table = _read(tmp_path, HEADER + "P1\tS1\tk\t/data/Müller/x.vcf\trécidive\n".encode())
    assert table.rows[0].value("path") == "/data/Müller/x.vcf"


# Quotes and '#' are data


def test_quotes_are_data_and_never_swallow_rows(tmp_path):
    table = _read(
        tmp_path,
        HEADER
        + b'P1\tS1\tk\tp\t"early relapse\n'
        + b"P2\tS2\tk\tp\trelapse1\n"
        + b'P3\tS3\tk\tp\trelapse 2"\n'
        + b'P4\tS4\tk\tp\trelapse "early\n',
    )
    assert table.fatal == ()
    assert _cells(table, "timepoint") == [
        (2, '"early relapse'),
        (3, "relapse1"),
        (4, 'relapse 2"'),
        (5, 'relapse "early'),
    ]
    assert all(row.problem is None for row in table.rows)


def test_comment_lines_are_skipped_and_line_numbers_are_the_files(tmp_path):
    table = _read(
        tmp_path,
        b"# batch 42\n"
        + HEADER
        + b"# P0 withdrawn\n"
        + b"\n"
        + b"\t\t\t\t\n"  # an empty spreadsheet row
        + b"P1\tS1\tk\t/runs/run #42/x.vcf\t#3\n",
    )
    assert _cells(table) == [(6, "P1")]
    assert table.rows[0].value("path") == "/runs/run #42/x.vcf"
    assert table.rows[0].value("timepoint") == "#3"
    assert table.rows[0].where.endswith("samples.tsv line 6")


# Rows: cells, short and long rows, undecodable bytes


def test_cells_are_trimmed_and_missing_markers_are_none(tmp_path):
    table = _read(tmp_path, HEADER + " P1 \tS1\u00a0\tk\tp\tNA\n".encode())
    row = table.rows[0]
    assert row.value("patient_id") == "P1" and row.value("sample_id") == "S1"
    assert row.value("timepoint") is None
    for marker in ("", "NA", "na", "N/A", "n/a", "."):
        data = HEADER + f"P1\tS1\tk\tp\t{marker}\n".encode()
        assert _read(tmp_path, data).rows[0].value("timepoint") is None
    assert row.record() == {"patient_id": "P1", "sample_id": "S1", "kind": "k", "path": "p"}


def test_a_short_row_has_empty_trailing_cells(tmp_path):
    table = _read(tmp_path, HEADER + b"P1\tS1\tk\tp\n")
    (row,) = table.rows
    assert row.problem is None and row.cells["timepoint"] == "" and row.value("timepoint") is None


def test_more_cells_than_the_header_is_a_problem_of_that_row(tmp_path):
    table = _read(
        tmp_path,
        HEADER + b"P1\tS1\tk\tp\trelapse1\tsee note\nP2\tS2\tk\tp\trelapse1\n",
    )
    first, second = table.rows
    assert first.problem == "6 cells but the header has 5 columns (a tab inside a value?)"
    assert first.value("patient_id") == "P1"  # still names its patient
    assert second.problem is None and table.fatal == ()


def test_empty_cells_past_the_header_are_trailing_tabs(tmp_path):
    table = _read(tmp_path, HEADER.rstrip() + b"\t\t\nP1\tS1\tk\tp\trelapse1\t\t\n")
    assert table.columns == ("patient_id", "sample_id", "kind", "path", "timepoint")
    assert table.rows[0].problem is None


def test_an_undecodable_byte_is_a_problem_of_its_row_only(tmp_path):
    table = _read(
        tmp_path,
        HEADER
        + b"P1\tS1\tk\tp\tr\xe9cidive\n"  # Latin-1
        + b"P2\tS2\tk\tp\trelapse1\n",
    )
    assert table.fatal == ()
    bad, good = table.rows
    assert bad.line == 2 and bad.value("patient_id") == "P1"
    assert (
        bad.problem == "row is not UTF-8 (byte 0xe9 in column timepoint): save the sheet as UTF-8"
    )
    assert good.problem is None and good.value("timepoint") == "relapse1"


def test_an_undecodable_comment_line_is_just_a_comment(tmp_path):
    table = _read(tmp_path, b"# r\xe9sum\xe9\n" + HEADER + b"P1\tS1\tk\tp\t\n")
    assert table.fatal == () and table.rows[0].problem is None


def test_numbers_must_be_finite_and_use_a_decimal_point(tmp_path):
    path = _sheet(
        tmp_path,
        b"patient_id\tage_at_diagnosis_years\nA1\t4.5\nA2\t4,5\nA3\tnan\nA4\tinf\nA5\tNA\n",
        "patients.tsv",
    )
    rows = read_table(path, PATIENT_REQUIRED).rows
    assert rows[0].number("age_at_diagnosis_years") == 4.5
    with pytest.raises(
        SheetError,
        match=r"line 3: column age_at_diagnosis_years: '4,5' is not a number \(use a decimal",
    ):
        rows[1].number("age_at_diagnosis_years")
    for row in rows[2:4]:
        with pytest.raises(SheetError, match="is not a finite number"):
            row.record(["age_at_diagnosis_years"])
    assert rows[4].number("age_at_diagnosis_years") is None


def test_duplicated_values_include_rows_with_problems(tmp_path):
    table = _read(tmp_path, HEADER + b"P1\tS1\tk\tp\t\nP1\tS1\tk\tp\t\xff\nP2\tS2\tk\tp\t\n")
    assert table.duplicated("sample_id") == {"S1"}


# Sheets that cannot be used: every problem at once


def test_a_sheet_that_does_not_exist_or_is_a_folder(tmp_path):
    (missing,) = read_table(tmp_path / "nope.tsv", SAMPLE_REQUIRED).fatal
    assert missing == f"{tmp_path / 'nope.tsv'}: cannot read sheet: No such file or directory"
    (folder,) = read_table(tmp_path, SAMPLE_REQUIRED).fatal
    assert folder.startswith(f"{tmp_path}: cannot read sheet: ")


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n", b"# only a comment\n", codecs.BOM_UTF8],
    ids=["empty", "blank", "comment", "bom"],
)
def test_an_empty_sheet(tmp_path, data):
    table = _read(tmp_path, data)
    assert table.fatal == (f"{tmp_path / 'samples.tsv'}: empty sheet: no header row",)


def test_a_header_without_rows(tmp_path):
    table = _read(tmp_path, b"# batch 42\n" + HEADER)
    assert table.fatal == (f"{tmp_path / 'samples.tsv'}: no rows under the header",)


def test_every_fatal_problem_is_listed(tmp_path):
    table = _read(tmp_path, b"# v2\nPatient ID\tsample_id\tsample_id\tnot\xe9\nP1\tS1\tS1\tx\n")
    sheet = tmp_path / "samples.tsv"
    assert table.fatal == (
        f"{sheet} line 2: header is not UTF-8 (byte 0xe9 in column not\ufffd): "
        "save the sheet as UTF-8",
        f"{sheet} line 2: column 'sample_id' appears 2 times",
        f"{sheet} line 2: missing required column(s) patient_id, kind, path "
        f"(columns found: Patient ID, sample_id, sample_id, not\ufffd)",
    )
    with pytest.raises(SheetError) as error:
        table.usable()
    assert str(error.value) == "; ".join(table.fatal)


def test_required_columns_are_the_schemas(tmp_path):
    for name, required in (("patients", PATIENT_REQUIRED), ("samples", SAMPLE_REQUIRED)):
        schema = yaml.safe_load((REPO / "workflow" / "schemas" / f"{name}.schema.yaml").read_text())
        assert tuple(schema["required"]) == required


# Typed rows for the CLI


def test_empty_cells_are_none_never_defaults(tmp_path):
    sheet = tmp_path / "patients.tsv"
    sheet.write_text(
        "patient_id\tage_at_diagnosis_years\tdiagnosis\tdasatinib_ic50_nM\n"
        "A1\t4.5\tB-ALL\t\n"
        "A2\t\tNA\t7\n"
    )
    a1, a2 = read_patient(sheet, "A1"), read_patient(sheet, "A2")
    assert a1.age_at_diagnosis_years == 4.5
    assert a1.dasatinib_ic50_nM is None
    assert a2.diagnosis is None and a2.dasatinib_ic50_nM == 7.0
    assert a2.performance_score is None  # column absent


def test_non_numeric_value_names_sheet_line_and_column(tmp_path):
    sheet = tmp_path / "patients.tsv"
    sheet.write_text("patient_id\tage_at_screening_years\nA1\ttwelve\n")
    with pytest.raises(
        SheetError, match=r"patients.tsv line 2: column age_at_screening_years: 'twelve' is not"
    ):
        read_patient(sheet, "A1")


def test_duplicate_patient_is_an_error(tmp_path):
    sheet = tmp_path / "patients.tsv"
    sheet.write_text("patient_id\nA1\nA1\n")
    with pytest.raises(SheetError, match="lines 2, 3: duplicate patient_id 'A1'"):
        read_patient(sheet, "A1")


def test_one_patient_is_read_whatever_other_rows_hold(tmp_path):
    sheet = _sheet(
        tmp_path,
        codecs.BOM_UTF8
        + b"patient_id\tdiagnosis\tage_at_diagnosis_years\r\n"
        + b"A1\tB-ALL\t4\r\n"
        + b"A2\tB-ALL\xa0\t5\r\n"
        + b"A3\tT-ALL\tfive\textra\r\n",
        "patients.tsv",
    )
    assert read_patient(sheet, "A1").age_at_diagnosis_years == 4.0
    with pytest.raises(
        SheetError, match=r"line 3: row is not UTF-8 \(byte 0xa0 in column diagnosis\)"
    ):
        read_patient(sheet, "A2")
    with pytest.raises(SheetError, match="line 4: 4 cells but the header has 3 columns"):
        read_patient(sheet, "A3")


def test_an_unusable_sheet_is_an_error_for_the_cli(tmp_path):
    sheet = _sheet(tmp_path, b"sample_id\tkind\nS1\tsmall_variants\n")
    with pytest.raises(SheetError, match="missing required column"):
        read_samples(sheet)
    with pytest.raises(SheetError, match="cannot read sheet"):
        read_patient(tmp_path / "nope.tsv", "A1")


def test_sample_rows_with_problems_are_skipped_unless_strict(tmp_path):
    sheet = _sheet(
        tmp_path,
        HEADER + b"P1\tS1\tsmall_variants\tx.vcf\tr\xe9cidive\nP1\tS2\tcopy_number\ty.vcf\t\n",
    )
    assert [r.sample_id for r in read_samples(sheet, "P1", strict=False)] == ["S2"]
    with pytest.raises(SheetError, match=r"samples\.tsv line 2: row is not UTF-8"):
        read_samples(sheet, "P1")
    assert read_samples(sheet, "P2") == []  # other patients' rows are not theirs


def test_sample_paths_are_relative_to_the_sheet(tmp_path):
    (tmp_path / "sub").mkdir()
    sheet = tmp_path / "sub" / "samples.tsv"
    sheet.write_text("patient_id\tsample_id\tkind\tpath\nA1\tS1\tsmall_variants\tx.vcf\n")
    (row,) = read_samples(sheet)
    assert row.path == (tmp_path / "sub" / "x.vcf").resolve()
    assert row.tumor_name is None


@pytest.mark.workflow
def test_the_sheet_catalogue_is_what_its_script_writes(tmp_path):
    """tests/data/bad/sheets/ (run by test_bad_sheets.py) is made, byte for byte, by
    scripts/make_bad_sheets.py."""
    script = REPO / "scripts" / "make_bad_sheets.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True)
    bad = REPO / "tests" / "data" / "bad"
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted(
        p.relative_to(bad) for p in [bad / "sheets.tsv", *(bad / "sheets").iterdir()]
    )
    for name in made:
        assert (tmp_path / name).read_bytes() == (bad / name).read_bytes(), name
