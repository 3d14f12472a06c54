rule summarize_batch:
    input:
        expand("results/patients/{patient}/report.json", patient=PATIENT_IDS),
    output:
        tsv="results/batch/summary.tsv",
        html=report(
            "results/batch/summary.html",
            caption="../report/summary.rst",
            category="Batch",
        ),
    log:
        "logs/summarize_batch/summary.log",
    params:
        out_dir=subpath(output.tsv, parent=True),
        sheet_errors=lambda wildcards: json.dumps(SHEET_ERRORS),
    shell:
        "mapk-filter summarize --reports {input:q} --sheet-errors {params.sheet_errors:q} "
        "--out-dir {params.out_dir:q} 2> {log:q}"
