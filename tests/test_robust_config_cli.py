"""Configs with strict types and bounded YAML; commands whose bad input is one line; a
diverging run that claims no checkpoint; bootstrap without intervals; resume refusals."""

from __future__ import annotations

import os
import time

import pytest
import torch

from mimml_edu.cli import main
from mimml_edu.config import Config, load_config
from mimml_edu.errors import CheckpointError, ConfigError

SMALL = "model: {d_proj: 8, d_h: 8, d_z: 16}\ntrain: {epochs: 1, k: 8, batch_size: 32%s}\n"
DATA = "synthetic:n=40,seed=3"


@pytest.mark.parametrize(
    "text, key",
    [
        ('model: {center_turns: "false"}', "model.center_turns must be true or false"),
        ('model: {center_turns: "no"}', "model.center_turns must be true or false"),
        ("model: {center_turns: 1}", "model.center_turns must be true or false"),
        ('train: {lr: "0.001"}', "train.lr must be a number, got '0.001' (write it"),
        ("train: {lr: .nan}", "train.lr must be a finite number"),
        ("train: {lr: .inf}", "train.lr must be a finite number"),
        ("objective: {alpha: .nan}", "objective.alpha must be a finite number"),
        ("train: {epochs: 2.5}", "train.epochs must be an integer"),
        ("train: {epochs: true}", "train.epochs must be an integer"),
        ("model: {modalities: text}", "model.modalities must be a list of names"),
        ("train: {device: 3}", "train.device must be a string"),
        ("model: {input_dims: {text: 3.5, audio: 2, video: 2}}", "model.input_dims.text"),
        ("model: &a [*a]", "a recursive YAML alias"),
    ],
)
def test_strict_types_name_the_key(tmp_path, text, key):
    path = tmp_path / "c.yaml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError, match=rf"c\.yaml: {key}".replace("(", r"\(")) as err:
        load_config(path)
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_yaml_booleans_and_yaml12_floats_are_read(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("model: {center_turns: no}\ntrain: {lr: 1e-3, weight_decay: 1E-5}\n")
    config = load_config(path)
    assert config.model.center_turns is False
    assert config.train.lr == 1e-3 and config.train.weight_decay == 1e-5


def test_an_alias_bomb_is_refused_quickly_in_one_short_line(tmp_path):
    levels = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"&{name} [{','.join(['*' + prev] * 9)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("model:\n  fusion: [" + ", ".join(levels) + "]\n")
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=r"bomb.yaml: YAML aliases expand to more than") as err:
        load_config(path)
    assert time.perf_counter() - start < 5 and len(str(err.value)) < 200


def test_config_size_encoding_and_special_files(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 200_000)
    with pytest.raises(ConfigError, match=r"big.yaml: .*a config file is at most 1024 KB"):
        load_config(big)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"model: {fusion: \xff\xfe}\n")
    with pytest.raises(ConfigError, match=r"bin.yaml: not UTF-8"):
        load_config(binary)
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match=r"fifo.yaml: is a FIFO .*not a regular file"):
        load_config(fifo)
    with pytest.raises(ConfigError, match=r"is a directory"):
        load_config(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"nope.yaml: config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_python_api_configs_are_checked_too():
    config = Config()
    config.train.lr = float("nan")
    with pytest.raises(ConfigError, match=r"train.lr must be a finite number"):
        config.validate()


def _one_line(capsys, *needles):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mimml-edu: error: "), err
    assert all(n in err[0] for n in needles), err[0]


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["evaluate", "--checkpoint", "x.pt", "--n-boot", "abc"], "--n-boot"),
        (["evaluate", "--checkpoint", "x.pt", "--n-boot", "-1"], "must be >= 0"),
        (["evaluate", "--checkpoint", "x.pt", "--threads", "0"], "--threads"),
        (["evaluate", "--checkpoint", "x.pt", "--split", "nope"], "--split"),
        (["explain", "--checkpoint", "x.pt", "--ig-tolerance", "nan"], "--ig-tolerance"),
        (["demo", "--max-seconds", "inf"], "--max-seconds"),
        (["inspect", "x", "--max-member-mb", "0"], "--max-member-mb"),
        (["trian"], "invalid choice"),
    ],
)
def test_bad_options_are_one_line(capsys, argv, needle):
    assert main(argv) == 2  # a usage error is an exit status, in process as from the shell
    _one_line(capsys, needle)


def test_a_diverging_run_names_the_term_and_claims_no_checkpoint(tmp_path, capsys, one_thread):
    (tmp_path / "c.yaml").write_text(SMALL % ", lr: 1.0e+30")
    out = tmp_path / "run"
    out.mkdir()
    (out / "best.pt").write_bytes(b"an earlier run's file")
    rc = main(["train", "--config", str(tmp_path / "c.yaml"), "--out", str(out), "--data",
               DATA, "--n-boot", "0", "--quiet"])  # fmt: skip
    assert rc == 2
    captured = capsys.readouterr()
    assert "best.pt" not in captured.out and "evaluation" not in captured.out
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "non-finite loss: term" in err[0]
    assert "no checkpoint was written by this run (best.pt in" in err[0]
    assert "from an earlier run" in err[0]


def test_no_bootstrap_means_no_interval_and_no_nan(tmp_path, capsys, one_thread):
    (tmp_path / "c.yaml").write_text(SMALL % "")
    args = ["train", "--config", str(tmp_path / "c.yaml"), "--out", str(tmp_path / "run"),
            "--data", DATA, "--quiet"]  # fmt: skip
    assert main([*args, "--n-boot", "0"]) == 0
    table = capsys.readouterr().out
    assert "nan" not in table.lower() and "no bootstrap intervals: 0 resamples" in table
    assert "95% CI" not in table

    last = tmp_path / "run" / "last.pt"
    ckpt = torch.load(last, weights_only=True)
    name = next(k for k, v in ckpt["model"].items() if v.is_floating_point())
    ckpt["model"][name][...] = float("nan")
    torch.save(ckpt, last)
    (tmp_path / "c.yaml").write_text(SMALL.replace("epochs: 1", "epochs: 2") % "")
    assert main([*args, "--resume"]) == 2
    _one_line(capsys, "last.pt", f"weights {name!r} are not finite")
    with pytest.raises(CheckpointError, match=r"not finite"):
        from mimml_edu.checkpoints import load_checkpoint

        ckpt["kind"] = "model"
        torch.save(ckpt, tmp_path / "nan.pt")
        load_checkpoint(tmp_path / "nan.pt")
