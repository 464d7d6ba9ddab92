"""``evidencekit import`` and ``evidencekit records list|show|export`` end to end.

The review folders use the test plugin tests/data/plugins/ek_records_fixture.py
(a ``pipe-test`` importer and a ``doi-test`` deduplicator).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rispy
from click.testing import CliRunner
from records_review import EMBASE, MEDLINE, make_review, pipe

from evidencekit.core.cli import cli


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    return make_review(tmp_path / "review")


def count(folder: Path) -> int:
    result = run("records", "list", "--review", str(folder), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["count"]


def test_import_creates_the_store_and_reimport_adds_nothing(review: Path) -> None:
    path = pipe(review, "medline.txt", MEDLINE)
    assert not (review / "evidencekit.sqlite").exists()
    first = run(
        "import",
        str(path),
        "--source",
        "MEDLINE (Ovid)",
        "--date-searched",
        "2020-02-01",
        "--review",
        str(review),
    )
    assert first.exit_code == 0, first.output
    assert (review / "evidencekit.sqlite").exists()
    assert f"{path}: 3 records as pipe-test (UTF-8): 3 new, 0 already present" in first.stdout
    assert first.stdout.rstrip().endswith(
        "3 new records, 0 already present (source 'MEDLINE (Ovid)')"
    )
    again = run("import", str(path), "--source", "MEDLINE (Ovid)", "--review", str(review))
    assert again.exit_code == 0
    assert "0 new records, 3 already present" in again.stdout
    assert count(review) == 3


def test_review_defaults_to_the_current_folder(review: Path, monkeypatch) -> None:
    monkeypatch.chdir(review)
    pipe(review, "m.txt", MEDLINE)
    assert run("import", "m.txt", "--source", "MEDLINE").exit_code == 0
    result = run("records", "list", "--json")
    assert json.loads(result.stdout)["count"] == 3


def test_import_json_is_one_object(review: Path) -> None:
    path = pipe(review, "m.txt", MEDLINE)
    result = run("import", str(path), "--source", "MEDLINE", "--review", str(review), "--json")
    data = json.loads(result.stdout)
    assert (data["new"], data["already_present"]) == (3, 0)
    assert data["files"][0]["format"] == "pipe-test"


def test_import_report_goes_to_a_file_with_o(review: Path, tmp_path: Path) -> None:
    path = pipe(review, "m.txt", MEDLINE)
    out = tmp_path / "import.json"
    result = run(
        "import",
        str(path),
        "--source",
        "MEDLINE",
        "--review",
        str(review),
        "--json",
        "-o",
        str(out),
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["new"] == 3
    text = tmp_path / "import.txt"
    again = run(
        "import", str(path), "--source", "MEDLINE", "--review", str(review), "-o", str(text)
    )
    assert again.stdout == ""
    assert text.read_text(encoding="utf-8").endswith(
        "0 new records, 3 already present (source 'MEDLINE')\n"
    )


def test_malformed_file_is_one_line_error_and_store_unchanged(review: Path) -> None:
    assert (
        run(
            "import",
            str(pipe(review, "m.txt", MEDLINE)),
            "--source",
            "MEDLINE",
            "--review",
            str(review),
        ).exit_code
        == 0
    )
    before = (review / "evidencekit.sqlite").read_bytes()
    good = pipe(review, "good.txt", EMBASE)
    bad = pipe(review, "bad.txt", ["Fine|2001|10.1/x|A, B", "broken line"])
    result = run("import", str(good), str(bad), "--source", "Embase", "--review", str(review))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {bad}:3: expected 4 fields title|year|doi|authors, found 1"
    ]
    assert "Traceback" not in result.output
    assert count(review) == 3
    assert (review / "evidencekit.sqlite").read_bytes() == before or count(review) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date-searched", "yesterday"], "error: date searched 'yesterday' is not a date"),
        (["--format", "nope"], "error: unknown importer 'nope'; known: "),
    ],
)
def test_bad_options(review: Path, args: list[str], message: str) -> None:
    path = pipe(review, "m.txt", MEDLINE)
    result = run("import", str(path), "--source", "MEDLINE", "--review", str(review), *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert not (review / "evidencekit.sqlite").exists()


def test_unknown_kind_is_a_usage_error(review: Path) -> None:
    result = run(
        "import",
        str(pipe(review, "m.txt", MEDLINE)),
        "--source",
        "M",
        "--kind",
        "blog",
        "--review",
        str(review),
    )
    assert result.exit_code == 2
    assert "'blog' is not one of" in result.stderr


def test_missing_file(review: Path) -> None:
    result = run("import", str(review / "nothing.ris"), "--source", "M", "--review", str(review))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {review / 'nothing.ris'}: no such file")


def test_record_without_title_warns_or_is_refused(tmp_path: Path) -> None:
    folder = make_review(tmp_path / "a")
    path = pipe(folder, "m.txt", [*MEDLINE, "|2001|10.1/x|A, B"])
    result = run("import", str(path), "--source", "M", "--review", str(folder))
    assert result.exit_code == 0
    assert f"warning: {path}:5: record 4 (id L5) has no title" in result.stderr
    strict = make_review(tmp_path / "b", "import:\n  require_title: true\n")
    path = pipe(strict, "m.txt", [*MEDLINE, "|2001|10.1/x|A, B"])
    result = run("import", str(path), "--source", "M", "--review", str(strict))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}:5: record 4 (id L5) has no title")
    assert not (strict / "evidencekit.sqlite").exists()


def test_records_commands_without_a_store(review: Path) -> None:
    result = run("records", "list", "--review", str(review))
    assert result.exit_code == 1
    assert "no store at" in result.stderr and "evidencekit import" in result.stderr


def _two_sources(review: Path) -> None:
    for name, lines, source in (("m.txt", MEDLINE, "MEDLINE"), ("e.txt", EMBASE, "Embase")):
        result = run(
            "import", str(pipe(review, name, lines)), "--source", source, "--review", str(review)
        )
        assert result.exit_code == 0, result.output


def test_records_list_table_and_by_source(review: Path) -> None:
    _two_sources(review)
    table = run("records", "list", "--review", str(review))
    assert table.exit_code == 0
    assert "6 of 6 records" in table.stdout and "Peer workers and recovery" in table.stdout
    assert "not de-duplicated yet" in table.stderr
    assert run("dedupe", "--review", str(review)).exit_code == 0
    counts = json.loads(
        run("records", "list", "--by-source", "--json", "--review", str(review)).stdout
    )
    assert counts["totals"]["duplicates_removed"] == 1
    assert {r["source"]: r["kept"] for r in counts["sources"]} == {"MEDLINE": 3, "Embase": 2}
    text = run("records", "list", "--by-source", "--review", str(review))
    assert "Records by source" in text.stdout and "Embase" in text.stdout
    primaries = json.loads(
        run(
            "records", "list", "--primary", "--json", "--limit", "2", "--review", str(review)
        ).stdout
    )
    assert (primaries["count"], primaries["shown"]) == (5, 2)
    only = json.loads(
        run("records", "list", "--source", "Embase", "--json", "--review", str(review)).stdout
    )
    assert {r["source"] for r in only["records"]} == {"Embase"}


def test_records_show(review: Path) -> None:
    _two_sources(review)
    run("dedupe", "--review", str(review))
    records = json.loads(run("records", "list", "--json", "--review", str(review)).stdout)
    first = records["records"][0]["record_id"]
    shown = run("records", "show", first, "--raw", "--review", str(review))
    assert shown.exit_code == 0
    assert shown.stdout.splitlines()[0] == f"record {first}"
    assert "  title: Peer support in mental health" in shown.stdout
    assert "  authors: Smith, Jane; Jones, Ann" in shown.stdout
    assert "this record is the primary" in shown.stdout
    assert "link " in shown.stdout and ": doi (score 1.000, doi-test)" in shown.stdout
    data = json.loads(run("records", "show", first, "--json", "--review", str(review)).stdout)
    assert data["cluster"]["is_primary"] is True and len(data["cluster"]["members"]) == 2
    missing = run("records", "show", "nope", "--review", str(review))
    assert missing.exit_code == 1 and "no record 'nope'" in missing.stderr


def test_records_export_formats(review: Path, tmp_path: Path) -> None:
    _two_sources(review)
    run("dedupe", "--review", str(review))
    out = tmp_path / "all.csv"
    result = run(
        "records", "export", "--format", "csv", "--all", "-o", str(out), "--review", str(review)
    )
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 6 and len({r["cluster_id"] for r in rows}) == 5
    assert list(rows[0])[:9] == [
        "record_id",
        "cluster_id",
        "is_primary",
        "source",
        "source_key",
        "title",
        "authors",
        "year",
        "doi",
    ]
    merged = run("records", "export", "--review", str(review))  # csv by default
    assert len(list(csv.DictReader(io.StringIO(merged.stdout)))) == 5
    ris = run("records", "export", "--format", "ris", "--review", str(review))
    entries = rispy.loads(ris.stdout)
    assert len(entries) == 5
    merged_a = next(e for e in entries if e.get("doi") == "10.1/a")
    assert merged_a["name_of_database"] == "MEDLINE"  # rispy keeps the first DB line
    bib = run("records", "export", "--format", "bibtex", "--all", "--review", str(review))
    assert bib.stdout.count("@article{") == 6
    bad = run("records", "export", "--format", "xml", "--review", str(review))
    assert bad.exit_code == 2


def test_store_on_postgresql_through_the_cli(tmp_path: Path, postgres) -> None:
    folder = make_review(tmp_path / "pg", f"store: {postgres.new_database()}\n")
    _two_sources(folder)
    result = run("dedupe", "--review", str(folder), "--json")
    assert json.loads(result.stdout)["unique"] == 5
    assert count(folder) == 6
    assert not (folder / "evidencekit.sqlite").exists()


def test_record_text_is_shown_verbatim_not_as_markup(review: Path) -> None:
    title = "Effects of [bold]peer[/bold] support [/] on [x] recovery"
    path = pipe(review, "m.txt", [f"{title}|2019|10.1/z|Smith, J"])
    assert (
        run("import", str(path), "--source", "[red]S[/red]", "--review", str(review)).exit_code == 0
    )
    listed = run("records", "list", "--review", str(review))
    assert listed.exit_code == 0
    assert title in listed.stdout and "[red]S[/red]" in listed.stdout
    by_source = run("records", "list", "--by-source", "--review", str(review))
    assert "[red]S[/red]" in by_source.stdout


def test_importer_options_from_the_command_line(review: Path) -> None:
    data = review / "years.csv"
    data.write_text('title,year\n"A study",3024\n"Another study",2001\n', "utf-8")
    refused = run("import", str(data), "--source", "X", "--review", str(review))
    assert refused.exit_code == 1
    assert "years.csv:2: record 1 (id 1): the year 3024 is impossible" in refused.output
    kept = run(
        "import",
        str(data),
        "--source",
        "X",
        "--review",
        str(review),
        "--option",
        "impossible_year=warn",
        "--json",
    )
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.stdout)["new"] == 2
    bad = run("import", str(data), "--source", "X", "--review", str(review), "--option", "oops")
    assert bad.exit_code == 1
    assert "--option 'oops': write it as KEY=VALUE" in bad.output


def test_progress_bars_on_a_terminal_only(monkeypatch) -> None:
    from rich.console import Console

    from evidencekit.core.cli.records import progress_bar

    with progress_bar() as progress:  # tests do not run on a terminal: no bar
        assert progress is None
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    with progress_bar() as progress:
        assert callable(progress)
        progress("reading files", 0, 2)
        progress("reading files", 2, 2)
        progress("finding duplicates", 0, None)


def test_export_says_when_records_came_after_the_last_dedupe(review: Path, tmp_path: Path) -> None:
    """Issue 13: an export after a new import no longer mixes un-de-duplicated records in
    silently: a warning on stderr, a --json field, and an error with --require-deduped."""
    medline = pipe(review, "medline.txt", MEDLINE)
    imported = run("import", str(medline), "--source", "MEDLINE", "--review", str(review))
    assert imported.exit_code == 0
    never = run("records", "export", "--json", "--review", str(review))
    assert never.exit_code == 0
    assert json.loads(never.stdout)["deduplicated"] is False
    assert "not de-duplicated yet" in never.stderr
    refused = run("records", "export", "--require-deduped", "--review", str(review))
    assert refused.exit_code == 1 and "never de-duplicated" in refused.stderr
    assert run("dedupe", "--review", str(review)).exit_code == 0
    clean = run("records", "export", "--json", "--review", str(review))
    data = json.loads(clean.stdout)
    assert (data["deduplicated"], data["imported_after_dedupe"]) == (True, 0)
    assert len(list(csv.DictReader(io.StringIO(data["content"])))) == 3
    assert clean.stderr == ""
    embase = pipe(review, "embase.txt", EMBASE)
    assert run("import", str(embase), "--source", "Embase", "--review", str(review)).exit_code == 0
    out = tmp_path / "out.csv"
    mixed = run("records", "export", "--json", "-o", str(out), "--review", str(review))
    assert mixed.exit_code == 0
    assert json.loads(mixed.stdout)["imported_after_dedupe"] == 3
    assert "3 records were imported after the last de-duplication" in mixed.stderr
    assert len(list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))) == 6
    blocked = tmp_path / "blocked.csv"
    strict = run(
        "records", "export", "--require-deduped", "-o", str(blocked), "--review", str(review)
    )
    assert strict.exit_code == 1
    assert strict.stderr.startswith("error: 3 records were imported after the last")
    assert not blocked.exists()  # nothing half-written


def test_reimport_with_another_format_or_option_is_refused_then_replaced(review: Path) -> None:
    """A changed --format/--option on a file already imported would be ignored: say so,
    and --replace reads the file again."""
    path = pipe(review, "medline.txt", MEDLINE)
    args = ("--source", "MEDLINE", "--review", str(review))
    assert run("import", str(path), *args).exit_code == 0
    assert run("import", str(path), "--format", "pipe-test", *args).exit_code == 0  # unchanged
    other = run("import", str(path), "--format", "ris", *args)
    assert other.exit_code == 1
    assert "already imported; --format ris (it was read as pipe-test)" in other.stderr
    assert "--replace" in other.stderr
    option = run("import", str(path), "--option", "missing_title=error", *args)
    assert option.exit_code == 1
    assert "options missing_title=error (it was read with none)" in option.stderr
    assert count(review) == 3
    run("dedupe", "--review", str(review))
    replaced = run("import", str(path), "--option", "missing_title=error", "--replace", *args)
    assert replaced.exit_code == 0, replaced.output
    assert "3 new records, 0 already present" in replaced.stdout
    assert count(review) == 3
    again = run("import", str(path), "--option", "missing_title=error", *args)
    assert again.exit_code == 0 and "0 new records, 3 already present" in again.stdout
    # the replaced records are new to the last dedupe: export says so
    exported = run("records", "export", "--json", "--review", str(review))
    assert json.loads(exported.stdout)["imported_after_dedupe"] == 3
