"""Tests of mitlib.candidatures.map: offline, deterministic, escaped."""

from __future__ import annotations

from candidacy_cases import sample_analysis
from test_maps import features

from mitlib.candidatures.map import _tooltip, candidacy_map
from mitlib.data.fictional import FICTIONAL_COLUMN
from mitlib.render.offline import external_references, render_html


def test_map_is_offline_deterministic_and_shows_the_hosts():
    analysis = sample_analysis()
    page = render_html(candidacy_map(analysis))
    assert page == render_html(candidacy_map(analysis))
    assert external_references(page) == []
    assert page.count("var circle_marker_") == 5
    assert "Villeneuve-sur-Lot — résilience alimentaire (2024-06) — note 17,0 / 20" in (
        page
    )
    assert "Note des candidatures sur 20 (gris : \\u00e9limin\\u00e9e)" in page
    assert f'<div class="mitlib-bandeau" role="note">{FICTIONAL_COLUMN}</div>' in page
    assert sum("epci_siren" in f["properties"] for f in features(page)) == 5
    inputs = analysis.inputs
    assert "grille grille.yaml, candidatures candidatures.csv" in page
    # no hash printed over the map: the provenance holds them
    assert inputs.grid_sha256 not in page and inputs.candidacies_sha256 not in page


def test_tooltip_cannot_break_out_of_html_or_javascript():
    text = _tooltip("</div><script>`${alert(1)}`</script>\\")
    assert "<" not in text and "`" not in text and "$" not in text
    assert "\\" not in text
