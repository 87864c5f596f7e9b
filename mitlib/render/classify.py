"""Classes of a choropleth: deterministic mapclassify schemes and the French legend.

:func:`classify_values` wraps :func:`mapclassify.classify` and refuses the
schemes that draw random samples, so that the same data always give the same
classes; :func:`legend_html` writes the legend of those classes (exact upper
bounds in ``data-bornes``, French numbers, the count of communes per class).
"""

from __future__ import annotations

import html
import json
import math
import warnings
from collections.abc import Iterable, Sequence

import mapclassify
import numpy as np
import pandas as pd

from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import NO_DATA_LABEL, format_fr
from mitlib.render.geojson import esc_text
from mitlib.render.palettes import NO_DATA_COLOR

__all__ = ["SCHEMES", "auto_decimals", "classify_values", "legend_html"]

#: Accepted classification schemes → (mapclassify scheme, French name).
#: ``naturalbreaks`` is computed as ``fisherjenks``: mapclassify's
#: NaturalBreaks runs k-means from random starts (no seed can be passed),
#: whereas Fisher-Jenks finds the exact optimum of the same criterion.
SCHEMES: dict[str, tuple[str, str]] = {
    "quantiles": ("quantiles", "quantiles"),
    "equalinterval": ("equalinterval", "intervalles égaux"),
    "fisherjenks": ("fisherjenks", "seuils naturels (Fisher-Jenks)"),
    "naturalbreaks": ("fisherjenks", "seuils naturels (Fisher-Jenks)"),
    "jenkscaspall": ("jenkscaspall", "seuils naturels (Jenks-Caspall)"),
    "jenkscaspallforced": ("jenkscaspallforced", "Jenks-Caspall forcé"),
    "headtailbreaks": ("headtailbreaks", "head/tail breaks"),
    "maximumbreaks": ("maximumbreaks", "écarts maximaux"),
    "boxplot": ("boxplot", "boîte à moustaches"),
    "percentiles": ("percentiles", "centiles"),
    "prettybreaks": ("prettybreaks", "seuils arrondis"),
    "stdmean": ("stdmean", "moyenne et écarts-types"),
    "userdefined": ("userdefined", "seuils choisis"),
}
# Schemes drawing random samples: refused so that maps are reproducible.
_RANDOM_SCHEMES = ("fisherjenkssampled", "jenkscaspallsampled", "maxp")


def _scheme_key(scheme: str) -> str:
    key = scheme.lower().replace("_", "").replace("-", "").replace(" ", "")
    if key in SCHEMES:
        return key
    if key in _RANDOM_SCHEMES:
        raise OptionError(
            f"Méthode « {scheme} » refusée : elle tire un échantillon au hasard et "
            "la carte changerait d'une exécution à l'autre. Utilisez fisherjenks."
        )
    raise OptionError(
        f"Méthode de classification inconnue : « {scheme} ». "
        f"Méthodes possibles : {', '.join(SCHEMES)}"
    )


def classify_values(
    values: Iterable[float],
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
) -> mapclassify.classifiers.MapClassifier:
    """Classify the non-missing values with :func:`mapclassify.classify`.

    Parameters
    ----------
    values : iterable of float
        Values; ``NaN`` are left out.
    scheme : str
        A key of :data:`SCHEMES`. ``naturalbreaks`` is computed as
        ``fisherjenks`` and the schemes that draw random samples
        (``fisherjenkssampled``, ``jenkscaspallsampled``, ``maxp``) are
        refused, so that the same data always give the same classes.
    k : int
        Number of classes (ignored by ``boxplot``, ``headtailbreaks``,
        ``percentiles``, ``stdmean`` and ``userdefined``).
    bins : sequence of float, optional
        Upper bounds of the classes, for ``scheme="userdefined"``.

    Examples
    --------
    >>> classify_values([1, 2, 3, 4, 5, 6, np.nan], scheme="quantiles", k=3).bins
    array([2.66666667, 4.33333333, 6.        ])
    >>> classify_values([1, 2], scheme="maxp")
    Traceback (most recent call last):
    ...
    mitlib.core.errors.OptionError: Méthode « maxp » refusée : elle tire un échantillon au hasard et la carte changerait d'une exécution à l'autre. Utilisez fisherjenks.
    """  # noqa: E501
    key = _scheme_key(scheme)
    y = np.asarray(list(values), dtype=float)
    y = y[~np.isnan(y)]
    if y.size == 0:
        raise InputError("Aucune valeur à classer : la colonne est vide.")
    if key == "userdefined":
        if bins is None:
            raise OptionError("La méthode userdefined demande des seuils : bins=[…].")
        return mapclassify.classify(y, "userdefined", bins=list(bins))
    with warnings.catch_warnings():
        # Fewer distinct values than classes: mapclassify lowers k and says so
        # on stderr, which would print a file path on the pages; the legend
        # already gives the number of classes drawn.
        warnings.filterwarnings("ignore", "Not enough unique values", UserWarning)
        return mapclassify.classify(y, SCHEMES[key][0], k=k)


def auto_decimals(values: pd.Series) -> int:
    """Decimals to show: 0 for whole numbers, else 2 below 10 and 1 above.

    Examples
    --------
    >>> auto_decimals(pd.Series([1.0, 20.0])), auto_decimals(pd.Series([0.5, 3.0]))
    (0, 2)
    """
    finite = values[np.isfinite(values)]
    if finite.empty or (finite == finite.round()).all():
        return 0
    return 2 if finite.abs().max() < 10 else 1


def legend_html(
    classifier: mapclassify.classifiers.MapClassifier,
    values: pd.Series,
    palette: list[str],
    label: str,
    scheme: str,
    decimals: int,
) -> str:
    """Legend as HTML; ``data-bornes`` holds the exact upper bounds.

    The ``id`` is left empty for the map element that shows it to fill.
    """
    bins = [float(b) for b in classifier.bins]
    lows = [min(float(classifier.y.min()), bins[0]), *bins[:-1]]
    n = len(bins)
    method = SCHEMES[_scheme_key(scheme)][1]
    lines = [
        f'<div id="" class="mitlib-legende" '
        f'data-bornes="{html.escape(json.dumps(bins))}">',
        f'<div class="titre">{esc_text(label)}</div>',
        f'<div class="methode">{esc_text(method[0].upper() + method[1:])}, '
        f"{n} classe{'s' if n > 1 else ''} (nombre de communes)</div>",
    ]
    # Whole numbers (counts, populations): classes as exact integer ranges.
    integral = bool(np.all(np.mod(classifier.y, 1) == 0))
    rows = zip(lows, bins, palette, classifier.counts, strict=True)
    for i, (low, high, color, count) in enumerate(rows):
        if integral and not math.isinf(high):
            low = low if i == 0 else math.floor(low) + 1
            high = math.floor(high)
        first, last = format_fr(low, decimals), format_fr(high, decimals)
        if math.isinf(low):
            span = f"jusqu'à {last}"
        elif math.isinf(high):  # format_fr writes no infinity
            span = f"plus de {first}"
        else:
            span = last if first == last else f"de {first} à {last}"
        box = f'<i style="background:{color}"></i>'
        lines.append(f"<div>{box}{esc_text(span)} ({int(count)})</div>")
    missing = int(values.isna().sum())
    if missing:
        box = f'<i style="background:{NO_DATA_COLOR}"></i>'
        lines.append(f"<div>{box}{NO_DATA_LABEL} ({missing})</div>")
    return "\n".join([*lines, "</div>"])
