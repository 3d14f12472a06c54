rule render_report:
    input:
        "results/patients/{patient}/report.json",
    output:
        report(
            "results/patients/{patient}/report.html",
            caption="../report/patient.rst",
            category="Patients",
            subcategory="{patient}",
            labels={"patient": "{patient}", "format": "HTML"},
        ),
    log:
        "logs/render_report/{patient}.log",
    shell:
        "mapk-filter render --report {input:q} --out {output:q} 2> {log:q}"


rule pdf_report:
    input:
        "results/patients/{patient}/report.html",
    output:
        report(
            "results/patients/{patient}/report.pdf",
            caption="../report/patient_pdf.rst",
            category="Patients",
            subcategory="{patient}",
            labels={"patient": "{patient}", "format": "PDF"},
        ),
    log:
        "logs/pdf_report/{patient}.log",
    shell:
        "mapk-filter pdf --html {input:q} --out {output:q} 2> {log:q}"
