"""The HTML report in a real browser (headless Chromium through Playwright), offline.

The page is opened from disk with every request that is not ``file://`` aborted. Screenshots
at 1280x800 go to ``screenshots/`` (ignored by git) so that a person can look at them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import sim
from sim import report

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the browser extra is not installed
    sync_playwright = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: GSOMIA made quick: no random shocks (one policy) and 20 decision epochs.
QUICK = {"pressure.shocks.rate_per_day": 0.0, "schedule.epochs": 20}
#: Quoted in scenarios/gsomia-2019.toml for the first pressure point, from seeds/002.
QUOTE = "But the decision drew pushback from the countries' mutual ally the United States"

if sync_playwright is None:
    _missing = "playwright is not installed (pip install -e '.[test,browser]')"
elif not CHROMIUM.is_file():
    _missing = f"{CHROMIUM} is missing (apt-get install chromium)"
else:
    _missing = ""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(bool(_missing), reason=_missing),
]


@pytest.fixture(scope="module")
def gsomia_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gsomia")
    result = sim.run(ROOT / "scenarios" / "gsomia-2019.toml", runs=30, overrides=QUICK)
    result.write(out)
    report.write_report(result, out)
    return out


@pytest.fixture(scope="module")
def xss_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xss")
    text = (ROOT / "scenarios" / "war-of-attrition-deadline.toml").read_text(encoding="utf-8")
    text = text.replace(
        'name = "War of attrition with a deadline"', 'name = "<script>alert(1)</script>"'
    ).replace('name = "Player A"', 'name = "<img src=x onerror=alert(2)>"')
    text = text.replace('seeds_dir = "../seeds"', f"seeds_dir = {str(ROOT / 'seeds')!r}")
    path = out / "xss.toml"
    path.write_text(text, encoding="utf-8")
    with sim.scenario.allow_roots([ROOT / "seeds"]):  # the seeds lie outside the tmp project
        result = sim.run(path, runs=20, overrides={"schedule.epochs": 41})
        result.write(out)
        report.write_report(result, out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


class Opened:
    """A report open in a page, with what went wrong while loading it."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length > 0"
        )

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def opened(browser: Browser, gsomia_dir: Path) -> Iterator[Opened]:
    SHOTS.mkdir(exist_ok=True)
    page = Opened(browser, gsomia_dir / report.REPORT)
    yield page
    page.close()


def _figure_names(directory: Path) -> list[str]:
    return list(report.build_figures(report.load_run(directory)))


def test_report_renders_offline_without_errors(opened: Opened, gsomia_dir: Path) -> None:
    names = _figure_names(gsomia_dir)
    page = opened.page
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length === {len(names)}")
    rendered = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(d => ({
            id: d.id, svg: d.querySelectorAll('svg.main-svg').length,
            traces: d.querySelectorAll('.trace').length, width: d.clientWidth}))"""
    )
    assert [r["id"] for r in rendered] == [f"fig-{n}" for n in names]
    for r in rendered:
        assert r["svg"] >= 1, r
        assert r["traces"] >= 1, r
        assert 900 <= r["width"] <= 1280, r
    assert opened.errors == []
    assert opened.requests == []
    page.screenshot(path=str(SHOTS / "report-top.png"))
    page.screenshot(path=str(SHOTS / "report-full.png"), full_page=True)
    for name in names:
        page.locator(f"#fig-{name}").screenshot(path=str(SHOTS / f"figure-{name}.png"))


def _heatmap_state(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
            const gd = document.getElementById('fig-stage_animation');
            return {z: gd.data[0].z, active: gd.layout.sliders[0].active,
                    cells: [...gd.querySelectorAll('.hm text, .heatmaplayer text')]
                        .map(t => t.textContent).join('|'),
                    title: gd.querySelector('.gtitle').textContent};
        }"""
        )
    )


def test_moving_the_slider_changes_the_heatmap(opened: Opened) -> None:
    page = opened.page
    figure = page.locator("#fig-stage_animation")
    figure.scroll_into_view_if_needed()
    before = _heatmap_state(page)
    assert before["active"] == 0
    rail = page.locator("#fig-stage_animation .slider-rail-touch-rect").first
    box = rail.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.97, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "document.getElementById('fig-stage_animation').layout.sliders[0].active > 0"
    )
    page.wait_for_timeout(300)
    after = _heatmap_state(page)
    assert after["active"] > 0
    assert after["z"] != before["z"]
    assert after["cells"] != before["cells"]
    assert after["title"] != before["title"]
    figure.screenshot(path=str(SHOTS / "stage-slider-moved.png"))
    assert opened.errors == []


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_hover_on_an_event_shows_its_evidence_quote(opened: Opened) -> None:
    page = opened.page
    page.locator("#fig-timeline").scroll_into_view_if_needed()
    label = page.evaluate(
        """() => {
            const gd = document.getElementById('fig-timeline');
            const curve = gd.data.findIndex(t => t.meta === 'events');
            Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: 0}], 'xy');
            const layer = gd.querySelector('.hoverlayer');
            return layer ? layer.textContent : '';
        }"""
    )
    assert _squash(QUOTE) in _squash(label), label
    assert "002_0ba34af4b7726dd0.txt" in label
    page.locator("#fig-timeline").screenshot(path=str(SHOTS / "timeline-hover.png"))


def test_the_log_button_rescales_the_concession_axis(opened: Opened) -> None:
    page = opened.page
    figure = page.locator("#fig-concession")
    figure.scroll_into_view_if_needed()
    figure.locator(".updatemenu-button").nth(1).click()
    page.wait_for_function(
        "document.getElementById('fig-concession').layout.xaxis.tickmode === 'array'"
    )
    title = page.evaluate("document.getElementById('fig-concession').layout.xaxis.title.text")
    assert "log scale" in title
    figure.screenshot(path=str(SHOTS / "concession-log.png"))
    assert opened.errors == []


def test_scenario_text_cannot_run_script(browser: Browser, xss_dir: Path) -> None:
    page = Opened(browser, xss_dir / report.REPORT)
    try:
        heading = page.page.locator("h1").text_content()
        legend = page.page.locator("#fig-timeline .legend").text_content()
        assert heading == "<script>alert(1)</script>"
        assert "<img src=x onerror=alert(2)>" in (legend or "")
        assert page.dialogs == []
        assert page.errors == []
        assert page.requests == []
        page.page.screenshot(path=str(SHOTS / "xss-top.png"))
    finally:
        page.close()


def test_static_export_writes_one_file_per_figure(gsomia_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(gsomia_dir, copy)
    written = report.export(copy, "svg")
    assert sorted(p.name for p in written) == sorted(f"{n}.svg" for n in _figure_names(copy))
    for p in written:
        assert p.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert not [p for p in (copy / "figures").iterdir() if p.is_dir()]


def test_each_zoom_button_ends_at_the_deadline_with_the_concessions_in_view(
    opened: Opened, gsomia_dir: Path
) -> None:
    page = opened.page
    figure = page.locator("#fig-timeline")
    figure.scroll_into_view_if_needed()
    info = report.load_run(gsomia_dir).info
    deadline = _ms(info["deadline"])
    for i, label in enumerate(["last day", "last week", "whole window"]):
        figure.locator(".updatemenu-button").nth(i).click()
        page.wait_for_timeout(300)
        got = page.evaluate(
            """() => {
            const gd = document.getElementById('fig-timeline');
            const ms = s => new Date(String(s).replace(' ', 'T') + 'Z').getTime();
            const marks = gd.data.filter(t => (t.name || '').endsWith('(▼ concession)'))
                .flatMap(t => [...t.x].map(ms));
            return {range: gd._fullLayout.xaxis.range.map(ms), marks: marks};
        }"""
        )
        lo, hi = got["range"]
        assert deadline < hi <= deadline + 0.05 * (deadline - lo), (label, got["range"])
        late = [m for m in got["marks"] if m >= lo]
        assert all(m <= hi for m in late), label
        if label == "last day":
            assert late, "no concession marker in the last day"
        figure.screenshot(path=str(SHOTS / f"timeline-{label.replace(' ', '-')}.png"))
    assert opened.errors == []


def _ms(iso: str) -> float:
    """Milliseconds of a wall-clock time in the scenario's zone, as plotly reads it (UTC)."""
    when = datetime.fromisoformat(iso).replace(tzinfo=UTC)
    return when.timestamp() * 1000
