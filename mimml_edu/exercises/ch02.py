"""Chapter 02 (data): pooling frames over turns, and a split by participant.

- :func:`check_pool_frames`: ``my_pool_frames(times, values, valid, spans)``, against
  :func:`mimml_edu.data.turns.pool_frames`.
- :func:`check_participant_split`: ``my_participant_split(windows, *, test_fraction, seed)``,
  against the rules :func:`mimml_edu.data.splits.split_windows_by_participant` keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from mimml_edu.data import batch, splits
from mimml_edu.data.batch import Window, make_windows
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.data.turns import pool_frames
from mimml_edu.exercises.checking import NotYet, call, checker, expect_rows


def solution_pool_frames(
    times: np.ndarray, values: np.ndarray, valid: np.ndarray, spans: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per turn ``[start, stop)``: the mean of each column over the valid frames (NaN cells
    skipped, 0 where none), and whether the turn has any valid frame."""
    means = np.zeros((len(spans), values.shape[1]))
    has_frames = np.zeros(len(spans), dtype=bool)
    for i, (start, stop) in enumerate(spans):
        use = valid & (times >= start) & (times < stop)  # (n_frames,)
        has_frames[i] = use.any()
        cells = np.where(np.isfinite(values) & use[:, None], values, 0.0)
        counts = (np.isfinite(values) & use[:, None]).sum(axis=0)  # (d,)
        means[i] = np.divide(
            cells.sum(axis=0), counts, out=np.zeros(len(counts)), where=counts > 0
        )
    return means, has_frames


def _grid_session() -> tuple[str, tuple, list[str]]:
    """Frames every 0.25 s (exact in binary) and turns that start and stop on a frame."""
    rng = np.random.default_rng(2)
    times = np.arange(40) * 0.25  # 0.0 .. 9.75 s
    values = rng.normal(size=(40, 3)) + np.arange(40)[:, None]  # later frames: larger values
    valid = np.ones(40, dtype=bool)
    valid[[9, 10, 11]] = False  # the frames of turn 2 are all invalid
    values[16:20, 1] = np.nan  # column 1 has no value in turn 3
    values[[5, 22], 0] = np.nan  # a NaN cell among valid ones
    spans = np.array([[1.0, 2.0], [2.0, 2.25], [2.25, 3.0], [4.0, 5.0], [3.0, 3.0], [12, 13]])
    turns = [
        "turn 0, [1.0, 2.0) s: its frames are at 1.0 to 1.75 s",
        "turn 1, [2.0, 2.25) s: its one frame is at 2.0 s",
        "turn 2, [2.25, 3.0) s: its frames, at 2.25 to 2.75 s, are all invalid",
        "turn 3, [4.0, 5.0) s: column 1 is NaN in all its frames (4.0 to 4.75 s)",
        "turn 4, [3.0, 3.0) s: zero length, no frame",
        "turn 5, [12, 13) s: after the last frame (9.75 s)",
    ]
    return "frames every 0.25 s", (times, values, valid, spans), turns


def _random_session(seed: int) -> tuple[str, tuple, list[str]]:
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(50, 300)), int(rng.integers(1, 6))
    times = np.sort(rng.uniform(0, 30, n))
    values = rng.normal(size=(n, d))
    values[rng.random((n, d)) < 0.05] = np.nan
    valid = rng.random(n) < 0.8
    starts = np.sort(rng.uniform(0, 28, 6))
    spans = np.column_stack([starts, starts + rng.uniform(0, 3, 6)])
    turns = [f"turn {i}, [{a:.3f}, {b:.3f}) s" for i, (a, b) in enumerate(spans)]
    return f"random session {seed}", (times, values, valid, spans), turns


@checker
def check_pool_frames(answer: Callable) -> str:
    """Check ``answer(times, values, valid, spans) -> (means (n_turns, d), has_frames
    (n_turns,))`` on a session with turns on frame boundaries (``[start, stop)``), invalid
    frames, NaN cells, empty turns, and on random sessions."""
    sessions = [_grid_session(), *(_random_session(seed) for seed in (7, 8, 9))]
    for session, args, turns in sessions:
        want_means, want_has = pool_frames(*args)
        got = call(answer, *args, case=session)
        if not (isinstance(got, tuple | list) and len(got) == 2):
            raise NotYet(f"{session}: return (means, has_frames), got {type(got).__name__}")
        got_has = np.asarray(got[1])
        if got_has.shape != want_has.shape:
            raise NotYet(
                f"{session}: has_frames must have shape {want_has.shape} (one per turn), "
                f"got {got_has.shape}"
            )
        for i, turn in enumerate(turns):
            if bool(got_has[i]) != bool(want_has[i]):
                raise NotYet(
                    f"{session}, {turn}: has_frames should be {bool(want_has[i])}, "
                    f"got {bool(got_has[i])}"
                )
        expect_rows(got[0], want_means, f"{session}, means", turns)
    return (
        f"your pooling matches the reader's on {len(sessions)} sessions: turns are "
        "[start, stop), invalid frames and NaN cells are skipped, empty turns give 0."
    )


def solution_participant_split(
    windows: list[batch.Window], *, test_fraction: float = 0.25, seed: int = 0
) -> tuple[list[batch.Window], list[batch.Window]]:
    """About ``test_fraction`` of the participants of each class go to test, with all
    their windows; the same seed gives the same split."""
    rng = np.random.default_rng(seed)
    label: dict[str, int | None] = {}
    for w in windows:
        label.setdefault(splits.participant_of(w.session), w.session.label)
    test: set[str] = set()
    for cls in sorted(set(label.values()), key=str):  # one draw per class: stratified
        people = sorted(p for p, c in label.items() if c == cls)
        rng.shuffle(people)
        test.update(people[: round(test_fraction * len(people))])
    train_windows = [w for w in windows if splits.participant_of(w.session) not in test]
    test_windows = [w for w in windows if splits.participant_of(w.session) in test]
    return train_windows, test_windows


def _split_windows() -> list[Window]:
    """Windows of 60 synthetic sessions, where 19 participants have two sessions each."""
    corpus = make_corpus(60, seed=11)
    for label in (0, 1):
        group = [s for s in corpus.sessions if s.label == label]
        for j, s in enumerate(group[:20]):
            s.meta["participant_id"] = f"P{label}-{j // 2:02d}"
    return [w for s in corpus.sessions for w in make_windows(s, k=8)]


def _key(w: Window) -> tuple[str, int, int]:
    return w.session.session_id, w.start, w.stop


def _split(answer: Callable, windows: list[Window], fraction: float, seed: int) -> tuple:
    case = f"test_fraction={fraction}, seed={seed}"
    got = call(
        answer, list(windows), test_fraction=fraction, seed=seed, case=case, copy_inputs=False
    )
    if not (isinstance(got, tuple | list) and len(got) == 2):
        raise NotYet(f"{case}: return (train windows, test windows), got {type(got).__name__}")
    return case, list(got[0]), list(got[1])


@checker
def check_participant_split(answer: Callable) -> str:
    """Check ``answer(windows, *, test_fraction, seed) -> (train, test)`` on windows where
    some participants have two sessions: every window used once, no participant on both
    sides, about ``test_fraction`` of the participants in test and of each class
    (stratified), the same split for the same seed, and different ones for other seeds."""
    windows = _split_windows()
    everyone = {_key(w): splits.participant_of(w.session) for w in windows}
    label = {splits.participant_of(w.session): w.session.label for w in windows}
    n_people, n_depressed = len(label), sum(label.values())
    test_sets: dict[float, list[frozenset]] = {}
    for fraction in (0.25, 0.4):
        for seed in range(5):
            case, train, test = _split(answer, windows, fraction, seed)
            used = Counter(_key(w) for w in [*train, *test])
            if used != Counter(list(everyone)):
                lost, twice = set(everyone) - set(used), [k for k, n in used.items() if n > 1]
                raise NotYet(
                    f"{case}: every window must be in exactly one side; {len(lost)} "
                    f"missing, {len(twice)} used twice"
                )
            a = {splits.participant_of(w.session) for w in train}
            b = {splits.participant_of(w.session) for w in test}
            if a & b:
                raise NotYet(
                    f"{case}: {len(a & b)} participants are on both sides, e.g. "
                    f"{sorted(a & b)[0]} (some participants have two sessions)"
                )
            if abs(len(b) - fraction * n_people) > 1:
                raise NotYet(
                    f"{case}: expected about {fraction * n_people:.1f} of the {n_people} "
                    f"participants in test, got {len(b)}"
                )
            depressed = sum(label[p] for p in b)
            if abs(depressed - fraction * n_depressed) > 1:
                raise NotYet(
                    f"{case}: expected about {fraction * n_depressed:.1f} of the "
                    f"{n_depressed} depressed participants in test, got {depressed} "
                    "(draw the test participants within each class: stratify)"
                )
            test_sets.setdefault(fraction, []).append(frozenset(b))
    for seed in range(5):  # an answer that draws from a global generator differs here
        case, _, test = _split(answer, windows, 0.25, seed)
        if frozenset(splits.participant_of(w.session) for w in test) != test_sets[0.25][seed]:
            raise NotYet(f"{case}: called twice with the same seed, it gave two splits")
    if len(set(test_sets[0.25])) == 1:
        raise NotYet("seeds 0 to 4 all gave the same test participants: use the seed")
    return (
        f"10 splits of {n_people} participants: none on both sides, the shares of "
        "participants and classes kept, one split per seed."
    )
