"""Self-contained, reproducible HTML for folium maps.

A map shared with elected officials must open without network access and be
identical from one run to the next. This module provides both:

* **Offline.** :class:`OfflineFigure` replaces the figure of a folium map. When
  it renders, the links that folium and its plugins put in the page header are
  rewritten: Leaflet and Leaflet.markercluster are inlined from the installed
  ``xstatic`` packages (images referenced by their CSS become ``data:`` URIs),
  and the other folium defaults (jQuery, Bootstrap, awesome-markers,
  Font Awesome) are dropped. A ten-line stand-in covers the only two jQuery
  calls that folium templates make (``$(html)[0]`` in ``Popup`` and
  ``$(document).ready``). Links added by other plugins are kept:
  :func:`external_references` lists them and :func:`save_map` warns.
* **Deterministic.** branca (>= 0.8.2) draws every element id from the
  ``Element._generate_id`` hook. While :func:`element_ids` is active, ids come
  from a counter stored on the map instead of random bytes; every render also
  runs under a fresh counter. Building the same map twice, in one process or
  in two, therefore gives byte-identical HTML.

:func:`render_html` and :func:`save_map` are the only functions of the map
modules that produce the page; only :func:`save_map` writes a file.
"""

from __future__ import annotations

import base64
import html
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.template import Template
from xstatic.pkg import leaflet as xs_leaflet
from xstatic.pkg import leaflet_markercluster as xs_markercluster

__all__ = [
    "StaticMap",
    "static_map",
    "OfflineFigure",
    "element_ids",
    "ensure_offline",
    "external_references",
    "new_map",
    "render_html",
    "save_map",
]

#: Library files bundled by the xstatic packages, by file name (the last part
#: of the CDN URLs that folium and its plugins declare).
_ASSET_FILES = {
    "leaflet.js": Path(xs_leaflet.BASE_DIR) / "leaflet.js",
    "leaflet.css": Path(xs_leaflet.BASE_DIR) / "leaflet.css",
    "leaflet.markercluster.js": Path(xs_markercluster.BASE_DIR)
    / "leaflet.markercluster.js",
    "MarkerCluster.css": Path(xs_markercluster.BASE_DIR) / "MarkerCluster.css",
    "MarkerCluster.Default.css": Path(xs_markercluster.BASE_DIR)
    / "MarkerCluster.Default.css",
}

#: Resources of ``folium.Map.default_js``/``default_css`` that no mitlib map
#: uses; they are removed from the page.
_UNUSED = {
    "jquery",
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}

# Run right after Leaflet: default marker images as data: URIs (Leaflet would
# otherwise look for images/ next to the page) and a stand-in for the two
# jQuery calls of folium templates.
_LEAFLET_GLUE = """
L.Icon.Default.imagePath = "";
L.Icon.Default.mergeOptions({iconUrl: "%(icon)s", iconRetinaUrl: "%(icon2x)s",
  shadowUrl: "%(shadow)s"});
window.$ = window.$ || function (x) {
  if (x === document) {
    return {ready: function (f) {
      if (document.readyState !== "loading") { f(); }
      else { document.addEventListener("DOMContentLoaded", f); }
    }};
  }
  var t = document.createElement("template");
  t.innerHTML = String(x).trim();
  return t.content.childNodes;
};
"""

_EXTERNAL = re.compile(
    r"""<(?:script|img|iframe|source)\b[^>]*?\bsrc\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|<link\b[^>]*?\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+["']((?:https?:)?//[^"']+)"""
    r"""|L\.tileLayer\(\s*["']((?:https?:)?//[^"']+)""",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------
# Deterministic ids
# ---------------------------------------------------------------------------


class _Counter:
    """Source of element ids: ``prefix`` followed by a running number."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.n = 0

    def next_id(self) -> str:
        self.n += 1
        return f"{self.prefix}{self.n:04d}"


_ACTIVE: ContextVar[_Counter | None] = ContextVar("mitlib_element_ids", default=None)
_hooked = Element.__dict__["_generate_id"].__func__
# On a module reload the installed hook must not become its own fallback.
_RANDOM_ID = getattr(_hooked, "mitlib_original", _hooked)


def _generate_id(cls: type) -> str:
    counter = _ACTIVE.get()
    return _RANDOM_ID(cls) if counter is None else counter.next_id()


_generate_id.mitlib_original = _RANDOM_ID


def _install_hook() -> None:
    # Behaviour is unchanged outside element_ids(): the original random ids.
    if Element.__dict__["_generate_id"].__func__ is not _generate_id:
        Element._generate_id = classmethod(_generate_id)


@contextmanager
def _counting(counter: _Counter) -> Iterator[_Counter]:
    _install_hook()
    token = _ACTIVE.set(counter)
    try:
        yield counter
    finally:
        _ACTIVE.reset(token)


@contextmanager
def element_ids(m: folium.Map) -> Iterator[None]:
    """Give deterministic ids to the elements created inside the block.

    The counter lives on the map, so elements added by successive calls get
    successive ids, the same at every run.

    Examples
    --------
    >>> def build():
    ...     m = new_map(bounds=[[44.2, 0.3], [44.6, 1.0]])
    ...     with element_ids(m):
    ...         folium.FeatureGroup(name="Essai").add_to(m)
    ...     return render_html(m)
    >>> build() == build()
    True
    """
    counter = getattr(m, "_mitlib_ids", None)
    if counter is None:
        counter = _Counter()
        m._mitlib_ids = counter
    with _counting(counter):
        yield


# ---------------------------------------------------------------------------
# Inlined assets
# ---------------------------------------------------------------------------


@cache
def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


@cache
def _asset(name: str) -> str:
    """Text of a bundled library file, ready to be put inside the page."""
    path = _ASSET_FILES[name]
    text = path.read_text(encoding="utf-8")
    # Source maps are not shipped in the page.
    text = re.sub(r"\n?//# sourceMappingURL=\S+", "", text)
    if name.endswith(".css"):
        text = re.sub(r"/\*.*?\*/\n?", "", text, flags=re.DOTALL)
        text = re.sub(
            r"url\((images/[\w.-]+\.png)\)",
            lambda mo: f"url({_data_uri(path.parent / mo.group(1))})",
            text,
        )
        return f"<style>\n{text}\n</style>"
    if name == "leaflet.js":
        images = Path(xs_leaflet.BASE_DIR) / "images"
        text += _LEAFLET_GLUE % {
            "icon": _data_uri(images / "marker-icon.png"),
            "icon2x": _data_uri(images / "marker-icon-2x.png"),
            "shadow": _data_uri(images / "marker-shadow.png"),
        }
    # "</script" would end the element early; "<\/" is the same in JavaScript.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return f"<script>\n{text}\n</script>"


class _Raw(Element):
    """Verbatim text (never parsed as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs) -> str:  # noqa: ARG002 - branca's signature
        return self.text


class OfflineFigure(Figure):
    """A figure that renders a self-contained, deterministic HTML page.

    Before the page is written, header links to Leaflet and
    Leaflet.markercluster are replaced by the inlined libraries and the unused
    folium defaults are removed. Every render runs under its own id counter,
    so rendering twice gives the same text.
    """

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n'
        "<head>\n"
        '<meta charset="utf-8" />\n'
        "{% if this.title %}<title>{{ this.title|e }}</title>{% endif %}"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n"
    )

    def __init__(self, title: str | None = None) -> None:
        super().__init__(title=title)
        self._name = "OfflineFigure"

    def render(self, **kwargs) -> str:
        """Render the page with inlined libraries."""
        with _counting(_Counter("r")):
            for child in self._children.values():
                child.render(**kwargs)
            self._inline_header()
            return self._template.render(this=self, kwargs=kwargs)

    def _inline_header(self) -> None:
        header = self.header._children
        for name, child in list(header.items()):
            if not isinstance(child, JavascriptLink | CssLink):
                continue
            file_name = child.url.rsplit("/", 1)[-1]
            if file_name in _ASSET_FILES:
                header[name] = _Raw(_asset(file_name))
            elif name in _UNUSED:
                del header[name]


# ---------------------------------------------------------------------------
# Maps
# ---------------------------------------------------------------------------


class _MapSetup(MacroElement):
    """White background, metric scale and data attribution without links."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: #ffffff; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
            {%- if this.attribution %}
            {{ this._parent.get_name() }}.attributionControl.addAttribution(
                {{ this.attribution|tojson }});
            {%- endif %}
            L.control.scale({imperial: false, position: "bottomleft"})
                .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, attribution: str | None) -> None:
        super().__init__()
        self._name = "MapSetup"
        # Leaflet inserts attributions as HTML: keep them plain text.
        self.attribution = (
            None
            if attribution is None
            else attribution.replace("&", "&amp;").replace("<", "&lt;")
        )


def ensure_offline(m: folium.Map) -> folium.Map:
    """Move a folium map into an :class:`OfflineFigure` (no-op if it is one).

    Examples
    --------
    >>> m = ensure_offline(folium.Map(tiles=None))
    >>> type(m.get_root()).__name__
    'OfflineFigure'
    """
    if not isinstance(m.get_root(), OfflineFigure):
        with element_ids(m):
            OfflineFigure().add_child(m)
    return m


def new_map(
    *,
    bounds: Sequence[Sequence[float]],
    tiles: str | folium.TileLayer | None = None,
    title: str | None = None,
    attribution: str | None = None,
) -> folium.Map:
    """An empty offline map fitted to ``bounds``, with deterministic ids.

    Parameters
    ----------
    bounds : [[south, west], [north, east]]
        Extent shown at opening (WGS84 degrees).
    tiles : str or folium.TileLayer, optional
        A tile layer (e.g. ``"OpenStreetMap"``). The default, none, keeps the
        page offline: the contours drawn on a white background are the basemap.
        Tiles are downloaded by the browser and need network access.
    title : str, optional
        Title of the HTML page.
    attribution : str, optional
        Data sources, shown as plain text in the corner of the map.

    Examples
    --------
    >>> m = new_map(bounds=[[44.2, 0.3], [44.6, 1.0]])
    >>> m.get_name()
    'map_0001'
    """
    (south, west), (north, east) = bounds
    counter = _Counter()
    with _counting(counter):
        m = folium.Map(
            location=[(south + north) / 2, (west + east) / 2],
            zoom_start=10,
            tiles=None,
            zoom_snap=0.25,
        )
        # Without tiles Leaflet knows no zoom limits; MarkerCluster needs them.
        m.options.update(min_zoom=6, max_zoom=19)
        m._mitlib_ids = counter
        OfflineFigure(title=title).add_child(m)
        m.add_child(_MapSetup(attribution), name="mitlib_setup")
        if isinstance(tiles, folium.TileLayer):
            m.add_child(tiles)
        elif tiles is not None:
            m.add_child(folium.TileLayer(tiles, name="Fond de carte"))
        m.fit_bounds([[south, west], [north, east]])
    return m


def render_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (deterministic, offline libraries).

    Examples
    --------
    >>> html = render_html(new_map(bounds=[[44.2, 0.3], [44.6, 1.0]]))
    >>> html.startswith("<!DOCTYPE html>"), external_references(html)
    (True, [])
    """
    return ensure_offline(m).get_root().render()


def save_map(m: folium.Map, path: str | Path) -> Path:
    """Write the map as a standalone HTML file (UTF-8) and return its path.

    Warns when the page still loads something from the network (a plugin
    added by hand, or tiles).
    """
    html = render_html(m)
    refs = external_references(html)
    if refs:
        warnings.warn(
            "La carte charge encore des ressources en ligne : " + ", ".join(refs),
            stacklevel=2,
        )
    path = Path(path)
    path.write_bytes(html.encode("utf-8"))
    return path


def external_references(html: str) -> list[str]:
    """URLs of scripts, stylesheets, images or tiles a page loads from the network.

    Links written as text (``<a href>``) and URL strings inside inlined
    libraries do not count: only what the browser would download.

    Examples
    --------
    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['https://cdn.example/x.js']
    >>> external_references('<a href="https://leafletjs.com">Leaflet</a>')
    []
    """
    return [next(g for g in mo.groups() if g) for mo in _EXTERNAL.finditer(html)]


class StaticMap:
    """A folium map shown as a self-contained iframe (see :func:`static_map`)."""

    def __init__(self, m, height: int = 620) -> None:
        self.map = m
        self.height = height

    def _repr_html_(self) -> str:
        doc = html.escape(render_html(self.map), quote=True)
        return (
            f'<iframe class="mitlib-carte" srcdoc="{doc}" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ccc" '
            'title="Carte"></iframe>'
        )


def static_map(m, *, height: int = 620) -> StaticMap:
    """A folium map as a self-contained iframe, for static (exported) notebooks.

    Unlike folium's own notebook display, it carries no English "trust the
    notebook" notice and the page inside is the deterministic offline one.
    """
    return StaticMap(m, height)
