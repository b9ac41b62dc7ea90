"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser),
against pytest-django's live server, with axe-core checking every page a journey visits.

The journeys use the keyboard wherever a person would: Tab to reach a field, a link or a
button, typing, Space to tick, arrows inside a radio group, Enter to follow or send.
"""
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. While Playwright runs, its event loop is running in this
    thread, and Django refuses ORM calls from a thread with a running loop unless told that
    this is intended: the tests drive the ORM and the browser one after the other, never at
    once. The permission is given for the module only, so that no other test, and no server
    that a test starts, inherits it (`check --deploy` rightly rejects it)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} est introuvable : `make test` installe le paquet Debian chromium.")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    # bypass_csp is for the tests only: the site's CSP forbids inline scripts, and axe-core is
    # injected as one. The pages under test are served with their real CSP header all the same.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """axe-core, WCAG 2.1 A and AA rules, on the page as it is now: no violation."""
    if not AXE_JS.exists():
        pytest.fail("axe-core manque : lancez `make test` (ou `npm ci --prefix tests/browser`).")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' : ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
            }));
        }""",
        WCAG_TAGS,
    )
    if violations:
        lines = [f"axe-core : {len(violations)} violation(s) sur {page.url}"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']} — {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"][:5])
        pytest.fail("\n".join(lines), pytrace=False)


def tab_to(page, locator, *, limit: int = 120) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would; fail if it never does."""
    locator.wait_for(state="visible")
    handle = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if handle.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Jamais atteint au clavier en {limit} tabulations : {locator}")


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def activate(page, locator) -> None:
    """Reach a link or a button with Tab and press Enter, waiting for the next page."""
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tick(page, checkbox) -> None:
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    assert checkbox.is_checked()


def choose_radio(page, group, index: int) -> None:
    """Tab into a radio group (focus lands on its first button), then arrows to `index`."""
    tab_to(page, group.nth(0))
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    assert group.nth(index).is_checked()
