"""Prioritised screening on a review's store: the ranked queue, `screen status`, and
`simulate` replaying a store's final decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidencekit.core.cli import cli
from evidencekit.core.labelled import read_labelled
from evidencekit.core.ranked_screening import RankedQueue, history, status
from evidencekit.core.records import import_records
from evidencekit.core.registry import build_registry
from evidencekit.core.review import open_review
from evidencekit.core.screening import NewDecision, record_decisions

EXCERPT = Path(__file__).resolve().parents[1] / "data" / "screening" / "nagtegaal2019-excerpt.csv"
STAGE = "title-abstract"


def make_review(folder: Path, prioritisation: str = "") -> tuple[Path, dict[str, int]]:
    """60 real records in a review; returns the folder and record id → label."""
    data = read_labelled(EXCERPT, build_registry())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "review.yaml").write_text(
        "kind: review\nid: ranked-test\nversion: '1'\ntitle: Ranked screening test\n"
        "screening:\n  stages:\n    - id: title-abstract\n    - id: full-text\n" + prioritisation,
        encoding="utf-8",
    )
    review = open_review(folder)
    import_records(review, data.records, source="Nagtegaal 2019 excerpt")
    from evidencekit.core.store import open_store, rows

    with open_store(review) as store, store.read() as conn:
        stored = rows.load_records(conn, with_raw=False)
    by_title = {r.title: label for r, label in zip(data.records, data.labels, strict=True)}
    return folder, {r.record_id: by_title[r.title] for r in stored}


def decide(folder: Path, labels: dict[str, int], ids: list[str], reviewer: str = "ann") -> None:
    record_decisions(
        open_review(folder),
        [NewDecision(r, STAGE, reviewer, "include" if labels[r] else "exclude") for r in ids],
    )


def first_of_each(labels: dict[str, int], n_in: int, n_out: int) -> list[str]:
    ids = sorted(labels)
    return [r for r in ids if labels[r]][:n_in] + [r for r in ids if not labels[r]][:n_out]


def test_ranked_queue_puts_included_records_first(tmp_path):
    folder, labels = make_review(tmp_path / "r")
    decide(folder, labels, first_of_each(labels, 2, 18))
    ranker = RankedQueue(open_review(folder), STAGE)
    queue = sorted(r for r in labels if r not in set(first_of_each(labels, 2, 18)))
    ordered = ranker.order(queue)
    assert sorted(ordered) == queue
    # 6 included among the 40 left; random order would put 3 in the top half on average.
    assert sum(labels[r] for r in ordered[:20]) >= 5
    assert ranker.parameters["classifier"] == "svm"


def test_without_both_classes_the_store_order_is_kept(tmp_path):
    folder, labels = make_review(tmp_path / "r")
    decide(folder, labels, first_of_each(labels, 0, 3))
    queue = sorted(labels)
    assert RankedQueue(open_review(folder), STAGE).order(queue) == queue


def test_session_reranks_after_each_decision(tmp_path):
    from evidencekit.core.screening.interactive import ScreeningSession

    folder, labels = make_review(tmp_path / "r")
    decide(folder, labels, first_of_each(labels, 1, 1))
    session = ScreeningSession(open_review(folder), STAGE, "bob", order="ranked")
    for _ in range(5):
        current = session.current
        session.decide("include" if labels[current] else "exclude")
    assert len(session.summary.decided) == 5
    assert sorted(session.queue) == sorted(set(labels))  # bob's queue: every record
    assert session.ranker.labels  # the new decisions are labels now
    with pytest.raises(Exception, match="'store' or 'ranked'"):
        ScreeningSession(open_review(folder), STAGE, "bob", order="random")


def test_history_and_status(tmp_path):
    folder, labels = make_review(
        tmp_path / "r",
        prioritisation=(
            "  prioritisation:\n    stopping:\n      combine: all\n      rules:\n"
            "        - {name: fraction-screened, options: {fraction: 0.25}}\n"
            "        - {name: consecutive-irrelevant, options: {n: 5}}\n"
        ),
    )
    ids = first_of_each(labels, 2, 18)
    decide(folder, labels, ids)
    review = open_review(folder)
    past = history(review, STAGE)
    assert past.n_screened == 20 and past.n_total == 60 and past.n_relevant == 2
    report = status(review)
    assert report["stage"] == STAGE
    assert [r["rule"] for r in report["rules"]] == ["fraction-screened", "consecutive-irrelevant"]
    fraction, run = report["rules"]
    assert fraction["stop"] and "20 of 60" in fraction["reason"]
    assert report["combine"] == "all"
    assert report["stop"] is run["stop"]
    result = CliRunner().invoke(cli, ["screen", "status", "--review", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rules"][0]["stop"] is True
    text = CliRunner().invoke(cli, ["screen", "status", "--review", str(folder)])
    assert "fraction-screened: STOP" in text.output
    bad = CliRunner().invoke(cli, ["screen", "status", "--review", str(folder), "--stage", "x"])
    assert bad.exit_code == 1 and "unknown screening stage 'x'" in bad.output


def test_simulate_replays_a_store_with_final_decisions(tmp_path):
    folder, labels = make_review(tmp_path / "r")
    decide(folder, labels, sorted(labels)[:50])
    result = CliRunner().invoke(cli, ["simulate", str(folder), "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 50
    assert data["n_included"] == sum(labels[r] for r in sorted(labels)[:50])
    assert any("10 records of title-abstract have no final" in w for w in data["warnings"])
    empty, _ = make_review(tmp_path / "empty")
    refused = CliRunner().invoke(cli, ["simulate", str(empty)])
    assert refused.exit_code == 1 and "no record has a final include/exclude" in refused.output
