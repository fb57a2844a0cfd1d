"""`Scorekit(horizon_days=)`: a `today` or an `as_of` too far past the clock is refused before anything is written."""

import datetime as dt

import pendulum
import pytest

from conftest import MANAGER, MARCH_10, memory_service_of, records, template
from scorekit import Date, InvalidPeriod, User
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
from scorekit.service import Scorekit

# conftest's clock: 2024-03-10; 366 days later is 2025-03-11


@pytest.fixture
def svc():
    service = memory_service_of()
    service.create_cards(MANAGER, template(rollover=True), [User("ann")])
    return service


class TestHorizon:
    def test_roll_over_past_the_horizon_writes_nothing(self, svc):
        before = svc.cards.find()
        with pytest.raises(InvalidPeriod, match="horizon_days=366"):
            svc.roll_over(MANAGER, today=Date(9999, 12, 31))
        assert svc.cards.find() == before

    def test_the_last_day_of_the_horizon_is_fine(self, svc):
        created = svc.roll_over(MANAGER, today=Date(2025, 3, 11))  # March 2024 + 12 rolled months
        assert [str(c.period.start) for c in created][-1] == "2025-03-01"
        with pytest.raises(InvalidPeriod, match="2025-03-12"):
            svc.roll_over(MANAGER, today=Date(2025, 3, 12))

    def test_close_past_the_horizon_writes_nothing(self, svc):
        with pytest.raises(InvalidPeriod, match="horizon_days"):
            svc.close(MANAGER, today="2030-01-01")
        assert svc.snapshots.get([c.id for c in svc.cards.find()]) == {}

    @pytest.mark.parametrize(
        "as_of",
        [pendulum.datetime(2026, 1, 1, tz="UTC"), dt.datetime.max.replace(tzinfo=dt.UTC)],
    )
    def test_as_of_past_the_horizon(self, svc, as_of):
        (card,) = svc.cards.find()
        with pytest.raises(InvalidPeriod, match="as_of"):
            svc.report(MANAGER, card.id, as_of=as_of)
        with pytest.raises(InvalidPeriod, match="as_of"):
            svc.dashboard(MANAGER, as_of=as_of)

    def test_the_horizon_is_the_hosts_to_choose(self):
        svc = service(horizon_days=0)
        svc.create_cards(MANAGER, template(rollover=True), [User("ann")])
        assert svc.roll_over(MANAGER, today=Date(2024, 3, 10)) == ()  # today itself is within 0 days
        with pytest.raises(InvalidPeriod, match="horizon_days=0"):
            svc.roll_over(MANAGER, today=Date(2024, 3, 11))

    @pytest.mark.parametrize("days", [-1, 1.5, True, "366", 36_601])
    def test_horizon_days_is_a_number_of_days(self, days):
        with pytest.raises(InvalidPeriod, match="horizon_days"):
            service(horizon_days=days)


def service(**kwargs):
    return Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource(records()),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
        **kwargs,
    )
