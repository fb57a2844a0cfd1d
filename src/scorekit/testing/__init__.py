"""Contract test suites for the ports: the same tests for every adapter, the host's included.

Subclass a suite in a test module (its name must start with ``Test``) and give it
the fixture it asks for; pytest then runs every contract test against your adapter.
`ScorecardRepositoryContract` (fixture `repository`), `ManualValueStoreContract`
(`store`), `SnapshotStoreContract` (`snapshots`), `MetricSourceContract`
(`source` and `known_answers`), and `StorageContract` (`storage`: the three stores
wired together as the host wires them, a `Stores`) for what they keep true
together, races included; `AdjustmentStoreContract` (`adjustments`) and
`AdjustmentStorageContract` (`storage`: an `AdjustedStores`, the four wired
together) for adjustments.  A failing promise says which one it is::

    from scorekit.testing import ScorecardRepositoryContract

    class TestMyRepository(ScorecardRepositoryContract):
        @pytest.fixture
        def repository(self, tmp_path):
            return MyRepository(tmp_path / "cards.db")   # a new, empty one per test

The suites need pytest: ``pip install 'scorekit[testing]'`` brings it (with
hypothesis); without it, importing this package fails with one line saying so.
"""

from __future__ import annotations

from scorekit._extras import missing_extra

try:
    import hypothesis
    import pytest
except ModuleNotFoundError as _error:
    raise missing_extra(_error, "scorekit.testing", "testing") from None

from scorekit.testing._common import HOSTILE_STRINGS
from scorekit.testing.adjustments import AdjustedStores, AdjustmentStorageContract, AdjustmentStoreContract
from scorekit.testing.manual import ManualValueStoreContract
from scorekit.testing.metrics import KnownAnswer, MetricSourceContract
from scorekit.testing.repository import ScorecardRepositoryContract
from scorekit.testing.snapshots import SnapshotStoreContract
from scorekit.testing.storage import StorageContract, Stores

del hypothesis, pytest

__all__ = [
    "HOSTILE_STRINGS",
    "AdjustedStores",
    "AdjustmentStorageContract",
    "AdjustmentStoreContract",
    "KnownAnswer",
    "ManualValueStoreContract",
    "MetricSourceContract",
    "ScorecardRepositoryContract",
    "SnapshotStoreContract",
    "StorageContract",
    "Stores",
]
