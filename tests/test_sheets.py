import pytest

from mapk_filter.errors import SheetError
from mapk_filter.sheets import read_patients, read_samples


def test_empty_cells_are_none_never_defaults(tmp_path):
    sheet = tmp_path / "patients.tsv"
    sheet.write_text(
        "patient_id\tage_at_diagnosis_years\tdiagnosis\tdasatinib_ic50_nM\n"
        "A1\t4.5\tB-ALL\t\n"
        "A2\t\tNA\t7\n"
    )
    patients = read_patients(sheet)
    assert patients["A1"].age_at_diagnosis_years == 4.5
    assert patients["A1"].dasatinib_ic50_nM is None
    assert patients["A2"].diagnosis is None and patients["A2"].dasatinib_ic50_nM == 7.0
    assert patients["A2"].performance_score is None  # column absent


def test_non_numeric_value_names_sheet_line_and_column(tmp_path):
    sheet = tmp_path / "patients.tsv"
    sheet.write_text("patient_id\tage_at_screening_years\nA1\ttwelve\n")
    with pytest.raises(SheetError, match=r"patients.tsv: line 2, column age_at_screening_years"):
        read_patients(sheet)


def test_duplicate_patient_is_an_error(tmp_path):
    sheet = tmp_path / "patients.tsv"
    sheet.write_text("patient_id\nA1\nA1\n")
    with pytest.raises(SheetError, match="line 3: duplicate patient_id 'A1'"):
        read_patients(sheet)


def test_sample_paths_are_relative_to_the_sheet(tmp_path):
    (tmp_path / "sub").mkdir()
    sheet = tmp_path / "sub" / "samples.tsv"
    sheet.write_text("patient_id\tsample_id\tkind\tpath\nA1\tS1\tsmall_variants\tx.vcf\n")
    (row,) = read_samples(sheet)
    assert row.path == (tmp_path / "sub" / "x.vcf").resolve()
    assert row.tumor_name is None
