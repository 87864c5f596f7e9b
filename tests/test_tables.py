"""Tests for mitlib.render.tables: French tables people read."""

import re

import numpy as np
import pandas as pd
import pytest

from mitlib.core.config import ASSETS_DIR
from mitlib.core.text import NO_VALUE_NOTE
from mitlib.render.tables import LONG_TABLE_ROWS, Column, FrenchTable, table_css


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "code": ["47323", "47175", "47001"],
            "nom": ["Villeneuve-sur-Lot", "Monflanquin", "<script>x</script>"],
            "population": [22_000, 2313, np.nan],
            "distance": [0.217101, 155.059478, 3.0],
            "part": [0.0456, np.nan, 1.0],
            "zone": [False, True, False],
        }
    )


COLUMNS = [
    Column("nom", "Commune"),
    Column("population", "Population municipale", "number"),
    Column("distance", "Distance (km)", "number", 1),
    Column("part", "Part de la population", "percent", 1),
    Column("zone", "Zone blanche", "flag"),
]


def test_cells_are_french_and_missing_values_are_dashes(frame):
    table = FrenchTable(frame, COLUMNS, caption="Communes")
    assert table.cells == [
        ["Villeneuve-sur-Lot", "22\u202f000", "0,2", "4,6\u202f%", "non"],
        ["Monflanquin", "2\u202f313", "155,1", "\u2014", "oui"],
        ["<script>x</script>", "\u2014", "3,0", "100,0\u202f%", "non"],
    ]
    assert table.footnotes == [NO_VALUE_NOTE]


def test_html_has_caption_labels_alignment_and_footnote(frame):
    page = FrenchTable(
        frame, COLUMNS, caption="Communes <test>", source="INSEE & IGN"
    ).to_html()
    assert "<caption>Communes &lt;test&gt;</caption>" in page
    assert '<th scope="col" class="nombre">Distance (km)</th>' in page
    assert '<th scope="col">Commune</th>' in page
    assert '<th scope="row">Monflanquin</th><td class="nombre">2\u202f313</td>' in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
    foot = re.search(r"<tfoot>(.*)</tfoot>", page).group(1)
    assert 'colspan="5"' in foot
    assert NO_VALUE_NOTE in foot and "Source : INSEE &amp; IGN" in foot
    for bad in ("NaN", "nan", "None", "inf", "0.217", "155.059478", "True"):
        assert bad not in page


def test_no_footnote_without_dash():
    table = FrenchTable(pd.DataFrame({"x": [1, 2]}), ["x"], caption="c")
    assert table.footnotes == [] and "<tfoot>" not in table.to_html()


def test_columns_guessed_from_dtypes():
    frame = pd.DataFrame({"n": [1.0, 2.0], "r": [0.5, 1234.25], "b": [True, False]})
    table = FrenchTable(frame, caption="Essai")
    assert [c.kind for c in table.columns] == ["number", "number", "flag"]
    assert table.cells == [["1", "0,5", "oui"], ["2", "1\u202f234,2", "non"]]


def test_index_as_first_column_and_row_header():
    frame = pd.DataFrame({"v": [1.25]}, index=pd.Index(["Agen"], name="nom"))
    table = FrenchTable(
        frame,
        [Column("v", "Valeur", "number", 2)],
        index=Column("nom", "Commune"),
        caption="c",
    )
    assert table.cells == [["Agen", "1,25"]]
    assert '<th scope="row">Agen</th>' in table.to_html()
    flat = FrenchTable(frame, ["v"], caption="c", row_header=False).to_html()
    assert '<td class="nombre">1,2</td>' in flat and 'scope="row"' not in flat


def test_long_tables_scroll_under_a_sticky_header():
    short = pd.DataFrame({"x": range(LONG_TABLE_ROWS)})
    long = pd.DataFrame({"x": range(LONG_TABLE_ROWS + 1)})
    assert "mit-tableau-long" not in FrenchTable(short, caption="c").to_html()
    assert "mit-tableau-long" in FrenchTable(long, caption="c").to_html()
    css = table_css()
    assert "position: sticky" in css and "tabular-nums" in css
    assert "nth-child(even)" in css  # zebra rows


def test_total_row_is_set_apart():
    frame = pd.DataFrame({"nom": ["A", "Ensemble"], "x": [1, 1]})
    page = FrenchTable(frame, caption="c", total=True).to_html()
    assert page.count('<tr class="total">') == 1
    assert '<tr class="total"><th scope="row">Ensemble</th>' in page


def test_repr_html_carries_the_page_style_and_is_deterministic(frame):
    first = FrenchTable(frame, COLUMNS, caption="c")._repr_html_()
    again = FrenchTable(frame.copy(), COLUMNS, caption="c")._repr_html_()
    assert first == again
    assert first.startswith("<style>\n") and table_css() in first
    page_css = (ASSETS_DIR / "page.css").read_text("utf-8")
    assert table_css() in page_css  # one style, in the page style sheet


def test_plain_text_is_aligned_and_french(frame):
    text = repr(FrenchTable(frame, COLUMNS[:3], caption="Communes"))
    lines = text.splitlines()
    assert lines[0] == "Communes"
    assert lines[2].startswith("Villeneuve-sur-Lot") and lines[2].endswith("0,2")
    assert lines[3].endswith("155,1") and " at 0x" not in text
    assert lines[-1] == NO_VALUE_NOTE


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="inconnu"):
        Column("x", "X", "money")
