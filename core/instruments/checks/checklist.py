"""Checks of a checklist a schema cannot express: unique ids and numbers, sections and
answer sets that exist, scored items that can be scored. Its ``scoring`` block is
checked by the scorer it names (``instruments/scoring_blocks.py``)."""

from __future__ import annotations

from typing import Any

from evidencekit.core.instruments.checks.located import PathKey, _Problems, listing


def _check_options(options: list[dict[str, Any]], path: PathKey, problems: _Problems) -> None:
    seen: dict[Any, PathKey] = {}
    for i, option in enumerate(options):
        problems.unique(seen, option["code"], (*path, i, "code"), "answer code")


def _check_answer_source(
    item: dict[str, Any],
    path: PathKey,
    answer_sets: dict[str, Any],
    problems: _Problems,
    *,
    default_type: str | None = None,
    inherits_options: bool = False,
) -> str:
    """Check how an item (or a part) declares its answers; return its answer type.

    A part answers like its item unless it says otherwise, so it may use the
    item's options (``inherits_options``) and type (``default_type``).
    """
    has_set, has_options = "answers" in item, "options" in item
    if has_set and has_options:
        problems.add(path, "give either 'answers' (an answer set) or 'options', not both")
    if has_set and item["answers"] not in answer_sets:
        problems.add(
            (*path, "answers"),
            f"unknown answer set {item['answers']!r}; answer sets: {listing(answer_sets)}",
        )
    if has_options:
        _check_options(item["options"], (*path, "options"), problems)
    if default_type is None:
        default_type = "choice" if has_set or has_options else "text"
    answer_type = item.get("answer_type", default_type)
    if answer_type == "choice" and not (has_set or has_options or inherits_options):
        problems.add((*path, "answer_type"), "a choice item needs 'answers: SET' or 'options'")
    if answer_type != "choice" and (has_set or has_options):
        problems.add(
            (*path, "answer_type"),
            f"a {answer_type} item takes free text, so 'answers'/'options' do not apply; "
            "remove them or use answer_type: choice",
        )
    return answer_type


def _check_checklist(data: dict[str, Any], problems: _Problems) -> None:
    answer_sets = data.get("answer_sets") or {}
    for name, options in answer_sets.items():
        _check_options(options, ("answer_sets", name), problems)

    section_ids: dict[Any, PathKey] = {}
    for i, section in enumerate(data.get("sections") or []):
        problems.unique(section_ids, section["id"], ("sections", i, "id"), "section id")

    ids: dict[Any, PathKey] = {}
    numbers: dict[Any, PathKey] = {}
    for i, item in enumerate(data["items"]):
        path: PathKey = ("items", i)
        problems.unique(ids, item["id"], (*path, "id"), "item id")
        problems.unique(numbers, str(item["number"]), (*path, "number"), "item number")
        if "section" in item and item["section"] not in section_ids:
            problems.add(
                (*path, "section"),
                f"unknown section {item['section']!r}; sections: {listing(section_ids)}",
            )
        answer_type = _check_answer_source(item, path, answer_sets, problems)
        scored = item.get("scored", answer_type == "choice")
        if scored and answer_type != "choice":
            problems.add(
                (*path, "scored"),
                f"a {answer_type} item cannot be scored (it has no answer options); "
                "set scored: false",
            )
        for j, part in enumerate(item.get("parts") or []):
            part_path = (*path, "parts", j)
            problems.unique(ids, part["id"], (*part_path, "id"), "item id")
            _check_answer_source(
                part,
                part_path,
                answer_sets,
                problems,
                default_type=answer_type,
                inherits_options=answer_type == "choice",
            )


def item_codes(
    data: dict[str, Any], *, scored_only: bool = False
) -> tuple[dict[str, list[str]], bool]:
    """Answer codes of each item of checklist ``data`` (of its scored choice items only,
    if ``scored_only``), and whether every one was known.

    For scorers' own checks. An item whose answer set is unknown was reported already;
    ``complete`` is then False, so that a check of codes does not repeat that error.
    """
    answer_sets = data.get("answer_sets") or {}
    codes: dict[str, list[str]] = {}
    complete = True
    for item in data["items"]:
        answer_type = item.get(
            "answer_type", "choice" if "answers" in item or "options" in item else "text"
        )
        if scored_only and not (
            item.get("scored", answer_type == "choice") and answer_type == "choice"
        ):
            continue
        if "options" in item:
            codes[item["id"]] = [o["code"] for o in item["options"]]
        elif item.get("answers") in answer_sets:
            codes[item["id"]] = [o["code"] for o in answer_sets[item["answers"]]]
        elif scored_only:
            complete = False
        else:
            codes[item["id"]] = []
    return codes, complete
