"""Quality appraisal: answers read and validated, scored by a scorer plugin, agreed.

The flow, each step a function the CLI and the tests call:

1. :func:`read_answers` reads a long CSV (``study_id, checklist, item, answer,
   reviewer, note``; extra columns are kept) or YAML files (one appraisal per
   file, or a list under ``appraisals:``).
2. :func:`validate_answers` checks every row against its checklist and the
   review: unknown study, checklist or item, an answer code the item does not
   accept, a second answer from the same reviewer, a scored item without an
   answer row, a checklist that is not the one the review maps the study's
   design to. Each problem names the file, the row (or the study), the item,
   the value found and what is allowed.
3. :func:`resolve_consensus` turns one or more reviewers' answers into the
   answers that are scored (a ``consensus`` reviewer's rows, agreement, the
   primary reviewer, or the least favourable answer, as the review declares).
4. :func:`appraise` scores each study with the scorer the checklist names (or
   the review overrides) through the registry, and adds counts per grade, per
   design and per checklist, studies without a checklist for their design, and
   item-level agreement between reviewers.

Nothing is scored from input with errors unless ``skip_invalid`` is set; then
the invalid rows (and appraisals left incomplete) are skipped and listed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, InstrumentError, RecordFormatError
from evidencekit.core.model import Answer

# Levels a scorer gives each plotted column (item or domain) and the grade, so that plots
# colour any scorer's output without knowing its rules. They are the scorer contract and live
# in the light core/scoring.py (imported by scorer plugins at start-up); re-exported here.
from evidencekit.core.scoring import (
    AnswerProblem,
    is_unanswered,
)

ANSWER_COLUMNS = ("study_id", "checklist", "item", "answer", "reviewer", "note")
REQUIRED_COLUMNS = ("study_id", "item", "answer")
CONSENSUS_METHODS = ("consensus-reviewer", "primary", "conservative")

#: The ``appraisal:`` section of review.yaml.
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "checklists": {
            "type": "object",
            "description": "Study design → checklist id (or a list of ids).",
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "minLength": 1},
                    {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                ]
            },
        },
        "scorer": {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
            ],
            "description": "Scorer for every checklist, or checklist id → scorer.",
        },
        "options": {"type": "object", "description": "Options for every checklist's scorer."},
        "bands": {
            "description": "Grade bands overriding the checklists' (percentage scorers).",
            "anyOf": [
                {"type": "object", "additionalProperties": {"type": "number"}},
                {"type": "array", "items": {"type": "object"}},
            ],
        },
        "overrides": {
            "type": "object",
            "description": "Checklist id → {scorer, options, bands} for that checklist only.",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "scorer": {"type": "string"},
                    "options": {"type": "object"},
                    "bands": {},
                },
                "additionalProperties": False,
            },
        },
        "consensus": {
            "type": "object",
            "properties": {
                "method": {"enum": list(CONSENSUS_METHODS)},
                "reviewer": {"type": "string", "minLength": 1},
            },
            "additionalProperties": False,
        },
        "answers": {"type": "string", "description": "Default answers file (review-relative)."},
        "studies": {"type": "string", "description": "studies.csv (review-relative)."},
        "design_column": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}


# --------------------------------------------------------------------------- small types


@dataclass
class Problem:
    """One validation problem, with everything needed to find and fix it."""

    message: str
    file: str = ""
    row: int | None = None
    study_id: str | None = None
    checklist: str | None = None
    item: str | None = None
    value: str | None = None
    allowed: str | None = None
    reviewer: str | None = None
    rows: list[int] = field(default_factory=list)
    item_label: str = "item"  # what ``item`` is called in the message ("field", "column")

    def __str__(self) -> str:
        where = self.file or "answers"
        if self.row is not None:
            where += f":{self.row}"
        elif self.rows:
            where += f" (row{'s' if len(set(self.rows)) > 1 else ''} {_ranges(self.rows)})"
        subject = []
        if self.study_id:
            subject.append(f"study {self.study_id}")
        if self.checklist:
            subject.append(f"checklist {self.checklist}")
        if self.reviewer:
            subject.append(f"reviewer {self.reviewer}")
        if self.item:
            subject.append(f"{self.item_label} {self.item}")
        text = f"{where}: " + (", ".join(subject) + ": " if subject else "") + self.message
        if self.value is not None:
            text += f"; found {self.value!r}"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items()
               if v not in (None, [], "") and k != "item_label"}
        out["text"] = str(self)
        return out


def _ranges(rows: Sequence[int]) -> str:
    rows = sorted(set(rows))
    parts: list[str] = []
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = r
        prev = r
    parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


class AnswersInvalid(EvidencekitError):
    """Answers have validation problems; nothing was scored. ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the appraisal answers; nothing was scored:\n"
            + "\n".join(str(p) for p in problems))


@dataclass
class AnswerRow(Answer):
    """One answer as read, with the columns beyond the standard ones kept in ``extra``."""

    extra: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- reading


def read_answers(paths: str | Path | Iterable[str | Path]) -> list[AnswerRow]:
    """Read answers from CSV or YAML files, or folders of them (in name order)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    rows: list[AnswerRow] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in {".csv", ".yaml", ".yml"} and p.is_file())
            if not files:
                raise RecordFormatError("no .csv or .yaml answer files in this folder",
                                        file=str(path))
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
        out.append(AnswerRow(
            study_id=row.get("study_id", ""),
            checklist=row.get("checklist", ""),
            item=row.get("item", ""),
            answer=row.get("answer", ""),
            reviewer=row.get("reviewer", ""),
            note=row.get("note", ""),
            row=line,
            file=str(path),
            extra=extra,
        ))
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
            raise RecordFormatError("'appraisals' must be a list of appraisals", file=name,
                                    line=doc.line_of(base))
    elif isinstance(data, dict):
        entries, base = [data], ()
    else:
        raise RecordFormatError(
            "expected a mapping with study_id, checklist, reviewer and answers "
            "(or a list of them under 'appraisals')", file=name, line=1)
    out: list[AnswerRow] = []
    for index, entry in enumerate(entries):
        path_prefix = (*base, index) if base else ()
        line = doc.line_of(path_prefix)
        if not isinstance(entry, dict):
            raise RecordFormatError("each appraisal must be a mapping with study_id, "
                                    "checklist, reviewer and answers", file=name, line=line)
        unknown = set(entry) - {"study_id", "checklist", "reviewer", "answers", "note", "notes"}
        if unknown:
            raise RecordFormatError(
                f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; allowed: study_id, "
                "checklist, reviewer, answers, notes", file=name, line=line)
        answers = entry.get("answers")
        if not isinstance(answers, dict) or not answers:
            raise RecordFormatError("'answers' must map each item to its answer",
                                    file=name, line=doc.line_of((*path_prefix, "answers")))
        for item, value in answers.items():
            note = ""
            item_line = doc.line_of((*path_prefix, "answers", item))
            if isinstance(value, dict):
                extra_keys = set(value) - {"answer", "note"}
                if extra_keys:
                    raise RecordFormatError(
                        f"item {item}: unknown key(s) {', '.join(sorted(map(str, extra_keys)))};"
                        " write 'answer' and optionally 'note'", file=name, line=item_line)
                note = _scalar(value.get("note"))
                value = value.get("answer")
            out.append(AnswerRow(
                study_id=_scalar(entry.get("study_id")),
                checklist=_scalar(entry.get("checklist")),
                item=_scalar(item),
                answer=_scalar(value),
                reviewer=_scalar(entry.get("reviewer")),
                note=note,
                row=item_line,
                file=name,
            ))
    return out


# --------------------------------------------------------------------------- settings


def _norm(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", str(text).strip().lower())


def _bands_list(value: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(value, Mapping):
        return [{"grade": str(g), "min_percent": float(p)} for g, p in value.items()]
    if isinstance(value, list):
        return [dict(b) for b in value]
    raise EvidencekitError(f"{where}: bands must map grade → lowest percentage")


@dataclass
class Settings:
    """The review's ``appraisal:`` section, checked."""

    checklists: dict[str, list[str]] = field(default_factory=dict)  # normalised design → ids
    design_names: dict[str, str] = field(default_factory=dict)  # normalised → as written
    scorer: str | dict[str, str] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    bands: list[dict[str, Any]] | None = None
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    consensus_method: str = "consensus-reviewer"
    consensus_reviewer: str = "consensus"
    answers: str | None = None
    studies: str | None = None
    design_column: str = "design"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, where: str = "review.yaml") -> Settings:
        """Check and read an ``appraisal:`` mapping (``where`` names it in messages)."""
        data = dict(data or {})
        from evidencekit.core.schemas import validation_messages

        bands = data.get("bands")
        if isinstance(bands, Mapping) and not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in bands.values()):
            # the schema's anyOf would only say "not of type 'array'"
            raise EvidencekitError(
                f"{where}: appraisal.bands must map each grade to its lowest percentage, "
                f"e.g. {{good: 60, fair: 45, poor: 0}}; found {dict(bands)!r}")
        problems = validation_messages(data, SETTINGS_SCHEMA)
        if problems:
            raise EvidencekitError(
                f"{where}: appraisal section: " + "; ".join(
                    p.replace("$", "$.appraisal", 1) for p in problems))
        settings = cls()
        for design, ids in (data.get("checklists") or {}).items():
            key = _norm(design)
            settings.checklists[key] = [ids] if isinstance(ids, str) else list(ids)
            settings.design_names[key] = str(design)
        settings.scorer = data.get("scorer")
        settings.options = dict(data.get("options") or {})
        if "bands" in data:
            settings.bands = _bands_list(data["bands"], f"{where}: appraisal.bands")
        for checklist_id, override in (data.get("overrides") or {}).items():
            override = dict(override)
            if "bands" in override:
                override["bands"] = _bands_list(override["bands"],
                                                f"{where}: appraisal.overrides.{checklist_id}")
            settings.overrides[checklist_id] = override
        consensus = data.get("consensus") or {}
        settings.consensus_method = consensus.get("method", "consensus-reviewer")
        if "reviewer" in consensus:
            settings.consensus_reviewer = consensus["reviewer"]
        elif settings.consensus_method == "primary":
            raise EvidencekitError(
                f"{where}: appraisal.consensus.method 'primary' needs 'reviewer': the name of "
                "the reviewer whose answers count")
        settings.answers = data.get("answers")
        settings.studies = data.get("studies")
        settings.design_column = data.get("design_column", "design")
        return settings

    def checklists_for(self, design: str | None) -> list[str]:
        """Checklist ids the review maps ``design`` to (empty if none)."""
        if not design:
            return []
        return self.checklists.get(_norm(design), [])


# --------------------------------------------------------------------------- context


class Context:
    """What validation and scoring need: checklists, scorers, studies, settings."""

    def __init__(
        self,
        review: Any | None = None,
        *,
        settings: Settings | None = None,
        studies: Mapping[str, Mapping[str, str]] | None = None,
        studies_file: str | None = None,
    ):
        if review is None:
            from evidencekit.core.review import open_review

            review = open_review(".")
        self.review = review
        self.settings = settings or Settings.from_mapping(
            review.section("appraisal"), where=str(review.file))
        self.studies = dict(studies) if studies is not None else None
        self.studies_file = studies_file
        self._checklists: dict[str, Any] = {}
        self._scorers: dict[str, tuple[str, Any, dict[str, Any]]] = {}

    @property
    def registry(self) -> Any:
        return self.review.registry

    def checklist(self, ref: str) -> Any:
        """The checklist for ``ID`` or ``ID@VERSION`` (review pins honoured); cached."""
        if ref not in self._checklists:
            self._checklists[ref] = self.review.instrument(ref, kind="checklist")
        return self._checklists[ref]

    def known_checklists(self) -> list[str]:
        return [e.id for e in self.review.catalog.entries("checklist")]

    def design_of(self, study_id: str) -> str | None:
        if self.studies is None or study_id not in self.studies:
            return None
        value = self.studies[study_id].get(self.settings.design_column, "")
        return value or None

    def scorer_for(self, checklist: Any) -> tuple[str, Any, dict[str, Any]]:
        """(scorer name, provider, validated options) for ``checklist``; cached."""
        if checklist.ref not in self._scorers:
            self._scorers[checklist.ref] = self._resolve_scorer(checklist)
        return self._scorers[checklist.ref]

    def _resolve_scorer(self, checklist: Any) -> tuple[str, Any, dict[str, Any]]:
        from evidencekit.core.errors import RegistryError

        review_file = getattr(self.review, "file", None) or "review.yaml"
        override = self.settings.overrides.get(checklist.id, {})
        name = override.get("scorer")
        origin = f"{review_file}: appraisal.overrides.{checklist.id}.scorer"
        if name is None and isinstance(self.settings.scorer, str):
            name, origin = self.settings.scorer, f"{review_file}: appraisal.scorer"
        if name is None and isinstance(self.settings.scorer, Mapping):
            name = self.settings.scorer.get(checklist.id)
            origin = f"{review_file}: appraisal.scorer.{checklist.id}"
        if name is None and checklist.scoring is not None:
            name = checklist.scoring.method
            origin = f"checklist {checklist.ref} ({checklist.path}): scoring.method"
        if name is None:
            raise InstrumentError(
                f"checklist {checklist.ref} ({checklist.path}) declares no scoring method and the "
                "review names no scorer for it; add scoring.method to the checklist or "
                f"appraisal.overrides.{checklist.id}.scorer to review.yaml")
        try:
            provider = self.registry.get("appraisal-scorer", name)
        except RegistryError as exc:
            raise RegistryError(f"{origin}: {exc}") from None
        options: dict[str, Any] = {}
        if checklist.scoring is not None and checklist.scoring.method == name:
            options.update(checklist.scoring.options or {})
        schema_props = (getattr(provider, "options_schema", None) or {}).get("properties", {})
        options.update(self.settings.options)
        if self.settings.bands is not None and "bands" in schema_props:
            options["bands"] = self.settings.bands
        options.update(override.get("options") or {})
        if "bands" in override:
            options["bands"] = override["bands"]
        try:
            options = self.registry.validate_options("appraisal-scorer", name, options)
        except RegistryError as exc:
            raise RegistryError(
                f"checklist {checklist.ref}: {exc} (options come from the checklist's scoring "
                f"block and {review_file}: appraisal.options, .bands and .overrides)") from None
        return name, provider, options


def load_context(
    review_dir: str | Path = ".",
    *,
    review_file: str | Path | None = None,
    studies_file: str | Path | None = None,
) -> Context:
    """Open the review (a folder, or a review.yaml path) and its studies table."""
    from evidencekit.core.review import REVIEW_FILE, open_review

    if review_file is not None:
        path = Path(review_file)
        if path.is_dir():
            review_dir = path
        else:
            if not path.is_file():
                raise EvidencekitError(f"--review {path}: no such review file or folder")
            if path.name != REVIEW_FILE:
                raise EvidencekitError(
                    f"--review {path}: a review file must be called {REVIEW_FILE} (its folder "
                    "is the review folder); rename it or pass the folder")
            review_dir = path.parent
    review = open_review(review_dir)
    settings = Settings.from_mapping(review.section("appraisal"), where=str(review.file))
    studies = None
    chosen: Path | None = None
    if studies_file is not None:
        chosen = Path(studies_file)
    else:
        declared = settings.studies or review.section("extraction").get("studies")
        if declared:
            chosen = review.root / declared
        elif (review.root / "studies.csv").is_file():
            chosen = review.root / "studies.csv"
    if chosen is not None:
        from evidencekit.core.extraction import read_studies

        studies = read_studies(chosen)
    return Context(review, settings=settings, studies=studies,
                   studies_file=str(chosen) if chosen else None)


# --------------------------------------------------------------------------- validation


@dataclass
class Validated:
    """Rows that passed validation, grouped by appraisal, and the problems found."""

    # (study_id, checklist ref) → reviewer → item id → AnswerRow
    appraisals: dict[tuple[str, str], dict[str, dict[str, AnswerRow]]]
    problems: list[Problem]
    skipped_rows: list[AnswerRow] = field(default_factory=list)
    # (study_id, checklist ref) → reviewers whose rows need not be complete on their own:
    # a consensus reviewer who only resolves the items the raters disagree on. The merged
    # answers are checked instead (in resolve_consensus).
    partial: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def _find_item(checklist: Any, raw: str) -> Any | None:
    """The item (or an item's part, e.g. CASP cohort 5a) by id, or by printed number."""
    wanted = raw.strip().lower()
    candidates = [*checklist.items, *(p for i in checklist.items for p in i.parts)]
    for item in candidates:
        if item.id.lower() == wanted:
            return item
    for item in candidates:
        number = str(item.number or "").lower()
        if number and (number == wanted or f"q{number}" == wanted):
            return item
    return None


def _allowed_items(checklist: Any) -> str:
    parts = [p.id for i in checklist.items for p in i.parts]
    return ", ".join(i.id for i in checklist.items) + (
        f" (parts: {', '.join(parts)})" if parts else "")


def _fold(text: str) -> str:
    # the same folding as ChecklistItem.code_for: case, spaces, '-', '_', apostrophes
    text = str(text).strip().lower().replace("’", "'").replace("'", "")
    return re.sub(r"[\s_-]+", "_", text)


def _code_for(item: Any, value: str) -> str | None:
    """The answer code of ``item`` (an item or a part) that ``value`` names, by code or label."""
    wanted = _fold(value)
    for option in item.options:
        if wanted in (_fold(option.code), _fold(option.label)):
            return option.code
    return None


def validate_answers(rows: Sequence[AnswerRow], ctx: Context) -> Validated:
    """Check every row; return the valid ones grouped and every problem found."""
    problems: list[Problem] = []
    bad_rows: set[int] = set()
    grouped: dict[tuple[str, str], dict[str, dict[str, AnswerRow]]] = defaultdict(
        lambda: defaultdict(dict))
    known_checklists: list[str] | None = None

    # (study, checklist ref, reviewer, item) of rows already reported, so that the
    # completeness check does not report them a second time as missing
    bad_items: set[tuple[str, str, str, str]] = set()

    def problem(row: AnswerRow, message: str, **kw: Any) -> None:
        problems.append(Problem(message=message, file=row.file, row=row.row,
                                study_id=row.study_id or None, **kw))
        bad_rows.add(id(row))
        if "item" in kw and kw.get("checklist"):
            bad_items.add((row.study_id, current_ref[0], row.reviewer, kw["item"]))

    current_ref = [""]

    for row in rows:
        if not row.study_id:
            problem(row, "the study_id is empty; every row needs the study it appraises")
            continue
        if ctx.studies is not None and row.study_id not in ctx.studies:
            problem(row, f"unknown study; it is not in {ctx.studies_file or 'the studies table'}",
                    value=row.study_id,
                    allowed=f"the {len(ctx.studies)} study ids of that file")
            continue
        design = ctx.design_of(row.study_id)
        mapped = ctx.settings.checklists_for(design)
        ref = row.checklist
        if not ref:
            if len(mapped) == 1:
                ref = row.checklist = mapped[0]
            else:
                problem(row, "the checklist is empty and the review maps no single checklist "
                             f"to this study's design ({design or 'unknown design'})",
                        allowed="a checklist id, or appraisal.checklists in review.yaml")
                continue
        try:
            checklist = ctx.checklist(ref)
        except InstrumentError:
            if known_checklists is None:
                known_checklists = ctx.known_checklists()
            broken = ctx.review.catalog.problems
            hint = (f" ({len(broken)} instrument file(s) failed to load, e.g. {broken[0]}; "
                    "check them with `evidencekit instruments validate`)") if broken else ""
            problem(row, "unknown checklist" + hint, value=ref,
                    allowed=", ".join(known_checklists) or "(none installed)")
            continue
        if mapped and checklist.id not in [m.split("@")[0] for m in mapped]:
            problem(row, f"the review maps design '{design}' to {', '.join(mapped)}, "
                         f"not to {checklist.id}", checklist=checklist.id, value=ref,
                    allowed=", ".join(mapped))
            continue
        item = _find_item(checklist, row.item)
        if item is None:
            problem(row, "unknown item for this checklist", checklist=checklist.id,
                    value=row.item, allowed=_allowed_items(checklist))
            continue
        row.item = item.id
        current_ref[0] = checklist.ref
        if item.answer_type == "choice" and not is_unanswered(row.answer):
            code = _code_for(item, row.answer)
            if code is None:
                problem(row, "answer not accepted by this item", checklist=checklist.id,
                        item=item.id, value=row.answer,
                        allowed=", ".join(f"{o.code} ({o.label})" for o in item.options))
                continue
            row.answer = code
        key = (row.study_id, checklist.ref)
        reviewer = row.reviewer
        earlier = grouped[key][reviewer].get(item.id)
        if earlier is not None:
            where = f"row {earlier.row}" if earlier.file == row.file else \
                f"{earlier.file}:{earlier.row}"
            problem(row, f"a second answer from the same reviewer (first at {where})",
                    checklist=checklist.id, item=item.id, reviewer=reviewer or "(unnamed)",
                    value=row.answer, allowed="one answer per study, item and reviewer")
            continue
        grouped[key][reviewer][item.id] = row

    # Each reviewer's appraisal must be complete for its scorer, except a consensus
    # reviewer's next to raters: consensus rows may cover only the disputed items.
    partial: dict[tuple[str, str], set[str]] = {}
    consensus_name = ctx.settings.consensus_reviewer
    consensus_may_be_partial = ctx.settings.consensus_method != "primary"
    for (study_id, ref), by_reviewer in list(grouped.items()):
        checklist = ctx.checklist(ref)
        # A scorer that cannot be resolved is the review's or the checklist's mistake, not
        # the answers': raised once (naming where), never skipped by --skip-invalid.
        _, scorer, options = ctx.scorer_for(checklist)
        exempt = consensus_may_be_partial and consensus_name in by_reviewer and \
            len(by_reviewer) > 1
        for reviewer, answers in list(by_reviewer.items()):
            found = _scorer_problems(scorer, checklist, answers, options)
            if found and exempt and reviewer == consensus_name:
                found = []
                partial.setdefault((study_id, ref), set()).add(reviewer)
            failed = bool(found) or any(
                k[:3] == (study_id, ref, reviewer) for k in bad_items)
            found = [p for p in found if (study_id, ref, reviewer, p.item) not in bad_items]
            for p in found:
                first = next(iter(answers.values()))
                row_of_item = answers.get(p.item) if p.item else None
                problems.append(Problem(
                    message=p.message, file=first.file,
                    row=row_of_item.row if row_of_item else None,
                    rows=[] if row_of_item else [r.row for r in answers.values() if r.row],
                    study_id=study_id, checklist=checklist.id, item=p.item, value=p.value,
                    allowed=p.allowed, reviewer=reviewer or None))
            if failed:
                # an incomplete appraisal cannot be scored: all its rows are skipped
                for r in answers.values():
                    bad_rows.add(id(r))
                del by_reviewer[reviewer]
        if not by_reviewer:
            del grouped[(study_id, ref)]

    skipped = [r for r in rows if id(r) in bad_rows]
    return Validated(appraisals={k: dict(v) for k, v in grouped.items()}, problems=problems,
                     skipped_rows=skipped, partial=partial)


def _scorer_problems(scorer: Any, checklist: Any, answers: Mapping[str, AnswerRow],
                     options: Mapping[str, Any]) -> list[AnswerProblem]:
    values = {item: row.answer for item, row in answers.items()}
    check = getattr(scorer, "check", None)
    if check is not None:
        return list(check(checklist, values, options))
    # A scorer without its own check: every scored item needs an answer row.
    return [AnswerProblem(message=f"scored item {i.id} has no answer row; add one", item=i.id,
                          allowed=", ".join(i.codes) or "free text")
            for i in checklist.scored_items if i.id not in values]


# --------------------------------------------------------------------------- consensus


@dataclass
class Resolved:
    """The answers scored for one study and checklist, and how they were reached."""

    study_id: str
    checklist_ref: str
    answers: dict[str, str]
    notes: dict[str, str]
    reviewers: list[str]
    resolution: str  # single | consensus | agreed | primary | conservative
    rows: list[int]
    file: str


def resolve_consensus(validated: Validated, ctx: Context) -> tuple[list[Resolved], list[Problem]]:
    """One set of answers per study and checklist, by the review's consensus rule.

    Rows of the consensus reviewer (``appraisal.consensus.reviewer``, default
    ``consensus``) settle the items they answer; they may cover only the disputed
    items, and the merged answers must then be complete for the scorer. Free-text
    items are never disputed: differing texts are kept side by side.
    """
    out: list[Resolved] = []
    problems: list[Problem] = []
    method = ctx.settings.consensus_method
    consensus_name = ctx.settings.consensus_reviewer
    for (study_id, ref), by_reviewer in validated.appraisals.items():
        all_rows = [r for answers in by_reviewer.values() for r in answers.values()]
        file = all_rows[0].file
        rows = sorted(r.row for r in all_rows if r.row)
        reviewers = list(by_reviewer)
        checklist = ctx.checklist(ref)
        partial = validated.partial.get((study_id, ref), set())

        def done(answers: Mapping[str, AnswerRow], how: str, study_id: str = study_id,
                 ref: str = ref, reviewers: list[str] = reviewers, rows: list[int] = rows,
                 file: str = file, checklist: Any = checklist,
                 check: bool = bool(partial)) -> None:
            if check and not _merged_complete(ctx, checklist, answers, study_id, file,
                                              rows, problems):
                return
            out.append(Resolved(study_id, ref, {k: r.answer for k, r in answers.items()},
                                {k: r.note for k, r in answers.items() if r.note},
                                reviewers, how, rows, file))

        if len(by_reviewer) == 1:
            done(next(iter(by_reviewer.values())), "single")
            continue
        if method == "primary":
            primary = ctx.settings.consensus_reviewer
            if primary not in by_reviewer:
                problems.append(Problem(
                    message=f"appraised by {', '.join(reviewers)} but not by the primary "
                            f"reviewer {primary!r} named in appraisal.consensus",
                    file=file, rows=rows, study_id=study_id, checklist=checklist.id,
                    allowed=primary))
                continue
            done(by_reviewer[primary], "primary")
            continue
        settled = by_reviewer.get(consensus_name, {})
        raters = {r: a for r, a in by_reviewer.items() if r != consensus_name}
        if not raters:  # only consensus rows (the raters' were invalid and skipped)
            done(settled, "consensus")
            continue
        items = list(dict.fromkeys([*(i for a in raters.values() for i in a), *settled]))
        agreed: dict[str, AnswerRow] = {}
        disagreements = []
        for item_id in items:
            if item_id in settled:
                agreed[item_id] = settled[item_id]
                continue
            given = {r: a[item_id] for r, a in raters.items() if item_id in a}
            values = {row.answer for row in given.values()}
            if len(values) == 1 and len(given) == len(raters):
                agreed[item_id] = next(iter(given.values()))
            elif _is_text_item(checklist, item_id):
                agreed[item_id] = _side_by_side(given)
            elif method == "conservative":
                chosen = _least_favourable(checklist, item_id, list(given.values()))
                if chosen is None:
                    disagreements.append((item_id, given))
                else:
                    agreed[item_id] = chosen
            else:
                disagreements.append((item_id, given))
        if disagreements:
            listed = "; ".join(
                f"item {i}: " + ", ".join(f"{r or '(unnamed)'} {row.answer!r}"
                                          for r, row in g.items())
                for i, g in disagreements)
            hint = (f"add rows from reviewer {consensus_name!r} with the agreed answers to "
                    "these items" if method == "consensus-reviewer" else
                    "these items have no points to compare; add rows from reviewer "
                    f"{consensus_name!r} with the agreed answers")
            problems.append(Problem(
                message=f"reviewers disagree and there is no consensus ({listed}); {hint}",
                file=file, rows=rows, study_id=study_id, checklist=checklist.id,
                allowed="one agreed answer per item"))
            continue
        done(agreed, "consensus" if settled else
             "conservative" if method == "conservative" else "agreed")
    return out, problems


def _is_text_item(checklist: Any, item_id: str) -> bool:
    item = _find_item(checklist, item_id)
    return item is not None and item.answer_type != "choice"


def _side_by_side(given: Mapping[str, AnswerRow]) -> AnswerRow:
    """Differing free-text answers of several reviewers, kept together (not scored)."""
    first = next(iter(given.values()))
    text = " | ".join(f"{r or '(unnamed)'}: {row.answer}" for r, row in given.items()
                      if not is_unanswered(row.answer))
    notes = " | ".join(f"{r or '(unnamed)'}: {row.note}" for r, row in given.items()
                       if row.note)
    return AnswerRow(study_id=first.study_id, checklist=first.checklist, item=first.item,
                     answer=text, reviewer="", note=notes, row=first.row, file=first.file)


def _merged_complete(ctx: Context, checklist: Any, answers: Mapping[str, AnswerRow],
                     study_id: str, file: str, rows: list[int],
                     problems: list[Problem]) -> bool:
    """Check answers merged from raters and partial consensus rows; report what is missing."""
    _, scorer, options = ctx.scorer_for(checklist)
    found = _scorer_problems(scorer, checklist, answers, options)
    for p in found:
        row_of_item = answers.get(p.item) if p.item else None
        problems.append(Problem(
            message=f"after consensus: {p.message}", file=file,
            row=row_of_item.row if row_of_item else None,
            rows=[] if row_of_item else rows, study_id=study_id, checklist=checklist.id,
            item=p.item, value=p.value, allowed=p.allowed))
    return not found


def _least_favourable(checklist: Any, item_id: str, rows: list[AnswerRow]) -> AnswerRow | None:
    """The answer earning the fewest points (unanswered counts as 0); None if an answer
    has no points to compare (e.g. a free-text item or a checklist without points)."""
    points = checklist.scoring.points if checklist.scoring is not None else {}

    def value(row: AnswerRow) -> float | None:
        return 0.0 if is_unanswered(row.answer) else points.get(row.answer)

    if any(value(r) is None for r in rows):
        return None
    return min(rows, key=lambda r: value(r) or 0.0)


# --------------------------------------------------------------------------- scoring


@dataclass
class StudyScore:
    """The scored appraisal of one study with one checklist."""

    study_id: str
    checklist: str
    checklist_version: str
    design: str | None
    scorer: str
    score_percent: float | None
    grade: str | None
    reviewers: list[str]
    resolution: str
    answers: dict[str, str]
    details: dict[str, Any]
    reviewer_grades: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_one(ctx: Context, checklist: Any, answers: Mapping[str, str]) -> tuple[str, dict]:
    """Score one set of answers; return (scorer name, normalised result).

    The scorer's result is checked at the boundary (``check_score_result``): a malformed
    one stops with a message naming the scorer and its plugin.
    """
    from evidencekit.core.results import check_score_result

    name, scorer, options = ctx.scorer_for(checklist)
    who = f"appraisal scorer {name!r} ({ctx.registry.info('appraisal-scorer', name).origin})"
    return name, check_score_result(scorer.score(checklist, dict(answers), options), who)


@dataclass
class AppraisalReport:
    """Everything ``appraise score`` reports."""

    studies: list[StudyScore]
    grades: dict[str, int]
    by_design: dict[str, dict[str, int]]
    by_checklist: dict[str, dict[str, int]]
    no_checklist: list[dict[str, str]]
    not_appraised: list[str]
    skipped: list[Problem]
    agreement: dict[str, Any]
    checklists: dict[str, dict[str, Any]]
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "studies": [s.to_dict() for s in self.studies],
            "grades": dict(self.grades),
            "by_design": self.by_design,
            "by_checklist": self.by_checklist,
            "no_checklist": self.no_checklist,
            "not_appraised": self.not_appraised,
            "skipped": [p.to_dict() for p in self.skipped],
            "agreement": self.agreement,
            "checklists": self.checklists,
            "files": self.files,
        }


def appraise(
    rows: Sequence[AnswerRow],
    ctx: Context,
    *,
    skip_invalid: bool = False,
    files: Sequence[str] = (),
) -> AppraisalReport:
    """Validate, resolve and score ``rows``; raise :class:`AnswersInvalid` on problems
    unless ``skip_invalid`` (then the problems are listed under ``skipped``)."""
    validated = validate_answers(rows, ctx)
    resolved, consensus_problems = resolve_consensus(validated, ctx)
    problems = validated.problems + consensus_problems
    if problems and not skip_invalid:
        raise AnswersInvalid(problems)
    if problems:
        problems = problems + _skipped_with_their_appraisal(validated, problems)

    grade_order: list[str] = []
    scores: list[StudyScore] = []
    for res in resolved:
        checklist = ctx.checklist(res.checklist_ref)
        name, result = score_one(ctx, checklist, res.answers)
        for g in result.get("grades") or []:
            if g not in grade_order:
                grade_order.append(g)
        reviewer_grades: dict[str, str | None] = {}
        if len(res.reviewers) > 1:
            key = (res.study_id, res.checklist_ref)
            by_reviewer = validated.appraisals[key]
            for reviewer, answers in by_reviewer.items():
                if reviewer in validated.partial.get(key, ()):
                    continue  # consensus rows on the disputed items only: no grade of their own
                _, own = score_one(ctx, checklist, {k: r.answer for k, r in answers.items()})
                reviewer_grades[reviewer] = own["grade"]
        design = ctx.design_of(res.study_id) or checklist.design
        details = {k: v for k, v in result.items() if k not in ("grade", "score_percent")}
        if res.notes:
            details["notes"] = res.notes
        scores.append(StudyScore(
            study_id=res.study_id, checklist=checklist.id, checklist_version=checklist.version,
            design=design, scorer=name, score_percent=result["score_percent"],
            grade=result["grade"], reviewers=res.reviewers, resolution=res.resolution,
            answers=res.answers, details=details, reviewer_grades=reviewer_grades))
    scores.sort(key=lambda s: (s.study_id, s.checklist))

    def ordered(counter: Counter) -> dict[str, int]:
        keys = [g for g in grade_order if g in counter] + sorted(
            (g for g in counter if g not in grade_order), key=str)
        return {str(k): counter[k] for k in keys}

    grades = ordered(Counter(s.grade for s in scores))
    by_design: dict[str, Counter] = defaultdict(Counter)
    by_checklist: dict[str, Counter] = defaultdict(Counter)
    for s in scores:
        by_design[s.design or "(unknown)"][s.grade] += 1
        by_checklist[s.checklist][s.grade] += 1

    appraised = {s.study_id for s in scores}
    no_checklist: list[dict[str, str]] = []
    not_appraised: list[str] = []
    if ctx.studies is not None:
        for study_id in ctx.studies:
            design = ctx.design_of(study_id)
            if ctx.settings.checklists and not ctx.settings.checklists_for(design):
                no_checklist.append({"study_id": study_id, "design": design or ""})
            if study_id not in appraised:
                not_appraised.append(study_id)

    checklists = {}
    for ref in sorted({r.checklist_ref for r in resolved}):
        c = ctx.checklist(ref)
        checklists[c.id] = {"version": c.version, "title": c.title, "design": c.design,
                            "items": [{"id": i.id, "number": i.number, "scored": i.scored,
                                       "answer_type": i.answer_type} for i in c.items]}

    return AppraisalReport(
        studies=scores,
        grades=grades,
        by_design={d: ordered(c) for d, c in sorted(by_design.items())},
        by_checklist={k: ordered(c) for k, c in sorted(by_checklist.items())},
        no_checklist=no_checklist,
        not_appraised=not_appraised,
        skipped=problems,
        agreement=dual_agreement(validated, ctx),
        checklists=checklists,
        files=list(files),
    )


def _skipped_with_their_appraisal(validated: Validated,
                                  problems: Sequence[Problem]) -> list[Problem]:
    """Valid rows skipped because their appraisal has an invalid row, one entry per
    appraisal, so that ``--skip-invalid`` lists every row it leaves out."""
    named = {(p.file, p.row) for p in problems if p.row is not None}
    named |= {(p.file, r) for p in problems for r in p.rows}
    groups: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for row in validated.skipped_rows:
        if row.row is not None and (row.file, row.row) not in named:
            groups[(row.file, row.study_id, row.checklist, row.reviewer)].append(row.row)
    return [Problem(message="valid rows skipped with the rest of this appraisal, which has "
                            "the problem(s) above: an appraisal is scored whole or not at all",
                    file=file, rows=rows, study_id=study_id or None,
                    checklist=checklist or None, reviewer=reviewer or None)
            for (file, study_id, checklist, reviewer), rows in groups.items()]


def score_files(
    answers: str | Path | Sequence[str | Path],
    ctx: Context,
    *,
    skip_invalid: bool = False,
) -> AppraisalReport:
    """Read answer files and :func:`appraise` them."""
    paths = [answers] if isinstance(answers, (str, Path)) else list(answers)
    rows = read_answers(paths)
    return appraise(rows, ctx, skip_invalid=skip_invalid, files=[str(p) for p in paths])


# --------------------------------------------------------------------------- agreement


def dual_agreement(validated: Validated, ctx: Context) -> dict[str, Any]:
    """Item-level agreement between each pair of reviewers who appraised the same studies.

    Only choice items count; an empty answer is its own category ("unanswered").
    The consensus reviewer's rows are the resolution, not a rater, and are left out.
    """
    from evidencekit.core.agreement import agreement

    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    consensus_name = ctx.settings.consensus_reviewer
    for (study_id, ref), by_reviewer in validated.appraisals.items():
        raters = sorted(r for r in by_reviewer if r != consensus_name or
                        ctx.settings.consensus_method == "primary")
        if len(raters) < 2:
            continue
        checklist = ctx.checklist(ref)
        choice_items = [i.id for i in checklist.items if i.answer_type == "choice"]
        for i, a in enumerate(raters):
            for b in raters[i + 1:]:
                slot = pairs.setdefault((a, b), {"a": [], "b": [], "studies": set(),
                                                 "disagreements": [], "by_checklist": {}})
                per = slot["by_checklist"].setdefault(checklist.id, {"a": [], "b": []})
                slot["studies"].add(study_id)
                for item_id in choice_items:
                    ra, rb = by_reviewer[a].get(item_id), by_reviewer[b].get(item_id)
                    if ra is None or rb is None:
                        continue
                    va, vb = ra.answer or "(unanswered)", rb.answer or "(unanswered)"
                    slot["a"].append(va)
                    slot["b"].append(vb)
                    per["a"].append(va)
                    per["b"].append(vb)
                    if va != vb:
                        slot["disagreements"].append(
                            {"study_id": study_id, "checklist": checklist.id, "item": item_id,
                             a or "(unnamed)": va, b or "(unnamed)": vb})
    out = []
    for (a, b), slot in sorted(pairs.items()):
        entry = {"reviewers": [a, b], "studies": len(slot["studies"]),
                 **agreement(slot["a"], slot["b"]),
                 "by_checklist": {c: agreement(v["a"], v["b"])
                                  for c, v in sorted(slot["by_checklist"].items())},
                 "disagreements": slot["disagreements"]}
        out.append(entry)
    return {"pairs": out}


# --------------------------------------------------------------------------- table


def quality_table(report: AppraisalReport) -> tuple[list[str], list[dict[str, Any]]]:
    """The study × items table: one row per study and checklist, items as columns."""
    item_columns: list[str] = []
    for info in report.checklists.values():
        for item in info["items"]:
            if item["answer_type"] == "choice" and item["id"] not in item_columns:
                item_columns.append(item["id"])
    header = ["study_id", "checklist", "design", *item_columns, "score_percent", "grade",
              "reviewers", "resolution"]
    rows = []
    for s in report.studies:
        row: dict[str, Any] = {"study_id": s.study_id, "checklist": s.checklist,
                               "design": s.design or ""}
        for col in item_columns:
            row[col] = s.answers.get(col, "")
        row["score_percent"] = "" if s.score_percent is None else f"{s.score_percent:.1f}"
        row["grade"] = s.grade or ""
        row["reviewers"] = ";".join(s.reviewers)
        row["resolution"] = s.resolution
        rows.append(row)
    return header, rows


def table_csv(report: AppraisalReport, *, raw: bool = False) -> str:
    """:func:`quality_table` as CSV text (formula-like cells neutralised unless ``raw``)."""
    from evidencekit.core.safe_cells import csv_text

    header, rows = quality_table(report)
    return csv_text(header, rows, raw=raw)
