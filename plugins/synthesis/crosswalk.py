"""The ``crosswalk`` synthesis method: the influences grouped by the domains of another
framework through a crosswalk instrument, with each domain's combined share of studies.
Conditional mappings (the paper's "if provided internally") stay visible."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import EvidencekitError
from evidencekit.core.instruments.models import parse_ref
from evidencekit.plugins.synthesis._counting import COMMON_OPTIONS, vote_count


class CrosswalkMap:
    """Group the counted influences by the target framework's domains."""

    name = "crosswalk"
    description = (
        "Influences grouped by another framework's domains through a crosswalk, "
        "with each domain's combined share of studies."
    )
    options_schema = {
        "type": "object",
        "required": ["crosswalk"],
        "properties": {
            "crosswalk": {
                "type": "string",
                "minLength": 1,
                "description": "The crosswalk instrument (id, id@version or file).",
            },
            **COMMON_OPTIONS,
        },
        "additionalProperties": False,
    }

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        walk = studies.find_instrument(options["crosswalk"], "crosswalk")
        source_id, source_version = parse_ref(walk.source_framework)
        if source_id != framework.id or (source_version and source_version != framework.version):
            raise EvidencekitError(
                f"crosswalk {walk.ref} maps {walk.source_framework}, not {framework.ref}; "
                "choose a crosswalk from this framework"
            )
        target = studies.find_instrument(walk.target_framework, "framework")
        counted = vote_count(
            studies,
            framework,
            tie_rule=options.get("tie_rule", "framework-order"),
            denominator=options.get("denominator", "included"),
        )
        total = counted["n_studies"]
        by_id = {e["id"]: e for e in (*counted["influences"], *counted["unclear_direction"])}
        domains = []
        for domain in target.domains:
            members = {
                domain.id,
                *(e.id for e in domain.all_entries()),
                *(s.id for s in domain.subdomains),
            }
            maps = [m for m in walk.mappings if m.target in members]
            shown = []
            every: set[str] = set()
            always: set[str] = set()
            for m in sorted(
                maps, key=lambda m: by_id[m.source]["rank"] if m.source in by_id else 0
            ):
                entry = by_id.get(m.source)
                if entry is None:
                    continue
                shown.append(
                    {
                        "id": entry["id"],
                        "name": entry["name"],
                        "n_studies": entry["n_studies"],
                        "share": entry["share"],
                        "target": m.target,
                        "condition": m.condition,
                    }
                )
                every.update(entry["study_ids"])
                if m.condition is None:
                    always.update(entry["study_ids"])
            domains.append(
                {
                    "id": domain.id,
                    "name": domain.name,
                    "influences": shown,
                    "n_studies": len(every),
                    "share": len(every) / total if total else None,
                    "n_studies_unconditional": len(always),
                    "share_unconditional": len(always) / total if total else None,
                }
            )
        mapped = {m.source for m in walk.mappings}
        unmapped = [
            {"id": e["id"], "name": e["name"], "n_studies": e["n_studies"], "share": e["share"]}
            for e in (*counted["influences"], *counted["unclear_direction"])
            if e["id"] not in mapped
        ]
        return {
            "method": self.name,
            "crosswalk": walk.ref,
            "from": framework.ref,
            "to": target.ref,
            "n_studies": total,
            "domains": domains,
            "unmapped": unmapped,
            "note": (
                "A domain's share counts the studies coding at least one influence "
                "mapped to it, conditional mappings included; "
                "share_unconditional counts only mappings without a condition."
            ),
        }


@hookimpl
def evidencekit_synthesis_methods() -> list[Any]:
    return [CrosswalkMap()]
