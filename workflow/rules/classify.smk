# One job per shard of input files (config shards.files): each reads the sheet, the panel
# and the rules once and writes results/samples/{sample}.json per file. A changed file
# reruns its shard only; a bad file gives its own result an error, never the shard.
for number, ids in enumerate(FILE_SHARDS, start=1):

    rule:
        name:
            f"classify_shard_{number}"
        input:
            files=[sample_path_of(s) for s in ids],
            sheet=config["samples"],
        output:
            [f"results/samples/{s}.json" for s in ids],
        log:
            f"logs/classify/shard_{number}.log",
        resources:
            mem_mb=SHARD_MEM_MB,
            runtime=shard_runtime(len(ids)),
        params:
            ids=" ".join(f"'{s}'" for s in ids),
            build=config["genome_build"],
            data=data_options(),
            filters=filter_options(),
        shell:
            "mapk-filter classify --sample-sheet {input.sheet:q} --sample-id {params.ids} "
            "--default-build {params.build} {params.data} {params.filters} "
            "--out-dir results/samples 2> {log:q}"
