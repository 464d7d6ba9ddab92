"""Hand-edited CSV tables (answers, coded influences, studies.csv): quoting mistakes are
errors naming the line, never rows silently swallowed."""

from __future__ import annotations

import pytest

from evidencekit.core.csvfile import read_table
from evidencekit.core.errors import RecordFormatError


def test_an_unclosed_quote_is_an_error_at_the_row_it_opens(tmp_path):
    path = tmp_path / "answers.csv"
    # without strict quoting, the open quote on line 3 would swallow lines 4-5 into one value
    path.write_text('study_id,item,answer\nS1,q1,yes\nS1,q2,"yes\nS1,q3,no\nS1,q4,no\n', "utf-8")
    with pytest.raises(RecordFormatError) as caught:
        read_table(path, what="answers file")
    assert caught.value.line == 3
    assert "never closed" in str(caught.value) and str(path) in str(caught.value)


def test_text_after_a_closing_quote_is_an_error(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text('study_id;item;answer\nS1;q1;"yes" I think\n', "utf-8")
    with pytest.raises(RecordFormatError, match="text follows a closing quote") as caught:
        read_table(path)
    assert caught.value.line == 2


def test_doubled_quotes_and_quoted_line_breaks_are_read(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text('study_id,note\nS1,"say ""yes""\nthen stop"\nS2,plain\n', "utf-8")
    table = read_table(path)
    assert [r["note"] for r in table.rows] == ['say "yes"\nthen stop', "plain"]
    assert table.lines == [2, 4]


def test_header_line_and_empty_file(tmp_path):
    path = tmp_path / "studies.csv"
    path.write_text("\n\nstudy_id,design\nS1,cohort\n", "utf-8")
    table = read_table(path)
    assert (table.header_line, table.lines) == (3, [4])
    empty = tmp_path / "empty.csv"
    empty.write_text("", "utf-8")
    with pytest.raises(RecordFormatError, match="expected an answers file with a header row"):
        read_table(empty, what="answers file")
