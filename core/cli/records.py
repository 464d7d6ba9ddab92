"""``evidencekit records list|show|export`` (``evidencekit import`` is in ``import_files.py``).

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


@click.group()
def records() -> None:
    """List, show and export the records in the review's store."""


@records.command("list")
@click.option("--source", default=None, help="Only records from this source.")
@click.option(
    "--primary",
    "primary_only",
    is_flag=True,
    help="Only one record per de-duplicated study (each cluster's primary).",
)
@click.option(
    "--by-source",
    is_flag=True,
    help="Counts per source: imported, kept after de-duplication, overlaps.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Show at most N records (the count still covers all).",
)
@review_option
@json_option
@output_option
def list_command(
    source: str | None,
    primary_only: bool,
    by_source: bool,
    limit: int | None,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
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
        columns = (
            "source",
            "kind",
            "files",
            "records",
            "kept",
            "duplicates_removed",
            "distinct",
            "only_here",
        )
        for column in columns:
            table.add_column(
                column.replace("_", " "),
                justify="left" if column in ("source", "kind") else "right",
            )
        for row in counts["sources"]:
            table.add_row(*cells(*(row[c] for c in columns)))
        t = counts["totals"]
        table.add_row(
            *cells("total", "", "", t["records"], t["unique"], t["duplicates_removed"], "", ""),
            style="bold",
        )
        print_table(table, output)
        _stale_warning(t["unclustered"], t["deduplicated"])
        return
    data = list_records(review, source=source, primary_only=primary_only, limit=limit)
    if as_json:
        print_json(data, output)
        return
    table = Table(title=f"{data['shown']} of {data['count']} records", highlight=False)
    for column in ("record_id", "cluster_id", "primary", "source", "year", "first author", "title"):
        if column == "title":
            table.add_column(column, overflow="fold", ratio=1, min_width=20)
        else:
            table.add_column(column, overflow="ellipsis", no_wrap=True)
    for row in data["records"]:
        table.add_row(
            *cells(
                row["record_id"],
                row["cluster_id"],
                "yes" if row["is_primary"] else "",
                row["source"],
                row["year"],
                row["first_author"],
                row["title"],
            )
        )
    print_table(table, output)
    _stale_warning(data["unclustered"], data["deduplicated"])


def _stale_warning(unclustered: int, deduplicated: bool) -> None:
    if not deduplicated:
        warn("not de-duplicated yet; run `evidencekit dedupe`")
    elif unclustered:
        warn(
            f"{unclustered} records were imported after the last de-duplication; "
            "run `evidencekit dedupe` again"
        )


@records.command("show")
@click.argument("record_id")
@click.option("--raw", is_flag=True, help="Also print the raw fields as the export had them.")
@review_option
@json_option
@output_option
def show_command(
    record_id: str, raw: bool, review_dir: str, as_json: bool, output: str | None
) -> None:
    """Show one record: its fields, provenance, cluster and duplicate links."""
    from evidencekit.core.io import emit
    from evidencekit.core.records import show_record

    data = show_record(load_review(review_dir), record_id)
    if as_json:
        print_json(data, output)
        return
    lines = [f"record {data['record_id']}"]
    for name in (
        "title",
        "authors",
        "year",
        "journal",
        "volume",
        "issue",
        "pages",
        "doi",
        "pmid",
        "issn",
        "isbn",
        "language",
        "keywords",
        "publication_type",
        "url",
        "source_key",
        "abstract",
    ):
        value = data[name]
        if name == "authors":
            value = "; ".join(
                f"{a['family']}, {a['given']}" if a["given"] else a["family"] for a in value
            )
        elif isinstance(value, list):
            value = "; ".join(value)
        if value not in (None, ""):
            lines.append(f"  {name}: {value}")
    prov = data["provenance"]
    lines.append(
        f"  source: {prov['source']} ({prov['kind']}), {prov['file']} record "
        f"{prov['position']}"
        + (f" line {prov['line']}" if prov["line"] else "")
        + f", format {prov['format']}"
        + (f", searched {prov['date_searched']}" if prov["date_searched"] else "")
    )
    cluster = data["cluster"]
    lines.append(
        f"cluster {cluster['cluster_id']} ({len(cluster['members'])} records; this "
        f"record is {'the primary' if cluster['is_primary'] else 'a duplicate'})"
    )
    for member in cluster["members"]:
        mark = "*" if member["is_primary"] else " "
        lines.append(f"  {mark} {member['record_id']}  {member['source']}: {member['title']}")
    for link in cluster["links"]:
        lines.append(
            f"  link {link['a']} = {link['b']}: {link['reason']} "
            f"(score {link['score']:.3f}, {link['method']})"
        )
    if raw:
        lines.append("raw fields:")
        lines.extend(f"  {key}: {value}" for key, value in data["raw"].items())
    emit("\n".join(lines), output)


@records.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "ris", "bibtex"]),
    default="csv",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--all",
    "all_records",
    is_flag=True,
    help="Every imported record with its cluster, not one per de-duplicated record.",
)
@raw_option
@click.option(
    "--require-deduped",
    is_flag=True,
    help="Refuse to export when records were imported after the last dedupe "
    "(or none ran), instead of warning.",
)
@review_option
@json_option
@output_option
def export_command(
    fmt: str,
    all_records: bool,
    raw: bool,
    require_deduped: bool,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
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
    from evidencekit.core.records import export_records, write_export

    state: dict[str, Any] = {}
    options = {"all_records": all_records, "raw": raw, "state": state}
    review = load_review(review_dir)
    to_file = output is not None and output != "-"
    if to_file:  # written as it is made: a large export is never held whole
        write_export(review, fmt, output, require_deduped=require_deduped, **options)
    else:
        text = export_records(review, fmt, require_deduped=require_deduped, **options)
    if as_json:
        data = {
            "format": fmt,
            "deduplicated": state["deduplicated"],
            "imported_after_dedupe": state["unclustered"],
            "output": output,
        }
        if not to_file:
            data["content"] = text
        print_json(data)
    elif not to_file:
        emit(text, output)
    _stale_warning(state["unclustered"], state["deduplicated"])
