from mapk_filter.annotate import (
    bcsq_protein,
    field_names,
    parse_bcsq,
    parse_csq,
    pick_annotation,
    vep_alleles,
)

VEP_DESCRIPTION = (
    "Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|"
    "Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|MANE_SELECT|gnomADe_AF"
)


def test_field_names_from_vep_header():
    names = field_names(VEP_DESCRIPTION)
    assert names[0] == "Allele" and names[-1] == "gnomADe_AF" and len(names) == 14


def test_vep_allele_strings_trim_the_shared_base():
    assert vep_alleles("C", ["T"]) == ["T"]
    assert vep_alleles("CA", ["C"]) == ["-"]
    assert vep_alleles("C", ["CTT", "T"]) == ["CTT", "T"]  # no shared first base for all
    assert vep_alleles("C", ["CTT", "CA"]) == ["TT", "A"]


def test_csq_entries_go_to_their_allele_and_mane_is_flagged():
    names = field_names(VEP_DESCRIPTION)
    value = ",".join(
        [
            "T|missense_variant|MODERATE|KRAS|ENSG00000133703|Transcript|ENST00000311936.8|"
            "protein_coding|||ENST00000311936.8:c.35G>A|ENSP00000308495.3:p.Gly12Asp||",
            "T|missense_variant|MODERATE|KRAS|ENSG00000133703|Transcript|ENST00000256078.10|"
            "protein_coding|||ENST00000256078.10:c.35G>A|ENSP00000256078.5:p.Gly12Asp|"
            "NM_004985.5|0.00001",
            "A|synonymous_variant|LOW|KRAS|ENSG00000133703|Transcript|ENST00000256078.10|"
            "protein_coding|||ENST00000256078.10:c.36T>C|ENSP00000256078.5:p.Gly12%3D|NM_004985.5|",
        ]
    )
    parsed = parse_csq(value, names, "C", ["T", "A"])
    assert len(parsed[1]) == 2 and len(parsed[2]) == 1
    mane = [a for a in parsed[1] if a.mane_select]
    assert len(mane) == 1 and mane[0].transcript == "ENST00000256078.10"
    assert mane[0].hgvs_c == "c.35G>A" and mane[0].hgvs_p == "p.Gly12Asp"
    assert mane[0].gnomad_af == 0.00001
    assert parsed[2][0].hgvs_p == "p.Gly12="  # URL-decoded


def test_pick_prefers_mane_then_panel_transcript_and_never_others():
    names = field_names(VEP_DESCRIPTION)
    other = parse_csq(
        "T|missense_variant|MODERATE|KRAS|G|Transcript|ENST00000311936.8|pc|||c.1A>T|p.X||",
        names,
        "C",
        ["T"],
    )[1]
    assert pick_annotation(other, ["NM_004985.5", "ENST00000256078.10"]) is None
    panel_tx = parse_csq(
        "T|missense_variant|MODERATE|KRAS|G|Transcript|ENST00000256078.9|pc|||c.35G>A|p.G||",
        names,
        "C",
        ["T"],
    )[1]
    chosen = pick_annotation(other + panel_tx, ["NM_004985.5", "ENST00000256078.10"])
    assert chosen is not None and chosen.transcript == "ENST00000256078.9"  # version-agnostic


def test_bcsq_protein_changes():
    assert bcsq_protein("12G>D") == "p.Gly12Asp"
    assert bcsq_protein("61Q") == "p.Gln61="
    assert bcsq_protein("1362R>*") == "p.Arg1362Ter"
    assert bcsq_protein("12G>12D") == "p.Gly12Asp"
    assert bcsq_protein("11AG>11G") == "p.Ala11del"
    assert bcsq_protein("11AGG>11G") == "p.Ala11_Gly12del"
    assert bcsq_protein("12GG>12DV") == "p.Gly12_Gly13delinsAspVal"
    assert bcsq_protein("12X>12D") == ""


def test_bcsq_entries_are_normalised_to_sequence_ontology_terms():
    parsed = parse_bcsq(
        "missense|KRAS|ENST00000256078|protein_coding|-|12G>D|25245350C>T", 25245350, "C", ["T"]
    )
    (annotation,) = parsed[1]
    assert annotation.consequences == ("missense_variant",)
    assert annotation.hgvs_p == "p.Gly12Asp" and annotation.gene == "KRAS"


def test_bcsq_goes_to_the_allele_its_dna_change_names():
    value = ",".join(
        [
            "missense|KRAS|ENST00000311936|protein_coding|-|12G>12D|25245350C>T",
            "frameshift|KRAS|ENST00000311936|protein_coding|-|12G>12GX|25245350C>CT",
        ]
    )
    parsed = parse_bcsq(value, 25245350, "C", ["T", "CT"])
    assert [a.consequences for a in parsed[1]] == [("missense_variant",)]
    assert [a.consequences for a in parsed[2]] == [("frameshift_variant",)]
    assert parsed[2][0].hgvs_p == "p.Gly12fs"
    assert bcsq_protein("13GAAAA>13GLLLL", frameshift=True) == "p.Ala14fs"
    # an entry naming neither allele of a multi-allelic record is not guessed onto one
    assert parse_bcsq("missense|KRAS|T|pc|-|1A>1V|999C>G", 25245350, "C", ["T", "CT"]) == {}


def test_snpeff_inframe_terms_are_the_standard_ones():
    from mapk_filter.annotate import parse_ann

    value = (
        "T|conservative_inframe_deletion|MODERATE|FLT3|G|transcript|NM_004119.3|pc|20/24|"
        "c.2503_2505del|p.Asp835del"
    )
    (annotation,) = parse_ann(value, ["T"])[1]
    assert annotation.consequences == ("inframe_deletion",)
