"""One executed notebook as one standalone, reproducible HTML page.

:func:`normalize_notebook` makes an executed notebook reproducible to the byte
(cell ids numbered, execution metadata dropped, memory addresses removed,
widget views dropped); :func:`notebook_body` converts it with nbconvert's
``basic`` template (no CDN: no require.js, MathJax or widget manager);
:func:`render_page` wraps it in mitlib's one page shell
(:func:`mitlib.render.page.html_page`) under a header with its provenance (mitlib
version, territory vintage, SHA-256 of every input file) and its notices:
fictional sample, internal document (personal data kept) or public one
(personal data removed). A comité version hides the code and keeps maps and
tables.

Cells say where they belong with a tag (cell metadata ``tags``):

* ``interactif``: text about live widgets (sliders, buttons), which need a
  kernel: left out of every exported page, since no exported page has one;
* ``technique``: material for whoever runs the notebook (version, parameters,
  commands to type, file hashes): left out of the comité pages, kept in the
  full notebooks export.

The ``parameters`` cell (papermill) is never shown on a comité page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.export.execution import execute_notebook
from mitlib.render.page import (
    INTERNAL_NOTICE,
    PUBLIC_NOTICE,
    VIEWPORT_META,
    html_page,
)

__all__ = [
    "PageInfo",
    "export_notebook",
    "normalize_notebook",
    "notebook_body",
    "page_cells",
    "render_page",
]

#: Tag of cells about live widgets: dropped from every exported page.
INTERACTIVE_TAG = "interactif"
#: Tag of cells for whoever runs the notebook: dropped from comité pages.
TECHNICAL_TAG = "technique"
_PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})

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


def normalize_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook reproducible to the byte.

    Cells get ids ``cell-000``, ``cell-001``…; papermill and execution
    metadata, execution counts and widget views are dropped; consecutive
    prints are merged into one stream output; memory addresses
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
    # how a cell's prints are cut into stream outputs depends on timing
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
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


def page_cells(nb: nbformat.NotebookNode, *, committee: bool) -> nbformat.NotebookNode:
    """The cells a page shows: no ``interactif`` cell (no exported page has a
    kernel) and, on a comité page (``committee``), no ``technique`` cell nor
    the parameters cell.

    Examples
    --------
    >>> cells = [nbformat.v4.new_markdown_cell(t) for t in "abc"]
    >>> cells[1].metadata["tags"] = ["technique"]
    >>> cells[2].metadata["tags"] = ["interactif"]
    >>> nb = nbformat.v4.new_notebook(cells=cells)
    >>> [c.source for c in page_cells(nb, committee=True).cells]
    ['a']
    >>> [c.source for c in page_cells(nb, committee=False).cells]
    ['a', 'b']
    """
    hidden = {INTERACTIVE_TAG}
    if committee:
        hidden |= {TECHNICAL_TAG, *_PARAMETER_TAGS}
    nb = nbformat.from_dict(nb)
    nb.cells = [
        cell
        for cell in nb.cells
        if not hidden.intersection(cell.get("metadata", {}).get("tags", []))
    ]
    return nb


def notebook_body(nb: nbformat.NotebookNode, *, show_code: bool) -> str:
    """The notebook as HTML body content (nbconvert ``basic`` template).

    Without the code (``show_code`` false) it is the comité version: the
    cells tagged ``technique`` are left out too (:func:`page_cells`).
    """
    from nbconvert import HTMLExporter

    nb = page_cells(nb, committee=not show_code)

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
    >>> escaped = html.escape(FICTIONAL_NOTICE)
    >>> "Essai &lt;b&gt;" in page, escaped in page, "://" in page
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
    header = (
        f'<header class="mitlib-entete"><h1>{html.escape(info.title)}</h1>'
        f"{subtitle}{notice_html}"
        '<details class="mitlib-provenance"><summary>Provenance</summary>'
        f"<table>{rows}</table></details></header>"
    )
    return html_page(
        info.title,
        f'{header}\n<main class="mitlib-corps">\n{body}\n</main>',
        css=f"\n{_css()}\n",
        head=VIEWPORT_META + "\n",
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
