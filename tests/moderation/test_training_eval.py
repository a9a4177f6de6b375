from __future__ import annotations

import numpy as np

from parvis.moderation import classifier
from parvis.moderation.lexicon import get_lexicon
from parvis_train import noise, synthetic
from parvis_train.evaluation import approvable_share
from parvis_train.training import Row


def test_shipped_model_and_lexicon_load_and_are_small() -> None:
    model = classifier.get_model()
    assert model.char_weights.shape == (len(model.char_rows), len(classifier.HEADS))
    assert 0 < len(model.char_rows) < classifier.N_BUCKETS // 4  # held sparse
    assert classifier.model_path().stat().st_size < 20_000_000
    assert get_lexicon().categories["conard"] == "insult"


def test_sparse_char_weights_give_the_rows_of_the_dense_table() -> None:
    model = classifier.get_model()
    dense = np.zeros((classifier.N_BUCKETS, len(classifier.HEADS)), dtype=np.float32)
    dense[model.char_rows] = model.char_weights
    words = ["ces", "connards", "de", "la", "mairie", "ont", "encore", "menti"]
    buckets = classifier.char_buckets(words)
    buckets = np.concatenate([buckets, model.char_rows[:3], [0, classifier.N_BUCKETS - 1]])
    buckets = np.unique(buckets)
    assert np.array_equal(model.char_rows_of(buckets), dense[buckets])
    assert model.char_rows_of(np.zeros(0, dtype=np.int64)).shape == (0, len(classifier.HEADS))


def test_char_hashing_is_pinned() -> None:
    # The shipped model depends on these exact buckets: a change here needs `make model`.
    assert classifier.char_buckets(["con"]).tolist() == [
        108499,
        122304,
        215398,
        230967,
        305323,
        418114,
    ]


def test_noise_generator_is_reproducible() -> None:
    text = "Les élèves ont été récompensés et leurs parents sont venus à la fête de fin d'année."
    a = noise.inject(text, 3, seed=7)
    assert a == noise.inject(text, 3, seed=7)
    assert a[1] == 3 and a[0] != text


def test_synthetic_cases_are_reproducible() -> None:
    assert synthetic.generate(200, seed=1) == synthetic.generate(200, seed=1)


def test_split_is_fixed_by_id() -> None:
    assert Row("x", "ud", "ud-1", {}).split == Row("y", "mlma", "ud-1", {}).split


def test_approvable_share_keeps_wrong_approvals_under_one_percent() -> None:
    risk = np.array([0.1] * 99 + [0.2] + [0.9] * 100)
    bad = np.array([0.0] * 99 + [1.0] + [1.0] * 100)
    share, _ = approvable_share(risk, bad)
    assert share == 0.5
