"""What a notebook shows of scores, cards, dashboards and trends (issue 23): short, readable, escaped."""

import pickle
import re

import pendulum

from scorekit import Cadence, Date, Parameter, Scorecard, User, score, score_many
from scorekit.grouping import HTML_ROWS, Dashboard, Trend, summarize_groups

APRIL = Cadence.monthly(Date(2024, 4, 1))


def three_parameter_score():
    card = Scorecard(
        "c1",
        User("ann"),
        APRIL,
        APRIL.period(0),
        [Parameter("deals_won", 10, 50), Parameter("calls", 200, 30), Parameter("demos", 4, 20)],
    )
    # 12/10 = 120% x 50% = 60%; 150/200 = 75% x 30% = 22.5%; 2/4 = 50% x 20% = 10%: 92.5%
    return score(card, {"deals_won": 12, "calls": 150, "demos": 2}, as_of=pendulum.datetime(2024, 4, 20, 12, tz="UTC"))


class TestPlainReprs:
    def test_a_card_score_is_one_short_line(self):
        result = three_parameter_score()
        assert repr(result) == (
            "<CardScore c1 of ann, 2024-04-01 to 2024-04-30, as of 2024-04-20 12:00 UTC: 92.50% on track, 3 parameters>"
        )

    def test_a_parameter_score_is_one_short_line(self):
        deals, calls, _ = three_parameter_score().parameters
        assert repr(deals) == "<ParameterScore deals_won: 12 / 10 = 120.00% achieved>"
        assert repr(calls) == "<ParameterScore calls: 150 / 200 = 75.00% on track>"

    def test_the_percent_is_the_exact_value_rounded_once(self):
        # 937.5 / 3333 = 0.28128... ; 33.33% x that is 3/32 = 9.375% exactly, shown 9.38% (the Decimal shows 9.37%)
        card = Scorecard(
            "c2", User("bob"), APRIL, APRIL.period(0), [Parameter("a", 3333, "33.33"), Parameter("b", 1, "66.67")]
        )
        result = score(card, {"a": "937.5", "b": 0}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        assert "28.13%" in repr(result.parameters[0])  # 937.5 / 3333 = 0.281278...
        assert f"{result.percent():f}%" in repr(result)

    def test_the_as_of_is_shown_in_the_cards_zone(self):
        card = Scorecard("w", User("ann"), APRIL, APRIL.period(0), [Parameter("a", 3, 100)], timezone="Europe/Warsaw")
        result = score(card, {"a": 1}, as_of=pendulum.datetime(2024, 4, 20, 12, tz="UTC"))
        assert "as of 2024-04-20 14:00 CEST" in repr(result)  # UTC+2 in April

    def test_equality_hash_and_pickle_are_untouched(self):
        result = three_parameter_score()
        again = pickle.loads(pickle.dumps(result))  # noqa: S301 - our own bytes
        assert again == result
        assert again.parameters == result.parameters
        assert hash(again.parameters[0].parameter) == hash(result.parameters[0].parameter)


class TestScorecardHtml:
    def test_owner_period_parameters_targets_and_weights(self):
        card = three_parameter_score().card
        html = card._repr_html_()
        assert "<caption>c1 \u00b7 ann \u00b7 2024-04-01 to 2024-04-30</caption>" in html
        assert "<td>deals_won</td><td>10</td><td>50%</td>" in html
        assert "<td>calls</td><td>200</td><td>30%</td>" in html
        assert html.count("<tr>") == 4  # the head and three parameters

    def test_every_user_string_is_escaped(self):
        card = Scorecard(
            "c3", User("ann"), APRIL, APRIL.period(0), [Parameter("deals", 10, 100)], name="<b>Ann</b> & co"
        )
        html = card._repr_html_()
        assert "<b>" not in html
        assert "&lt;b&gt;Ann&lt;/b&gt; &amp; co" in html


def board_of(count):
    """`count` cards of one template; rep i won i mod 13 deals of 10 by the end of April."""
    template = Scorecard("t", User("t"), APRIL, APRIL.period(0), [Parameter("deals", 10, 100)], name="April deals")
    cards = [template.copy_for(User(f"rep{i:05}"), id=f"rep{i:05}-apr") for i in range(count)]
    end = pendulum.datetime(2024, 5, 1, tz="UTC")
    scores = score_many(cards, [{"deals": i % 13} for i in range(count)], as_of=end)
    return Dashboard(end, scores, *summarize_groups(scores))


class TestDashboardHtmlRows:
    def test_the_default_is_documented_and_fifty(self):
        assert HTML_ROWS == 50

    def test_ten_thousand_cards_list_fifty_and_say_how_many_more(self):
        html = board_of(10_000)._repr_html_()
        assert html.count("<tr>") == 1 + HTML_ROWS + 1  # the head, 50 cards, the "more" row
        assert "and 9,950 more" in html  # 10,000 - 50, with a thousands separator
        assert "10,000 cards" in html  # the caption still counts every card, thousands separated too
        assert len(html) < 60_000  # was 3.9 MB

    def test_a_board_of_fifty_has_no_more_row(self):
        html = board_of(HTML_ROWS)._repr_html_()
        assert html.count("<tr>") == 1 + HTML_ROWS
        assert "more" not in html

    def test_a_group_lists_fifty_too(self):
        html = board_of(HTML_ROWS + 1).groups[0]._repr_html_()
        assert "and 1 more" in html


BAR_CELL = re.compile(
    r'<td style="text-align:left">(<div .*?</div></div>)</td><td style="text-align:right;white-space:nowrap">([^<]*)</td>'
)


class TestBarsAndNumbersInCellsOfTheirOwn:
    def test_a_dashboard_row_has_a_bar_cell_and_a_number_cell(self):
        html = board_of(13)._repr_html_()  # reps won 0..12 deals of 10
        cells = BAR_CELL.findall(html)
        assert len(cells) == 13
        shown = {number: bar for bar, number in cells}
        assert "width:100.0%" in shown["120.00%"]  # clipped: 120% fills the bar, no fuller than 100%
        assert "width:90.0%" in shown["90.00%"]
        assert {re.sub(r"<[^>]*>", "", bar) for bar, _ in cells} == {""}  # no text inside a bar cell

    def test_a_card_has_a_bar_cell_and_a_number_cell_per_parameter_and_for_the_total(self):
        html = three_parameter_score()._repr_html_()
        assert [number for _, number in BAR_CELL.findall(html)] == ["120.00%", "75.00%", "50.00%", "92.50%"]
        assert '<th colspan="2">Achievement</th>' in html


class TestCaptionsWriteDatesAsPeopleDo:
    def test_a_cards_caption(self):
        html = three_parameter_score()._repr_html_()
        assert (
            "<caption>c1 \u00b7 ann \u00b7 2024-04-01 to 2024-04-30 \u00b7 as of 2024-04-20 12:00 UTC</caption>" in html
        )

    def test_a_dashboards_caption_and_periods(self):
        html = board_of(2)._repr_html_()
        assert "<caption>as of 2024-05-01 00:00 UTC \u00b7 2 cards" in html
        assert html.count("<td>2024-04-01 to 2024-04-30</td>") == 2
        assert "T00:00:00" not in html
        assert "[2024-04-01" not in html


def trend_of(*deals):
    """A monthly series from January 2024, month i scored at its end with `deals[i]` of 10."""
    monthly = Cadence.monthly(Date(2024, 1, 1))
    card = Scorecard(
        "ann-01", User("ann"), monthly, monthly.period(0), [Parameter("deals", 10, 100)], series="ann", name="Ann"
    )
    months = []
    for won in deals:
        months.append(score(card, {"deals": won}, as_of=card.period.instants(card.timezone)[1]))
        card = card.next_card()
    return Trend(months)


TICK = re.compile(r'text-anchor="end" fill="#757575">([^<]*%)</text>')
DOT_Y = re.compile(r'<circle cx="[^"]*" cy="([^"]*)"')


class TestTrendSvg:
    def test_the_y_axis_reaches_the_largest_total_rounded_up_to_a_tick(self):
        svg = trend_of(6, 14)._repr_html_()  # 60% and 140%: ticks every 50% up to 150%
        assert TICK.findall(svg) == ["0%", "50%", "100%", "150%"]
        # the plot runs from y=134 (0%) up to y=10 (150%): 60% is at 134 - 124 x 60/150 = 84.4,
        # 140% at 134 - 124 x 140/150 = 18.27
        assert DOT_Y.findall(svg) == ["84.4", "18.3"]

    def test_the_y_axis_is_at_least_100_percent(self):
        svg = trend_of(2, 5)._repr_html_()  # 20% and 50%
        assert TICK.findall(svg) == ["0%", "25%", "50%", "75%", "100%"]

    def test_a_large_total_is_drawn_not_clipped(self):
        svg = trend_of(5, 100)._repr_html_()  # 1000%: ticks every 250%
        assert TICK.findall(svg) == ["0%", "250%", "500%", "750%", "1000%"]
        assert DOT_Y.findall(svg)[1] == "10.0"  # at the top of the plot

    def test_the_x_axis_names_the_first_and_last_period_and_the_caption_the_span(self):
        html = trend_of(6, 8, 14)._repr_html_()
        assert ">2024-01-01</text>" in html
        assert ">2024-03-01</text>" in html
        assert "3 periods, 2024-01-01 to 2024-03-31" in html
        assert "<title>2024-02-01 to 2024-02-29: 80.00% (missed)</title>" in html
