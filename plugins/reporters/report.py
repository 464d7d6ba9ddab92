"""The review report: one self-contained HTML file, Markdown, and the tables as XLSX and CSV.

Three reporters share one content builder (``_report_content.build``), so every format
shows the same sections and the same numbers:

- ``report-html`` writes ``report.html``: Jinja2 with autoescaping (text from records,
  sources and studies is always escaped), every figure inline as SVG (ids prefixed per
  figure so two figures never clash), no script, no network: it opens anywhere.
- ``report-markdown`` writes ``report.md`` with its figures linked (the SVG files beside it).
- ``report-tables`` writes ``report-tables.xlsx`` (one sheet per table, openpyxl) and the
  same tables as ``table-NAME.csv``.

Each ``render(bundle, out_dir, options)`` writes atomically and returns the paths.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _inline_svg(svg: str, prefix: str) -> str:
    """An SVG file as markup to place inside HTML: no XML prolog or doctype, and every id
    (and reference to one) prefixed, since matplotlib reuses ids across figures."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    if ids:

        def swap(match: re.Match[str]) -> str:
            name = match.group(2)
            return f"{match.group(1)}{prefix}-{name}" if name in ids else match.group(0)

        body = re.sub(r'(\bid=")([^"]+)', swap, body)
        body = re.sub(r"(url\(#)([^)]+)", swap, body)
        body = re.sub(r'(href="#)([^"]+)', swap, body)
    return body


def _inline_images(html: str, figures: Mapping[str, str]) -> str:
    """A step's Markdown may show a figure it wrote (``![PRISMA](prisma.svg)``): the image
    becomes the inline SVG, so report.html stays one self-contained file."""
    import html as _html

    def swap(match: re.Match[str]) -> str:
        name = _html.unescape(match.group(1))
        if name not in figures:
            return match.group(0)
        # The same <figure> as the report's own figures (id, data-file, caption from the
        # image's alt text), so every figure is found and styled alike.
        file = _html.escape(name, quote=True)
        caption = match.group(2) or ""
        return (
            f'<figure id="figure-{file}" data-file="{file}"><div class="svg">'
            f"{_inline_svg(figures[name], _slug(name))}</div>"
            f"<figcaption>{caption}</figcaption></figure>"
        )

    image = r'<img src="([^"/]+\.svg)"(?: alt="([^"]*)")?[^>]*>'
    # A paragraph of images only becomes its figures (a <figure> cannot sit inside a <p>).
    html = re.sub(rf"<p>((?:{image}\s*)+)</p>", lambda m: m.group(1), html)
    return re.sub(image, swap, html)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "figure"


class HtmlReport:
    """``report.html``: the whole report in one file."""

    name = "report-html"
    description = "The review report as one self-contained HTML file (figures inline as SVG)"
    options_schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "default": "report.html", "pattern": "^[A-Za-z0-9._-]+$"}
        },
        "additionalProperties": False,
    }

    def render(
        self, bundle: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """Render the report and write it atomically; return its path."""
        from importlib.resources import files

        import jinja2
        from markupsafe import Markup

        from evidencekit.core.io import atomic_write_text
        from evidencekit.plugins.reporters._report_content import build

        sections = build(bundle)
        for section in sections:
            if section.markdown:
                from markdown_it import MarkdownIt

                # "js-default": CommonMark with raw HTML off, so a step's text cannot
                # inject markup; its own top heading is the section title already.
                lines = section.markdown.splitlines()
                body = (
                    "\n".join(lines[1:]) if lines and lines[0].startswith("#") else section.markdown
                )
                section.html = Markup(
                    _inline_images(
                        MarkdownIt("js-default").render(body), bundle.get("figures") or {}
                    )
                )
            else:
                section.html = ""
            for figure in section.figures:
                # The SVG is matplotlib's output, whose text it has XML-escaped already.
                figure.inline = Markup(_inline_svg(figure.svg or "", _slug(figure.file)))
        template_text = (
            files("evidencekit.plugins.reporters")
            .joinpath("templates/report.html.j2")
            .read_text("utf-8")
        )
        env = jinja2.Environment(
            autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
        env.tests["number_like"] = lambda value: bool(_NUMBER.match(str(value)))
        run = bundle.get("run") or {}
        review = bundle.get("review") or {}
        html = env.from_string(template_text).render(
            title=bundle.get("title") or "Review",
            sections=sections,
            version=run.get("evidencekit", ""),
            finished=run.get("finished", ""),
            review_id=review.get("id", ""),
            review_version=review.get("version", ""),
        )
        path = Path(out_dir) / str(options.get("file", "report.html"))
        atomic_write_text(path, html)
        return [path]


def _md_cell(value: Any) -> str:
    # Record-derived text must not break the table or inject markup.
    text = "" if value is None else str(value)
    for char in ("\\", "|", "<", ">", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


class MarkdownReport:
    """``report.md``: the report as Markdown, its figures linked."""

    name = "report-markdown"
    description = "The review report as Markdown, figures linked (SVG beside it)"
    options_schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "default": "report.md", "pattern": "^[A-Za-z0-9._-]+$"}
        },
        "additionalProperties": False,
    }

    def render(
        self, bundle: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """Render the report and write it atomically; return its path."""
        from evidencekit.core.io import atomic_write_text
        from evidencekit.plugins.reporters._report_content import build

        out = [f"# {_md_cell(bundle.get('title') or 'Review')}", ""]
        for section in build(bundle):
            if section.markdown:
                out += [section.markdown, ""]  # the step's own Markdown, as it wrote it
                continue
            out += [f"## {_md_cell(section.title)}", ""]
            for paragraph in section.paragraphs:
                out += [_md_cell(paragraph), ""]
            for table in section.tables:
                numeric = [
                    bool(table.rows)
                    and all(_NUMBER.match(str(row[i])) or row[i] == "" for row in table.rows)
                    for i in range(len(table.columns))
                ]
                out += [
                    f"### {_md_cell(table.title)}",
                    "",
                    "| " + " | ".join(_md_cell(c) for c in table.columns) + " |",
                    "|" + "".join("---:|" if n else "---|" for n in numeric),
                ]
                out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
                out += [""] + ([_md_cell(table.note), ""] if table.note else [])
            for figure in section.figures:
                out += [
                    f"![{_md_cell(figure.title)}]({figure.file})",
                    "",
                    f"*{_md_cell(figure.title)}*"
                    + (f": {_md_cell(figure.caption)}" if figure.caption else ""),
                    "",
                ]
            if section.bullets:
                out += [f"- {_md_cell(b)}" for b in section.bullets] + [""]
        path = Path(out_dir) / str(options.get("file", "report.md"))
        atomic_write_text(path, "\n".join(out).rstrip() + "\n")
        return [path]


class TablesReport:
    """``report-tables.xlsx`` (a sheet per table) and ``table-NAME.csv`` per table."""

    name = "report-tables"
    description = "Every table of the report as an XLSX workbook (a sheet each) and as CSV files"
    options_schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "formats": {
                "type": "array",
                "items": {"enum": ["xlsx", "csv"]},
                "minItems": 1,
                "uniqueItems": True,
                "default": ["xlsx", "csv"],
            },
            "file": {
                "type": "string",
                "default": "report-tables.xlsx",
                "pattern": "^[A-Za-z0-9._-]+\\.xlsx$",
            },
        },
        "additionalProperties": False,
    }

    def render(
        self, bundle: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """Write the workbook and the CSV files atomically; return their paths."""
        from evidencekit.core.io import atomic_write_bytes, atomic_write_text, file_name_part
        from evidencekit.core.safe_cells import csv_text
        from evidencekit.plugins.reporters._report_content import build

        tables = [t for s in build(bundle) for t in s.tables]
        formats = list(options.get("formats") or ["xlsx", "csv"])
        written = []
        if "csv" in formats:
            for table in tables:
                # Record text reaches these tables (titles, sources): a cell a spreadsheet
                # would run as a formula is neutralised (core/safe_cells.py).
                path = Path(out_dir) / f"table-{file_name_part(table.name)}.csv"
                atomic_write_text(path, csv_text(table.columns, table.rows))
                written.append(path)
        if "xlsx" in formats and tables:
            path = Path(out_dir) / str(options.get("file", "report-tables.xlsx"))
            atomic_write_bytes(path, _workbook(tables))
            written.append(path)
        return written


def _workbook(tables: list[Any]) -> bytes:
    """The tables as an XLSX workbook: one sheet each, numbers as numbers (the rounded
    values the report prints, so a cell equals the report's text)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        # Sheet names: at most 31 characters, unique, none of []:*?/\ (Excel's rules).
        name = re.sub(r"[\[\]:*?/\\]", "-", table.name)[:31]
        base, n = name, 2
        while name.lower() in used:
            name = f"{base[:28]}-{n}"
            n += 1
        used.add(name.lower())
        sheet = book.create_sheet(name)
        sheet.append([_number(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_number(c) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # numbers as numbers; text neutralised, or openpyxl would store "=..." as a formula
            sheet.append([_number(v) for v in row])
            for cell, text in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(cell.value, float):
                    # shown with the decimals the report prints (2.13, 100.0)
                    places = len(str(text).split(".")[1])
                    cell.number_format = "0." + "0" * places
        if table.note:
            sheet.append([])
            sheet.append([_number(table.note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


#: The one date a workbook carries (its properties and its zip entries), so the same tables
#: give the same bytes on every run.
_FIXED_DATE = (2000, 1, 1, 0, 0, 0)


def _reproducible(xlsx: bytes) -> bytes:
    """``xlsx`` with every date fixed. openpyxl stamps the save time into the document's
    "modified" property (whatever the workbook says) and each zip entry gets the clock's
    time, so two runs differed in their bytes."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(entry.filename, date_time=_FIXED_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, data)
    return out.getvalue()


def _number(value: Any) -> Any:
    """A cell's value: a number as a number, text neutralised (core/safe_cells.py)."""
    from evidencekit.core.safe_cells import neutralise

    text = str(value)
    if _NUMBER.match(text):
        return int(text) if "." not in text else float(text)
    return neutralise(text)


@hookimpl
def evidencekit_reporters() -> list[Any]:
    return [HtmlReport(), MarkdownReport(), TablesReport()]
