"""``sim.report`` and ``negsim report``/``compare``: the offline HTML report of a run."""

from __future__ import annotations

import json
import re
import webbrowser
from pathlib import Path

import plotly.offline
import pytest

import sim
import sim.report._export
from sim import report
from sim.cli import main
from sim.report._html import TITLES

ROOT = Path(__file__).resolve().parents[1]
WAR = ROOT / "scenarios" / "war-of-attrition-deadline.toml"
#: War of attrition with 41 epochs: quick (none on T - c/2, where the game is degenerate).
SMALL = ["--runs", "40", "--set", "schedule.epochs=41", "--quiet"]
BUILT = re.compile(r'<span id="built">[^<]*</span>')
PLOTLY_BANNER = "* plotly.js v"
#: A tag that would load something: script/img/iframe/... src, link href, CSS url().
FETCH = re.compile(
    r"<(?:script|img|iframe|link|source|embed|object|audio|video)\b[^>]*"
    r"\b(?:src|href|data)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def untimed(path: Path) -> str:
    return BUILT.sub("", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "war"
    assert main(["run", str(WAR), *SMALL, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def other_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "cheap"
    argv = ["run", str(WAR), *SMALL, "--set", "concession_cost=4", "--out", str(out)]
    assert main(argv) == 0
    return out


# ---------------------------------------------------------------- negsim run and negsim report


#: The figures of a fit's page (docs/calibration.md), not a run's.
FIT_FIGURES = ("fit_marginals", "fit_pairs", "prior_posterior", "fit_predictive")


def test_negsim_run_writes_the_report(run_dir: Path) -> None:
    names = {p.name for p in run_dir.iterdir()}
    assert names == {
        "events.parquet",
        "manifest.json",
        "report-data.json",
        "report.html",
        "runs.parquet",
        "scenario.json",
        "summary.json",
    }
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<h1>War of attrition with a deadline</h1>" in html
    for section in ("summary", "backtest", "parameters", "provenance"):
        assert f'<section id="{section}">' in html
    divs = re.findall(r'<div id="(fig-[a-z_]+)" class="plotly-graph-div"', html)
    assert divs == [
        f"fig-{n}"
        for n in TITLES
        if n not in ("comparison", "qre_branch", "per_draw", "tornado", "tipping", *FIT_FIGURES)
    ]  # qre_branch: logit only; the fit's figures are on a fit's page
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    for oid, o in summary["outcomes"].items():
        lo, hi = o["ci95"]
        assert f"{o['probability']:.3f}" in html, oid
        assert f"[{lo:.3f}, {hi:.3f}]" in html, oid
    # parameters with their units and sources
    assert "<code>concession_cost</code>" in html and "days of waiting" in html
    assert "c = 8 &lt; 2T, so that the game has its mixing phase" in html


def test_the_report_is_self_contained(run_dir: Path) -> None:
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert FETCH.search(html) is None
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link\b", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.IGNORECASE)
    assert html.count(PLOTLY_BANNER) == 1
    assert plotly.offline.get_plotlyjs() in html
    assert "cdn.plot.ly/plotly" not in html.replace(plotly.offline.get_plotlyjs(), "")
    assert "mathjax" not in html.replace(plotly.offline.get_plotlyjs(), "").lower().replace(
        "mathjaxconfig: 'local'", ""
    )


def test_negsim_report_rebuilds_the_same_report(
    capsys: pytest.CaptureFixture[str], run_dir: Path, tmp_path: Path
) -> None:
    before = untimed(run_dir / "report.html")
    status, out, err = cli(capsys, "report", run_dir)
    assert (status, err) == (0, "")
    assert out.strip() == f"wrote {run_dir / 'report.html'}"
    assert untimed(run_dir / "report.html") == before
    assert BUILT.search((run_dir / "report.html").read_text(encoding="utf-8"))


def test_rebuild_without_the_cached_stage_games_solves_them_again(
    capsys: pytest.CaptureFixture[str], run_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("summary.json", "manifest.json", "runs.parquet", "events.parquet"):
        (copy / name).write_bytes((run_dir / name).read_bytes())
    (copy / "scenario.json").write_bytes((run_dir / "scenario.json").read_bytes())
    assert cli(capsys, "report", copy)[0] == 0
    assert json.loads((copy / report.DATA).read_text()) == json.loads(
        (run_dir / report.DATA).read_text()
    )
    assert untimed(copy / "report.html") == untimed(run_dir / "report.html")


def test_scenario_json_is_the_validated_document(run_dir: Path) -> None:
    document = json.loads((run_dir / "scenario.json").read_text(encoding="utf-8"))
    assert document["meta"]["start"] == "2000-01-01T00:00:00+00:00"
    assert document["schedule"]["epochs"] == 41  # the --set override is in it
    again = sim.validate(document, WAR, dates_as_text=True)  # JSON writes dates as text
    assert again.values() == sim.load(WAR, {"schedule.epochs": 41}).values()
    assert again.schedule.epochs == 41


def test_result_figures_for_jupyter() -> None:
    result = sim.run(WAR, runs=20, overrides={"schedule.epochs": 41})
    figs = result.figures()
    assert list(figs) == ["timeline", "concession", "outcomes", "stage", "stage_animation"]
    assert all(type(f).__name__ == "Figure" for f in figs.values())
    assert figs["outcomes"]._repr_html_()  # displays in a notebook


# ---------------------------------------------------------------- errors and options


def test_a_directory_that_is_not_a_run_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = cli(capsys, "report", tmp_path)
    assert status == 2
    assert out == ""
    assert err == f"negsim: {tmp_path}: no summary.json; is it a directory written by negsim run?\n"
    status, _, err = cli(capsys, "report", tmp_path / "missing")
    assert (status, err) == (2, f"negsim: {tmp_path / 'missing'}: no such directory\n")


def test_a_corrupt_file_is_one_line(
    capsys: pytest.CaptureFixture[str], run_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in run_dir.iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    (copy / "summary.json").write_text("{not json", encoding="utf-8")
    status, _, err = cli(capsys, "report", copy)
    assert status == 2
    assert err.startswith(f"negsim: {copy / 'summary.json'}: cannot read: ")
    assert len(err.splitlines()) == 1


def test_static_export_without_chrome_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, run_dir: Path
) -> None:
    monkeypatch.setattr(sim.report._export, "find_chrome", lambda: None)
    status, out, err = cli(capsys, "report", run_dir, "--format", "png")
    assert status == 2
    assert err == (
        "negsim: static export needs Chrome or Chromium (apt-get install chromium); "
        f"the HTML report is at {run_dir / 'report.html'}\n"
    )
    assert out.strip() == f"wrote {run_dir / 'report.html'}"  # the HTML report is still there
    assert not (run_dir / "figures").exists()


def test_unknown_format_is_rejected(capsys: pytest.CaptureFixture[str], run_dir: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", str(run_dir), "--format", "gif"])
    assert exc.value.code == 2
    assert "invalid choice: 'gif'" in capsys.readouterr().err
    with pytest.raises(sim.SimError, match=r"format 'gif': must be one of png, svg, pdf"):
        report.export(run_dir, "gif")


def test_open_flag_opens_the_file_in_a_browser(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    run_dir: Path,
    tmp_path: Path,
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    assert cli(capsys, "report", run_dir, "--open")[0] == 0
    out = tmp_path / "fresh"
    assert cli(capsys, "run", WAR, *SMALL, "--out", out, "--open")[0] == 0
    assert opened == [
        (run_dir / "report.html").resolve().as_uri(),
        (out / "report.html").resolve().as_uri(),
    ]
    assert all(url.startswith("file:///") for url in opened)


def test_help_mentions_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["report", "--help"], ["compare", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "examples:" in out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "report" in out and "compare" in out


# ---------------------------------------------------------------- negsim compare


def test_negsim_compare(
    capsys: pytest.CaptureFixture[str], run_dir: Path, other_dir: Path, tmp_path: Path
) -> None:
    page = tmp_path / "compare.html"
    status, out, err = cli(capsys, "compare", run_dir, other_dir, "--out", page)
    assert (status, err) == (0, "")
    assert out.strip() == f"wrote {page}"
    html = page.read_text(encoding="utf-8")
    assert html.count(PLOTLY_BANNER) == 1
    assert FETCH.search(html) is None
    assert '<div id="fig-comparison" class="plotly-graph-div"' in html
    # the counterfactual is labelled by what changed from the baseline
    assert "<td>war-of-attrition-deadline</td>" in html
    assert "<td>war-of-attrition-deadline (concession_cost=4)</td>" in html
    for d in (run_dir, other_dir):
        summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
        assert f"{summary['outcomes']['deadline']['probability']:.3f}" in html
    base, other = (
        json.loads((d / "summary.json").read_text(encoding="utf-8"))["outcomes"]["deadline"]
        for d in (run_dir, other_dir)
    )
    change = other["probability"] - base["probability"]
    assert f"{other['probability']:.3f} ({change:+.3f})" in html  # against the baseline
    assert "Not comparable" not in html


def test_compare_warns_on_unrelated_scenarios(
    capsys: pytest.CaptureFixture[str], run_dir: Path, tmp_path: Path
) -> None:
    gsomia = tmp_path / "gsomia"
    quick = {"schedule.epochs": 20, "pressure.shocks.rate_per_day": 0.0}
    sim.run(ROOT / "scenarios" / "gsomia-2019.toml", runs=10, overrides=quick).write(gsomia)
    page = tmp_path / "compare.html"
    status, _, err = cli(capsys, "compare", run_dir, gsomia, "--out", page)
    assert status == 0
    assert err.splitlines() == [
        "negsim: warning: not comparable: gsomia-2019 has players korea, japan; the baseline "
        "war-of-attrition-deadline has a, b",
        "negsim: warning: not comparable: gsomia-2019 has outcomes suspension_for_talks, "
        "curbs_lifted, korea_backs_down, lapse; the baseline war-of-attrition-deadline has "
        "a_gives_in, b_gives_in, both_give_in, deadline",
    ]
    assert page.read_text(encoding="utf-8").count('<p class="warning">Not comparable: ') == 2


def test_compare_needs_two_runs(
    capsys: pytest.CaptureFixture[str], run_dir: Path, tmp_path: Path
) -> None:
    status, _, err = cli(capsys, "compare", run_dir, "--out", tmp_path / "x.html")
    assert (status, err) == (2, "negsim: compare needs at least two run directories\n")
    with pytest.raises(SystemExit):
        main(["compare", str(run_dir), str(run_dir)])  # --out is required
    assert "--out" in capsys.readouterr().err
