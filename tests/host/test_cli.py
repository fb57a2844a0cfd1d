import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from scorekit import Status
from scorekit.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples"
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
        assert [r["weight"] for r in rows] == ["0.5", "0.3", "0.2"]  # fractions, like achievement
        assert rows[2]["achievement"] == "1.25"

    def test_table(self, capsys):
        out = self.score(capsys, "table")
        assert "Anna, March · ann · 2024-03-01 to 2024-03-31 · as of" in out
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
        assert "parameters[0]: unknown field(s) 'target_2'" in self.score(capsys, self.write(tmp_path, "c.toml", text))

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

    def test_argparse_errors_exit_2_with_one_line(self, capsys):
        err = self.error(capsys, "periods", "--monthly", "--from", "2024-02-30")
        assert "2024-02-30 does not exist: February 2024 has 29 days" in err


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
        assert "rolled over 11 cards up to 2024-05-20" in first  # 5 reps x 2 months + the team's next quarter
        assert "17 cards" in first  # March to May: 5 reps x 3 months + the team's two quarters
        _, again, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert "reusing the workspace" in again
        assert "rolled over 0 cards" in again
        assert again.split("\n\n", 1)[1] == first.split("\n\n", 1)[1]
        _, later, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-06-03")
        assert "rolled over 5 cards" in later
        assert "16 cards" in later  # April to June: 15 monthly cards, one quarter

    def test_dashboard_rows_and_groups(self, capsys, tmp_path):
        _, out, _ = run(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20")
        assert "north@2024-01-01  Team quarter              north" in out
        assert "Anna Nowak" in out
        assert "group of similar cards" in out
        assert "█" in out


def test_a_closed_pipe_ends_quietly():
    """`scorekit periods ... | head -1`: no traceback when the reader goes away."""
    import subprocess
    import sys

    argv = [
        sys.executable,
        "-c",
        "import sys; from scorekit.cli import main; sys.exit(main())",
        "periods",
        "--monthly",
        "--from",
        "2024-01-01",
        "--count",
        "50000",
    ]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:  # noqa: S603 - our own module
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert first.startswith(b"monthly from 2024-01-01")
    assert "Traceback" not in stderr
    assert process.returncode == 1


class TestHostileInput(TestBadInput):
    """Issue 11: whatever the input, one line naming the file, line or field, and exit 2."""

    def records(self, tmp_path, *rows, header="id,metric,subject,occurred_at,value,label"):
        return self.write(tmp_path, "r.csv", "\n".join([header, *rows]) + "\n")

    def test_binary_card(self, capsys, tmp_path):
        path = tmp_path / "c.toml"
        path.write_bytes(bytes(range(256)) * 4)
        assert "c.toml: not UTF-8 text" in self.score(capsys, path)

    def test_binary_records(self, capsys, tmp_path):
        path = tmp_path / "r.csv"
        path.write_bytes(b"id,metric\n\xff\xfe\x00\x01")
        assert "r.csv: not UTF-8 text" in self.score(capsys, CARD, path)

    @pytest.mark.parametrize("which", ["card", "records", "manual"])
    def test_dev_zero_is_not_read(self, capsys, which):
        files = {"card": CARD, "records": RECORDS, "manual": MANUAL, which: Path("/dev/zero")}
        err = self.score(capsys, files["card"], files["records"], "--manual", files["manual"])
        assert "/dev/zero: not a regular file" in err

    def test_a_directory_is_not_read(self, capsys, tmp_path):
        assert "not a regular file" in self.score(capsys, tmp_path)

    def test_a_file_over_64_mib_is_not_read(self, capsys, tmp_path):
        path = tmp_path / "r.csv"
        with path.open("wb") as handle:
            handle.truncate(64 * 1024 * 1024 + 1)  # sparse: costs no disk
        assert "r.csv: 67,108,865 bytes is more than the 67,108,864 allowed" in self.score(capsys, CARD, path)

    @pytest.mark.parametrize("text", ["a = " + "[" * 50_000 + "]" * 50_000, "a = " + "{b=" * 5_000 + "1" + "}" * 5_000])
    def test_deep_nesting(self, capsys, tmp_path, text):
        err = self.score(capsys, self.write(tmp_path, "c.toml", text))
        assert "c.toml: not valid TOML" in err

    @pytest.mark.parametrize(
        "as_of", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
    )
    def test_as_of_near_year_1_or_9999(self, capsys, as_of):
        code, out, err = run(capsys, "score", "--card", CARD, "--records", RECORDS, "--as-of", as_of)
        if code == 0:  # a valid instant: March 2024 scored long before or long after
            assert err == ""
            assert "Anna, March" in out
        else:
            assert code == 2
            assert "Traceback" not in err
            assert len(err.strip().splitlines()) == 1
            assert "card.toml" in err or "--as-of" in err

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("period = 2024-03-01", "period = 9999-12-31"),
            ("monthly = 2024-01-01", "monthly = 0001-01-01"),
            ("monthly = 2024-01-01", "monthly = 9999-12-01"),
        ],
    )
    def test_card_dates_near_year_1_or_9999(self, capsys, tmp_path, old, new):
        card = self.write(tmp_path, "c.toml", CARD.read_text().replace(old, new))
        code, _, err = run(capsys, "score", "--card", card, "--records", RECORDS, "--as-of", "2024-03-31")
        assert code in (0, 2)
        assert "Traceback" not in err
        if code:
            assert len(err.strip().splitlines()) == 1
            assert "c.toml:" in err

    @pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
    def test_demo_as_of_out_of_range(self, capsys, tmp_path, as_of):
        assert "--as-of" in self.error(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", as_of)

    def test_huge_target(self, capsys, tmp_path):
        text = CARD.read_text().replace("target = 10\n", "target = 1e300\n")
        assert "c.toml:" in self.score(capsys, self.write(tmp_path, "c.toml", text))

    def test_a_typo_in_a_top_level_key_is_not_scored_in_utc(self, capsys, tmp_path):
        text = CARD.read_text().replace("timezone =", "timezon =")
        err = self.score(capsys, self.write(tmp_path, "c.toml", text))
        assert "c.toml: unknown field(s) 'timezon'" in err

    @pytest.mark.parametrize(
        ("old", "new", "where"),
        [
            ("[cadence]\n", "[cadence]\nanchor = 1\n", "c.toml.cadence: unknown field(s) 'anchor'"),
            ('owner = "ann" ', 'owner = { team = "n", members = ["a"], lead = "a" } ', "c.toml.owner: unknown"),
            ('owner = "ann" ', 'owner = { team = "n", members = ["a", 3] } ', "c.toml.owner.members[1]"),
            ("weight = 50", "weight = true", "parameters[0].weight: expected"),
            ("[cadence]\nmonthly = 2024-01-01", "[cadence]\nmonthly = 2024-01-01\nstart = 2024-01-01", "start"),
        ],
    )
    def test_unknown_or_wrong_keys_anywhere(self, capsys, tmp_path, old, new, where):
        text = CARD.read_text().replace(old, new)
        assert text != CARD.read_text()
        assert where in self.score(capsys, self.write(tmp_path, "c.toml", text))

    def test_corrupt_db(self, capsys, tmp_path):
        db = tmp_path / "w.sqlite3"
        db.write_bytes(b"\x00garbage" * 1000)
        err = self.error(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert f"--db {db}: not a usable scorekit workspace" in err

    def test_db_of_another_program(self, capsys, tmp_path):
        import sqlite3

        db = tmp_path / "w.sqlite3"
        with sqlite3.connect(db) as connection:
            connection.execute("CREATE TABLE cards (x)")
        connection.close()
        assert "--db" in self.error(capsys, "demo", "--db", db, "--as-of", "2024-05-20")

    def test_db_in_a_missing_folder(self, capsys, tmp_path):
        err = self.error(capsys, "demo", "--db", tmp_path / "nope" / "w.sqlite3", "--as-of", "2024-05-20")
        assert "does not exist" in err

    def test_db_that_is_a_directory(self, capsys, tmp_path):
        assert "not a regular file" in self.error(capsys, "demo", "--db", tmp_path, "--as-of", "2024-05-20")

    def test_a_stray_quote_does_not_swallow_rows(self, capsys, tmp_path):
        rows = RECORDS.read_text().splitlines()
        rows[3] = rows[3].replace(",1,", ',"1,', 1)  # line 4 opens a quote that never closes on its line
        err = self.score(capsys, CARD, self.records(tmp_path, *rows[1:]))
        assert "r.csv:4: a quoted cell runs over" in err

    def test_a_repeated_record_id_for_the_same_metric(self, capsys, tmp_path):
        rows = RECORDS.read_text().splitlines()
        err = self.score(capsys, CARD, self.records(tmp_path, *rows[1:], rows[3]))
        assert f"r.csv:{len(rows) + 1}: record id 'D2' for metric 'deals_won' and subject 'ann' repeats line 4" in err

    def test_a_deal_split_between_people(self, capsys, tmp_path):
        header = "id,metric,subject,occurred_at,value,label,share"
        split = ["D9,revenue,ann,2024-03-05T10:00:00+01:00,10000,Initech,0.6"]
        path = self.records(
            tmp_path, *split, "D9,revenue,bob,2024-03-05T10:00:00+01:00,10000,Initech,0.4", header=header
        )
        code, out, err = run(capsys, "score", "--card", CARD, "--records", path, "--as-of", "2024-03-31")
        assert (code, err) == (0, "")
        assert "6000" in out  # ann's card: 10,000 x 0.6
        over = self.records(
            tmp_path, *split, "D9,revenue,bob,2024-03-05T10:00:00+01:00,10000,Initech,0.5", header=header
        )
        err = self.score(capsys, CARD, over)
        assert "r.csv:3: record id 'D9' for metric 'revenue' is credited shares summing to 1.1" in err

    def test_the_same_id_for_two_metrics_is_fine(self, capsys, tmp_path):
        # D1 is both a deal won and its revenue in the example: one record per metric
        code, _, err = run(capsys, "score", "--card", CARD, "--records", RECORDS, "--as-of", "2024-03-31")
        assert (code, err) == (0, "")

    def test_an_empty_value_cell(self, capsys, tmp_path):
        path = self.records(tmp_path, "D9,deals_won,ann,2024-03-05T10:00:00+01:00,,Initech")
        assert "r.csv:2: value: empty" in self.score(capsys, CARD, path)

    def test_too_many_cells(self, capsys, tmp_path):
        path = self.records(tmp_path, "D9,deals_won,ann,2024-03-05T10:00:00+01:00,1,Initech,extra")
        assert "r.csv:2: 7 cell(s), but the header has 6" in self.score(capsys, CARD, path)

    def test_an_unknown_column(self, capsys, tmp_path):
        path = self.records(tmp_path, header="id,metric,subject,occurred_at,vaule")
        assert "r.csv:1: unknown or repeated column(s) 'vaule'" in self.score(capsys, CARD, path)

    @pytest.mark.parametrize(
        ("metric", "why"), [("demos", "is not on the card"), ("deals_won", "is an automatic metric")]
    )
    def test_a_manual_row_for_an_unknown_or_automatic_metric(self, capsys, tmp_path, metric, why):
        manual = self.write(tmp_path, "m.csv", f"metric,value,recorded_at\n{metric},3,2024-03-05T10:00:00+01:00\n")
        assert f"m.csv:2: metric '{metric}' {why}" in self.score(capsys, CARD, RECORDS, "--manual", manual)

    def test_an_empty_manual_value(self, capsys, tmp_path):
        manual = self.write(tmp_path, "m.csv", "metric,value,recorded_at\ndemos_held,,2024-03-05T10:00:00+01:00\n")
        assert "m.csv:2: value: empty" in self.score(capsys, CARD, RECORDS, "--manual", manual)

    def test_control_characters_in_a_file_name_are_escaped(self, capsys, tmp_path):
        err = self.score(capsys, tmp_path / "a\x1b[31mb\nc.toml")
        assert "\x1b" not in err
        assert "\\x1b[31mb\\nc.toml: cannot read" in err


def _subprocess(*argv, encoding):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    code = "import sys; from scorekit.cli import main; sys.exit(main())"
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-c", code, *map(str, argv)], capture_output=True, env=env, timeout=120, check=False
    )


class TestTerminalEncodings:
    @pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
    def test_the_demo_prints_on_a_narrow_terminal(self, tmp_path, encoding):
        done = _subprocess("demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20", encoding=encoding)
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        text = done.stdout.decode(encoding)
        assert "Anna Nowak" in text
        assert "#" in text  # the bars fall back to ASCII

    def test_an_error_naming_an_unencodable_file_is_one_line(self, tmp_path):
        done = _subprocess(
            "score", "--card", tmp_path / "ł☃.toml", "--records", RECORDS, "--as-of", "2024-03-31", encoding="cp1252"
        )
        assert done.returncode == 2
        assert b"Traceback" not in done.stderr
        assert len(done.stderr.decode("cp1252").strip().splitlines()) == 1


class TestOutputIsSafe:
    def card(self, tmp_path, label):
        text = CARD.read_text().replace('label = "Deals won"', f"label = {json.dumps(label)}")
        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        return path

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])  # a label may not hold a CR at all
    def test_csv_prefixes_a_formula_cell(self, capsys, tmp_path, start):
        label = f'{start}HYPERLINK("http://x")'
        argv = ["score", "--card", self.card(tmp_path, label), "--records", RECORDS, "--as-of", "2024-03-31"]
        _, out, _ = run(capsys, *argv, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows[0]["label"] == f"'{label}"
        assert rows[1]["label"] == "Revenue"
        assert rows[0]["achievement"] == "0.4"  # numbers are never prefixed

    def test_explain_escapes_a_right_to_left_override_as_the_table_does(self, capsys, tmp_path):
        label = "Deals \u202eWON"  # U+202E would show the rest of the line reversed
        argv = ["score", "--card", self.card(tmp_path, label), "--records", RECORDS, "--as-of", "2024-03-31"]
        _, out, _ = run(capsys, *argv, "--explain")
        assert "\u202e" not in out
        assert out.count("Deals \\u202eWON") >= 2  # the table's row and the explanation's line

    def test_a_negative_number_is_not_prefixed(self, capsys, tmp_path):
        text = CARD.read_text().replace("cap = 1.5", "cap = 1.5\ncounts_from = 2024-03-01")
        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        _, out, _ = run(
            capsys, "score", "--card", path, "--records", RECORDS, "--as-of", "2024-03-31", "--format", "csv"
        )
        assert "'" not in out

    def test_ansi_in_a_label_never_reaches_the_terminal(self, capsys, tmp_path):
        """Labels may not hold control characters (refused, one line); any that got in would be escaped."""
        argv = [
            "score",
            "--card",
            self.card(tmp_path, "red\x1b[31m!\x07"),
            "--records",
            RECORDS,
            "--as-of",
            "2024-03-31",
        ]
        code, out, err = run(capsys, *argv)
        assert "\x1b" not in out + err
        assert "\x07" not in out + err
        if code:
            assert code == 2
            assert len(err.strip().splitlines()) == 1
        else:
            assert "red\\x1b[31m!\\x07" in out


class TestScoreTable:
    def test_contribution_column_adds_up_to_the_total(self, capsys):
        _, out, _ = run(
            capsys, "score", "--card", CARD, "--records", RECORDS, "--manual", MANUAL, "--as-of", "2024-03-31"
        )
        # deals 0.4 x 50% = 20.00%, revenue 1.000005 x 30% = 30.00%, demos 1.25 x 20% = 25.00%: 75.00%
        lines = out.splitlines()
        assert "contribution" in lines[1]
        contributions = [re.findall(r"[\d.]+%", line)[2] for line in lines[2:5]]  # weight, achievement, contribution
        assert contributions == ["20.00%", "30.00%", "25.00%"]
        assert lines[-1].startswith("total 75.00%")

    def test_a_threshold_that_zeroed_a_parameter_is_marked(self, capsys, tmp_path):
        text = CARD.read_text().replace("target = 10\n", "target = 10\nthreshold = 0.5\n")
        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        _, out, _ = run(
            capsys, "score", "--card", path, "--records", RECORDS, "--manual", MANUAL, "--as-of", "2024-03-31"
        )
        deals = out.splitlines()[2]
        assert "40.00%" in deals  # the achievement is still shown...
        assert "0.00%" in deals  # ...but it contributes nothing
        assert deals.endswith("* below threshold 50.00%")
        assert "total 55.00%" in out  # 0 + 30 + 25

    def test_a_cap_is_marked(self, capsys, tmp_path):
        text = CARD.read_text().replace("target = 4\n", "target = 4\ncap = 1.1\n")
        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        _, out, _ = run(
            capsys, "score", "--card", path, "--records", RECORDS, "--manual", MANUAL, "--as-of", "2024-03-31"
        )
        demos = out.splitlines()[4]
        assert demos.endswith("* capped at 110.00%")  # 125% capped: 1.1 x 20% = 22.00%
        assert "22.00%" in demos

    def test_words_and_no_microseconds(self, capsys):
        _, out, _ = run(capsys, "score", "--card", CARD, "--records", RECORDS, "--as-of", "2024-03-20")
        assert "as of 2024-03-20 23:59:59 +01:00" in out
        assert ".999999" not in out
        assert "_" not in out.split("\n", 1)[1].replace("deals_won", "")

    def test_the_last_day_says_so(self, capsys):
        _, out, _ = run(
            capsys, "score", "--card", CARD, "--records", RECORDS, "--manual", MANUAL, "--as-of", "2024-03-31"
        )
        assert out.splitlines()[-1].endswith("behind, last day")


class TestDemoHistory:
    def test_closes_the_months_that_are_over_once_and_shows_a_trend(self, capsys, tmp_path):
        db = tmp_path / "w.sqlite3"
        _, first, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        # March and April for 5 reps, and the team's first quarter: 11 cards whose period is over
        assert "closed 11 cards whose period is over" in first
        _, again, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert "closed 0 cards" in again
        trend = next(line for line in first.splitlines() if line.startswith("trend of"))
        assert trend.startswith("trend of Anna Nowak (ann): 2024-03-01 to 2024-03-31 ")
        assert " · 2024-04-01 to 2024-04-30 " in trend
        assert " · 2024-05-01 to 2024-05-31 " in trend
        # each month's total is the one the dashboard shows for that card
        rows = {line.split()[0]: line for line in first.splitlines() if line.startswith("ann@")}
        found = re.findall(r"(\d{4}-\d{2}-\d{2}) to \S+ (\d+\.\d{2}%)", trend)
        assert len(found) == 3
        for start, total in found:
            assert total in rows[f"ann@{start}"]


class TestVersion:
    def test_version(self, capsys):
        from importlib.metadata import version

        with pytest.raises(SystemExit) as info:
            main(["--version"])
        assert info.value.code == 0
        assert capsys.readouterr().out.strip() == f"scorekit {version('scorekit')}"


class TestDemoReadable:
    def dashboard(self, capsys, db, as_of):
        code, out, err = run(capsys, "demo", "--db", db, "--as-of", as_of)
        assert (code, err) == (0, "")
        return out.split("\n\n", 1)[1]  # after the lines about the workspace

    @pytest.mark.parametrize("earlier", ["2024-04-10", "2024-05-20", "2024-07-02"])
    def test_a_fresh_and_a_reused_workspace_print_the_same_dashboard(self, capsys, tmp_path, earlier):
        """The reused workspace was first run at another --as-of (before, the same day, or after)."""
        fresh = self.dashboard(capsys, tmp_path / "fresh.sqlite3", "2024-05-20")
        self.dashboard(capsys, tmp_path / "reused.sqlite3", earlier)
        assert self.dashboard(capsys, tmp_path / "reused.sqlite3", "2024-05-20") == fresh

    def test_human_words_no_microseconds_every_status_counted(self, capsys, tmp_path):
        out = self.dashboard(capsys, tmp_path / "w.sqlite3", "2024-05-20")
        assert "on track" in out
        assert "on_track" not in out
        assert "dashboard as of 2024-05-20 23:59:59 +02:00" in out
        groups = out.split("group of similar cards")[1].split("\n\n")[0].splitlines()
        assert "not started" in groups[0]
        for word in ("on track", "behind", "achieved", "missed", "not started"):
            assert word in groups[0]
        n = len(Status)
        for row in groups[1:]:
            cells = row.split()  # ..., cards, mean, one count per status
            count, statuses = int(cells[-n - 2]), [int(c) for c in cells[-n:]]
            assert sum(statuses) == count

    def test_bars_are_full_only_at_100_percent(self, capsys, tmp_path):
        out = self.dashboard(capsys, tmp_path / "w.sqlite3", "2024-05-20")
        for line in out.splitlines():
            if "%" in line and "█" in line and " to " in line:
                total = Decimal(line.split("%")[0].split()[-1])
                assert ("░" not in line) == (total >= 100), line

    def test_the_last_day_says_so(self, capsys, tmp_path):
        """At the end of March 31, a March card that is still open says it is its last day."""
        out = self.dashboard(capsys, tmp_path / "w.sqlite3", "2024-03-31")
        march = [line for line in out.splitlines() if "2024-03-01 to 2024-03-31" in line and "@" in line]
        assert len(march) == 5
        for line in march:
            status = line.rsplit("%", 1)[1].split(maxsplit=1)[1]  # after the total and its bar
            assert status in ("achieved", "missed") or status.endswith(", last day"), line

    def test_open_one_card(self, capsys, tmp_path):
        db = tmp_path / "w.sqlite3"
        self.dashboard(capsys, db, "2024-05-20")
        code, out, err = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20", "--card", "ann@2024-05-01")
        assert (code, err) == (0, "")
        assert out.startswith("Monthly targets · ann · 2024-05-01 to 2024-05-31 · as of 2024-05-20 23:59:59 +02:00")
        assert "Demos held" in out
        assert "contribution" in out

    def test_open_an_unknown_card(self, capsys, tmp_path):
        code, _, err = run(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20", "--card", "zed")
        assert code == 2
        assert "--card: no card 'zed'" in err
        assert len(err.strip().splitlines()) == 1


class TestCardFields:
    """Issue 9's fields in a card's TOML: accumulation, baseline, tolerance, band, policy, calendar."""

    def card(self, tmp_path, text):
        from scorekit.cli import load_card

        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        return load_card(path, "2024-03-20")[0]

    BASE = 'id = "c"\nowner = "ann"\ntimezone = "Europe/Warsaw"\n[cadence]\nmonthly = 2024-01-01\n'

    def test_the_example_has_a_policy_and_a_calendar(self, tmp_path):
        from scorekit import Date, StatusPolicy, WorkCalendar

        card = self.card(tmp_path, CARD.read_text())
        assert card.status_policy == StatusPolicy("0.95", "0.5")
        assert card.calendar == WorkCalendar({0, 1, 2, 3, 4}, {Date(2024, 4, 1)})

    def test_levels_baselines_and_near_target(self, tmp_path):
        from scorekit import Accumulation, Direction

        text = self.BASE + (
            '[[parameters]]\nmetric = "deal_size"\naccumulation = "average"\nbaseline = 10000\ntarget = 30000\n'
            "weight = 50\n"
            '[[parameters]]\nmetric = "discount"\naccumulation = "last"\ndirection = "near_target"\ntarget = 0.1\n'
            "tolerance = 0.05\nband = 0.01\nweight = 50\n"
        )
        card = self.card(tmp_path, text)
        size, discount = card.parameters
        assert size.metric.accumulation is Accumulation.AVERAGE
        assert size.baseline == 10000
        assert discount.metric.accumulation is Accumulation.LAST
        assert discount.direction is Direction.NEAR_TARGET
        assert (discount.tolerance, discount.band) == (Decimal("0.05"), Decimal("0.01"))

    def test_weekday_names_or_numbers(self, tmp_path):
        from scorekit import WorkCalendar

        card = self.card(
            tmp_path,
            self.BASE
            + '[calendar]\nweekdays = ["Sun", 0, "tuesday"]\n[[parameters]]\nmetric = "x"\ntarget = 1\nweight = 100\n',
        )
        assert card.calendar == WorkCalendar({6, 0, 1})

    @pytest.mark.parametrize(
        ("extra", "where"),
        [
            ('[calendar]\nweekdays = ["funday"]\n', "c.toml.calendar.weekdays[0]: expected 0..6"),
            ("[calendar]\nweekdays = [7]\n", "calendar weekdays must be whole numbers 0..6"),
            ("[calendar]\nweekdays = []\n", "at least one working weekday"),
            ("[calendar]\nholidays = [2024-03-01T10:00:00]\n", "c.toml.calendar.holidays[0]: expected a date"),
            ("[calendar]\nholiday = [2024-03-01]\n", "c.toml.calendar: unknown field(s) 'holiday'"),
            ("[status_policy]\non_track = 0.5\nat_risk = 0.9\n", "at_risk"),
            ("[status_policy]\non_trak = 0.5\n", "c.toml.status_policy: unknown field(s) 'on_trak'"),
            ("status_policy = 3\n", "c.toml.status_policy: expected a table, got 3"),
        ],
    )
    def test_bad_policy_or_calendar(self, capsys, tmp_path, extra, where):
        text = (
            self.BASE.replace("[cadence]", extra + "[cadence]")
            + '[[parameters]]\nmetric = "x"\ntarget = 1\nweight = 100\n'
        )
        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        code, _, err = run(capsys, "score", "--card", path, "--records", RECORDS, "--as-of", "2024-03-20")
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert where in err

    @pytest.mark.parametrize(
        ("fields", "where"),
        [
            ('accumulation = "mean"', "parameters[0].accumulation: expected 'sum', 'average', 'last' or 'balance'"),
            ('direction = "nearest"', "parameters[0].direction: expected 'higher', 'lower' or 'near_target'"),
            ('direction = "near_target"\ntolerance = 0', "tolerance"),
            ("tolerance = 2", "tolerance"),
            ('direction = "near_target"\ntolerance = 1\nbaseline = 0', "baseline"),
            ("baseline = 5", "baseline"),  # a baseline above the target of 1, higher is better
        ],
    )
    def test_bad_parameter_fields(self, capsys, tmp_path, fields, where):
        text = self.BASE + f'[[parameters]]\nmetric = "x"\ntarget = 1\nweight = 100\n{fields}\n'
        path = tmp_path / "c.toml"
        path.write_text(text, encoding="utf-8")
        code, _, err = run(capsys, "score", "--card", path, "--records", RECORDS, "--as-of", "2024-03-20")
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert where in err


class TestExplain:
    def test_score_explain_follows_the_table(self, capsys):
        argv = ["score", "--card", CARD, "--records", RECORDS, "--manual", MANUAL, "--as-of", "2024-03-31", "--explain"]
        code, out, err = run(capsys, *argv)
        assert (code, err) == (0, "")
        table, explanation = out.split("\n\n", 1)
        assert table.splitlines()[-1].startswith("total 75.00%")
        for key in ("deals_won", "revenue", "demos_held", "75.00%"):
            assert key in explanation

    def test_demo_card_explains_itself(self, capsys, tmp_path):
        argv = ["demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20", "--card", "eve@2024-04-01"]
        code, out, err = run(capsys, *argv)
        assert (code, err) == (0, "")
        assert "deal_size" in out.split("\n\n", 1)[1]


class TestOutputFailures:
    def test_a_full_disk_is_one_line_and_exit_2(self):
        import subprocess
        import sys

        code = "import sys; from scorekit.cli import main; sys.exit(main())"
        with Path("/dev/full").open("w") as full:
            done = subprocess.run(  # noqa: S603 - our own module
                [sys.executable, "-c", code, "periods", "--monthly", "--from", "2024-01-01"],
                stdout=full,
                stderr=subprocess.PIPE,
                timeout=60,
                check=False,
            )
        assert done.returncode == 2
        assert done.stderr.decode().strip() == "scorekit: error: cannot write the output: No space left on device"

    def test_a_huge_count(self, capsys):
        code, _, err = run(capsys, "periods", "--monthly", "--from", "2024-01-01", "--count", str(10**20))
        assert code == 2
        assert "--count: expected a whole number from 1 to 100,000" in err


class TestWhatANewUserMeets:
    """Issue 23: one way to write a period, one order of statuses, counted nouns, words a TOML author knows."""

    def demo(self, capsys, tmp_path, *extra):
        code, out, err = run(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20", *extra)
        assert (code, err) == (0, "")
        return out

    def test_a_period_is_written_one_way_in_header_dashboard_and_trend(self, capsys, tmp_path):
        out = self.demo(capsys, tmp_path)
        assert "[2024-" not in out
        assert "→" not in out
        assert "ann@2024-05-01    Monthly targets           Anna Nowak          2024-05-01 to 2024-05-31" in out
        assert "Monthly targets, 2024-05-01 to 2024-05-31" in out  # its group
        card = self.demo(capsys, tmp_path, "--card", "ann@2024-05-01")
        # the header and explain() agree
        assert "· 2024-05-01 to 2024-05-31 ·" in card.splitlines()[0]
        assert "period 2024-05-01 to 2024-05-31" in card

    def test_status_counts_in_the_order_of_every_summary(self, capsys, tmp_path):
        from scorekit.grouping import summarize

        out = self.demo(capsys, tmp_path)
        head = out.split("dashboard as of ", 1)[1].splitlines()[0]
        words = [re.sub(r"^\d+ ", "", part) for part in head.split(" · ")[1].split(", ")]
        summary_words = [
            re.sub(r"^\d+ ", "", part) for part in repr(summarize([])).splitlines()[1].strip(" >").split(", ")
        ]
        assert (
            words == summary_words == ["achieved", "on track", "behind", "at risk", "missed", "no data", "not started"]
        )
        groups = out.split("group of similar cards", 1)[1].splitlines()[0].split()
        assert " ".join(groups) == "cards mean " + " ".join(summary_words)

    def test_counted_nouns(self, capsys, tmp_path):
        out = self.demo(capsys, tmp_path)
        assert "5 reps, team north" in out
        assert "(s)" not in out

    def test_a_manual_metric_says_it_was_entered_by_hand(self, capsys):
        code, out, _ = run(
            capsys, "score", "--card", CARD, "--records", RECORDS, "--manual", MANUAL, "--as-of", "2024-03-31"
        )
        assert code == 0
        rows = {line.split("  ")[0]: line for line in out.splitlines()[2:5]}
        assert rows["Demos held"].endswith("entered by hand")
        assert "entered by hand" not in rows["Deals won"]

    @pytest.mark.parametrize(
        ("argv", "said"),
        [
            (["periods", "--monthly", "--from", "2023-02-29"], "2023-02-29 does not exist: February 2023 has 28 days"),
            (["periods", "--monthly", "--from", "2024-13-01"], "2024-13-01 does not exist: there is no month 13"),
            (
                ["score", "--card", CARD, "--records", RECORDS, "--as-of", "2024-04-31"],
                "--as-of: 2024-04-31 does not exist: April 2024 has 30 days",
            ),
        ],
    )
    def test_a_date_that_does_not_exist_says_so(self, capsys, argv, said):
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert said in err
        assert len(err.strip().splitlines()) == 1

    def test_a_date_in_the_card_or_a_csv_that_does_not_exist_says_so(self, capsys, tmp_path):
        card = tmp_path / "c.toml"
        card.write_text(CARD.read_text().replace("period = 2024-03-01", 'period = "2024-02-30"'), encoding="utf-8")
        code, _, err = run(capsys, "score", "--card", card, "--records", RECORDS, "--as-of", "2024-03-31")
        assert code == 2
        assert "c.toml.period: 2024-02-30 does not exist: February 2024 has 29 days" in err
        records = tmp_path / "r.csv"
        records.write_text(
            "id,metric,subject,occurred_at\nD1,deals_won,ann,2024-03-32T10:00:00+01:00\n", encoding="utf-8"
        )
        code, _, err = run(capsys, "score", "--card", CARD, "--records", records, "--as-of", "2024-03-31")
        assert code == 2
        assert "r.csv:2: occurred_at: 2024-03-32 does not exist: March 2024 has 31 days" in err

    @pytest.mark.parametrize(
        ("old", "new", "said"),
        [
            (
                "target = 10\n",
                "target = true\n",
                'expected a number such as 12 or 12.5 (or one in quotes, "12.5"), got true',
            ),
            ('label = "Deals won"', "label = 5", 'expected text in quotes ("..."), got 5'),
            (
                'owner = "ann"',
                "owner = 2024-03-01",
                'expected a user id in quotes ("ann") or a team table, got 2024-03-01',
            ),
            ("period = 2024-03-01", "period = [1, 2]", "expected a date such as 2024-04-01, got a list of 2 items"),
            ("[cadence]", "parameters = 1\n[cadence]", "expected a list [...], got 1"),
        ],
    )
    def test_toml_authors_never_see_python_type_names(self, capsys, tmp_path, old, new, said):
        card = tmp_path / "c.toml"
        text = CARD.read_text()
        assert old in text
        if old == "[cadence]":
            text = text.replace("\n[[parameters]]", "\n[[nothing]]").split("[[nothing]]")[0]
        card.write_text(text.replace(old, new, 1), encoding="utf-8")
        code, _, err = run(capsys, "score", "--card", card, "--records", RECORDS, "--as-of", "2024-03-31")
        assert code == 2
        assert said in err
        for python in ("str", "int", "float", "bool", "dict", "list or", "True", "datetime"):
            assert f" {python}" not in err.replace("a list [...]", "")

    @pytest.mark.parametrize(("separator", "name"), [(";", "';'"), ("\t", "tabs")])
    def test_a_csv_with_another_separator_gets_a_hint(self, capsys, tmp_path, separator, name):
        records = tmp_path / "r.csv"
        records.write_text(
            separator.join(["id", "metric", "subject", "occurred_at"])
            + "\n"
            + separator.join(["D1", "deals_won", "ann", "2024-03-02T10:00:00+01:00"])
            + "\n",
            encoding="utf-8",
        )
        code, _, err = run(capsys, "score", "--card", CARD, "--records", records, "--as-of", "2024-03-31")
        assert code == 2
        assert "r.csv:1: the header is one column" in err
        assert f"cells are separated by {name} here, but scorekit reads comma-separated CSV" in err

    def test_a_terminal_without_arrows_or_blocks_keeps_the_columns_aligned(self, tmp_path):
        done = _subprocess("demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20", encoding="ascii")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.decode("ascii").splitlines()
        header = next(line for line in lines if line.startswith("id "))
        table = lines[lines.index(header) + 1 :]
        rows = table[: table.index("")]  # the dashboard's rows, down to the blank line under them
        assert all("@20" in row and "%" in row for row in rows)
        assert len(rows) == 17
        for column in ("period", "total", "status"):
            at = header.index(column)
            assert all(row[at - 1] == " " and row[at] != " " for row in rows), column


class TestDemoPlanChanges:
    def test_a_ramped_hire_a_raised_target_and_a_credit(self, capsys, tmp_path):
        db = tmp_path / "w.sqlite3"
        code, out, err = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert (code, err) == (0, "")
        view = out[out.index("when the plan changes") :].splitlines()
        assert view[0].startswith("when the plan changes (2024-05-01 to 2024-05-31, on copies of the cards")
        # the hire started 2024-04-15: May is her ramp's second card, 75% of the full 7 deals = 5.25
        assert view[1].startswith("  fay@2024-05-01: new hire Filomena Kaczmarek, started 2024-04-15 on a ramp")
        assert "    deals_won ramp factor: 75.00% of the full target" in view
        assert "    deals_won weighted target: 5.25 deals (the targets in force, weighted by day)" in view
        # ann's deals won 7 -> 9 from May 15: May 2024 has 20 Polish working days, 8 before the 15th,
        # so the period's target is (8 x 7 + 12 x 9) / 20 = 164 / 20 = 8.2; her total was the dashboard's 54.90%
        assert "  ann@2024-05-01: deals won raised from 7 to 9 from 2024-05-15: total 54.90% -> " in out
        assert "    deals_won target steps: 7 from 2024-05-01, 9 from 2024-05-15" in view
        assert "    deals_won weighted target: 8.2 deals (the targets in force, weighted by day)" in view
        assert '  bob@2024-05-01: a credit of 1 deal by manager, "Globex deal booked late": total ' in out
        assert "    deals_won credit: +1 (Globex deal booked late)" in view
        # on copies: a second run finds the workspace's cards as they were, and prints the same
        _, again, _ = run(capsys, "demo", "--db", db, "--as-of", "2024-05-20")
        assert again.split("\n\n", 1)[1] == out.split("\n\n", 1)[1]
        assert "fay@" not in out[: out.index("when the plan changes")]

    def test_the_totals_move_the_right_way(self, capsys, tmp_path):
        _, out, _ = run(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20")
        found = re.findall(r"^  (ann|bob)@2024-05-01: .*total (\d+\.\d{2})% -> (\d+\.\d{2})%", out, re.MULTILINE)
        assert sorted(who for who, *_ in found) == ["ann", "bob"]
        for who, was, now in found:
            # a higher target lowers ann's total; a credited deal raises bob's
            assert (float(now) < float(was)) if who == "ann" else (float(now) > float(was))


class TestDemoTeamLead:
    def test_lea_sees_her_team_as_one_number_a_mismatch_a_shared_deal_and_the_news(self, capsys, tmp_path):
        code, out, err = run(capsys, "demo", "--db", tmp_path / "w.sqlite3", "--as-of", "2024-05-20")
        assert (code, err) == (0, "")
        view = out[out.index("team lead lea") : out.index("trend of")]
        assert "roll-up of 3 cards" in view  # ann, bob, cid: not dan or eve, who are not hers
        assert "dan@" not in view
        assert "eve@" not in view
        # revenue targets 105,000 x 3 = 315,000 against the plan's 300,000
        assert "target check: team plan revenue 300000 but her people's cards add up to 315000" in view
        assert "ann 12000, bob 8000, the team 20000 (counted once)" in view  # 20,000 x 0.6, x 0.4, once
        assert "since yesterday:" in view
