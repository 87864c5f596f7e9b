"""The portal of an export (``index.html``): cards, human names, links, filter."""

import html
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.export.index import write_index
from mitlib.export.index_facts import (
    PortalFacts,
    dossier_date,
    french_date,
    portal_facts,
)
from mitlib.render.offline import external_references
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

HOSTILE = '<script>alert("x")</script> & Cie'

#: A small export: path → size in bytes.
TREE = {
    "comite/02_candidatures.html": 300,
    "comite/01_diagnostic_territorial.html": 300,
    "comite/candidatures/fiches/index.html": 200,
    "comite/candidatures/fiches/47323_villeneuve-sur-lot.html": 200,
    "comite/candidatures/fiches/47106_fumel.html": 200,
    "comite/candidatures/notes.csv": 2_500,
    "comite/candidatures/proces_verbal.xlsx": 31_100,
    "comite/candidatures/provenance.csv": 900,
    "fiches/fiche_pays.html": 400,
    "fiches/fiche_200023307.html": 400,
    "fiches/fiche_200023307.pdf": 123_456,
    "carte_pays.html": 500,
    "diagnostic/diagnostic.xlsx": 31_800,
    "diagnostic/diagnostic.gpkg": 1_234_567,
    "binomes/binomes_M1.html": 300,
    "binomes/tables/binomes.xlsx": 68_400,
    "binomes/tables/fiches/index.html": 100,
    "binomes/tables/fiches/M1/projet_M1-P06.html": 100,
    "binomes/tables/fiches/M1/projet_M1-P07.html": 100,
    "binomes/tables/fiches/M1/coach_K-001.html": 100,
    "notebooks/02_candidatures.html": 300,
    "rejets/locaux_rejets.csv": 512,
    "divers/autre_chose.txt": 10,
}

FACTS = PortalFacts(
    territory="Pays de la Vallée du Lot",
    scope="5 EPCI, 133 communes",
    date="15 septembre 2026",
    date_note="dernière mise à jour des données saisies",
    titles={"notebooks/02_candidatures.html": "Candidatures et attribution"},
    communes={"47323": "Villeneuve-sur-Lot", "47106": HOSTILE},
    epci={"200023307": "Communauté d'agglomération du Grand Villeneuvois"},
    marathons={"M1": ("Marathon M1 — artisanat et commerce", "2 projets")},
    projects={
        "M1-P06": ("Reprise de la boulangerie", "M1-P06 · Courbiac"),
        "M1-P07": ("Atelier de cordonnerie", "M1-P07 · Fumel"),
    },
    coaches={"K-001": ("Morgan Fictif", "Fonds territorial · banquier")},
    manifest=True,
)


class _Links(HTMLParser):
    """Every ``<a>``: (href, text)."""

    def __init__(self):
        super().__init__()
        self.links, self._href, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs)["href"], []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text)))
            self._href = None


def _tree(root: Path) -> list[Path]:
    paths = []
    for rel, size in TREE.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        paths.append(path)
    (root / "manifeste_mitlib.json").write_text("{}", encoding="utf-8")
    return paths


def _index(root: Path, *, public=False, facts=FACTS, skipped=()) -> str:
    provenance = [("mitlib", "0.1.0"), ("locaux (locaux.csv) : sha256", "ab" * 32)]
    path = write_index(
        root, _tree(root), list(skipped), provenance, True, public, facts
    )
    return path.read_text(encoding="utf-8")


def test_portal_has_a_card_per_family_and_human_names(tmp_path):
    page = _index(tmp_path)
    assert "<h1>Mon Incroyable Territoire — dossier du 15 septembre 2026</h1>" in page
    assert "Pays de la Vallée du Lot" in page and "5 EPCI, 133 communes" in page
    for key, title in (
        ("comite", "Dossier du comité d&#x27;attribution"),
        ("notation", "Fiches de notation par commune candidate"),
        ("pv", "Classement, attribution et procès-verbal (tableurs)"),
        ("fiches", "Fiches diagnostic du Pays et de chaque EPCI"),
        ("diagnostic", "Diagnostic : carte, tables et couches géographiques"),
        ("binomes", "Binômes coachs–porteurs, par marathon"),
        ("notebooks", "Rapports complets, avec le code"),
        ("rejets", "Lignes rejetées des fichiers d&#x27;entrée"),
        ("provenance", "Provenance et vérification"),
        ("autres", "Autres fichiers"),
    ):
        assert f'<section class="mitlib-portail-carte" id="{key}"><h2>{title}</h2>' in (
            page
        ), key
    links = dict(_parse(page))
    assert links["comite/candidatures/fiches/47323_villeneuve-sur-lot.html"] == (
        "Villeneuve-sur-Lot"
    )
    assert "commune 47323" in page
    assert links["fiches/fiche_200023307.html"] == (
        "Communauté d'agglomération du Grand Villeneuvois"
    )
    assert links["fiches/fiche_pays.html"] == "Pays de la Vallée du Lot"
    assert links["binomes/tables/fiches/M1/projet_M1-P06.html"] == (
        "Reprise de la boulangerie"
    )
    assert links["binomes/tables/fiches/M1/coach_K-001.html"] == "Morgan Fictif"
    assert links["notebooks/02_candidatures.html"] == "Candidatures et attribution"
    assert links["comite/candidatures/notes.csv"] == (
        "Notes et rang de chaque candidature"
    )
    assert "<h3>Marathon M1 — artisanat et commerce <small>2 projets</small></h3>" in (
        page
    )
    # the score sheets in name order, the sheets' summary first
    order = [h for h, _ in _parse(page) if h.startswith("comite/candidatures/fiches")]
    assert order == [
        "comite/candidatures/fiches/index.html",
        "comite/candidatures/fiches/47106_fumel.html",  # « <script… » sorts first
        "comite/candidatures/fiches/47323_villeneuve-sur-lot.html",
    ]


def _parse(page: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(page)
    return parser.links


def test_every_file_is_linked_once_by_a_name_not_a_path(tmp_path):
    page = _index(tmp_path)
    links = [(h, t) for h, t in _parse(page) if not h.startswith("#")]
    hrefs = [h for h, _ in links]
    assert sorted(hrefs) == sorted([*TREE, "manifeste_mitlib.json"])
    for href, text in links:
        assert (tmp_path / href).is_file(), href
        assert text.strip() and text not in (href, Path(href).name, Path(href).stem)
        assert not re.search(r"\.(html|csv|xlsx|gpkg|pdf|json)\b", text), text
        assert not text.endswith((".html", ".csv", ".xlsx", ".gpkg", ".pdf")), text
    # anchors of the summary lead to cards
    for href, _ in _parse(page):
        if href.startswith("#"):
            assert f'id="{href[1:]}"' in page


def test_downloads_show_format_and_french_size(tmp_path):
    page = _index(tmp_path)
    assert "CSV · 2,5 ko" in page
    assert "XLSX · 31,1 ko" in page  # the minutes workbook
    assert "GeoPackage · 1,2 Mo" in page
    assert "CSV · 512 octets" in page
    # a page and its PDF are one document: the PDF is a chip of the fiche
    assert (
        '<a href="fiches/fiche_200023307.html">Communauté d&#x27;agglomération du '
        "Grand Villeneuvois</a>"
    ) in page
    assert '<a class="mitlib-portail-format" href="fiches/fiche_200023307.pdf">' in (
        page
    )
    assert "PDF · 123 ko" in page


def test_banners_internal_public_fictional(tmp_path):
    internal = _index(tmp_path / "i")
    public = _index(tmp_path / "p", public=True)
    assert INTERNAL_NOTICE in internal and PUBLIC_NOTICE not in internal
    assert PUBLIC_NOTICE in public and INTERNAL_NOTICE not in public
    assert 'class="mitlib-portail-bandeau mitlib-portail-interne"' in internal
    assert 'class="mitlib-portail-bandeau mitlib-portail-public"' in public
    for page in (internal, public):
        assert html.escape(FICTIONAL_NOTICE) in page
        assert "<th>mitlib</th>" in page  # folded provenance block
        assert '<details class="mitlib-provenance">' in page


def test_hostile_names_are_escaped(tmp_path):
    page = _index(tmp_path)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie" in page
    assert "<script>alert" not in page
    assert page.count("<script>") == 1  # the filter, nothing else
    assert external_references(page) == []  # nothing from the network


def test_filter_box_is_present_and_the_page_works_without_it(tmp_path):
    page = _index(tmp_path)
    # shown by the script only: without script, no dead box and every list open
    assert '<div id="mitlib-portail-filtre" class="mitlib-portail-filtre" hidden>' in (
        page
    )
    assert '<input id="mitlib-filtre" type="search"' in page
    assert "<li hidden" not in page and "<section hidden" not in page
    # folded data for the filter: accents and case removed
    assert (
        'data-filtre="reprise de la boulangerie m1 p06 courbiac fiches des projets 2 '
        'marathon m1 artisanat et commerce"'
    ) in page


def test_missing_pages_and_facts_are_reported(tmp_path):
    class Job:
        title = "Diagnostic territorial"

    page = _index(
        tmp_path, facts=None, skipped=[(Job(), ["locaux", "acteurs", "evenements"])]
    )
    assert "<h2>Non produit</h2>" in page
    assert "Diagnostic territorial : tables absentes (locaux, acteurs, evenements)" in (
        page
    )
    # without facts: named after the files, still no path as a link text
    links = dict(_parse(page))
    assert links["comite/candidatures/fiches/47323_villeneuve-sur-lot.html"] == (
        "Villeneuve sur lot"
    )
    assert "<h1>Mon Incroyable Territoire</h1>" in page


def test_same_export_gives_the_same_bytes(tmp_path):
    assert _index(tmp_path / "a") == _index(tmp_path / "b")


def test_dossier_date_is_fixed_never_today(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    inputs = {t: EXAMPLE_DIR / f"{t}.csv" for t in ("locaux", "acteurs", "coachs")}
    latest = max(
        pd.to_datetime(
            pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")["date_maj"],
            format="%d/%m/%Y",
        ).max()
        for t, path in inputs.items()
        if t != "coachs"
    )
    assert dossier_date(inputs) == (
        french_date(latest.date()),
        "dernière mise à jour des données saisies",
    )
    assert dossier_date({"coachs": inputs["coachs"]}) == ("", "")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21 UTC
    assert dossier_date(inputs)[0] == "21 septembre 2026"


def test_portal_facts_of_the_sample_name_marathons_projects_and_coaches():
    from mitlib.data.territory import load_territory
    from mitlib.export.inputs import find_inputs

    territory, inputs = load_territory(), find_inputs(None)
    internal = portal_facts(territory, inputs)
    public = portal_facts(territory, inputs, public=True)
    assert internal.territory == "Pays de la Vallée du Lot"
    assert internal.scope == "5 EPCI, 133 communes, 115\u202f014 habitants"
    assert internal.communes["47323"] == "Villeneuve-sur-Lot"
    assert internal.epci["244701405"] == "Communauté de communes Lot et Tolzac"
    assert internal.marathons["M1"][0] == "Marathon M1 — artisanat et commerce"
    assert internal.projects["M1-P06"][0] == "Reprise de la boulangerie"
    coachs = pd.read_csv(EXAMPLE_DIR / "coachs.csv", sep=";", dtype=str)
    first = coachs.iloc[0]
    assert internal.coaches[first["id"]][0] == first["nom"]
    # public: no coach's name anywhere, the organisation instead
    assert public.coaches[first["id"]][0] == first["organisation"]
    names = set(coachs["nom"])
    assert not names & {n for pair in public.coaches.values() for n in pair}


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("Chromium absent : .ci/run doit l'installer")
        pytest.skip("Chromium absent (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


VISIBLE = """() => Array.from(document.querySelectorAll("li[data-filtre]"))
  .filter((li) => li.checkVisibility()).map((li) => li.querySelector("a")
  .textContent)"""


def test_filter_narrows_the_lists_in_a_browser(browser, tmp_path):
    _index(tmp_path)
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "index.html").as_uri())
    assert page.locator("#mitlib-filtre").is_visible()
    everything = page.evaluate(VISIBLE)
    # folded sheets are closed: the pairing sheets are not visible yet
    assert "Villeneuve-sur-Lot" in everything
    assert "Reprise de la boulangerie" not in everything
    page.fill("#mitlib-filtre", "BOULANGERIE")
    assert page.evaluate(VISIBLE) == ["Reprise de la boulangerie"]
    assert page.locator("#mitlib-filtre-compte").text_content() == "1 document"
    assert page.locator("#notation").is_hidden()
    assert page.locator("#binomes h3").is_visible()  # the marathon stays named
    page.fill("#mitlib-filtre", "Villeneuv")  # a commune and an EPCI
    assert page.evaluate(VISIBLE) == [
        "Villeneuve-sur-Lot",
        "Communauté d'agglomération du Grand Villeneuvois",
    ]
    page.fill("#mitlib-filtre", "villeneuve lot")  # every word, in any place
    assert page.evaluate(VISIBLE) == ["Villeneuve-sur-Lot"]
    page.fill("#mitlib-filtre", "Reparation COMMUNAUTE d agglomeration")
    assert page.evaluate(VISIBLE) == []  # every word must be in one name
    page.fill("#mitlib-filtre", "communaute d’agglomeration")  # no accents, ’
    assert page.evaluate(VISIBLE) == [
        "Communauté d'agglomération du Grand Villeneuvois"
    ]
    page.fill("#mitlib-filtre", "zzz")
    assert page.evaluate(VISIBLE) == []
    assert page.locator("#mitlib-filtre-compte").text_content() == "aucun document"
    page.fill("#mitlib-filtre", "")
    assert page.evaluate(VISIBLE) == everything
    assert errors == []
    context.close()


def test_without_script_every_list_shows_and_no_dead_box(browser, tmp_path):
    _index(tmp_path)
    context = browser.new_context(offline=True, java_script_enabled=False)
    page = context.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    assert not page.locator("#mitlib-filtre").is_visible()
    assert page.locator("#notation li").count() == 3
    assert page.locator("#notation").is_visible()
    assert page.locator("a", has_text="Villeneuve-sur-Lot").is_visible()
    context.close()
