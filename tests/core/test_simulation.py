"""Simulation: priors, the replay loop, stopping points and awkward datasets."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evidencekit.core.errors import EvidencekitError, RecordFormatError
from evidencekit.core.labelled import read_labelled
from evidencekit.core.prioritisation import RuleSpec
from evidencekit.core.registry import build_registry
from evidencekit.core.screening_metrics import summary
from evidencekit.core.simulation import choose_priors, simulate

EXCERPT = Path(__file__).resolve().parents[1] / "data" / "screening" / "nagtegaal2019-excerpt.csv"


@pytest.fixture(scope="module")
def registry():
    return build_registry()


@pytest.fixture(scope="module")
def excerpt(registry):
    return read_labelled(EXCERPT, registry)


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_priors_are_seeded_and_stratified():
    labels = [1, 0, 0, 1, 0, 1, 0, 0]
    a = choose_priors(labels, 2, 3, seed=4)
    assert a == choose_priors(labels, 2, 3, seed=4)
    assert [labels[i] for i in a] == [1, 1, 0, 0, 0]
    assert len(set(a)) == 5
    assert any(choose_priors(labels, 2, 3, seed=s) != a for s in range(5, 10))
    with pytest.raises(EvidencekitError, match="dataset has 3 included"):
        choose_priors(labels, 4, 1, seed=0)
    with pytest.raises(EvidencekitError, match="at least one prior"):
        choose_priors(labels, 0, 0, seed=0)


def test_simulation_on_real_excerpt(registry, excerpt):
    result = simulate(excerpt, registry, seed=2)
    n = len(excerpt.labels)
    assert sorted(result.order) == list(range(n))
    priors = result.parameters["priors"]
    assert result.order[:2] == priors
    assert [excerpt.labels[i] for i in priors] == [1, 0]
    assert result.labels_in_order == [excerpt.labels[i] for i in result.order]
    assert result.metrics == summary(result.labels_in_order)
    assert result.metrics["n"] == 60 and result.metrics["n_included"] == 8
    assert {p["rule"] for p in result.stopping} == {
        "consecutive-irrelevant",
        "fraction-screened",
        "hypergeometric",
    }
    for point in result.stopping:
        if point["fired_at"] is not None:
            k = point["fired_at"]
            assert point["recall"] == sum(result.labels_in_order[:k]) / 8


def test_same_seed_same_order_different_seed_different_priors(registry, excerpt):
    a = simulate(excerpt, registry, seed=5, rules=[])
    b = simulate(excerpt, registry, seed=5, rules=[])
    c = simulate(excerpt, registry, seed=6, rules=[])
    assert a.order == b.order
    assert a.parameters["priors"] != c.parameters["priors"]


def test_prioritised_beats_random_on_the_excerpt(registry, excerpt):
    # Random order has expected WSS@95 of about 0; the model saves a third of the work.
    values = [simulate(excerpt, registry, seed=s, rules=[]).metrics["wss_95"] for s in range(3)]
    assert sum(values) / 3 > 0.25


def test_retraining_after_every_record_is_recorded(registry, excerpt):
    every = simulate(excerpt, registry, seed=1, rules=[], retrain_lag=0.0)
    lagged = simulate(excerpt, registry, seed=1, rules=[], retrain_lag=0.2)
    assert every.parameters["retrain_lag"] == 0.0
    assert every.parameters["retrains"] > lagged.parameters["retrains"]


def test_a_stopping_rule_fires_where_it_should(registry, excerpt):
    result = simulate(
        excerpt, registry, seed=1, rules=[RuleSpec("fraction-screened", {"fraction": 0.5})]
    )
    (point,) = result.stopping
    assert point["fired_at"] == 30 and point["fraction_screened"] == 0.5


def test_unknown_model_and_rule_are_named(registry, excerpt):
    from evidencekit.core.errors import RegistryError

    with pytest.raises(RegistryError, match="unknown screener 'nope'"):
        simulate(excerpt, registry, model="nope")
    with pytest.raises(RegistryError, match="unknown stopping-rule"):
        simulate(excerpt, registry, rules=[RuleSpec("nope")])


# ------------------------------------------------------------------ awkward datasets

ROWS = [
    {
        "title": "Peer support in psychiatry",
        "abstract": "A trial of peer workers.",
        "label_included": "1",
    },
    {"title": "Rice yields", "abstract": "Fertiliser effects.", "label_included": "0"},
    {"title": "Peer workers and recovery", "abstract": "Qualitative study.", "label_included": "1"},
    {"title": "Bridge design", "abstract": "Steel and concrete.", "label_included": "0"},
    {"title": "Mentoring by peers", "abstract": "", "label_included": "0"},
]


def test_no_label_column(tmp_path, registry):
    path = write_csv(
        tmp_path / "d.csv", [{k: v for k, v in r.items() if k != "label_included"} for r in ROWS]
    )
    with pytest.raises(RecordFormatError, match="no inclusion label column.*abstract, title"):
        read_labelled(path, registry)


def test_no_included_and_only_included(tmp_path, registry):
    none = write_csv(tmp_path / "none.csv", [{**r, "label_included": "0"} for r in ROWS])
    with pytest.raises(RecordFormatError, match="no record is labelled included"):
        read_labelled(none, registry)
    only = write_csv(tmp_path / "only.csv", [{**r, "label_included": "1"} for r in ROWS])
    with pytest.raises(RecordFormatError, match="every record is labelled included"):
        read_labelled(only, registry)


def test_bad_label_names_the_line(tmp_path, registry):
    path = write_csv(tmp_path / "bad.csv", [*ROWS[:3], {**ROWS[3], "label_included": "maybe"}])
    with pytest.raises(RecordFormatError, match=r"bad.csv:5: .*'maybe'.*expected 1"):
        read_labelled(path, registry)


def test_empty_abstracts_duplicates_and_other_languages_are_simulated(tmp_path, registry):
    rows = [
        *ROWS,
        dict(ROWS[1]),  # a duplicate row
        {
            "title": "Unterstützung durch Peers in der Psychiatrie",
            "abstract": "Eine Studie über Genesungsbegleiter.",
            "label_included": "1",
        },
        {"title": "同伴支持 精神卫生", "abstract": "", "label_included": "0"},
        {"title": "", "abstract": "", "label_included": "0"},
    ]
    data = read_labelled(write_csv(tmp_path / "mixed.csv", rows), registry)
    text = "\n".join(data.warnings)
    assert "3 of 9 records have no abstract" in text
    assert "1 records have neither title nor abstract" in text
    assert "1 rows repeat an earlier row" in text
    result = simulate(data, registry, seed=0)
    assert sorted(result.order) == list(range(9))
    assert result.metrics["n_included"] == 3


def test_an_alternative_label_column(tmp_path, registry):
    rows = [
        {"title": r["title"], "abstract": r["abstract"], "final": r["label_included"]} for r in ROWS
    ]
    data = read_labelled(write_csv(tmp_path / "alt.csv", rows), registry, label_column="final")
    assert data.labels == [1, 0, 1, 0, 0]


def test_an_asreview_ris_export_is_a_labelled_set(tmp_path, registry):
    """ASReview's RIS export keeps the label in N1 (ASReview_relevant / _irrelevant)."""
    blocks = []
    for i, tag in enumerate(
        ["ASReview_relevant", "ASReview_irrelevant", "ASReview_irrelevant", "ASReview_relevant"]
    ):
        blocks.append(f"TY  - JOUR\nTI  - Title {i}\nAB  - Abstract {i}\nN1  - {tag}\nER  - \n")
    path = tmp_path / "asreview.ris"
    path.write_text("\n".join(blocks), encoding="utf-8")
    data = read_labelled(path, registry)
    assert data.labels == [1, 0, 0, 1] and data.label_column == "N1"
    unseen = tmp_path / "unseen.ris"
    unseen.write_text(
        path.read_text("utf-8").replace(
            "Title 2\nAB  - Abstract 2\nN1  - ASReview_irrelevant",
            "Title 2\nAB  - Abstract 2\nN1  - ASReview_not_seen",
        ),
        encoding="utf-8",
    )
    with pytest.raises(RecordFormatError, match="asreview_not_seen.*expected 1"):
        read_labelled(unseen, registry)
