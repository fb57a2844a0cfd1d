"""Several processes at once on one database, with a slow CRM: closes, edits, manual values, deletes, reopens, purges.

Each worker runs a seeded random mix of use cases on the same cards; every refusal
(a stale version, a closed or deleted card, a lock not had in time) is expected and
counted.  Afterwards the invariants of DESIGN's "Each use case is one step" must hold:
every closed score is of the stored version of a live card, no deleted card keeps a
manual entry or a closed score, no closed card has a manual value recorded after its
close began, and a purged user leaves no history once a purge has finished.
"""

import contextlib
import multiprocessing
import os
import random
import time
from decimal import Decimal

import pendulum
import pytest

from scorekit import (
    Actor,
    Cadence,
    CardNotFound,
    Date,
    Metric,
    Parameter,
    Role,
    ScorekitError,
    User,
)
from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.ports import SystemClock
from scorekit.service import CardTemplate, Scorekit

BOSS, ADMIN = Actor("boss", Role.MANAGER), Actor("root", Role.ADMIN)
JANUARY = Cadence.monthly(Date(2024, 1, 1)).period(0)
USERS = ["u0", "u1", "u2", "u3"]  # u3 is purged while the others work
CARDS = [f"{user}-{k}" for user in USERS for k in range(3)]
WORKERS, OPERATIONS = 4, 30


class SlowSource(RecordsMetricSource):
    """The CRM at month end: each answer takes a while, so that other processes write meanwhile."""

    def measure(self, requests):
        time.sleep(0.02)
        return super().measure(requests)


def records():
    at = pendulum.datetime(2024, 1, 10, tz="UTC")
    return [Record(f"d-{user}-{i}", "deals_won", user, at.add(hours=i)) for user in USERS for i in range(3)]


def service(where, kind):
    if kind == "sqlite":
        from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots

        stores = (SQLiteScorecards(where, busy_timeout=20), SQLiteManualValues(where), SQLiteSnapshots(where))
    else:
        from scorekit.adapters.postgres import PostgresManualValues, PostgresScorecards, PostgresSnapshots

        url, schema = where
        stores = tuple(
            cls(url, schema=schema, busy_timeout=20)
            for cls in (PostgresScorecards, PostgresManualValues, PostgresSnapshots)
        )
    cards, manual, snapshots = stores
    ids = iter(CARDS)
    return Scorekit(
        cards=cards,
        metrics=SlowSource(records()),
        manual=manual,
        clock=SystemClock(),
        snapshots=snapshots,
        new_id=lambda: next(ids),
    )


def close_all(svc):
    for port in (svc.cards, svc.manual, svc.snapshots):
        port.close()


def worker(where, kind, seed, results):
    svc = service(where, kind)
    rng = random.Random(seed)  # noqa: S311 - a repeatable mix of operations, not a secret
    done, refused = 0, 0
    for i in range(OPERATIONS):
        card_id = rng.choice(CARDS)
        op = rng.choices(["edit", "manual", "close", "reopen", "delete", "purge"], weights=[5, 6, 3, 3, 1, 1])[0]
        try:
            if op == "edit":
                card = svc.cards.get(card_id)
                svc.edit(BOSS, card_id, expected_version=card.version, name=f"w{seed}-{i}")
            elif op == "manual":
                svc.record_manual_value(BOSS, card_id, "demos", i)
            elif op == "close":
                svc.close(BOSS)
            elif op == "reopen":
                svc.reopen(BOSS, card_id, reason=f"w{seed} reopens")
            elif op == "delete":
                svc.delete(BOSS, card_id, reason=f"w{seed} deletes")
            else:
                svc.delete_all_for_user(ADMIN, "u3", reason="forget u3", purge=True)
            done += 1
        except ScorekitError:
            refused += 1
    close_all(svc)
    results.put((done, refused))


def run(where, kind):
    svc = service(where, kind)
    template = CardTemplate(
        Cadence.monthly(Date(2024, 1, 1)),
        [Parameter("deals_won", 10, 60), Parameter(Metric.custom("demos", "demos"), 4, 40)],
    )
    for user in USERS:  # ids in CARDS' order: u0-0, u0-1, u0-2, u1-0...
        for _k in range(3):
            svc.create_cards(BOSS, template, [User(user)], period=JANUARY)
    assert [c.owner.id for c in svc.cards.find()] == [card_id.split("-")[0] for card_id in CARDS]
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    workers = [ctx.Process(target=worker, args=(where, kind, seed, results)) for seed in range(WORKERS)]
    for p in workers:
        p.start()
    outcomes = [results.get(timeout=600) for _ in workers]
    for p in workers:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(done for done, _ in outcomes) > 0
    svc.delete_all_for_user(ADMIN, "u3", reason="the retry finishes the job", purge=True)
    check_invariants(svc)
    close_all(svc)


def check_invariants(svc):
    live = {}
    for card_id in CARDS:
        with contextlib.suppress(CardNotFound):
            live[card_id] = svc.cards.get(card_id)
    closed = svc.snapshots.get(CARDS)
    for card_id, snapshot in closed.items():
        assert card_id in live, f"a closed score of the deleted card {card_id}"
        assert snapshot.card_version == live[card_id].version, f"{card_id}: closed v{snapshot.card_version}"
    entries = svc.manual.entries(CARDS)
    for entry in entries:
        assert entry.card_id in live, f"a manual entry of the deleted card {entry.card_id}"
        if entry.card_id in closed:
            assert entry.recorded_at <= closed[entry.card_id].closed_at, f"{entry.card_id}: a value after its close"
    for card_id in CARDS:
        if card_id.startswith("u3-"):
            with pytest.raises(CardNotFound, match="ever stored"):
                svc.cards.history(card_id)
    assert all(isinstance(e.value, Decimal) for e in entries)


def test_sqlite(tmp_path):
    run(str(tmp_path / "shared.sqlite3"), "sqlite")


@pytest.mark.skipif(not os.environ.get("SCOREKIT_POSTGRES"), reason="SCOREKIT_POSTGRES is not set")
def test_postgres(postgres_pool):
    url = os.environ["SCOREKIT_POSTGRES"]
    with postgres_pool.connection() as conn:
        conn.execute("DROP SCHEMA IF EXISTS scorekit_concurrency CASCADE")
    run((url, "scorekit_concurrency"), "postgres")
