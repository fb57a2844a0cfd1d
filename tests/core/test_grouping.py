"""Summaries, rankings, dashboards, trends, records and their display (issues 10 and 13)."""

import re
import subprocess
import sys
from decimal import Decimal

import pendulum
import pytest

from _by_hand import evolve
from scorekit import (
    Cadence,
    CardScore,
    Dashboard,
    Date,
    Metric,
    Parameter,
    Ranked,
    Scorecard,
    Status,
    Trend,
    User,
    rank,
    score,
    to_pandas,
)
from scorekit.grouping import card_records, group_scores, summarize

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # April is over
HOSTILE = '<script>alert("x")</script>&'


def scored(owner, deals, *, card_id=None, period=0, target=10, as_of=MAY_1, name=""):
    card = Scorecard(
        card_id or f"{owner}-{period}",
        User(owner),
        APRIL,
        APRIL.period(period),
        [Parameter("deals", target, 100)],
        name=name,
    )
    return score(card, {"deals": deals}, as_of=as_of)


def two_metric(owner, deals, calls, *, name="", unit="", label=""):
    card = Scorecard(
        f"{owner}-2",
        User(owner),
        APRIL,
        APRIL.period(0),
        [Parameter(Metric("deals", unit, label=label), 10, 60), Parameter("calls", 100, 40)],
        name=name,
    )
    return score(card, {"deals": deals, "calls": calls}, as_of=MAY_1)


def board(scores):
    scores = tuple(scores)
    return Dashboard(MAY_1, scores, summarize(scores), group_scores(scores))


class TestSummary:
    def test_means_are_over_started_cards_only(self):
        # started totals 2/10, 5/10 and 11/10; June's card has not started (as of May 1)
        scores = [scored("ann", 2), scored("bob", 5), scored("cid", 11), scored("dan", 9, period=2)]
        summary = summarize(scores)
        assert scores[3].status is Status.NOT_STARTED
        assert (summary.count, summary.started, summary.not_started) == (4, 3, 1)
        assert summary.mean_total == Decimal("0.6")  # (0.2 + 0.5 + 1.1) / 3; 0.1 said 1.8 / 4 = 0.45
        assert summary.median_total == Decimal("0.5")
        assert summary.per_metric == {"deals": Decimal("0.6")}  # June's parameter is not averaged as 0

    def test_median_of_an_even_number_of_started_cards(self):
        scores = [scored("ann", 2), scored("bob", 5), scored("cid", 11), scored("dan", 9)]
        summary = summarize(scores)
        assert summary.median_total == Decimal("0.7")  # (0.5 + 0.9) / 2
        assert summary.mean_total == Decimal("0.675")  # 2.7 / 4

    def test_nothing_started_has_no_mean(self):
        summary = summarize([scored("ann", 3, period=2), scored("bob", 1, period=3)])
        assert (summary.count, summary.not_started, summary.started) == (2, 2, 0)
        assert summary.mean_total is None
        assert summary.median_total is None
        assert summary.per_metric == {}

    def test_at_risk_and_no_data_are_counted(self):
        at_risk, no_data = Status.AT_RISK, Status.NO_DATA
        scores = [
            evolve(scored("ann", 2), status=at_risk),
            evolve(scored("bob", 2), status=at_risk),
            evolve(scored("cid", 0), status=no_data),
            scored("dan", 12),
        ]
        summary = summarize(scores)
        assert (summary.at_risk, summary.no_data, summary.achieved, summary.missed) == (2, 1, 1, 0)
        counts = [getattr(summary, s) for s in ("achieved", "on_track", "behind", "at_risk", "missed", "no_data")]
        assert sum(counts) + summary.not_started == summary.count

    def test_plain_repr_is_two_lines(self):
        summary = summarize([scored(f"rep{i:02}", i) for i in range(24)])
        text = repr(summary)
        assert text.count("\n") == 1
        assert len(text) < 200
        # totals 0/10 .. 23/10: mean 11.5/10, median (11 + 12) / 2 / 10
        assert "24 cards, 24 started: mean 115.00%, median 115.00%" in text
        # 10/10 .. 23/10 are achieved (14 cards), 0/10 .. 9/10 missed (10)
        assert "14 achieved, 0 on track, 0 behind, 0 at risk, 10 missed, 0 no data, 0 not started" in text


class TestRank:
    def test_competition_ranking_with_ties_listed_by_owner_then_card(self):
        # totals: ann 1.2; bob, cid and eve 0.8 (bob twice: cards b1 and b2); dan 0.5
        scores = [
            scored("eve", 8),
            scored("dan", 5),
            scored("bob", 8, card_id="b2"),
            scored("cid", 8),
            scored("ann", 12),
            scored("bob", 8, card_id="b1"),
        ]
        board_ = board(scores)
        got = [(r.rank, r.score.card.id) for r in board_.leaderboard()]
        assert got == [(1, "ann-0"), (2, "b1"), (2, "b2"), (2, "cid-0"), (2, "eve-0"), (6, "dan-0")]
        assert board_.leaderboard() == rank(scores)

    def test_exact_values_decide_not_the_displayed_ones(self):
        # 99996/100000 and 100004/100000 both show as 100.00%, yet are not equal
        low, high = scored("ann", 99996, target=100000), scored("bob", 100004, target=100000)
        same = scored("cid", Decimal("99996.0"), target=100000)  # equal value, other digits
        assert low.percent() == high.percent() == Decimal("100.00")
        assert [(r.rank, r.score.card.owner.id) for r in rank([low, same, high])] == [
            (1, "bob"),
            (2, "ann"),
            (2, "cid"),
        ]

    def test_close_calls_are_decided_on_exact_values(self):
        # bob: halves of 1/3 and 5/3, exactly 1 but reported as 1.00...00015; ann: 3 / 3, exactly 1
        halves = [Parameter("x", 3, 50), Parameter("y", 3, 50)]
        card = Scorecard("bob-0", User("bob"), APRIL, APRIL.period(0), halves)
        bob = score(card, {"x": 1, "y": 5}, as_of=MAY_1)
        ann = scored("ann", 3, target=3)
        assert bob.total != ann.total == 1
        assert bob.total - 1 < Decimal("1e-33")
        got = [(r.rank, r.score.card.owner.id) for r in rank([bob, ann])]
        assert got == [(1, "ann"), (1, "bob")]

    def test_equal_decimals_that_differ_exactly_do_not_tie(self):
        # cid: 1/3, reported as 0.333...3 (34 threes); ann: exactly those 34 threes, a little less
        cid = scored("cid", 1, target=3)
        ann = scored("ann", Decimal("0." + "3" * 34), target=1)
        assert cid.total == ann.total
        assert [(r.rank, r.score.card.owner.id) for r in rank([ann, cid])] == [(1, "cid"), (2, "ann")]
        assert [(r.rank, r.score.card.owner.id) for r in rank([ann, cid], by="deals")] == [(1, "cid"), (2, "ann")]

    def test_by_projected_puts_cards_without_a_projection_last(self):
        mid = pendulum.datetime(2024, 4, 10, 12, tz="UTC")  # day 10 of 30
        # projected: ann 2/10 * 30/10 = 0.6; bob 5/10 * 3 = 1.5; cid's card is May's (not started, None)
        scores = [scored("cid", 0, period=1, as_of=mid), scored("ann", 2, as_of=mid), scored("bob", 5, as_of=mid)]
        got = [(r.rank, r.score.card.owner.id) for r in rank(scores, by="projected")]
        assert got == [(1, "bob"), (2, "ann"), (3, "cid")]

    def test_by_metric_ranks_that_parameters_effective_and_leaves_out_the_rest(self):
        scores = [two_metric("ann", 5, 100), two_metric("bob", 8, 10), scored("cid", 10)]
        # calls effective: ann 1, bob 0.1; cid's card has no calls
        assert [(r.rank, r.score.card.owner.id) for r in rank(scores, by="calls")] == [(1, "ann"), (2, "bob")]
        # deals: cid 1, bob 0.8, ann 0.5
        assert [r.score.card.owner.id for r in rank(scores, by="deals")] == ["cid", "bob", "ann"]
        assert rank(scores, by="no_such_metric") == ()

    def test_rank_by_must_be_a_string(self):
        with pytest.raises(TypeError, match="rank by must be"):
            rank([scored("ann", 1)], by=None)

    def test_ranked_repr_is_short(self):
        (first,) = rank([scored("ann", 12)])
        assert repr(first) == "Ranked(1, <CardScore 'ann-0' of 'ann', 2024-04-01 to 2024-04-30: 120.00% achieved>)"
        assert first == Ranked(1, first.score)


class TestDashboard:
    def test_is_importable_where_it_was(self):
        from scorekit import grouping, service

        assert service.Dashboard is grouping.Dashboard is Dashboard

    def test_records_have_one_row_per_card_and_parameter(self):
        scores = [two_metric("ann", 5, 100, name="Ann, April"), two_metric("bob", 12, 50)]
        rows = board(scores).to_records()
        assert [(r["owner"], r["metric"]) for r in rows] == [
            ("ann", "deals"),
            ("ann", "calls"),
            ("bob", "deals"),
            ("bob", "calls"),
        ]
        first = rows[0]
        # ann: 0.6 x 5/10 + 0.4 x 100/100 = 0.7; missed once April is over
        assert (first["name"], first["period_end"], first["total"], first["card_status"]) == (
            "Ann, April",
            Date(2024, 5, 1),
            Decimal("0.7"),
            "missed",
        )
        assert first["as_of"] == MAY_1
        # fractions everywhere: a 60% weight is 0.6, as achievement 5/10 is 0.5
        assert (first["weight"], first["achievement"], first["contribution"]) == (
            Decimal("0.6"),
            Decimal("0.5"),
            Decimal("0.3"),
        )
        assert rows[3]["weight"] == Decimal("0.4")
        # bob: 0.6 x 1.2 + 0.4 x 0.5 = 0.92
        assert rows[2]["total"] == Decimal("0.92")
        assert card_records(scores) == rows

    def test_card_records_weights_are_fractions(self):
        records = two_metric("ann", 5, 100).to_records()
        assert [r["weight"] for r in records] == [Decimal("0.6"), Decimal("0.4")]

    def test_plain_repr_of_24_cards_is_three_short_lines(self):
        dashboard = board([scored(f"rep{i:02}", i, name="Quite a long card name " * 3) for i in range(24)])
        text = repr(dashboard)
        assert text.count("\n") == 2
        assert len(text) < 300
        assert text.startswith("<Dashboard as of 2024-05-01 00:00 UTC, 1 group")
        group = repr(dashboard.groups[0])
        assert group.startswith("<Group 2024-04-01 to 2024-04-30 \u00b7 deals\n 24 cards, 24 started: mean 115.00%")
        assert group.count("\n") == 2
        assert len(group) < 300

    def test_html_lists_cards_by_rank_and_counts_every_status(self):
        scores = [scored("dan", 5), scored("ann", 12), scored("cid", 8), scored("bob", 8), scored("eve", 1, period=2)]
        html = board(scores)._repr_html_()
        owners = re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]*)</td>", html)
        assert owners == [("1", "ann"), ("2", "bob"), ("2", "cid"), ("4", "dan"), ("5", "eve")]
        caption = re.search(r"<caption>(.*?)</caption>", html).group(1)
        assert "5 cards" in caption
        assert "mean 82.50% of 4 started" in caption  # (1.2 + 0.8 + 0.8 + 0.5) / 4 = 3.3 / 4
        assert "1 achieved, 0 on track, 0 behind, 0 at risk, 3 missed, 0 no data, 1 not started" in caption


class TestTrend:
    def trend(self, deals=(4, 12, 7), name=""):
        cadence = Cadence.monthly(Date(2024, 1, 1))
        card = Scorecard("jan", User("ann"), cadence, cadence.period(0), [Parameter("deals", 10, 100)], name=name)
        card = card.evolve(series="ann-deals")
        scores = []
        for value in deals:
            scores.append(score(card, {"deals": value}, as_of=card.period.instants("UTC")[1]))
            card = card.next_card()
        return Trend(scores)

    def test_is_a_tuple_of_scores(self):
        trend = self.trend()
        assert isinstance(trend, tuple)
        assert all(isinstance(item, CardScore) for item in trend)
        assert trend == tuple(trend)
        assert trend.totals == (Decimal("0.4"), Decimal("1.2"), Decimal("0.7"))

    def test_html_is_an_inline_svg_line_of_the_totals(self):
        html = self.trend(name=HOSTILE)._repr_html_()
        assert html.count("<svg") == 1
        points = re.search(r'<polyline points="([^"]+)"', html).group(1).split()
        assert len(points) == 3
        ys = [float(p.split(",")[1]) for p in points]
        assert ys[1] < ys[2] < ys[0]  # higher totals are drawn higher (smaller y)
        assert "<script" not in html
        assert "&lt;script&gt;" in html

    def test_repr_is_short_for_a_long_series(self):
        trend = self.trend(deals=range(30))
        text = repr(trend)
        assert text.startswith("<Trend of 30 periods: 2024-01-01 0.00% missed, 2024-02-01 10.00% missed, ... 23 more")
        assert text.endswith("2026-06-01 290.00% achieved>")
        assert len(text) < 400


class TestHtml:
    def test_every_user_string_is_escaped(self):
        owner = "<i>o</i>"
        card = Scorecard(
            "<b>id</b>",
            User(owner),
            APRIL,
            APRIL.period(0),
            [Parameter(Metric("<b>k</b>", unit=HOSTILE, label=HOSTILE), 10, 100)],
            name=HOSTILE,
        )
        result = score(card, {"<b>k</b>": 5}, as_of=MAY_1)
        dashboard = board([result])
        pages = [
            result._repr_html_(),
            dashboard._repr_html_(),
            dashboard.summary._repr_html_(),
            dashboard.groups[0]._repr_html_(),
            Trend([result])._repr_html_(),
        ]
        for html in pages:
            assert "<script" not in html
            assert "<i>o" not in html
            assert "<b>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in pages[0]
        assert "&lt;b&gt;k&lt;/b&gt;" in pages[2]  # the metric key in the per-metric table
        assert "&lt;i&gt;o&lt;/i&gt;" in pages[1]

    def test_numbers_are_rounded_for_people_but_exact_in_values(self):
        # 10 deals prorated to the 22 days from April 9 of a 30-day April: 10 x 22 / 30 = 7.3333...
        prorated = Parameter("deals", 10, 50, counts_from=Date(2024, 4, 9), prorate=True)
        card = Scorecard("c", User("ann"), APRIL, APRIL.period(0), [prorated, Parameter("revenue", 1000, 50)])
        result = score(card, {"deals": "4.5", "revenue": "100000.50"}, as_of=MAY_1)
        html = result._repr_html_()
        assert result.parameters[0].target == Decimal("7.333333333333333333333333333333333")
        assert "4.5 / 7.3333 " in html
        assert "100000.50 / 1000 " in html
        # achievements: 4.5 / 7.333... = 61.36%; revenue 10000.05%
        assert "61.36%" in html
        assert "10000.05%" in html
        assert "7.33333333" not in html

    def test_bars_are_clipped_at_100_with_the_number_beside(self):
        high, low = scored("ann", "14.5"), scored("bob", "9.964")
        high_html, low_html = high._repr_html_(), low._repr_html_()
        assert "width:100.0%" in high_html
        assert "width:145" not in high_html
        assert '</div></div></td><td style="text-align:right;white-space:nowrap">145.00%</td>' in high_html
        assert "width:99.6%" in low_html
        assert '</div></div></td><td style="text-align:right;white-space:nowrap">99.64%</td>' in low_html

    def test_summary_html_counts_every_status_and_each_metrics_mean(self):
        scores = [two_metric("ann", 5, 100), two_metric("bob", 12, 50), scored("cid", 1, period=2)]
        html = summarize(scores)._repr_html_()
        # ann 0.7 and bob 0.92 missed; cid's June card not started
        assert "<caption>3 cards, 2 started \u00b7 mean 81.00% \u00b7 median 81.00%</caption>" in html
        heads = re.findall(r"<th>([^<]*)</th>", html)[:7]
        cells = re.findall(r"<td>(\d+)</td>", html)[:7]
        assert dict(zip(heads, cells, strict=True)) == {
            "achieved": "0",
            "on track": "0",
            "behind": "0",
            "at risk": "0",
            "missed": "2",
            "no data": "0",
            "not started": "1",
        }
        # calls: (1 + 0.5) / 2; deals: (0.5 + 1.2) / 2 (June's deals have not started)
        assert "<tr><td>calls</td><td>75.00%</td></tr>" in html
        assert "<tr><td>deals</td><td>85.00%</td></tr>" in html

    def test_group_html_lists_its_cards_by_rank(self):
        (group,) = group_scores([scored("bob", 3), scored("ann", 7)])
        html = group._repr_html_()
        assert html.startswith(
            '<table class="scorekit-group"><caption>2024-04-01 to 2024-04-30 \u00b7 deals \u00b7 2 cards'
        )
        assert re.findall(r"<tr><td>(\d)</td><td>[^<]*</td><td>([^<]*)</td>", html) == [("1", "ann"), ("2", "bob")]

    def test_a_negative_number_that_rounds_to_zero_shows_no_sign(self):
        result = scored("ann", Decimal("-0.00001"))
        html = result._repr_html_()
        assert "0.0000 / 10" in html
        assert "-0.00" not in html

    def test_an_empty_trend_says_so(self):
        assert "no periods" in Trend()._repr_html_()
        assert repr(Trend()) == "<Trend of 0 periods>"

    def test_a_threshold_or_cap_that_changed_the_number_is_shown(self):
        shaped = [Parameter("deals", 10, 50, threshold="0.5"), Parameter("calls", 100, 50, cap="1.2")]
        card = Scorecard("c", User("ann"), APRIL, APRIL.period(0), shaped)
        html = score(card, {"deals": 4, "calls": 150}, as_of=MAY_1)._repr_html_()
        # deals 40% is under the 50% threshold and counts 0; calls 150% is capped at 120%
        assert 'nowrap">40.00% <small' in html
        assert "\u2192 counts 0.00% (below threshold)" in html
        assert "\u2192 counts 120.00% (capped)" in html
        assert html.count("<small") == 2
        plain = score(card, {"deals": 6, "calls": 100}, as_of=MAY_1)._repr_html_()
        assert "<small" not in plain

    def test_statuses_read_as_words(self):
        html = board([scored("ann", 1, period=2)])._repr_html_()
        assert ">not started<" in html
        assert "not_started" not in html


class TestToPandas:
    numeric = ("total", "actual", "target", "weight", "achievement", "effective", "contribution", "expected")

    def test_float64_by_default(self):
        frame = to_pandas(board([two_metric("ann", 5, 100), scored("bob", 3, period=2)]))
        assert len(frame) == 3
        for column in (*self.numeric, "projected"):
            assert str(frame[column].dtype) == "float64", column
        assert frame["weight"].tolist() == [0.6, 0.4, 1.0]
        assert frame["projected"].isna().tolist() == [False, False, True]  # May's card has not started
        assert str(frame["evidence"].dtype) == "int64"
        assert str(frame["period_end"].dtype).startswith("datetime64")
        assert str(frame["as_of"].dt.tz) == "UTC"
        assert frame["as_of"].iloc[0].isoformat() == "2024-05-01T00:00:00+00:00"

    def test_exact_keeps_the_decimals(self):
        third = scored("ann", 1, target=3)
        frame = to_pandas([third], exact=True)
        assert str(frame["achievement"].dtype) == "object"
        assert frame["achievement"].iloc[0] == Decimal("0.3333333333333333333333333333333333")
        assert frame["weight"].iloc[0] == Decimal(1)

    def test_takes_records_a_score_a_trend_or_scores(self):
        result = two_metric("ann", 5, 100)
        assert to_pandas(result).shape == to_pandas([result]).shape == to_pandas(Trend([result])).shape
        rows = to_pandas([{"a": Decimal("0.5"), "b": "x"}, {"a": None, "c": 3}])
        assert rows.columns.tolist() == ["a", "b", "c"]
        assert str(rows["a"].dtype) == "float64"
        assert rows["a"].isna().tolist() == [False, True]
        assert to_pandas([]).shape == (0, 0)

    def test_refuses_what_is_not_records(self):
        with pytest.raises(TypeError, match="got int"):
            to_pandas(42)
        with pytest.raises(TypeError, match="not a mix"):
            to_pandas([{"a": 1}, scored("ann", 1)])

    def test_import_scorekit_does_not_import_pandas(self):
        code = "import sys, scorekit; scorekit.to_pandas; print('pandas' in sys.modules)"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603 - our own code
        assert done.stdout.strip() == "False"

    def test_without_pandas_names_the_extra(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(ImportError, match=re.escape("pip install 'scorekit[pandas]'")):
            to_pandas([scored("ann", 1)])
