"""The timeline: bars where their times say, French hours and days, bands,
panels cut between bars, escaped and accessible SVG, stable bytes, Chromium."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest

from mitlib.render.svg import OKABE_ITO
from mitlib.render.timeline import (
    Band,
    Bar,
    _contrast_ink,
    day_label,
    moment_label,
    timeline,
)

START = datetime(2027, 3, 12, 9)  # a Friday
END = START + timedelta(hours=36)


def rects(svg: str, cls: str) -> list[dict[str, float]]:
    """x, y, width, height of the ``<rect class="cls">`` elements, in order."""
    root = ET.fromstring(svg)
    return [
        {k: float(r.get(k)) for k in ("x", "y", "width", "height")}
        for r in root.iter("rect")
        if r.get("class") == cls
    ]


def texts(svg: str) -> list[tuple[str, float, float]]:
    root = ET.fromstring(svg)
    return [
        ("".join(t.itertext()), float(t.get("x")), float(t.get("y")))
        for t in root.iter("text")
    ]


def _small():
    """Four hours, one panel: two lanes, three bars, one block, hours off."""
    return timeline(
        [("A", "Alpha"), ("B", "Beta")],
        [
            Bar("A", START + timedelta(hours=1), START + timedelta(hours=1, minutes=45),
                "K-1", key="banquier", detail="Alpha avec K-1"),
            Bar("A", 120, 240, "K-2", key="élu"),
            Bar("B", 150, 195, "K-3", key="banquier"),
        ],
        start=START,
        end=START + timedelta(hours=4),
        bands=[
            Band(0, 60, "Ouverture", key="Temps fort"),
            Band(180, 240, key="Repos", hatched=True),
        ],
        title="Séances",
        lane_title="Équipe",
        summary="Deux équipes.",
    )  # fmt: skip


@pytest.fixture(scope="module")
def small():
    return _small()


def test_bars_are_where_their_times_say(small):
    (chart,) = small.panels
    one, two, three = rects(chart.svg, "barre")
    unit = two["width"] / 120  # pixels per minute: K-2 lasts 2 h
    assert unit > 1
    assert one["width"] == pytest.approx(45 * unit, abs=0.15)
    assert two["x"] - one["x"] == pytest.approx(60 * unit, abs=0.15)  # 10:00, 11:00
    assert three["x"] - one["x"] == pytest.approx(90 * unit, abs=0.15)
    # the hour labels sit on the same scale
    ticks = {s: x for s, x, _ in texts(chart.svg) if re.fullmatch(r"ven \d\d:00", s)}
    assert ticks["ven 10:00"] == pytest.approx(one["x"], abs=0.11)
    assert ticks["ven 11:00"] == pytest.approx(two["x"], abs=0.11)
    # lane B is one row under lane A; labels are written in the bars
    assert three["y"] - one["y"] == 22
    assert {"K-1", "K-2", "K-3", "Alpha", "Beta", "Équipe", "Programme"} <= {
        s for s, _, _ in texts(chart.svg)
    }


def test_bands_keys_and_french_words(small):
    (chart,) = small.panels
    (block,) = rects(chart.svg, "bloc")
    (rest,) = rects(chart.svg, "repos")
    one = rects(chart.svg, "barre")[0]
    unit = one["width"] / 45
    assert block["width"] == pytest.approx(60 * unit, abs=0.11)
    assert rest["x"] - block["x"] == pytest.approx(180 * unit, abs=0.11)
    assert 'fill="url(#mitlib-hachures-' in chart.svg
    words = [s for s, _, _ in texts(chart.svg)]
    # legend: bar keys, then bands; the block is named in the programme row
    assert words.index("banquier") < words.index("élu") < words.index("Repos")
    assert "Ouverture" in words and "vendredi 12 mars" in words
    assert chart.title == "Séances — vendredi 12 mars, 09:00 → 13:00"
    assert chart.description == (
        "Deux équipes. Frise de vendredi 12 mars, 09:00 → 13:00 : 3 barres. "
        "Programme : Ouverture ven 09:00–10:00. Alpha : Alpha avec K-1 "
        "ven 10:00–10:45, K-2 ven 11:00–13:00 ; Beta : K-3 ven 11:30–12:15."
    )
    assert "<title>Alpha avec K-1 : ven 10:00–10:45</title>" in chart.svg


def test_french_labels():
    assert moment_label(datetime(2027, 3, 13, 0, 15)) == "sam 00:15"
    assert day_label(datetime(2027, 3, 14)) == "dimanche 14 mars"
    assert day_label(datetime(2027, 5, 1)) == "samedi 1er mai"


def test_a_long_event_is_cut_between_bars():
    # 36 h in three panels; a bar across the nominal cut (21:00) is not split
    hour = timedelta(hours=1)
    across = Bar("A", START + 11.75 * hour, START + 12.5 * hour, "K-9")
    late = Bar("A", START + 33 * hour, START + 34 * hour, "K-8")
    t = timeline(["A"], [across, late], start=START, end=END, title="T")
    assert len(t.panels) == 3
    assert [p.title for p in t.panels] == [
        "T — vendredi 12 mars, 09:00 → 20:00 (1/3)",
        "T — vendredi 12 mars 20:00 → samedi 13 mars 09:00 (2/3)",
        "T — samedi 13 mars, 09:00 → 21:00 (3/3)",
    ]
    assert [len(rects(p.svg, "barre")) for p in t.panels] == [0, 1, 1]
    night = t.panels[1]
    # midnight: a rule and the new day
    assert "samedi 13 mars" in [s for s, _, _ in texts(night.svg)]
    assert "sam 00:00" in night.svg
    # the same scale in every panel: one hour is as wide in each
    a, b = rects(t.panels[1].svg, "barre")[0], rects(t.panels[2].svg, "barre")[0]
    assert a["width"] / 45 == pytest.approx(b["width"] / 60, abs=0.01)


def test_empty_panels_can_be_left_out():
    bar = Bar("A", 60, 105, "K-1")
    t = timeline(["A"], [bar], start=START, end=END, title="T", empty="Aucune séance")
    assert len(t.panels) == 1
    assert t.items[1:] == (
        "Aucune séance : vendredi 12 mars 21:00 → samedi 13 mars 09:00.",
        "Aucune séance : samedi 13 mars, 09:00 → 21:00.",
    )
    assert "Aucune séance : samedi 13 mars" in t._repr_html_()


def test_overlapping_bars_stack_and_lanes_grow():
    t = timeline(
        ["A", "B"],
        [Bar("A", 0, 60, "x"), Bar("A", 30, 90, "y"), Bar("A", 60, 120, "z"),
         Bar("B", 0, 60, "w")],
        start=START, end=START + timedelta(hours=3), title="T",
    )  # fmt: skip
    x, y, z, w = rects(t.svg, "barre")
    assert y["y"] == x["y"] + 22 and z["y"] == x["y"]  # z reuses the first row
    assert w["y"] == x["y"] + 44  # lane A is two rows high


def test_windows_are_tinted_behind_their_lane():
    t = timeline(
        ["A", "B"],
        [Bar("B", 0, 45, "K")],
        windows=[Bar("B", 30, 90, key="disponible", detail="K disponible")],
        colors={"disponible": OKABE_ITO["vert"]},
        start=START, end=START + timedelta(hours=3), title="T",
    )  # fmt: skip
    (window,) = rects(t.svg, "fenetre")
    (bar,) = rects(t.svg, "barre")
    assert window["y"] < bar["y"] < window["y"] + 22
    assert window["width"] == pytest.approx(bar["width"] * 60 / 45, abs=0.11)
    assert "<title>K disponible : ven 09:30–10:30</title>" in t.svg
    assert ">disponible</text>" in t.svg  # legend


def test_escaped_accessible_and_byte_identical(small):
    hostile = timeline(
        [("a", "<b>Équipe</b> & « co »")],
        [Bar("a", 0, 60, "<i>", key='"k"', detail="<script>x</script>")],
        start=START, end=START + timedelta(hours=2), title='Frise "<script>"',
    )  # fmt: skip
    svg = hostile.svg
    assert "<b>" not in svg and "<script>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;Équipe&lt;/b&gt; &amp; « co »" in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title, desc = root.find("title"), root.find("desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text.startswith('Frise "<script>"')
    assert "<script>x</script>" in desc.text  # text again once parsed
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    again = _small()
    assert again.svg == small.svg and again._repr_html_() == small._repr_html_()


def test_label_ink_contrasts_and_bad_input_is_refused():
    assert _contrast_ink(OKABE_ITO["bleu"]) == "#ffffff"
    assert _contrast_ink(OKABE_ITO["orange"]) != "#ffffff"
    with pytest.raises(ValueError, match="ligne inconnue"):
        timeline(["A"], [Bar("Z", 0, 10)], start=START, end=END, title="T")
    with pytest.raises(ValueError, match="fin avant le début"):
        timeline(["A"], [Bar("A", 10, 10)], start=START, end=END, title="T")
    with pytest.raises(ValueError):
        timeline(["A"], [], start=END, end=START, title="T")


# --------------------------------------------------------------------------
# Chromium, offline: the panels render, labels fit inside their bars
# --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

MEASURE = """() => [...document.querySelectorAll('svg.mitlib-graphique')].map((svg) => {
  const view = svg.viewBox.baseVal;
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('rect.barre')].map((r) => r.getBBox());
  const inside = [...svg.querySelectorAll('text[pointer-events]')].map((t) => {
    const b = t.getBBox();
    const bar = bars.find((r) => b.x >= r.x - 0.5
      && b.x + b.width <= r.x + r.width + 0.5
      && b.y >= r.y - 3 && b.y + b.height <= r.y + r.height + 3);
    return [t.textContent, bar !== undefined];
  });
  let overflow = 0;
  for (const t of svg.querySelectorAll('text')) {
    const b = t.getBBox();
    if (b.x < -0.5 || b.x + b.width > view.width + 0.5) overflow += 1;
  }
  return {width: box.width, height: box.height, bars: bars.length, inside: inside,
          overflow: overflow};
})"""


def test_timeline_renders_in_chromium(tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("Chromium absent : .ci/run doit l'installer")
        pytest.skip("Chromium absent")
    sync_api = pytest.importorskip("playwright.sync_api")
    from mitlib.render.page import html_page

    lanes = [(f"E{i}", f"E{i} · Équipe numéro {i} au long titre") for i in range(11)]
    bars = [
        Bar(f"E{i}", 60 + 45 * slot, 105 + 45 * slot, f"K-{i:03d}",
            key=("banquier", "élu", "expert")[(i + k) % 3])
        for i in range(11) for k in range(3)
        for slot in [(i * 7 + k * 5) % 40]
    ]  # fmt: skip
    bands = [
        Band(0, 60, "Ouverture", key="Temps fort"),
        Band(17 * 60, 22 * 60, key="Repos", hatched=True),
        Band(33 * 60, 35 * 60 + 30, "Jury", key="Temps fort"),
    ]
    t = timeline(lanes, bars, start=START, end=END, bands=bands, title="Séances")
    page_file = tmp_path / "frise.html"
    page_file.write_text(html_page("Frise", t._repr_html_()), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            offline=True, viewport={"width": 1100, "height": 900}
        )
        page = context.new_page()
        remote = []
        page.on(
            "request", lambda r: remote.append(r.url) if r.url[:5] != "file:" else None
        )
        page.goto(page_file.as_uri())
        boxes = page.evaluate(MEASURE)
        page.screenshot(path=str(tmp_path / "frise.png"), full_page=True)
        browser.close()
    assert remote == []
    assert len(boxes) == len(t.panels) == 3
    assert sum(b["bars"] for b in boxes) == len(bars)  # no bar cut in two
    for box in boxes:
        assert box["width"] > 600 and box["height"] > 300, box
        assert box["overflow"] == 0, box
        assert box["inside"] and all(ok for _, ok in box["inside"]), box["inside"]
    assert (tmp_path / "frise.png").stat().st_size > 20_000
