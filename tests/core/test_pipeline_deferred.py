"""Jobs a step hands to the run (StepContext.defer): drawn beside later steps, waited for
before a step that reads staged files and before publishing; a failed job fails the run,
named by its step, and nothing is published; a killed run leaves no job running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from crash_helpers import assert_ends

from evidencekit.core.cli import cli
from evidencekit.core.deferred import ENV

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="deferred jobs are forked on Linux only"
)

STEP_MODULE = """
import functools
import os
import time

from evidencekit.core import hookimpl
from evidencekit.core.io import atomic_write_text
from evidencekit.core.providers import PipelineStep
from evidencekit.core.steps import StepOutcome

OPTIONS = {"type": "object", "properties": {"mode": {"type": "string"},
           "pid_file": {"type": "string"}, "sleep": {"type": "number"}}}


def late(staging, options):
    if options.get("pid_file"):
        atomic_write_text(options["pid_file"], str(os.getpid()))
    time.sleep(options.get("sleep", 0.3))
    if options.get("mode") == "raise":
        raise ValueError("boom")
    if options.get("mode") != "forget":
        atomic_write_text(staging / "late.txt", f"drawn by {os.getpid()}")


class Draw(PipelineStep):
    name = "draw"
    description = "hands a job to the run: a closure, forked from the run's process"
    options_schema = OPTIONS
    reads_staged_files = False

    def run(self, context):
        early = context.write_text("early.txt", "now")
        later = context.defer(lambda: late(context.staging, context.options), ["late.txt"])
        return StepOutcome("drawn later", {"run_by": os.getpid()}, [early, *later])


class Send(Draw):
    name = "send"
    description = "hands a job that pickles: sent to the drawing process"
    preloads = ("colorsys",)  # something to import: the drawing process is started

    def run(self, context):
        early = context.write_text("early.txt", "now")
        job = functools.partial(late, context.staging, dict(context.options))
        later = context.defer(job, ["late.txt"])
        return StepOutcome("drawn later", {"run_by": os.getpid()}, [early, *later])


class Between(PipelineStep):
    name = "between"
    description = "reads no staged file: runs while the job does"
    options_schema = OPTIONS
    reads_staged_files = False

    def run(self, context):
        seen = (context.staging / "late.txt").is_file()
        if context.options.get("mode") == "fail":
            raise ValueError("a later step failed")
        return StepOutcome("between", {"saw_late": seen})


class Read(PipelineStep):
    name = "read"
    description = "reads the staged files of earlier steps"
    options_schema = None

    def run(self, context):
        return StepOutcome("read", {"late": (context.staging / "late.txt").read_text()})


class ReadLate(Read):
    name = "read-late"
    reads_staged_files = ("*.svg", "late.*")  # waits only for jobs writing these


def square(value, mode=None):
    if mode == "raise":
        raise ValueError("boom")
    return {"square": value * value, "pid": os.getpid()}


class Compute(PipelineStep):
    name = "compute"
    description = "computes its data in the drawing process (context.call)"
    options_schema = OPTIONS
    reads_staged_files = False
    preloads = ("colorsys",)

    def run(self, context):
        data = context.call(functools.partial(square, 7, context.options.get("mode")))
        return StepOutcome("computed", {**data, "run_by": os.getpid()})


@hookimpl
def evidencekit_pipeline_steps():
    return [Draw(), Send(), Between(), Read(), ReadLate(), Compute()]
"""


@pytest.fixture
def review_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A review with the steps above, as if the process could use 4 cores."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.delenv(ENV, raising=False)
    (tmp_path / "deferring_steps.py").write_text(STEP_MODULE, "utf-8")
    yield tmp_path
    sys.modules.pop("deferring_steps", None)


def write_review(root: Path, steps: str) -> None:
    (root / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: Later\nplugins: [deferring_steps]\n"
        "steps:\n" + steps,
        "utf-8",
    )


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["run", "--review", str(root), *args])


@linux_only
@pytest.mark.parametrize("step", ["draw", "send"])
def test_a_deferred_job_runs_beside_later_steps_and_is_waited_for(
    review_dir: Path, step: str
) -> None:
    write_review(
        review_dir,
        f"  - step: {step}\n    options: {{sleep: 1.0}}\n  - step: between\n  - step: read\n",
    )
    result = run(review_dir, "--json")
    assert result.exit_code == 0, result.output
    steps = {s["step"]: s for s in json.loads(result.stdout)["steps"]}
    outputs = review_dir / "outputs"
    drawn_by = int((outputs / "late.txt").read_text().split()[-1])
    assert drawn_by != os.getpid()  # in a forked process
    # the step between ran while the job slept; the reading step ran after it ended
    assert steps["between"]["summary"] == "between"
    record = json.loads((outputs / "run.json").read_text("utf-8"))
    assert record["steps"][0]["files"] == ["early.txt", "late.txt"]
    saved = json.loads((outputs / ".evidencekit" / "steps" / f"{step}.json").read_text("utf-8"))
    assert saved["files"] == ["early.txt", "late.txt"]
    assert saved["data"]["run_by"] == os.getpid()
    read = json.loads((outputs / ".evidencekit" / "steps" / "read.json").read_text("utf-8"))
    assert read["data"]["late"] == f"drawn by {drawn_by}"
    # nothing changed: every step skipped, the job's file still counted as the step's
    again = run(review_dir, "--json")
    assert again.exit_code == 0, again.output
    assert {s["status"] for s in json.loads(again.stdout)["steps"]} == {"skipped"}


def test_in_this_process_with_one_plot_process(
    review_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "1")
    write_review(review_dir, "  - step: draw\n    options: {sleep: 0}\n  - step: read\n")
    result = run(review_dir)
    assert result.exit_code == 0, result.output
    assert (review_dir / "outputs" / "late.txt").read_text() == f"drawn by {os.getpid()}"


@linux_only
def test_a_step_reading_some_files_waits_for_the_jobs_writing_them(review_dir: Path) -> None:
    write_review(review_dir, "  - step: draw\n    options: {sleep: 1.0}\n  - step: read-late\n")
    result = run(review_dir)
    assert result.exit_code == 0, result.output
    outputs = review_dir / "outputs"
    read = json.loads((outputs / ".evidencekit" / "steps" / "read-late.json").read_text("utf-8"))
    assert read["data"]["late"] == (outputs / "late.txt").read_text()


@pytest.mark.parametrize("step", ["draw", "send"])
@pytest.mark.parametrize("processes", ["1", "4"])
@pytest.mark.parametrize(
    "mode,message",
    [
        ("raise", "failed: ValueError: boom"),
        ("forget", "failed: files it listed were not written: late.txt"),
    ],
)
def test_a_failed_job_fails_the_run_named_by_its_step(
    review_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    processes: str,
    mode: str,
    message: str,
) -> None:
    monkeypatch.setenv(ENV, processes)
    write_review(
        review_dir,
        f"  - step: {step}\n    options: {{mode: {mode}, sleep: 0}}\n  - step: between\n",
    )
    message = f"step 1 ({step}) {message}"
    result = run(review_dir)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (review_dir / "outputs").exists()  # nothing published
    assert not list(review_dir.glob(".evidencekit-run-*"))  # nor left staged


@linux_only
@pytest.mark.parametrize("step", ["draw", "send"])
def test_a_later_failure_stops_the_job_and_publishes_nothing(review_dir: Path, step: str) -> None:
    pid_file = review_dir / "job.pid"
    write_review(
        review_dir,
        f"  - step: {step}\n    options: {{sleep: 60, pid_file: '{pid_file}'}}\n"
        "  - step: between\n    options: {mode: fail}\n",
    )
    result = run(review_dir)
    assert result.exit_code == 1
    assert "step 2 (between) failed" in result.output
    assert not (review_dir / "outputs").exists()
    if pid_file.exists():  # the job had started: it was ended, not left drawing
        # a drawing process's job dies with it: soon
        assert_ends(int(pid_file.read_text()), 10, "the job outlived its failed run")


@linux_only
@pytest.mark.parametrize("step", ["draw", "send"])
def test_a_job_does_not_outlive_its_killed_run(review_dir: Path, step: str) -> None:
    pid_file = review_dir / "job.pid"
    write_review(
        review_dir,
        f"  - step: {step}\n    options: {{sleep: 60, pid_file: '{pid_file}'}}\n  - step: read\n",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop(ENV, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "evidencekit.core", "run", "--review", str(review_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not pid_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.skip("no job was forked (one usable core?)")
        time.sleep(0.05)
    job = int(pid_file.read_text())
    if job == process.pid:
        process.kill()
        process.wait()
        pytest.skip("this machine gives the run one core: the job ran in its process")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_ends(job, 10, "the job outlived its killed run")


@pytest.mark.parametrize("processes", ["1", "4"])
def test_a_step_computes_in_the_drawing_process_and_gets_its_result_or_error(
    review_dir: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    monkeypatch.setenv(ENV, processes)
    write_review(review_dir, "  - step: compute\n")
    result = run(review_dir)
    assert result.exit_code == 0, result.output
    steps = review_dir / "outputs" / ".evidencekit" / "steps"
    data = json.loads((steps / "compute.json").read_text("utf-8"))["data"]
    assert data["square"] == 49
    if processes == "4" and sys.platform.startswith("linux"):
        assert data["pid"] != data["run_by"]  # computed elsewhere
    write_review(review_dir, "  - step: compute\n    options: {mode: raise}\n")
    result = run(review_dir)
    assert result.exit_code == 1
    # raised here as it was raised there: a plugin's bug, named as one
    assert "pipeline-step 'compute' (local:deferring_steps) raised ValueError in run(): boom" in (
        result.output
    )


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every drawing process forked, in order, with the events around it."""
    from evidencekit.core import deferred_server
    from evidencekit.core.instruments import catalog

    events: list[Any] = []
    start, check = deferred_server.Server.__init__, catalog.check_document

    def forked(self: Any, *args: Any) -> None:
        start(self, *args)
        events.append(self)

    def checked(*args: Any, **kwargs: Any) -> Any:
        events.append("check")
        return check(*args, **kwargs)

    monkeypatch.setattr(deferred_server.Server, "__init__", forked)
    monkeypatch.setattr(catalog, "check_document", checked)
    return events


@linux_only
def test_a_fresh_run_forks_its_drawing_process_before_the_checks_once(
    review_dir: Path, servers: list[Any]
) -> None:
    write_review(review_dir, "  - step: send\n    options: {sleep: 0}\n  - step: read\n")
    result = run(review_dir)
    assert result.exit_code == 0, result.output
    forked = [e for e in servers if e != "check"]
    assert len(forked) == 1  # taken over by the run, not forked again at its first step
    assert servers[0] is forked[0]  # before review.yaml's own schema check
    assert not forked[0].process.is_alive()  # ended with the run
    assert _pid(review_dir) != os.getpid()  # drawn there
    # nothing changed: nothing to draw, nothing forked
    servers.clear()
    assert run(review_dir).exit_code == 0
    assert [e for e in servers if e != "check"] == []
    # the second step changed: forked when it runs (the first is skipped), after the checks
    write_review(review_dir, "  - step: send\n    options: {sleep: 0}\n  - step: compute\n")
    result = run(review_dir)
    assert result.exit_code == 0, result.output
    assert servers[0] == "check" and len([e for e in servers if e != "check"]) == 1
    # --force: every step runs again, so forked early again
    servers.clear()
    assert run(review_dir, "--force").exit_code == 0
    assert servers[0] != "check"


@linux_only
def test_a_review_the_checks_refuse_leaves_no_drawing_process(
    review_dir: Path, servers: list[Any]
) -> None:
    # steps a drawing process is forked for, and a misspelt key the schema refuses
    write_review(review_dir, "  - step: send\n")
    text = (review_dir / "review.yaml").read_text("utf-8")
    (review_dir / "review.yaml").write_text(text + "titel: typo\n", "utf-8")
    result = run(review_dir)
    assert result.exit_code != 0
    assert "titel" in result.output
    forked = [e for e in servers if e != "check"]
    assert len(forked) == 1 and not forked[0].process.is_alive()
    assert not (review_dir / "outputs").exists()


def _pid(review_dir: Path) -> int:
    return int((review_dir / "outputs" / "late.txt").read_text().split()[-1])
