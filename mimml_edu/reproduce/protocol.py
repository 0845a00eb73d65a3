"""The protocol's settings, and the data it runs on: splits checked, test labels held out.

Public API:

- :class:`Protocol` what a run does (corpus, seeds, text model, the interviewer contrast,
  the model config), validated, and :meth:`Protocol.describe`, the ``protocol`` block of
  the results.
- :func:`prepare` reads the corpus (or takes one already read), checks the splits, and
  returns :class:`Prepared`: train and dev sessions, the evaluated splits **without their
  labels** (the labels are kept apart and joined to the predictions only for the final
  table, so nothing in training or model selection can see them), and what was relaxed
  for a tiny demonstration corpus.
- :func:`with_interviewer_text` the same sessions with the interviewer's preceding lines
  in front of each turn's text, re-embedded (the prompt-leakage contrast).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mimml_edu.config import Config
from mimml_edu.data.batch import Session
from mimml_edu.data.corpora import Corpus, load_corpus
from mimml_edu.errors import ConfigError, CorpusError

#: The corpora ``reproduce`` knows, and the folder formats each accepts.
CORPORA: dict[str, tuple[str, ...]] = {
    "daicwoz": ("daicwoz",),
    "edaic": ("edaic",),
    "recordings": ("recordings", "features"),
}

#: The paper's headline: 84 % accuracy on DAIC-WOZ (abstract of Liu et al. 2025).
PAPER_ACCURACY = 0.84

#: The splits a final table reports: dev (used for early stopping) and test.
EVALUATED = ("dev", "test")

_NO_INTERVIEWER = {
    "edaic": "E-DAIC's automatic transcripts have no speaker column, so the interviewer's "
    "lines cannot be told apart",
    "recordings": "own recordings are read as the participant's rows only",
}


@dataclass
class Protocol:
    """What one reproduction run does.

    Attributes:
        corpus: ``daicwoz``, ``edaic`` or ``recordings`` (raw media or a features folder).
        root: the corpus folder.
        seeds: how many training seeds (``first_seed`` on).  first_seed: the first one.
        config: model, objective and training settings (input widths come from the data).
        text_model: ``minilm`` (default), ``hashing`` or a local model folder.
        with_interviewer: also train with the interviewer's lines in each turn's text
            (DAIC-WOZ only).
        allow_small: run on a corpus whose splits lack a class, as a demonstration of the
            protocol (marked so in every output), not a result.
        n_boot: bootstrap resamples of the 95 % intervals.
        split_seed: seed of the participant split of recordings without a split column.
        jobs: worker processes extracting own recordings.
        progress: progress bars.
    """

    corpus: str
    root: str | Path
    seeds: int = 5
    first_seed: int = 0
    config: Config = field(default_factory=Config)
    text_model: str | None = None
    with_interviewer: bool = False
    allow_small: bool = False
    n_boot: int = 1000
    split_seed: int = 0
    jobs: int = 1
    progress: bool = False

    def validate(self) -> Protocol:
        if self.corpus not in CORPORA:
            raise ConfigError(f"unknown corpus {self.corpus!r}; expected one of {list(CORPORA)}")
        for name, low in (("seeds", 1), ("n_boot", 0), ("jobs", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"--{name.replace('_', '-')} must be a whole number >= {low}")
        if self.with_interviewer and self.corpus in _NO_INTERVIEWER:
            raise ConfigError(
                f"--with-interviewer applies to DAIC-WOZ only: {_NO_INTERVIEWER[self.corpus]}"
            )
        self.config.validate()
        return self

    @property
    def seed_list(self) -> list[int]:
        return list(range(self.first_seed, self.first_seed + self.seeds))

    def describe(self, prepared: Prepared) -> dict[str, Any]:
        """The ``protocol`` block of the results (plain keys)."""
        tc = self.config.train
        return {
            "corpus": self.corpus,
            "data": prepared.corpus.spec,
            "demonstration": prepared.demonstration,
            "notice": prepared.notice,
            "splits_from": prepared.splits_from,
            "trained_on": "train",
            "model_selection": prepared.selection,
            "test_labels": "held out; joined to the predictions only for the final table",
            "evaluated": list(prepared.evaluate),
            "participant_speech_only": not self.with_interviewer or "see with_interviewer",
            "text_model": prepared.corpus.options.get("text_model", self.text_model),
            "k": tc.k,
            "stride": tc.stride if tc.stride is not None else max(1, tc.k // 2),
            "seeds": self.seed_list,
            "session_level": "one prediction per participant: the mean of its windows' "
            "P(depressed), depressed when >= 0.5; PHQ-8 the mean of its windows'",
            "intervals": f"percentile bootstrap over sessions ({self.n_boot} resamples) of "
            "the mean over seeds, 95 %",
            "paper_accuracy": PAPER_ACCURACY,
            "config": self.config.to_dict(),
        }


@dataclass
class Prepared:
    """The data of one run.

    Attributes:
        corpus: the corpus as read (its ``sessions`` keep their labels: do not score
            from them; use ``blind`` and ``labels``).
        train, dev: the sessions training and model selection use.
        blind: split -> the evaluated sessions without label, PHQ-8 or gender.
        labels: session id -> (label, PHQ-8, gender), held out for the final table.
        evaluate: the evaluated splits with labels.
        selection: ``dev_macro_f1`` or (demonstration without both classes in dev)
            ``last_epoch``.
        class_weighted, multitask: whether the cross-entropy can be class-weighted and the
            multi-task heads trained (both need both classes in train).
        demonstration: whether a split lacked a class (``allow_small``).
        splits_from: where the splits come from.
        warnings: what the run should report.
    """

    corpus: Corpus
    train: list[Session]
    dev: list[Session]
    blind: dict[str, list[Session]]
    labels: dict[str, tuple[int | None, float | None, int | None]]
    evaluate: tuple[str, ...]
    selection: str = "dev_macro_f1"
    class_weighted: bool = True
    multitask: bool = True
    demonstration: bool = False
    splits_from: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def notice(self) -> str | None:
        if not self.demonstration:
            return None
        return (
            "DEMONSTRATION OF THE PROTOCOL ON A CORPUS TOO SMALL FOR IT (--allow-small): "
            "not a result"
        )


def blind(session: Session) -> Session:
    """A copy of a session without its label, PHQ-8 score and gender."""
    return dataclasses.replace(session, label=None, phq_score=None, gender=None)


def _splits_from(corpus: Corpus, protocol: Protocol) -> str:
    if corpus.format == "daicwoz":
        return "the official AVEC 2017 label files"
    if corpus.format == "edaic":
        return "the official AVEC 2019 label files (train_split, dev_split, test_split.csv)"
    return (
        "labels.csv's split column where given; other sessions split by participant, "
        f"stratified by label (seed {protocol.split_seed})"
    )


def read(protocol: Protocol) -> Corpus:
    """Read the protocol's corpus (participant speech only)."""
    from mimml_edu.data.corpora import detect_format

    root = Path(protocol.root)
    fmt = detect_format(root)
    if fmt not in CORPORA[protocol.corpus]:
        raise CorpusError(
            f"{root}: its files are those of the {fmt} format, not of "
            f"{' or '.join(CORPORA[protocol.corpus])} (reproduce {protocol.corpus})"
        )
    options: dict[str, Any] = {"split_seed": protocol.split_seed}
    if fmt != "features":
        options["text_model"] = protocol.text_model or "minilm"
    if fmt == "daicwoz":
        options["include_interviewer"] = False
    if fmt == "recordings":
        options["jobs"] = protocol.jobs
    return load_corpus(str(root), format=fmt, **options)


def prepare(protocol: Protocol, corpus: Corpus | None = None) -> Prepared:
    """Check the corpus's splits and hold out the evaluated splits' labels.

    Raises:
        CorpusError naming the split when train or dev is empty, or (without
        ``allow_small``) when a split lacks a class.
    """
    protocol.validate()
    corpus = corpus if corpus is not None else read(protocol)
    counts = {s: corpus.class_counts(s) for s in ("train", "dev", "test")}
    if not counts["train"]["n_sessions"] or not counts["dev"]["n_sessions"]:
        sizes = {s: c["n_sessions"] for s, c in counts.items()}
        raise CorpusError(f"{corpus.spec}: the protocol needs train and dev sessions; {sizes}")
    evaluate = tuple(s for s in EVALUATED if counts[s]["n_sessions"] - counts[s]["n_unlabelled"])
    warnings = []
    if "test" not in evaluate:
        warnings.append(
            "the test split has no labelled sessions: the final table reports dev only "
            "(the split early stopping used: optimistic)"
        )
    both = {s: bool(c["n_depressed"] and c["n_not_depressed"]) for s, c in counts.items()}
    lacking = [s for s in ("train", "dev", *evaluate) if not both[s]]
    lacking = sorted(set(lacking), key=("train", "dev", "test").index)
    demonstration = False
    if lacking:
        if not protocol.allow_small:
            corpus.check_classes(
                lacking,
                why="training, early stopping on dev macro-F1 and balanced accuracy, macro-F1 "
                "and AUROC need depressed and non-depressed sessions; with a corpus this "
                "small, run with --allow-small to demonstrate the protocol (not a result)",
            )
        demonstration = True
        warnings.append(f"splits without both classes: {', '.join(lacking)} (--allow-small)")
    elif protocol.allow_small:
        demonstration = True
        warnings.append("--allow-small: marked as a demonstration of the protocol")
    selection = "dev_macro_f1" if "dev" not in lacking else "last_epoch"
    if selection == "last_epoch":
        warnings.append("dev lacks a class: no early stopping; the last epoch is kept")
    class_weighted = protocol.config.objective.class_weighted and "train" not in lacking
    multitask = protocol.config.model.multitask and "train" not in lacking
    if "train" in lacking:
        warnings.append(
            "train lacks a class: no class weights, and no multi-task heads (their labels "
            "are generated from both classes' centres)"
        )
    labels = {
        s.session_id: (s.label, s.phq_score, s.gender)
        for s in corpus.sessions
        if s.split in evaluate
    }
    return Prepared(
        corpus=corpus,
        train=corpus.split("train"),
        dev=corpus.split("dev"),
        blind={name: [blind(s) for s in corpus.split(name)] for name in evaluate},
        labels=labels,
        evaluate=evaluate,
        selection=selection,
        class_weighted=class_weighted,
        multitask=multitask,
        demonstration=demonstration,
        splits_from=_splits_from(corpus, protocol),
        warnings=warnings,
    )


def with_interviewer_text(prepared: Prepared, text_model: str) -> Prepared:
    """The same run with the interviewer's lines before each turn in its text.

    The text of turn t becomes ``interviewer lines before t + participant words of t``
    (what the DAIC-WOZ reader does with ``include_interviewer=True``), embedded with the
    same text model; audio, video, labels and splits are unchanged.
    """
    from mimml_edu.data.channels import text_channel_names
    from mimml_edu.data.corpora import text_embedder
    from mimml_edu.data.text_standin import embed_texts

    embed = text_embedder(text_model)

    def swap(s: Session) -> Session:
        prompts = s.meta.get("interviewer_text")
        if prompts is None or s.turn_text is None:
            raise CorpusError(f"session {s.session_id}: no interviewer lines were kept")
        texts = [f"{p} {t}".strip() for p, t in zip(prompts, s.turn_text, strict=True)]
        x, mask = embed_texts(embed, texts, where=f"session {s.session_id}")
        names = {**s.channel_names, "text": text_channel_names(x.shape[1])}
        return dataclasses.replace(
            s,
            features={**s.features, "text": x},
            masks={**s.masks, "text": mask},
            channel_names=names,
            meta={**s.meta, "include_interviewer": True},
        )

    return dataclasses.replace(
        prepared,
        train=[swap(s) for s in prepared.train],
        dev=[swap(s) for s in prepared.dev],
        blind={k: [swap(s) for s in v] for k, v in prepared.blind.items()},
    )
