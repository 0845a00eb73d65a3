"""`make course`: the student copies, the instructor copies and the kit.

- the student copy of every chapter is the chapter itself (so the chapter's execution is
  the student copy's), and executed it runs to the end with every exercise cell saying
  "not yet" (slow: it reuses the executions the notebook tests store in the book's cache);
- the instructor copy of every chapter holds the solutions, its exercise cells all say
  "correct", and its questionnaire shows every answer;
- the kit: 8 weeks covering every chapter and every exercise once, each week's time the
  sum of its items, each chapter's time its own estimate, the course's the sum of its
  weeks; a rubric that adds up to 100; the project brief with the plan's milestones; the
  answer keys;
- a build never deletes a folder it did not write; a chapter that is not a clean student
  copy is refused.
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest
import yaml
from conftest import ROOT
from exercise_testing import run_exercises

from mimml_edu.errors import ConfigError
from mimml_edu.exercises import EXERCISES, course, exercise_cells, plan
from mimml_edu.exercises import questionnaire as qn

NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = plan.chapters(NOTEBOOKS)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return course.build(NOTEBOOKS, tmp_path_factory.mktemp("course"))


def test_the_build_writes_both_copies_and_the_kit(built):
    names = sorted(p.name for p in CHAPTERS.values())
    assert sorted(p.name for p in built.student.glob("*.ipynb")) == names
    assert sorted(p.name for p in built.instructor.glob("*.ipynb")) == names
    for name in ("course_plan", "project_brief", "grading", "answer_keys", "README"):
        assert (built.instructor / f"{name}{course.MD}").stat().st_size > 0
    assert not list(built.student.glob(f"*{course.MD}"))[1:], "students get one index only"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_student_copy_is_the_chapter(built, chapter):
    path = CHAPTERS[chapter]
    assert (built.student / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_instructor_copy_is_solved_and_answered(built, chapter):
    path = CHAPTERS[chapter]
    nb = nbformat.read(built.instructor / path.name, as_version=4)
    source = nbformat.read(path, as_version=4)
    assert len(nb.cells) == len(source.cells)
    solved = {i for i, _ in exercise_cells(nb)}
    for i, (cell, original) in enumerate(zip(nb.cells, source.cells, strict=True)):
        if i not in solved and i != len(nb.cells) - 1:
            assert cell.source == original.source, f"cell {i} differs from the chapter"
    for name, ok, out in run_exercises(nb):
        assert ok is True and out.startswith("correct: "), f"{name}: {out}"
    key = nb.cells[-1].source
    for q in qn.load(chapter).questions:
        assert q.question in key and q.answer in key


def test_the_answer_keys_hold_every_question(built):
    text = (built.instructor / f"answer_keys{course.MD}").read_text()
    for chapter in CHAPTERS:
        for q in qn.load(chapter).questions:
            assert q.answer in text


def test_the_plan_covers_every_chapter_and_exercise_once(built):
    weeks = built.plan.weeks
    assert len(weeks) == plan.N_WEEKS == 8
    taught = [c for w in weeks for c in w.chapters]
    assert sorted(taught) == sorted(CHAPTERS)
    exercised = [n for w in weeks for n in w.exercises]
    assert sorted(exercised) == sorted(n for n, e in EXERCISES.items() if e.chapter in CHAPTERS)
    for w in weeks:
        assert w.objectives and w.project
    assert sorted(w.graded for w in weeks if w.graded) == sorted(plan.GRADED)


def test_the_times_add_up(built):
    rates = yaml.safe_load((plan.KIT / "plan.yaml").read_text())["rates"]
    for w in built.plan.weeks:
        assert w.minutes == sum(i.minutes for i in w.items)
        for chapter in w.chapters:
            first = nbformat.read(CHAPTERS[chapter], as_version=4).cells[0].source
            stated = int(re.search(r"(\d+)\s+minutes", first).group(1))
            items = {i.what: i.minutes for i in w.items}
            assert items[f"chapter {chapter}"] == stated
            n_q = len(qn.load(chapter).questions)
            assert (
                items[f"chapter {chapter}: questionnaire"] == n_q * rates["minutes_per_question"]
            )
            n_ex = sum(1 for e in EXERCISES.values() if e.chapter == chapter)
            ex = items.get(f"chapter {chapter}: {n_ex} code exercises", 0)
            assert ex == n_ex * rates["minutes_per_code_exercise"]
    assert built.plan.minutes == sum(w.minutes for w in built.plan.weeks)
    text = (built.instructor / f"course_plan{course.MD}").read_text()
    assert f"({built.plan.minutes} min)" in text
    for w in built.plan.weeks:
        assert f"| **week total** | **{w.minutes}** |" in text


def test_the_rubric_adds_up_and_the_brief_has_the_milestones(built):
    grading = plan.rubric()
    assert sum(r["percent"] for r in grading["course_grade"]) == 100
    assert sum(r["points"] for r in grading["report"]) == 100
    brief = (built.instructor / f"project_brief{course.MD}").read_text()
    assert "<<milestones>>" not in brief
    for w in built.plan.weeks:
        assert w.project in brief
    project_minutes = sum(
        i.minutes for w in built.plan.weeks for i in w.items if i.what == "project"
    )
    assert f"**{project_minutes}**" in brief


def test_a_rubric_that_does_not_add_up_is_refused(tmp_path):
    data = yaml.safe_load((plan.KIT / "rubric.yaml").read_text())
    data["report"][0]["points"] += 1
    (tmp_path / "rubric.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="points of report add up to 101"):
        plan.rubric(tmp_path)


def test_a_plan_that_misses_a_chapter_is_refused(tmp_path):
    data = yaml.safe_load((plan.KIT / "plan.yaml").read_text())
    data["weeks"][1]["chapters"] = []
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"in no week \['02'\]"):
        plan.build_plan(NOTEBOOKS, kit=tmp_path)


def test_a_chapter_without_a_time_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 12 · A chapter\n\nNo estimate here.")]
    path = tmp_path / "12_chapter.ipynb"
    path.write_text(nbformat.writes(nb))
    with pytest.raises(ConfigError, match=r"12_chapter\.ipynb: its opening cell states no time"):
        plan.chapter_minutes(path)


def test_a_build_never_deletes_a_folder_it_did_not_write(tmp_path):
    mine = tmp_path / "student"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes")
    with pytest.raises(ConfigError, match="is not a course build"):
        course.build(NOTEBOOKS, tmp_path)
    assert (mine / "notes.txt").read_text() == "my own notes"


def test_a_chapter_with_a_solution_filled_in_is_refused():
    path = CHAPTERS["02"]
    nb = course.instructor_copy(nbformat.read(path, as_version=4), qn.load("02"))
    with pytest.raises(ConfigError, match="does not start from its stub"):
        course.check_student_copy(nb, str(path))


def test_the_command_reports_the_weeks(tmp_path, capsys):
    assert course.main(["--notebooks", str(NOTEBOOKS), "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "week 8:" in out and "total:" in out
    assert course.main(["--notebooks", str(tmp_path), "--out", str(tmp_path / "d")]) == 1
    assert "no chapters" in capsys.readouterr().err


sys.path.insert(0, str(ROOT / "book"))
import build_book as book_build  # noqa: E402


def executed(path):
    """The chapter executed: from the book's execution cache when the notebook tests (or a
    book build) stored it for the current code and package, else run now."""
    from jupyter_cache import get_cache

    book_build.ensure_cache_fresh()
    nb = nbformat.read(path, as_version=4)
    try:
        return get_cache(book_build.CACHE).merge_match_into_notebook(nb)[1]
    except KeyError:
        return book_build.execute(path)[0]


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_student_copy_runs_to_the_end_and_says_not_yet(built, chapter):
    """The student copy is byte for byte the chapter (above), so the chapter's execution is
    the student copy's: no cell raised, and every exercise cell printed one 'not yet' line."""
    nb = executed(built.student / CHAPTERS[chapter].name)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]  # fmt: skip
    assert not errors
    for i, name in exercise_cells(nb):
        printed = "".join(
            o.get("text", "") for o in nb.cells[i].outputs if o.output_type == "stream"
        )
        assert printed.startswith("not yet: ") and printed.count("\n") == 1, f"{name}: {printed}"
