import re

import pandas as pd
import pytest

from mitlib.cli.main import main
from mitlib.core.provenance import file_sha256
from mitlib.data.io import example_path


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
    assert "50 lignes lues, 50 valides, 0 rejetée" in out and "FICTIVES" in out


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
    assert "3 lignes lues, 1 valide, 2 rejetées" in out
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
    from mitlib.render.offline import external_references

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


def _one_bad_row(tmp_path, table: str, column: str, value: str):
    df = pd.read_csv(example_path(table), sep=";", dtype=str, keep_default_na=False)
    df.loc[3, column] = value
    df["email"] = "cache." + df["id"] + "@exemple.org"  # undeclared, personal
    path = tmp_path / f"{table}.csv"
    df.to_csv(path, sep=";", index=False)
    return path


def test_rejects_in_output_folders_keep_public_columns_only(tmp_path, capsys):
    """Found by the adversarial review: mit diagnostic and mit candidatures
    noter wrote whole rejected rows (owner contact, undeclared e-mail) in
    folders meant to be shared."""
    locaux = _one_bad_row(tmp_path, "locaux", "commune", "Inconnueville")
    code = main(
        ["diagnostic", "--locaux", str(locaux), "--sortie", str(tmp_path / "d")]
    )
    assert code == 0
    candidatures = _one_bad_row(tmp_path, "candidatures", "label", "aucun label ?")
    out = tmp_path / "c"
    code = main(
        [
            "candidatures",
            "noter",
            "--candidatures",
            str(candidatures),
            "--sortie",
            str(out),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "locaux.csv : 1 ligne(s) rejetée(s), écrites dans" in err
    for path, table in (
        (tmp_path / "d" / "locaux_rejets.csv", "locaux"),
        (out / "candidatures_rejets.csv", "candidatures"),
    ):
        rejects = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
        assert rejects["ligne"].tolist() == ["5"]
        text = path.read_text("utf-8-sig")
        assert "@" not in text, table
        from mitlib.data.schemas import get_schema

        public = {"ligne", "motifs", *get_schema(table).public_columns}
        assert set(rejects.columns) <= public, table


def test_find_inputs_gives_absolute_paths_for_a_relative_folder(tmp_path, monkeypatch):
    """Found by the adversarial review: the notebooks run in their own folder,
    so a relative --donnees made every page fail."""
    from mitlib.export.inputs import find_inputs

    (tmp_path / "donnees").mkdir()
    (tmp_path / "donnees" / "locaux.csv").write_text("id;commune\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = find_inputs("donnees")
    assert found == {"locaux": tmp_path / "donnees" / "locaux.csv"}
    assert found["locaux"].is_absolute()


def test_a_real_bug_shows_its_traceback_and_how_to_report_it(monkeypatch, capsys):
    import mitlib.cli.main as cli

    def broken(_args):
        return {}["clé"]  # a bug, not a user's mistake

    monkeypatch.setitem(cli._COMMANDS, "modeles", broken)
    assert main(["modeles", "--sortie", "x"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError: 'clé'" in err
    assert "erreur interne de mitlib" in err and "signaler" in err


def test_ctrl_c_in_a_command_exits_130_in_french(monkeypatch, capsys):
    import mitlib.cli.main as cli

    def interrupted(_args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli._COMMANDS, "modeles", interrupted)
    assert main(["modeles", "--sortie", "x"]) == 130
    err = capsys.readouterr().err
    assert "interrompu (Ctrl-C)" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            PermissionError(13, "x", "sortie/a.csv"),
            3,
            "accès refusé à « sortie/a.csv »",
        ),
        (IsADirectoryError(21, "x", "donnees"), 2, "« donnees » est un dossier"),
        (OSError(28, "No space left", "sortie"), 3, "plus de place sur le disque"),
    ],
)
def test_system_refusals_are_french_with_their_exit_code(
    monkeypatch, capsys, error, code, message
):
    import mitlib.cli.main as cli

    def refused(_args):
        raise error

    monkeypatch.setitem(cli._COMMANDS, "modeles", refused)
    assert main(["modeles", "--sortie", "x"]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
