"""Configs: YAML round trip and clear errors."""

from __future__ import annotations

import pytest

from mimml_edu.config import Config, ConfigError, load_config, save_config


def test_yaml_round_trip(tmp_path):
    cfg = Config()
    cfg.model.fusion = "cnn"
    cfg.model.modalities = ("text", "video")
    cfg.train.seed = 7
    path = save_config(cfg, tmp_path / "c.yaml")
    back = load_config(path)
    assert back.to_dict() == cfg.to_dict()
    assert back.model.modalities == ("text", "video")


def test_partial_file_takes_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("train:\n  epochs: 2\n")
    cfg = load_config(path)
    assert cfg.train.epochs == 2 and cfg.model.fusion == "gated"


@pytest.mark.parametrize(
    "text, match",
    [
        ("model:\n  fusoin: gated\n", r"unknown key\(s\) \['fusoin'\] in 'model'"),
        ("modle:\n  fusion: gated\n", r"unknown section"),
        ("model:\n  fusion: attention\n", "model.fusion must be one of"),
        ("model:\n  modalities: [text, smell]\n", "model.modalities"),
        ("train:\n  batch_size: 0\n", "train.batch_size must be a positive integer"),
        ("train:\n  lr: -1\n", "train.lr must be > 0"),
        ("objective:\n  alpha: -0.1\n", "objective.alpha"),
        ("model:\n  kernel: 4\n", "odd"),
        ("model: [1, 2]\n", "must be a mapping"),
        ("model: {\n", "not valid YAML"),
    ],
)
def test_bad_configs_name_file_and_key(tmp_path, text, match):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=match) as err:
        load_config(path)
    assert "bad.yaml" in str(err.value)


def test_missing_file():
    with pytest.raises(FileNotFoundError, match=r"nope\.yaml"):
        load_config("nope.yaml")
