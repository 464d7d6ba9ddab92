"""What providers return is checked where the core receives it, naming the plugin."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from evidencekit.core.appraisal import load_context, score_files
from evidencekit.core.errors import EvidencekitError, PipelineError, RecordFormatError
from evidencekit.core.importing import read_records
from evidencekit.core.results import (
    ProviderResultError,
    ScoreResult,
    ValidityResult,
    check_score_result,
    check_validity_result,
)
from evidencekit.core.review import open_review

DATA = Path(__file__).resolve().parents[1] / "data" / "appraisal"
WHO = "appraisal scorer 'x' (local:mine)"


@pytest.mark.parametrize(
    "result,expected",
    [
        ({"grade": "ok", "score": 2, "out_of": 8}, 25.0),
        ({"grade": "ok", "score_percent": 40.0}, 40.0),
        ({"grade": "low risk"}, None),
        (ScoreResult("good", score=3, out_of=4, details={"levels": {}}), 75.0),
    ],
)
def test_well_formed_scores_are_normalised(result, expected):
    out = check_score_result(result, WHO)
    assert out["score_percent"] == expected
    assert out["grade"] == (result.grade if isinstance(result, ScoreResult) else result["grade"])


@pytest.mark.parametrize(
    "result,message",
    [
        (
            {"grade": "ok", "score": 2},
            "returned a malformed score: 'score' without 'out_of', so no "
            "percentage can be computed",
        ),
        ({"grade": "ok", "out_of": 2}, "'out_of' without 'score'"),
        ({"grade": 3}, "'grade' is int, not text or null"),
        ({"grade": "ok", "score_percent": 140}, "'score_percent' is 140, outside 0-100"),
        ({"grade": "ok", "score": "two", "out_of": 3}, "'score' is 'two', not a number"),
        (["ok"], "returned list, not a mapping with a 'grade'"),
    ],
)
def test_malformed_scores_name_the_plugin(result, message):
    with pytest.raises(ProviderResultError) as err:
        check_score_result(result, WHO)
    assert str(err.value).startswith(WHO)
    assert message in str(err.value)


def test_validity_results_need_a_verdict():
    assert check_validity_result(ValidityResult("fine", {"n": 3}), "v") == {
        "n": 3,
        "verdict": "fine",
    }
    with pytest.raises(ProviderResultError, match="^v returned a result without a 'verdict'"):
        check_validity_result({"n": 3}, "v")
    with pytest.raises(ProviderResultError, match="^v returned float, not a mapping"):
        check_validity_result(0.5, "v")


SCORER = """
from evidencekit.core import hookimpl


class HalfScorer:
    name = "half-score"
    description = "returns a score without out_of"
    options_schema = None

    def score(self, checklist, answers, options):
        return {"grade": "ok", "score": 3}


@hookimpl
def evidencekit_appraisal_scorers():
    return [HalfScorer()]
"""


def test_scorer_without_out_of_stops_the_appraisal_naming_the_plugin(tmp_path):
    shutil.copy(DATA / "studies.csv", tmp_path / "studies.csv")
    (tmp_path / "half_scorer.py").write_text(SCORER, "utf-8")
    (tmp_path / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: T\nplugins: [half_scorer]\n"
        "appraisal:\n  studies: studies.csv\n  scorer: half-score\n"
        "  checklists: {qualitative: casp-qualitative, randomised controlled trial: casp-rct}\n",
        "utf-8",
    )
    try:
        with pytest.raises(EvidencekitError) as err:
            score_files(DATA / "answers-valid.csv", load_context(tmp_path))
    finally:
        sys.modules.pop("half_scorer", None)
    assert str(err.value).startswith(
        "appraisal scorer 'half-score' (local:half_scorer) returned a malformed score: 'score' "
        "without 'out_of'"
    )


IMPORTER = '''
from evidencekit.core import hookimpl
from evidencekit.core.model import Record
from evidencekit.core.providers import BaseImporter


class LinesImporter(BaseImporter):
    """One title per line; a line 'BOOM' is a bug in this reader."""

    name = "lines"
    description = "one title per line"

    def sniff(self, head):
        return 0.0

    def _read(self, source, options, cursor):
        for number, line in enumerate(source.text.splitlines(), 1):
            cursor.line, cursor.record = number, number
            if line == "BOOM":
                raise KeyError("title")
            yield Record(title=line)


class Strings(BaseImporter):
    name = "strings"
    description = "yields text, not records"

    def sniff(self, head):
        return 0.0

    def _read(self, source, options, cursor):
        yield "a title"


@hookimpl
def evidencekit_importers():
    return [LinesImporter(), Strings()]
'''


@pytest.fixture
def importer_review(tmp_path):
    (tmp_path / "lines_importer.py").write_text(IMPORTER, "utf-8")
    (tmp_path / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: T\nplugins: [lines_importer]\n", "utf-8"
    )
    yield open_review(tmp_path)
    sys.modules.pop("lines_importer", None)


def test_third_party_importer_inherits_the_record_format_error_contract(importer_review, tmp_path):
    good = tmp_path / "titles.txt"
    good.write_text("One\nTwo\n", "utf-8")
    result = read_records(good, importer_review.registry, format="lines", source_name="s")
    assert [r.title for r in result] == ["One", "Two"]
    bad = tmp_path / "bad.txt"
    bad.write_text("One\nBOOM\n", "utf-8")
    with pytest.raises(RecordFormatError) as err:
        read_records(bad, importer_review.registry, format="lines", source_name="s")
    assert err.value.line == 2
    assert "cannot read record 2 as lines: KeyError: 'title'" in str(err.value)


def test_importer_yielding_something_else_names_the_plugin(importer_review, tmp_path):
    path = tmp_path / "titles.txt"
    path.write_text("One\n", "utf-8")
    with pytest.raises(
        PipelineError,
        match=r"^importer 'strings' \(local:lines_importer\) "
        r"yielded str, not a Record",
    ):
        read_records(path, importer_review.registry, format="strings", source_name="s")
