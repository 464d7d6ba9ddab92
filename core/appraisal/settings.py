"""The review's ``appraisal:`` settings and the context validation and scoring need
(checklists, scorers with their options, studies and their designs)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, InstrumentError

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
        from evidencekit.core.schema_validation import validation_messages

        bands = data.get("bands")
        if isinstance(bands, Mapping) and not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in bands.values()
        ):
            # the schema's anyOf would only say "not of type 'array'"
            raise EvidencekitError(
                f"{where}: appraisal.bands must map each grade to its lowest percentage, "
                f"e.g. {{good: 60, fair: 45, poor: 0}}; found {dict(bands)!r}"
            )
        problems = validation_messages(data, SETTINGS_SCHEMA)
        if problems:
            raise EvidencekitError(
                f"{where}: appraisal section: "
                + "; ".join(p.replace("$", "$.appraisal", 1) for p in problems)
            )
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
                override["bands"] = _bands_list(
                    override["bands"], f"{where}: appraisal.overrides.{checklist_id}"
                )
            settings.overrides[checklist_id] = override
        consensus = data.get("consensus") or {}
        settings.consensus_method = consensus.get("method", "consensus-reviewer")
        if "reviewer" in consensus:
            settings.consensus_reviewer = consensus["reviewer"]
        elif settings.consensus_method == "primary":
            raise EvidencekitError(
                f"{where}: appraisal.consensus.method 'primary' needs 'reviewer': the name of "
                "the reviewer whose answers count"
            )
        settings.answers = data.get("answers")
        settings.studies = data.get("studies")
        settings.design_column = data.get("design_column", "design")
        return settings

    def checklists_for(self, design: str | None) -> list[str]:
        """Checklist ids the review maps ``design`` to (empty if none)."""
        if not design:
            return []
        return self.checklists.get(_norm(design), [])


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
            review.section("appraisal"), where=str(review.file)
        )
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
                f"appraisal.overrides.{checklist.id}.scorer to review.yaml"
            )
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
                f"block and {review_file}: appraisal.options, .bands and .overrides)"
            ) from None
        return name, provider, options


def load_context(
    review_dir: str | Path | Any = ".",
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
                    "is the review folder); rename it or pass the folder"
                )
            review_dir = path.parent
    from evidencekit.core.review import Review

    # An open review (the pipeline's) is used as it is: its catalog is built once per run.
    review = review_dir if isinstance(review_dir, Review) else open_review(review_dir)
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
    return Context(
        review, settings=settings, studies=studies, studies_file=str(chosen) if chosen else None
    )
