"""What a new user meets before any scoring: the version, ``python -m scorekit``, the licence, missing extras.

Each runs in a fresh interpreter, as a user would meet it.
"""

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python(*args, code=None):
    argv = [sys.executable, *args] if code is None else [sys.executable, "-c", textwrap.dedent(code), *args]
    return subprocess.run(  # noqa: S603 - our own interpreter
        argv, capture_output=True, text=True, check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8"}
    )


class TestVersion:
    def test_is_the_version_pyproject_declares(self):
        declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
        result = python(code="import scorekit; print(scorekit.__version__)")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == declared

    def test_is_public(self):
        import scorekit

        assert "__version__" in scorekit.__all__


class TestRunAsModule:
    def test_runs_the_command(self):
        # monthly from Jan 31: Feb 29 (leap), then back to the 31st (counted from the anchor)
        result = python("-m", "scorekit", "periods", "--monthly", "--from", "2024-01-31", "--count", "3")
        assert result.returncode == 0, result.stderr
        rows = [line.split() for line in result.stdout.splitlines()[2:]]
        assert rows == [
            ["0", "2024-01-31", "2024-02-29", "2024-02-28", "29"],
            ["1", "2024-02-29", "2024-03-31", "2024-03-30", "31"],
            ["2", "2024-03-31", "2024-04-30", "2024-04-29", "30"],
        ]

    def test_passes_the_exit_status_on(self):
        result = python("-m", "scorekit", "periods", "--monthly", "--from", "2024-13-01")
        assert result.returncode == 2
        assert "2024-13-01" in result.stderr
        assert "Traceback" not in result.stderr

    def test_importing_it_runs_nothing(self):
        result = python(code="import scorekit.__main__; print('quiet')")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "quiet"


class TestLicense:
    def test_is_the_mit_text_pyproject_declares(self):
        assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"] == "MIT"
        text = (ROOT / "LICENSE").read_text(encoding="utf-8")
        assert text.startswith("MIT License")
        assert "Copyright (c) 2026 scorekit developers" in text
        assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


# A finder that answers "no such module" for the names it hides, as an environment
# without the extra would (sys.modules[name] = None would do too, but gives another message).
HIDE = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {hidden!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Hide())
"""


class TestMissingExtras:
    @pytest.mark.parametrize(
        ("module", "hidden"),
        [
            ("scorekit.strategies", "hypothesis"),
            ("scorekit.testing", "pytest"),
        ],
    )
    def test_names_the_extra_in_one_line(self, module, hidden):
        code = HIDE.format(hidden={hidden}) + f"import {module}\n"
        result = python(code=code)
        assert result.returncode == 1
        last = result.stderr.strip().splitlines()[-1]
        assert last == f"ImportError: {module} needs {hidden}, which is not installed: pip install 'scorekit[testing]'"
        # the user's one line is the whole story: no chained ModuleNotFoundError above it
        assert "During handling" not in result.stderr

    def test_sys_modules_none_is_a_missing_module_too(self):
        result = python(code="import sys; sys.modules['hypothesis'] = None\nimport scorekit.strategies")
        assert "pip install 'scorekit[testing]'" in result.stderr.strip().splitlines()[-1]

    def test_core_works_without_any_extra(self):
        code = HIDE.format(hidden={"hypothesis", "pytest"}) + textwrap.dedent("""
            import scorekit, scorekit.codec, scorekit.service, scorekit.adapters.sqlite
            print(scorekit.Weight.percent(40))
        """)
        result = python(code=code)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "40%"

    def test_testing_extra_brings_what_it_needs(self):
        extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
            "optional-dependencies"
        ]
        names = {requirement.split(">")[0].split("[")[0] for requirement in extras["testing"]}
        assert {"hypothesis", "pytest"} <= names

    def test_other_import_errors_are_not_disguised(self):
        from scorekit._extras import missing_extra

        error = ModuleNotFoundError("No module named 'attrs'", name="attrs")
        assert missing_extra(error, "scorekit.strategies", "testing") is error


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


class TestMetadata:
    """What an index shows and what `pip install scorekit[...]` offers (issue 23)."""

    def test_classifiers_name_every_cpython_ci_runs(self):
        # .ci/run runs 3.11 and every other CPython 3.11+ that pyenv has: 3.12 and 3.13
        versions = {
            c.rsplit(" :: ", 1)[1]
            for c in pyproject()["project"]["classifiers"]
            if c.count(".") == 1 and "Python ::" in c
        }
        assert versions == {"3.11", "3.12", "3.13"}
        assert pyproject()["project"]["requires-python"] == ">=3.11"

    def test_the_readme_names_every_extra(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        extras = pyproject()["project"]["optional-dependencies"]
        assert extras.keys() == {"testing", "pandas", "postgres", "spark"}
        assert [extra for extra in extras if f"`scorekit[{extra}]`" not in readme] == []

    def test_development_requirements_are_a_group_not_an_extra(self):
        data = pyproject()
        assert "dev" not in data["project"]["optional-dependencies"]
        names = {
            requirement.split(">")[0].split("[")[0].split("=")[0] for requirement in data["dependency-groups"]["dev"]
        }
        assert {"pytest", "hypothesis", "pandas", "ruff", "mypy", "mkdocs"} <= names
        # pyspark builds from its source distribution: it stays out of the quick setup
        assert "pyspark" not in names

    def test_the_readme_and_ci_install_the_group(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        assert ".venv/bin/pip install -e . --group dev && .venv/bin/python -m pytest" in readme
        assert "python -m pip install --quiet -e '.[spark]' --group dev" in ci
        assert "[dev]" not in readme + ci

    def test_spark_and_pandas_are_pinned_together(self):
        spark = pyproject()["project"]["optional-dependencies"]["spark"]
        assert "pyspark[sql]>=4.0,<4.4" in spark
        assert "pandas>=2.2,<3" in spark


class TestDocsPages:
    """Issue 23: the testing page is for hosts; how scorekit tests itself is for contributors."""

    def test_the_testing_page_is_for_users(self):
        page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
        for topic in ("scorecards(", "MetricSourceContract", "How to test a host"):
            assert topic in page
        assert "mutmut" not in page
        assert "contributing.md" in page

    def test_the_mutation_audit_is_on_the_contributors_page(self):
        page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
        assert "## Mutation testing" in page
        assert "--hypothesis-seed" in page
        assert "contributing.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")

    def test_a_host_writing_an_average_is_told_how_scorekit_divides(self):
        page = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
        section = page.split("## A MetricSource over the host's own database")[1].split("\n## ")[0]
        assert "34-digit context" in section
        assert "EXACT.divide(" in section
