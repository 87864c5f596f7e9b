"""The exports as a person sees them: headless Chromium, network disabled.

Chromium comes from Debian (``/usr/bin/chromium``, installed by ``.ci/run``),
driven by Playwright's driver; no browser is downloaded. Outside CI the tests
are skipped when Chromium is absent; in CI its absence is a failure.
"""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium absent : .ci/run doit l'installer (apt chromium)")
    pytest.skip("Chromium absent (apt-get install chromium)", allow_module_level=True)

if os.environ.get("CI"):
    from playwright import sync_api  # in CI, a missing driver is a failure
else:
    sync_api = pytest.importorskip("playwright.sync_api")

COUNT_LAYERS = """() => {
  const counts = {communes: 0, markers: 0, clusters: 0};
  const map = Object.values(window).find((v) => v instanceof L.Map);
  map.eachLayer((layer) => {
    const f = layer.feature;
    const props = f && f.properties;
    if (props && props.code_insee && f.geometry.type.endsWith("Polygon")) {
      counts.communes += 1;
    }
    if (layer instanceof L.CircleMarker) counts.markers += 1;
    if (L.MarkerCluster && layer instanceof L.MarkerCluster) counts.clusters += 1;
  });
  return counts;
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("captures")


def open_offline(browser, path):
    """Open a page with the network off; return (page, errors, remote requests)."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            remote.append(r.url)
            if not r.url.startswith(("file:", "data:", "about:"))
            else None
        ),
    )
    page.goto(path.as_uri())
    return page, errors, remote


def test_pays_map_renders_communes_markers_offline(browser, exported, shots):
    page, errors, remote = open_offline(browser, exported / "carte_pays.html")
    page.wait_for_selector(".leaflet-map-pane", state="attached")
    page.wait_for_selector(".leaflet-overlay-pane path")
    counts = page.evaluate(COUNT_LAYERS)
    assert counts["communes"] == 133
    assert counts["markers"] > 100  # actors, events, unclustered premises
    assert page.locator(".mitlib-legende").count() == 1
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.locator(".mitlib-recherche input").count() == 1
    page.screenshot(path=shots / "carte_pays.png")
    assert (shots / "carte_pays.png").stat().st_size > 20_000
    assert errors == [] and remote == []


@pytest.mark.parametrize(
    "name",
    [
        "comite/01_diagnostic_territorial.html",
        "comite/02_candidatures.html",
        "fiches/fiche_pays.html",
        "fiches/fiche_200068930.html",
    ],
)
def test_exported_pages_show_tables_and_map(browser, exported, shots, name):
    page, errors, remote = open_offline(browser, exported / name)
    # 02 prints its ranking as text; the others show tables
    assert page.locator("main table").count() >= (1 if "02_" in name else 2)
    assert page.locator("iframe.mitlib-carte").count() >= 1
    frame = page.frame_locator("iframe.mitlib-carte").first
    frame.locator(".leaflet-overlay-pane path").first.wait_for()
    assert frame.locator(".leaflet-overlay-pane path").count() > 10
    shot = shots / (name.replace("/", "_") + ".png")
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 20_000
    assert errors == [] and remote == []


def test_score_sheet_prints_its_tables(browser, exported, shots):
    sheet = exported / "comite/candidatures/fiches/47323_villeneuve-sur-lot.html"
    page, errors, remote = open_offline(browser, sheet)
    assert "Villeneuve-sur-Lot" in page.title()
    assert page.locator("table").count() >= 3
    assert page.locator("table tbody tr").count() >= 10
    page.pdf(path=shots / "fiche_notation.pdf")  # printable: the comité prints it
    assert (shots / "fiche_notation.pdf").stat().st_size > 10_000
    assert errors == [] and remote == []


def test_index_links_open(browser, exported):
    page, errors, remote = open_offline(browser, exported / "index.html")
    links = page.locator("a").all()
    assert len(links) >= 10
    page.locator('a[href="fiches/fiche_pays.html"]').click()
    page.wait_for_load_state()
    assert page.title().startswith("Fiche diagnostic")
    assert errors == [] and remote == []


#: One page of each kind with its charts (issue 9): how many charts at least.
CHART_PAGES = {
    "fiches/fiche_200023307.html": 1,  # indicators against Pays and département
    "comite/02_candidatures.html": 2,  # stability intervals, rank probabilities
    "binomes/binomes_M1.html": 2,  # coach load, project coverage
}


@pytest.mark.parametrize("name", sorted(CHART_PAGES))
def test_charts_render_with_a_text_alternative(browser, exported, shots, name):
    page, errors, remote = open_offline(browser, exported / name)
    charts = page.locator("main svg[role=img]")
    assert charts.count() >= CHART_PAGES[name]
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 60
        labelled = chart.get_attribute("aria-labelledby")
        assert labelled and page.locator(f"[id='{labelled.split()[0]}']").count() == 1
        assert (chart.locator("title").first.text_content() or "").strip()
    shot = shots / ("graphiques_" + name.replace("/", "_") + ".png")
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 20_000
    assert errors == [] and remote == []
