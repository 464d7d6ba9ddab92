"""report.html in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright with the system browser. Skips with a message when either is missing.

Checks: no console message of level error (and no page error), every figure present and
drawn (an inline SVG with a size), hostile record text shown as text and never run.
Saves a full-page screenshot: ``$EVIDENCEKIT_ARTIFACTS/report.png`` if that variable is
set, else in the test's temporary folder (its path is printed).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from report_review import HOSTILE

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser() -> str:
    found = os.environ.get("EVIDENCEKIT_CHROMIUM") or next(
        (path for name in CANDIDATES if (path := shutil.which(name))), None
    )
    if not found:
        pytest.skip("no Chromium found (apt-get install chromium, or set EVIDENCEKIT_CHROMIUM)")
    return found


def test_report_in_headless_chromium(ran_review, tmp_path):
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright for Python is not installed "
        "(pip install playwright; the browser is the system's)",
    )
    executable = _browser()
    report = ran_review / "outputs" / "report.html"
    messages: list[tuple[str, str]] = []
    dialogs: list[str] = []
    artifacts = Path(os.environ.get("EVIDENCEKIT_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / "report.png"
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        except Exception as exc:  # a browser that cannot start here (no display libraries)
            pytest.skip(f"Chromium at {executable} does not start: {exc}")
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: messages.append((m.type, m.text)))
            page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            # Offline: any request that leaves the file is refused and reported.
            requests: list[str] = []
            page.route(
                "**/*",
                lambda route: (
                    requests.append(route.request.url),
                    route.continue_() if route.request.url.startswith("file:") else route.abort(),
                ),
            )
            page.goto(report.as_uri(), wait_until="load")
            figures = page.locator("figure")
            files = sorted(p.name for p in report.parent.glob("*.svg"))
            assert sorted(figures.evaluate_all("els => els.map(e => e.dataset.file)")) == files
            for index in range(figures.count()):
                box = figures.nth(index).locator("svg").bounding_box()
                assert box is not None and box["width"] > 100 and box["height"] > 100
            body = page.inner_text("body")
            assert HOSTILE in body and "Web of Science <b>bold</b>" in body
            assert page.locator("b", has_text="bold").count() == 0
            assert page.evaluate("document.scripts.length") == 0
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    print(f"screenshot: {shot}")
    assert dialogs == []
    assert [m for m in messages if m[0] in ("error", "pageerror")] == []
    assert [u for u in requests if not u.startswith("file:")] == []
    assert shot.stat().st_size > 10_000
