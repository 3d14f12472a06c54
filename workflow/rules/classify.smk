rule classify_sample:
    input:
        vcf=sample_path,
        sheet=config["samples"],
    output:
        "results/samples/{sample}.json",
    log:
        "logs/classify_sample/{sample}.log",
    params:
        build=config["genome_build"],
        patient=lambda wildcards: samples.loc[wildcards.sample, "patient_id"],
        data=data_options(),
        filters=filter_options(),
    shell:
        "mapk-filter classify --sample-sheet {input.sheet:q} --sample-id {wildcards.sample:q} "
        "--patient-id {params.patient:q} "
        "--default-build {params.build} {params.data} {params.filters} "
        "--out {output:q} 2> {log:q}"
