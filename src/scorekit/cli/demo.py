"""The demo workspace: an embedded sales team, its cards, its CRM records and its dashboard.

Everything the demo shows depends only on `DEMO_SEED` and the instant it is run as of:
CRM records are generated from each date alone, card ids are derived from the series
and the period (``ann@2024-03-01``), and the reps' hand-entered values are entered on
fixed instants inside each period. The dashboard shows the cards of a fixed window
(the month two before today's, through today), so a fresh workspace and one reused
from earlier runs print the same dashboard for the same ``--as-of``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import random
from collections.abc import Sequence
from pathlib import Path

import pendulum
from pendulum import Date, DateTime

from scorekit.adapters.memory import (
    FixedClock,
    MemoryAdjustments,
    MemoryManualValues,
    MemoryScorecards,
    Record,
    RecordsMetricSource,
    StaticOrgChart,
)
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.adjustment import AdjustmentKind
from scorekit.alerts import transitions
from scorekit.calendar import WorkCalendar
from scorekit.cli.render import (
    bar,
    many,
    percent,
    period_text,
    plain,
    score_table,
    shown,
    status_counts,
    status_word,
    table,
    when,
)
from scorekit.errors import CardNotFound
from scorekit.grouping import summarize
from scorekit.history import Change
from scorekit.measurement import Measurement, MetricRequest, requests_for
from scorekit.numbers import Number
from scorekit.parameter import Accumulation, Direction, Metric, Parameter
from scorekit.period import Cadence, Period, zone
from scorekit.plan import Ramp
from scorekit.rollup import rollup, target_mismatches
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, score
from scorekit.service import Actor, CardTemplate, Role, Scorekit
from scorekit.status import StatusPolicy

__all__ = ["DEMO_REPS", "DEMO_SEED", "DEMO_ZONE", "demo_records", "open_card", "run_demo"]

DEMO_SEED = "scorekit-demo-1"
"""Every random choice of the demo is seeded with this and a date or a card id."""
DEMO_ZONE = "Europe/Warsaw"
DEMO_REPS = (
    ("ann", "Anna Nowak"),
    ("bob", "Bartosz Wiśniewski"),
    ("cid", "Celina Dąbrowska"),
    ("dan", "Daniel Lewandowski"),
    ("eve", "Ewa Zielińska"),
)
_REP_IDS = tuple(rep for rep, _name in DEMO_REPS)
DEMO_HIRE = ("fay", "Filomena Kaczmarek")
"""The new hire of "when the plan changes": she started on the 15th of last month, on a ramp."""
DEMO_TEAM = Team("north", ["ann", "bob", "cid"])
DEMO_LEAD = Actor("lea", Role.MANAGER)
"""Lea leads team north: with the org chart she sees and changes her people's cards only."""
DEMO_ORG = {"manager": [DEMO_LEAD.id, "dan", "eve"], DEMO_LEAD.id: sorted(DEMO_TEAM.members)}
"""Who manages whom: the sales manager runs the workspace (everyone is theirs, through Lea for north)."""
_ANCHOR = Date(2000, 1, 1)
"""Every demo cadence counts from here, so the periods never depend on when a workspace was made."""
_CLIENTS = ("ACME", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Soylent", "Tyrell", "Cyberdyne")
_MANAGER = Actor("manager", Role.MANAGER)


def _templates() -> dict[str, tuple[CardTemplate, User | Team]]:
    """The template and owner of each series, by series id."""
    deal_size = Metric("deal_size", "PLN", label="Average deal size", accumulation=Accumulation.AVERAGE)
    rep = [
        Parameter(Metric("deals_won", "deals", label="Deals won"), 7, 30),
        Parameter(Metric("calls_made", "calls", label="Calls made"), 150, 20),
        Parameter(Metric("revenue", "PLN", label="Revenue"), 105_000, 25),
        # a level, not a count: the mean of the month's won deals, from 8,000 PLN (0%) to 17,000 (100%), at most 150%
        Parameter(deal_size, 17_000, 15, baseline=8_000, cap="1.5"),
        Parameter(Metric.custom("demos_held", "demos", label="Demos held"), 6, 10),
    ]
    junior = [rep[0].evolve(target=6), rep[1], rep[2].evolve(target=90_000), rep[3].evolve(target=15_000), rep[4]]
    team = [
        Parameter(Metric("revenue", "PLN", label="Revenue"), 850_000, 60),
        Parameter(Metric("deals_won", "deals", label="Deals won"), 55, 20),
        Parameter(Metric("deals_lost", "deals", label="Deals lost"), 20, 20, direction=Direction.LOWER_IS_BETTER),
    ]
    monthly = Cadence.monthly(_ANCHOR)
    # projected under 75% of the target: at risk; before a tenth of the month has passed, nobody is judged yet
    policy = StatusPolicy(on_track="0.95", at_risk="0.75", judge_from="0.1")
    days = DEMO_CALENDAR  # pace counts working days: nobody looks behind on a Monday or after Easter
    senior_t = CardTemplate(
        monthly, rep, timezone=DEMO_ZONE, rollover=True, name="Monthly targets", status_policy=policy, calendar=days
    )
    junior_t = CardTemplate(
        monthly,
        junior,
        timezone=DEMO_ZONE,
        rollover=True,
        name="Monthly targets (junior)",
        status_policy=policy,
        calendar=days,
    )
    team_t = CardTemplate(
        Cadence.quarterly(_ANCHOR), team, timezone=DEMO_ZONE, rollover=True, name="Team quarter", calendar=days
    )
    series: dict[str, tuple[CardTemplate, User | Team]] = {
        rep_id: (junior_t if rep_id == "eve" else senior_t, User(rep_id)) for rep_id, _ in DEMO_REPS
    }
    series[DEMO_TEAM.id] = (team_t, DEMO_TEAM)
    return series


def _card(series: str, template: CardTemplate, owner: User | Team, period: Period) -> Scorecard:
    """The series' card for `period`, with the id rollover would give it."""
    return Scorecard(
        f"{series}@{period.start}",
        owner,
        template.cadence,
        period,
        template.parameters,
        timezone=template.timezone,
        rollover=template.rollover,
        name=template.name,
        series=series,
        status_policy=template.status_policy,
        calendar=template.calendar,
    )


def demo_records(first: Date, last: Date, reps: Sequence[str] = _REP_IDS) -> list[Record]:
    """Deterministic CRM records of `reps` (the demo's five) for every working day from `first` to `last`.

    Each day's records of a rep depend only on the date and the rep.

    >>> [r.id for r in demo_records(Date(2024, 3, 1), Date(2024, 3, 1))][:2]
    ['20240301-ann-calls', '20240301-bob-calls']
    """
    records = []
    tz = zone(DEMO_ZONE)
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = Date.fromordinal(ordinal)
        if not DEMO_CALENDAR.is_working_day(day) or day in _polish_holidays(day.year):
            continue
        for rep in reps:
            rng = random.Random(f"{DEMO_SEED}:{day}:{rep}")  # noqa: S311 - demo data, not secrets
            at = pendulum.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), tz=tz)
            stem = f"{day:%Y%m%d}-{rep}"
            records.append(Record(f"{stem}-calls", "calls_made", rep, at, rng.randint(3, 10), f"call log {day}"))
            if rng.random() < 0.30:  # noqa: PLR2004
                client = rng.choice(_CLIENTS)
                won = at.add(minutes=rng.randint(30, 90))
                records.append(Record(f"{stem}-won", "deals_won", rep, won, 1, f"{client} deal"))
                amount = rng.randrange(4_000, 30_000, 50)
                records.append(Record(f"{stem}-rev", "revenue", rep, won, amount, f"{client} deal"))
                records.append(Record(f"{stem}-size", "deal_size", rep, won, amount, f"{client} deal"))
            if rng.random() < 0.12:  # noqa: PLR2004
                records.append(
                    Record(f"{stem}-lost", "deals_lost", rep, at.add(hours=2), 1, f"{rng.choice(_CLIENTS)} lost")
                )
    return records


@functools.lru_cache(maxsize=64)
def _polish_holidays(year: int) -> frozenset[Date]:
    """Poland's public holidays that can fall on a working day in `year` (Easter Monday, Corpus Christi...).

    >>> sorted(str(d) for d in _polish_holidays(2024))[:4]
    ['2024-01-01', '2024-01-06', '2024-04-01', '2024-05-01']
    """
    # Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    easter = Date(year, month, day + 1)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    movable = [easter.add(days=1), easter.add(days=60)]  # Easter Monday, Corpus Christi
    return frozenset([Date(year, mo, da) for mo, da in fixed] + movable)


DEMO_CALENDAR = WorkCalendar(
    weekdays={0, 1, 2, 3, 4}, holidays=frozenset().union(*(_polish_holidays(y) for y in range(2020, 2036)))
)
"""Monday to Friday without Poland's public holidays of 2020 to 2035 (later years: weekends only)."""


def _manual_plan(card: Scorecard) -> list[tuple[DateTime, int]]:
    """When the owner enters "demos held" on `card` and what: every Friday at 18:00, the count so far."""
    rng = random.Random(f"{DEMO_SEED}:{card.id}")  # noqa: S311 - demo data
    tz = zone(card.timezone)
    plan, held = [], 0
    for ordinal in range(card.period.start.toordinal(), card.period.end.toordinal()):
        day = Date.fromordinal(ordinal)
        if day.isoweekday() == 5:  # noqa: PLR2004 - Friday
            held += rng.randint(0, 2)
            plan.append((pendulum.datetime(day.year, day.month, day.day, 18, tz=tz), held))
    return plan


class _Workspace:
    """The demo's SQLite workspace, seen as of one instant."""

    def __init__(self, db: Path, as_of: DateTime) -> None:
        local = as_of.in_timezone(zone(DEMO_ZONE))
        self.db = db
        self.as_of = as_of
        self.today = Date(local.year, local.month, local.day)
        self.series = _templates()
        monthly = Cadence.monthly(_ANCHOR)
        # the dashboard shows the cards of the month two before today's through today
        self.first = monthly.period(monthly.index_of(self.today) - 2).start
        self.clock = FixedClock(now=as_of)
        quarter = Cadence.quarterly(_ANCHOR).period_containing(self.first)
        counter = itertools.count(1)
        self.service = Scorekit(
            cards=SQLiteScorecards(db),
            metrics=RecordsMetricSource(demo_records(quarter.start, self.today)),
            manual=SQLiteManualValues(db),
            clock=self.clock,
            snapshots=SQLiteSnapshots(db),
            new_id=lambda: f"demo-{next(counter):03d}",
            org=StaticOrgChart(DEMO_ORG),
        )

    def window_cards(self) -> list[Scorecard]:
        """The cards whose period overlaps the window, from the month two before today's through today."""
        cards = self.service.cards.find()
        return [c for c in cards if c.period.end > self.first and c.period.start <= self.today]

    def prepare(self) -> list[str]:
        """Make sure every series has its cards in the window, roll over, enter the reps' values.

        A fresh workspace gets each series' first card and rollover makes the rest; a reused
        one made after the window began gets the window's earlier cards added, with the ids
        rollover would have given them.
        """
        existing = self.service.cards.find()
        fresh = not existing
        missing = []
        for series, (template, owner) in self.series.items():
            starts = [c.period.start for c in existing if c.series_id == series]
            earliest = min(starts) if starts else None
            cadence = template.cadence
            index = cadence.index_of(self.first)
            while (period := cadence.period(index)).start <= self.today:
                if earliest is not None and period.start >= earliest:
                    break  # the series goes on from here; rollover makes what is missing after it
                missing.append(_card(series, template, owner, period))
                if earliest is None:
                    break  # the series' first card; rollover makes the rest
                index += 1
        if missing:
            self.service.cards.add_many(missing, change=Change(_MANAGER.id, self.as_of, "demo workspace set-up"))
        if fresh:
            reps = many(len(DEMO_REPS), "rep")
            lines = [f"created the workspace {shown(self.db)}: {reps}, team north, cards from {self.first}"]
        else:
            added = f" (added {many(len(missing), 'card')} of the window it lacked)" if missing else ""
            lines = [f"reusing the workspace {shown(self.db)}{added}"]
        created = self.service.roll_over(_MANAGER, today=self.today)
        lines.append(f"rolled over {many(len(created), 'card')} up to {self.today}")
        self._enter_manual_values()
        closed = self.service.close(_MANAGER, today=self.today)
        lines.append(f"closed {many(len(closed), 'card')} whose period is over: their numbers no longer move")
        return lines

    def _enter_manual_values(self) -> None:
        """Each rep enters "demos held" on the planned instants up to now, once each."""
        for card in self.window_cards():
            if not card.manual_keys:
                continue
            done = {entry.recorded_at for entry in self.service.manual.entries([card.id])}
            owner = Actor(card.owner.id, Role.USER)
            for at, held in _manual_plan(card):
                if at <= self.as_of and at not in done:
                    self.clock.set(at)
                    self.service.record_manual_value(owner, card.id, "demos_held", held)
        self.clock.set(self.as_of)

    def scores(self) -> list[CardScore]:
        """The window's cards, scored as of the instant, in period and owner order.

        A card closed by a run at a later --as-of is scored live here, as of this instant, so
        the dashboard depends only on the seed and --as-of, never on the workspace's past runs.
        """
        cards = sorted(self.window_cards(), key=lambda c: (c.period.start, c.period.end, c.owner.id))
        closed = self.service.snapshots.get([c.id for c in cards]) if self.service.snapshots else {}
        return [
            self.live(card, self.as_of)
            if card.id in closed and card.period.end > self.today
            else self.service.report(_MANAGER, card.id, as_of=self.as_of)
            for card in cards
        ]

    def live(self, card: Scorecard, as_of: DateTime) -> CardScore:
        """`card` scored as of `as_of` from the CRM and the entries made by then, closed or not."""
        requests = requests_for(card, as_of)
        answers = self.service.metrics.measure(requests)
        entries = self.service.manual.entries([card.id])
        measurements: dict[str, Measurement | Number] = {r.metric: answers[r] for r in requests}
        for key in card.manual_keys:  # no entry yet reads as 0, as in the service
            if not any(e.metric == key and e.recorded_at <= as_of for e in entries):
                measurements[key] = 0
        return score(card, measurements, as_of=as_of, manual=entries)


def run_demo(db: Path, as_of: DateTime) -> str:
    """Create (or reuse) the demo workspace in `db`, roll it over, and render its dashboard."""
    workspace = _Workspace(db, as_of)
    lines = workspace.prepare()
    scores = workspace.scores()
    trend = render_trend(scores, DEMO_REPS[0][0])
    changes = render_plan_changes(workspace)
    dashboard = render_dashboard(as_of, scores)
    return "\n".join([*lines, "", dashboard, "", render_team_lead(workspace, scores), "", trend, "", changes])


_PLAN_LINES = ("ramp factor:", "target steps:", "weighted target:", "credit:")
"""The lines of `CardScore.explain()` that show how a plan moved."""


def _plan_lines(result: CardScore, key: str) -> list[str]:
    """The lines of `result.explain()` on parameter `key` that show how its plan moved."""
    lines, inside = [], False
    for line in result.explain().splitlines():
        if not line.startswith(" "):  # a parameter's heading (or the card's): its lines are indented under it
            inside = line.startswith((f"{key}:", f"{key} ("))
        elif inside and line.strip().startswith(_PLAN_LINES):
            lines.append(line.strip())
    return lines


def render_plan_changes(workspace: _Workspace) -> str:
    """Today's period with the plan moved, on copies of the cards (the workspace is left as it is).

    A new hire on a `Ramp` (50%, then 75%, then full targets), a target raised from the
    15th (`Scorekit.edit(..., effective=)`: a `TargetStep` from that day) and a deal booked late credited by
    hand (`Scorekit.adjust`), each with the lines of `explain()` that show it.
    """
    as_of, today = workspace.as_of, workspace.today
    monthly = Cadence.monthly(_ANCHOR)
    period = monthly.period_containing(today)
    hire_id, hire_name = DEMO_HIRE
    ramp = Ramp(monthly.period(monthly.index_of(today) - 1).start.add(days=14), ("0.5", "0.75"))
    template, _ = workspace.series["ann"]
    ann, bob = (_card(rep, workspace.series[rep][0], User(rep), period) for rep in ("ann", "bob"))
    hire = _card(hire_id, template, User(hire_id), period).evolve(ramp=ramp)
    cards = MemoryScorecards([ann, bob, hire], change=Change(_MANAGER.id, as_of, "plan changes, on copies"))
    manual = MemoryManualValues()
    for entry in workspace.service.manual.entries([ann.id, bob.id]):
        manual.append(entry)
    records = demo_records(period.start, today, ("ann", "bob", hire_id))
    service = Scorekit(
        cards=cards,
        metrics=RecordsMetricSource(records),
        manual=manual,
        clock=FixedClock(now=as_of),
        adjustments=MemoryAdjustments(cards=cards),
        new_id=lambda: "credit-1",
    )
    before = {card.id: service.report(_MANAGER, card.id, as_of=as_of) for card in (ann, bob)}
    raised_from = period.start.add(days=14)
    deals = ann.parameter("deals_won")
    raised = deals.evolve(target=deals.target + 2)
    service.edit(  # only the target changes, from the 15th on: the days before keep theirs
        _MANAGER,
        ann.id,
        expected_version=1,
        parameters=[raised if p.key == "deals_won" else p for p in ann.parameters],
        effective=raised_from,
        reason=f"deals won raised from {raised_from}",
    )
    credit = service.adjust(_MANAGER, bob.id, "deals_won", AdjustmentKind.CREDIT, 1, reason="Globex deal booked late")
    hired, stepped, credited = (service.report(_MANAGER, c.id, as_of=as_of) for c in (hire, ann, bob))

    def moved(result: CardScore, text: str) -> list[str]:
        was = f"{percent(before[result.card.id].total)} -> " if result.card.id in before else ""
        head = f"  {result.card.id}: {text}: total {was}{percent(result.total)} {status_word(result.status, last_day=_last_day(result))}"
        return [head, *(f"    deals_won {line}" for line in _plan_lines(result, "deals_won"))]

    return "\n".join(
        [
            f"when the plan changes ({period_text(period)}, on copies of the cards; the workspace is left as it is):",
            *moved(hired, f"new hire {hire_name}, started {ramp.start} on a ramp of 50%, 75%"),
            *moved(stepped, f"deals won raised from {deals.target} to {deals.target + 2} from {raised_from}"),
            *moved(credited, f'a credit of {credit.value} deal by {credit.recorded_by}, "{credit.reason}"'),
        ]
    )


def render_team_lead(workspace: _Workspace, scores: Sequence[CardScore]) -> str:
    """Lea's morning: her team as one number, a target that does not add up, a shared deal, what to tell whom.

    She sees her own people only (the org chart); the team's number is a ratio of sums
    (`rollup`), the mismatch compares a monthly team plan with her people's cards
    (`target_mismatches`), and the news is what changed since yesterday (`transitions`).
    """
    lead, as_of = DEMO_LEAD, workspace.as_of
    # what she may see today (the org chart decides), scored as the dashboard above scored it
    hers = {s.card.id for s in workspace.service.dashboard(lead, as_of=as_of).scores}
    mine = [s for s in scores if s.card.id in hers and isinstance(s.card.owner, User)]
    lines = [f"team lead {lead.id} (team {DEMO_TEAM.id}: {', '.join(sorted(DEMO_TEAM.members))}), {when(as_of)}:"]
    lines += ["  " + line for line in rollup(mine).explain().splitlines()]
    if mine:
        plan = Scorecard(  # the monthly plan she set for the team, checked against her people's cards
            f"{DEMO_TEAM.id}-plan",
            DEMO_TEAM,
            mine[0].card.cadence,
            mine[0].card.period,
            [Parameter(Metric("revenue", "PLN"), 300_000, 70), Parameter(Metric("deals_won", "deals"), 21, 30)],
            timezone=DEMO_ZONE,
        )
        for gap in target_mismatches(plan, [s.card for s in mine]):
            lines.append(
                f"  target check: team plan {gap.key} {gap.team_target} but her people's cards add up to "
                f"{gap.members_target}"
            )
    yesterday = as_of.subtract(days=1)
    lines.append("  " + _shared_deal(yesterday))
    news = []
    for now in mine:  # what changed since yesterday, this hour: what a host would notify
        news += [change.describe() for change in transitions(workspace.live(now.card, yesterday), now)]
    lines.append("  since yesterday: " + ("nothing to tell" if not news else f"{many(len(news), 'thing')} to tell"))
    lines += ["    " + item for item in news]
    return "\n".join(lines)


def render_trend(scores: Sequence[CardScore], series: str) -> str:
    """One series' totals per period, oldest first (its closed months are its snapshots)."""
    points = sorted((s for s in scores if s.card.series_id == series), key=lambda s: s.card.period.start)
    name = dict(DEMO_REPS).get(series, series)
    steps = " · ".join(f"{period_text(s.card.period)} {percent(s.total)} {status_word(s.status)}" for s in points)
    return f"trend of {name} ({series}): {steps}"


def _shared_deal(at: DateTime) -> str:
    """A deal split 60/40 between ann and bob: each counts their share, their team the deal once."""
    rows = [("ann", "0.6"), ("bob", "0.4")]
    source = RecordsMetricSource(
        [Record("ACME-renewal", "revenue", who, at, 20_000, "ACME renewal", share=part) for who, part in rows]
    )
    window = (at.subtract(days=1), at.add(days=1))
    asked = {
        name: MetricRequest("revenue", frozenset(subjects), *window)
        for name, subjects in (("ann", {"ann"}), ("bob", {"bob"}), ("the team", {"ann", "bob"}))
    }
    found = source.measure(asked.values())
    credited = ", ".join(f"{name} {plain(found[request].value)}" for name, request in asked.items())
    return f"shared deal: ACME renewal, 20000 PLN split 60/40: {credited} (counted once)"


def open_card(db: Path, as_of: DateTime, card_id: str) -> str:
    """One card of the workspace, scored as of `as_of`: its parameter table, and its explanation."""
    workspace = _Workspace(db, as_of)
    workspace.prepare()
    try:
        result = workspace.service.report(_MANAGER, card_id, as_of=as_of)
    except CardNotFound:
        ids = ", ".join(c.id for c in workspace.window_cards()[:3])
        msg = f"--card: no card {card_id!r} in the workspace; the dashboard lists the ids (e.g. {ids})"
        raise CardNotFound(msg) from None
    return f"{score_table(result)}\n\n{result.explain()}"


def _last_day(score: CardScore) -> bool:
    local = score.as_of.astimezone(zone(score.card.timezone))
    return local.date() == score.card.period.last_day


def render_dashboard(as_of: _dt.datetime, scores: Sequence[CardScore]) -> str:
    """The dashboard as text: a row per card with a bar, then the groups of similar cards.

    Means and medians are over started cards; every status has a column, so a group's
    counts add up to its cards.
    """
    names = dict(DEMO_REPS)
    rows = [["id", "card", "owner", "period", "total", "", "status"]]
    rows += [
        [
            s.card.id,
            s.card.name or s.card.id,
            names.get(s.card.owner.id, s.card.owner.id),
            period_text(s.card.period),
            percent(s.total),
            bar(s.total),
            status_word(s.status, last_day=_last_day(s)),
        ]
        for s in scores
    ]
    summary = summarize(scores)
    mean, median = summary.mean_total, summary.median_total
    counts = ", ".join(f"{n} {word}" for word, n in status_counts(scores))
    head = (
        f"dashboard as of {when(as_of)}: {many(len(scores), 'card')}, mean {percent(mean)}, median {percent(median)} "
        f"(started cards) · {counts}"
    )
    words = [word for word, _ in status_counts(())]
    groups = [["group of similar cards", "cards", "mean", *words]]

    def similar(s: CardScore) -> tuple[Period, str]:
        return s.card.period, s.card.name or s.card.id

    ordered = sorted(scores, key=lambda s: (s.card.period.start, s.card.period.end, s.card.name or s.card.id))
    for (period, name), members in itertools.groupby(ordered, key=similar):
        group = list(members)
        group_mean = summarize(group).mean_total
        groups.append(
            [f"{name}, {period_text(period)}", str(len(group)), percent(group_mean)]
            + [str(n) for _, n in status_counts(group)]
        )
    return f"{head}\n\n{table(rows)}\n\n{table(groups)}"
