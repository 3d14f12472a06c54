rule decide_patient:
    input:
        results=patient_sample_results,
        patients=config["patients"],
        samples=config["samples"],
    output:
        json="results/patients/{patient}/report.json",
        tsv="results/patients/{patient}/variants.tsv",
    log:
        "logs/decide_patient/{patient}.log",
    params:
        out_dir=subpath(output.json, parent=True),
        data=data_options(),
        sheet_errors=lambda wildcards: json.dumps(FILE_ERRORS[wildcards.patient]),
    shell:
        "mapk-filter decide --patient-sheet {input.patients:q} --sample-sheet {input.samples:q} "
        "--patient-id {wildcards.patient:q} --sample-results {input.results:q} "
        "--out-dir {params.out_dir:q} --sheet-errors {params.sheet_errors:q} {params.data} "
        "2> {log:q}"
