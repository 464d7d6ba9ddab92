"""References between instruments, checked against a whole catalogue (a measure's
influences in its framework, a crosswalk's entries on both sides)."""

from __future__ import annotations

from typing import Any

from evidencekit.core.instruments.checks.located import PathKey, _Problems


def reference_problems(catalog: Any) -> list[str]:
    """Problems with references between instruments in ``catalog``.

    Checks that a measure's framework exists and holds each item's influence,
    that a crosswalk's frameworks exist and hold its sources and targets, that
    crosswalk entries written inside a framework point at real targets, and
    that a form's coded-influences framework exists.
    """
    from evidencekit.core.errors import InstrumentError

    out: list[str] = []
    for entry in catalog.entries():
        instrument = entry.instrument
        problems = _Problems(instrument.path or instrument.ref, instrument.line_of)

        def framework(ref: str, path: PathKey, problems: _Problems = problems) -> Any:
            try:
                return catalog.get(ref, kind="framework")
            except InstrumentError as exc:
                problems.add(path, "; ".join(exc.problems))
                return None

        kind = instrument.kind
        if kind == "measure" and instrument.framework:
            target = framework(instrument.framework, ("framework",))
            if target is not None:
                for i, item in enumerate(instrument.items):
                    if item.influence and item.influence not in target.ids():
                        problems.add(
                            ("items", i, "influence"),
                            f"{target.ref} has no entry {item.influence!r}",
                        )
        elif kind == "crosswalk":
            source = framework(instrument.source_framework, ("from",))
            target = framework(instrument.target_framework, ("to",))
            for i, mapping in enumerate(instrument.mappings):
                if source is not None and mapping.source not in source.ids():
                    problems.add(
                        ("mappings", i, "source"), f"{source.ref} has no entry {mapping.source!r}"
                    )
                if target is not None and mapping.target not in target.ids() | target.domain_ids():
                    problems.add(
                        ("mappings", i, "target"),
                        f"{target.ref} has no entry or domain {mapping.target!r}",
                    )
        elif kind == "framework":
            for path, links in _framework_crosswalks(instrument.raw):
                for i, link in enumerate(links):
                    target = framework(link["framework"], (*path, i, "framework"))
                    if target is not None and link["target"] not in (
                        target.ids() | target.domain_ids()
                    ):
                        problems.add(
                            (*path, i, "target"),
                            f"{target.ref} has no entry or domain {link['target']!r}",
                        )
        elif kind == "form" and instrument.influence_framework:
            framework(instrument.influence_framework, ("coded_influences", "framework"))
        out.extend(problems.lines)
    return out


def _framework_crosswalks(data: dict[str, Any]) -> list[tuple[PathKey, list[dict[str, Any]]]]:
    """Every non-empty ``crosswalk`` list in a framework, with its path."""
    found: list[tuple[PathKey, list[dict[str, Any]]]] = []

    def entries(raw: list[dict[str, Any]], path: PathKey) -> None:
        for i, entry in enumerate(raw):
            if entry.get("crosswalk"):
                found.append(((*path, i, "crosswalk"), entry["crosswalk"]))
            entries(entry.get("entries") or [], (*path, i, "entries"))

    for d, domain in enumerate(data.get("domains") or []):
        entries(domain.get("entries") or [], ("domains", d, "entries"))
        for s, sub in enumerate(domain.get("subdomains") or []):
            entries(sub["entries"], ("domains", d, "subdomains", s, "entries"))
    entries(data.get("entries") or [], ("entries",))
    return found
