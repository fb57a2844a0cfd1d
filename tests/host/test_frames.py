"""`to_pandas` by card, by rank and by period (issue 23): the frames a notebook plots.

The parameter-per-row frame is pinned in tests/core/test_grouping.py (TestToPandas).
"""

from decimal import Decimal

import pendulum
import pytest

from scorekit import Cadence, Date, Parameter, Scorecard, Trend, User, rank, score, to_pandas
from scorekit.frames import card_row

pytest.importorskip("pandas")

APRIL = Cadence.monthly(Date(2024, 4, 1))
END_OF_APRIL = pendulum.datetime(2024, 5, 1, tz="UTC")
MID_APRIL = pendulum.datetime(2024, 4, 16, tz="UTC")  # 16 of April's 30 days elapsed (the 16th counts)


def two_parameters(owner, deals, calls, *, as_of=END_OF_APRIL, name=""):
    card = Scorecard(
        f"{owner}-april",
        User(owner),
        APRIL,
        APRIL.period(0),
        [Parameter("deals", 10, 60), Parameter("calls", 100, 40)],
        name=name,
    )
    return score(card, {"deals": deals, "calls": calls}, as_of=as_of)


class TestPerCard:
    def test_one_row_per_card_whatever_its_parameters(self):
        ann = two_parameters("ann", 5, 100, name="Ann, April")  # 0.6 x 0.5 + 0.4 x 1 = 0.7
        bob = two_parameters("bob", 10, 50, as_of=MID_APRIL)  # 0.6 x 1 + 0.4 x 0.5 = 0.8, projected below
        frame = to_pandas([ann, bob], per="card")
        assert frame.columns.tolist() == [
            "card",
            "owner",
            "name",
            "period_start",
            "period_end",
            "as_of",
            "total",
            "projected",
            "status",
        ]
        assert frame["card"].tolist() == ["ann-april", "bob-april"]
        assert frame["owner"].tolist() == ["ann", "bob"]
        assert frame["name"].tolist() == ["Ann, April", ""]
        assert frame["total"].tolist() == [0.7, 0.8]
        # bob, 16 of 30 days: deals 10 x 30/16 = 18.75 of 10, calls 50 x 30/16 = 93.75 of 100:
        # 0.6 x 1.875 + 0.4 x 0.9375 = 1.125 + 0.375 = 1.5
        assert frame["projected"].tolist() == [0.7, 1.5]
        assert frame["status"].tolist() == ["missed", bob.status.value]
        assert [d.isoformat() for d in frame["period_start"].dt.date] == ["2024-04-01", "2024-04-01"]

    def test_exact_keeps_the_decimals(self):
        frame = to_pandas(two_parameters("ann", 5, 100), per="card", exact=True)
        assert frame["total"].tolist() == [Decimal("0.70")]

    def test_the_row_is_the_scores_own_numbers(self):
        result = two_parameters("ann", 5, 100, as_of=MID_APRIL)
        row = card_row(result)
        assert (row["total"], row["projected"], row["status"]) == (result.total, result.projected, result.status.value)

    def test_refuses_records_and_unknown_rows(self):
        with pytest.raises(TypeError, match="per= is for scores"):
            to_pandas([{"a": 1}], per="card")
        with pytest.raises(ValueError, match='per must be "parameter" or "card", got \'cards\''):
            to_pandas(two_parameters("ann", 5, 100), per="cards")


class TestRanked:
    def test_a_leaderboard_is_one_row_per_place_rank_first(self):
        scores = [
            two_parameters("ann", 5, 100),  # 0.70
            two_parameters("bob", 10, 100),  # 1.00
            two_parameters("cid", 10, 100),  # 1.00, shares bob's rank
        ]
        frame = to_pandas(rank(scores))
        assert frame.columns.tolist()[:3] == ["rank", "card", "owner"]
        assert frame["rank"].tolist() == [1, 1, 3]
        assert frame["owner"].tolist() == ["bob", "cid", "ann"]
        assert frame["total"].tolist() == [1.0, 1.0, 0.7]

    def test_per_parameter_keeps_the_rank_on_every_row(self):
        frame = to_pandas(rank([two_parameters("ann", 5, 100)]), per="parameter")
        assert frame["rank"].tolist() == [1, 1]
        assert frame["metric"].tolist() == ["deals", "calls"]


class TestTrend:
    def test_one_row_per_period(self):
        card = Scorecard(
            "ann-2024-04",
            User("ann"),
            APRIL,
            APRIL.period(0),
            [Parameter("deals", 10, 60), Parameter("calls", 100, 40)],
        )
        months = []
        for deals in (5, 10, 15):
            months.append(score(card, {"deals": deals, "calls": 100}, as_of=card.period.instants(card.timezone)[1]))
            card = card.next_card()
        trend = Trend(months)
        assert len(to_pandas(trend)) == 6  # a row per period and parameter
        totals = to_pandas(trend, per="card").set_index("period_start")["total"]
        # 0.6 x deals/10 + 0.4 x 1: 0.7, 1.0, 1.3 (achievement is not capped here)
        assert totals.tolist() == [0.7, 1.0, 1.3]
        assert [d.isoformat() for d in totals.index.date] == ["2024-04-01", "2024-05-01", "2024-06-01"]


def test_dates_and_instants_are_microseconds_whatever_the_pandas():
    """pandas 2 picks nanoseconds, pandas 3 microseconds; the spark extra pins pandas 2."""
    frame = to_pandas(two_parameters("ann", 5, 100), per="card")
    assert str(frame["period_start"].dtype) == "datetime64[us]"
    assert str(frame["as_of"].dtype) == "datetime64[us, UTC]"
