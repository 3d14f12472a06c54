#!/usr/bin/env python3
"""Write the bundled example batch (resources/example_batch/) from the curated panel.

Every variant coordinate comes from resources/gene_lists/hotspots.tsv and panel_genes.tsv,
so the batch stays true to the panel; nothing is typed by hand. Each patient shows one
case the decision rules must get right; tests/test_workflow.py asserts them.

    python scripts/make_example_batch.py [--out resources/example_batch]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pysam
import pysam.bcftools

from mapk_filter.sheets import PATIENT_COLUMNS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
GENE_LISTS = REPO / "resources" / "gene_lists"

COMPLEMENT = str.maketrans("ACGT", "TGCA")
CODONS = {
    "Phe": ["TTT", "TTC"],
    "Leu": ["TTA", "TTG", "CTT", "CTC", "CTA", "CTG"],
    "Ile": ["ATT", "ATC", "ATA"],
    "Met": ["ATG"],
    "Val": ["GTT", "GTC", "GTA", "GTG"],
    "Ser": ["TCT", "TCC", "TCA", "TCG", "AGT", "AGC"],
    "Pro": ["CCT", "CCC", "CCA", "CCG"],
    "Thr": ["ACT", "ACC", "ACA", "ACG"],
    "Ala": ["GCT", "GCC", "GCA", "GCG"],
    "Tyr": ["TAT", "TAC"],
    "His": ["CAT", "CAC"],
    "Gln": ["CAA", "CAG"],
    "Asn": ["AAT", "AAC"],
    "Lys": ["AAA", "AAG"],
    "Asp": ["GAT", "GAC"],
    "Glu": ["GAA", "GAG"],
    "Cys": ["TGT", "TGC"],
    "Trp": ["TGG"],
    "Arg": ["CGT", "CGC", "CGA", "CGG", "AGA", "AGG"],
    "Gly": ["GGT", "GGC", "GGA", "GGG"],
}

CSQ_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|"
    "HGVSp|Existing_variation|STRAND|HGNC_ID|MANE_SELECT|gnomADe_AF"
)


def table(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


GENES = {row["symbol"]: row for row in table(GENE_LISTS / "panel_genes.tsv")}
HOTSPOTS = table(GENE_LISTS / "hotspots.tsv")
LENGTHS = {r["chrom"]: r for r in table(GENE_LISTS / "contig_lengths.tsv")}


def hotspot(gene: str, short: str) -> dict[str, str]:
    rows = [h for h in HOTSPOTS if h["gene"] == gene and h["short"] == short]
    if not rows:
        raise SystemExit(f"hotspot {gene} {short} is not in hotspots.tsv")
    return rows[0]


def first_hotspot(gene: str, category: str) -> dict[str, str]:
    rows = [h for h in HOTSPOTS if h["gene"] == gene and h["category"] == category]
    if not rows:
        raise SystemExit(f"no {category} hotspot for {gene} in hotspots.tsv")
    return rows[0]


def synonymous_at(h: dict[str, str]) -> tuple[str, str, str]:
    """A synonymous third-base change at a hotspot codon whose third base the row fixes.

    Returns (genomic alt, HGVSc, HGVSp). Needs a row changing codon position 3 (c.3n).
    """
    c_pos = int("".join(ch for ch in h["hgvs_c"].split(">")[0] if ch.isdigit()))
    if c_pos % 3 != 0:
        raise SystemExit(f"{h['gene']} {h['short']}: not a third-base change")
    ref_base = h["hgvs_c"].split(">")[0][-1]
    aa = h["hgvs_p"][2:5]
    options = sorted(
        {c[2] for c in CODONS[aa] if c[2] != ref_base and c[:2] + ref_base in CODONS[aa]}
    )
    if not options:
        raise SystemExit(f"{h['gene']} {h['short']}: no synonymous third base")
    alt_c = options[0]
    minus = GENES[h["gene"]]["strand"] == "-"
    alt_genomic = alt_c.translate(COMPLEMENT) if minus else alt_c
    return alt_genomic, f"c.{c_pos}{ref_base}>{alt_c}", f"p.{aa}{c_pos // 3}%3D"


def csq(
    gene: str, alt: str, consequence: str, impact: str, hgvs_c: str, hgvs_p: str, gnomad: str = ""
) -> str:
    g = GENES[gene]
    strand = "1" if g["strand"] == "+" else "-1"
    transcript = g["ensembl_mane"]
    return "|".join(
        [
            alt,
            consequence,
            impact,
            gene,
            g["ensembl_gene"],
            "Transcript",
            transcript,
            "protein_coding",
            "",
            "",
            f"{transcript}:{hgvs_c}" if hgvs_c else "",
            hgvs_p,
            "",
            strand,
            g["hgnc_id"],
            g["refseq_mane"],
            gnomad,
        ]
    )


@dataclass
class Record:
    chrom: str
    pos: int
    ref: str
    alt: str
    fmt: dict[str, list[str]]  # FORMAT key -> value per sample
    info: str = "."
    filt: str = "PASS"


@dataclass
class VcfSpec:
    name: str
    caller: str  # mutect2 | strelka2
    samples: list[str]
    build: str = "GRCh38"
    chr_prefix: bool = True
    annotated: bool = False
    meta: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    output: str = "vcf"  # vcf | vcf.gz (+tbi) | bcf (+csi)


def intronic(gene: str, offset: int = 1500, build: str = "GRCh38") -> int:
    """A base ``offset`` into the gene's span (an intron for the offsets used here)."""
    return int(GENES[gene][f"{build.lower()}_start"]) + offset


def header(spec: VcfSpec) -> list[str]:
    prefix = "chr" if spec.chr_prefix else ""
    lines = ["##fileformat=VCFv4.2", '##FILTER=<ID=PASS,Description="All filters passed">']
    if spec.caller == "mutect2":
        lines += [
            '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
            '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
            '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">',
            '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
            '##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --output somatic.vcf.gz",Version="4.4.0.0",Date="November 1, 2026">',
            '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">',
            "##source=Mutect2",
        ]
    elif spec.caller == "strelka2":
        lines += [
            "##source=strelka",
            "##source_version=2.9.10",
            "##content=strelka somatic snv calls",
            '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Sample genotype has a somatic variant">',
            '##INFO=<ID=QSS,Number=1,Type=Integer,Description="Quality score for any somatic snv">',
            '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth for tier1 (used+filtered)">',
            '##FORMAT=<ID=FDP,Number=1,Type=Integer,Description="Number of basecalls filtered from original read depth for tier1">',
            "##FORMAT=<ID=AU,Number=2,Type=Integer,Description=\"Number of 'A' alleles used in tiers 1,2\">",
            "##FORMAT=<ID=CU,Number=2,Type=Integer,Description=\"Number of 'C' alleles used in tiers 1,2\">",
            "##FORMAT=<ID=GU,Number=2,Type=Integer,Description=\"Number of 'G' alleles used in tiers 1,2\">",
            "##FORMAT=<ID=TU,Number=2,Type=Integer,Description=\"Number of 'T' alleles used in tiers 1,2\">",
        ]
    if spec.annotated:
        lines += [
            '##VEP="v110" time="2026-11-01 10:00:00" ensembl=110',
            f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: {CSQ_FIELDS}">',
        ]
    for chrom, row in LENGTHS.items():
        lines.append(f"##contig=<ID={prefix}{chrom},length={row[spec.build]}>")
    lines += spec.meta
    lines.append(
        "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *spec.samples]
        )
    )
    return lines


def strelka_counts(ref: str, alt: str, ref_reads: int, alt_reads: int) -> dict[str, list[str]]:
    counts = {b: [0, 0] for b in "ACGT"}
    counts[ref] = [ref_reads, ref_reads + 2]
    counts[alt] = [alt_reads, alt_reads + 1]
    return {
        "DP": [str(ref_reads + alt_reads)],
        "FDP": ["0"],
        **{f"{b}U": [f"{counts[b][0]},{counts[b][1]}"] for b in "ACGT"},
    }


def strelka(
    ref: str, alt: str, t_ref: int, t_alt: int, n_ref: int = 38, n_alt: int = 0
) -> dict[str, list[str]]:
    """FORMAT values for [NORMAL, TUMOR], as Strelka2 writes its somatic SNVs."""
    normal, tumour = strelka_counts(ref, alt, n_ref, n_alt), strelka_counts(ref, alt, t_ref, t_alt)
    return {key: [normal[key][0], tumour[key][0]] for key in tumour}


def mutect(
    ref_reads: int, alt_reads: int, normal: tuple[int, int] | None = None
) -> dict[str, list[str]]:
    """FORMAT values for [normal?, tumour] in sample order (normal first, as GATK writes)."""
    t_af = f"{alt_reads / (ref_reads + alt_reads):.3f}"
    tumour = ("0/1", f"{ref_reads},{alt_reads}", t_af, str(ref_reads + alt_reads))
    columns = [tumour]
    if normal is not None:
        n_ref, n_alt = normal
        columns.insert(
            0,
            (
                "0/0" if n_alt == 0 else "0/1",
                f"{n_ref},{n_alt}",
                f"{n_alt / (n_ref + n_alt):.3f}",
                str(n_ref + n_alt),
            ),
        )
    return {key: [c[i] for c in columns] for i, key in enumerate(("GT", "AD", "AF", "DP"))}


def background(spec: VcfSpec, ev: Callable[[int, int], dict[str, list[str]]] | None = None) -> None:
    """Records every file has: two outside the panel and one non-hotspot in-panel record."""
    if ev is None:
        ev = (
            (lambda r, a: mutect(r, a, (40, 0) if len(spec.samples) == 2 else None))
            if spec.caller == "mutect2"
            else (lambda r, a: strelka("C", "T", r, a))
        )
    # TP53 and GAPDH are not panel genes: outside-panel records for the accounting.
    spec.records.append(Record("17", 7_676_000, "C", "T", ev(50, 20)))
    spec.records.append(Record("12", 6_534_600, "C", "T", ev(60, 15)))
    # A base inside the ABL1 gene span (intron 1): in the panel, no rule applies.
    spec.records.append(Record("9", intronic("ABL1", 20_000, spec.build), "C", "T", ev(70, 12)))


def hotspot_record(
    h: dict[str, str],
    ev: dict[str, list[str]],
    build: str = "GRCh38",
    filt: str = "PASS",
    info: str = ".",
) -> Record:
    key = build.lower()
    return Record(
        h[f"{key}_chrom"], int(h[f"{key}_pos"]), h[f"{key}_ref"], h[f"{key}_alt"], ev, info, filt
    )


def write_vcf(spec: VcfSpec, out: Path) -> str:
    prefix = "chr" if spec.chr_prefix else ""
    order = {c: i for i, c in enumerate(LENGTHS)}
    recs = sorted(spec.records, key=lambda r: (order[r.chrom], r.pos))
    body = []
    for r in recs:
        keys = list(r.fmt)
        sample_cols = [":".join(r.fmt[k][i] for k in keys) for i in range(len(spec.samples))]
        body.append(
            "\t".join(
                [
                    f"{prefix}{r.chrom}",
                    str(r.pos),
                    ".",
                    r.ref,
                    r.alt,
                    "50",
                    r.filt,
                    r.info,
                    ":".join(keys),
                    *sample_cols,
                ]
            )
        )
    text = "\n".join(header(spec) + body) + "\n"
    plain = out / f"{spec.name}.vcf"
    plain.write_text(text)
    if spec.output == "vcf":
        return plain.name
    if spec.output == "vcf.gz":
        pysam.tabix_index(str(plain), preset="vcf", force=True)  # writes .vcf.gz + .tbi
        return plain.name + ".gz"
    bcf = out / f"{spec.name}.bcf"
    pysam.bcftools.view("--no-version", "-O", "b", "-o", str(bcf), str(plain), catch_stdout=False)
    pysam.bcftools.index(str(bcf), catch_stdout=False)
    plain.unlink()
    return bcf.name


ELIGIBLE = {
    "age_at_diagnosis_years": "9.0",
    "age_at_screening_years": "11.2",
    "diagnosis": "B-ALL",
    "disease_status": "relapse",
    "prior_dasatinib_venetoclax": "no",
    "performance_score": "80",
}


def build_batch(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    patients: list[dict[str, str]] = []
    samples: list[dict[str, str]] = []

    def add(
        pid: str,
        note: str,
        clinical: dict[str, str],
        spec: VcfSpec,
        tumor: str = "",
        normal: str = "",
        build: str = "",
    ) -> None:
        patients.append({"patient_id": pid, **ELIGIBLE, "dasatinib_ic50_nM": "", **clinical})
        background(spec)
        filename = write_vcf(spec, out)
        samples.append(
            {
                "patient_id": pid,
                "sample_id": f"{pid}_{spec.name.split('_', 1)[1]}",
                "kind": "small_variants",
                "path": filename,
                "tumor_name": tumor,
                "normal_name": normal,
                "genome_build": build or spec.build,
                "timepoint": "relapse1",
            }
        )
        CASES.append((pid, note))

    tumour_only = ["TUMOR_1"]
    # P01: ex vivo dasatinib IC50 below 10 nM and every clinical criterion met.
    add(
        "P01",
        "IC50-only candidate",
        {"dasatinib_ic50_nM": "4.2"},
        VcfSpec("P01_mutect2", "mutect2", tumour_only),
    )
    # P02: same, but 21.5 years old at screening.
    add(
        "P02",
        "IC50 below 10 nM, age 21.5 at screening",
        {
            "dasatinib_ic50_nM": "3.1",
            "age_at_diagnosis_years": "17.0",
            "age_at_screening_years": "21.5",
        },
        VcfSpec("P02_mutect2", "mutect2", tumour_only),
    )
    # P03: newly diagnosed, not relapsed or refractory.
    add(
        "P03",
        "newly diagnosed",
        {"dasatinib_ic50_nM": "2.0", "disease_status": "newly_diagnosed"},
        VcfSpec("P03_mutect2", "mutect2", tumour_only),
    )
    # P04: diagnosis missing from the sheet: unknown, so review.
    add(
        "P04",
        "missing diagnosis",
        {"dasatinib_ic50_nM": "5.5", "diagnosis": ""},
        VcfSpec("P04_mutect2", "mutect2", tumour_only),
    )
    # P05: dasatinib + venetoclax in combination before.
    add(
        "P05",
        "prior dasatinib + venetoclax",
        {"dasatinib_ic50_nM": "1.5", "prior_dasatinib_venetoclax": "yes"},
        VcfSpec("P05_mutect2", "mutect2", tumour_only),
    )
    # P06: BCL2 p.Gly101Val (venetoclax resistance) excludes despite a low IC50.
    g101v = hotspot("BCL2", "G101V")
    spec = VcfSpec("P06_strelka2", "strelka2", ["NORMAL", "TUMOR"])
    spec.records.append(
        hotspot_record(
            g101v, strelka(g101v["grch38_ref"], g101v["grch38_alt"], 55, 30), info="SOMATIC;QSS=80"
        )
    )
    add("P06", "BCL2 p.Gly101Val with low IC50", {"dasatinib_ic50_nM": "2.7"}, spec)
    # P07: KRAS p.Gly12Asp, raw file (no annotation), bgzipped and indexed.
    g12d = hotspot("KRAS", "G12D")
    spec = VcfSpec(
        "P07_mutect2", "mutect2", tumour_only, output="vcf.gz", meta=["##tumor_sample=TUMOR_1"]
    )
    spec.records.append(hotspot_record(g12d, mutect(60, 25)))
    add("P07", "KRAS p.Gly12Asp hotspot", {"dasatinib_ic50_nM": "48"}, spec)
    # P08: synonymous change at KRAS codon 61 (a hotspot codon), VEP-annotated.
    q61h = next(h for h in HOTSPOTS if h["gene"] == "KRAS" and h["short"].startswith("Q61H"))
    alt, syn_c, syn_p = synonymous_at(q61h)
    spec = VcfSpec("P08_mutect2", "mutect2", tumour_only, annotated=True)
    spec.records.append(
        Record(
            q61h["grch38_chrom"],
            int(q61h["grch38_pos"]),
            q61h["grch38_ref"],
            alt,
            mutect(70, 30),
            "CSQ=" + csq("KRAS", alt, "synonymous_variant", "LOW", syn_c, syn_p),
        )
    )
    add("P08", "synonymous change at a hotspot codon", {"dasatinib_ic50_nM": "35"}, spec)
    # P09: NRAS p.Gly12Asp with 9 reads: fails the depth filter.
    n12d = hotspot("NRAS", "G12D")
    spec = VcfSpec("P09_mutect2", "mutect2", tumour_only)
    spec.records.append(hotspot_record(n12d, mutect(5, 4)))
    add("P09", "hotspot failing the depth filter", {}, spec)
    # P10: tumour-normal; the PTPN11 hotspot is in the normal too (possibly germline).
    ptpn11 = first_hotspot("PTPN11", "activating")
    spec = VcfSpec(
        "P10_mutect2",
        "mutect2",
        ["NORMAL_1", "TUMOR_1"],
        meta=["##normal_sample=NORMAL_1", "##tumor_sample=TUMOR_1"],
    )
    spec.records.append(hotspot_record(ptpn11, mutect(40, 38, normal=(30, 27))))
    add("P10", "hotspot present in the matched normal", {"dasatinib_ic50_nM": "60"}, spec)
    # P11: NF1 recurrent nonsense allele (loss of function), VEP-annotated, BCF.
    nf1 = first_hotspot("NF1", "loss_of_function")
    spec = VcfSpec("P11_mutect2", "mutect2", tumour_only, annotated=True, output="bcf")
    spec.records.append(
        hotspot_record(
            nf1,
            mutect(50, 22),
            info="CSQ="
            + csq("NF1", nf1["grch38_alt"], "stop_gained", "HIGH", nf1["hgvs_c"], nf1["hgvs_p"]),
        )
    )
    add("P11", "NF1 truncating", {"dasatinib_ic50_nM": "22"}, spec)
    # P12: IL7R activating hotspot: not a sub-protocol B finding; routes to C.
    il7r = first_hotspot("IL7R", "activating")
    spec = VcfSpec("P12_mutect2", "mutect2", tumour_only)
    spec.records.append(hotspot_record(il7r, mutect(45, 20)))
    add(
        "P12",
        "IL7R hotspot (sub-protocol C only)",
        {"diagnosis": "T-ALL", "dasatinib_ic50_nM": "80"},
        spec,
    )
    # P13: the sheet declares GRCh37 for a GRCh38 file: a clear input error, review.
    add(
        "P13",
        "genome build mismatch",
        {"dasatinib_ic50_nM": "4.0"},
        VcfSpec("P13_mutect2", "mutect2", tumour_only),
        build="GRCh37",
    )

    # Structural variants and copy number (written by scripts/make_sv_fixtures.py).
    sv_files = structural_fixtures()

    def add_file(pid: str, fixture: str, kind: str, timepoint: str, sample: str = "") -> None:
        target = out / f"{pid}_{fixture}"
        target.write_bytes(sv_files[fixture])
        two_samples = b"\tNORMAL_S\tTUMOR_S" in sv_files[fixture]
        samples.append(
            {
                "patient_id": pid,
                "sample_id": f"{pid}_{sample or kind}",
                "kind": kind,
                "path": target.name,
                "tumor_name": "TUMOR_S" if two_samples else "",
                "normal_name": "NORMAL_S" if two_samples else "",
                "genome_build": "GRCh38" if kind != "small_variants" else "",
                "timepoint": timepoint,
            }
        )

    def add_structural(
        pid: str,
        note: str,
        clinical: dict[str, str],
        fixture: str,
        kind: str,
        more: tuple[tuple[str, str, str, str], ...] = (),
    ) -> None:
        """One structural/copy-number file at relapse1 (plus ``more``: fixture, kind,
        timepoint, sample name) and the small-variant file of the same sample, without which
        the BCL2 exclusion would not be assessed."""
        patients.append({"patient_id": pid, **ELIGIBLE, "dasatinib_ic50_nM": "", **clinical})
        add_file(pid, fixture, kind, "relapse1")
        for extra, extra_kind, timepoint, name in more:
            add_file(pid, extra, extra_kind, timepoint, name)
        small = VcfSpec(f"{pid}_mutect2", "mutect2", ["TUMOR_1"])
        background(small)
        samples.append(
            {
                "patient_id": pid,
                "sample_id": f"{pid}_mutect2",
                "kind": "small_variants",
                "path": write_vcf(small, out),
                "tumor_name": "",
                "normal_name": "",
                "genome_build": "GRCh38",
                "timepoint": "relapse1",
            }
        )
        CASES.append((pid, note))

    sv, cn = "structural_variants", "copy_number"
    add_structural(
        "P14",
        "NUP214::ABL1 T-ALL (Manta tandem duplication)",
        {"diagnosis": "T-ALL"},
        "sv_manta_nup214_abl1.vcf",
        sv,
    )
    add_structural("P15", "EBF1::PDGFRB (5q deletion)", {}, "sv_manta_ebf1_pdgfrb.vcf", sv)
    add_structural("P16", "ETV6::ABL1 (Manta breakends)", {}, "sv_manta_etv6_abl1.vcf", sv)
    add_structural("P17", "BCR::ABL1 (SvABA breakends)", {}, "sv_svaba_bcr_abl1.vcf", sv)
    add_structural("P18", "ABL1 amplification (CNVkit .cns, CN 6)", {}, "cnvkit_abl1_amp.cns", cn)
    add_structural(
        "P19", "reciprocal ABL1::ETV6 junction alone", {}, "sv_manta_abl1_etv6_reciprocal.vcf", sv
    )
    add_structural(
        "P20", "PDGFRB breakpoint past the kinase domain", {}, "sv_manta_pdgfrb_past_kinase.vcf", sv
    )
    add_structural("P21", "single-copy ABL1 gain (CN 3)", {}, "cnv_gatk_abl1_gain.vcf", cn)
    add_structural(
        "P22",
        "NUP214::ABL1 (DELLY) with performance score unknown",
        {"diagnosis": "T-ALL", "performance_score": ""},
        "sv_delly_nup214_abl1.vcf",
        sv,
    )
    add_structural(
        "P23",
        "EBF1::PDGFRB from RNA (STAR-Fusion)",
        {},
        "rna_starfusion_ebf1_pdgfrb.tsv",
        "rna_fusions",
    )

    # Principles of SPEC section 2-4 (tests/data/rearrangements/README.md, tests/data/build,
    # tests/data/coverage): each patient one principle, asserted in tests/test_workflow.py.
    add_structural(
        "P24",
        "300-bp deletion inside ABL1 intron 1: one gene, not a fusion",
        {"dasatinib_ic50_nM": "40"},
        "sv_manta_abl1_intron1_deletion_300bp.vcf",
        sv,
    )
    add_structural(
        "P25",
        "intragenic ABL1 duplication of kinase-domain exons 4-6",
        {},
        "sv_manta_abl1_kinase_exons_duplication.vcf",
        sv,
    )
    add_structural(
        "P26",
        "EBF1/PDGFRB inversion: the right introns, an orientation that cannot make EBF1::PDGFRB",
        {},
        "sv_manta_ebf1_pdgfrb_inversion.vcf",
        sv,
    )
    add_structural(
        "P27",
        "BCR joined 3 kb upstream of ABL1 exon 1b: a possible ABL1 rearrangement",
        {},
        "sv_manta_bcr_upstream_abl1.vcf",
        sv,
    )
    add_structural(
        "P28",
        "CN 8 segment over ABL1 exon 1b only: the kinase is not amplified",
        {"dasatinib_ic50_nM": "30"},
        "cnv_cnvkit_abl1_exon1b_only_cn8.vcf",
        cn,
    )
    add_structural(
        "P29",
        "P2RY8::CRLF2 PAR1 deletion (sub-protocol C)",
        {"dasatinib_ic50_nM": "25"},
        "sv_manta_p2ry8_crlf2_deletion.vcf",
        sv,
    )
    add_structural(
        "P30",
        "NF1 deletion by copy number (B review, sub-protocol D)",
        {},
        "cnvkit_nf1_deletion.cns",
        cn,
    )
    add_structural(
        "P31",
        "PAX5::JAK2 keeping the JAK2 kinase (sub-protocol C)",
        {"dasatinib_ic50_nM": "52"},
        "sv_manta_pax5_jak2.vcf",
        sv,
    )
    # P32: a GRCh37 file with no contig lines, no ##reference and no sheet build, holding
    # BCL2 p.Gly101Val at its GRCh37 coordinate: read as GRCh38 it would lose the exclusion.
    patients.append({"patient_id": "P32", **ELIGIBLE, "dasatinib_ic50_nM": "2.5"})
    add_file("P32", "mutect2_grch37_no_contigs_bcl2_g101v.vcf", "small_variants", "relapse1")
    CASES.append(("P32", "GRCh37 file without contigs or sheet build (BCL2 G101V there)"))
    add_structural(
        "P33",
        "ETV6::ABL1 at diagnosis, not detected at relapse 1 (serial samples)",
        {},
        "sv_manta_pdgfrb_intron10_deletion.vcf",
        sv,
        more=(("sv_manta_etv6_abl1.vcf", sv, "diagnosis", "diagnosis_sv"),),
    )
    add_structural(
        "P34",
        "IC50 candidate whose BCL2 codon 101 is covered by 8 reads (coverage file)",
        {"dasatinib_ic50_nM": "3.3"},
        "mosdepth_bcl2_low_codon101.per-base.bed.gz",
        "coverage",
    )

    with open(out / "patients.tsv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, PATIENT_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(patients)
    columns = [
        "patient_id",
        "sample_id",
        "kind",
        "path",
        "tumor_name",
        "normal_name",
        "genome_build",
        "timepoint",
    ]
    with open(out / "samples.tsv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(samples)
    readme = [
        "# Example batch",
        "",
        "Made by `python scripts/make_example_batch.py` from the curated panel tables;",
        "do not edit by hand. One patient per case the rules must get right:",
        "",
    ]
    readme += [f"- **{pid}**: {note}" for pid, note in CASES]
    (out / "README.md").write_text("\n".join(readme) + "\n")


CASES: list[tuple[str, str]] = []


def structural_fixtures() -> dict[str, bytes]:
    """The SV/CNV/RNA, principle, build and coverage fixtures, written by their scripts
    (make_sv_fixtures, make_rearrangement_fixtures, make_build_fixtures,
    make_coverage_fixtures) into a scratch folder, by file name."""
    import make_build_fixtures
    import make_coverage_fixtures
    import make_rearrangement_fixtures
    import make_sv_fixtures

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        make_sv_fixtures.OUT = root
        make_sv_fixtures.main()
        make_rearrangement_fixtures.OUT = root / "rearrangements"
        make_rearrangement_fixtures.main()
        make_build_fixtures.OUT = root / "build"
        make_build_fixtures.main()
        make_coverage_fixtures.OUT = root / "coverage"
        make_coverage_fixtures.main()
        return {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "resources" / "example_batch")
    build_batch(parser.parse_args().out)


if __name__ == "__main__":
    main()
