#!/usr/bin/env python3
"""Write tests/data/callers/: one biological patient as each supported caller writes it.

The patient: KRAS p.Gly12Asp with 30 of 100 reads, one non-hotspot record inside the ABL1
span, two records outside the panel. Each file carries its caller's own header lines and
FORMAT fields; some are VEP- or SnpEff-annotated, some GRCh37, some without ``chr``.
tests/test_callers.py asserts that every file gives the same findings and decision.

    python scripts/make_caller_fixtures.py
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_example_batch import (
    GENES,
    VcfSpec,
    background,
    csq,
    hotspot,
    hotspot_record,
    mutect,
    strelka,
    write_vcf,
)

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "callers"
Evidence = Callable[[int, int], dict[str, list[str]]]

VARDICT = [
    "##source=VarDict_v1.8.3",
    '##FORMAT=<ID=VD,Number=1,Type=Integer,Description="Variant Depth">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele Frequency">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Total Depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=RD,Number=2,Type=Integer,Description="Reference forward, reverse reads">',
    '##FORMAT=<ID=ALD,Number=2,Type=Integer,Description="Variant forward, reverse reads">',
]
FREEBAYES = [
    "##source=freeBayes v1.3.6",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read Depth">',
    '##FORMAT=<ID=RO,Number=1,Type=Integer,Description="Reference allele observation count">',
    '##FORMAT=<ID=AO,Number=A,Type=Integer,Description="Alternate allele observation count">',
]
DRAGEN = [
    '##DRAGENCommandLine=<ID=dragen,Version="SW: 07.021.645.4.0.3, HW: 07.021.645",Date="Mon Nov 02 10:00:00 UTC 2026",CommandLineOptions="--enable-variant-caller true --tumor-bam-input tumor.bam">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths (counting only informative reads out of the total reads) for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions for alt alleles in the order listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
]
HAPLOTYPECALLER = [
    '##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="HaplotypeCaller --output tumor.g.vcf.gz",Version="4.4.0.0",Date="November 2, 2026">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
]
SNPEFF = [
    '##SnpEffVersion="5.1d (build 2022-04-19 15:49), by Pablo Cingolani"',
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO' \">",
]


def vardict(ref: int, alt: int) -> dict[str, list[str]]:
    return {
        "GT": ["0/1"],
        "DP": [str(ref + alt)],
        "VD": [str(alt)],
        "AD": [f"{ref},{alt}"],
        "AF": [f"{alt / (ref + alt):.4f}"],
        "RD": [f"{ref // 2},{ref - ref // 2}"],
        "ALD": [f"{alt // 2},{alt - alt // 2}"],
    }


def freebayes(ref: int, alt: int) -> dict[str, list[str]]:
    return {"GT": ["0/1"], "DP": [str(ref + alt)], "RO": [str(ref)], "AO": [str(alt)]}


def haplotypecaller(ref: int, alt: int) -> dict[str, list[str]]:
    return {"GT": ["0/1"], "AD": [f"{ref},{alt}"], "DP": [str(ref + alt)], "GQ": ["99"]}


def strelka_pair(ref: int, alt: int) -> dict[str, list[str]]:
    return strelka("C", "T", ref, alt)


def mutect_only(ref: int, alt: int) -> dict[str, list[str]]:
    return mutect(ref, alt)


def ann(alt: str) -> str:
    g = GENES["KRAS"]
    return "ANN=" + "|".join(
        [
            alt,
            "missense_variant",
            "MODERATE",
            "KRAS",
            g["ensembl_gene"],
            "transcript",
            g["refseq_mane"],
            "protein_coding",
            "2/6",
            "c.35G>A",
            "p.Gly12Asp",
            "",
            "",
            "",
            "",
            "",
        ]
    )


def write(
    name: str,
    caller: str,
    samples: list[str],
    meta: list[str],
    ev: Evidence,
    build: str = "GRCh38",
    chr_prefix: bool = True,
    annotation: str = "",
) -> None:
    g12d = hotspot("KRAS", "G12D")
    key = build.lower()
    spec = VcfSpec(
        name,
        caller,
        samples,
        build=build,
        chr_prefix=chr_prefix,
        annotated=annotation == "vep",
        meta=meta,
    )
    if annotation == "snpeff":
        spec.meta = [*meta, *SNPEFF]
    info = "."
    if annotation == "vep":
        info = "CSQ=" + csq(
            "KRAS",
            g12d[f"{key}_alt"],
            "missense_variant",
            "MODERATE",
            g12d["hgvs_c"],
            g12d["hgvs_p"],
        )
    elif annotation == "snpeff":
        info = ann(g12d[f"{key}_alt"])
    if caller == "strelka2":
        fmt = strelka(g12d[f"{key}_ref"], g12d[f"{key}_alt"], 70, 30)
    else:
        fmt = ev(70, 30)
    spec.records.append(hotspot_record(g12d, fmt, build=build, info=info))
    background(spec, ev)
    write_vcf(spec, OUT)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    tumour = ["TUMOR_1"]
    write("mutect2_grch38_chr_raw", "mutect2", tumour, [], mutect_only)
    write("mutect2_grch38_nochr_raw", "mutect2", tumour, [], mutect_only, chr_prefix=False)
    write(
        "mutect2_grch37_nochr_raw",
        "mutect2",
        tumour,
        [],
        mutect_only,
        build="GRCh37",
        chr_prefix=False,
    )
    write(
        "mutect2_grch37_chr_vep",
        "mutect2",
        tumour,
        [],
        mutect_only,
        build="GRCh37",
        annotation="vep",
    )
    write("strelka2_grch38_chr_raw", "strelka2", ["NORMAL", "TUMOR"], [], strelka_pair)
    write(
        "strelka2_grch37_nochr_snpeff",
        "strelka2",
        ["NORMAL", "TUMOR"],
        [],
        strelka_pair,
        build="GRCh37",
        chr_prefix=False,
        annotation="snpeff",
    )
    write("vardict_grch38_chr_raw", "vardict", tumour, VARDICT, vardict)
    write("vardict_grch38_chr_vep", "vardict", tumour, VARDICT, vardict, annotation="vep")
    write("freebayes_grch38_chr_raw", "freebayes", ["tumour"], FREEBAYES, freebayes)
    write("dragen_grch38_chr_raw", "dragen", tumour, DRAGEN, mutect_only)
    write(
        "dragen_grch37_chr_snpeff",
        "dragen",
        tumour,
        DRAGEN,
        mutect_only,
        build="GRCh37",
        annotation="snpeff",
    )
    write(
        "haplotypecaller_grch38_chr_raw",
        "haplotypecaller",
        tumour,
        HAPLOTYPECALLER,
        haplotypecaller,
    )


if __name__ == "__main__":
    main()
