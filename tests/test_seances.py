"""Live sessions: the server, the parameters, the diagnosis explorer in Chromium."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from seance_tools import running_session

from mitlib.core.errors import OptionError
from mitlib.seances.params import ENV, encode_parameters, session_parameters
from mitlib.seances.server import SESSIONS, start, voila_command


def test_parameters_travel_through_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV, raising=False)
    assert session_parameters() == {
        "donnees": None,
        "grille": None,
        "marathon": None,
        "sortie": None,
        "reprise": None,
        "public": False,
    }
    monkeypatch.setenv(
        ENV, encode_parameters(donnees=tmp_path, marathon="M3", public=True)
    )
    params = session_parameters()
    assert params["donnees"] == tmp_path and params["marathon"] == "M3"
    assert params["public"] is True and params["grille"] is None
    with pytest.raises(TypeError):
        encode_parameters(port=3)


def test_voila_serves_loopback_without_code_nor_traceback():
    command = voila_command(SESSIONS["diagnostic"][0], 8899, "127.0.0.1")
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command
    assert "--strip_sources=True" in command
    assert "--VoilaConfiguration.show_tracebacks=False" in command
    assert "--template=mitlib" in command
    with pytest.raises(OptionError, match="Séance « jury » inconnue"):
        start("jury")


def test_offline_template_has_no_cdn_link():
    from mitlib.core.config import ASSETS_DIR

    folder = ASSETS_DIR / "jupyter/voila/templates/mitlib"
    for name in ("page.html", "error.html"):
        assert "http" not in (folder / name).read_text(encoding="utf-8"), name
    # the page template names Voilà's CDN links only to remove them
    index = (folder / "index.html.j2").read_text(encoding="utf-8")
    assert index.count("https://cdn.") == index.count("| replace('<link") == 2


def test_diagnostic_session_in_chromium_offline():
    with running_session(
        "diagnostic", ready_text="Explorateur du diagnostic territorial"
    ) as (server, page):
        assert server.url.startswith("http://127.0.0.1:")
        body = page.inner_text("body")
        assert "DONNÉES FICTIVES" in body
        assert "Document interne" not in body  # no personal column in a diagnosis
        assert "from mitlib" not in body and "Traceback" not in body
        # a widget works: choose an EPCI, the map is redrawn
        page.get_by_text("Fiche commune").first.wait_for()
        page.select_option("select >> nth=0", index=1)
        page.wait_for_timeout(1500)
        assert page.locator("iframe, .folium-map, .leaflet-container").count() >= 1
        assert page.external_requests == []


def test_input_error_is_a_french_report_in_the_page(tmp_path):
    from mitlib.core.config import EXAMPLE_DIR
    from mitlib.seances.diagnostic import diagnostic_session
    from mitlib.seances.params import session_parameters

    for name in ("acteurs.csv", "evenements.csv"):
        (tmp_path / name).write_bytes((EXAMPLE_DIR / name).read_bytes())
    params = session_parameters() | {"donnees": tmp_path}
    # no locaux table: the app says which tables are missing, no traceback
    page = diagnostic_session(params).value
    assert "La séance ne peut pas s&#x27;ouvrir" in page
    assert "Tables absentes du dossier" in page and "locaux" in page
    assert "Traceback" not in page and "InputError" not in page


def test_mit_seance_prints_the_address_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "mitlib.cli", "seance", "diagnostic"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert "Séance « Explorateur du diagnostic » prête en" in line
        assert "http://127.0.0.1:" in line
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Séance arrêtée." in out and "Traceback" not in err
