# One job per shard of patients (config shards.patients): each patient is decided and
# rendered (report.json, variants.tsv, report.html, report.pdf, phenopacket.json,
# fhir.json) in results/patients/{id}/.
for number, ids in enumerate(PATIENT_SHARDS, start=1):

    rule:
        name:
            f"report_shard_{number}"
        input:
            results=[r for p in ids for r in patient_results(p)],
            patients=config["patients"],
            samples=config["samples"],
        output:
            [
                f"results/patients/{p}/{name}"
                for p in ids
                for name in ("report.json", "variants.tsv")
            ],
            [patient_report(p, "report.html", "HTML") for p in ids],
            [patient_report(p, "report.pdf", "PDF") for p in ids if config["pdf"]],
            [
                patient_report(p, n, label)
                for p in ids
                for n, label in EXPORT_FILES.items()
            ],
        log:
            f"logs/report/shard_{number}.log",
        resources:
            mem_mb=SHARD_MEM_MB,
            runtime=shard_runtime(len(ids)),
        params:
            ids=" ".join(f"'{p}'" for p in ids),
            data=data_options(),
            pdf="--pdf" if config["pdf"] else "",
            exports=" ".join(["--exports", *EXPORT_FILES]) if EXPORT_FILES else "",
            sheet_errors=json.dumps({p: FILE_ERRORS[p] for p in ids if FILE_ERRORS[p]}),
        shell:
            "mapk-filter report --patient-sheet {input.patients:q} --sample-sheet {input.samples:q} "
            "--patient-id {params.ids} --sample-results {input.results:q} "
            "--out-root results/patients --sheet-errors {params.sheet_errors:q} {params.pdf} {params.exports} "
            "{params.data} 2> {log:q}"
