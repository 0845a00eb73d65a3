"""The results reader (bench/results -> numbers) and the glue that puts numbers in prose."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mimml_edu import results
from mimml_edu.errors import MimmlError, ResultsError, ResultsNotFoundError
from mimml_edu.plots.prose import GLUE_PREFIX, format_value, glue


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "speeds.csv").write_text(
        "what,value,unit\naudio,118.57,x real time\nvideo,86.71,frames/s\nvideo,5.28,x\nempty,,h\n"
    )
    return tmp_path


def test_a_row_is_found_by_its_columns_and_read_as_a_number(folder):
    t = results.table("speeds.csv", directory=folder)
    assert t.columns == ("what", "value", "unit")
    assert t.value("value", what="audio") == pytest.approx(118.57)
    assert t.value("value", what="video", unit="frames/s") == pytest.approx(86.71)
    assert t.row(value=5.28)["unit"] == "x"  # numbers compare as numbers
    assert t.values("value", what="video") == [pytest.approx(86.71), pytest.approx(5.28)]


@pytest.mark.parametrize(
    "match, message",
    [
        ({"what": "text"}, r"no row with what='text'; the file has 'audio', 'empty', 'video'"),
        ({"what": "video"}, r"2 rows with what='video'; name more columns"),
        ({"speed": 1}, r"no column speed; columns: what, value, unit"),
    ],
)
def test_a_missing_or_ambiguous_row_fails_naming_the_file(folder, match, message):
    t = results.table("speeds.csv", directory=folder)
    with pytest.raises(ResultsError, match=message) as err:
        t.value("value", **match)
    assert str(folder / "speeds.csv") in str(err.value)
    assert isinstance(err.value, MimmlError) and isinstance(err.value, LookupError)


def test_an_empty_cell_is_not_a_number(folder):
    with pytest.raises(ResultsError, match=r"column 'value' of the row .* is '', not a number"):
        results.table("speeds.csv", directory=folder).value("value", what="empty")


def test_a_missing_file_or_folder_is_named(tmp_path):
    with pytest.raises(ResultsNotFoundError, match="no such file") as err:
        results.table("nope.csv", directory=tmp_path)
    assert isinstance(err.value, FileNotFoundError)
    with pytest.raises(ResultsNotFoundError, match="no results folder"):
        results.table("nope.csv", directory=tmp_path / "absent")


def test_the_checkout_has_its_results_and_the_folder_can_be_moved(tmp_path, monkeypatch):
    assert results.in_checkout()
    assert (results.results_dir() / "README.md").is_file()
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path / "elsewhere"))
    assert not results.in_checkout()


@pytest.mark.parametrize(
    "value, fmt, text",
    [
        (0.82531, ".3f", "0.825"),
        (np.float64(0.82531), ".2f", "0.83"),
        (np.int64(47), ".3f", "47"),
        (0.2731, ".0%", "27 %"),
        (0.2731, ".1%", "27.3 %"),
        ((0.807, 0.8549), ".3f", "[0.807, 0.855]"),
        (-0.0001, ".3f", "0.000"),
        (-0.007, ".3f", "-0.007"),
        ("text only", ".3f", "text only"),
    ],
)
def test_values_are_formatted_once_in_code(value, fmt, text):
    assert format_value(value, fmt) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, None, True, [0.1]])
def test_a_value_that_is_no_number_is_not_glued(value):
    with pytest.raises(ValueError, match="cannot glue"):
        format_value(value)


def test_glue_writes_the_record_myst_nb_reads(monkeypatch):
    """The output is the one myst_nb.glue(..., display=False) writes, read back by myst-nb."""
    import IPython
    from IPython.core.interactiveshell import InteractiveShell
    from myst_nb.core.variables import format_plain_text
    from myst_nb.ext.glue import extract_glue_data_cell
    from nbformat import from_dict

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: InteractiveShell.instance())
    monkeypatch.setattr(
        "IPython.display.display",
        lambda data, raw, metadata: shown.append((data, metadata)),
    )
    assert glue("oracle_test", np.float64(0.90322), ".3f") is None  # a cell shows nothing
    ((data, metadata),) = shown
    cell = from_dict(
        {
            "cell_type": "code",
            "outputs": [{"output_type": "display_data", "data": data, "metadata": metadata}],
        }
    )
    ((key, record),) = extract_glue_data_cell(cell)
    assert key == "oracle_test" and data == {GLUE_PREFIX + "text/plain": "'0.903'"}
    assert format_plain_text(record["data"]["text/plain"], "s") == "0.903"
    with pytest.raises(ValueError, match="glue name"):
        glue("two words", 1.0)
