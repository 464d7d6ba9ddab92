"""Appraisal answers: reading, validation messages, consensus, scoring, counts, agreement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.appraisal import (
    AnswersInvalid,
    Settings,
    load_context,
    quality_table,
    read_answers,
    score_files,
    table_csv,
)
from evidencekit.core.errors import EvidencekitError, RecordFormatError

DATA = Path(__file__).resolve().parents[1] / "data" / "appraisal"

MAPPING = """\
kind: review
id: appraisal-test
version: "1"
title: Appraisal test review
appraisal:
  studies: studies.csv
  checklists:
    qualitative: casp-qualitative
    randomised controlled trial: [casp-rct, rob2-parallel]
    cohort: casp-cohort
    case-control: [casp-case-control, rob2-parallel]
{extra}"""


@pytest.fixture
def review(tmp_path) -> Path:
    """A review folder with studies.csv and the design → checklist mapping."""

    def make(extra: str = "") -> Path:
        root = tmp_path / "review"
        root.mkdir(exist_ok=True)
        shutil.copy(DATA / "studies.csv", root / "studies.csv")
        (root / "review.yaml").write_text(MAPPING.format(extra=extra), "utf-8")
        return root

    return make


def test_valid_answers_hand_computed(review):
    ctx = load_context(review())
    report = score_files(DATA / "answers-valid.csv", ctx)
    by_id = {s.study_id: s for s in report.studies}
    # smith2010: yes to q1 q2 q3 q5 q7 q9 = 6 of 9 scored → 66.7 % good
    assert by_id["smith2010"].score_percent == pytest.approx(600 / 9)
    assert by_id["smith2010"].grade == "good"
    assert by_id["smith2010"].answers["q4"] == "cant_tell"  # label "Can't tell" → its code
    assert by_id["smith2010"].details["notes"] == {"q4": "recruitment unclear"}
    # jones2012: yes to q1 q2 q5 q9 = 4 of 9 → 44.4 % poor (q7, q8 free text, unscored)
    assert by_id["jones2012"].score_percent == pytest.approx(400 / 9)
    assert by_id["jones2012"].grade == "poor"
    assert report.grades == {"good": 1, "poor": 1}
    assert report.by_design == {
        "qualitative": {"good": 1},
        "randomised controlled trial": {"poor": 1},
    }
    # cross-sectional has no checklist in the mapping; three studies not appraised
    assert report.no_checklist == [{"study_id": "diaz2017", "design": "cross-sectional"}]
    assert report.not_appraised == ["lee2015", "khan2016", "diaz2017"]


def test_extra_columns_are_kept():
    rows = read_answers(DATA / "answers-valid.csv")
    assert rows[0].extra == {"page": "3"}
    assert rows[0].row == 2 and rows[0].file.endswith("answers-valid.csv")


def test_every_problem_names_file_row_item_value_and_allowed(review):
    ctx = load_context(review())
    with pytest.raises(AnswersInvalid) as caught:
        score_files(DATA / "answers-bad.csv", ctx)
    problems = caught.value.problems
    text = [str(p) for p in problems]
    name = str(DATA / "answers-bad.csv")
    assert all(t.startswith(name) for t in text)
    by_row = {p.row: p for p in problems if p.row is not None}
    bad_code = by_row[3]
    assert (bad_code.study_id, bad_code.item, bad_code.value) == ("smith2010", "q2", "maybe")
    assert "yes (Yes)" in bad_code.allowed and "cant_tell (Can't tell)" in bad_code.allowed
    duplicate = by_row[5]
    assert "second answer from the same reviewer (first at row 4)" in duplicate.message
    assert by_row[12].item is None and by_row[12].value == "q42"
    assert "q1, q2" in by_row[12].allowed
    assert by_row[13].message.startswith("unknown study") and by_row[13].value == "nobody2000"
    assert "maps design 'cohort' to casp-cohort" in by_row[22].message
    assert by_row[23].message.startswith("unknown checklist")
    assert by_row[23].value == "casp-cohrt" and "casp-cohort" in by_row[23].allowed
    missing = [p for p in problems if p.row is None]
    assert len(missing) == 1
    assert (missing[0].study_id, missing[0].item) == ("jones2012", "q11")
    assert "rows 14-21" in str(missing[0]) and "no answer row" in missing[0].message
    # the invalid q2 answer is reported once, not a second time as "missing"
    assert not any(p.item == "q2" and p.row is None for p in problems)
    assert len(problems) == 7


def test_skip_invalid_scores_the_rest_and_lists_the_skipped(review):
    ctx = load_context(review())
    report = score_files(DATA / "answers-bad.csv", ctx, skip_invalid=True)
    # smith2010 has an invalid and a duplicate row, jones2012 misses q11: both skipped.
    assert report.studies == []
    assert len(report.skipped) == 8
    assert any(p.study_id == "jones2012" and p.item == "q11" for p in report.skipped)
    # the valid rows of smith2010's appraisal are listed too: nothing is left out silently
    (whole,) = [p for p in report.skipped if "scored whole" in p.message]
    assert (whole.study_id, whole.reviewer) == ("smith2010", "ni")
    assert whole.rows == [2, 4, 6, 7, 8, 9, 10, 11]
    assert "(rows 2, 4, 6-11)" in str(whole)
    listed = {p.row for p in report.skipped} | {r for p in report.skipped for r in p.rows}
    assert listed >= set(range(2, 23)) - {13}  # every data row but nobody2000's is named...
    assert 13 in listed  # ...and that one by its own problem


def test_skip_invalid_keeps_complete_appraisals(review, tmp_path):
    bad = tmp_path / "mixed.csv"
    lines = (DATA / "answers-valid.csv").read_text("utf-8").splitlines()
    lines.append("smith2010,casp-qualitative,q99,yes,ni,,")
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    ctx = load_context(review())
    report = score_files(bad, ctx, skip_invalid=True)
    assert sorted(s.study_id for s in report.studies) == ["jones2012", "smith2010"]
    assert [p.row for p in report.skipped] == [len(lines)]


def test_yaml_answers_for_rob2(review):
    ctx = load_context(review())
    report = score_files(DATA / "rob2-answers.yaml", ctx)
    by_id = {s.study_id: s for s in report.studies}
    jones = by_id["jones2012"].details["domains"]
    assert [jones[d]["judgement"] for d in ("d1", "d2", "d3", "d4", "d5")] == [
        "low",
        "low",
        "some-concerns",
        "some-concerns",
        "some-concerns",
    ]
    assert by_id["jones2012"].grade == "some-concerns"
    assert by_id["jones2012"].details["flags"]  # three domains with some concerns
    assert by_id["jones2012"].details["notes"] == {"3.4": "dropouts similar in both arms"}
    assert by_id["khan2016"].grade == "high"  # allocation not concealed
    assert by_id["khan2016"].score_percent is None


def test_yaml_answer_errors_name_the_line(review, tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(
        "study_id: jones2012\nchecklist: rob2-parallel\nreviewer: ni\nanswers:\n  '1.1': maybe\n",
        "utf-8",
    )
    ctx = load_context(review())
    with pytest.raises(AnswersInvalid) as caught:
        score_files(path, ctx)
    first = caught.value.problems[0]
    assert (first.row, first.item, first.value) == (5, "1.1", "maybe")
    path.write_text("study_id: [unclosed\n", "utf-8")
    with pytest.raises(RecordFormatError, match=r"one.yaml:\d+: YAML syntax error"):
        read_answers(path)


def test_missing_columns_and_empty_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("study,checklist,item\ns1,casp-rct,q1\n", "utf-8")
    with pytest.raises(RecordFormatError, match=r"a.csv:1: .*lacks column\(s\) study_id, answer"):
        read_answers(path)
    path.write_text("", "utf-8")
    with pytest.raises(RecordFormatError, match="empty"):
        read_answers(path)
    with pytest.raises(RecordFormatError, match="no such answers file"):
        read_answers(tmp_path / "missing.csv")


def test_checklist_filled_from_the_design_mapping(review, tmp_path):
    path = tmp_path / "no-checklist.csv"
    rows = ["study_id,checklist,item,answer"] + [f"smith2010,,q{i},yes" for i in range(1, 10)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    report = score_files(path, load_context(review()))
    assert report.studies[0].checklist == "casp-qualitative"
    assert report.studies[0].score_percent == 100.0


def test_consensus_rows_win_and_agreement_is_reported(review):
    ctx = load_context(review())
    report = score_files(DATA / "answers-dual.csv", ctx)
    by_id = {s.study_id: s for s in report.studies}
    smith = by_id["smith2010"]
    assert smith.resolution == "consensus" and smith.reviewers == ["ni", "dt", "consensus"]
    # consensus: yes to q1 q2 q3 q4 q7 q9 → 6/9 good; ni alone 7/9 good; dt 6/9 good
    assert smith.grade == "good" and smith.score_percent == pytest.approx(600 / 9)
    assert smith.reviewer_grades == {"ni": "good", "dt": "good", "consensus": "good"}
    jones = by_id["jones2012"]
    assert jones.resolution == "agreed"  # the two reviewers agree on every item
    pair = report.agreement["pairs"][0]
    assert pair["reviewers"] == ["dt", "ni"] and pair["studies"] == 2
    # 9 + 9 items compared (free-text items excluded); disagreements: q3, q6, q8 of smith2010
    assert pair["n"] == 18 and pair["agreed"] == 15
    assert pair["percent"] == pytest.approx(100 * 15 / 18)
    assert {d["item"] for d in pair["disagreements"]} == {"q3", "q6", "q8"}
    assert pair["kappa"] is not None


def test_unresolved_disagreement_is_a_problem(review, tmp_path):
    path = tmp_path / "dual.csv"
    lines = [
        line
        for line in (DATA / "answers-dual.csv").read_text("utf-8").splitlines()
        if ",consensus" not in line
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(AnswersInvalid) as caught:
        score_files(path, load_context(review()))
    (problem,) = caught.value.problems
    assert problem.study_id == "smith2010"
    assert "item q3: ni 'yes', dt 'cant_tell'" in problem.message
    assert "'consensus'" in problem.message


@pytest.mark.parametrize(
    "consensus,expected",
    [
        ("{method: primary, reviewer: dt}", ("primary", 600 / 9)),
        ("{method: conservative}", ("conservative", 500 / 9)),
    ],
)
def test_other_consensus_rules(review, tmp_path, consensus, expected):
    path = tmp_path / "dual.csv"
    lines = [
        line
        for line in (DATA / "answers-dual.csv").read_text("utf-8").splitlines()
        if ",consensus" not in line
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    root = review(f"  consensus: {consensus}\n")
    report = score_files(path, load_context(root))
    smith = next(s for s in report.studies if s.study_id == "smith2010")
    # conservative: the least favourable answer per item → yes to q1 q2 q4 q7 q9 = 5/9
    assert (smith.resolution, smith.score_percent) == pytest.approx(expected)


def test_review_settings_are_checked():
    with pytest.raises(EvidencekitError, match=r"\$\.appraisal\.consensus\.method"):
        Settings.from_mapping({"consensus": {"method": "vote"}})
    with pytest.raises(EvidencekitError, match="'primary' needs 'reviewer'"):
        Settings.from_mapping({"consensus": {"method": "primary"}})
    settings = Settings.from_mapping(
        {
            "bands": {"good": 70, "fair": 50, "poor": 0},
            "checklists": {"Randomised Controlled Trial": "casp-rct"},
        }
    )
    assert settings.bands[0] == {"grade": "good", "min_percent": 70.0}
    assert settings.checklists_for("randomised-controlled trial") == ["casp-rct"]


def test_review_bands_override_percentage_scorers_only(review):
    root = review("  bands: {good: 70, fair: 50, poor: 0}\n")
    ctx = load_context(root)
    report = score_files([DATA / "answers-valid.csv", DATA / "rob2-answers.yaml"], ctx)
    grades = {(s.study_id, s.checklist): s.grade for s in report.studies}
    assert grades[("smith2010", "casp-qualitative")] == "fair"  # 66.7 % < 70
    assert grades[("jones2012", "rob2-parallel")] == "some-concerns"  # RoB 2 unaffected
    assert report.grades == {"fair": 1, "poor": 1, "some-concerns": 1, "high": 1}


def test_review_file_path_or_folder(review, tmp_path):
    root = review()
    by_file = load_context(review_file=root / "review.yaml")
    by_dir = load_context(review_file=root)
    assert by_file.review.root == by_dir.review.root == root
    other = tmp_path / "other.yaml"
    other.write_text("kind: review\n", "utf-8")
    with pytest.raises(EvidencekitError, match="must be called review.yaml"):
        load_context(review_file=other)


def test_quality_table(review):
    report = score_files(DATA / "answers-valid.csv", load_context(review()))
    header, rows = quality_table(report)
    assert header[:4] == ["study_id", "label", "checklist", "design"]
    assert sorted(report.checklists) == ["casp-qualitative", "casp-rct"]
    # checklists never share a column, and items keep their order (q10 after q9, not q1)
    qual = [h for h in header if h.startswith("casp-qualitative:")]
    rct = [h for h in header if h.startswith("casp-rct:")]
    # casp-qualitative's q10 ("how valuable is the research?") is free text
    assert qual == [f"casp-qualitative:q{n}" for n in range(1, 10)]
    # casp-rct's q7 and q8 are free-text questions (no answer to tabulate)
    assert rct == [f"casp-rct:q{n}" for n in (1, 2, 3, 4, 5, 6, 9, 10, 11)]
    assert rows[1]["study_id"] == "smith2010"
    checklist = rows[1]["checklist"]
    assert rows[1][f"{checklist}:q4"] == "cant_tell"
    other = "casp-rct" if checklist == "casp-qualitative" else "casp-qualitative"
    assert all(rows[1][h] == "" for h in header if h.startswith(other + ":"))
    assert rows[1]["score_percent"] == "66.7" and rows[1]["grade"] == "good"
    assert (
        table_csv(report)
        .splitlines()[0]
        .startswith("study_id,label,checklist,design,casp-qualitative:q1,casp-qualitative:q2,")
    )


@settings(max_examples=40, deadline=None)
@given(
    notes=st.lists(
        st.text(
            alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n,;\t"'),
            max_size=30,
        ),
        min_size=9,
        max_size=9,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_answers_csv_round_trip(tmp_path_factory, notes, encoding, delimiter):
    """Any note text (quotes, delimiters, line breaks) in any accepted encoding reads back."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["study_id", "checklist", "item", "answer", "reviewer", "note"])
    for i, note in enumerate(notes, start=1):
        writer.writerow(["s1", "casp-qualitative", f"q{i}", "yes", "r", note])
    path = tmp_path_factory.mktemp("rt") / "answers.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    rows = read_answers(path)
    assert [r.item for r in rows] == [f"q{i}" for i in range(1, 10)]
    assert [r.note for r in rows] == [n.strip() for n in notes]


# ------------------------------------------------------------------ consensus on disputed items


def _dual_without_consensus() -> list[str]:
    return [
        line
        for line in (DATA / "answers-dual.csv").read_text("utf-8").splitlines()
        if ",consensus" not in line
    ]


def test_consensus_rows_may_settle_only_the_disputed_items(review, tmp_path):
    # ni and dt disagree on q3, q6 and q8 of smith2010; consensus rows for those three only
    lines = _dual_without_consensus() + [
        "smith2010,casp-qualitative,q3,yes,consensus",
        "smith2010,casp-qualitative,q6,no,consensus",
        "smith2010,casp-qualitative,q8,no,consensus",
    ]
    path = tmp_path / "dual.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = score_files(path, load_context(review()))
    smith = next(s for s in report.studies if s.study_id == "smith2010")
    # the same answers as the full consensus of answers-dual.csv: 6/9
    assert smith.resolution == "consensus"
    assert smith.score_percent == pytest.approx(600 / 9)
    assert smith.answers["q6"] == "no" and smith.answers["q5"] == "no"
    # consensus rows on three items have no grade of their own
    assert smith.reviewer_grades == {"ni": "good", "dt": "good"}


def test_consensus_rows_also_settle_items_under_the_conservative_rule(review, tmp_path):
    lines = _dual_without_consensus() + ["smith2010,casp-qualitative,q3,yes,consensus"]
    path = tmp_path / "dual.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = score_files(path, load_context(review("  consensus: {method: conservative}\n")))
    smith = next(s for s in report.studies if s.study_id == "smith2010")
    # q3 by consensus (yes); q6 and q8 least favourable (no): yes to q1 q2 q3 q4 q7 q9
    assert (smith.resolution, smith.answers["q3"]) == ("consensus", "yes")
    assert smith.score_percent == pytest.approx(600 / 9)


def test_partial_consensus_left_alone_is_not_scored(review, tmp_path):
    # both raters' appraisals are invalid, so only three consensus rows remain
    lines = [
        line.replace("q1,yes,ni", "q1,maybe,ni").replace("q1,yes,dt", "q1,maybe,dt")
        for line in _dual_without_consensus()
    ]
    lines += [
        "smith2010,casp-qualitative,q3,yes,consensus",
        "smith2010,casp-qualitative,q6,no,consensus",
    ]
    path = tmp_path / "dual.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = score_files(path, load_context(review()), skip_invalid=True)
    assert "smith2010" not in {s.study_id for s in report.studies}
    missing = [p for p in report.skipped if p.message.startswith("after consensus")]
    assert {p.item for p in missing} == {"q1", "q2", "q4", "q5", "q7", "q8", "q9"}
    assert all(p.study_id == "smith2010" for p in missing)


def test_free_text_answers_are_never_disputed(review, tmp_path):
    rows = ["study_id,checklist,item,answer,reviewer"]
    for reviewer, text in (("ni", "useful for UK services"), ("dt", "limited value")):
        rows += [f"smith2010,casp-qualitative,q{i},yes,{reviewer}" for i in range(1, 10)]
        rows.append(f"smith2010,casp-qualitative,q10,{text},{reviewer}")
    path = tmp_path / "dual.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    report = score_files(path, load_context(review()))
    (smith,) = report.studies
    assert smith.resolution == "agreed" and smith.score_percent == 100.0
    assert smith.answers["q10"] == "ni: useful for UK services | dt: limited value"
    assert report.agreement["pairs"][0]["n"] == 9  # free text is not compared


def test_one_row_is_named_as_a_row():
    from evidencekit.core.appraisal import Problem

    assert str(Problem("m", file="a.csv", rows=[26])).startswith("a.csv (row 26):")
    assert str(Problem("m", file="a.csv", rows=[3, 4, 5, 9])).startswith("a.csv (rows 3-5, 9):")


@settings(deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".yaml"]))
def test_any_bytes_give_answers_or_a_located_error(tmp_path_factory, data, suffix):
    """An answers file of any content is read or refused with a RecordFormatError naming
    the file; never another exception (which the CLI would show as a traceback)."""
    path = tmp_path_factory.mktemp("fuzz") / f"answers{suffix}"
    path.write_bytes(data)
    try:
        rows = read_answers(path)
    except RecordFormatError as exc:
        assert str(path) in str(exc)
    else:
        assert all(r.file == str(path) for r in rows)


@pytest.mark.parametrize(
    "extra,message",
    [
        (
            "  bands: {good: 60, fair: 45}\n",
            "with the bands the review sets (appraisal.bands or appraisal.overrides): the lowest "
            "grade band starts at 45%",
        ),
        ("  bands: {good: high}\n", "$.appraisal.bands: 'high' is not of type 'number'"),
        (
            "  scorer: nope\n",
            "review.yaml: appraisal.scorer: unknown appraisal-scorer 'nope'; "
            "known: domain-judgement, percentage-bands",
        ),
        (
            "  overrides: {casp-qualitative: {scorer: nah}}\n",
            "appraisal.overrides.casp-qualitative.scorer: unknown appraisal-scorer 'nah'",
        ),
        ("  options: {denominator: 0}\n", "checklist casp-qualitative@2018: invalid options"),
    ],
)
def test_review_configuration_errors_are_raised_once_and_say_where(review, extra, message):
    """A wrong scorer, bands or options is the review's mistake, not the answers': one
    error naming review.yaml, even with skip_invalid (which must not skip every study)."""
    with pytest.raises(EvidencekitError) as caught:
        score_files(DATA / "answers-valid.csv", load_context(review(extra)), skip_invalid=True)
    assert not isinstance(caught.value, AnswersInvalid)
    assert message in str(caught.value)
