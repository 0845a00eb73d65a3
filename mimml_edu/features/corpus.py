"""The raw-media corpus reader ("your own recordings"): media files -> per-turn Sessions.

The layout and the transcript and label rules are those of
:mod:`mimml_edu.data.recordings`. The participant's transcript rows are the turns. Each
turn gets a text embedding (:mod:`mimml_edu.features.text`), pooled speech features over
its time span (:mod:`mimml_edu.features.audio`) and pooled face features
(:mod:`mimml_edu.features.video`). A missing or unreadable file, a video without a face,
or a transcript without participant text is reported as an :class:`ExtractionFailure`
(file and reason) and that modality is masked for the session; the rest of the corpus
goes on, unless ``strict``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import Session
from mimml_edu.data.recordings import MEDIA_FILES, find_sessions, read_label_table, session_turns
from mimml_edu.errors import MediaError


class ExtractionError(MediaError):
    """A file of the corpus could not be used (raised in strict mode)."""


@dataclass
class ExtractionFailure:
    """One file that could not be used, and why."""

    session_id: str
    modality: str
    file: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}: {self.reason} ({self.modality} of session {self.session_id})"


@dataclass
class CorpusReport:
    """What :func:`load_raw_corpus` produced.

    Attributes:
        sessions: the Sessions built (sessions whose transcript failed are absent).
        failures: every file that could not be used, with the reason.
        wall_s: seconds spent.
        cache_hits, cache_misses: feature-cache counts (0 without a cache).
    """

    sessions: list[Session] = field(default_factory=list)
    failures: list[ExtractionFailure] = field(default_factory=list)
    wall_s: float = 0.0
    cache_hits: int = 0
    cache_misses: int = 0

    def add(self, session: Session | None, failures: list, hits: int, misses: int) -> None:
        """Add one session's result (:meth:`RawCorpusReader.read_one`)."""
        self.failures.extend(failures)
        self.cache_hits += hits
        self.cache_misses += misses
        if session is not None:
            self.sessions.append(session)

    def to_dict(self) -> dict:
        """A JSON-ready summary (what ``mimml-edu extract --json`` prints)."""
        widths = self.sessions[0].dims() if self.sessions else {}
        return {
            "sessions_processed": len(self.sessions),
            "feature_widths": widths,
            "face_detection_rate": {
                s.session_id: s.meta.get("face_detection_rate") for s in self.sessions
            },
            "voiced_ratio": {s.session_id: s.meta.get("voiced_ratio") for s in self.sessions},
            "failures": [f.to_dict() for f in self.failures],
            "cache": {"hits": self.cache_hits, "misses": self.cache_misses},
            "wall_s": round(self.wall_s, 3),
        }


class RawCorpusReader:
    """Builds Sessions from raw-media session folders with the three extractors.

    Args:
        text_model: local transformers model folder (default all-MiniLM-L6-v2), or
            ``"hashing"`` for the hashed bag-of-words stand-in (fast; not for results).
        text_encoder: an already loaded :class:`~mimml_edu.features.text.TextEncoder`
            (instead of ``text_model``).
        cache_dir: feature cache folder (None: no cache).
        audio_config, video_config: extractor settings.
        participant: the transcript speaker whose rows are the turns.
        strict: raise :class:`ExtractionError` at the first failure instead of reporting it.
        device: torch device for the text model.
        progress: progress bars.
    """

    def __init__(
        self,
        *,
        text_model: str | Path | None = None,
        text_encoder=None,
        cache_dir: str | Path | None = None,
        audio_config=None,
        video_config=None,
        participant: str = "Participant",
        strict: bool = False,
        device: str = "cpu",
        progress: bool = False,
    ) -> None:
        from mimml_edu.features import audio, text, video
        from mimml_edu.features.cache import FeatureCache

        self.audio_config = audio_config or audio.AudioConfig()
        self.video_config = video_config or video.VideoConfig()
        if text_encoder is not None and text_model is not None:
            raise ValueError("give text_model or text_encoder, not both")
        if text_encoder is None and text_model in ("hashing", "minilm"):
            text_encoder = text.load_text_encoder(text_model)
        self.encoder = text_encoder or text.TextEncoder(model_path=text_model, device=device)
        self.cache = FeatureCache(cache_dir) if cache_dir is not None else None
        self.participant = participant
        self.strict = strict
        self.progress = progress

    def _extract(self, path: Path, module, settings: dict, compute) -> dict:
        if self.cache is None:
            return compute()
        arrays, _ = self.cache.get_or_compute(
            path,
            extractor=module.EXTRACTOR_NAME,
            version=module.EXTRACTOR_VERSION,
            settings=settings,
            compute=compute,
        )
        return arrays

    def _fail(self, failures: list, failure: ExtractionFailure) -> None:
        if self.strict:
            raise ExtractionError(str(failure))
        failures.append(failure)

    def _media(self, failures, sid, modality, path, module, settings, compute, *, width, n):
        """One media file's turn features; a file that cannot be read is a failure of that
        modality and gives zero features with an all-False mask (the modality is masked).

        Returns:
            (arrays, whether the file was read).
        """
        try:
            return self._extract(path, module, settings, compute), True
        except (OSError, ValueError) as err:
            failure = ExtractionFailure(sid, modality, str(path), _reason(err, path))
            self._fail(failures, failure)
            return {"features": np.zeros((n, width), np.float32), "mask": np.zeros(n, bool)}, False

    def read_session(
        self, folder: str | Path, labels: dict | None = None
    ) -> tuple[Session | None, list[ExtractionFailure]]:
        """One session folder -> (Session or None when its transcript is unusable, failures)."""
        from mimml_edu.features import audio, text, video

        folder = Path(folder)
        sid = folder.name
        failures: list[ExtractionFailure] = []
        tpath = folder / MEDIA_FILES["transcript"]
        try:
            turn_times, texts, late = session_turns(folder, participant=self.participant)
        except (OSError, ValueError) as err:
            self._fail(failures, ExtractionFailure(sid, "text", str(tpath), _reason(err, tpath)))
            return None, failures
        if late:  # reported, not fatal even in strict mode: the other rows are good
            failures.append(ExtractionFailure(sid, "text", str(tpath), _reason(late, tpath)))
        n = len(turn_times)
        meta: dict = {"source": str(folder), "empty_text_turns": texts.count("")}
        settings = {"turns": turn_times, "participant": self.participant}

        # text
        enc = self.encoder
        t = self._extract(
            tpath,
            text,
            {**enc.settings(), **settings},
            lambda: dict(zip(("features", "mask"), enc.encode(texts), strict=True)),
        )
        if not t["mask"].any():
            reason = f"no participant text in any of {n} turns (empty transcript)"
            self._fail(failures, ExtractionFailure(sid, "text", str(tpath), reason))

        # audio
        apath = folder / MEDIA_FILES["audio"]
        a, read = self._media(
            failures, sid, "audio", apath, audio, {**self.audio_config.to_dict(), **settings},
            lambda: audio.extract_turns(apath, turn_times, self.audio_config),
            width=len(audio.turn_feature_names(self.audio_config)), n=n,
        )  # fmt: skip
        meta["voiced_ratio"] = float(a["voiced_ratio"].mean()) if read else None
        if read and not a["mask"].any():
            reason = f"no voiced speech in any of {n} participant turns"
            self._fail(failures, ExtractionFailure(sid, "audio", str(apath), reason))

        # video
        vpath = folder / MEDIA_FILES["video"]
        v, read = self._media(
            failures, sid, "video", vpath, video, {**self.video_config.to_dict(), **settings},
            lambda: video.extract_turns(vpath, turn_times, self.video_config,
                                        progress=self.progress),
            width=len(video.turn_feature_names()), n=n,
        )  # fmt: skip
        rate = float(v["detection_rate"]) if read else None
        meta["face_detection_rate"] = rate
        if rate == 0.0:
            reason = f"no face found in any of {int(v['n_frames'])} analysed frames"
            self._fail(failures, ExtractionFailure(sid, "video", str(vpath), reason))

        info = dict(labels or {})
        if "binary_in_file" in info:
            meta["binary_in_file"] = info["binary_in_file"]
        meta["failures"] = [f.to_dict() for f in failures]
        session = Session(
            session_id=sid,
            features={"text": t["features"], "audio": a["features"], "video": v["features"]},
            masks={"text": t["mask"], "audio": a["mask"], "video": v["mask"]},
            phq_score=info.get("phq_score"),
            label=info.get("label"),
            gender=info.get("gender"),
            split=info.get("split"),
            turn_times=turn_times,
            turn_text=texts,
            channel_names={
                "text": enc.channel_names(),
                "audio": audio.turn_feature_names(self.audio_config),
                "video": video.turn_feature_names(),
            },
            meta=meta,
        )
        return session, failures

    def read_one(self, folder: str | Path, labels: dict | None = None) -> tuple:
        """:meth:`read_session` that never stops the corpus: an unexpected error (a bug
        or a crash inside a media library) becomes a failure of that session.

        Returns:
            (Session or None, failures, cache hits, cache misses of this session).
        """
        cache = self.cache
        before = (cache.hits, cache.misses) if cache is not None else (0, 0)
        try:
            session, failures = self.read_session(folder, labels)
        except ExtractionError:
            raise
        except Exception as err:
            reason = f"extraction failed ({type(err).__name__}: {err})"
            failure = ExtractionFailure(Path(folder).name, "session", str(folder), reason)
            if self.strict:
                raise ExtractionError(str(failure)) from None
            session, failures = None, [failure]
        after = (cache.hits, cache.misses) if cache is not None else (0, 0)
        return session, failures, after[0] - before[0], after[1] - before[1]

    def read_corpus(self, corpus_dir: str | Path) -> CorpusReport:
        """Every session folder of a corpus; see :func:`load_raw_corpus`."""
        from tqdm.auto import tqdm

        start = time.perf_counter()
        corpus_dir = Path(corpus_dir)
        folders = find_sessions(corpus_dir)
        report = CorpusReport()
        labels_path = corpus_dir / "labels.csv"
        labels, problems = {}, {}
        if labels_path.exists() or labels_path.is_symlink():
            labels, problems = read_label_table(labels_path, strict=self.strict)
        for folder in tqdm(folders, desc="sessions", unit="session", disable=not self.progress):
            if folder.name in problems:
                reason = _reason(problems[folder.name], labels_path)
                failure = ExtractionFailure(folder.name, "labels", str(labels_path), reason)
                report.add(None, [failure], 0, 0)
                continue
            report.add(*self.read_one(folder, labels.get(folder.name)))
        report.wall_s = time.perf_counter() - start
        return report


def load_raw_corpus(corpus_dir: str | Path, **options) -> CorpusReport:
    """Read a raw-media corpus into Sessions, one session after the other (for worker
    processes, :func:`mimml_edu.features.extract.read_sessions`).

    Args:
        corpus_dir: the corpus folder (layout in this module's docstring).
        **options: keyword arguments of :class:`RawCorpusReader` (``text_model``,
            ``cache_dir``, ``strict``, ``participant``, ``progress``, ...).
    Returns:
        :class:`CorpusReport` with the Sessions and every failure.
    """
    return RawCorpusReader(**options).read_corpus(corpus_dir)


def _reason(err: Exception | str, path: Path) -> str:
    """The error message without a leading repeat of the path."""
    message = str(err)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
