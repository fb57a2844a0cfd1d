"""docs/notebooks.md executed as a real notebook: nbclient drives an IPython kernel, as Jupyter does.

The page's doctest examples become one cell per statement, so every expression is
displayed the way a notebook displays it (``text/plain`` and ``text/html``), and the
saved notebook is what a user would save.
"""

import json
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

PAGE = Path(__file__).parents[2] / "docs" / "notebooks.md"
FLOAT_COLUMNS = ("actual", "target", "weight", "achievement", "effective", "contribution", "expected", "total")
CHECK = """
import json
print(json.dumps({
    "frame": {name: str(dtype) for name, dtype in frame.dtypes.items()},
    "board_frame": {name: str(dtype) for name, dtype in board_frame.dtypes.items()},
    "summary": repr(board.summary),
    "group": repr(board.groups[0]),
}))
"""


def statements(markdown):
    """The `>>>` statements of the page's python blocks, continuation lines joined, outputs dropped."""
    found = []
    for block in re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith(">>> "):
                found.append([line[4:]])
            elif line.startswith("... ") or line == "...":
                found[-1].append(line[4:])
    return ["\n".join(lines) for lines in found]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    cells = [nbformat.v4.new_code_cell(source) for source in statements(PAGE.read_text(encoding="utf-8"))]
    cells.append(nbformat.v4.new_code_cell(CHECK))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # jupyter_client starts a "python" kernel spec with this very interpreter, so it sees this scorekit
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}},
    )
    client.execute()
    return notebook


def outputs_of(notebook, source):
    (cell,) = [c for c in notebook.cells if c.source == source]
    return cell.outputs


def test_every_cell_ran_without_an_error(executed):
    errors = [o for c in executed.cells for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_dataframes_have_float64_numbers(executed):
    (output,) = outputs_of(executed, CHECK)
    report = json.loads(output.text)
    for frame in ("frame", "board_frame"):
        dtypes = report[frame]
        for column in FLOAT_COLUMNS:
            assert dtypes[column] == "float64", (frame, column)
        assert dtypes["period_end"].startswith("datetime64")
        assert dtypes["as_of"].startswith("datetime64")
        assert "UTC" in dtypes["as_of"]


def test_reprs_are_short_and_the_saved_notebook_small(executed):
    (board,) = outputs_of(executed, "board")
    plain, html = board.data["text/plain"], board.data["text/html"]
    assert plain.count("\n") <= 3
    assert len(plain) < 400  # 0.1's plain repr of this 24-card dashboard was hundreds of KB
    assert html.count("<tr>") == 25  # a header and a row per card
    assert len(html) < 30_000
    (output,) = outputs_of(executed, CHECK)
    report = json.loads(output.text)
    for name in ("summary", "group"):
        assert report[name].count("\n") <= 3, name
        assert len(report[name]) < 400, name
    (trend,) = outputs_of(executed, "trend")
    assert "<svg" in trend.data["text/html"]
    assert len(trend.data["text/plain"]) < 400
    plotted = [o for c in executed.cells for o in c.outputs if "image/png" in o.get("data", {})]
    assert plotted, "the trend plotted with pandas shows as an image"
    assert len(nbformat.writes(executed)) < 250_000
