import json
from pathlib import Path

import pandas as pd
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

NUMERIC = [
    "age_at_diagnosis_years",
    "age_at_screening_years",
    "dasatinib_ic50_nM",
    "performance_score",
]


def read_sheet(path):
    return pd.read_csv(
        path, sep="\t", dtype=str, comment="#", keep_default_na=False, na_values=[""]
    )


def valid_rows(sheet, schema, label, key):
    """Validate row by row: a bad row is reported and left out; the batch goes on."""
    good, errors = [], []
    duplicated = sheet[key].duplicated(keep=False)
    for i, row in sheet.iterrows():
        where = f"{label} line {i + 2}"
        if duplicated[i]:
            errors.append((row[key], f"{where}: duplicate {key} '{row[key]}'"))
            continue
        record = {k: v for k, v in row.items() if pd.notnull(v)}
        try:
            for column in set(NUMERIC) & set(record):
                record[column] = float(record[column])
            validate(pd.DataFrame([record], dtype=object), schema=schema)
        except ValueError as exc:
            errors.append((row[key], f"{where}: {exc}"))
            continue
        except WorkflowError as exc:
            cause = exc.args[1] if len(exc.args) > 1 else exc
            errors.append((row[key], f"{where}: {getattr(cause, 'message', cause)}"))
            continue
        good.append(i)
    return sheet.loc[good], errors


patients, PATIENT_ERRORS = valid_rows(
    read_sheet(config["patients"]),
    "../schemas/patients.schema.yaml",
    config["patients"],
    "patient_id",
)
samples, SAMPLE_ERRORS = valid_rows(
    read_sheet(config["samples"]),
    "../schemas/samples.schema.yaml",
    config["samples"],
    "sample_id",
)
orphans = ~samples["patient_id"].isin(patients["patient_id"])
SAMPLE_ERRORS += [
    (r.patient_id, f"{config['samples']}: sample {r.sample_id}: patient not assessable")
    for r in samples[orphans].itertuples()
]
samples = samples[~orphans].set_index("sample_id", drop=False)
PATIENT_IDS = sorted(patients["patient_id"])
SHEET_ERRORS = [f"{who}: {what}" for who, what in PATIENT_ERRORS + SAMPLE_ERRORS]
for message in SHEET_ERRORS:
    logger.warning(f"mapk-filter: sheet error, left out of the run: {message}")


def sample_path(wildcards):
    path = Path(samples.loc[wildcards.sample, "path"])
    return path if path.is_absolute() else Path(config["samples"]).parent / path


def patient_sample_results(wildcards):
    ids = samples.loc[samples["patient_id"] == wildcards.patient, "sample_id"]
    return [f"results/samples/{s}.json" for s in ids]


def data_options():
    """--panel-dir/--rules when the config overrides the bundled data."""
    options = []
    if config.get("panel_dir"):
        options.append(f"--panel-dir '{config['panel_dir']}'")
    if config.get("rules"):
        options.append(f"--rules '{config['rules']}'")
    return " ".join(options)


def filter_options():
    """Config filters as CLI options of `mapk-filter classify`."""
    options = []
    for key, value in config["filters"].items():
        if isinstance(value, list):
            value = ",".join(value)
        options.append(f"--{key.replace('_', '-')} '{value}'")
    reference = config.get("reference", {})
    for key in ("fasta", "gff3"):
        if reference.get(key):
            options.append(f"--{key} '{reference[key]}'")
    return " ".join(options)
