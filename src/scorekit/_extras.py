"""One clear line when an optional part of scorekit is imported without its extra.

Python's own error (``No module named 'hypothesis'``) does not say which extra
brings the module in; this one does:

>>> error = ModuleNotFoundError("No module named 'hypothesis'", name="hypothesis")
>>> print(missing_extra(error, "scorekit.strategies", "testing"))
scorekit.strategies needs hypothesis, which is not installed: pip install 'scorekit[testing]'

An import error about any other module is handed back unchanged, so a broken
installation is not disguised as a missing extra.
"""

from __future__ import annotations

__all__ = ["missing_extra"]

# the third-party modules each extra brings in, top-level names only
_EXTRAS = {
    "testing": frozenset({"hypothesis", "pytest"}),
    "postgres": frozenset({"psycopg", "psycopg_pool"}),
    "pandas": frozenset({"pandas"}),
    "spark": frozenset({"pyspark", "pandas", "pyarrow"}),
}


def missing_extra(error: ModuleNotFoundError, feature: str, extra: str) -> ImportError:
    """The error to raise when `feature` failed to import because `extra` is not installed."""
    missing = (error.name or "").partition(".")[0]
    if missing not in _EXTRAS.get(extra, frozenset()):
        return error
    return ImportError(f"{feature} needs {missing}, which is not installed: pip install 'scorekit[{extra}]'")
