"""Whether two solvers' equilibrium lists agree, in order or as sets."""

from __future__ import annotations

import numpy as np

from benchmarks.baselines import Profile

#: Largest difference in any probability for two equilibria to count as the same.
SAME_TOL = 1e-9


def same_profile(one: Profile, other: Profile) -> bool:
    """Both strategies agree within :data:`SAME_TOL` in every probability."""
    return all(
        a.shape == b.shape and bool(np.abs(a - b).max() <= SAME_TOL)
        for a, b in zip(one, other, strict=True)
    )


def same_list(ours: list[Profile], theirs: list[Profile]) -> bool:
    """Same equilibria in the same order."""
    return len(ours) == len(theirs) and all(
        same_profile(a, b) for a, b in zip(ours, theirs, strict=True)
    )


def same_set(ours: list[Profile], theirs: list[Profile]) -> bool:
    """Same equilibria in any order (each of ours matched to a distinct one of theirs)."""
    left = list(theirs)
    for profile in ours:
        match = next((i for i, other in enumerate(left) if same_profile(profile, other)), None)
        if match is None:
            return False
        del left[match]
    return not left


def in_order_within(part: list[Profile], whole: list[Profile]) -> bool:
    """``part`` is ``whole`` with some equilibria left out, order kept."""
    position = 0
    for profile in part:
        while position < len(whole) and not same_profile(profile, whole[position]):
            position += 1
        if position == len(whole):
            return False
        position += 1
    return True


def missing_from(part: list[Profile], whole: list[Profile]) -> list[Profile]:
    """The equilibria of ``whole`` that ``part`` lacks."""
    return [p for p in whole if not any(same_profile(p, q) for q in part)]
