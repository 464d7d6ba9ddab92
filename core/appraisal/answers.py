"""Appraisal answer files read into rows: a long CSV or YAML files, every row located."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, InstrumentError, RecordFormatError
from evidencekit.core.model import Answer
from evidencekit.core.problems import Problem

ANSWER_COLUMNS = ("study_id", "checklist", "item", "answer", "reviewer", "note")


ANSWER_COLUMNS = ("study_id", "checklist", "item", "answer", "reviewer", "note")
REQUIRED_COLUMNS = ("study_id", "item", "answer")


class AnswersInvalid(EvidencekitError):
    """Answers have validation problems; nothing was scored. ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the appraisal answers; nothing was scored:\n"
            + "\n".join(str(p) for p in problems)
        )


@dataclass
class AnswerRow(Answer):
    """One answer as read, with the columns beyond the standard ones kept in ``extra``."""

    extra: dict[str, str] = field(default_factory=dict)


def read_answers(paths: str | Path | Iterable[str | Path]) -> list[AnswerRow]:
    """Read answers from CSV or YAML files, or folders of them (in name order)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    rows: list[AnswerRow] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in {".csv", ".yaml", ".yml"} and p.is_file()
            )
            if not files:
                raise RecordFormatError(
                    "no .csv or .yaml answer files in this folder", file=str(path)
                )
        elif path.exists():
            files = [path]
        else:
            raise RecordFormatError("no such answers file or folder", file=str(path))
        for file in files:
            if file.suffix.lower() in {".yaml", ".yml"}:
                rows.extend(_read_yaml_answers(file))
            else:
                rows.extend(_read_csv_answers(file))
    return rows


def _read_csv_answers(path: Path) -> list[AnswerRow]:
    from evidencekit.core.csvfile import read_table

    table = read_table(path, required=REQUIRED_COLUMNS, what="answers file")
    if "checklist" not in table.header:
        # allowed: the review's design mapping fills it in; validation says if it cannot
        pass
    out = []
    for line, row in table:
        extra = {k: v for k, v in row.items() if k not in ANSWER_COLUMNS}
        out.append(
            AnswerRow(
                study_id=row.get("study_id", ""),
                checklist=row.get("checklist", ""),
                item=row.get("item", ""),
                answer=row.get("answer", ""),
                reviewer=row.get("reviewer", ""),
                note=row.get("note", ""),
                row=line,
                file=str(path),
                extra=extra,
            )
        )
    return out


def _scalar(value: Any) -> str:
    # YAML 1.1 reads unquoted yes/no/true/false as booleans; take them as yes/no.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_scalar(v) for v in value)
    return str(value).strip()


def _read_yaml_answers(path: Path) -> list[AnswerRow]:
    from evidencekit.core.yaml_loader import load_yaml

    try:
        doc = load_yaml(path, name=str(path))
    except InstrumentError as exc:
        raise RecordFormatError("; ".join(exc.problems)) from None
    data = doc.data
    name = str(path)
    if isinstance(data, dict) and "appraisals" in data:
        entries = data["appraisals"]
        base: tuple[Any, ...] = ("appraisals",)
        if not isinstance(entries, list):
            raise RecordFormatError(
                "'appraisals' must be a list of appraisals", file=name, line=doc.line_of(base)
            )
    elif isinstance(data, dict):
        entries, base = [data], ()
    else:
        raise RecordFormatError(
            "expected a mapping with study_id, checklist, reviewer and answers "
            "(or a list of them under 'appraisals')",
            file=name,
            line=1,
        )
    out: list[AnswerRow] = []
    for index, entry in enumerate(entries):
        path_prefix = (*base, index) if base else ()
        line = doc.line_of(path_prefix)
        if not isinstance(entry, dict):
            raise RecordFormatError(
                "each appraisal must be a mapping with study_id, checklist, reviewer and answers",
                file=name,
                line=line,
            )
        unknown = set(entry) - {"study_id", "checklist", "reviewer", "answers", "note", "notes"}
        if unknown:
            raise RecordFormatError(
                f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; allowed: study_id, "
                "checklist, reviewer, answers, notes",
                file=name,
                line=line,
            )
        answers = entry.get("answers")
        if not isinstance(answers, dict) or not answers:
            raise RecordFormatError(
                "'answers' must map each item to its answer",
                file=name,
                line=doc.line_of((*path_prefix, "answers")),
            )
        for item, value in answers.items():
            note = ""
            item_line = doc.line_of((*path_prefix, "answers", item))
            if isinstance(value, dict):
                extra_keys = set(value) - {"answer", "note"}
                if extra_keys:
                    raise RecordFormatError(
                        f"item {item}: unknown key(s) {', '.join(sorted(map(str, extra_keys)))};"
                        " write 'answer' and optionally 'note'",
                        file=name,
                        line=item_line,
                    )
                note = _scalar(value.get("note"))
                value = value.get("answer")
            out.append(
                AnswerRow(
                    study_id=_scalar(entry.get("study_id")),
                    checklist=_scalar(entry.get("checklist")),
                    item=_scalar(item),
                    answer=_scalar(value),
                    reviewer=_scalar(entry.get("reviewer")),
                    note=note,
                    row=item_line,
                    file=name,
                )
            )
    return out
