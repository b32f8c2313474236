"""Strict scalar types of the schema: what a TOML file writes, with the limits a run needs.

Lax pydantic would read ``true`` as 1, ``"60"`` as an integer and ``7`` as a Unix time; these
validators take only the TOML type, and bound what would overflow or never end a run (see
``docs/scenario-format.md#limits``).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationInfo

__all__ = [
    "MAX_EPOCHS",
    "SCHEMA_VERSION",
    "YEARS",
    "boolean",
    "epochs",
    "finite",
    "matrix",
    "moment",
    "number_or_ref",
    "version",
]

SCHEMA_VERSION = 1

#: The largest magnitude of any number in a scenario: products of weights, coefficients,
#: pressure and payoffs then stay far inside the range of a float, and payoffs near 1e9 (which
#: the scale-free solvers handle, docs/numerics.md) validate with room to spare
#: (docs/scenario-format.md).
MAX_MAGNITUDE = 1e12
#: Most decision epochs, given or implied by ``interval_hours`` (the deadline game is solved
#: by backward induction over every epoch, and a run stores a row per path and epoch).
MAX_EPOCHS = 10_000
#: Dates must lie in these years (pandas' nanosecond timestamps span 1677 to 2262).
YEARS = (1900, 2200)


def finite(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError(
            f"must lie in [-{MAX_MAGNITUDE:g}, {MAX_MAGNITUDE:g}] (the limit on numbers)"
        )
    return float(value)


def integer(value: Any) -> int:
    """An integer as TOML writes one: not a bool, a float or a string."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a valid integer")
    return value


def epochs(value: Any) -> int:
    count = integer(value)
    if count < 1:
        raise ValueError("must be greater than or equal to 1")
    if count > MAX_EPOCHS:
        raise ValueError(f"must lie in [1, {MAX_EPOCHS}] (the limit on decision epochs)")
    return count


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be a valid boolean (true or false)")
    return value


def version(value: Any) -> int:
    if isinstance(value, bool) or value != SCHEMA_VERSION or not isinstance(value, int):
        raise ValueError(f"must be {SCHEMA_VERSION}")
    return SCHEMA_VERSION


def moment(value: Any, info: ValidationInfo) -> datetime:
    """A TOML offset date-time; ISO text only when the document came from JSON
    (``scenario.json`` of a run), as the validation context says."""
    if isinstance(value, str) and (info.context or {}).get("dates_as_text"):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be a valid datetime") from None
    if isinstance(value, date | time) and not (isinstance(value, datetime) and value.tzinfo):
        raise ValueError("Input should have timezone info")  # pydantic's words, as before
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError("must be a TOML date-time with a UTC offset (1970-01-01T00:00:00+00:00)")
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"must lie in the years {YEARS[0]} to {YEARS[1]} (the limit on dates)")
    return value


def number_or_ref(value: Any) -> float | str:
    """A finite number, or the dotted name of a parameter (checked against the names later)."""
    if isinstance(value, str):
        if not value or not all(part.isidentifier() for part in value.split(".")):
            raise ValueError("must be a number or the dotted name of a parameter")
        return value
    return finite(value)


def matrix(value: Any) -> tuple[tuple[float, ...], ...]:
    """A non-empty rectangular list of lists of finite numbers."""
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("must be a non-empty list of rows")
    rows = []
    for row in value:
        if not isinstance(row, list | tuple) or not row:
            raise ValueError("every row must be a non-empty list of numbers")
        rows.append(tuple(finite(x) for x in row))
    if len({len(r) for r in rows}) != 1:
        raise ValueError("rows have different lengths")
    return tuple(rows)
