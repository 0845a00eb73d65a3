"""``mimml-edu explain``: JSON with Shapley values, faithfulness and the IG delta; figures."""

from __future__ import annotations

import json

from explain_testdata import trained

from mimml_edu.cli import main


def test_explain_json_and_figures(tmp_path, capsys):
    _, _, checkpoint = trained()
    out = tmp_path / "figs"
    rc = main(
        [
            "explain",
            "--checkpoint",
            str(checkpoint),
            "--data",
            "synthetic:n=30",
            "--max-sessions",
            "2",
            "--n-steps",
            "8",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["shapley_mean"]) == {"text", "audio", "video"}
    assert len(result["per_session"]) == 2
    for row in result["per_session"]:
        assert sum(row["shapley"].values()) == __import__("pytest").approx(
            row["full"] - row["empty"], abs=1e-5
        )
    assert "relative_delta_max" in result["ig_convergence"]
    faith = result["faithfulness"]
    assert 0 <= faith["turn_auroc_ig"] <= 1
    assert faith["modality_ranking"]["spearman"] is None  # default corpus: equal strengths
    for name in result["figures"]:
        assert (out / name.split("/")[-1]).stat().st_size > 1000


def test_explain_bad_input(tmp_path, capsys):
    rc = main(["explain", "--checkpoint", str(tmp_path / "missing.pt")])
    assert rc == 2 and "checkpoint not found" in capsys.readouterr().err
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    rc = main(["explain", "--checkpoint", str(bad)])
    assert rc == 2 and "not a readable" in capsys.readouterr().err
    _, _, checkpoint = trained()
    rc = main(["explain", "--checkpoint", str(checkpoint), "--data", str(tmp_path / "none")])
    assert rc == 2 and "no such file or folder" in capsys.readouterr().err
    rc = main(["explain", "--checkpoint", str(checkpoint)])  # trained on sessions, no spec
    assert rc == 2 and "records no training data" in capsys.readouterr().err
