"""The double-extracted sample: drawn with a recorded seed, split by reviewer, and
agreement per field and per coded influence."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.extraction.validate import Checked


def draw_sample(
    study_ids: Iterable[str],
    *,
    fraction: float | None = None,
    n: int | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """A seeded random sample of studies for a second extractor.

    Give ``fraction`` (0-1; the sample size is rounded up, so 10 % of 53 studies
    is 6) or ``n``. Without ``seed`` one is drawn and returned: record it, and the
    same call with it gives the same sample. Ids are sorted before sampling, so
    the file order of the studies does not matter.
    """
    population = sorted(dict.fromkeys(str(s) for s in study_ids))
    if (fraction is None) == (n is None):
        raise EvidencekitError("give either a fraction or a number of studies to sample")
    if fraction is not None:
        if not 0 < fraction <= 1:
            raise EvidencekitError(f"the sample fraction must be in (0, 1], got {fraction}")
        # rounded up (a tolerance so 0.1 × 30 is 3, not 4), and never an empty sample
        size = max(1, math.ceil(fraction * len(population) - 1e-9))
    else:
        size = int(n)  # type: ignore[arg-type]
        if size < 1:
            raise EvidencekitError(f"the sample size must be at least 1, got {size}")
    if size > len(population):
        raise EvidencekitError(
            f"cannot sample {size} studies from {len(population)}; lower the number"
        )
    if seed is None:
        import secrets

        seed = secrets.randbelow(2**31)
    import random

    chosen = random.Random(seed).sample(population, size)
    return {
        "seed": seed,
        "fraction": fraction,
        "n": size,
        "population": len(population),
        "study_ids": sorted(chosen),
    }


def _comparable(spec: Any, value: Any) -> Any:
    """A value in the form compared for agreement: lists as sets, text folded."""
    if value is None or value == []:
        return "(empty)"
    if isinstance(value, list):
        return tuple(sorted(" ".join(str(v).split()).casefold() for v in value))
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def field_agreement(
    first: Checked,
    second: Checked,
    form: Any,
    *,
    only: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Field-level agreement between two extractors on the studies both extracted.

    Per field: percent agreement (Wilson interval) over the shared studies, and
    Cohen's kappa for categorical fields (choice, boolean). Text is compared
    ignoring case and spacing, lists as sets.
    """
    from evidencekit.core.agreement import agreement, percent_agreement

    a = {r["study_id"]: r for r in first.rows}
    b = {r["study_id"]: r for r in second.rows}
    shared = sorted(set(a) & set(b))
    missing = None
    if only is not None:
        wanted = set(only)
        shared = [s for s in shared if s in wanted]
        # a sampled study one extractor has no record for is not compared: say so
        missing = {"first": sorted(wanted - set(a)), "second": sorted(wanted - set(b))}
    fields: dict[str, Any] = {}
    all_a: list[Any] = []
    all_b: list[Any] = []
    disagreements = []
    for spec in form.fields:
        if spec.id == "study_id":
            continue  # the key the records are matched on
        va = [_comparable(spec, a[s].get(spec.id)) for s in shared]
        vb = [_comparable(spec, b[s].get(spec.id)) for s in shared]
        all_a.extend(f"{spec.id}={v}" for v in va)
        all_b.extend(f"{spec.id}={v}" for v in vb)
        categorical = spec.type in ("choice", "boolean") and not spec.multiple
        if categorical:
            entry = agreement([str(v) for v in va], [str(v) for v in vb])
        else:
            pa = percent_agreement(va, vb)
            entry = {
                "n": pa.n,
                "agreed": pa.agreed,
                "percent": pa.percent,
                "percent_ci": [pa.ci_low, pa.ci_high] if pa.percent is not None else None,
            }
        entry["type"] = spec.type
        fields[spec.id] = entry
        for s, x, y in zip(shared, va, vb, strict=True):
            if x != y:
                disagreements.append(
                    {
                        "study_id": s,
                        "field": spec.id,
                        "first": a[s].get(spec.id),
                        "second": b[s].get(spec.id),
                    }
                )
    overall = percent_agreement(all_a, all_b)
    return {
        "studies": shared,
        "only_in_first": sorted(set(a) - set(b)),
        "only_in_second": sorted(set(b) - set(a)),
        "sample_missing": missing,
        "fields": fields,
        "overall": {
            "n": overall.n,
            "agreed": overall.agreed,
            "percent": overall.percent,
            "percent_ci": [overall.ci_low, overall.ci_high]
            if overall.percent is not None
            else None,
        },
        "disagreements": disagreements,
    }


def influence_agreement(
    first: Checked,
    second: Checked,
    framework: Any | None,
    *,
    only: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Agreement on coded influences for the studies both coders coded.

    *Presence*: for every shared study and every influence (the framework's, or
    all those either coder used), whether it was coded — percent and kappa.
    *Direction*: for influences both coded in a study, whether the sets of
    directions given match.
    """
    from evidencekit.core.agreement import agreement

    def index(checked: Checked) -> dict[str, dict[str, set[str]]]:
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in checked.rows:
            out[r["study_id"]][r["influence"]].add(str(r.get("direction") or ""))
        return out

    a, b = index(first), index(second)
    shared = sorted(set(a) & set(b))
    missing = None
    if only is not None:
        # Both coders were to code every sampled study, and a study with no influence has
        # no rows: a sampled study in one file only is compared as "nothing coded" by the
        # other (listed), and one in neither file is listed and left out.
        wanted = set(only)
        coded = set(a) | set(b)
        shared = sorted(wanted & coded)
        missing = {
            "first": sorted((wanted & coded) - set(a)),
            "second": sorted((wanted & coded) - set(b)),
            "both": sorted(wanted - coded),
        }
    if framework is not None:
        influences = sorted(framework.ids())
    else:
        influences = sorted({i for s in shared for i in (*a[s], *b[s])})
    pa, pb = [], []
    direction_a, direction_b = [], []
    disagreements = []
    for s in shared:
        for influence in influences:
            in_a, in_b = influence in a[s], influence in b[s]
            pa.append(in_a)
            pb.append(in_b)
            if in_a and in_b:
                da, db = "+".join(sorted(a[s][influence])), "+".join(sorted(b[s][influence]))
                direction_a.append(da)
                direction_b.append(db)
                if da != db:
                    disagreements.append(
                        {"study_id": s, "influence": influence, "first": da, "second": db}
                    )
            elif in_a or in_b:
                disagreements.append(
                    {
                        "study_id": s,
                        "influence": influence,
                        "first": "coded" if in_a else "not coded",
                        "second": "coded" if in_b else "not coded",
                    }
                )
    return {
        "studies": shared,
        "sample_missing": missing,
        "influences": len(influences),
        "presence": agreement(pa, pb, categories=[False, True]),
        "direction": agreement(direction_a, direction_b),
        "disagreements": disagreements,
    }


def split_by_reviewer(
    checked: Checked, reviewers: Sequence[str] | None = None
) -> tuple[Checked, Checked, list[str]]:
    """Split one file's rows by the ``reviewer`` column into two extractors' rows."""
    names = list(dict.fromkeys(str(r.get("reviewer") or "") for r in checked.rows))
    if reviewers:
        missing = [r for r in reviewers if r not in names]
        if missing:
            raise EvidencekitError(
                f"{checked.file}: no rows from reviewer(s) {', '.join(missing)}; reviewers in "
                f"the file: {', '.join(n or '(unnamed)' for n in names)}"
            )
        names = list(reviewers)
    if len(names) != 2:
        raise EvidencekitError(
            f"{checked.file}: agreement needs exactly two reviewers; the file has "
            f"{len(names)} ({', '.join(n or '(unnamed)' for n in names)}); name two with "
            "--reviewers A,B or give two files"
        )
    parts = []
    for name in names:
        parts.append(
            Checked(
                rows=[r for r in checked.rows if str(r.get("reviewer") or "") == name],
                kind=checked.kind,
                file=checked.file,
            )
        )
    return parts[0], parts[1], names
