"""Static export of a run's figures (PNG, SVG, PDF) through kaleido and a local Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sim.errors import ArgumentError, SimError
from sim.report._data import load_run
from sim.report._html import REPORT
from sim.report._run import build_figures

__all__ = ["FORMATS", "export", "find_chrome"]

#: Static exports: formats, and the page size a figure is drawn at.
FORMATS = ("png", "svg", "pdf")

EXPORT_WIDTH = 1280

CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chrome() -> str | None:
    """A Chrome or Chromium executable that kaleido can drive, or None."""
    for name in CHROME_NAMES:
        found = shutil.which(name)
        if found:
            return found
    try:
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False)
    except Exception:  # any failure means "not found"
        return None
    return str(found) if found else None


def export(directory: str | Path, fmt: str) -> list[Path]:
    """Write each figure of a run as ``DIR/figures/<name>.<fmt>`` through kaleido."""
    if fmt not in FORMATS:
        raise ArgumentError("format", fmt, f"must be one of {', '.join(FORMATS)}")
    d = Path(directory)
    report = d / REPORT
    chrome = find_chrome()
    if chrome is None:
        raise SimError(
            "static export needs Chrome or Chromium (apt-get install chromium); "
            f"the HTML report is at {report}"
        )
    try:
        import kaleido
    except ImportError:
        raise SimError(
            "static export needs kaleido (pip install 'negsim[browser]'); "
            f"the HTML report is at {report}"
        ) from None
    figs = build_figures(load_run(d))
    out = d / "figures"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        specs = [
            {
                "fig": fig.to_dict(),
                "path": Path(tmp) / f"{name}.{fmt}",
                "opts": {"format": fmt, "width": EXPORT_WIDTH, "height": fig.layout.height},
            }
            for name, fig in figs.items()
        ]
        try:
            kaleido.write_fig_from_object_sync(specs, kopts={"path": chrome, "mathjax": False})
        except Exception as exc:  # kaleido and the browser raise many kinds
            detail = " ".join(str(exc).split())[:200]
            raise SimError(
                f"static export failed ({type(exc).__name__}: {detail}); "
                f"the HTML report is at {report}"
            ) from None
        written = []
        for spec in specs:
            target = out / spec["path"].name
            os.replace(spec["path"], target)
            written.append(target)
    return written
