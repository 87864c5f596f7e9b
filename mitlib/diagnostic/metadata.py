"""Each diagnosis figure declared once: label, unit, decimals, definition, source.

Every indicator column of :mod:`mitlib.diagnostic.indicators` (per commune,
and the aggregates per EPCI and for the territory) and every fact of the
territory (communes, population, area, density) has one :class:`Indicator`
here. Tables (:mod:`mitlib.diagnostic.display`), the commune sheet of the
explorer, the maps' legends and popups (their decimals) and the number
formats of ``diagnostic.xlsx`` read it;
:func:`mitlib.diagnostic.indicators.indicator_labels` is built from it.

Rounding follows the public statistical publications: counts as whole
numbers, areas, densities, ratios and kilometres with one decimal, shares as
percentages with one decimal.

Examples
--------
>>> meta = INDICATORS["superficie_km2"]
>>> meta.header, meta.format(28.292369)
('Superficie (km²)', '28,3')
>>> INDICATORS["zones_blanches_part_population"].format(0.0457)
'4,6\\u202f%'
"""

from __future__ import annotations

from dataclasses import dataclass

from mitlib.core.text import NO_VALUE, format_fr, format_percent, slug
from mitlib.data.vocabularies import ACTOR_CATEGORIES, THEMES
from mitlib.render.tables import Column

__all__ = [
    "INDICATORS",
    "KINDS",
    "SOURCES",
    "Indicator",
    "excel_format",
    "indicator",
]

#: What kind of figure: a count (whole number), a ratio (per inhabitants, per
#: km²), a share (0 to 1, shown as %), a distance (km), an area, a yes/no flag.
KINDS = ("count", "ratio", "share", "distance", "area", "flag")

#: Sources, written once.
SOURCES = {
    "population": "INSEE, populations légales",
    "contours": "IGN, ADMIN EXPRESS (contours des communes, surface en Lambert-93)",
    "locaux": "table des locaux vacants du territoire",
    "acteurs": "annuaire des acteurs du territoire",
    "evenements": "table des événements locaux du territoire",
    "distance": (
        "calcul mitlib : distance à vol d'oiseau (Lambert-93) entre la mairie "
        "(annuaire de l'administration) et l'acteur de soutien le plus proche"
    ),
}


@dataclass(frozen=True)
class Indicator:
    """One figure of the diagnosis.

    Attributes
    ----------
    key : str
        Its column name.
    label : str
        French label, without the unit.
    unit : str
        Unit written in headers (``""`` for counts of things named by the label).
    decimals : int
        Digits after the comma when shown.
    kind : str
        One of :data:`KINDS`.
    definition : str
        One sentence saying what it measures.
    source : str
        Where it comes from.
    """

    key: str
    label: str
    unit: str
    decimals: int
    kind: str
    definition: str
    source: str

    @property
    def header(self) -> str:
        """Label with its unit: « Superficie (km²) »."""
        if not self.unit or self.kind == "share":
            return self.label
        return f"{self.label} ({self.unit})"

    def format(self, value: object) -> str:
        """The value written the French way, with this indicator's rounding."""
        if self.kind == "share":
            return format_percent(value, self.decimals)
        if self.kind == "flag":
            return NO_VALUE if value is None else ("oui" if bool(value) else "non")
        return format_fr(value, self.decimals)

    def column(self, key: str | None = None, label: str | None = None) -> Column:
        """Its :class:`~mitlib.render.tables.Column` (for ``key`` if given)."""
        kind = {"share": "percent", "flag": "flag"}.get(self.kind, "number")
        return Column(key or self.key, label or self.header, kind, self.decimals)


def _count(key, label, definition, source, unit=""):
    return Indicator(key, label, unit, 0, "count", definition, source)


def _declare() -> dict[str, Indicator]:
    pop, geo = SOURCES["population"], SOURCES["contours"]
    loc, act = SOURCES["locaux"], SOURCES["acteurs"]
    items = [
        _count("nb_communes", "Communes", "Nombre de communes du périmètre.", pop),
        _count(
            "population",
            "Population municipale",
            "Population municipale légale (habitants).",
            pop,
        ),
        Indicator(
            "superficie_km2",
            "Superficie",
            "km²",
            1,
            "area",
            "Surface des contours communaux.",
            geo,
        ),
        Indicator(
            "densite_hab_km2",
            "Densité",
            "hab./km²",
            1,
            "ratio",
            "Population municipale divisée par la superficie.",
            f"{pop} ; {geo}",
        ),
        _count("locaux_nb", "Locaux vacants", "Locaux vacants recensés.", loc),
        Indicator(
            "locaux_surface_m2",
            "Surface des locaux vacants",
            "m²",
            0,
            "area",
            "Somme des surfaces déclarées des locaux vacants.",
            loc,
        ),
        Indicator(
            "locaux_pour_1000_hab",
            "Locaux vacants pour 1 000 habitants",
            "",
            1,
            "ratio",
            "Locaux vacants rapportés à la population municipale, pour 1 000 "
            "habitants (recalculé sur les totaux pour un EPCI ou le Pays).",
            f"{loc} ; {pop}",
        ),
        _count(
            "locaux_disponibles_marathon",
            "Locaux disponibles pour un marathon",
            "Locaux vacants que leur propriétaire prête pour un marathon créatif.",
            loc,
        ),
        _count(
            "acteurs_nb",
            "Acteurs (toutes catégories)",
            "Acteurs de l'annuaire situés dans le périmètre.",
            act,
        ),
        _count(
            "acteurs_soutien_nb",
            "Acteurs de soutien (accompagnement, financement, tiers-lieux)",
            "Structures d'accompagnement, financeurs et tiers-lieux du périmètre.",
            act,
        ),
        _count(
            "evenements_nb",
            "Événements locaux",
            "Événements recensés dans le périmètre.",
            SOURCES["evenements"],
        ),
        Indicator(
            "distance_acteur_km",
            "Distance à l'acteur de soutien le plus proche",
            "km",
            1,
            "distance",
            "Distance à vol d'oiseau entre la mairie et l'acteur de soutien le "
            "plus proche.",
            SOURCES["distance"],
        ),
        Indicator(
            "distance_acteur_km_moyenne_ponderee",
            "Distance moyenne à un acteur de soutien",
            "km, pondérée par la population",
            1,
            "distance",
            "Moyenne, pondérée par la population, de la distance entre chaque "
            "mairie et l'acteur de soutien le plus proche.",
            SOURCES["distance"],
        ),
        Indicator(
            "distance_acteur_km_max",
            "Distance maximale à un acteur de soutien",
            "km",
            1,
            "distance",
            "Plus grande distance d'une mairie du périmètre à l'acteur de "
            "soutien le plus proche.",
            SOURCES["distance"],
        ),
        Indicator(
            "zone_blanche",
            "Zone blanche",
            "",
            0,
            "flag",
            "Commune dont la mairie est plus loin que le seuil de tout acteur de "
            "soutien.",
            SOURCES["distance"],
        ),
        _count(
            "zones_blanches_nb",
            "Communes en zone blanche",
            "Communes dont la mairie est plus loin que le seuil de tout acteur "
            "de soutien.",
            SOURCES["distance"],
        ),
        Indicator(
            "zones_blanches_part_population",
            "Part de la population en zone blanche",
            "%",
            1,
            "share",
            "Population des communes en zone blanche rapportée à la population "
            "du périmètre.",
            f"{SOURCES['distance']} ; {pop}",
        ),
    ]
    for cat in ACTOR_CATEGORIES:
        items.append(
            _count(
                f"acteurs_cat_{slug(cat)}",
                f"Acteurs : {cat}",
                f"Acteurs de la catégorie « {cat} » du périmètre.",
                act,
            )
        )
    for theme in THEMES:
        items.append(
            _count(
                f"acteurs_theme_{slug(theme)}",
                f"Acteurs du thème « {theme} »",
                f"Acteurs du périmètre qui travaillent sur le thème « {theme} ».",
                act,
            )
        )
    return {item.key: item for item in items}


#: Every figure of the diagnosis, by column name.
INDICATORS: dict[str, Indicator] = _declare()


def indicator(key: str) -> Indicator | None:
    """The metadata of a column, or None when it is not a diagnosis figure."""
    return INDICATORS.get(key)


def excel_format(key: str) -> str | None:
    """Excel number format of a column (``#,##0.0``, ``0.0%``…), or None.

    Excel writes thousands and decimal separators in the reader's language:
    a French Excel shows ``#,##0.0`` as « 1 234,5 ».

    Examples
    --------
    >>> excel_format("population"), excel_format("densite_hab_km2")
    ('#,##0', '#,##0.0')
    >>> excel_format("zones_blanches_part_population"), excel_format("nom")
    ('0.0%', None)
    """
    meta = INDICATORS.get(key)
    if meta is None or meta.kind == "flag":
        return None
    decimals = "." + "0" * meta.decimals if meta.decimals else ""
    if meta.kind == "share":
        return f"0{decimals}%"
    return f"#,##0{decimals}"
