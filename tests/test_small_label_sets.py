"""A user's few dozen labels train a model that learns from them, and a handful of labels is warned about.

With scikit-learn's leaf of 20 links, a tree cannot split fewer than 40: trained on a few dozen labels every tree was
one leaf, and the model gave every link the same label (evaluation/retraining/SMALL_SETS.md measures it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import EXAMPLES
from test_cli import run  # noqa: F401 - the CLI-in-process fixture

from linktriage._records import LABELS
from linktriage.features import FEATURE_NAMES
from linktriage.model import LinkClassifier

#: one feature that says the label, per label
SIGNS = {"editorial": "in_main_content", "guest_post": "page_disclosure", "directory": "listing_like",
         "spam": "position_comment", "link_farm": "page_farm_terms"}


def test_forty_labelled_links_train_a_model_that_tells_the_labels_apart():
    rng = np.random.default_rng(0)
    rows, labels, groups = [], [], []
    for site in range(8):  # 8 sites, one link of each label on each
        for label in LABELS:
            features = dict.fromkeys(FEATURE_NAMES, 0.0)
            features.update({name: rng.normal(0, 0.05) for name in ("depth", "anchor_length")})
            features[SIGNS[label]] = 1.0
            rows.append(features)
            labels.append(label)
            groups.append(f"site{site}.example")
    X = pd.DataFrame(rows, columns=list(FEATURE_NAMES))
    model = LinkClassifier(random_state=0).fit(X, labels, groups=groups)
    assert (model.predict(X) == np.asarray(labels)).mean() >= 0.9  # with a leaf of 20: one label for all


def test_training_on_a_handful_of_labels_alone_is_warned_about(tmp_path, run):  # noqa: F811
    result = run("train", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "-o", tmp_path / "m.skops",
                 "--cv", "2")
    assert result.returncode == 0, result.stderr
    assert ("warning: only 6 usable labelled links: a model trained on so few alone is close to guessing on other "
            "sites; label a few hundred, or add --with-shipped") in result.stderr


def test_metrics_of_one_label_say_what_macro_f1_then_means(capsys):
    """A user's labels of one kind (all spam, say) gave "macro-F1 1.000" under `train --with-shipped`: true (the F1
    of that one label) and misleading; the output says so, on the terminal and in an evaluate report."""
    from linktriage.cli._render import print_metrics
    from linktriage.metrics import compute_metrics, metrics_markdown

    proba = np.tile(np.eye(len(LABELS))[LABELS.index("spam")], (6, 1))
    one = compute_metrics(["spam"] * 6, proba, LABELS)
    print_metrics(one, "cross-validated, your labels")
    shown = capsys.readouterr().err
    assert "macro-F1 1.000" in shown and "all 6 links are labelled spam" in shown
    assert "all 6 links are labelled spam" in metrics_markdown(one, "your labels")
    two = compute_metrics(["spam"] * 3 + ["editorial"] * 3, proba, LABELS)
    print_metrics(two, "cross-validated, your labels")
    assert "are labelled" not in capsys.readouterr().err and "are labelled" not in metrics_markdown(two, "x")
