"""Screening decisions carried to the cluster's primary when de-duplication runs again
(core/screening/carry.py, called by core/deduplication.py), reported by `dedupe`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from records_review import EMBASE, MEDLINE, make_review, pipe

from evidencekit.core.cli import cli
from evidencekit.core.review import open_review
from evidencekit.core.screening import NewDecision, decisions, final_decisions, record_decisions


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def ids_by_title_source(review) -> dict[tuple[str, str], str]:
    from evidencekit.core.store import open_store, rows

    with open_store(review) as store, store.read() as conn:
        return {(r.title, r.provenance.source): r.record_id for r in rows.load_records(conn)}


def test_decisions_follow_the_primary_and_conflicts_keep_the_latest(tmp_path: Path) -> None:
    folder = make_review(tmp_path / "review")
    for name, lines, source in (("m.txt", MEDLINE, "MEDLINE"), ("e.txt", EMBASE, "Embase")):
        assert (
            run(
                "import",
                str(pipe(folder, name, lines)),
                "--source",
                source,
                "--review",
                str(folder),
            ).exit_code
            == 0
        )
    review = open_review(folder)
    ids = ids_by_title_source(review)
    medline_a = ids[("Peer support in mental health", "MEDLINE")]
    embase_a = ids[("Peer support in mental health services", "Embase")]
    other = ids[("Something else entirely", "Embase")]
    # Before de-duplication every record is its own primary: ann decides the MEDLINE copy,
    # later the Embase copy differently; bob decides only the Embase copy.
    record_decisions(review, [NewDecision(medline_a, "title-abstract", "ann", "include")])
    record_decisions(
        review,
        [
            NewDecision(embase_a, "title-abstract", "ann", "exclude", "wrong population"),
            NewDecision(embase_a, "title-abstract", "bob", "include"),
            NewDecision(other, "title-abstract", "bob", "exclude"),
        ],
    )
    result = run("dedupe", "--review", str(folder), "--json")
    assert result.exit_code == 0, result.output
    moved = json.loads(result.stdout)["screening_moved"]
    assert sorted(
        (m["record_id"], m["primary"], m["reviewer"], m["kept"]) for m in moved
    ) == sorted(
        [
            (medline_a, medline_a, "ann", False),
            (embase_a, medline_a, "ann", True),
            (embase_a, medline_a, "bob", True),
        ]
    )
    current = {
        (d.record_id, d.reviewer): (d.decision, d.first_record_id) for d in decisions(review)
    }
    assert current == {
        (medline_a, "ann"): ("exclude", embase_a),
        (medline_a, "bob"): ("include", embase_a),
        (other, "bob"): ("exclude", other),
    }
    assert final_decisions(review, "title-abstract")[medline_a].outcome == "conflict"
    # Text output says what moved; dropping a decision is a warning.
    text = run("dedupe", "--review", str(folder))
    assert "screening decisions carried" not in text.stdout  # nothing left to move
    assert len(decisions(review)) == 3
