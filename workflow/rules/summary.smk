rule summarize_batch:
    input:
        expand("results/patients/{patient}/report.json", patient=PATIENT_IDS),
    output:
        tsv="results/batch/summary.tsv",
        html="results/batch/summary.html",
    log:
        "logs/summarize_batch/summary.log",
    params:
        out_dir=subpath(output.tsv, parent=True),
        sheet_errors=lambda wildcards: json.dumps(SHEET_ERRORS),
    shell:
        "mapk-filter summarize --reports {input:q} --sheet-errors {params.sheet_errors:q} "
        "--out-dir {params.out_dir:q} 2> {log:q}"


rule pdf_summary:
    input:
        "results/batch/summary.html",
    output:
        report(
            "results/batch/summary.pdf",
            caption="../report/summary_pdf.rst",
            category="Batch",
            labels={"page": "batch overview", "format": "PDF"},
        ),
    log:
        "logs/pdf_summary/summary.log",
    shell:
        "mapk-filter pdf --html {input:q} --out {output:q} 2> {log:q}"


rule report_bundle:
    input:
        json=expand("results/patients/{patient}/report.json", patient=PATIENT_IDS),
        html=expand("results/patients/{patient}/report.html", patient=PATIENT_IDS),
        pdf=expand("results/patients/{patient}/{pdf}", patient=PATIENT_IDS, pdf=PDF),
        exports=expand(
            "results/patients/{patient}/{name}",
            patient=PATIENT_IDS,
            name=list(EXPORT_FILES),
        ),
    output:
        report(
            directory("results/report_bundle"),
            htmlindex="summary.html",
            caption="../report/summary.rst",
            category="Batch",
            labels={"page": "batch overview", "format": "HTML"},
        ),
    log:
        "logs/report_bundle/bundle.log",
    params:
        sheet_errors=lambda wildcards: json.dumps(SHEET_ERRORS),
    shell:
        "mapk-filter bundle --reports {input.json:q} --sheet-errors {params.sheet_errors:q} "
        "--out-dir {output:q} 2> {log:q}"
