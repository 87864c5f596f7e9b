"""Fictional coaches and projects of the five marathons, seeded.

Like :mod:`mitlib.data.sample`: every row carries
:data:`~mitlib.data.fictional.FICTIONAL_MARK`,
names are obviously invented, contacts use ``example.org`` and the 05 36 49
numbers kept for fiction. The texts (needs, expertise, project ideas) are in
:mod:`mitlib.data.sample_texts`; this module holds the draw: marathon sizes,
coach kinds, invented names, and the seeded generator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mitlib.core.config import EXAMPLE_DIR, SAMPLE_EVENT
from mitlib.core.text import slug
from mitlib.data.fictional import FICTIONAL_MARK
from mitlib.data.sample import AREA_NAMES, THEME_LIST, sample_phone
from mitlib.data.sample_texts import EXPERTISE_PHRASES, NEED_PHRASES, PROJECT_IDEAS
from mitlib.data.schemas import TABLES
from mitlib.data.territory import Territory, load_territory

__all__ = ["generate_pairing_sample", "write_pairing_sample"]

# ---------------------------------------------------------------------------
# Coaches and projects of the five marathons (fictional)
# ---------------------------------------------------------------------------

# Marathon id → (historical host index, projects, coaches). Marathons 1 and 2
# have the reported figures (8 project holders / 24 coaches, 11 / 29);
# marathons 3–5 had 15 places each.
_MARATHON_SIZES = (("M1", 8, 24), ("M2", 11, 29), ("M3", 15, 30), ("M4", 15, 30),
                   ("M5", 15, 30))  # fmt: skip


# Per theme, the domain of its thematic experts.
_THEME_DOMAIN = {
    "artisanat et commerce": "vente/commerce",
    "tourisme": "tourisme",
    "résilience alimentaire": "agriculture/alimentation",
    "culture et patrimoine": "culture/patrimoine",
    "bien-vivre et bien-vieillir": "santé/bien-vieillir",
}

# Coach type → (share, organisations, domains drawn from).
_COACH_KINDS = {
    "expert création d'entreprise": (
        0.3,
        ("Pôle création d'entreprise {area}", "Couveuse d'activités {area}",
         "Antenne consulaire {area}", "Cabinet comptable {area}",
         "Coopérative d'activité et d'emploi {area}"),
        ("juridique", "comptabilité/gestion", "financement",
         "marketing/communication", "RH/management"),
    ),
    "banquier/financeur": (
        0.17,
        ("Plateforme de prêt d'honneur {area}", "Agence bancaire {area}",
         "Fonds territorial {area}"),
        ("financement", "comptabilité/gestion"),
    ),
    "commerçant/artisan": (
        0.23,
        ("Association des commerçants {area}", "Boutique de référence {area}",
         "Atelier d'artisan {area}"),
        ("vente/commerce", "marketing/communication", "immobilier/local commercial",
         "numérique"),
    ),
    "élu/technicien": (
        0.15,
        ("Service développement économique {area}",
         "Mairie — manager de centre-bourg {area}"),
        ("immobilier/local commercial", "mobilité", "gouvernance collective/ESS",
         "juridique"),
    ),
    "expert thématique": (
        0.15,
        ("Réseau thématique {area}", "Agence de développement {area}",
         "Tiers-lieu {area}"),
        ("numérique", "gouvernance collective/ESS", "RH/management", "mobilité"),
    ),
}  # fmt: skip

_FIRST_NAMES = (
    "Camille", "Dominique", "Claude", "Alix", "Sacha", "Maxime", "Lou", "Andréa",
    "Morgan", "Noa", "Charlie", "Stéphane", "Frédérique", "Yannick", "Gaël",
    "Jordan", "Eden", "Loïc", "Ange", "Marie-Pierre",
)  # fmt: skip
_LAST_NAMES = (
    "Exemple", "Fictif", "Imaginaire", "Factice", "Modèle", "Prototype",
    "Maquette", "Témoin", "Essai", "Brouillon",
)  # fmt: skip
_MATURITY_DRAW = ("idée", "initiative", "projet en cours", "projet avancé",
                  "installation", "reprise", "développement")  # fmt: skip


def generate_pairing_sample(
    territory: Territory | None = None, *, seed: int = 47
) -> dict[str, pd.DataFrame]:
    """Generate fictional coaches and projects of the five marathons.

    Marathons ``M1`` … ``M5`` follow the historical cycle
    (:data:`mitlib.data.cycle.HISTORICAL_HOSTS`: theme and host EPCI) with the
    reported sizes: 8 projects and 24 coaches for M1, 11 and 29 for M2, 15
    and 30 for M3–M5. A quarter of the coaches come back to a second
    marathon. Texts are French sentences built per theme and per domain, so
    that the affinity's shared terms are meaningful; some coaches share an
    organisation, a few projects are carried by a coach's organisation and a
    few coaches declare a conflict of interest. Everything is drawn from
    ``np.random.default_rng(seed)``; every row is marked fictional.

    Returns
    -------
    dict
        ``{"coachs": DataFrame, "projets": DataFrame}``, text cells.

    Examples
    --------
    >>> t = generate_pairing_sample()
    >>> t["projets"].groupby("marathon").size().to_dict()
    {'M1': 8, 'M2': 11, 'M3': 15, 'M4': 15, 'M5': 15}
    """
    from mitlib.data.cycle import HISTORICAL_HOSTS

    territory = territory or load_territory()
    rng = np.random.default_rng(seed)
    com = territory.communes
    hosts = {f"M{i}": h for i, h in enumerate(HISTORICAL_HOSTS, 1)}

    # Projects, marathon by marathon, in the host EPCI.
    project_rows = []
    for marathon, n_projects, _ in _MARATHON_SIZES:
        host = hosts[marathon]
        ideas = PROJECT_IDEAS[host.theme]
        picked = rng.choice(len(ideas), size=n_projects, replace=False)
        local = com[com["epci_siren"] == host.epci_siren]
        for k, idea in enumerate(picked, 1):
            title, description, domains = ideas[idea]
            needs = [str(rng.choice(NEED_PHRASES[d])) for d in domains]
            maturity = str(rng.choice(_MATURITY_DRAW))
            commune = str(rng.choice(local["nom"].to_numpy()))
            ident = f"{marathon}-P{k:02d}"
            first = str(rng.choice(_FIRST_NAMES))
            last = str(rng.choice(_LAST_NAMES))
            project_rows.append(
                {
                    "id": ident,
                    "porteur": f"{first} {last}",
                    "titre": title,
                    "description": f"{description} Projet situé à {commune}.",
                    "besoins": "Besoin d'aide pour : " + " ; ".join(needs) + ".",
                    "domaines": " | ".join(domains),
                    "theme": host.theme,
                    "maturite": maturity,
                    "commune": commune,
                    "marathon": marathon,
                    "organisation": "",
                    "contact": (
                        f"porteur.{slug(ident, '.')}@example.org — {sample_phone(rng)}"
                    ),
                    "source": FICTIONAL_MARK,
                }
            )

    # Coaches: a pool per marathon, a quarter of them back for the next one.
    kinds = list(_COACH_KINDS)
    shares = np.array([_COACH_KINDS[k][0] for k in kinds])
    coach_rows: list[dict] = []
    previous: list[int] = []
    for number, (marathon, _, n_coaches) in enumerate(_MARATHON_SIZES):
        host = hosts[marathon]
        area = AREA_NAMES[host.epci_siren]
        back = (
            list(rng.choice(previous, size=n_coaches // 4, replace=False))
            if previous
            else []
        )
        for i in back:
            coach_rows[i]["marathons"].append(marathon)
        needed = pd.Series(
            [
                d
                for r in project_rows
                if r["marathon"] == marathon
                for d in r["domaines"].split(" | ")
            ]
        ).value_counts()
        wanted = sorted(needed.index, key=list(NEED_PHRASES).index)
        weights = needed[wanted].to_numpy() / needed.sum()
        current = [int(i) for i in back]
        for _ in range(n_coaches - len(back)):
            kind = str(rng.choice(kinds, p=shares / shares.sum()))
            _, organisations, pool = _COACH_KINDS[kind]
            organisation = str(rng.choice(organisations)).format(area=area)
            if kind == "expert thématique":
                pool = (_THEME_DOMAIN[host.theme], *pool)
                domains = [pool[0], str(rng.choice(pool[1:]))]
            else:
                size = int(rng.integers(1, min(3, len(pool)) + 1))
                domains = [str(d) for d in rng.choice(pool, size=size, replace=False)]
            # Coaches are recruited for what the marathon's projects need.
            if rng.random() < 0.6:
                extra = str(rng.choice(wanted, p=weights))
                if extra not in domains:
                    domains.append(extra)
            phrases = [str(rng.choice(EXPERTISE_PHRASES[d])) for d in domains]
            themes = [host.theme]
            if rng.random() < 0.4:
                themes.append(str(rng.choice(THEME_LIST)))
            n = len(coach_rows) + 1
            coach_rows.append(
                {
                    "id": f"K-{n:03d}",
                    "nom": f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
                    "organisation": organisation,
                    "type_coach": kind,
                    "expertise": "Accompagne les créateurs : "
                    + " ; ".join(phrases)
                    + ".",
                    "domaines": domains,
                    "themes": sorted(set(themes), key=THEME_LIST.index),
                    "marathons": [marathon],
                    "capacite_max": int(rng.choice([1, 2, 2, 3, 3])),
                    "commune": str(rng.choice(com["nom"].to_numpy())),
                    "conflits": [],
                    "contact": f"coach.{n:03d}@example.org — {sample_phone(rng)}",
                    "source": FICTIONAL_MARK,
                }
            )
            current.append(len(coach_rows) - 1)
        # Capacity: at least 25 % more places than 3 coaches per project.
        n_projects = _MARATHON_SIZES[number][1]
        while sum(coach_rows[i]["capacite_max"] for i in current) < 3.75 * n_projects:
            low = min(current, key=lambda i: (coach_rows[i]["capacite_max"], i))
            coach_rows[low]["capacite_max"] += 1
        # Two declared conflicts and one project carried by a coach's structure.
        ids = [r["id"] for r in project_rows if r["marathon"] == marathon]
        for i in rng.choice(current, size=2, replace=False):
            coach_rows[i]["conflits"].append(str(rng.choice(ids)))
        carrier = coach_rows[int(rng.choice(current))]["organisation"]
        chosen = str(rng.choice(ids))
        target = next(r for r in project_rows if r["id"] == chosen)
        target["organisation"] = carrier
        previous = current

    coaches = pd.DataFrame(coach_rows)
    coaches["disponibilites"] = _availabilities(len(coaches), seed)
    for col in ("domaines", "themes", "marathons", "conflits"):
        coaches[col] = coaches[col].map(" | ".join)
    coaches["capacite_max"] = coaches["capacite_max"].astype(str)
    return {
        "coachs": coaches[TABLES["coachs"].columns],
        "projets": pd.DataFrame(project_rows)[TABLES["projets"].columns],
    }


# Windows a coach may give for the Friday–Saturday of a marathon.
_WINDOWS = (
    ("ven", "10:00-12:30"), ("ven", "14:00-17:30"), ("ven", "18:30-22:00"),
    ("sam", "09:00-12:30"), ("sam", "13:30-15:30"),
)  # fmt: skip


def _availabilities(n: int, seed: int) -> list[str]:
    """Availability cells of *n* coaches: a third blank (the whole marathon),
    the others two to four windows of :data:`_WINDOWS`.

    Drawn from a generator of their own, so that the other columns do not
    depend on them.
    """
    rng = np.random.default_rng([seed, 12])
    cells = []
    for _ in range(n):
        if rng.random() < 1 / 3:
            cells.append("")
            continue
        size = int(rng.integers(2, len(_WINDOWS)))
        picked = sorted(rng.choice(len(_WINDOWS), size=size, replace=False))
        days: dict[str, list[str]] = {}
        for i in picked:
            day, hours = _WINDOWS[i]
            days.setdefault(day, []).append(hours)
        cells.append(" | ".join(f"{d} {', '.join(h)}" for d, h in days.items()))
    return cells


def write_pairing_sample(
    directory: Path | str = EXAMPLE_DIR, *, seed: int = 47
) -> list[Path]:
    """Write ``coachs.csv`` and ``projets.csv`` (French-Excel CSV, fictional)
    and the commented event file ``marathon.yaml`` of marathon M2, copied from
    the package (``mitlib/assets/marathon_exemple.yaml``)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in generate_pairing_sample(seed=seed).items():
        path = out / f"{name}.csv"
        df.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
        written.append(path)
    event = out / "marathon.yaml"
    event.write_bytes(SAMPLE_EVENT.read_bytes())
    return [*written, event]
