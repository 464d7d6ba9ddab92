"""Write appraisal-answers.csv: CONSTRUCTED CASP answers for the worked example.

The reference review (Ibrahim et al. 2020) publishes only marginals: 53 included
studies (38 qualitative, 10 randomised controlled trials, 4 cohort, 1
case-control) graded 47 good, 1 fair and 5 poor with the CASP checklists
(yes = 1, every other answer 0; good >= 60 %, fair 45-59 %, poor < 45 %). Its
study-level answers are not published, so this script constructs answers that
reproduce those marginals: which study got which answer is invented, and every
row says so in its ``provenance`` column. The grade counts are not written into
the file; ``evidencekit appraise score`` computes them from the answers, and
tests/cli/test_appraise_cli.py checks that they match the paper.

Run from the repository root:  python docs/examples/peer-support/construct_appraisal_answers.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20200301  # any fixed seed: it only shuffles which items are answered "no"

# design → (checklist, number of studies); the paper's design counts
DESIGNS = [
    ("qualitative", "casp-qualitative", 38),
    ("randomised controlled trial", "casp-rct", 10),
    ("cohort", "casp-cohort", 4),
    ("case-control", "casp-case-control", 1),
]
# Scored items per checklist (the shipped 2018 CASP forms: 9 yes/can't tell/no questions each)
# and their free-text questions, which are answered but not scored.
SCORED = {
    "casp-qualitative": [f"q{i}" for i in range(1, 10)],
    "casp-rct": ["q1", "q2", "q3", "q4", "q5", "q6", "q9", "q10", "q11"],
    "casp-cohort": ["q1", "q2", "q3", "q4", "q5", "q6", "q9", "q10", "q11"],
    "casp-case-control": ["q1", "q2", "q3", "q4", "q5", "q6", "q9", "q10", "q11"],
}
FREE_TEXT = {
    "casp-qualitative": ["q10"],
    "casp-rct": ["q7", "q8"],
    "casp-cohort": ["q7", "q8", "q12"],
    "casp-case-control": ["q7", "q8"],
}
# Number of "yes" answers (of 9 scored items) for the studies that are not good:
# 5/9 = 55.6 % is fair; 4/9 = 44.4 % and 3/9 = 33.3 % are poor. Which studies these are
# is invented: the paper does not say.
NOT_GOOD = {
    "S07": 5,   # fair (qualitative)
    "S15": 4,   # poor (qualitative)
    "S26": 3,   # poor (qualitative)
    "S33": 4,   # poor (qualitative)
    "S44": 4,   # poor (randomised controlled trial)
    "S50": 3,   # poor (cohort)
}


def main() -> None:
    rng = random.Random(SEED)
    rows = []
    number = 0
    for _design, checklist, count in DESIGNS:
        for _ in range(count):
            number += 1
            study_id = f"S{number:02d}"
            scored = SCORED[checklist]
            # good studies answer 6-9 items yes (66.7-100 %)
            yes = NOT_GOOD.get(study_id, rng.choice([6, 7, 7, 8, 8, 9, 9]))
            yes_items = set(rng.sample(scored, yes))
            answers = {}
            for item in scored:
                if item in yes_items:
                    answers[item] = "yes"
                else:
                    answers[item] = rng.choice(["no", "cant_tell"])
            for item in FREE_TEXT[checklist]:
                answers[item] = "constructed free-text answer"
            for item in sorted(answers, key=lambda i: int(i[1:])):
                rows.append({"study_id": study_id, "checklist": checklist, "item": item,
                             "answer": answers[item], "reviewer": "R1", "note": "",
                             "provenance": "constructed"})
    path = HERE / "appraisal-answers.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows, {number} studies)")


if __name__ == "__main__":
    main()
