import io
import json
from pathlib import Path

import pandas as pd
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from mapk_filter.settings import refuse_eligibility_keys
from mapk_filter.sheets import NUMERIC_COLUMNS

# Eligibility values belong to the versioned rules file: say so before the schema's
# generic "additional properties" message.
REFUSED = refuse_eligibility_keys(config.get("filters") or {}, "config")
if REFUSED:
    raise WorkflowError("\n".join(REFUSED))
validate(config, schema="../schemas/config.schema.yaml")


def read_sheet(path):
    """Lines starting with '#' are comments; a '#' inside a value is kept. The index is
    each row's line number in the file, for error messages."""
    with open(path, encoding="utf-8") as handle:
        kept = [
            (n, ln)
            for n, ln in enumerate(handle, start=1)
            if ln.strip() and not ln.startswith("#")
        ]
    sheet = pd.read_csv(
        io.StringIO("".join(ln for _, ln in kept)),
        sep="\t",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    sheet.index = [n for n, _ in kept[1:]][: len(sheet)]
    return sheet


def valid_rows(sheet, schema, label, key):
    """Validate row by row: a bad row is reported (under its patient) and left out."""
    good, errors = [], []
    duplicated = sheet[key].duplicated(keep=False)
    for i, row in sheet.iterrows():
        where = f"{label} line {i}"
        owner = row.get("patient_id", row[key])
        if duplicated[i]:
            errors.append((owner, f"{where}: duplicate {key} '{row[key]}'"))
            continue
        record = {k: v for k, v in row.items() if pd.notnull(v)}
        try:
            for column in set(NUMERIC_COLUMNS) & set(record):
                record[column] = float(record[column])
            validate(pd.DataFrame([record], dtype=object), schema=schema)
        except ValueError as exc:
            errors.append((owner, f"{where}: {exc}"))
            continue
        except WorkflowError as exc:
            lines = str(exc).splitlines()
            reason = [ln for ln in lines if ln.startswith("ValidationError: ")]
            message = (
                reason[0].removeprefix("ValidationError: ") if reason else lines[0]
            )
            errors.append((owner, f"{where}: {message}"))
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


def resolved(path):
    path = Path(path)
    return path if path.is_absolute() else Path(config["samples"]).parent / path


# A file that does not exist would stop Snakemake before any job runs: leave it out and
# say so in its patient's report instead.
missing = [not resolved(p).is_file() for p in samples["path"]]
SAMPLE_ERRORS += [
    (
        r.patient_id,
        f"{config['samples']}: sample {r.sample_id}: file not found: {r.path}",
    )
    for r in samples[missing].itertuples()
]
samples = samples[[not m for m in missing]]
PATIENT_IDS = sorted(patients["patient_id"])
# Problems of assessed patients go into their reports (decision review); the rest into
# the batch summary as not_assessed rows.
FILE_ERRORS = {p: [w for who, w in SAMPLE_ERRORS if who == p] for p in PATIENT_IDS}
SHEET_ERRORS = [
    f"{who}: {what}"
    for who, what in PATIENT_ERRORS + SAMPLE_ERRORS
    if who not in PATIENT_IDS
]
for who, what in PATIENT_ERRORS + SAMPLE_ERRORS:
    logger.warning(f"mapk-filter: sheet error, row left out ({who}): {what}")


def sample_path(wildcards):
    return resolved(samples.loc[wildcards.sample, "path"])


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
