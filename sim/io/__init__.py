"""Writing results and their provenance.

Every file is written to a temporary name first and renamed into place (:func:`atomic`), so a
reader never sees half a file; :func:`manifest` is the provenance record of a command, in
tskit's layout, checked by :func:`provenance_schema`.
"""

from sim.io._files import atomic, write_json, write_parquet, write_text
from sim.io._provenance import (
    LIBRARIES,
    SCHEMA_VERSION,
    environment,
    manifest,
    provenance_schema,
)
from sim.io._staged import check_output_directory, staged_directory

__all__ = [
    "LIBRARIES",
    "SCHEMA_VERSION",
    "atomic",
    "check_output_directory",
    "environment",
    "manifest",
    "provenance_schema",
    "staged_directory",
    "write_json",
    "write_parquet",
    "write_text",
]
