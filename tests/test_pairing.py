"""Tests of the pairing job (mitlib.binomes: inputs, pairing, tables, sheets,
writing, summary) and of ``mit binomes``."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mitlib.binomes.inputs import load_pairing_inputs, parse_per_project
from mitlib.binomes.pairing import prepare_marathon, run_pairing, solve_marathon
from mitlib.binomes.summary import summary
from mitlib.binomes.writing import write_pairing_outputs
from mitlib.cli.main import main
from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.provenance import file_sha256
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

SIZES = {"M1": (8, 24), "M2": (11, 29), "M3": (15, 30), "M4": (15, 30), "M5": (15, 30)}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False
    )


def read_text_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def write_text_table(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


@pytest.fixture(scope="module")
def inputs():
    return load_pairing_inputs()


@pytest.fixture(scope="module")
def outputs(inputs, tmp_path_factory):
    """The job on the whole sample (internal), written twice, and public once."""
    result = run_pairing(inputs)
    first = tmp_path_factory.mktemp("binomes_1")
    second = tmp_path_factory.mktemp("binomes_2")
    public = tmp_path_factory.mktemp("binomes_public")
    written = write_pairing_outputs(result, first)
    write_pairing_outputs(run_pairing(inputs), second)
    write_pairing_outputs(result, public, public=True)
    return result, written, first, second, public


def test_parse_per_project_in_french():
    assert parse_per_project("2:4") == (2, 4)
    assert parse_per_project(" 3 ") == (3, 3)
    with pytest.raises(ValueError, match="maximum \\(1\\) est inférieur au minimum"):
        parse_per_project("3:1")
    with pytest.raises(ValueError, match="illisible : « trois »"):
        parse_per_project("trois")


def test_every_output_is_written_with_marathon_column(outputs):
    result, written, out, _, _ = outputs
    names = {p.relative_to(out).as_posix() for p in written}
    for name in (
        "affinites.csv",
        "binomes.csv",
        "charges.csv",
        "couverture.csv",
        "synthese.csv",
        "provenance.csv",
        "binomes.xlsx",
        "fiches/index.html",
        "fiches/M1/projet_M1-P01.html",
        "fiches/M5/coach_K-115.html",
    ):
        assert name in names
    n_sheets = sum(n for n, _ in SIZES.values()) + sum(c for _, c in SIZES.values())
    assert sum(1 for n in names if n.startswith("fiches/M")) == n_sheets
    expected = {
        "affinites": ["id_projet", "id_coach", "affinite", "exclusion", "retenu"],
        "binomes": ["id_projet", "id_coach", "affinite", "referent", "raisons"],
        "charges": ["id_coach", "organisation", "type_coach", "charge", "capacite"],
        "couverture": ["id_projet", "titre", "domaine", "couvert", "coachs"],
        "synthese": ["projets", "coachs", "mode", "coachs_par_projet"],
    }
    for name, columns in expected.items():
        df = read_csv(out / f"{name}.csv")
        assert list(df.columns[:2]) == ["avertissement", "marathon"]
        assert list(df.columns[2 : 2 + len(columns)]) == columns
        assert (df["avertissement"] == "DONNÉES FICTIVES").all()
    summary_ = read_csv(out / "synthese.csv").set_index("marathon")
    assert summary_["statut"].eq("optimal").all()
    assert summary_[["projets", "coachs"]].apply(tuple, axis=1).to_dict() == SIZES


def test_every_constraint_holds_on_binomes_csv(outputs, inputs):
    _, _, out, _, _ = outputs
    pairs = read_csv(out / "binomes.csv")
    coaches = inputs.coaches.set_index("id")
    projects = inputs.projects.set_index("id")
    # Three coaches per project, each project once in its own marathon.
    per_project = pairs.groupby("id_projet").size()
    assert set(per_project.index) == set(projects.index)
    assert (per_project == 3).all()
    assert (pairs["marathon"] == pairs["id_projet"].map(projects["marathon"])).all()
    assert not pairs.duplicated(["marathon", "id_projet", "id_coach"]).any()
    for row in pairs.itertuples():
        coach = coaches.loc[row.id_coach]
        assert row.marathon in coach["marathons"]
        assert row.id_projet not in coach["conflits"]
        assert coach["organisation"] != projects.at[row.id_projet, "organisation"]
    loads = pairs.groupby(["marathon", "id_coach"]).size()
    capacity = loads.index.get_level_values("id_coach").map(coaches["capacite_max"])
    assert (loads.to_numpy() <= capacity.to_numpy()).all()
    # One referent per project: its coach of highest affinity.
    referents = pairs[pairs["referent"] == "oui"]
    assert referents["id_projet"].is_unique and len(referents) == len(projects)
    best = pairs.groupby("id_projet")["affinite"].max()
    assert (referents.set_index("id_projet")["affinite"] == best).all()
    # Loads in charges.csv agree with the pairs.
    charges = read_csv(out / "charges.csv").set_index(["marathon", "id_coach"])
    assert (charges.loc[loads.index, "charge"] == loads).all()
    assert (charges["charge"] <= charges["capacite"]).all()
    assert charges.loc[~charges.index.isin(loads.index), "charge"].eq(0).all()


def test_sample_exclusions_are_really_used(inputs):
    data = prepare_marathon(inputs, "M1")
    motives = sorted(set(data.forbidden.values()))
    assert motives[0] == "conflit d'intérêts déclaré"
    assert any(m.startswith("même organisation : ") for m in motives)


def test_affinites_csv_covers_every_pair_with_unrounded_floats(outputs):
    result, _, out, _, _ = outputs
    aff = read_csv(out / "affinites.csv")
    sizes = aff.groupby("marathon").size().to_dict()
    assert sizes == {m: p * c for m, (p, c) in SIZES.items()}
    assert not aff.duplicated(["marathon", "id_projet", "id_coach"]).any()
    assert aff["affinite"].between(0, 1).all()
    matrix = result["M3"].data.affinity
    m3 = aff[aff["marathon"] == "M3"].set_index(["id_projet", "id_coach"])
    assert np.array_equal(m3["affinite"].to_numpy(), matrix.stack().to_numpy())
    text = (out / "affinites.csv").read_text(encoding="utf-8-sig")
    decimals = [len(d) for d in re.findall(r";0,(\d+);", text)]
    assert np.median(decimals) >= 15  # full float precision, no rounding
    pairs = read_csv(out / "binomes.csv")
    chosen = aff[aff["retenu"] == "oui"]
    assert len(chosen) == len(pairs)
    assert (aff.loc[aff["exclusion"] != "", "retenu"] == "non").all()
    merged = pairs.merge(chosen, on=["marathon", "id_projet", "id_coach"])
    assert (merged["affinite_x"] == merged["affinite_y"]).all()


def test_reasons_are_french_explanations(outputs):
    _, _, out, _, _ = outputs
    pairs = read_csv(out / "binomes.csv")
    assert pairs["raisons"].str.contains("domaines communs : ").mean() > 0.9
    assert pairs["raisons"].str.contains("termes communs : ").mean() > 0.8
    assert pairs["raisons"].str.contains("notions rapprochées : ").mean() > 0.5
    # M1-P02 needs numérique, marketing/communication, comptabilité/gestion:
    # its referent's reasons name the domains it shares
    first = pairs[(pairs["id_projet"] == "M1-P02") & (pairs["referent"] == "oui")]
    shared = ("numérique", "marketing/communication", "comptabilité/gestion")
    assert sum(d in first["raisons"].iloc[0] for d in shared) >= 2


def test_coverage_csv_matches_needs(outputs, inputs):
    _, _, out, _, _ = outputs
    cov = read_csv(out / "couverture.csv")
    assert len(cov) == int(inputs.projects["domaines"].map(len).sum())
    assert set(cov["couvert"]) == {"oui", "non"}
    coaches = inputs.coaches.set_index("id")
    for row in cov[cov["couvert"] == "oui"].itertuples():
        for coach in row.coachs.split(" | "):
            assert row.domaine in coaches.at[coach, "domaines"]
    missing = cov[cov["couvert"] == "non"].groupby("marathon").size()
    synth = read_csv(out / "synthese.csv").set_index("marathon")
    assert (synth["besoins_non_couverts"].reindex(missing.index) == missing).all()


def test_two_runs_are_byte_identical(outputs):
    _, written, first, second, _ = outputs
    for path in written:
        twin = second / path.relative_to(first)
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_workbook_sheets(outputs):
    _, _, out, _, public = outputs
    sheets = pd.read_excel(out / "binomes.xlsx", sheet_name=None)
    assert list(sheets) == [
        "synthese",
        "binomes",
        "charges",
        "couverture",
        "affinites",
        "messages",
        "provenance",
    ]
    internal = sheets["binomes"]
    assert {"nom_coach", "contact_coach", "porteur", "contact_porteur"} <= set(
        internal.columns
    )
    assert INTERNAL_NOTICE in sheets["messages"]["message"].tolist()
    shown = pd.read_excel(public / "binomes.xlsx", sheet_name=None)
    assert "nom_coach" not in shown["binomes"].columns
    assert PUBLIC_NOTICE in shown["messages"]["message"].tolist()
    text = " ".join(df.astype(str).to_csv(index=False) for df in shown.values())
    assert "@example.org" not in text and "05 36 49" not in text


def test_sheets_internal_and_public(outputs, inputs):
    _, _, out, _, public = outputs
    page = (out / "fiches/M1/projet_M1-P01.html").read_text(encoding="utf-8")
    assert "DONNÉES FICTIVES" in page
    assert INTERNAL_NOTICE in page
    holder = inputs.projects.set_index("id").at["M1-P01", "porteur"]
    assert holder in page and "@example.org" in page
    assert "(référent)" in page and "Couverture des domaines demandés" in page
    names = set(inputs.coaches["nom"]) | set(inputs.projects["porteur"])
    phone = re.compile(r"05 36 49 \d\d \d\d")
    pages = sorted((public / "fiches").rglob("*.html"))
    assert len(pages) == 1 + sum(n + c for n, c in SIZES.values())
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert PUBLIC_NOTICE in text and INTERNAL_NOTICE not in text
        assert "@example.org" not in text and not phone.search(text), path.name
        assert not [n for n in names if n in text], path.name
    for name in ("binomes.csv", "charges.csv", "couverture.csv", "affinites.csv"):
        text = (out / name).read_text(encoding="utf-8-sig")
        assert "@example.org" not in text and not phone.search(text)


def test_marathon_filter_drops_the_column(inputs, tmp_path):
    result = run_pairing(inputs, "M2", per_project=(2, 3), mode="equitable")
    write_pairing_outputs(result, tmp_path)
    pairs = read_csv(tmp_path / "binomes.csv")
    assert "marathon" not in pairs.columns
    assert pairs["id_projet"].str.startswith("M2-").all()
    assert pairs.groupby("id_projet").size().between(2, 3).all()
    assert not (tmp_path / "fiches" / "M1").exists()
    assert result["M2"].assignment.status == "optimal"
    with pytest.raises(ValueError, match="Aucun projet pour le marathon « M9 »"):
        run_pairing(inputs, "M9")


def test_modes_differ_as_promised(inputs):
    data = prepare_marathon(inputs, "M3")
    total = solve_marathon(data, mode="total").assignment
    fair = solve_marathon(data, mode="equitable").assignment
    assert total.status == fair.status == "optimal"
    assert fair.worst_project > total.worst_project
    assert total.total > fair.total
    assert total.uncovered == fair.uncovered  # coverage comes first in both


def test_forced_pair_quota_and_capacity_override(inputs):
    data = prepare_marathon(inputs, "M1")
    base = solve_marathon(data).pairs()
    unused = [c for c in data.coaches.index if c not in set(base["id_coach"])]
    pair = ("M1-P01", unused[0])
    forced = solve_marathon(data, forced=[pair], mode="equitable").pairs()
    assert pair in set(zip(forced["id_projet"], forced["id_coach"], strict=True))
    quota = solve_marathon(data, quotas={"banquier/financeur": 1}).pairs()
    kinds = quota["id_coach"].map(data.coaches["type_coach"])
    assert (quota[kinds == "banquier/financeur"].groupby("id_projet").size() >= 1).all()
    assert quota["id_projet"].nunique() == 8
    busiest = base["id_coach"].value_counts().index[0]
    capped = solve_marathon(data, capacities={busiest: 0}).pairs()
    assert busiest not in set(capped["id_coach"])


def _tiny_tables(tmp_path: Path) -> tuple[Path, Path]:
    coachs = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3"],
            "nom": ["Ana Essai", "Bo Essai", "Cy Essai"],
            "organisation": ["Banque A", "CCI", "Mairie"],
            "type_coach": ["banquier", "expert creation", "élu"],
            "expertise": [
                "prêt d'honneur et garantie bancaire",
                "statut juridique et prévisionnel",
                "local commercial vacant",
            ],
            "domaines": ["financement", "juridique", "immobilier"],
            "themes": ["tourisme", "", ""],
            "marathons": ["X1 | X2", "X1", "X1"],
            "capacite_max": ["2", "1", "1"],
            "commune": ["", "", ""],
            "conflits": ["P5", "", "P2"],
            "contact": ["ana@example.org", "bo@example.org", "cy@example.org"],
        }
    )
    projets = pd.DataFrame(
        {
            "id": ["P1", "P2", "P3", "P4", "P5"],
            "porteur": ["Dé Essai", "Eu Essai", "Fa Essai", "Gi Essai", "Ho Essai"],
            "titre": ["<script>alert('x')</script> Gîte", "Café", "Atelier", "A", "B"],
            "description": ["Gîte rural", "Café de village", "Atelier", "", ""],
            "besoins": ["prêt d'honneur", "local commercial", "statuts", "", ""],
            "domaines": ["financement", "immobilier", "juridique", "", ""],
            "theme": ["tourisme", "", "", "", ""],
            "maturite": ["idée", "", "", "", ""],
            "commune": ["", "", "", "", ""],
            "marathon": ["X1", "X1", "X1", "X2", "X2"],
            "organisation": ["", "", "CCI", "", ""],
            "contact": ["de@example.org", "", "", "", ""],
        }
    )
    return (
        write_text_table(coachs, tmp_path / "coachs.csv"),
        write_text_table(projets, tmp_path / "projets.csv"),
    )


def test_infeasible_marathon_is_diagnosed_and_others_written(tmp_path):
    coachs, projets = _tiny_tables(tmp_path)
    inputs = load_pairing_inputs(coachs, projets)
    assert not inputs.fictional
    result = run_pairing(inputs, per_project=1)
    assert [mp.marathon for mp in result.infeasible] == ["X2"]
    x1 = result["X1"].pairs()
    # P2–K3: declared conflict; P3–K2: same organisation (CCI).
    assert set(zip(x1["id_projet"], x1["id_coach"], strict=True)) == {
        ("P1", "K1"),
        ("P2", "K1"),
        ("P3", "K3"),
    }
    assert result["X1"].data.forbidden == {
        ("P2", "K3"): "conflit d'intérêts déclaré",
        ("P3", "K2"): "même organisation : CCI",
    }
    diag = result["X2"].diagnostics
    assert diag == [
        "Le projet P5 n'a aucun coach possible (conflits/organisation) "
        "pour un minimum de 1."
    ]
    out = tmp_path / "sortie"
    written = write_pairing_outputs(result, out)
    synth = read_csv(out / "synthese.csv").set_index("marathon")
    assert synth.at["X1", "statut"] == "optimal"
    assert synth.at["X2", "statut"] == "impossible"
    assert synth.at["X2", "diagnostic"] == " ".join(diag)
    assert "avertissement" not in synth.columns
    pairs = read_csv(out / "binomes.csv")
    assert set(pairs["marathon"]) == {"X1"}
    sheet = (out / "fiches/X2/projet_P4.html").read_text(encoding="utf-8")
    assert "Affectation impossible" in sheet and html.escape(diag[0]) in sheet
    assert "DONNÉES FICTIVES" not in sheet
    text = summary(result, written, out)
    assert (
        "Marathon X2 : 2 projets, 1 coachs, mode total — affectation impossible :"
        in text
    )
    assert f"  - {diag[0]}" in text


def test_script_in_title_stays_escaped(tmp_path):
    coachs, projets = _tiny_tables(tmp_path)
    result = run_pairing(load_pairing_inputs(coachs, projets), "X1", per_project=1)
    write_pairing_outputs(result, tmp_path / "out")
    for path in (tmp_path / "out" / "fiches").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text, path.name
    sheet = (tmp_path / "out/fiches/X1/projet_P1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Gîte" in sheet
    coach = (tmp_path / "out/fiches/X1/coach_K1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in coach


def test_user_affinity_table_replaces_the_model(tmp_path):
    coachs, projets = _tiny_tables(tmp_path)
    table = tmp_path / "affinites.csv"
    table.write_text(
        "id_projet;id_coach;affinite\nP1;K2;0,9\nP2;K1;0,8\nP3;K3;0,7\n",
        encoding="utf-8",
    )
    inputs = load_pairing_inputs(coachs, projets, table)
    result = run_pairing(inputs, "X1", per_project=1, coverage=False)
    pairs = result["X1"].pairs()
    assert pairs[["id_projet", "id_coach", "affinite"]].values.tolist() == [
        ["P1", "K2", 0.9],
        ["P2", "K1", 0.8],
        ["P3", "K3", 0.7],
    ]
    assert pairs["raisons"].str.startswith("affinité saisie (affinites.csv) : ").all()
    # Covering the needed domains comes first: P1 needs financement (K1).
    covered = run_pairing(inputs, "X1", per_project=1)["X1"].pairs()
    assert covered.iloc[0][["id_projet", "id_coach", "affinite"]].tolist() == [
        "P1",
        "K1",
        0.0,
    ]
    bad = tmp_path / "mauvaises.csv"
    bad.write_text("id_projet;id_coach;affinite\nP1;K9;0,5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mauvaises.csv, ligne 2, colonne id_coach"):
        load_pairing_inputs(coachs, projets, bad)
    bad.write_text(
        "id_projet;id_coach;affinite\nP1;K1;0,5\nP2;K1;abc\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="mauvaises.csv, ligne 3, colonne affinite"):
        load_pairing_inputs(coachs, projets, bad)


def test_cli_on_the_sample_in_french(tmp_path, capsys):
    out = tmp_path / "sortie"
    code = main(
        [
            "binomes",
            "--marathon",
            "M2",
            "--par-projet",
            "2:3",
            "--mode",
            "equitable",
            "--imposer",
            "M2-P01:K-025",
            "--sortie",
            str(out),
        ]
    )
    assert code == 0
    stdout = capsys.readouterr().out
    assert stdout.startswith(
        "Coachs : coachs.csv (115 lignes valides, 0 rejetée) ; projets : "
        "projets.csv (64 lignes valides, 0 rejetée)\n"
        "Marathon M2 : 11 projets, 29 coachs, mode équitable — affinité totale "
    )
    assert "(optimal prouvé, " in stdout
    assert f"Attention : {FICTIONAL_NOTICE}" in stdout
    assert re.search(r"\d+ fichiers écrits dans .*sortie \(dont 40 fiches", stdout)
    pairs = read_csv(out / "binomes.csv")
    assert ("M2-P01", "K-025") in set(
        zip(pairs["id_projet"], pairs["id_coach"], strict=True)
    )
    assert sorted(p.name for p in EXAMPLE_DIR.glob("*_rejets.csv")) == []


def test_cli_bad_rows_are_rejected_and_reported(tmp_path, capsys):
    projets = read_text_table(EXAMPLE_DIR / "projets.csv")
    projets.loc[1, "domaines"] = "astrologie"
    projets.loc[2, "id"] = ""
    src_p = write_text_table(projets, tmp_path / "projets.csv")
    coachs = read_text_table(EXAMPLE_DIR / "coachs.csv")
    src_c = write_text_table(coachs, tmp_path / "coachs.csv")
    before = file_sha256(src_p), file_sha256(src_c)
    out = tmp_path / "sortie"
    code = main(
        [
            "binomes",
            "--coachs",
            str(src_c),
            "--projets",
            str(src_p),
            "--marathon",
            "M1",
            "--sortie",
            str(out),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "64 lignes lues, 62 valides, 2 rejetées." in captured.err
    assert (
        "projets.csv, ligne 3, colonne domaines : « astrologie » n'est pas une "
        "valeur reconnue" in captured.err
    )
    assert "projets.csv, ligne 4, colonne id : valeur obligatoire manquante" in (
        captured.err
    )
    assert "les lignes valides sont utilisées" in captured.err
    rejects = read_text_table(out / "projets_rejets.csv")
    assert rejects["ligne"].tolist() == ["3", "4"]
    assert "Marathon M1 : 6 projets, 24 coachs" in captured.out
    pairs = read_csv(out / "binomes.csv")
    assert pairs["id_projet"].nunique() == 6
    assert "M1-P02" not in set(pairs["id_projet"])
    assert (file_sha256(src_p), file_sha256(src_c)) == before
    assert not (tmp_path / "projets_rejets.csv").exists()
    # an output folder is shared: its rejects keep public columns only, even
    # in an internal run (mit verifier writes whole rows beside the input)
    assert "@example.org" not in (out / "projets_rejets.csv").read_text(
        encoding="utf-8-sig"
    )
    public = tmp_path / "public"
    args = ["--coachs", str(src_c), "--projets", str(src_p), "--marathon", "M1"]
    assert main(["binomes", *args, "--public", "--sortie", str(public)]) == 0
    rejects = read_text_table(public / "projets_rejets.csv")
    assert rejects["ligne"].tolist() == ["3", "4"]
    assert "contact" not in rejects.columns and "porteur" not in rejects.columns


def test_cli_infeasible_exits_1_and_bad_options_exit_2(tmp_path, capsys):
    coachs, projets = _tiny_tables(tmp_path)
    args = ["binomes", "--coachs", str(coachs), "--projets", str(projets)]
    assert main([*args, "--par-projet", "1", "--sortie", str(tmp_path / "o")]) == 1
    out = capsys.readouterr().out
    assert "Marathon X2 : 2 projets, 1 coachs, mode total — affectation impossible" in (
        out
    )
    assert "Marathon X1 : 3 projets, 3 coachs, mode total — affinité totale" in out
    # option values are checked while the command line is read (usage, exit 2)
    with pytest.raises(SystemExit) as exc:
        main([*args, "--par-projet", "4:2", "--sortie", str(tmp_path / "p")])
    assert exc.value.code == 2
    assert "--par-projet: Nombre de coachs par projet" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main([*args, "--quota", "banquier", "--sortie", str(tmp_path / "q")])
    assert exc.value.code == 2
    assert "Quota illisible : « banquier »" in capsys.readouterr().err
