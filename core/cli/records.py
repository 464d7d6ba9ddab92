"""``evidencekit import`` and ``evidencekit records list|show|export``.

Thin wrappers over :mod:`evidencekit.core.records`: the commands parse options,
call the library, and print. Progress goes to standard error (only on a terminal).
"""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import (
    json_option,
    load_review,
    output_option,
    print_json,
    raw_option,
    review_option,
)
from evidencekit.core.cli.terminal import (  # re-exported: other command groups use them
    cells as cells,
)
from evidencekit.core.cli.terminal import (
    parse_key_values as parse_key_values,
)
from evidencekit.core.cli.terminal import (
    print_table as print_table,
)
from evidencekit.core.cli.terminal import (
    progress_bar as progress_bar,
)
from evidencekit.core.cli.terminal import (
    warn as warn,
)
from evidencekit.core.model import SOURCE_KINDS


def _say_if_new_store(review: Any) -> None:
    """Scripts import into fresh folders, so that still works; but a person who typed the
    wrong folder should know a new store is being started there."""
    from evidencekit.core.store import sqlite_file

    if review.file.exists():
        return
    store = sqlite_file(review)
    if store is not None and not store.exists():
        click.echo(f"note: {review.root} has no review.yaml and no store; starting a new review "
                   f"store there ({store.name}); `evidencekit init DIR` starts a full review",
                   err=True)


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--source", required=True, help='Where the file came from, e.g. "MEDLINE (Ovid)".')
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="database", show_default=True,
              help="What kind of source it is.")
@click.option("--format", "fmt", default=None,
              help="Importer name (see `evidencekit plugins`); default: detected from content.")
@click.option("--date-searched", default=None, help="When the search ran (YYYY-MM-DD).")
@click.option("--option", "raw_options", multiple=True, metavar="KEY=VALUE",
              help="An importer option, e.g. impossible_year=warn or missing_title=error "
                   "(repeatable; VALUE is read as YAML).")
@click.option("--replace", is_flag=True,
              help="Read a file imported before again (e.g. with another --format or "
                   "--option): its earlier records are replaced; run dedupe again after.")
@review_option
@json_option
@output_option
def import_command(files: tuple[str, ...], source: str, kind: str, fmt: str | None,
                   date_searched: str | None, raw_options: tuple[str, ...], replace: bool,
                   review_dir: str, as_json: bool, output: str | None) -> None:
    """Import database export FILE(s) from one source into the review's store.

    The format is detected from the content unless --format is given. All the
    files are imported in one transaction: if one fails, nothing is stored.
    Re-importing a file adds nothing (record ids come from the file's content).
    """
    from evidencekit.core.records import import_files

    review = load_review(review_dir)
    _say_if_new_store(review)
    options = parse_key_values(raw_options, "--option")
    with progress_bar() as progress:
        report = import_files(review, files, source=source, kind=kind, format=fmt,
                              date_searched=date_searched, options=options, progress=progress,
                              replace=replace)
    for message in report.warnings:
        warn(message)
    for f in report.files:
        if f.already_present and f.earlier_sources and f.earlier_sources != [f.source]:
            warn(f"{f.file} was imported before as source {', '.join(f.earlier_sources)}; "
                 "its records keep that source")
    if as_json:
        print_json(report.to_dict(), output)
        return
    from evidencekit.core.io import emit

    lines = []
    for f in report.files:
        enc = f" ({f.encoding})" if f.encoding else ""
        lines.append(f"{f.file}: {f.records} records as {f.format}{enc}: {f.new} new, "
                     f"{f.already_present} already present")
    lines.append(f"{report.new} new records, {report.already_present} already present "
                 f"(source {source!r})")
    emit("\n".join(lines), output)


@click.group()
def records() -> None:
    """List, show and export the records in the review's store."""


@records.command("list")
@click.option("--source", default=None, help="Only records from this source.")
@click.option("--primary", "primary_only", is_flag=True,
              help="Only one record per de-duplicated study (each cluster's primary).")
@click.option("--by-source", is_flag=True,
              help="Counts per source: imported, kept after de-duplication, overlaps.")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="Show at most N records (the count still covers all).")
@review_option
@json_option
@output_option
def list_command(source: str | None, primary_only: bool, by_source: bool, limit: int | None,
                 review_dir: str, as_json: bool, output: str | None) -> None:
    """List the stored records (or, with --by-source, counts per source)."""
    from rich.table import Table

    from evidencekit.core.records import counts_by_source, list_records

    review = load_review(review_dir)
    if by_source:
        counts = counts_by_source(review)
        if as_json:
            print_json(counts, output)
            return
        table = Table(title="Records by source")
        columns = ("source", "kind", "files", "records", "kept", "duplicates_removed",
                   "distinct", "only_here")
        for column in columns:
            table.add_column(column.replace("_", " "),
                             justify="left" if column in ("source", "kind") else "right")
        for row in counts["sources"]:
            table.add_row(*cells(*(row[c] for c in columns)))
        t = counts["totals"]
        table.add_row(*cells("total", "", "", t["records"], t["unique"],
                             t["duplicates_removed"], "", ""), style="bold")
        print_table(table, output)
        _stale_warning(t["unclustered"], t["deduplicated"])
        return
    data = list_records(review, source=source, primary_only=primary_only, limit=limit)
    if as_json:
        print_json(data, output)
        return
    table = Table(title=f"{data['shown']} of {data['count']} records", highlight=False)
    for column in ("record_id", "cluster_id", "primary", "source", "year", "first author",
                   "title"):
        if column == "title":
            table.add_column(column, overflow="fold", ratio=1, min_width=20)
        else:
            table.add_column(column, overflow="ellipsis", no_wrap=True)
    for row in data["records"]:
        table.add_row(*cells(row["record_id"], row["cluster_id"],
                             "yes" if row["is_primary"] else "", row["source"], row["year"],
                             row["first_author"], row["title"]))
    print_table(table, output)
    _stale_warning(data["unclustered"], data["deduplicated"])


def _stale_warning(unclustered: int, deduplicated: bool) -> None:
    if not deduplicated:
        warn("not de-duplicated yet; run `evidencekit dedupe`")
    elif unclustered:
        warn(f"{unclustered} records were imported after the last de-duplication; "
             "run `evidencekit dedupe` again")


@records.command("show")
@click.argument("record_id")
@click.option("--raw", is_flag=True, help="Also print the raw fields as the export had them.")
@review_option
@json_option
@output_option
def show_command(record_id: str, raw: bool, review_dir: str, as_json: bool,
                 output: str | None) -> None:
    """Show one record: its fields, provenance, cluster and duplicate links."""
    from evidencekit.core.io import emit
    from evidencekit.core.records import show_record

    data = show_record(load_review(review_dir), record_id)
    if as_json:
        print_json(data, output)
        return
    lines = [f"record {data['record_id']}"]
    for name in ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi",
                 "pmid", "issn", "isbn", "language", "keywords", "publication_type", "url",
                 "source_key", "abstract"):
        value = data[name]
        if name == "authors":
            value = "; ".join(f"{a['family']}, {a['given']}" if a["given"] else a["family"]
                              for a in value)
        elif isinstance(value, list):
            value = "; ".join(value)
        if value not in (None, ""):
            lines.append(f"  {name}: {value}")
    prov = data["provenance"]
    lines.append(f"  source: {prov['source']} ({prov['kind']}), {prov['file']} record "
                 f"{prov['position']}" + (f" line {prov['line']}" if prov["line"] else "")
                 + f", format {prov['format']}"
                 + (f", searched {prov['date_searched']}" if prov["date_searched"] else ""))
    cluster = data["cluster"]
    lines.append(f"cluster {cluster['cluster_id']} ({len(cluster['members'])} records; this "
                 f"record is {'the primary' if cluster['is_primary'] else 'a duplicate'})")
    for member in cluster["members"]:
        mark = "*" if member["is_primary"] else " "
        lines.append(f"  {mark} {member['record_id']}  {member['source']}: {member['title']}")
    for link in cluster["links"]:
        lines.append(f"  link {link['a']} = {link['b']}: {link['reason']} "
                     f"(score {link['score']:.3f}, {link['method']})")
    if raw:
        lines.append("raw fields:")
        lines.extend(f"  {key}: {value}" for key, value in data["raw"].items())
    emit("\n".join(lines), output)


@records.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "ris", "bibtex"]), default="csv",
              show_default=True, help="Output format.")
@click.option("--all", "all_records", is_flag=True,
              help="Every imported record with its cluster, not one per de-duplicated record.")
@raw_option
@click.option("--require-deduped", is_flag=True,
              help="Refuse to export when records were imported after the last dedupe "
                   "(or none ran), instead of warning.")
@review_option
@json_option
@output_option
def export_command(fmt: str, all_records: bool, raw: bool, require_deduped: bool,
                   review_dir: str, as_json: bool, output: str | None) -> None:
    """Export the records as CSV, RIS or BibTeX.

    By default one entry per de-duplicated record (its cluster's primary, gaps
    filled from the duplicates); with --all every imported record, with the
    columns record_id, cluster_id, is_primary, source, source_key, title,
    authors, year, doi first. CSV cells beginning with =, +, -, @, tab or
    carriage return get a leading ' (spreadsheet formula injection); --raw
    writes them exactly. Records imported after the last dedupe are
    exported as their own entries, with a warning on stderr (an error with
    --require-deduped). With --json one JSON object (format, deduplicated,
    imported_after_dedupe, output, and the exported text as content unless -o
    names a file).
    """
    from evidencekit.core.io import emit
    from evidencekit.core.records import export_records

    state: dict[str, Any] = {}
    text = export_records(load_review(review_dir), fmt, all_records=all_records, raw=raw,
                          state=state,
                          require_deduped=require_deduped)
    if as_json:
        data = {"format": fmt, "deduplicated": state["deduplicated"],
                "imported_after_dedupe": state["unclustered"], "output": output}
        if output is not None and output != "-":
            emit(text, output)
        else:
            data["content"] = text
        print_json(data)
    else:
        emit(text, output)
    _stale_warning(state["unclustered"], state["deduplicated"])
