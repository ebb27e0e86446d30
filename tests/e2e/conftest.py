"""Browser tests: Playwright driving Debian's chromium against a live Baomi server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are
# still synchronous, so Django's guard against async contexts does not apply here
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
# every screenshot a browser test takes lands here, one folder per test
SHOTS = Path(os.environ.get("BAOMI_TEST_OUTPUT", ROOT / "var" / "test-output")) / "screens"
# `make guide` sets this, so the user guide's pictures are the ones the tests took
GUIDE_IMAGES = ROOT / "docs" / "guide" / "img"

CHROMIUM = os.environ.get("BAOMI_CHROMIUM", "/usr/bin/chromium")
# the flags that keep chromium off the network on an isolated machine
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_url(committed_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A Baomi server on a free port of 127.0.0.1, on the test database."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()


def _csp_violation(text: str) -> bool:
    # chromium reports a blocked script, style, image or frame in the console, as
    # "Refused to … because it violates the following Content Security Policy directive"
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@contextmanager
def chromium_page(live_url: str) -> Iterator[tuple[Any, list[str]]]:
    """A chromium page on the live server, and the list it fills with what the browser reported:
    each breach of the Content-Security-Policy and each uncaught error."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium is not installed at {CHROMIUM}: `make test` installs it")
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", base_url=live_url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda m: problems.append(f"{page.url}: {m.text}") if _csp_violation(m.text) else None,
        )
        page.on("pageerror", lambda e: problems.append(f"{page.url}: uncaught {e}"))
        try:
            yield page, problems
        finally:
            context.close()
            browser.close()


@pytest.fixture
def page(live_url) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The test fails if the page breaks the Content-Security-Policy or throws an uncaught
    error, whatever it asserted itself."""
    with chromium_page(live_url) as (page, problems):
        yield page
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def shot(page, request) -> Callable[..., Path]:  # type: ignore[no-untyped-def]
    """`shot("clerk-workbench")` saves a screenshot of the page under the test output; with
    BAOMI_GUIDE_SHOTS=1 it also refreshes the user guide's picture of that name."""

    def take(name: str, *, full_page: bool = True) -> Path:
        folder = SHOTS / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        # Playwright hides a focused field's caret by injecting a style, which the page's
        # Content-Security-Policy rightly refuses; the caret stays as it is
        page.screenshot(path=str(path), full_page=full_page, caret="initial")
        if os.environ.get("BAOMI_GUIDE_SHOTS") == "1":
            GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, GUIDE_IMAGES / path.name)
        return path

    return take
