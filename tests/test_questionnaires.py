"""Every chapter ends with its questionnaire, generated from one committed source.

- every chapter has a source ``mimml_edu/exercises/questionnaires/NN.yaml`` with 10 to 15
  questions, each with its answer and where the chapter gives it, and no source lacks its
  chapter;
- each chapter's last cell is exactly the questions rendered from its source (it fails when
  the cell drifts: run ``python -m mimml_edu.exercises.questionnaire``), without answers;
- the sources hold no hand-typed decimal number outside code or math;
- the loader names the file and the question of a broken source; syncing is idempotent,
  keeps the cell's id and moves the cell to the end.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from mimml_edu.errors import ConfigError
from mimml_edu.exercises import questionnaire as qn

NOTEBOOKS = {qn.chapter_of(p): p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
#: A decimal number outside `code` and $math$ (a number in prose must come from code).
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def test_every_chapter_has_a_questionnaire_and_every_questionnaire_a_chapter():
    assert set(qn.sources()) == set(NOTEBOOKS), (
        f"chapters without a questionnaire: {sorted(set(NOTEBOOKS) - set(qn.sources()))}; "
        f"questionnaires without a chapter: {sorted(set(qn.sources()) - set(NOTEBOOKS))}"
    )


@pytest.mark.parametrize("chapter", sorted(NOTEBOOKS))
def test_the_chapter_ends_with_its_questionnaire(chapter):
    source = qn.load(chapter)
    assert qn.MIN_QUESTIONS <= len(source.questions) <= qn.MAX_QUESTIONS
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    assert qn.is_current(nb, source), (
        f"{NOTEBOOKS[chapter].name}: the questionnaire cell differs from {source.source.name} "
        "or is not the last cell; run: python -m mimml_edu.exercises.questionnaire"
    )
    cell = nb.cells[-1].source
    for q in source.questions:
        assert q.answer not in cell, f"question {q.number}'s answer is in the chapter"
    assert "Answer**" not in cell


def _prose(text: str) -> str:
    """The text without inline code and math."""
    return re.sub(r"`[^`]*`|\$[^$]*\$", " ", text)


@pytest.mark.parametrize("chapter", sorted(qn.sources()))
def test_no_hand_typed_decimals(chapter):
    bad = []
    for q in qn.load(chapter).questions:
        for field in (q.question, q.answer):
            bad += [f"question {q.number}: {m}" for m in DECIMAL.findall(_prose(field))]
    assert not bad, f"{chapter}.yaml: decimal numbers outside code or math: {bad}"


def test_answers_render_with_every_question():
    source = qn.load("02")
    key = qn.answers_markdown(source)
    for q in source.questions:
        assert q.question in key and q.answer in key and q.where in key
    assert key.index(source.questions[0].answer) < key.index(source.questions[1].question)


def _write(tmp_path, text: str, chapter: str = "07"):
    (tmp_path / f"{chapter}.yaml").write_text(text)
    return tmp_path


def _questions(n: int, **extra) -> str:
    rows = []
    for i in range(n):
        rows.append(f"  - question: Q{i}?\n    answer: A{i}.\n    where: section {i}\n")
        rows += [f"    {k}: {v}\n" for k, v in extra.items()] if i == 3 else []
    return 'chapter: "07"\nquestions:\n' + "".join(rows)


@pytest.mark.parametrize(
    "text, match",
    [
        (_questions(9), r"07\.yaml: a questionnaire has 10 to 15 questions, found 9"),
        (_questions(16), "found 16"),
        (_questions(10).replace("    answer: A3.\n", ""), r"question 4: expected the keys"),
        (_questions(10, hint="x"), "question 4: expected the keys"),
        (_questions(10).replace("answer: A5.", 'answer: ""'), "question 6, answer: expected"),
        (_questions(10).replace('"07"', '"08"'), "says chapter '08', expected '07'"),
        ("chapter: [unclosed", "not valid YAML"),
        ("- just a list", "expected the keys 'chapter' and 'questions'"),
    ],
)
def test_a_broken_source_is_named(tmp_path, text, match):
    with pytest.raises(ConfigError, match=match):
        qn.load("07", _write(tmp_path, text))


def test_a_missing_source_is_named(tmp_path):
    with pytest.raises(ConfigError, match="chapter 07 has no questionnaire"):
        qn.load("07", tmp_path)


def test_sync_appends_rewrites_in_place_and_moves_to_the_end(tmp_path):
    source = qn.load("07", _write(tmp_path, _questions(10)))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 07 · title"), nbformat.v4.new_code_cell("1")]
    assert qn.sync(nb, source) and qn.is_current(nb, source)
    assert nb.cells[-1].metadata["mimml"]["questionnaire"] == "07"
    assert not qn.sync(nb, source), "a second sync changes nothing"
    cell_id = nb.cells[-1].id
    nb.cells[-1].source = "## Questionnaire\n\n1. an edited question"
    nb.cells.append(nbformat.v4.new_code_cell("2"))
    assert not qn.is_current(nb, source)
    assert qn.sync(nb, source) and qn.is_current(nb, source)
    assert nb.cells[-1].id == cell_id and len(nb.cells) == 4
    nbformat.validate(nb)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("x", metadata={"tags": ["questionnaire"]}))
    with pytest.raises(ConfigError, match="all tagged 'questionnaire'"):
        qn.sync(nb, source)


def test_the_sync_command_reports_drift(tmp_path, capsys):
    nb = nbformat.read(NOTEBOOKS["02"], as_version=4)
    nb.cells[-1].source += "\n16. a question nobody wrote down"
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = folder / NOTEBOOKS["02"].name
    path.write_text(nbformat.writes(nb) + "\n")
    assert qn.main(["--check", "--notebooks", str(folder)]) == 1
    assert "out of date in: 02_data.ipynb" in capsys.readouterr().err
    assert qn.main(["--notebooks", str(folder)]) == 0
    assert path.read_text() == NOTEBOOKS["02"].read_text()
    assert qn.main(["--check", "--notebooks", str(folder)]) == 0
