"""Construct site ratings that reproduce every summary the paper publishes.

Ibrahim et al. (2020) publish only summaries of the six sites' ratings on the
Implementation Measure (8 items, 0-3 each); the item scores per site (their
Table 2) are not available to us. This script searches, from a fixed seed, for
a 6 x 8 matrix of whole-number scores that matches every published figure to
the one decimal published, and writes it to ratings.csv. The result is
CONSTRUCTED data, not the sites' real ratings.

Run:  python construct_ratings.py           (writes ratings.csv beside this file)
      python construct_ratings.py --check   (only checks the committed ratings.csv)

It needs only the Python standard library.
"""

from __future__ import annotations

import argparse
import csv
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 20180724  # the review's PROSPERO registration date
HERE = Path(__file__).resolve().parent

# Published attributes of the six sites (paper-facts: measure.sites).
SITES = {
    "Ulm": {"income": "high", "psw_experience": "no"},
    "Hamburg": {"income": "high", "psw_experience": "yes"},
    "Kampala": {"income": "low", "psw_experience": "yes"},
    "Dar es Salaam": {"income": "low", "psw_experience": "no"},
    "Beer Sheva": {"income": "high", "psw_experience": "yes"},
    "Pune": {"income": "lower-middle", "psw_experience": "yes"},
}
ITEMS = 8
SCALE = (0, 3)
TOTAL = (0, 24)


def r1(x: float) -> float:
    """Round half up to one decimal, as a published table does."""
    return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def group_mean(matrix: dict[str, list[int]], units: list[str]) -> float:
    """Mean over units of each unit's mean item score."""
    return sum(sum(matrix[u]) / ITEMS for u in units) / len(units)


def problems(matrix: dict[str, list[int]]) -> list[str]:
    """Every published figure the matrix fails to reproduce (empty when it matches all)."""
    out = []
    sites = list(matrix)
    exp = [s for s in sites if SITES[s]["psw_experience"] == "yes"]
    noexp = [s for s in sites if SITES[s]["psw_experience"] == "no"]
    lowmid = [s for s in sites if SITES[s]["income"] in ("low", "lower-middle")]
    high = [s for s in sites if SITES[s]["income"] == "high"]
    item_means = [sum(matrix[s][j] for s in sites) / len(sites) for j in range(ITEMS)]
    if min(r1(m) for m in item_means) != 1.2 or max(r1(m) for m in item_means) != 1.7:
        out.append(f"item means {[round(m, 3) for m in item_means]} do not run from 1.2 to 1.7")
    for j in range(ITEMS):
        values = [matrix[s][j] for s in sites]
        spread = max(values) - min(values)
        if j == 5 and spread >= 2:  # item 6
            out.append(f"item 6 has a range of {spread}; the paper reports it below 2")
        if j != 5 and spread < 2:
            out.append(f"item {j + 1} has a range of {spread}; the paper reports at least 2")
    for s in sites:
        total = sum(matrix[s])
        if total in TOTAL:
            out.append(f"{s} is at the floor or ceiling of the total ({total})")
    for label, units, target in (("with experience", exp, 1.8), ("without", noexp, 0.8),
                                 ("low and lower-middle income", lowmid, 1.3),
                                 ("high income", high, 1.5)):
        got = group_mean(matrix, units)
        if r1(got) != target:
            out.append(f"mean item score {label} is {got:.4f}, not {target}")
    return out


def penalty(matrix: dict[str, list[int]]) -> float:
    """A smooth count of how far the matrix is from every constraint (0 = all met)."""
    sites = list(matrix)
    p = 0.0
    for j in range(ITEMS):
        col_sum = sum(matrix[s][j] for s in sites)
        # item sums of 7..10 give means 1.17..1.67, i.e. 1.2..1.7 when rounded
        p += max(0, 7 - col_sum) + max(0, col_sum - 10)
        spread = max(matrix[s][j] for s in sites) - min(matrix[s][j] for s in sites)
        p += max(0, spread - 1) if j == 5 else max(0, 2 - spread)
    sums = [sum(matrix[s][j] for s in sites) for j in range(ITEMS)]
    p += 0 if 7 in sums else 1
    p += 0 if 10 in sums else 1
    for s in sites:
        t = sum(matrix[s])
        p += 1 if t in TOTAL else 0
    # group sums (derivation in README.md): S_exp in 56..59, S_noexp in 12..13,
    # S_lowmid in 30..32, S_high in 35..37
    groups = {
        "exp": ([s for s in sites if SITES[s]["psw_experience"] == "yes"], 56, 59),
        "noexp": ([s for s in sites if SITES[s]["psw_experience"] == "no"], 12, 13),
        "lowmid": ([s for s in sites if SITES[s]["income"] != "high"], 30, 32),
        "high": ([s for s in sites if SITES[s]["income"] == "high"], 35, 37),
    }
    for units, lo, hi in groups.values():
        total = sum(sum(matrix[s]) for s in units)
        p += max(0, lo - total) + max(0, total - hi)
    return p


def search(seed: int = SEED, max_steps: int = 200_000) -> dict[str, list[int]]:
    """Seeded local search: change one score at a time, keep changes that do not
    increase the penalty (with occasional random restarts)."""
    rng = random.Random(seed)
    sites = list(SITES)
    while True:
        matrix = {s: [rng.randint(*SCALE) for _ in range(ITEMS)] for s in sites}
        current = penalty(matrix)
        for _ in range(max_steps):
            if current == 0 and not problems(matrix):
                return matrix
            s, j = rng.choice(sites), rng.randrange(ITEMS)
            old = matrix[s][j]
            matrix[s][j] = rng.randint(*SCALE)
            new = penalty(matrix)
            if new <= current or rng.random() < 0.01:
                current = new
            else:
                matrix[s][j] = old


def write(matrix: dict[str, list[int]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["unit", "rater", *range(1, ITEMS + 1)])
        for site, scores in matrix.items():
            writer.writerow([site, "site lead", *scores])


def read(path: Path) -> dict[str, list[int]]:
    with path.open(encoding="utf-8") as handle:
        return {row["unit"]: [int(row[str(j)]) for j in range(1, ITEMS + 1)]
                for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check ratings.csv only")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    path = HERE / "ratings.csv"
    matrix = read(path) if args.check else search(args.seed)
    found = problems(matrix)
    if found:
        raise SystemExit("\n".join(found))
    if not args.check:
        write(matrix, path)
    grand = sum(map(sum, matrix.values()))
    print(f"{'checked' if args.check else 'wrote'} {path.name}: grand total {grand}")
    for site, scores in matrix.items():
        print(f"  {site:14} {scores}  total {sum(scores):2}  mean item {sum(scores) / ITEMS:.3f}")


if __name__ == "__main__":
    main()
