"""Browser tests: Playwright driving Debian's chromium against a live Baomi server."""

from __future__ import annotations

import os
import re
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


class Problems(list[str]):
    """What the browser reported that no page of ours should cause: each breach of the
    Content-Security-Policy, each console error, each uncaught error, and each answer of the
    server of 400 or more, unless the test said it expects that answer with `allow`."""

    def __init__(self, origin: str) -> None:
        super().__init__()
        self.origin = origin
        self.allowed: list[tuple[int, re.Pattern[str]]] = []

    def allow(self, status: int, path: str, *, reason: str) -> None:
        """The test expects the server to answer `status` for paths matching the regular
        expression `path` (a denial it checks, say); `reason` says why, for the reader."""
        assert reason, "say why the test expects an error answer"
        self.allowed.append((status, re.compile(path)))

    def _expected(self, status: int, url: str) -> bool:
        path = url.removeprefix(self.origin)
        return any(s == status and p.search(path) for s, p in self.allowed)

    def on_console(self, page: Any, message: Any) -> None:
        text = message.text
        if _csp_violation(text):
            self.append(f"{page.url}: {text}")
        elif message.type == "error":
            # chromium logs every failed load as a console error; our own server's answers are
            # judged by on_response, which knows what the test expected
            url = (message.location or {}).get("url", "")
            if text.startswith("Failed to load resource") and url.startswith(self.origin):
                return
            self.append(f"{page.url}: console error: {text}")

    def on_response(self, response: Any) -> None:
        url = response.url
        if not url.startswith(self.origin) or response.status < 400:
            return
        if not self._expected(response.status, url):
            method = response.request.method
            self.append(f"{method} {url.removeprefix(self.origin)} answered {response.status}")


@contextmanager
def chromium_page(live_url: str) -> Iterator[tuple[Any, Problems]]:
    """A chromium page on the live server, and the Problems it fills with what the browser
    reported."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium is not installed at {CHROMIUM}: `make test` installs it")
    from playwright.sync_api import sync_playwright

    problems = Problems(live_url)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", base_url=live_url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: problems.on_console(page, m))
        page.on("pageerror", lambda e: problems.append(f"{page.url}: uncaught {e}"))
        page.on("response", problems.on_response)
        try:
            yield page, problems
        finally:
            context.close()
            browser.close()


@pytest.fixture
def browser_page(live_url) -> Iterator[tuple[Any, Problems]]:  # type: ignore[no-untyped-def]
    """The page and its Problems; the test fails if there are any, whatever it asserted."""
    with chromium_page(live_url) as (page, problems):
        yield page, problems
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(browser_page) -> object:  # type: ignore[no-untyped-def]
    """A chromium page on the live server; the test fails on a breach of the
    Content-Security-Policy, a console error, an uncaught error, or an error answer of the
    server it did not `allow_response`."""
    return browser_page[0]


@pytest.fixture
def allow_response(browser_page) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """`allow_response(403, r"^/ledger/documents/\\d+/$", reason="…")`: the test expects that
    answer (a denial it checks), so it is not a failure."""
    return browser_page[1].allow


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
