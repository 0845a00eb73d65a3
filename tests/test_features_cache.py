"""The feature cache: keys by content, extractor and settings; a second run reads it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from mimml_edu.features.cache import FeatureCache
from mimml_edu.features.corpus import load_raw_corpus

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"


def test_hits_misses_and_keys(tmp_path):
    cache = FeatureCache(tmp_path / "cache")
    src = tmp_path / "a.wav"
    src.write_bytes(b"abc")
    calls = []

    def compute():
        calls.append(1)
        return {"x": np.arange(3.0), "names": np.array(["a", "b", "c"])}

    def get(path, settings):
        return cache.get_or_compute(
            path, extractor="toy", version="1", settings=settings, compute=compute
        )

    first, hit1 = get(src, {"k": 1})
    second, hit2 = get(src, {"k": 1})
    assert (hit1, hit2) == (False, True) and len(calls) == 1
    assert np.array_equal(first["x"], second["x"]) and second["names"].tolist() == ["a", "b", "c"]
    renamed = tmp_path / "renamed.wav"
    shutil.copy(src, renamed)
    assert get(renamed, {"k": 1})[1], "same content under another name is a hit"
    assert not get(src, {"k": 2})[1], "other settings are a miss"
    assert not cache.get_or_compute(
        src, extractor="toy", version="2", settings={"k": 1}, compute=compute
    )[1], "another extractor version is a miss"
    src.write_bytes(b"abd")
    assert not get(src, {"k": 1})[1], "changed content is a miss"
    assert (cache.hits, cache.misses) == (2, 4)


def test_corrupt_entry_is_recomputed(tmp_path):
    cache = FeatureCache(tmp_path)
    src = tmp_path / "in.bin"
    src.write_bytes(b"x")
    key = cache.key(src, extractor="toy", version="1", settings={})
    cache.save(key, "toy", {"x": np.ones(2)})
    cache.entry(key, "toy").write_bytes(b"not an npz")
    with pytest.warns(UserWarning, match="unreadable cache entry"):
        arrays, hit = cache.get_or_compute(
            src, extractor="toy", version="1", settings={}, compute=lambda: {"x": np.zeros(2)}
        )
    assert not hit and (arrays["x"] == 0).all()
    assert (cache.load(key, "toy")["x"] == 0).all()


def test_second_corpus_run_reads_the_cache(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(RAW / "s01", corpus / "s01")
    shutil.copy(RAW / "labels.csv", corpus / "labels.csv")
    first = load_raw_corpus(corpus, cache_dir=tmp_path / "cache")
    assert (first.cache_hits, first.cache_misses) == (0, 3)
    second = load_raw_corpus(corpus, cache_dir=tmp_path / "cache")
    assert (second.cache_hits, second.cache_misses) == (3, 0)
    assert second.wall_s < first.wall_s
    a, b = first.sessions[0], second.sessions[0]
    for m in ("text", "audio", "video"):
        assert np.array_equal(a.features[m], b.features[m])
        assert np.array_equal(a.masks[m], b.masks[m])
    assert a.meta["face_detection_rate"] == b.meta["face_detection_rate"] == 1.0
