import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from scorekit.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
CARD, RECORDS, MANUAL = EXAMPLES / "card.toml", EXAMPLES / "records.csv", EXAMPLES / "manual.csv"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


class TestScore:
    def score(self, capsys, fmt, as_of="2024-03-31"):
        code, out, err = run(
            capsys, "score", "--card", CARD, "--records", RECORDS, "--manual", MANUAL, "--as-of", as_of, "--format", fmt
        )
        assert (code, err) == (0, "")
        return out

    def test_json_matches_the_hand_computed_card(self, capsys):
        document = json.loads(self.score(capsys, "json"))
        # deals: D1 (00:30 on March 1 in Warsaw) to D4 (23:59 March 31) = 4 of 10; D5 is April's, B1 is Bob's
        # revenue: 20000 + 35000 + 15000.50 + 30000 = 100000.50 of 100000; demos: the Mar 25 entry, 5 of 4
        # total: 0.4 x 0.5 + 1.000005 x 0.3 + 1.25 x 0.2 = 0.7500015
        assert Decimal(document["total"]) == Decimal("0.7500015")
        assert document["percent"] == "75.00"
        assert document["status"] == "behind"
        actual = {p["metric"]: Decimal(p["actual"]) for p in document["parameters"]}
        assert actual == {"deals_won": 4, "revenue": Decimal("100000.50"), "demos_held": 5}
        assert [p["evidence"] for p in document["parameters"]] == [4, 4, 0]

    def test_csv_has_one_row_per_parameter(self, capsys):
        rows = list(csv.DictReader(io.StringIO(self.score(capsys, "csv"))))
        assert [r["metric"] for r in rows] == ["deals_won", "revenue", "demos_held"]
        assert [r["weight"] for r in rows] == ["50", "30", "20"]
        assert rows[2]["achievement"] == "1.25"

    def test_table(self, capsys):
        out = self.score(capsys, "table")
        assert "Anna, March · ann · [2024-03-01, 2024-04-01)" in out
        assert "100000.5 / 100000 PLN" in out
        assert "total 75.00%" in out

    def test_as_of_is_the_end_of_the_day_in_the_cards_zone(self, capsys):
        document = json.loads(self.score(capsys, "json", as_of="2024-03-10"))
        assert document["as_of"] == "2024-03-10T23:59:59.999999+01:00"
        actual = {p["metric"]: Decimal(p["actual"]) for p in document["parameters"]}
        assert actual == {"deals_won": 2, "revenue": 55000, "demos_held": 2}

    def test_an_iso_instant_works_too(self, capsys):
        document = json.loads(self.score(capsys, "json", as_of="2024-03-07T10:15:00+01:00"))
        assert Decimal(document["parameters"][0]["actual"]) == 1  # D2 at that very instant is not counted yet


class TestBadInput:
    def error(self, capsys, *argv):
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert out == ""
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
        return err

    def write(self, tmp_path, name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    def score(self, capsys, card=CARD, records=RECORDS, *extra):
        return self.error(capsys, "score", "--card", card, "--records", records, "--as-of", "2024-03-31", *extra)

    def test_missing_file(self, capsys, tmp_path):
        assert "nope.toml: cannot read" in self.score(capsys, tmp_path / "nope.toml")

    def test_not_toml(self, capsys, tmp_path):
        assert "not valid TOML" in self.score(capsys, self.write(tmp_path, "c.toml", "id = = 3"))

    def test_weights_do_not_sum_to_100(self, capsys, tmp_path):
        text = CARD.read_text().replace("weight = 20", "weight = 25")
        err = self.score(capsys, self.write(tmp_path, "c.toml", text))
        assert "c.toml: card 'ann-2024-03': active weights sum to 105% (50% + 30% + 25%)" in err

    def test_missing_field(self, capsys, tmp_path):
        text = CARD.read_text().replace('owner = "ann"', "")
        assert "c.toml: missing field 'owner'" in self.score(capsys, self.write(tmp_path, "c.toml", text))

    def test_unknown_parameter_field(self, capsys, tmp_path):
        text = CARD.read_text().replace("target = 10\n", "target = 10\ntarget_2 = 3\n")
        assert "parameters[0]: unknown field(s) target_2" in self.score(capsys, self.write(tmp_path, "c.toml", text))

    def test_bad_record_row_names_the_line(self, capsys, tmp_path):
        text = RECORDS.read_text().replace("2024-03-07T10:15:00+01:00,35000", "2024-03-07T10:15:00,35000")
        err = self.score(capsys, CARD, self.write(tmp_path, "r.csv", text))
        assert "r.csv:5: record occurred_at must be an aware datetime" in err

    def test_bad_value(self, capsys, tmp_path):
        text = RECORDS.read_text().replace(",35000,", ",lots,")
        assert "r.csv:5: record value must be a finite number" in self.score(
            capsys, CARD, self.write(tmp_path, "r.csv", text)
        )

    def test_missing_columns(self, capsys, tmp_path):
        err = self.score(capsys, CARD, self.write(tmp_path, "r.csv", "id,metric\n1,deals_won\n"))
        assert "r.csv:1: missing column(s) subject, occurred_at" in err

    def test_bad_manual_row(self, capsys, tmp_path):
        manual = self.write(tmp_path, "m.csv", "metric,value,recorded_at\ndemos_held,3,yesterday\n")
        assert "m.csv:2: recorded_at: expected an ISO instant" in self.score(capsys, CARD, RECORDS, "--manual", manual)

    def test_bad_as_of(self, capsys):
        err = self.error(capsys, "score", "--card", CARD, "--records", RECORDS, "--as-of", "soon")
        assert "--as-of: expected a date YYYY-MM-DD" in err

    def test_bad_every(self, capsys):
        assert "--every: expected a count and a unit" in self.error(
            capsys, "periods", "--every", "3y", "--from", "2024-01-01"
        )

    def test_bad_count(self, capsys):
        assert "--count" in self.error(capsys, "periods", "--monthly", "--from", "2024-01-01", "--count", "0")

    def test_argparse_errors_exit_2(self, capsys):
        with pytest.raises(SystemExit) as info:
            main(["periods", "--monthly", "--from", "2024-02-30"])
        assert info.value.code == 2
        assert "expected a date YYYY-MM-DD, got '2024-02-30'" in capsys.readouterr().err


class TestPeriods:
    def test_monthly_from_a_month_end(self, capsys):
        code, out, _ = run(capsys, "periods", "--monthly", "--from", "2024-01-31", "--count", "3")
        assert code == 0
        lines = out.splitlines()
        assert lines[0] == "monthly from 2024-01-31"
        assert lines[2].split() == ["0", "2024-01-31", "2024-02-29", "2024-02-28", "29"]
        assert lines[3].split() == ["1", "2024-02-29", "2024-03-31", "2024-03-30", "31"]
        assert lines[4].split() == ["2", "2024-03-31", "2024-04-30", "2024-04-29", "30"]

    @pytest.mark.parametrize(("every", "second"), [("14d", "2024-01-15"), ("2w", "2024-01-15"), ("6m", "2024-07-01")])
    def test_every(self, capsys, every, second):
        _, out, _ = run(capsys, "periods", "--every", every, "--from", "2024-01-01", "--count", "2")
        assert out.splitlines()[3].split()[1] == second

    def test_quarterly(self, capsys):
        _, out, _ = run(capsys, "periods", "--quarterly", "--from", "2024-04-01", "--count", "4")
        assert [line.split()[1] for line in out.splitlines()[2:]] == [
            "2024-04-01",
            "2024-07-01",
            "2024-10-01",
            "2025-01-01",
        ]


class TestDemo:
    def test_is_deterministic_for_a_given_as_of(self, capsys, tmp_path):
        outputs = []
        for name in ("a.sqlite3", "b.sqlite3"):
            code, out, err = run(capsys, "demo", "--db", tmp_path / name, "--as-of", "2024-05-20")
            assert (code, err) == (0, "")
            outputs.append(out.split("\n", 1)[1])  # the first line names the file
        assert outputs[0] == outputs[1]

    def test_creates_rolls_over_and_reuses(self, capsys, tmp_path):
        db = tmp_path / "w.sqlite3"
        _, first, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert "created the workspace" in first
        assert "rolled over 11 card(s) up to 2024-05-20" in first  # 5 reps x 2 months + the team's next quarter
        assert "17 cards" in first
        _, again, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert "reusing the workspace" in again
        assert "rolled over 0 card(s)" in again
        assert again.split("\n", 2)[2] == first.split("\n", 2)[2]
        _, later, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-06-03")
        assert "rolled over 5 card(s)" in later
        assert "22 cards" in later

    def test_dashboard_rows_and_groups(self, capsys, tmp_path):
        _, out, _ = run(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20")
        assert "Team quarter              north" in out
        assert "Anna Nowak" in out
        assert "group of similar cards" in out
        assert "█" in out


def test_a_closed_pipe_ends_quietly():
    """`scorekit periods ... | head -1`: no traceback when the reader goes away."""
    import subprocess
    import sys

    argv = [sys.executable, "-c", "import sys; from scorekit.cli import main; sys.exit(main())", "periods", "--monthly", "--from", "2024-01-01", "--count", "50000"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:  # noqa: S603 - our own module
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert first.startswith(b"monthly from 2024-01-01")
    assert "Traceback" not in stderr
    assert process.returncode == 1
