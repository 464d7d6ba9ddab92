"""Time ASReview's simulation inside one process (run with ASReview's own Python).

    /work/asreview-venv/bin/python benchmarks/_asreview_inprocess.py DATASET.csv SEED PRIOR...

Does what ``asreview simulate DATASET --prior-idx PRIOR... --seed SEED`` does (ASReview
3.0.8's ``simulation/cli.py``: default model ``elas_u4``, a top-down cycle until both
classes are labelled, stop at the last relevant record) but without writing a project
file, and times it after the interpreter has started and ASReview is imported: reading
the dataset, features, every retrain. Prints one JSON line: ``order`` (dataset rows in
labelling order), ``seconds`` (wall) and ``cpu`` (process time). ``screening_benchmark.py``
uses it so that both tools are timed the same way (in a running process), beside the
whole-command times.
"""

import json
import sys
import time

import numpy as np
from asreview import load_dataset
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable, LastRelevant
from asreview.simulation.simulate import Simulate


def main() -> None:
    dataset, seed, priors = sys.argv[1], int(sys.argv[2]), [int(p) for p in sys.argv[3:]]
    started, cpu = time.perf_counter(), time.process_time()
    np.random.seed(seed)
    db = load_dataset(dataset)
    cycles = [
        ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
        ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"]),
    ]
    sim = Simulate(db.input.get_df(), db.input["included"], cycles, stopper=LastRelevant())
    sim.label(priors)
    sim.review()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    ids = sim._results["record_id"].tolist()
    row_of = dict(zip(db.input["record_id"].tolist(), range(len(db.input)), strict=True))
    print(json.dumps({"order": [row_of[i] for i in ids], "seconds": seconds, "cpu": cpu}))


if __name__ == "__main__":
    main()
