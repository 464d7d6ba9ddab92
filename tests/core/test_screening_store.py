"""Screening in the store (migration 3): decisions, automated exclusions, samples and the
read API of evidencekit.core.screening, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from evidencekit.core import screening
from evidencekit.core.errors import ScreeningError
from evidencekit.core.model import Author, Record
from evidencekit.core.records import import_records
from evidencekit.core.review import open_review
from evidencekit.core.screening import NewDecision
from evidencekit.core.store import open_store, schema

REVIEW = """kind: review
id: t
version: '1'
title: T
store: {url}
screening:
  reasons: [wrong population, wrong design]
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def review(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'evidencekit.sqlite'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    (tmp_path / "review.yaml").write_text(REVIEW.format(url=url), encoding="utf-8")
    rv = open_review(tmp_path)
    records = [
        Record(
            title=f"Peer support {i}",
            year=2010 + i,
            doi=f"10.1/{i}",
            authors=[Author("Smith", "J")],
        )
        for i in range(4)
    ]
    import_records(rv, records, source="MEDLINE")
    return rv


def ids(review) -> list[str]:
    return sorted(screening.primary_of(review))


def cluster(review, members: list[str]) -> None:
    """Make ``members`` one cluster (the first is primary), as a dedupe run would."""
    from evidencekit.core.store import rows

    with open_store(review) as store, store.write() as conn:
        run = rows.add_run(
            conn, "dedupe", options={}, versions={}, summary={}, started_at="2020-01-01T00:00:00"
        )
        every = list(screening.primary_of(review))
        cluster_rows = [
            (r, members[0] if r in members else r, r == members[0] or r not in members)
            for r in every
        ]
        rows.replace_dedupe(conn, run, "test", cluster_rows, [], [])


def test_decisions_final_decisions_and_populations(review) -> None:
    r = ids(review)
    screening.record_decisions(
        review,
        [
            NewDecision(r[0], "title-abstract", "ann", "include"),
            NewDecision(r[1], "title-abstract", "ann", "exclude", "Wrong Population"),
            NewDecision(r[2], "title-abstract", "ann", "maybe"),
        ],
    )
    finals = screening.final_decisions(review, "title-abstract")
    assert {k: v.outcome for k, v in finals.items()} == {
        r[0]: "include",
        r[1]: "exclude",
        r[2]: "include",
        r[3]: "pending",
    }
    assert finals[r[1]].reason == "wrong population"  # spelled as declared
    assert screening.stage_population(review, "full-text") == [r[0], r[2]]
    screening.record_decisions(
        review,
        [
            NewDecision(r[0], "full-text", "ann", "include", study_id="Smith 2010"),
            NewDecision(r[2], "full-text", "ann", "not-retrieved"),
        ],
    )
    ft = screening.final_decisions(review, "full-text")
    assert {k: (v.outcome, v.study_id) for k, v in ft.items()} == {
        r[0]: ("include", "Smith 2010"),
        r[2]: ("not-retrieved", ""),
    }
    # A later decision by the same reviewer replaces the earlier one.
    screening.record_decisions(
        review,
        [
            NewDecision(r[3], "title-abstract", "ann", "include"),
            NewDecision(r[3], "title-abstract", "ann", "exclude"),
        ],
    )
    assert screening.final_decisions(review, "title-abstract")[r[3]].outcome == "exclude"
    assert len(screening.decisions(review, "title-abstract", "ann")) == 4
    with open_store(review) as store, store.read() as conn:
        stages = (
            conn.execute(
                sa.select(schema.screening_stages.c.stage).order_by(
                    schema.screening_stages.c.position
                )
            )
            .scalars()
            .all()
        )
    assert stages == ["title-abstract", "full-text"]
    assert screening.remove_decision(review, r[3], "title-abstract", "ann")
    assert not screening.remove_decision(review, r[3], "title-abstract", "ann")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (NewDecision("nope", "title-abstract", "ann", "include"), "no record 'nope'"),
        (NewDecision("{0}", "abstracts", "ann", "include"), "unknown screening stage 'abstracts'"),
        (
            NewDecision("{0}", "title-abstract", "ann", "exclude", "too old"),
            "unknown exclusion reason 'too old'",
        ),
        (NewDecision("{0}", "full-text", "ann", "exclude"), "needs a reason"),
        (NewDecision("{0}", "title-abstract", "ann", "not-retrieved"), "for a full-text stage"),
        (NewDecision("{0}", "title-abstract", "ann", "yes"), "not one of include"),
    ],
)
def test_bad_decisions_write_nothing(review, item: NewDecision, message: str) -> None:
    r = ids(review)
    good = NewDecision(r[1], "title-abstract", "ann", "include")
    bad = NewDecision(
        item.record_id.format(r[0]),
        item.stage,
        item.reviewer,
        item.decision,
        item.reason,
        where="file.csv row 3",
    )
    with pytest.raises(ScreeningError, match=message) as err:
        screening.record_decisions(review, [good, bad])
    assert str(err.value).startswith("file.csv row 3: ")
    assert screening.decisions(review) == []


def test_decision_on_a_duplicate_belongs_to_its_primary(review) -> None:
    r = ids(review)
    screening.record_decisions(review, [NewDecision(r[1], "title-abstract", "ann", "include")])
    cluster(review, [r[0], r[1]])  # r[1] becomes a duplicate of r[0]
    assert screening.primary_of(review)[r[1]] == r[0]
    [decision] = screening.decisions(review)
    assert (decision.record_id, decision.first_record_id) == (r[0], r[1])
    assert r[1] not in screening.final_decisions(review, "title-abstract")
    assert screening.final_decisions(review, "title-abstract")[r[0]].outcome == "include"
    # Deciding the duplicate again replaces the decision on the primary.
    screening.record_decisions(review, [NewDecision(r[0], "title-abstract", "ann", "exclude")])
    assert [d.decision for d in screening.decisions(review)] == ["exclude"]


def test_automated_exclusions_replace_and_count_apart(review) -> None:
    r = ids(review)
    screening.record_automated_exclusions(
        review,
        "title-abstract",
        "rules",
        [
            (r[0], "language", "language 'fre' is not one of eng"),
            (r[1], "date", "published 2019, after 2018-07"),
        ],
    )
    screening.record_automated_exclusions(
        review, "title-abstract", "rules", [(r[1], "date", "published 2019, after 2018-07")]
    )
    [auto] = screening.automated_exclusions(review)
    assert (auto.record_id, auto.rule, auto.tool) == (r[1], "date", "rules")
    final = screening.final_decisions(review, "title-abstract")[r[1]]
    assert (final.outcome, final.automated, final.rule) == ("exclude", True, "date")
    with pytest.raises(ScreeningError, match="no record 'x'"):
        screening.record_automated_exclusions(review, "title-abstract", "rules", [("x", "a", "b")])
