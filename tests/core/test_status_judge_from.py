"""`StatusPolicy.judge_from`: a share of the window from 0 to 1, named when refused (found by the 0.3 core's mutation audit)."""

from decimal import Decimal

import pytest

from scorekit import InvalidScorecard, StatusPolicy


def test_1_is_a_share_of_the_window():
    assert StatusPolicy(judge_from=1).judge_from == 1


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_outside_0_to_1_is_refused(value):
    with pytest.raises(
        InvalidScorecard, match=rf"^status policy judge_from must be a share of the window from 0 to 1, got {value}$"
    ):
        StatusPolicy(judge_from=value)


def test_not_a_number_is_refused_by_name():
    with pytest.raises(InvalidScorecard, match=r"^status policy judge_from must be a finite number"):
        StatusPolicy(judge_from="soon")


def test_describe_adds_judge_from_to_the_rest():
    # judge_from 0.25: the usual words, then when judging starts.
    text = StatusPolicy(judge_from=Decimal("0.25")).describe()
    assert text == (
        "on track at 100% of the target at the current pace or more, behind below that; "
        "judged from 25% of the window, on track before that"
    )
