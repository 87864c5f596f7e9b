"""Reproducible, offline HTML exports of the notebooks.

:func:`export_notebook` executes a notebook with papermill on the chosen
inputs, normalises it so that two runs give the same bytes (cell ids numbered,
execution metadata dropped, memory addresses removed, widget views replaced by
their static content), converts it with nbconvert's ``basic`` template (no CDN:
no require.js, MathJax or widget manager) and wraps it in a page of our own
with its provenance: mitlib version, territory vintage, SHA-256 of every input
file. A comité version hides the code and keeps maps and tables.

The pages say when the data are the fictional sample, and whether they are an
internal document (personal data kept) or a public one (personal data removed).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import nbformat

__all__ = [
    "PageInfo",
    "StaticMap",
    "execute_notebook",
    "export_notebook",
    "normalize_notebook",
    "notebook_body",
    "render_page",
    "static_map",
]

#: Notice on every page of an internal export.
INTERNAL_NOTICE = "Document interne – données personnelles"
#: Notice on every page of a public export.
PUBLIC_NOTICE = "Version publique : les données personnelles ont été retirées"
FICTIONAL_NOTICE = "Données d'exemple FICTIVES"

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class PageInfo:
    """What the page header says about the document."""

    title: str
    provenance: list[tuple[str, str]] = field(default_factory=list)
    fictional: bool = False
    public: bool = False
    subtitle: str = ""


def execute_notebook(
    path: Path | str, parameters: Mapping[str, object] | None = None
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom with papermill; nothing is written.

    The notebook runs in its own folder with the ``python3`` kernel of the
    current environment; parameters replace the cell tagged ``parameters``.
    """
    import papermill

    path = Path(path)
    return papermill.execute_notebook(
        str(path),
        None,
        parameters=dict(parameters or {}),
        kernel_name="python3",
        cwd=str(path.parent),
        progress_bar=False,
        log_output=False,
    )


def normalize_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook reproducible to the byte.

    Cells get ids ``cell-000``, ``cell-001``…; papermill and execution
    metadata, execution counts and widget views are dropped; memory addresses
    (`` at 0x7f…``) are removed from text outputs.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output(
    ...     "execute_result", {"text/plain": "<A object at 0x7f12ab>"})]
    >>> out = normalize_notebook(nb)
    >>> out.cells[0].id, out.cells[0].outputs[0]["data"]["text/plain"]
    ('cell-000', '<A object>')
    """
    nb = nbformat.from_dict(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"
        for key in ("papermill", "execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        outputs = []
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = None
            out.get("metadata", {}).pop("execution", None)
            data = out.get("data", {})
            if _WIDGET_VIEW in data:
                continue  # needs a kernel or a CDN widget manager: not exported
            if "text" in out:
                out["text"] = _ADDRESS.sub("", out["text"])
            if "text/plain" in data:
                data["text/plain"] = _ADDRESS.sub("", data["text/plain"])
            outputs.append(out)
        cell.outputs = outputs
    return nb


def notebook_body(nb: nbformat.NotebookNode, *, show_code: bool) -> str:
    """The notebook as HTML body content (nbconvert ``basic`` template)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    return body


def _css() -> str:
    from pygments.formatters import HtmlFormatter

    page = resources.files("mitlib").joinpath("assets/page.css").read_text("utf-8")
    return page + HtmlFormatter(style="default").get_style_defs(".highlight")


def render_page(body: str, info: PageInfo) -> str:
    """A standalone French page: header, notices, provenance, then ``body``.

    Every text of ``info`` is escaped; ``body`` is trusted HTML (nbconvert or
    mitlib output, whose user text is escaped where it is made).

    Examples
    --------
    >>> page = render_page("<p>x</p>", PageInfo("Essai <b>", fictional=True))
    >>> "Essai &lt;b&gt;" in page, "FICTIVES" in page, "http" in page
    (True, True, False)
    """
    notices = [PUBLIC_NOTICE if info.public else INTERNAL_NOTICE]
    if info.fictional:
        notices.insert(0, FICTIONAL_NOTICE)
    notice_html = "".join(
        f'<p class="mitlib-avis">{html.escape(n)}</p>' for n in notices
    )
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>"
        for k, v in info.provenance
    )
    subtitle = (
        f'<p class="mitlib-sous-titre">{html.escape(info.subtitle)}</p>'
        if info.subtitle
        else ""
    )
    title = html.escape(info.title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{_css()}\n</style>\n</head>\n<body>\n"
        f'<header class="mitlib-entete"><h1>{title}</h1>{subtitle}{notice_html}'
        '<details class="mitlib-provenance"><summary>Provenance</summary>'
        f"<table>{rows}</table></details></header>\n"
        f'<main class="mitlib-corps">\n{body}\n</main>\n</body>\n</html>\n'
    )


def export_notebook(
    path: Path | str,
    output: Path | str,
    info: PageInfo,
    *,
    parameters: Mapping[str, object] | None = None,
    show_code: bool = True,
) -> Path:
    """Execute ``path`` with ``parameters`` and write it as one HTML page."""
    nb = normalize_notebook(execute_notebook(path, parameters))
    page = render_page(notebook_body(nb, show_code=show_code), info)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output


class StaticMap:
    """A folium map shown as a self-contained iframe (see :func:`static_map`)."""

    def __init__(self, m, height: int = 620) -> None:
        self.map = m
        self.height = height

    def _repr_html_(self) -> str:
        from mitlib.offline import render_html

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
