"""Adversarial option values, grids and affinity files: clear French refusals.

Every user mistake is refused with a French message naming the option (as
typed on the command line), the grid key or the file, and the accepted range;
the ``mit`` command exits with code 2 (argparse's usage for option syntax, a
:class:`mitlib.core.errors.MitError` otherwise). Fast: no solve, no full run.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from mitlib.binomes.inputs import load_pairing_inputs, parse_per_project
from mitlib.binomes.matching import InfeasibleError, assign
from mitlib.binomes.pairing import prepare_marathon, solve_marathon
from mitlib.candidatures.grid import Grid
from mitlib.cli.main import main
from mitlib.core.errors import InputError, MitError, OptionError
from mitlib.data.territory import CommuneLookupError
from mitlib.diagnostic.diagnosis import run_diagnosis
from mitlib.diagnostic.indicators import check_threshold_km, commune_indicators


def _usage_error(argv: list[str], capsys) -> str:
    """Run ``mit`` with a bad option value: exit 2 and the French message."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Utilisation : mit")
    assert " : erreur : " in err
    return err


# --------------------------------------------------------------------------
# --seuil-km
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf", "-inf", "1e9", "201"])
@pytest.mark.parametrize("command", ["diagnostic", "carte"])
def test_seuil_km_out_of_range_is_refused(command, value, tmp_path, capsys):
    # "--seuil-km=-inf": argparse reads "--seuil-km -inf" as two options
    err = _usage_error(
        [command, f"--seuil-km={value}", "--sortie", str(tmp_path / "x")], capsys
    )
    assert f"--seuil-km: « {value} » n'est pas accepté" in err
    assert "supérieur à 0 et au plus 200" in err


def test_seuil_km_not_a_number_is_refused(tmp_path, capsys):
    err = _usage_error(
        ["diagnostic", "--seuil-km", "dix", "--sortie", str(tmp_path)], capsys
    )
    assert "--seuil-km: « dix » n'est pas un nombre" in err


def test_seuil_km_accepts_a_decimal_comma():
    from mitlib.cli.options import seuil_km

    assert seuil_km("7,5") == 7.5


@pytest.mark.parametrize("value", [-5, 0, math.nan, math.inf, 500, "10", True])
def test_threshold_is_checked_by_the_library_too(value):
    with pytest.raises(OptionError, match="seuil de zone blanche.*au plus 200"):
        check_threshold_km(value)
    with pytest.raises(OptionError, match="threshold_km"):
        run_diagnosis(None, threshold_km=value)  # refused before any reading


def test_commune_indicators_refuses_a_negative_threshold(territory):
    with pytest.raises(OptionError, match="threshold_km : -1"):
        commune_indicators(territory, threshold_km=-1)


# --------------------------------------------------------------------------
# mit binomes: --par-projet, --quota, --imposer, --marathon
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "« 0 » : le minimum doit valoir au moins 1"),
        ("0:2", "« 0:2 » : le minimum doit valoir au moins 1"),
        ("3:2", "le maximum (2) est inférieur au minimum (3)"),
        ("abc", "illisible : « abc »"),
        ("2:", "illisible : « 2: »"),
        ("-1", "illisible : « -1 »"),
        ("1:50", "au plus 20 coachs par projet"),
        ("99999999999999999999", "au plus 20 coachs par projet"),
    ],
)
def test_par_projet_is_checked(value, message, tmp_path, capsys):
    err = _usage_error(
        ["binomes", "--par-projet", value, "--sortie", str(tmp_path)], capsys
    )
    assert "--par-projet: Nombre de coachs par projet" in err
    assert message in err
    assert "1 ≤ MIN ≤ MAX ≤ 20" in err


@pytest.mark.parametrize("value", [0, (0, 2), (3, 2), (1, 21), "abc", (1.5, 2)])
def test_per_project_is_checked_by_the_library(value):
    with pytest.raises(OptionError, match="Nombre de coachs par projet"):
        parse_per_project(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("banquier", "Quota illisible : « banquier »"),
        ("=1", "Quota illisible : « =1 »"),
        ("banquier=abc", "Quota illisible : « banquier=abc »"),
        ("banquier=-1", "Quota illisible : « banquier=-1 »"),
        ("banquier=0", "Quota « banquier=0 » : 0 n'est pas accepté"),
        ("banquier=1000", "Quota « banquier=1000 » : 1000 n'est pas accepté"),
    ],
)
def test_quota_is_checked(value, message, tmp_path, capsys):
    err = _usage_error(["binomes", "--quota", value, "--sortie", str(tmp_path)], capsys)
    assert f"--quota: {message}" in err
    assert "N entier de 1 à 20" in err


def test_quota_given_twice_with_two_numbers_is_refused():
    from mitlib.cli.options import quotas

    assert quotas([("banquier", 1), ("Banquier", 1)]) == {"banquier": 1}
    with pytest.raises(OptionError, match="--quota : le type « Banquier » est donné"):
        quotas([("banquier", 1), ("Banquier", 2)])


@pytest.mark.parametrize("value", ["M1-P01", ":K-001", "M1-P01:", " : "])
def test_imposer_malformed_is_refused(value, tmp_path, capsys):
    err = _usage_error(
        ["binomes", "--imposer", value, "--sortie", str(tmp_path)], capsys
    )
    assert f"--imposer: binôme imposé illisible : « {value} »" in err
    assert "PROJET:COACH" in err


@pytest.mark.parametrize("value", ["-1", "abc", str(2**32), "1.5"])
def test_graine_is_checked(value, tmp_path, capsys):
    err = _usage_error(
        ["exemple", "--graine", value, "--sortie", str(tmp_path)], capsys
    )
    assert f"--graine: « {value} »" in err
    assert "entier de 0 à 4294967295" in err


def test_unknown_marathon_lists_the_known_ones(tmp_path, capsys):
    code = main(["binomes", "--marathon", "M9", "--sortie", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "mit : erreur : --marathon M9 : marathon inconnu" in err
    assert "Marathons connus : M1, M2, M3, M4, M5." in err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def sample_inputs():
    return load_pairing_inputs()


def test_forced_pair_unknown_project_is_an_option_error(sample_inputs):
    from mitlib.binomes.pairing import run_pairing

    with pytest.raises(OptionError, match="Binôme imposé : projet inconnu « P-404 »"):
        run_pairing(sample_inputs, "M1", forced=[("P-404", "K-001")])


# --------------------------------------------------------------------------
# --affinites
# --------------------------------------------------------------------------


def _affinity_file(tmp_path, rows: list[tuple[str, str, str]]):
    path = tmp_path / "affinites.csv"
    lines = ["id_projet;id_coach;affinite", *(";".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_affinity_file_matching_no_pair_of_the_marathon(tmp_path, capsys):
    # a pair of marathon M2 only: nothing for M1
    path = _affinity_file(tmp_path, [("M2-P01", "K-003", "0,8")])
    inputs = load_pairing_inputs(affinites=path)
    with pytest.raises(InputError) as info:
        prepare_marathon(inputs, "M1")
    message = str(info.value)
    assert message.startswith("affinites.csv : aucune des 1 lignes ne concerne")
    assert "marathon M1" in message
    assert "id_projet : M1-P01, M1-P02" in message
    assert "id_coach : K-001, K-002" in message
    prepare_marathon(inputs, "M2")  # the marathon it names is fine

    code = main(
        [
            "binomes",
            "--affinites",
            str(path),
            "--marathon",
            "M1",
            "--sortie",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "mit : erreur : affinites.csv : aucune des 1 lignes" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["1,5", "-0,1", "inf", "nan", "-inf", "abc", ""])
def test_affinity_values_outside_0_1_are_refused(value, tmp_path):
    path = _affinity_file(tmp_path, [("M1-P01", "K-001", value)])
    with pytest.raises(InputError) as info:
        load_pairing_inputs(affinites=path)
    assert str(info.value) == (
        f"affinites.csv, ligne 2, colonne affinite : « {value} » n'est pas un "
        "nombre entre 0 et 1."
    )


def test_affinity_file_without_its_columns(tmp_path):
    path = tmp_path / "affinites.csv"
    path.write_text("projet;coach\nM1-P01;K-001\n", encoding="utf-8")
    with pytest.raises(InputError, match="colonne\\(s\\) obligatoire\\(s\\) absente"):
        load_pairing_inputs(affinites=path)


# --------------------------------------------------------------------------
# Infeasibility: the cause is named right
# --------------------------------------------------------------------------


def _aff() -> pd.DataFrame:
    return pd.DataFrame(
        [[0.5, 0.2, 0.3], [0.1, 0.9, 0.3]],
        index=["P1", "P2"],
        columns=["C1", "C2", "C3"],
    )


def test_all_capacities_at_zero_is_not_a_conflict():
    with pytest.raises(InfeasibleError) as info:
        assign(_aff(), per_project=1, capacity=0)
    msgs = info.value.diagnostics
    assert msgs == [
        "Tous les coachs (3) ont une capacité de 0 (colonne capacite_max) : aucun "
        "projet ne peut recevoir de coach, alors que 2 projets × 1 = 2 places sont "
        "nécessaires. Indiquez pour chaque coach le nombre de projets qu'il peut "
        "suivre."
    ]
    assert not any("conflit" in m for m in msgs)
    assert info.value.exit_code == 1 and isinstance(info.value, ValueError)


def test_total_capacity_short_says_capacity():
    with pytest.raises(InfeasibleError) as info:
        assign(_aff(), per_project=1, capacity={"C1": 0, "C2": 1, "C3": 0})
    (msg,) = info.value.diagnostics
    assert msg.startswith("Capacité totale des coachs (1) inférieure au besoin")
    assert "conflit" not in msg


def test_project_short_of_coaches_names_both_causes():
    with pytest.raises(InfeasibleError) as info:
        assign(
            _aff(),
            per_project=1,
            capacity={"C1": 0, "C2": 1, "C3": 1},
            forbidden=[("P1", "C2"), ("P1", "C3")],
        )
    assert info.value.diagnostics == [
        "Le projet P1 n'a aucun coach possible (conflits/organisation ; 1 coach "
        "non exclu mais de capacité 0) pour un minimum de 1."
    ]


def test_project_whose_free_coaches_have_no_capacity():
    with pytest.raises(InfeasibleError) as info:
        assign(_aff(), per_project=2, capacity={"C1": 0, "C2": 4, "C3": 0})
    msgs = info.value.diagnostics
    assert (
        "Le projet P1 n'a qu'un coach possible (2 coachs non exclus mais de "
        "capacité 0) pour un minimum de 2." in msgs
    )
    assert not any("conflits" in m for m in msgs)


def test_sample_marathon_with_every_capacity_at_zero(sample_inputs):
    data = prepare_marathon(sample_inputs, "M1")
    zero = dict.fromkeys(data.coaches.index, 0)
    result = solve_marathon(data, capacities=zero)
    assert not result.feasible
    assert result.diagnostics[0].startswith(
        f"Tous les coachs ({len(data.coaches)}) ont une capacité de 0"
    )
    assert not any("conflit" in m for m in result.diagnostics)


# --------------------------------------------------------------------------
# The grid
# --------------------------------------------------------------------------

_GRID = """\
nom: Essai
criteres:
  - cle: locaux
    source: locaux_nb
    sens: max
    poids: 2
robustesse:
  tirages: {tirages}
"""


def _grid_file(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "grille.yaml"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("tirages", ["1000000000", "99", "0", "-5", "2.5", "1e400"])
def test_grid_draws_are_bounded(tirages, tmp_path):
    path = _grid_file(tmp_path, _GRID.format(tirages=tirages))
    with pytest.raises(InputError) as info:
        Grid.from_yaml(path)
    assert str(info.value).startswith(
        "grille.yaml : Robustesse : champ « tirages » : entier de 100 à "
        "100\u202f000 attendu"
    )


@pytest.mark.parametrize(
    ("section", "patch", "message"),
    [
        ("robustesse", {"tirages_attribution": 10**9}, "« tirages_attribution »"),
        ("robustesse", {"concentration": 1e300}, "« concentration » : nombre de"),
        ("robustesse", {"concentration": float("nan")}, "« concentration »"),
        ("robustesse", {"graine": 2**40}, "« graine » : entier de 0 à"),
        ("attribution", {"alternatives": 10**6}, "« alternatives » : entier de 1 à 50"),
        ("attribution", {"labels_requis": {"ACV": 10**9}}, "« labels_requis »"),
        ("attribution", {"note_minimale": float("inf")}, "« note_minimale »"),
        ("preference", {"poids": float("nan")}, "« poids » : nombre entre 0 et 1"),
        ("preference", {"bonus_par_rang": {10**6: 0.5}}, "rang entier de 1 à 100"),
        ("preference", {"bonus_par_rang": [1, 2]}, "« bonus_par_rang »"),
    ],
)
def test_grid_numeric_settings_are_bounded(section, patch, message):
    d = {"criteres": [{"cle": "a", "sens": "max", "poids": 1}], section: patch}
    with pytest.raises(InputError, match=message):
        Grid.from_dict(d)


@pytest.mark.parametrize("weight", [float("inf"), float("nan"), -1, 1e300, "lourd"])
def test_grid_weights_are_finite_and_bounded(weight):
    d = {"criteres": [{"cle": "a", "sens": "max", "poids": weight}]}
    with pytest.raises(InputError, match="Critère « a » : champ « poids »"):
        Grid.from_dict(d)


def test_grid_options_name_the_grid_keys_not_internal_ones():
    bad = [
        ({"departage": 5}, "« departage »"),
        ({"criteres": [{"cle": "a", "sens": "max", "poids": 0}]}, "« poids »"),
        (
            {
                "criteres": [
                    {"cle": "a", "sens": "max", "poids": 1, "normalisation": []}
                ]
            },
            "« normalisation »",
        ),
    ]
    for patch, message in bad:
        d = {"criteres": [{"cle": "a", "sens": "max", "poids": 1}], **patch}
        with pytest.raises(InputError) as info:
            Grid.from_dict(d)
        text = str(info.value)
        assert message in text
        for internal in ("min_score", "n_draws", "tie_break", "weight", "criteria"):
            assert internal not in text


def test_grid_anchors_and_aliases_are_refused(tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    path = _grid_file(tmp_path, laughs + "criteres: *i\n")
    with pytest.raises(InputError) as info:
        Grid.from_yaml(path)
    assert str(info.value).startswith(
        "Fichier de grille grille.yaml, ligne 1, colonne 4 : les ancres et alias "
        "YAML (« &a », « *a ») ne sont pas acceptés"
    )


def test_grid_file_too_large_is_refused(tmp_path):
    path = _grid_file(tmp_path, "# " + "x" * 1_100_000 + "\n")
    with pytest.raises(
        InputError, match="trop gros pour une grille.*1\u202f000\u202f000"
    ):
        Grid.from_yaml(path)


def test_cp1252_grid_is_read_with_a_warning(tmp_path):
    text = _GRID.format(tirages=1000).replace("Essai", "Grille d'été — écoles")
    path = _grid_file(tmp_path, text, encoding="cp1252")
    notes: list[str] = []
    grid = Grid.from_yaml(path, notes=notes)
    assert grid.name == "Grille d'été — écoles"
    assert notes == [
        "Fichier de grille grille.yaml : encodage Windows-1252 et non UTF-8 ; lu "
        "comme Windows-1252. Vérifiez les accents et enregistrez-le en UTF-8."
    ]
    with pytest.warns(UserWarning, match="Windows-1252"):
        Grid.from_yaml(path)


def test_binary_or_undecodable_grid_is_refused(tmp_path):
    path = _grid_file(tmp_path, "nom: a\n")
    path.write_bytes(b"nom: \x81\x8d\n")  # undefined in Windows-1252
    with pytest.raises(InputError, match="grille.yaml : encodage inconnu"):
        Grid.from_yaml(path)
    path.write_bytes(b"PK\x03\x04\x00\x00")
    with pytest.raises(InputError, match="ce n'est pas un fichier texte"):
        Grid.from_yaml(path)


@pytest.mark.parametrize(
    ("text", "line", "column", "detail"),
    [
        ("criteres:\n  - cle: a\n   poids: 1\n", 3, 4, "indentation incorrecte"),
        ("nom: a\ncriteres:\n\t- cle: a\n", 3, 1, "tabulation interdite"),
        ("nom: [a, b\ncriteres: []\n", 2, 9, "syntaxe YAML invalide"),
        ("nom: Essai: deux points\n", 1, 11, "« : » inattendu"),
    ],
)
def test_yaml_syntax_error_gives_file_line_and_column(
    text, line, column, detail, tmp_path
):
    path = _grid_file(tmp_path, text)
    with pytest.raises(InputError) as info:
        Grid.from_yaml(path)
    message = str(info.value)
    assert message.startswith(
        f"Fichier de grille illisible (grille.yaml), ligne {line}, colonne {column} : "
    )
    assert detail in message
    # 1-based, as in an editor: PyYAML's own mark is 0-based
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        assert (exc.problem_mark.line, exc.problem_mark.column) == (
            line - 1,
            column - 1,
        )


def test_deeply_nested_grid_is_refused(tmp_path):
    path = _grid_file(tmp_path, "nom: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(InputError, match="plus de 20 niveaux, trop profonde"):
        Grid.from_yaml(path)


def test_missing_grid_is_an_input_error_and_a_file_not_found(tmp_path):
    with pytest.raises(InputError, match="Fichier de grille introuvable") as info:
        Grid.from_yaml(tmp_path / "absente.yaml")
    assert isinstance(info.value, FileNotFoundError)


def test_huge_draws_grid_through_the_command(tmp_path, capsys):
    path = _grid_file(tmp_path, _GRID.format(tirages=1_000_000_000))
    code = main(
        ["candidatures", "noter", "--grille", str(path), "--sortie", str(tmp_path)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err == (
        "mit : erreur : grille.yaml : Robustesse : champ « tirages » : entier de "
        "100 à 100\u202f000 attendu (reçu 1000000000).\n"
    )


# --------------------------------------------------------------------------
# Exception classes
# --------------------------------------------------------------------------


def test_lookup_and_infeasible_errors_are_mit_errors():
    assert issubclass(CommuneLookupError, InputError)
    assert issubclass(CommuneLookupError, ValueError)
    assert issubclass(InfeasibleError, MitError)
    assert issubclass(InfeasibleError, ValueError)
    assert InfeasibleError(["x"]).exit_code == 1


def test_unknown_criterion_is_an_option_error_without_quotes():
    g = Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": 1}]})
    with pytest.raises(OptionError) as info:
        g.criterion("zz")
    assert str(info.value) == "Critère inconnu : « zz ». Critères de la grille : a."
    with pytest.raises(OptionError, match="Critère\\(s\\) inconnu\\(s\\) : zz"):
        g.with_weights({"zz": 1})


# ---------------------------------------------------------------------------
# Found by the adversarial review of the whole command line
# ---------------------------------------------------------------------------


def test_affinity_pair_given_twice_names_the_file_and_both_lines(tmp_path):
    rows = [("M1-P01", "K-001", "0,9"), ("M1-P02", "K-001", "0,5")]
    path = _affinity_file(tmp_path, [*rows, ("", "", ""), ("M1-P01", "K-001", "0,1")])
    with pytest.raises(InputError) as info:
        load_pairing_inputs(affinites=path)
    assert str(info.value) == (
        "affinites.csv, ligne 5 : le binôme M1-P01 – K-001 figure déjà ligne 2 ; "
        "gardez une seule affinité par binôme."
    )


def test_marathon_ids_sharing_a_file_name_are_an_input_error(tmp_path, capsys):
    from mitlib.data.io import example_path

    projets = pd.read_csv(example_path("projets"), sep=";", dtype=str)
    coachs = pd.read_csv(example_path("coachs"), sep=";", dtype=str)
    projets.loc[projets["marathon"] == "M2", "marathon"] = "m1"
    coachs["marathons"] = coachs["marathons"].str.replace("M2", "m1")
    projets.to_csv(tmp_path / "projets.csv", sep=";", index=False)
    coachs.to_csv(tmp_path / "coachs.csv", sep=";", index=False)
    code = main(
        [
            "binomes",
            "--coachs",
            str(tmp_path / "coachs.csv"),
            "--projets",
            str(tmp_path / "projets.csv"),
            "--sortie",
            str(tmp_path / "sortie"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "« M1 » et « m1 » (projets.csv, colonne marathon) donneraient" in err
    assert not (tmp_path / "sortie" / "M1").exists()


def test_grid_with_a_key_written_twice_is_refused_with_both_lines(tmp_path):
    path = _grid_file(
        tmp_path, _GRID.format(tirages="1000") + "methode: somme\nmethode: topsis\n"
    )
    with pytest.raises(
        InputError,
        match=r"ligne \d+, colonne 1 : clé « methode » en "
        r"double \(déjà ligne \d+\) : gardez-en une\.",
    ):
        Grid.from_yaml(path)


def test_grid_with_a_python_tag_is_refused_in_french(tmp_path):
    path = _grid_file(tmp_path, "!!python/object/apply:os.system ['echo pris']\n")
    with pytest.raises(InputError) as info:
        Grid.from_yaml(path)
    message = str(info.value)
    assert "étiquette YAML non autorisée" in message
    assert "constructor" not in message and "détail technique" not in message
