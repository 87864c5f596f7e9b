"""A seeded generator of realistic but fictional sample tables.

Every row says it is fictional (``source`` =
:data:`~mitlib.data.fictional.FICTIONAL_MARK`).
Names of organisations are invented descriptions ("Pôle création d'entreprise
du Villeneuvois"), contacts use reserved domains (``example.org``) and the
numbers ARCEP keeps for fiction (05 36 49 xx xx). Real public facts (communes,
EPCI, themes) are used as such.

The files are written the way French users' Excel does: ``;`` separator,
decimal comma, UTF-8 with BOM, so the sample also exercises the loaders.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mitlib.core.config import EXAMPLE_DIR, SAMPLE_GRID
from mitlib.data.fictional import FICTIONAL_MARK
from mitlib.data.schemas import TABLES
from mitlib.data.territory import LAMBERT93, WGS84, Territory, load_territory
from mitlib.data.vocabularies import BUILDING_STATE, OWNER_TYPES, THEMES

__all__ = [
    "AREA_NAMES",
    "THEME_LIST",
    "generate_candidacies",
    "generate_sample",
    "sample_phone",
    "write_candidacy_sample",
    "write_sample",
]

_STREETS = (
    "rue de la République",
    "Grand-Rue",
    "place de la Halle",
    "rue Nationale",
    "avenue de la Gare",
    "rue du Lot",
    "place des Arcades",
    "rue de l'Église",
    "boulevard de la Marine",
    "rue des Cornières",
    "place du Marché",
    "rue Sainte-Catherine",
    "rue du Pont",
    "allée des Tilleuls",
)
#: The themes, in their order (the samples draw from this list).
THEME_LIST = list(THEMES)
#: EPCI SIREN → "du Villeneuvois": the area named in invented organisations.
AREA_NAMES = {
    "200023307": "du Villeneuvois",
    "200036523": "des Bastides",
    "200068922": "du Confluent",
    "200068930": "du Fumélois",
    "244701405": "de Lot et Tolzac",
}
# category → (share, name patterns, usual perimeters, expertise phrases)
_ACTORS = {
    "structure d'accompagnement": (
        0.2,
        (
            "Pôle création d'entreprise {area}",
            "Couveuse d'activités {area}",
            "Antenne consulaire {area}",
            "Incubateur rural {area}",
            "Coopérative d'activité et d'emploi {area}",
        ),
        ("EPCI", "Pays", "département"),
        (
            "étude de marché",
            "business plan",
            "statut juridique",
            "formalités de création",
            "accompagnement post-création",
            "reprise d'entreprise",
            "prévisionnel financier",
        ),
    ),
    "financeur": (
        0.13,
        (
            "Plateforme de prêt d'honneur {area}",
            "Fonds territorial {area}",
            "Agence bancaire {area}",
            "Dispositif régional d'aide {area}",
        ),
        ("département", "région", "Pays"),
        (
            "prêt d'honneur",
            "garantie bancaire",
            "microcrédit",
            "subvention",
            "financement participatif",
            "prêt à la création",
        ),
    ),
    "collectivité": (
        0.15,
        (
            "Service développement économique {area}",
            "Mairie — manager de centre-bourg {area}",
            "Service commerce et artisanat {area}",
        ),
        ("commune", "EPCI"),
        (
            "immobilier d'entreprise",
            "local commercial",
            "aides à l'installation",
            "droit de préemption commercial",
            "animation de centre-bourg",
        ),
    ),
    "emploi et formation": (
        0.1,
        (
            "Point emploi {area}",
            "Organisme de formation {area}",
            "Antenne jeunesse {area}",
        ),
        ("EPCI", "Pays", "département"),
        (
            "recrutement",
            "formation professionnelle",
            "insertion",
            "alternance",
            "compétences numériques",
        ),
    ),
    "tiers-lieu": (
        0.1,
        (
            "Tiers-lieu {area}",
            "Espace de coworking {area}",
            "Fab lab {area}",
            "Café associatif et coworking {area}",
        ),
        ("commune", "EPCI"),
        (
            "coworking",
            "fabrication numérique",
            "animation de communauté",
            "boutique à l'essai",
            "événements",
        ),
    ),
    "association": (
        0.2,
        (
            "Association des commerçants {area}",
            "Collectif culturel {area}",
            "Association de producteurs {area}",
            "Réseau d'entraide {area}",
            "Office de tourisme associatif {area}",
        ),
        ("commune", "EPCI", "Pays"),
        (
            "circuits courts",
            "animation culturelle",
            "patrimoine",
            "bénévolat",
            "promotion touristique",
            "vie locale",
        ),
    ),
    "commerçant ou artisan référent": (
        0.12,
        (
            "Boulangerie témoin {area}",
            "Atelier d'artisan référent {area}",
            "Épicerie fine {area}",
            "Librairie-café {area}",
        ),
        ("commune",),
        (
            "vente en boutique",
            "gestion des stocks",
            "vitrine",
            "commerce de proximité",
            "savoir-faire artisanal",
        ),
    ),
}
_NETWORKS = (
    "chambres-consulaires",
    "france-active",
    "initiative-france",
    "reseau-entreprendre",
    "reseau-bge",
    "adie",
    "fabrique-de-territoire",
    "french-tech",
)
_EVENTS = (
    ("foire", "Foire {season} de {town}"),
    ("marché", "Marché de producteurs de {town}"),
    ("salon", "Salon de l'artisanat de {town}"),
    ("forum", "Forum de la création d'entreprise de {town}"),
    ("festival", "Festival des savoir-faire de {town}"),
    ("atelier ou réunion", "Atelier « Entreprendre en milieu rural » à {town}"),
)


def _weights(territory: Territory, power: float) -> np.ndarray:
    w = territory.communes["population"].to_numpy(float) ** power
    return w / w.sum()


def _points_near_town_hall(
    territory: Territory, codes: np.ndarray, rng: np.random.Generator, radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """Random points within ``radius`` metres of the town hall, inside the commune."""
    com = territory.communes.set_index("code_insee")
    halls = gpd.GeoSeries(
        gpd.points_from_xy(com.loc[codes, "mairie_lon"], com.loc[codes, "mairie_lat"]),
        crs=WGS84,
    ).to_crs(LAMBERT93)
    polys = territory.communes_l93.set_index("code_insee").geometry.loc[codes].values
    x, y = halls.x.to_numpy(), halls.y.to_numpy()
    inside = shapely.point_on_surface(polys)
    px, py = shapely.get_x(inside), shapely.get_y(inside)
    for i in range(len(codes)):
        for _ in range(20):
            cx = x[i] + rng.normal(0, radius / 2)
            cy = y[i] + rng.normal(0, radius / 2)
            if shapely.contains_xy(polys[i], cx, cy):
                px[i], py[i] = cx, cy
                break
    pts = gpd.GeoSeries(gpd.points_from_xy(px, py), crs=LAMBERT93).to_crs(WGS84)
    return pts.y.round(6).to_numpy(), pts.x.round(6).to_numpy()


def _fr(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def sample_phone(rng: np.random.Generator) -> str:
    """A phone number of the range ARCEP keeps for fiction (05 36 49 xx xx)."""
    return "05 36 49 " + " ".join(f"{v:02d}" for v in rng.integers(0, 100, 2))


def _premises(territory: Territory, rng: np.random.Generator, n: int) -> pd.DataFrame:
    com = territory.communes
    codes = rng.choice(com["code_insee"].to_numpy(), size=n, p=_weights(territory, 1.1))
    codes = np.sort(codes)
    lat, lon = _points_near_town_hall(territory, codes, rng, radius=250)
    no_coords = rng.random(n) < 0.15
    kinds = rng.choice(
        ["commerce", "bureau", "atelier", "restaurant", "entrepôt", "autre"],
        size=n,
        p=[0.55, 0.12, 0.12, 0.1, 0.06, 0.05],
    )
    surface = np.clip(rng.lognormal(4.3, 0.55, n), 15, 900)
    rent = surface * rng.uniform(4.5, 10.5, n)
    since = [date(2026, 9, 1) - timedelta(days=int(d)) for d in rng.gamma(2.0, 420, n)]
    names = com.set_index("code_insee")["nom"]
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": f"L-{i + 1:03d}",
                "commune": names[codes[i]] if i % 3 else codes[i],
                "adresse": f"{int(rng.integers(1, 60))} {rng.choice(_STREETS)}",
                "latitude": "" if no_coords[i] else _fr(lat[i], 6),
                "longitude": "" if no_coords[i] else _fr(lon[i], 6),
                "type_local": kinds[i],
                "surface_m2": _fr(surface[i]),
                "loyer_mensuel": f"{round(rent[i], -1):.0f}",
                "vacant_depuis": since[i].strftime("%d/%m/%Y"),
                "bati_vacance": rng.choice(
                    ["vacant", "partiellement occupé"], p=[0.85, 0.15]
                ),
                "bati_etat": rng.choice(list(BUILDING_STATE), p=[0.35, 0.35, 0.2, 0.1]),
                "proprio_type": rng.choice(
                    list(OWNER_TYPES), p=[0.5, 0.2, 0.15, 0.05, 0.05, 0.05]
                ),
                "disponible_marathon": rng.choice(["oui", "non"], p=[0.4, 0.6]),
                "source": FICTIONAL_MARK,
                "date_maj": "15/09/2026",
                "proprio_contact": f"Propriétaire fictif {i + 1} — "
                f"proprietaire{i + 1}@example.org — {sample_phone(rng)}",
            }
        )
    return pd.DataFrame(rows)


def _actors(territory: Territory, rng: np.random.Generator, n: int) -> pd.DataFrame:
    com = territory.communes.set_index("code_insee")
    rows = []
    cats = list(_ACTORS)
    shares = np.array([_ACTORS[c][0] for c in cats])
    counts = np.floor(shares / shares.sum() * n).astype(int)
    counts[0] += n - counts.sum()
    weights = _weights(territory, 1.3)
    i = 0
    for cat, count in zip(cats, counts, strict=False):
        _, patterns, perimeters, phrases = _ACTORS[cat]
        codes = rng.choice(com.index.to_numpy(), size=count, p=weights)
        lat, lon = _points_near_town_hall(territory, codes, rng, radius=300)
        for j, code in enumerate(codes):
            i += 1
            area = AREA_NAMES.get(com.at[code, "epci_siren"])
            if area is None or rng.random() < 0.4:
                area = f"de {com.at[code, 'nom']}"
            name = str(rng.choice(patterns)).format(area=area)
            themes = rng.choice(THEME_LIST, size=int(rng.integers(1, 4)), replace=False)
            skills = rng.choice(phrases, size=min(3, len(phrases)), replace=False)
            networks = rng.choice(
                _NETWORKS, size=int(rng.integers(0, 3)), replace=False
            )
            rows.append(
                {
                    "id": f"A-{i:03d}",
                    "nom": name,
                    "siret": "",
                    "categorie": cat,
                    "reseaux": " | ".join(networks),
                    "expertise": "Expertise : " + ", ".join(skills) + ".",
                    "themes": " | ".join(sorted(themes)),
                    "perimetre": rng.choice(perimeters),
                    "apporte": f"Conseils en {skills[0]}, mise en relation",
                    "attend": "Rencontrer des porteurs de projet du territoire",
                    "commune": com.at[code, "nom"],
                    "adresse": f"{int(rng.integers(1, 40))} {rng.choice(_STREETS)}",
                    "latitude": _fr(lat[j], 6) if j % 5 else "",
                    "longitude": _fr(lon[j], 6) if j % 5 else "",
                    "contact": f"Contact fictif {i} — contact{i}@example.org — "
                    f"{sample_phone(rng)}",
                    "source": FICTIONAL_MARK,
                    "date_maj": "01/10/2026",
                }
            )
    return pd.DataFrame(rows)


def _events(territory: Territory, rng: np.random.Generator, n: int) -> pd.DataFrame:
    com = territory.communes.set_index("code_insee")
    codes = rng.choice(com.index.to_numpy(), size=n, p=_weights(territory, 1.0))
    rows = []
    seasons = {
        3: "de printemps",
        4: "de printemps",
        5: "de printemps",
        9: "d'automne",
        10: "d'automne",
        11: "d'automne",
    }
    for i, code in enumerate(codes):
        kind, pattern = _EVENTS[int(rng.integers(len(_EVENTS)))]
        start = date(2026, 1, 10) + timedelta(days=int(rng.integers(0, 540)))
        days = (
            0 if kind in {"marché", "atelier ou réunion"} else int(rng.integers(0, 3))
        )
        season = seasons.get(start.month, "d'hiver" if start.month < 3 else "d'été")
        rows.append(
            {
                "id": f"E-{i + 1:03d}",
                "nom": pattern.format(town=com.at[code, "nom"], season=season),
                "type": kind,
                "commune": com.at[code, "nom"],
                "date_debut": start.strftime("%d/%m/%Y"),
                "date_fin": (start + timedelta(days=days)).strftime("%d/%m/%Y")
                if days
                else "",
                "themes": " | ".join(
                    sorted(
                        rng.choice(
                            THEME_LIST, size=int(rng.integers(1, 3)), replace=False
                        )
                    )
                ),
                "latitude": "",
                "longitude": "",
                "source": FICTIONAL_MARK,
            }
        )
    return pd.DataFrame(rows)


def generate_sample(
    territory: Territory | None = None,
    *,
    seed: int = 47,
    n_premises: int = 320,
    n_actors: int = 150,
    n_events: int = 50,
) -> dict[str, pd.DataFrame]:
    """Generate the fictional sample tables, as text cells like a user's file.

    Examples
    --------
    >>> tables = generate_sample(n_premises=5, n_actors=10, n_events=3)
    >>> sorted(tables), len(tables["locaux"])
    (['acteurs', 'evenements', 'locaux'], 5)
    """
    territory = territory or load_territory()
    rng = np.random.default_rng(seed)
    tables = {
        "locaux": _premises(territory, rng, n_premises),
        "acteurs": _actors(territory, rng, n_actors),
        "evenements": _events(territory, rng, n_events),
    }
    return {k: v[TABLES[k].columns] for k, v in tables.items()}


def write_sample(directory: Path | str = EXAMPLE_DIR, **kwargs) -> list[Path]:
    """Write the sample tables as French-Excel CSV files (``;``, UTF-8 BOM)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in generate_sample(**kwargs).items():
        path = out / f"{name}.csv"
        df.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
        written.append(path)
    return written


# ---------------------------------------------------------------------------
# Candidacies of the communes (fictional, around the real 2023-2024 hosts)
# ---------------------------------------------------------------------------

# Candidate communes and their label. Villeneuve-sur-Lot is labelled Action Cœur
# de Ville (real); the other labels are plausible but fictional, like every row.
_CANDIDATES = (
    ("47323", "ACV"), ("47252", "PVD"), ("47049", "PVD"), ("47215", "aucun"),
    ("47175", "PVD"), ("47048", "PVD"), ("47057", "PVD"), ("47324", "PVD"),
    ("47004", "PVD"), ("47210", "PVD"), ("47078", "aucun"),
    ("47179", "PVD"), ("47106", "PVD"), ("47203", "PVD"),
    ("47306", "PVD"), ("47054", "PVD"), ("47173", "aucun"),
)  # fmt: skip
# Earlier "Mon Centre-Bourg a un Incroyable Commerce" marathons (DOMAIN.md).
_ALREADY_HOSTED = {"47048": "Cancon (2021)", "47252": "Sainte-Livrade-sur-Lot (2022)"}
_EARLIER = "A accueilli « Mon Centre-Bourg a un Incroyable Commerce » : {}."
# Partners reported for marathons 1 (Monsempron-Libos) and 2 (Aiguillon).
_REPORTED_PARTNERS = {"47179": 19, "47004": 16}
# Port-Sainte-Marie offers two premises only: it shows an eliminatory rule.
_FEW_PREMISES = {"47210": 2}
_OFFICIALS = (
    "Maire",
    "Adjoint au maire chargé du commerce",
    "Adjointe au maire chargée du développement économique",
    "Conseillère municipale déléguée à la revitalisation du centre-bourg",
    "Adjoint au maire chargé de la vie associative",
)
_ASSETS_PHRASES = (
    "une halle couverte au cœur du bourg",
    "un tiers-lieu ouvert en 2022",
    "un marché de plein vent le samedi",
    "une salle des fêtes rénovée",
    "des cellules commerciales vides rue principale",
    "une association de commerçants très active",
)


def generate_candidacies(
    territory: Territory | None = None,
    *,
    seed: int = 47,
    locaux: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Generate fictional candidacies, as text cells like a user's file.

    Seventeen communes of the five EPCI apply, among them the five real
    2023–2024 hosts (:data:`mitlib.data.cycle.HISTORICAL_HOSTS`), which rank
    the theme they really hosted first and offer its period. Everything else
    (other rankings, periods, premises, room capacity, partners, texts) is
    drawn from ``np.random.default_rng(seed)``.

    Parameters
    ----------
    territory : Territory, optional
        Communes (default: the bundled reference).
    seed : int
        Seed of the random generator.
    locaux : DataFrame, optional
        The sample ``locaux`` table (text cells); when given, ``locaux_ids``
        lists premises of the commune available for a marathon.

    Examples
    --------
    >>> df = generate_candidacies()
    >>> len(df), df["id"].iloc[0], df["label"].value_counts()["ACV"]
    (17, 'C-01', np.int64(1))
    """
    from mitlib.data.cycle import HISTORICAL_HOSTS

    territory = territory or load_territory()
    rng = np.random.default_rng(seed)
    com = territory.communes.set_index("code_insee")
    history = {h.code_insee: h for h in HISTORICAL_HOSTS}
    calendar = [h.period for h in HISTORICAL_HOSTS]
    order = sorted(
        _CANDIDATES,
        key=lambda c: (com.at[c[0], "epci_siren"], -com.at[c[0], "population"]),
    )
    available: dict[str, list[str]] = {}
    if locaux is not None:
        codes = territory.resolve_communes(locaux["commune"])[0]
        ok = locaux["disponible_marathon"].eq("oui").to_numpy()
        for ident, code in zip(locaux["id"][ok], codes[ok], strict=True):
            available.setdefault(code, []).append(ident)
    rows = []
    for i, (code, label) in enumerate(order, 1):
        pop = int(com.at[code, "population"])
        host = history.get(code)
        others = [t for t in THEME_LIST if host is None or t != host.theme]
        ranked = list(rng.permutation(others))
        n_ranked = int(rng.integers(3 if host else 2, 6))
        themes = ([host.theme] if host else []) + ranked
        themes = themes[:n_ranked]
        periods = set(rng.choice(calendar, size=int(rng.integers(2, 5)), replace=False))
        if host:
            periods.add(host.period)
        n_premises = _FEW_PREMISES.get(
            code, int(np.clip(rng.integers(3, 7) + pop // 1500, 3, 22))
        )
        ids = sorted(available.get(code, []))[:n_premises]
        capacity = int(np.clip(round(60 + pop / 90 + rng.normal(0, 20), -1), 40, 400))
        partners = _REPORTED_PARTNERS.get(code, int(rng.integers(4, 15)))
        asset = str(rng.choice(_ASSETS_PHRASES))
        name = com.at[code, "nom"]
        rows.append(
            {
                "id": f"C-{i:02d}",
                "commune": name if i % 4 else code,
                "label": label,
                **{
                    f"theme_{r}": themes[r - 1] if r <= len(themes) else ""
                    for r in range(1, 6)
                },
                "periodes": " | ".join(p for p in calendar if p in periods),
                "locaux_nb": str(n_premises),
                "locaux_ids": " | ".join(ids),
                "capacite_accueil": str(capacity),
                "partenaires_engages": str(partners),
                "elu_referent": str(rng.choice(_OFFICIALS)),
                "motivation": f"{name} souhaite accueillir le marathon "
                f"« {themes[0]} » : {asset}, des porteurs de projet déjà repérés.",
                "deja_accueilli": "oui" if code in _ALREADY_HOSTED else "non",
                "commentaires": _EARLIER.format(_ALREADY_HOSTED[code])
                if code in _ALREADY_HOSTED
                else "",
                "contact": f"Secrétariat de mairie (fictif) — candidature.{code}"
                f"@example.org — {sample_phone(rng)}",
                "source": FICTIONAL_MARK,
            }
        )
    return pd.DataFrame(rows)[TABLES["candidatures"].columns]


def write_candidacy_sample(
    directory: Path | str = EXAMPLE_DIR, *, seed: int = 47
) -> list[Path]:
    """Write ``candidatures.csv`` (French-Excel CSV) and the commented ``grille.yaml``.

    ``locaux_ids`` refer to ``locaux.csv`` of the same directory when it
    exists (write it first with :func:`write_sample`). The grid is copied
    from the package (``mitlib/assets/grille_exemple.yaml``).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    premises = out / "locaux.csv"
    locaux = (
        pd.read_csv(
            premises, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
        if premises.exists()
        else None
    )
    path = out / "candidatures.csv"
    generate_candidacies(seed=seed, locaux=locaux).to_csv(
        path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n"
    )
    grid = out / "grille.yaml"
    grid.write_bytes(SAMPLE_GRID.read_bytes())
    return [path, grid]
