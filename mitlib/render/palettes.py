"""The colours of every map and sheet: ColorBrewer palettes and the no-data grey.

One place for colours shared across domains: the sequential palette of the
choropleths (:data:`YLORRD`, spread over the number of classes by
:func:`spread_palette`), the qualitative one of categories (:data:`CATEGORY_COLORS`,
also used by the criteria of the score sheets) and the grey of missing values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mitlib.core.errors import OptionError

__all__ = ["CATEGORY_COLORS", "NO_DATA_COLOR", "YLORRD", "spread_palette"]

#: ColorBrewer YlOrRd (sequential), by number of classes.
YLORRD: dict[int, tuple[str, ...]] = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a",
        "#e31a1c", "#b10026"),
    9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a",
        "#e31a1c", "#bd0026", "#800026"),
}  # fmt: skip

#: ColorBrewer Dark2 (qualitative): actor categories, in schema order.
CATEGORY_COLORS: tuple[str, ...] = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
    "#66a61e", "#e6ab02", "#a6761d", "#666666",
)  # fmt: skip

#: Fill of communes without a value (« donnée absente »).
NO_DATA_COLOR = "#d0d0d0"


def spread_palette(n: int, colors: Sequence[str] | None) -> list[str]:
    """``n`` colours: ColorBrewer YlOrRd, or spread evenly over ``colors``.

    Examples
    --------
    >>> spread_palette(3, None)
    ['#ffeda0', '#feb24c', '#f03b20']
    >>> spread_palette(2, ["#fff", "#aaa", "#000"])
    ['#fff', '#000']
    """
    if colors is None:
        if n > max(YLORRD):
            raise OptionError(
                f"{n} classes : la palette par défaut en a au plus {max(YLORRD)}. "
                "Réduisez k ou donnez vos couleurs (colors=[…])."
            )
        colors = YLORRD.get(n, YLORRD[min(YLORRD)])
    colors = list(colors)
    if len(colors) < n:
        raise OptionError(f"{n} classes mais seulement {len(colors)} couleurs.")
    picks = np.linspace(0, len(colors) - 1, n).round().astype(int)
    return [colors[i] for i in picks]
