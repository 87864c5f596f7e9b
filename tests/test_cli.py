import re

import pandas as pd
import pytest

from mitlib.cli import main
from mitlib.io import example_path
from mitlib.provenance import file_sha256


def test_help_is_french(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--aide"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Utilisation : mit")
    assert "vérifier un fichier" in out and "afficher cette aide" in out


def test_missing_argument_error_is_french(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["verifier", "x.csv"])
    assert exc.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_verifier_good_file_exits_0(capsys):
    assert (
        main(["verifier", str(example_path("evenements")), "--table", "evenements"])
        == 0
    )
    out = capsys.readouterr().out
    assert "50 lignes lues, 50 valides, 0 rejetées" in out and "FICTIVES" in out


def test_verifier_bad_file_reports_writes_rejects_exits_1(tmp_path, capsys):
    src = tmp_path / "acteurs.csv"
    src.write_text(
        "id;nom;categorie;commune\nA1;Pôle;financeur;Fumel\n"
        "A2;X;banquier suisse;Fumel\n"
        "A3;Y;association;Paris\n",
        encoding="utf-8",
    )
    before = file_sha256(src)
    assert main(["verifier", str(src), "--table", "acteurs"]) == 1
    out = capsys.readouterr().out
    assert "3 lignes lues, 1 valides, 2 rejetées" in out
    assert (
        "acteurs.csv, ligne 3, colonne categorie : « banquier suisse » "
        "n'est pas une valeur reconnue" in out
    )
    assert "acteurs.csv, ligne 4, colonne commune : commune « Paris » inconnue" in out
    rejects = pd.read_csv(
        tmp_path / "acteurs_rejets.csv", sep=";", encoding="utf-8-sig"
    )
    assert rejects["id"].tolist() == ["A2", "A3"]
    assert file_sha256(src) == before


def test_unusable_file_exits_2_with_french_message(tmp_path, capsys):
    src = tmp_path / "vide.csv"
    src.write_text("a;b\n1;2\n", encoding="utf-8")
    assert main(["verifier", str(src), "--table", "locaux"]) == 2
    err = capsys.readouterr().err
    assert (
        "mit : erreur : vide.csv : colonne(s) obligatoire(s) absente(s) : id, commune"
        in err
    )


def test_modeles_and_diagnostic(tmp_path, capsys):
    assert main(["modeles", "--sortie", str(tmp_path / "m")]) == 0
    assert (tmp_path / "m" / "locaux.xlsx").exists()
    assert main(["diagnostic", "--sortie", str(tmp_path / "d"), "--seuil-km", "5"]) == 0
    assert "FICTIVES" in capsys.readouterr().out
    epci = pd.read_csv(
        tmp_path / "d" / "indicateurs_epci.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
    )
    assert (
        epci["zones_blanches_nb"].sum() > 0
    )  # 5 km leaves some communes far from support


def test_carte_writes_offline_map_for_user_files(tmp_path, capsys):
    from mitlib.offline import external_references

    acteurs = tmp_path / "acteurs.csv"
    acteurs.write_text(
        "id;nom;categorie;commune;contact\n"
        "A1;<script>alert('x')</script> Pôle;financeur;Fumel;marie.curie@example.net\n",
        encoding="utf-8",
    )
    out = tmp_path / "carte.html"
    assert (
        main(
            [
                "carte",
                "--acteurs",
                str(acteurs),
                "--indicateur",
                "distance_acteur_km",
                "--sortie",
                str(out),
            ]
        )
        == 0
    )
    assert re.search(
        r"Carte écrite : .*carte\.html \(0,\d\d Mo\)", capsys.readouterr().out
    )
    html = out.read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" not in html
    assert "marie.curie@example.net" not in html
    assert external_references(html) == []
    assert "Distance à l'acteur de soutien le plus proche" in html


def test_carte_unknown_indicator(tmp_path, capsys):
    assert (
        main(["carte", "--indicateur", "bonheur", "--sortie", str(tmp_path / "c.html")])
        == 2
    )
    assert "Indicateur inconnu : bonheur" in capsys.readouterr().err
