"""Decision-file screeners (plugins/screeners/decision_files.py) on fixtures in each tool's
documented export layout (tests/data/screening/), imported through `decisions import`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from screening_review import make_screening_review, run

from evidencekit.core.review import open_review
from evidencekit.core.screening import decisions
from evidencekit.plugins.screeners.decision_files import parse_rayyan_notes

DATA = Path(__file__).resolve().parents[2] / "data" / "screening"


@pytest.fixture
def review(tmp_path: Path) -> Path:
    folder = make_screening_review(tmp_path / "review", n=14)
    for f in DATA.iterdir():
        shutil.copy(f, folder / f.name)
    return folder


def doi_of(review: Path) -> dict[str, str]:
    from evidencekit.core.store import open_store, rows

    with open_store(open_review(review)) as store, store.read() as conn:
        return {r.record_id: r.doi for r in rows.load_records(conn)}


def imported(
    review: Path, file: str, fmt: str, reviewer: str, *extra: str, stage: str = "title-abstract"
) -> dict:
    result = run(
        "decisions",
        "import",
        str(review / file),
        "--format",
        fmt,
        "--stage",
        stage,
        "--reviewer",
        reviewer,
        "--review",
        str(review),
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored(review: Path, reviewer: str, stage: str = "title-abstract") -> dict:
    dois = doi_of(review)
    return {
        dois[d.record_id]: (d.decision, d.reason, d.study_id)
        for d in decisions(open_review(review), stage, reviewer)
    }


def test_rayyan_takes_the_named_reviewers_decisions(review: Path) -> None:
    report = imported(review, "rayyan_articles.csv", "rayyan", "Ann")
    assert report["written"] == 3
    assert report["matched_by"] == {"id": 0, "doi": 2, "title": 1}
    # The last row was decided by Bob alone: reported as skipped for Ann.
    assert report["skipped"] == [{"row": 5, "why": "no decision by 'Ann' (only Bob)"}]
    assert stored(review, "Ann") == {
        "10.1000/ps.0": ("include", "", ""),
        "10.1000/ps.1": ("exclude", "wrong population", ""),
        "10.1000/ps.2": ("maybe", "", ""),
    }
    imported(review, "rayyan_articles.csv", "rayyan", "bob")
    assert stored(review, "bob")["10.1000/ps.2"] == ("exclude", "wrong intervention", "")
    assert len(stored(review, "bob")) == 4


def test_rayyan_notes_without_a_decision_are_refused(review: Path) -> None:
    result = run(
        "decisions",
        "import",
        str(review / "rayyan_no_decision.csv"),
        "--format",
        "rayyan",
        "--stage",
        "title-abstract",
        "--reviewer",
        "Ann",
        "--review",
        str(review),
    )
    assert result.exit_code == 1
    assert "rayyan_no_decision.csv row 3: the notes carry no decision" in result.stderr
    assert decisions(open_review(review)) == []


def test_covidence_lists_with_reasons_and_study_labels(review: Path) -> None:
    imported(review, "covidence_included.csv", "covidence", "ann", "--decision", "include")
    imported(review, "covidence_excluded.csv", "covidence", "ann")  # reason implies exclude
    assert stored(review, "ann") == {
        "10.1000/ps.4": ("include", "", "Author4 2014"),
        "10.1000/ps.5": ("include", "", "Author4 2014"),
        "10.1000/ps.6": ("exclude", "no influences reported", ""),
    }
    result = run(
        "decisions",
        "import",
        str(review / "covidence_included.csv"),
        "--format",
        "covidence",
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(review),
    )
    assert result.exit_code == 1 and "pass --decision include|exclude" in result.stderr


def test_asreview_csv_and_ris(review: Path) -> None:
    report = imported(review, "asreview_labelled.csv", "asreview", "ann")
    # ASReview's own 0-based record_id is not taken for an evidencekit id.
    assert report["matched_by"] == {"id": 0, "doi": 2, "title": 0}
    assert report["skipped"] == [{"row": 4, "why": "not screened in ASReview"}]
    report = imported(review, "asreview_labelled.ris", "asreview", "ann")
    assert report["written"] == 2 and len(report["skipped"]) == 1
    assert stored(review, "ann") == {
        "10.1000/ps.7": ("include", "", ""),
        "10.1000/ps.8": ("exclude", "", ""),
        "10.1000/ps.10": ("include", "", ""),
        "10.1000/ps.11": ("exclude", "", ""),
    }


def test_unknown_format_names_the_known_ones(review: Path) -> None:
    result = run(
        "decisions",
        "import",
        str(review / "rayyan_articles.csv"),
        "--format",
        "distiller",
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(review),
    )
    assert result.exit_code == 1
    assert (
        "unknown decision file format 'distiller'; known: asreview, covidence, csv, rayyan"
        in result.stderr
    )


def test_ambiguous_rows_are_reported(tmp_path: Path) -> None:
    folder = make_screening_review(tmp_path / "r", n=3)
    # A second copy of the records, imported as another source, not de-duplicated: a DOI now
    # names two records that are each their own primary.
    from screening_review import record

    from evidencekit.core.records import import_records

    import_records(open_review(folder), [record(0)], source="Embase")
    (folder / "d.csv").write_text(
        "doi,decision\n10.1000/ps.0,include\n10.1000/ps.1,include\n", encoding="utf-8"
    )
    result = run(
        "decisions",
        "import",
        str(folder / "d.csv"),
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(folder),
    )
    assert result.exit_code == 1
    assert "d.csv row 2: DOI '10.1000/ps.0' matches 2 records" in result.stderr
    result = run(
        "decisions",
        "import",
        str(folder / "d.csv"),
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(folder),
        "--skip-unmatched",
        "--json",
    )
    data = json.loads(result.stdout)
    assert data["written"] == 1 and len(data["ambiguous"][0]["candidates"]) == 2


names = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)


@given(
    votes=st.dictionaries(
        names, st.sampled_from(["Included", "Excluded", "Maybe"]), min_size=1, max_size=4
    ),
    reasons=st.lists(
        st.text(alphabet="abcdefgh ", min_size=1, max_size=15).filter(lambda s: s.strip()),
        max_size=3,
    ),
)
def test_rayyan_notes_round_trip(votes: dict[str, str], reasons: list[str]) -> None:
    inner = ", ".join(f'"{k}"=>"{v}"' for k, v in votes.items())
    notes = f"RAYYAN-INCLUSION: {{{inner}}} | RAYYAN-LABELS: x,y"
    if reasons:
        notes += " | RAYYAN-EXCLUSION-REASONS: " + ",".join(reasons)
    parsed, found = parse_rayyan_notes(notes)
    assert parsed == votes
    assert found == [r.strip() for r in reasons]


cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40)


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["include", "exclude", "maybe", "not-retrieved"]), cell_text, cell_text
        ),
        min_size=1,
        max_size=8,
    )
)
def test_csv_reader_reads_back_what_export_writes(rows) -> None:
    """Any reason or note (commas, quotes, semicolons, non-ASCII) survives the CSV."""
    import csv
    import tempfile

    from evidencekit.core.screening.progress import EXPORT_COLUMNS
    from evidencekit.plugins.screeners.decision_files import CsvDecisions

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(EXPORT_COLUMNS)
            for i, (decision, reason, note) in enumerate(rows):
                writer.writerow(
                    [
                        f"r{i:012x}-1",
                        "title-abstract",
                        "ann",
                        decision,
                        reason,
                        note,
                        "2020-01-01T00:00:00+00:00",
                    ]
                )
        read = CsvDecisions().read_decisions(path, {"reviewer": "ann", "stage": "title-abstract"})
    assert [(r.record_id, r.decision, r.reason, r.note) for r in read] == [
        (f"r{i:012x}-1", d, reason.strip(), note.strip())
        for i, (d, reason, note) in enumerate(rows)
    ]
