"""Write studies.csv and codings.csv: CONSTRUCTED study-level data for the synthesis.

The reference review (Ibrahim et al. 2020) publishes only marginals of its 53 included
studies: designs (38 qualitative, 10 RCTs, 4 cohort, 1 case-control), countries (USA 30,
UK 7, ...), modality of peer support (13 individual, 6 group, 23 both, 11 not stated),
quality grades (47 good, 1 fair, 5 poor), the share of papers coding each of its 14
influences (53 %, 42 %, ... of 53), and three results: the individual-modality subgroup
keeps all eight strongest influences (top three organisational culture, PSW role
definition, resource availability); in the group-modality subgroup PSW role definition
and support for PSW well-being drop below 10 % and organisational culture is strongest;
excluding the 6 poor and fair studies changes neither the retained influences nor their
order. Which study is which, and which study coded what, is not published.

This script constructs one study-level data set that reproduces all of these. Study ids,
designs and grades are those of appraisal-answers.csv (construct_appraisal_answers.py):
S01-S38 qualitative, S39-S48 RCTs, S49-S52 cohort, S53 case-control; S07 fair and S15,
S26, S33, S44, S50 poor. The derivation is in README.md ("How the synthesis data were
constructed"). Nothing here is computed by evidencekit: the tests run evidencekit on the
files this script writes and compare its output with the published figures.

Run from anywhere:  python construct_synthesis_data.py [--check]
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20180724  # the protocol's registration date; any fixed seed would do

DESIGNS = [("qualitative", 38), ("randomised controlled trial", 10), ("cohort", 4),
           ("case-control", 1)]
NOT_GOOD = ["S07", "S15", "S26", "S33", "S44", "S50"]  # fair and poor, as in the appraisal
COUNTRIES = {"USA": 30, "UK": 7, "Australia": 5, "Canada": 3, "Republic of Ireland": 2,
             "Belgium": 1, "Germany": 1, "Hong Kong": 1, "Japan": 1, "Netherlands": 1,
             "Israel; USA": 1}
MODALITY = {"individual": 13, "group": 6, "both": 23, "not stated": 11}

# Studies coding each influence in four cells: individual modality (13 studies), group
# modality (6), the 6 poor/fair studies (all of modality 'both' or 'not stated'), and the
# other 28 studies of modality 'both' or 'not stated'. Rows sum to the published share of
# 53 (28 = 53 %, 22 = 42 %, ...). Why these numbers: README.md.
CELLS = {  # influence: (individual, group, poor/fair, rest)
    "organisational-culture": (8, 4, 3, 13),
    "psw-training": (5, 3, 2, 12),
    "psw-role-definition": (7, 0, 2, 12),
    "staff-willingness-and-ability": (4, 2, 2, 10),
    "resource-availability": (6, 1, 1, 3),
    "financial-arrangements": (3, 1, 1, 3),
    "support-for-psw-wellbeing": (2, 0, 1, 4),
    "psw-peer-network-access": (2, 1, 1, 3),
    "psw-self-management": (1, 0, 1, 3),
    "psw-expectations": (1, 0, 0, 2),
    "organisational-processes": (0, 0, 0, 3),
    "research-design-needs": (0, 0, 0, 1),
    "psw-patient-match": (0, 0, 0, 2),       # unclear direction
    "emotional-intensity": (0, 0, 0, 1),     # unclear direction
}
UNCLEAR = {"psw-patient-match", "emotional-intensity"}

# Constructed factor wording (the paper's Table 1 contents are not available to us).
FACTORS = {
    "organisational-culture": (
        ["recovery-oriented values shared across the service", "leadership that champions "
         "peer support", "lived experience valued as expertise"],
        ["hierarchical medical-model culture", "stigma towards PSWs among staff",
         "tokenistic inclusion of PSWs"]),
    "psw-training": (
        ["role-specific training before starting", "ongoing training and supervision",
         "training shared with non-peer staff"],
        ["no training for the peer role", "training too brief", "training not accredited"]),
    "psw-role-definition": (
        ["written job description", "role boundaries agreed with the team",
         "distinct peer role recognised"],
        ["unclear role and tasks", "PSWs drawn into non-peer duties",
         "role confusion among colleagues"]),
    "staff-willingness-and-ability": (
        ["staff open to working with PSWs", "staff prepared for PSWs joining the team"],
        ["staff doubt PSWs' competence", "concerns about boundaries and confidentiality",
         "staff feel threatened by PSWs"]),
    "resource-availability": (
        ["dedicated office space and equipment", "protected time for peer work"],
        ["lack of space and equipment", "high caseloads", "insufficient staffing"]),
    "financial-arrangements": (
        ["secure funding for PSW posts", "pay comparable to colleagues"],
        ["short-term funding", "low pay", "benefit rules limit PSW earnings"]),
    "support-for-psw-wellbeing": (
        ["supervision that attends to well-being", "reasonable adjustments offered"],
        ["no support when unwell", "stressful work without debriefing"]),
    "psw-peer-network-access": (
        ["regular meetings with other PSWs", "membership of an external peer network"],
        ["PSWs isolated in their team", "no contact with other PSWs"]),
    "psw-self-management": (
        ["personal wellness plan", "self-care strategies in place"],
        ["work triggers the PSW's own symptoms"]),
    "psw-expectations": (
        ["expectations discussed at recruitment"],
        ["unmet expectations of career progression"]),
    "organisational-processes": (
        ["flexible human-resources processes for PSWs"],
        ["rigid recruitment and vetting procedures", "bureaucratic documentation demands"]),
    "research-design-needs": (
        ["trial protocol gave the peer role a clear structure"],
        ["trial protocol constrained the peer role"]),
    "psw-patient-match": (["shared diagnosis or background", "matching by age and gender"],),
    "emotional-intensity": (["emotional demands of sharing lived experience"],),
}


def studies() -> list[dict[str, str]]:
    """53 studies: design by id (as the appraisal), modality and country dealt at random."""
    rng = random.Random(SEED)
    ids, designs = [], {}
    number = 0
    for design, count in DESIGNS:
        for _ in range(count):
            number += 1
            ids.append(f"S{number:02d}")
            designs[ids[-1]] = design
    good = [s for s in ids if s not in NOT_GOOD]
    rng.shuffle(good)
    modality = dict.fromkeys(good[:13], "individual")
    modality.update(dict.fromkeys(good[13:19], "group"))
    # the poor/fair studies and the other 28 share the 'both' and 'not stated' levels
    rest = good[19:] + NOT_GOOD
    rng.shuffle(rest)
    modality.update(dict.fromkeys(rest[:23], "both"))
    modality.update(dict.fromkeys(rest[23:], "not stated"))
    countries = [c for c, n in COUNTRIES.items() for _ in range(n)]
    rng.shuffle(countries)
    return [{"study_id": s, "design": designs[s], "country": countries[i],
             "modality": modality[s], "income_level": "high"} for i, s in enumerate(ids)]


def codings(table: list[dict[str, str]]) -> list[dict[str, str]]:
    """Coded influences meeting CELLS; every study codes at least one influence."""
    rng = random.Random(SEED + 1)
    cells = {
        "individual": [s["study_id"] for s in table if s["modality"] == "individual"],
        "group": [s["study_id"] for s in table if s["modality"] == "group"],
        "poor/fair": list(NOT_GOOD),
        "rest": [s["study_id"] for s in table if s["modality"] in ("both", "not stated")
                 and s["study_id"] not in NOT_GOOD],
    }
    designs = {s["study_id"]: s["design"] for s in table}
    load: Counter[str] = Counter()
    pairs: list[tuple[str, str]] = []
    for influence, counts in CELLS.items():
        for (_cell, members), k in zip(cells.items(), counts, strict=True):
            # fewest influences so far first (random among equals): every study gets one
            order = sorted(members, key=lambda s: (load[s], rng.random()))
            if influence == "research-design-needs":  # a trial's protocol: prefer an RCT
                order.sort(key=lambda s: designs[s] != "randomised controlled trial")
            for study in order[:k]:
                load[study] += 1
                pairs.append((study, influence))
    rows = []
    for study, influence in sorted(pairs, key=lambda p: (p[0], list(CELLS).index(p[1]))):
        if influence in UNCLEAR:
            directions = ["unclear"]
        else:
            draw = rng.random()
            directions = (["facilitator"] if draw < 0.45 else ["barrier"] if draw < 0.8
                          else ["facilitator", "barrier"])
        for direction in directions:
            options = FACTORS[influence][0 if direction != "barrier" else 1]
            picked = rng.sample(options, 2 if len(options) > 2 and rng.random() < 0.15 else 1)
            for factor in picked:
                rows.append({"study_id": study, "influence": influence,
                             "direction": direction, "factor": factor,
                             "evidence": "constructed", "reviewer": "R1"})
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def check() -> list[str]:
    """The committed files against the published marginals (standard library only)."""
    with (HERE / "studies.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    with (HERE / "codings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    problems = []
    if Counter(s["design"] for s in table) != Counter(dict(DESIGNS)):
        problems.append("designs differ from 38/10/4/1")
    if Counter(s["modality"] for s in table) != Counter(MODALITY):
        problems.append("modalities differ from 13/6/23/11")
    if Counter(s["country"] for s in table) != Counter(COUNTRIES):
        problems.append("countries differ from the published counts")
    coded = {(r["study_id"], r["influence"]) for r in rows}
    totals = Counter(i for _, i in coded)
    for influence, counts in CELLS.items():
        if totals[influence] != sum(counts):
            problems.append(f"{influence}: {totals[influence]} studies, not {sum(counts)}")
    if {s["study_id"] for s in table} - {s for s, _ in coded}:
        problems.append("a study codes no influence")
    if (table, rows) != (studies(), codings(studies())):
        problems.append("the files are not what this script writes; re-run it")
    return problems


def main() -> None:
    if "--check" in sys.argv[1:]:
        problems = check()
        for problem in problems:
            print(f"problem: {problem}")
        print("ok" if not problems else f"{len(problems)} problem(s)")
        raise SystemExit(1 if problems else 0)
    table = studies()
    rows = codings(table)
    write(HERE / "studies.csv", table)
    write(HERE / "codings.csv", rows)
    print(f"wrote studies.csv ({len(table)} studies) and codings.csv ({len(rows)} rows)")


if __name__ == "__main__":
    main()
