"""The charts: values drawn, French numbers, accessibility, stable bytes, Chromium."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from mitlib.binomes.explorer import coverage_display, loads_display
from mitlib.binomes.inputs import load_pairing_inputs
from mitlib.binomes.pairing import prepare_marathon, solve_marathon
from mitlib.candidatures.grid import Grid
from mitlib.candidatures.scoring import score
from mitlib.candidatures.sensitivity import smaa, weight_stability
from mitlib.render.charts import (
    coach_load,
    indicator_comparison,
    project_coverage,
    rank_probabilities,
    stability_intervals,
)
from mitlib.render.svg import text_width, wrap

NNBSP = "\u202f"


@pytest.fixture(scope="module")
def comparison():
    """Shaped like comparison_table(diag, epci=…, departement=…), unrounded."""
    return pd.DataFrame(
        {
            "CA du Grand Villeneuvois": [19.0, 47784.0, 0.622966, 0.0],
            "Pays de la Vallée du Lot": [133.0, 115014.0, 1.833193, 0.015537],
            "Lot-et-Garonne": [319.0, 332842.0, np.nan, np.nan],
        },
        index=[
            "Communes",
            "Population municipale",
            "Distance moyenne à un acteur de soutien (km)",
            "Part de la population en zone blanche",
        ],
    )


@pytest.fixture(scope="module")
def scored():
    grid = Grid.from_dict(
        {
            "criteres": [
                {"cle": "x", "libelle": "Locaux <vacants> & salles", "sens": "max",
                 "poids": 3},
                {"cle": "y", "libelle": "Partenaires", "sens": "max", "poids": 2},
                {"cle": "z", "libelle": "Population", "sens": "max", "poids": 1},
            ]
        }
    )  # fmt: skip
    table = pd.DataFrame(
        {"x": [0.0, 1.0, 0.9, 0.4], "y": [1.0, 0.0, 0.2, 0.5], "z": [5, 9, 1, 3]},
        index=["A", "B", "C", "D"],
    )
    return table, grid


@pytest.fixture(scope="module")
def pairing():
    data = prepare_marathon(load_pairing_inputs(), "M1")
    return solve_marathon(data, mode="total", per_project=(3, 3))


@pytest.fixture(scope="module")
def charts(comparison, scored, pairing):
    table, grid = scored
    stab = weight_stability(score(table, grid)).reset_index()
    stab["libelle"] = stab["critere"].map({c.key: c.label for c in grid.criteria})
    ranks = smaa(table, grid, n_draws=2000, seed=3).table.reset_index()
    ranks["commune"] = ranks["code_insee"]
    return {
        "indicateurs": indicator_comparison(comparison, note="Source : INSEE"),
        "stabilite": stability_intervals(stab),
        "rangs": rank_probabilities(ranks),
        "charges": coach_load(loads_display(pairing, public=True)),
        "couverture": project_coverage(coverage_display(pairing)),
    }


def texts(svg: str) -> list[str]:
    """The visible text of a chart (``<text>`` and ``<tspan>`` content)."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("text")]


def test_indicator_comparison_draws_each_value_in_french(charts):
    chart = charts["indicateurs"]
    # one bar per existing value: 4 indicators x 3 territories, 2 missing
    assert chart.svg.count('class="barre"') == 10
    shown = texts(chart.svg)
    assert f"47{NNBSP}784" in shown and f"332{NNBSP}842" in shown
    assert "0,6" in shown and "1,8" in shown  # one decimal, comma
    assert f"1,6{NNBSP}%" in shown and f"0,0{NNBSP}%" in shown  # share as a percentage
    assert shown.count("—") == 2 and any("donnée absente" in t for t in shown)
    assert "Source : INSEE" in shown
    assert not any(re.search(r"\d\.\d|47784", t) for t in shown)
    # the text alternative gives the values too
    assert f"Lot-et-Garonne 332{NNBSP}842" in chart.description
    assert "Lot-et-Garonne —" in chart.description


def test_indicator_bars_scale_within_each_indicator(comparison):
    svg = indicator_comparison(comparison.iloc[:1]).svg
    widths = [float(w) for w in re.findall(r'class="barre"[^>]*width="([\d.]+)"', svg)]
    assert widths[2] == max(widths)
    assert widths[0] / widths[2] == pytest.approx(19 / 319, abs=0.005)


def test_stability_intervals_one_band_per_criterion_and_bound(scored, charts):
    table, grid = scored
    svg = charts["stabilite"].svg
    # weight_stability gives two intervals (first place, whole ranking) per criterion
    assert svg.count('class="intervalle"') == 2 * len(grid.criteria)
    assert svg.count('class="poids"') == len(grid.criteria)
    stab = weight_stability(score(table, grid))
    lo, hi = stab.loc["x", ["classement_min", "classement_max"]]
    x0, x1 = 12 + 230 + 10, 760 - 12 - 150
    rects = re.findall(
        r'class="intervalle" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg
    )
    x, w = map(float, rects[1])  # criterion x, second band (whole ranking)
    assert x == pytest.approx(x0 + lo * (x1 - x0), abs=0.06)
    assert x + w == pytest.approx(x0 + hi * (x1 - x0), abs=0.11)
    assert f"poids : 50,0{NNBSP}%" in texts(svg)  # 3 / (3 + 2 + 1)


def test_stability_intervals_intersect_the_epci_rows():
    leaders = pd.DataFrame(
        {
            "epci_siren": ["1", "1", "2", "2"],
            "critere": ["x", "y", "x", "y"],
            "libelle": ["Locaux", "Partenaires", "Locaux", "Partenaires"],
            "poids": [0.6, 0.4, 0.6, 0.4],
            "poids_min": [0.2, 0.0, 0.5, 0.1],
            "poids_max": [1.0, 0.7, 0.8, 0.6],
        }
    )
    chart = stability_intervals(leaders)
    assert chart.svg.count('class="intervalle"') == 2
    shown = texts(chart.svg)
    assert f"50{NNBSP}% – 80{NNBSP}%" in shown and f"10{NNBSP}% – 60{NNBSP}%" in shown
    assert "Première place de chaque EPCI inchangée" in shown


def test_rank_probabilities_cells_and_frames(charts, scored):
    table, grid = scored
    svg = charts["rangs"].svg
    n = len(table)
    assert svg.count('class="case"') == n * n
    assert svg.count('class="rang-grille"') == n
    res = smaa(table, grid, n_draws=2000, seed=3).table
    top = res.iloc[0]
    said = f"{round(100 * top['p_rang_1']):d}"
    assert said in texts(svg)
    assert "rang 1 le plus fréquent" in charts["rangs"].description


def test_rank_probabilities_extra_columns():
    t = pd.DataFrame(
        {
            "commune": ["Fumel", "Cancon"],
            "rang": [1, 2],
            "p_premier_epci": [0.79, 1.0],
            "p_accueil": [0.42, 0.0],
            "p_rang_1": [0.6, 0.4],
            "p_rang_2": [0.4, 0.6],
        }
    )
    chart = rank_probabilities(t)
    assert chart.svg.count('class="case"') == 2 * (2 + 2)
    assert {"79", "42", "100", "60", "40"} <= set(texts(chart.svg))
    assert "Fumel : rang 1 le plus fréquent (60\u202f%), 1re de son EPCI 79" in (
        chart.description
    )


def test_coach_load_matches_the_loads(pairing, charts):
    loads = loads_display(pairing, public=True)
    svg = charts["charges"].svg
    assert svg.count('class="charge"') == len(loads) == svg.count('class="capacite"')
    shown = texts(svg)
    for coach, row in loads.iterrows():
        assert any(t.startswith(f"{coach} · ") for t in shown)
        assert f"{row['Charge']} sur {row['Capacité']}" in shown
    full = int((loads["Charge"] >= loads["Capacité"]).sum())
    assert svg.count('fill="#D55E00"/>') == full + 1  # + the legend swatch
    # public: id and organisation, never the name
    assert f"{loads.index[0]} · {loads['Organisation'].iloc[0]}" in shown
    names = set(pairing.data.coaches["nom"])
    assert "Nom" not in loads and not [t for t in shown if any(x in t for x in names)]


def test_project_coverage_marks_each_needed_domain(pairing, charts):
    cov = coverage_display(pairing)
    svg = charts["couverture"].svg
    assert svg.count('class="couvert"') == int((cov["Couvert"] == "oui").sum())
    assert svg.count('class="manque"') == int((cov["Couvert"] == "non").sum())
    shown = texts(svg)
    for domain in set(cov["Domaine demandé"]):
        assert domain in shown
    missing = cov[cov["Couvert"] == "non"]
    for _, row in missing.iterrows():
        assert f"{row['Projet']} ({row['Domaine demandé']})" in (
            charts["couverture"].description
        )


def test_accessible_escaped_and_self_contained(charts):
    for chart in charts.values():
        svg = chart.svg
        root = ET.fromstring(svg)  # well-formed
        assert root.get("role") == "img"
        title, desc = root.find("title"), root.find("desc")
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text == chart.title and desc.text == chart.description
        assert len(chart.description) > 40
        assert "http" not in svg and "<script" not in svg and "href" not in svg
        assert not re.search(r"\b(nan|NaN|None|inf)\b", svg)
        assert chart._repr_html_().startswith('<figure class="mitlib-graphique"')
        ET.fromstring(chart.document.split("\n", 1)[1])
    hostile = stability_intervals(
        pd.DataFrame(
            {"critere": ["x"], "libelle": ["<b>Locaux</b> & « salles »"],
             "poids": [1.0], "poids_min": [0.0], "poids_max": [1.0]}
        ),
        title='Poids "<script>"',
    )  # fmt: skip
    assert "<b>" not in hostile.svg and "<script>" not in hostile.svg
    assert "&lt;b&gt;Locaux&lt;/b&gt; &amp; « salles »" in hostile.svg
    assert ET.fromstring(hostile.svg).find("title").text == 'Poids "<script>"'


def test_two_runs_are_byte_identical(comparison, scored, pairing, charts):
    table, grid = scored
    stab = weight_stability(score(table, grid)).reset_index()
    stab["libelle"] = stab["critere"].map({c.key: c.label for c in grid.criteria})
    again = {
        "indicateurs": indicator_comparison(comparison, note="Source : INSEE"),
        "stabilite": stability_intervals(stab),
        "charges": coach_load(loads_display(pairing, public=True)),
        "couverture": project_coverage(coverage_display(pairing)),
    }
    for name, chart in again.items():
        assert chart.svg == charts[name].svg, name
    ids = {ET.fromstring(c.svg).find("title").get("id") for c in charts.values()}
    assert len(ids) == len(charts)  # distinct ids: several charts on one page


def test_text_fits_its_measure():
    assert text_width("Villeneuve-sur-Lot", 12) < text_width("Villeneuve-sur-Lot", 13)
    lines = wrap("Acteurs du thème classé 1er à moins de 15 km de la mairie", 150, 12)
    assert len(lines) == 2 and all(text_width(x, 12) <= 150 for x in lines)
    assert lines[-1].endswith("…")


# --------------------------------------------------------------------------
# Chromium, offline: the charts render and their text stays inside
# --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

MEASURE = """() => [...document.querySelectorAll('svg.mitlib-graphique')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const view = svg.viewBox.baseVal;
  let overflow = 0;
  for (const t of svg.querySelectorAll('text')) {
    if (t.getAttribute('transform')) continue;
    const b = t.getBBox();
    if (b.x < -0.5 || b.x + b.width > view.width + 0.5) overflow += 1;
  }
  const spans = [...svg.querySelectorAll('text')].filter((t) => !t.children.length)
    .map((t) => [t.textContent, parseFloat(getComputedStyle(t).fontSize),
                 getComputedStyle(t).fontWeight >= 700, t.getComputedTextLength()]);
  return {width: box.width, height: box.height, overflow: overflow, spans: spans,
          label: svg.getAttribute('aria-labelledby')};
})"""


def test_charts_render_in_chromium(charts, tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("Chromium absent : .ci/run doit l'installer")
        pytest.skip("Chromium absent")
    sync_api = pytest.importorskip("playwright.sync_api")
    from mitlib.render.page import html_page

    body = "".join(c._repr_html_() for c in charts.values())
    page_file = tmp_path / "graphiques.html"
    page_file.write_text(html_page("Graphiques", body), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            offline=True, viewport={"width": 1000, "height": 900}
        )
        page = context.new_page()
        remote = []
        page.on(
            "request", lambda r: remote.append(r.url) if r.url[:5] != "file:" else None
        )
        page.goto(page_file.as_uri())
        boxes = page.evaluate(MEASURE)
        page.screenshot(path=str(tmp_path / "graphiques.png"), full_page=True)
        browser.close()
    assert remote == []
    assert len(boxes) == len(charts)
    for box in boxes:
        assert box["width"] > 300 and box["height"] > 100, box
        assert box["overflow"] == 0, box
        # the layout's text widths (DejaVu Sans metrics) match the browser's
        for content, size, bold, measured in box["spans"]:
            estimate = text_width(content, size, bold)  # both in viewBox units
            assert estimate == pytest.approx(measured, rel=0.06, abs=2), content
