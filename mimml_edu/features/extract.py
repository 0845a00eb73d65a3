"""Extract a raw-media corpus into a features folder, sessions in parallel processes.

Public API:

- :func:`read_sessions` session folders -> :class:`~mimml_edu.features.corpus.CorpusReport`,
  with ``jobs`` worker processes (each loads the extractors once and runs one torch
  thread; 1 runs in this process, with one torch thread too, so both give the same
  features). Sessions go to the workers longest first and come back in folder order. A
  session that fails in an unexpected way is reported as a failure and the others go on;
  a worker process that dies is replaced and its sessions are retried one at a time.
- :func:`extract_corpus` what ``mimml-edu extract`` does: read, then write the features
  folder (``SESSION_ID.npz`` per session, the corpus's ``labels.csv`` and the marker,
  :func:`~mimml_edu.features.store.write_marker`), a corpus every command reads.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from mimml_edu.data.corpora import FEATURES_MARKER, FORMATS, canonical_text_model, register_format
from mimml_edu.data.recordings import find_sessions, read_label_table
from mimml_edu.data.report import ReadReport
from mimml_edu.errors import ConfigError, CorpusError
from mimml_edu.features.corpus import CorpusReport, ExtractionError, ExtractionFailure

#: What the workers' fork server imports once (the extractors and their libraries).
_PRELOAD = (
    "torch",
    "transformers.models.bert.modeling_bert",
    "mediapipe",
    "librosa",
    "mimml_edu.features.audio",
    "mimml_edu.features.video",
    "mimml_edu.features.text",
    "mimml_edu.features.corpus",
)
_READER = None  # one RawCorpusReader per worker process
_START_ERROR: str | None = None  # why it could not be built


def _start(options: dict) -> None:
    """Worker set-up: one torch thread, the extractors loaded once."""
    import torch

    from mimml_edu.features.corpus import RawCorpusReader

    global _READER, _START_ERROR
    torch.set_num_threads(1)
    try:
        _READER, _START_ERROR = RawCorpusReader(**options), None
    except (OSError, ValueError) as err:
        _READER, _START_ERROR = None, " ".join(str(err).split())


def _reader():
    if _READER is None:
        raise ConfigError(f"the extractors could not start: {_START_ERROR}")
    return _READER


def _one(folder: str, labels: dict | None) -> tuple:
    """Extract one session in a worker (:meth:`RawCorpusReader.read_one`)."""
    return _reader().read_one(folder, labels)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def check_jobs(jobs) -> int:
    """``jobs`` as a positive int, or :class:`ConfigError`."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ConfigError(f"--jobs must be a whole number >= 1, got {jobs!r}")
    return jobs


def read_sessions(
    folders: Sequence[str | Path],
    labels: Mapping[str, dict],
    *,
    jobs: int = 1,
    progress: bool = False,
    reader=None,
    **options,
) -> CorpusReport:
    """Extract session folders into Sessions.

    Args:
        folders: session folders (see :mod:`mimml_edu.data.recordings`).
        labels: session id -> label row (``read_labels``); absent: unknown.
        jobs: worker processes (1: in this process).
        progress: a progress bar over sessions.
        reader: an existing :class:`~mimml_edu.features.corpus.RawCorpusReader` (``jobs``
            must be 1).
        **options: keyword arguments of ``RawCorpusReader`` (plain values: they travel to
            the workers): ``text_model``, ``cache_dir``, ``audio_config``,
            ``video_config``, ``participant``, ``strict``.
    Returns:
        :class:`~mimml_edu.features.corpus.CorpusReport`, sessions in folder order.
    Raises:
        ExtractionError at the first failure with ``strict``.
    """
    from tqdm.auto import tqdm

    jobs = check_jobs(jobs)
    start = time.perf_counter()
    folders = [Path(f) for f in folders]
    results: dict[int, tuple] = {}
    bar = tqdm(total=len(folders), desc="sessions", unit="session", disable=not progress)
    if jobs == 1 or len(folders) <= 1 or reader is not None:
        _run_here(folders, labels, reader, options, results, bar)
    else:
        _run_pool(folders, labels, jobs, options, results, bar)
    bar.close()
    report = CorpusReport()
    for i in range(len(folders)):
        report.add(*results[i])
    report.wall_s = time.perf_counter() - start
    return report


def _run_here(folders, labels, reader, options, results, bar) -> None:
    import torch

    global _READER
    threads = torch.get_num_threads()
    saved = _READER
    try:
        if reader is None:
            _start({**options, "progress": False})
        else:
            torch.set_num_threads(1)
            _READER = reader
        for i, folder in enumerate(folders):
            results[i] = _reader().read_one(folder, labels.get(folder.name))
            bar.update()
    finally:
        _READER = saved
        torch.set_num_threads(threads)


def _run_pool(folders, labels, jobs, options, results, bar) -> None:
    """Longest sessions first; a dead worker's sessions are retried one per process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # workers fork from a fresh server that imported the extractors once: no copy of this
    # process's state (threads, open models), and no import per worker
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(_PRELOAD))
    order = sorted(range(len(folders)), key=lambda i: -_size(folders[i]))
    work = {**options, "progress": False}
    broken: list[int] = []
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(folders)),
        mp_context=context,
        initializer=_start,
        initargs=(work,),
    ) as pool:
        futures = {
            pool.submit(_one, str(folders[i]), labels.get(folders[i].name)): i for i in order
        }
        try:
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    broken.append(i)
                    continue
                bar.update()
        except (ExtractionError, ConfigError):
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    for i in sorted(broken):  # each alone, so one crash cannot take others with it
        folder = folders[i]
        with ProcessPoolExecutor(1, mp_context=context, initializer=_start, initargs=(work,)) as p:
            try:
                results[i] = p.submit(_one, str(folder), labels.get(folder.name)).result()
            except BrokenProcessPool:
                reason = "the extraction process died (a crash in a media library)"
                failure = ExtractionFailure(folder.name, "session", str(folder), reason)
                if options.get("strict"):
                    raise ExtractionError(str(failure)) from None
                results[i] = (None, [failure], 0, 0)
        bar.update()


def _check_out(corpus_dir: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise CorpusError("--out names an existing file; give a folder", path=out)
    if out.resolve() == corpus_dir.resolve():
        raise CorpusError("--out is the corpus folder itself; give another folder", path=out)
    if out.is_dir() and any(out.iterdir()) and not (out / FEATURES_MARKER).is_file():
        raise CorpusError(
            f"--out is a folder with other files in it (no {FEATURES_MARKER}: not written "
            "by mimml-edu extract); give a new or empty folder",
            path=out,
        )


def extract_corpus(
    corpus_dir: str | Path,
    out: str | Path,
    *,
    jobs: int = 1,
    text_model: str | Path | None = None,
    cache_dir: str | Path | None = None,
    audio_config=None,
    video_config=None,
    participant: str = "Participant",
    strict: bool = False,
    progress: bool = False,
) -> CorpusReport:
    """Extract a corpus of own recordings into a features folder.

    Args:
        corpus_dir: the corpus (``SESSION_ID/audio.wav, video.mp4, transcript.csv`` and
            ``labels.csv``).
        out: the features folder (new, empty, or written by an earlier extract).
        jobs: worker processes.  text_model: ``minilm`` (default), ``hashing`` or a local
            model folder.  cache_dir: feature cache (default ``out/cache``).
        audio_config, video_config: extractor settings.  participant: the transcript's
            speaker of the turns.  strict: stop at the first failure.
        progress: a progress bar over sessions.
    Returns:
        the :class:`~mimml_edu.features.corpus.CorpusReport`.
    Raises:
        ConfigError for a bad option, CorpusError for a bad corpus or ``out``,
        ExtractionError at the first failure with ``strict``.
    """
    from mimml_edu.features.audio import AudioConfig
    from mimml_edu.features.store import read_marker, save_session, write_marker
    from mimml_edu.features.video import VideoConfig

    corpus_dir, out = Path(corpus_dir), Path(out)
    jobs = check_jobs(jobs)
    model = canonical_text_model(text_model) or "minilm"
    audio_config = audio_config or AudioConfig()
    video_config = video_config or VideoConfig()
    fps = video_config.max_fps
    if fps is not None and (isinstance(fps, bool) or not math.isfinite(fps) or fps <= 0):
        raise ConfigError(f"--max-fps must be a number > 0, got {fps!r}")
    _check_out(corpus_dir, out)
    folders, labels, refused = _folders_and_labels(corpus_dir, strict=strict)
    report = read_sessions(
        folders, labels, jobs=jobs, progress=progress, strict=strict, participant=participant,
        text_model=None if model == "minilm" else model, audio_config=audio_config,
        video_config=video_config, cache_dir=out / "cache" if cache_dir is None else cache_dir,
    )  # fmt: skip
    report.failures.extend(refused)
    out.mkdir(parents=True, exist_ok=True)
    old = read_marker(out).get("sessions", []) if (out / FEATURES_MARKER).is_file() else []
    written = [s.session_id for s in report.sessions]
    for session in report.sessions:
        save_session(session, out)
    for sid in set(old) - set(written):  # sessions of an earlier run no longer extracted
        (out / f"{sid}.npz").unlink(missing_ok=True)
    if labels:
        shutil.copyfile(corpus_dir / "labels.csv", out / "labels.csv")
    else:
        (out / "labels.csv").unlink(missing_ok=True)
    kept = set(written)
    write_marker(
        out,
        {
            "source": str(corpus_dir.resolve()),
            "sessions": written,
            "text_model": model,
            "settings": extractor_settings(audio_config, video_config, participant),
            "feature_widths": report.sessions[0].dims() if report.sessions else {},
            "failures": [f.to_dict() for f in report.failures],
            "warnings": [str(f) for f in report.failures if f.session_id in kept],
            "skipped": [
                {"session_id": f.session_id, "reason": str(f)}
                for f in report.failures
                if f.session_id not in kept
            ],
        },
    )
    return report


def extractor_settings(audio_config=None, video_config=None, participant="Participant") -> dict:
    """The extractor settings a corpus was read with, as checkpoints record them (the
    defaults where None): ``{"audio": ..., "video": ..., "participant": ...}``."""
    from mimml_edu.features.audio import AudioConfig
    from mimml_edu.features.video import VideoConfig

    return {
        "audio": (audio_config or AudioConfig()).to_dict(),
        "video": (video_config or VideoConfig()).to_dict(),
        "participant": participant,
    }


def _folders_and_labels(corpus_dir: Path, *, strict: bool) -> tuple[list[Path], dict, list]:
    """The session folders to extract, their labels, and a failure for each session whose
    label row cannot be used (that session is left out, unless ``strict`` stops here)."""
    from mimml_edu.features.corpus import ExtractionFailure

    try:
        folders = find_sessions(corpus_dir)
        labels_path = corpus_dir / "labels.csv"
        labels, problems = {}, {}
        if labels_path.exists() or labels_path.is_symlink():
            labels, problems = read_label_table(labels_path, strict=strict)
    except CorpusError:
        raise
    except (OSError, ValueError) as err:
        raise CorpusError(str(err)) from None
    refused = [ExtractionFailure(sid, "labels", str(labels_path), str(why))
               for sid, why in problems.items()]  # fmt: skip
    return [f for f in folders if f.name not in problems], labels, refused


def read_recordings(
    path: str | Path,
    *,
    text_model: str | None = None,
    cache_dir: str | Path | None = None,
    jobs: int = 1,
    **options,
) -> ReadReport:
    """The ``recordings`` format of :mod:`mimml_edu.data.corpora`: raw media extracted on
    the fly, as a :class:`~mimml_edu.data.report.ReadReport` (a session whose transcript
    is unusable is skipped with its reason; every other failure is a warning).

    Args:
        path: the corpus folder.
        text_model: ``minilm`` (default), ``hashing`` or a local model folder.
        cache_dir: the feature cache (default
            :func:`~mimml_edu.features.cache.default_cache_dir`: each file is extracted
            once per setting; later reads are fast).
        jobs: worker processes.
        **options: other keyword arguments of ``RawCorpusReader`` (``participant``, ...).
    """
    from mimml_edu.features.cache import default_cache_dir

    path = Path(path)
    folders, labels, refused = _folders_and_labels(path, strict=bool(options.get("strict")))
    if text_model is not None and text_model != "minilm":
        options["text_model"] = text_model
    cache = default_cache_dir() if cache_dir is None else cache_dir
    raw = read_sessions(folders, labels, jobs=jobs, cache_dir=cache, **options)
    raw.failures.extend(refused)
    report = ReadReport(sessions=raw.sessions, corpus="recordings")
    report.notes["text_model"] = text_model or "minilm"
    report.notes["extractor"] = extractor_settings(
        options.get("audio_config"), options.get("video_config"),
        options.get("participant", "Participant"),
    )  # fmt: skip
    kept = {s.session_id for s in raw.sessions}
    for failure in raw.failures:
        if failure.session_id in kept:
            report.warnings.append(str(failure))
        else:
            report.skipped.append({"session_id": failure.session_id, "reason": str(failure)})
    if not labels:
        report.warnings.append(f"{path / 'labels.csv'}: not found; labels unknown")
    return report


register_format(replace(FORMATS["recordings"], load=read_recordings))
