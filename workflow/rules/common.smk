import json
from pathlib import Path

import jsonschema
import pandas as pd
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from mapk_filter.errors import SheetError
from mapk_filter.settings import refuse_eligibility_keys
from mapk_filter.sheets import (
    NUMERIC_COLUMNS,
    PATIENT_REQUIRED,
    SAMPLE_REQUIRED,
    read_table,
)

# Eligibility values belong to the versioned rules file: say so before the schema's
# generic "additional properties" message.
REFUSED = refuse_eligibility_keys(config.get("filters") or {}, "config")
if REFUSED:
    raise WorkflowError("\n".join(REFUSED))
validate(config, schema="../schemas/config.schema.yaml")

# The sheets are read by the package's one reader (mapk_filter.sheets.read_table), as the
# CLI reads them. A sheet the batch cannot be run on (unreadable, empty, a required column
# missing) stops the run here, before any job, with every such problem listed at once.
PATIENT_SHEET = read_table(config["patients"], PATIENT_REQUIRED)
SAMPLE_SHEET = read_table(config["samples"], SAMPLE_REQUIRED)
FATAL = PATIENT_SHEET.fatal + SAMPLE_SHEET.fatal
if FATAL:
    raise WorkflowError(
        f"mapk-filter: the sheets cannot be used ({len(FATAL)} problem(s)); nothing was run:\n"
        + "\n".join(f"  - {problem}" for problem in FATAL)
    )


def row_problem(validator, record):
    """'column diagnosis: 'AML' is not one of [...]': the first schema error of a row, as
    snakemake.utils.validate would report it, or None."""
    error = next(validator.iter_errors(record), None)
    if error is None:
        return None
    return f"column {error.path[0]}: {error.message}" if error.path else error.message


def valid_rows(table, schema, key):
    """Validate row by row: a bad row is left out and reported as (its patient, why)."""
    good, errors = [], []
    # The schema is read and checked once per sheet, not once per row (500 patients' rows
    # took 35 s through snakemake.utils.validate, which re-reads the YAML every call).
    schema = yaml.safe_load((Path(workflow.basedir) / "schemas" / schema).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    duplicated = table.duplicated(key)
    for row in table.rows:
        problem = row.problem
        if problem is None and row.value(key) in duplicated:
            problem = f"duplicate {key} '{row.value(key)}'"
        if problem is None:
            try:
                problem = row_problem(validator, row.record(NUMERIC_COLUMNS))
            except SheetError as exc:
                problem = str(exc).removeprefix(f"{row.where}: ")
        if problem is None:
            good.append(row)
        else:
            # whose problem it is: its patient (": " would split the summary's "who: what")
            owner = row.value("patient_id") or f"{Path(row.sheet).name} line {row.line}"
            errors.append((owner.replace(": ", ":"), f"{row.where}: {problem}"))
    return good, errors


patient_rows, PATIENT_ERRORS = valid_rows(
    PATIENT_SHEET, "patients.schema.yaml", "patient_id"
)
sample_rows, SAMPLE_ERRORS = valid_rows(
    SAMPLE_SHEET, "samples.schema.yaml", "sample_id"
)
PATIENT_IDS = sorted(row.value("patient_id") for row in patient_rows)


def resolved(path):
    path = Path(path)
    return path if path.is_absolute() else Path(config["samples"]).parent / path


def unusable(row):
    """Why a valid sample row cannot be run, or None. A file that does not exist would
    stop Snakemake before any job runs: the row is left out and its patient's report
    says so instead."""
    patient = row.value("patient_id")
    if patient in PATIENT_IDS:
        if resolved(row.value("path")).is_file():
            return None
        return f"file not found: {row.value('path')}"
    if any(who == patient for who, _ in PATIENT_ERRORS):
        return f"patient '{patient}' not assessable: its patient row was left out"
    return f"patient '{patient}' is not in the patient sheet"


UNUSABLE = {row.line: unusable(row) for row in sample_rows}
SAMPLE_ERRORS += [
    (
        r.value("patient_id"),
        f"{r.where}: sample {r.value('sample_id')}: {UNUSABLE[r.line]}",
    )
    for r in sample_rows
    if UNUSABLE[r.line]
]
samples = pd.DataFrame(
    [r.cells for r in sample_rows if not UNUSABLE[r.line]],
    columns=list(SAMPLE_SHEET.columns),
).set_index("sample_id", drop=False)

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


def sample_path_of(sample):
    return resolved(samples.loc[sample, "path"])


def patient_results(patient):
    ids = samples.loc[samples["patient_id"] == patient, "sample_id"]
    return [f"results/samples/{s}.json" for s in ids]


def shards(ids, size):
    """Consecutive runs of ``size`` ids, in sorted order: the same batch always gives the
    same shards, so a changed file reruns only the shard it is in."""
    ids = sorted(ids)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# Jobs that each do many files (SPEC §7): one Python start per shard, not per file.
FILE_SHARDS = shards(samples["sample_id"], config["shards"]["files"])
PATIENT_SHARDS = shards(PATIENT_IDS, config["shards"]["patients"])
# Cluster resources of a shard job: memory is flat (one file at a time); the time limit
# grows with the shard (generous: a whole-genome VCF without an index is a minute).
SHARD_MEM_MB = 1000


def shard_runtime(items):
    """Minutes a shard of ``items`` files or patients may take on a cluster."""
    return 10 + 2 * items


# Each per-patient file `snakemake --report` shows: its label there, and its caption.
REPORT_CAPTIONS = {
    "HTML": "../report/patient.rst",
    "PDF": "../report/patient_pdf.rst",
    "Phenopacket": "../report/patient_phenopacket.rst",
    "FHIR": "../report/patient_fhir.rst",
}


def patient_report(patient, name, label):
    """A patient's file, filed under the patient in `snakemake --report`."""
    return report(
        f"results/patients/{patient}/{name}",
        caption=REPORT_CAPTIONS[label],
        category="Patients",
        subcategory=patient,
        labels={"patient": patient, "format": label},
    )


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


# config `pdf: false` turns the A4 PDFs off (report.pdf per patient, summary.pdf). When they
# are on but cannot be made here, say so before any job runs (checked once, by the main
# process: a cluster job that parses the Snakefile again does not import WeasyPrint).
PDF = ["report.pdf"] if config["pdf"] else []
# config `exports`: the exchange formats each patient gets (file name -> report label)
EXPORT_FILES = {
    name: label
    for key, name, label in (
        ("phenopacket", "phenopacket.json", "Phenopacket"),
        ("fhir", "fhir.json", "FHIR"),
    )
    if config.get("exports", {}).get(key, True)
}
if config["pdf"] and workflow.is_main_process:
    from mapk_filter.reports.pdf import pdf_problem

    PDF_PROBLEM = pdf_problem()
    if PDF_PROBLEM:
        raise WorkflowError(f"mapk-filter: {PDF_PROBLEM}")
