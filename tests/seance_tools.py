"""Drive a live session (``mit seance``) in Chromium, offline.

``running_session(kind, **params)`` starts the Voilà server of a session on a
free port of 127.0.0.1, opens its page in Debian's Chromium through
Playwright with every request that does not go to 127.0.0.1 aborted and
recorded (``page.external_requests``), and stops everything at the end.
Tests using it skip when Chromium or Playwright is missing.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Generous: two busy cores execute the notebook before the page shows.
TIMEOUT_MS = 120_000


def _require_browser():
    if not shutil.which("chromium"):
        pytest.skip("Chromium absent (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


@contextlib.contextmanager
def running_session(kind: str, *, ready_text: str, **params) -> Iterator[tuple]:
    """(server, page) of a session whose page shows *ready_text*.

    ``page.external_requests`` lists the URLs the page tried to fetch
    outside 127.0.0.1 (all aborted); ``page.console_errors`` its console
    errors; ``page.load_seconds`` the time from the request to *ready_text*.
    """
    sync_api = _require_browser()
    from mitlib.seances.server import start

    server = start(kind, **params)
    try:
        server.wait_ready()
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.external_requests = []
            page.console_errors = []

            def route(r):
                if r.request.url.startswith("http://127.0.0.1:"):
                    r.continue_()
                else:
                    page.external_requests.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on(
                "console",
                lambda m: (
                    page.console_errors.append(m.text) if m.type == "error" else None
                ),
            )
            began = time.perf_counter()
            page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
            page.get_by_text(ready_text).first.wait_for(timeout=TIMEOUT_MS)
            page.load_seconds = time.perf_counter() - began
            try:
                yield server, page
            finally:
                browser.close()
    finally:
        server.stop()
