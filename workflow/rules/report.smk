rule render_report:
    input:
        "results/patients/{patient}/report.json",
    output:
        report(
            "results/patients/{patient}/report.html",
            caption="../report/patient.rst",
            category="Patients",
        ),
    log:
        "logs/render_report/{patient}.log",
    shell:
        "mapk-filter render --report {input:q} --out {output:q} 2> {log:q}"
