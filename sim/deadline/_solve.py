"""``sim.solve``: one stage game of a scenario, all its equilibria, the selected one, the
static analysis, and the equilibrium path of the whole deadline game; under the logit
concept also the stage game's logit QRE and the principal branch that leads to it."""

from __future__ import annotations

import html
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import nashpy
import numpy as np
from numpy.typing import NDArray

from sim.deadline._game import Game
from sim.deadline._policy import Policy
from sim.equilibria import (
    QRE,
    Branch,
    EquilibriumSet,
    Selection,
    StaticAnalysis,
    analyse,
    logit_branch,
    logit_qre,
    nashpy_game,
    nfg_text,
    order_decided,
    select,
)
from sim.equilibria import solve as solve_game
from sim.errors import ArgumentError, SimError
from sim.scenario import Scenario, facts_html, facts_repr, load, validate, with_overrides

__all__ = [
    "SolveResult",
    "path_records",
    "solve",
    "solve_epochs",
]

FloatArray = NDArray[np.float64]

#: The module that draws a solve's figures (:meth:`SolveResult.figures`).
REPORT_BACKEND = "sim.report"


@dataclass(frozen=True)
class SolveResult:
    """The stage game at one epoch and the deadline game's equilibrium path.

    Under the logit concept ``qre`` is the stage game's logit QRE (the one the path plays at
    this epoch) and ``branch`` the principal branch from lambda = 0 to it; both are ``None``
    under the Nash concept. ``to_dict()`` gives the documented JSON of ``negsim solve
    --json`` (docs/outputs.md).
    """

    scenario: Scenario
    game: Game
    epoch: int
    A: FloatArray
    B: FloatArray
    equilibria: EquilibriumSet
    selection: Selection | None
    analysis: StaticAnalysis
    path: Policy
    qre: QRE | None = None
    branch: Branch | None = None

    @property
    def hours(self) -> float:
        return float(self.game.live_times[self.epoch])

    def to_nfg(self) -> str:
        """This stage game in Gambit's ``.nfg`` format (``negsim solve --nfg FILE``)."""
        players = self.scenario.players
        title = f"{self.scenario.meta.id} epoch {self.epoch}"
        return nfg_text(
            self.A, self.B, title, [p.id for p in players], [p.actions for p in players]
        )

    def to_nashpy(self) -> nashpy.Game:
        """This stage game as a ``nashpy.Game``."""
        return nashpy_game(self.A, self.B)

    def _facts(self) -> dict[str, str]:
        """What a notebook shows of the result (its repr and HTML repr)."""
        chosen = "none (rule all)" if self.selection is None else str(self.selection.index)
        probs = self.path.outcome_probabilities()
        return {
            "epoch": f"{self.epoch} ({self.hours:.1f} h after the start)",
            "equilibria": f"{len(self.equilibria.equilibria)}, selected {chosen}",
            "path outcomes": ", ".join(f"{k} {v:.3f}" for k, v in probs.items()),
        }

    def __repr__(self) -> str:
        return facts_repr("SolveResult", self.scenario.meta.id, self._facts())

    def _repr_html_(self) -> str:
        head = f"<b>{html.escape(self.scenario.meta.name)}</b>: solved"
        return facts_html(head, self._facts())

    def figures(self) -> dict[str, Any]:
        """Interactive figures of this stage game by name (``plotly.graph_objects.Figure``):
        ``stage`` and, under the logit concept, ``qre_branch``.

        Drawn by :func:`sim.report.solve_figures`, looked up by name as
        :meth:`sim.RunResult.figures` does, so that solving does not depend on plotting.
        """
        report = importlib.import_module(REPORT_BACKEND)
        figures: dict[str, Any] = report.solve_figures(self)
        return figures

    def cell_outcomes(self) -> list[list[str | None]]:
        """The outcome id each cell ends in, None where the game continues."""
        ids = self.game.payoffs.outcome_ids
        return [
            [ids[c] if c >= 0 else None for c in row] for row in self.game.payoffs.outcome_of_cell
        ]

    def to_dict(self) -> dict[str, Any]:
        s, sch = self.scenario, self.game.schedule
        out = {
            "scenario": s.meta.id,
            "epoch": self.epoch,
            "live_epochs": sch.live,
            "hours": self.hours,
            "datetime": sch.datetime_at(self.hours).isoformat(),
            "hours_before_deadline": sch.window_hours - self.hours,
            "pressure": float(self.path.pressure[self.epoch - self.path.first]),
            "players": [
                {"id": p.id, "name": p.name, "actions": list(p.actions)} for p in s.players
            ],
            "stage_game": {
                "row_payoffs": self.A.tolist(),
                "col_payoffs": self.B.tolist(),
                "outcomes": self.cell_outcomes(),
            },
            "equilibria": self.equilibria.to_dict(),
            "selected": None
            if self.selection is None
            else {
                "index": self.selection.index,
                "rule": self.selection.rule,
                "reason": self.selection.reason,
                "tied": self.selection.tied,
            },
            "analysis": self.analysis.to_dict(),
            "path": path_records(self.game, self.path),
            "path_outcomes": self.path.outcome_probabilities(),
        }
        if self.qre is not None and self.branch is not None:
            out.update(concept="logit", qre=self.qre.to_dict(), branch=self.branch.to_dict())
        return out


def path_records(game: Game, policy: Policy) -> list[dict[str, Any]]:
    """One record per live epoch of a policy (the rows of ``negsim solve --path``)."""
    sch, (row, col) = game.schedule, game.scenario.players
    records = []
    for i, t in enumerate(policy.times):
        records.append(
            {
                "epoch": policy.first + i,
                "hours": float(t),
                "datetime": sch.datetime_at(float(t)).isoformat(),
                "hours_before_deadline": float(sch.window_hours - t),
                "pressure": float(policy.pressure[i]),
                "row_strategy": dict(zip(row.actions, policy.row[i].tolist(), strict=True)),
                "col_strategy": dict(zip(col.actions, policy.col[i].tolist(), strict=True)),
                "p_agree": float(policy.p_agree[i]),
                "reach": float(policy.reach[i]),
                "values": policy.values[i].tolist(),
                "equilibria": int(policy.equilibria[i]),
                "degenerate": bool(policy.degenerate[i]),
                "reason": policy.reasons[i],
                "tied": order_decided(policy.reasons[i]),
            }
        )
    return records


def _with_equilibrium(scenario: Scenario, **changes: str | float | None) -> Scenario:
    """The scenario with some ``[equilibrium]`` keys set (those not ``None``)."""
    given = {key: value for key, value in changes.items() if value is not None}
    if not given:
        return scenario
    doc = dict(scenario.document)
    config = {**doc.get("equilibrium", {}), **given}
    return validate({**doc, "equilibrium": config}, scenario.path, roots=scenario.roots)


def solve(
    scenario: Scenario | str | Path,
    *,
    at: datetime | None = None,
    epoch: int | None = None,
    overrides: Mapping[str, float] | None = None,
    method: str | None = None,
    rule: str | None = None,
    concept: str | None = None,
    lam: float | None = None,
) -> SolveResult:
    """Solve the stage game at a live epoch (the first by default) and the deadline game.

    Parameters
    ----------
    at, epoch:
        Which stage game: the live epoch at or before ``at``, or epoch number ``epoch``.
    overrides:
        Values to change first, by dotted name.
    method, rule:
        Override the scenario's equilibrium method and selection rule. With ``rule="all"``
        every equilibrium is listed and the continuation uses ``payoff_dominant``.
    concept, lam:
        Override the scenario's solution concept (``"nash"`` or ``"logit"``) and the logit
        precision lambda. Under ``"logit"`` the deadline game is played at each epoch's logit
        QRE, and the result carries the stage game's QRE and its branch.

    Raises
    ------
    ScenarioError
        When the changed scenario is not valid (``"logit"`` without a precision, a negative
        one, an unknown concept).

    Examples
    --------
    >>> import sim
    >>> r = sim.solve("scenarios/war-of-attrition-deadline.toml", epoch=0)
    >>> len(r.equilibria.equilibria), r.selection.rule
    (3, 'max_entropy')
    >>> round(r.path.outcome_probabilities()["deadline"], 4)  # continuous time: exp(-1.5) = 0.2231
    0.2224
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario, overrides)
    elif overrides:
        scenario = with_overrides(scenario, overrides)
    scenario = _with_equilibrium(
        scenario, method=method, selection=rule, concept=concept, **{"lambda": lam}
    )
    game = _game(scenario)
    k = _epoch(game, at, epoch)
    return _result(game, k, game.policy(k), method is not None, scenario)


def solve_epochs(scenario: Scenario, epochs: Sequence[int]) -> list[SolveResult]:
    """:func:`solve` at each of several live epochs, with the scenario's own method and rule:
    one game, and the deadline games from all the epochs in one backward induction."""
    if not epochs:
        return []
    game = _game(scenario)
    for k in epochs:
        _epoch(game, None, k)
    policies = game.policies_from(epochs)
    return [_result(game, k, policy, False) for k, policy in zip(epochs, policies, strict=True)]


def _result(
    game: Game, k: int, policy: Policy, own_method: bool, shown: Scenario | None = None
) -> SolveResult:
    """The stage game at epoch k under ``policy``: its equilibria (by the scenario's method,
    through ``solve_game`` when ``own_method``), selection and static analysis. ``shown`` is
    the scenario as asked for (its rule ``all`` when the game's continuation uses another)."""
    scenario = game.scenario if shown is None else shown
    A, B = game.stage(k, policy)
    config = scenario.equilibrium
    eqs = solve_game(A, B, config.method) if own_method else game.equilibria(A, B)
    selection = None if config.selection == "all" else select(eqs, config.selection, A, B)
    lam = game.precision
    qre = None if lam is None else logit_qre(A, B, lam)  # as the induction solved it
    branch = None if lam is None else logit_branch(A, B, lam)
    return SolveResult(scenario, game, k, A, B, eqs, selection, analyse(A, B), policy, qre, branch)


def _game(scenario: Scenario) -> Game:
    """The game of ``scenario``; with the ``all`` rule its continuation uses payoff_dominant."""
    if scenario.equilibrium.selection != "all":
        return Game.from_scenario(scenario)
    return Game.from_scenario(_with_equilibrium(scenario, selection="payoff_dominant"))


def _epoch(game: Game, at: datetime | None, epoch: int | None) -> int:
    live = game.schedule.live
    if live == 0:
        raise SimError("no decision epoch can take effect before the deadline")
    if at is not None and epoch is not None:
        raise ArgumentError("epoch", epoch, "give a time (at) or an epoch, not both")
    if at is not None:
        if at.tzinfo is None:
            raise ArgumentError("at", at.isoformat(), "give a timezone, e.g. +09:00")
        hours = game.schedule.hours_at(at)
        if not 0 <= hours <= game.schedule.window_hours:
            raise ArgumentError("at", at.isoformat(), "outside the window [start, deadline]")
        return min(int(np.searchsorted(game.live_times, hours, "right")) - 1, live - 1)
    k = 0 if epoch is None else epoch
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k < live:
        raise ArgumentError("epoch", k, f"must be a live epoch in [0, {live})")
    return int(k)
