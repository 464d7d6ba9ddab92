"""Interactive screening (core/screening/interactive.py) driven through prompt_toolkit's
pipe input, and the ``evidencekit screen`` command in a pseudo-terminal; two reviewers
screening one store at the same moment (SQLite and PostgreSQL) lose nothing."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import multiprocessing
import os
import sys
from pathlib import Path

import pytest
from screening_review import make_screening_review, record_ids

from evidencekit.core.review import open_review
from evidencekit.core.screening import decisions, final_decisions
from evidencekit.core.screening.interactive import ScreeningSession, highlight

# Looked for, not imported: the import (~0.6 s of CPU) is left to the tests that use it,
# not paid at collection by every xdist worker.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("prompt_toolkit") is None, reason="prompt_toolkit is not installed"
)


def screen_keys(
    review: Path, keys: str, stage: str = "title-abstract", reviewer: str = "ann", **kwargs
):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    session = ScreeningSession(open_review(review), stage, reviewer, **kwargs)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return session, session.run(input=pipe, output=DummyOutput())


@pytest.fixture
def review(tmp_path: Path) -> Path:
    return make_screening_review(tmp_path / "review", n=6)


def current(
    review: Path, reviewer: str = "ann", stage: str = "title-abstract"
) -> dict[str, tuple[str, str]]:
    return {
        d.record_id: (d.decision, d.reason) for d in decisions(open_review(review), stage, reviewer)
    }


def test_keys_decide_exclude_with_reason_undo_skip_and_quit(review: Path) -> None:
    ids = record_ids(review)
    # include, exclude + reason 2, maybe, undo (the maybe), skip, exclude cancelled, quit
    _, summary = screen_keys(review, "ie2mus" + "e\x1b" + "q")
    assert current(review) == {ids[0]: ("include", ""), ids[1]: ("exclude", "wrong intervention")}
    assert summary.undone == [ids[2]] and summary.skipped == [ids[2]]
    assert summary.remaining == 4
    # Resumes with what is left: the skipped record first.
    session, summary = screen_keys(review, "iq")
    assert summary.decided == [(ids[2], "include", "")]
    assert current(review)[ids[2]] == ("include", "")


def test_each_decision_is_stored_at_once(review: Path) -> None:
    # Without a quit key the pipe closes and the app stops: decisions made are kept.
    ids = record_ids(review)
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    session = ScreeningSession(open_review(review), "title-abstract", "ann")
    with create_pipe_input() as pipe:
        pipe.send_text("ii")
        pipe.close()
        with contextlib.suppress(EOFError):
            session.run(input=pipe, output=DummyOutput())
    assert set(current(review)) == {ids[0], ids[1]}


def test_full_text_stage_not_retrieved_and_queue_follows_title_abstract(review: Path) -> None:
    ids = record_ids(review)
    screen_keys(review, "iie1e1e1e1q")  # two includes, four exclusions
    assert [
        k
        for k, v in final_decisions(open_review(review), "title-abstract").items()
        if v.outcome == "include"
    ] == ids[:2]
    session, summary = screen_keys(review, "ne3q", stage="full-text")
    assert current(review, stage="full-text") == {
        ids[0]: ("not-retrieved", ""),
        ids[1]: ("exclude", "no influences reported"),
    }
    assert summary.remaining == 0
    # 'n' at title-abstract is refused with a message, nothing stored.
    session, _ = screen_keys(make_screening_review(review.parent / "other", n=2), "nq")
    assert "for a full-text stage" in session.message


def test_blind_by_default(review: Path) -> None:
    ids = record_ids(review)
    screen_keys(review, "e1q", reviewer="bob")
    blind, _ = screen_keys(review, "q")
    assert "bob" not in "".join(t for _, t in blind.render())
    seeing, _ = screen_keys(review, "q", show_others=True)
    assert blind.current == seeing.current == ids[0]
    assert "bob: exclude wrong population" in "".join(t for _, t in seeing.render())


def test_highlight_terms() -> None:
    parts = highlight(
        "Peer Support and a PROTOCOL for peer support", ["peer support"], ["protocol"]
    )
    assert parts == [
        ("class:include", "Peer Support"),
        ("", " and a "),
        ("class:exclude", "PROTOCOL"),
        ("", " for "),
        ("class:include", "peer support"),
    ]
    assert highlight("text", [], []) == [("", "text")]


def _reviewer(review: str, reviewer: str, keys: str, results) -> None:
    """One reviewer's screening session, in a process of its own: the keys typed, then
    (reviewer, decisions made, errors) put on ``results``, or the traceback if it failed."""
    import traceback

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    try:
        session = ScreeningSession(open_review(review), "title-abstract", reviewer)
        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            summary = session.run(input=pipe, output=DummyOutput())
        results.put((reviewer, len(summary.decided), len(summary.errors)))
    except BaseException:
        results.put((reviewer, -1, traceback.format_exc()))
        raise


def two_reviewers_at_once(review: Path, n: int) -> None:
    # Two processes, forked on Linux (each spawned interpreter paid ~0.8 s of CPU
    # importing Python, prompt_toolkit and evidencekit before its first key), spawned
    # elsewhere; prompt_toolkit's application is imported here once, before the fork.
    import prompt_toolkit.application  # noqa: F401
    import prompt_toolkit.input  # noqa: F401
    import prompt_toolkit.output  # noqa: F401

    keys = {"ann": "i" * n + "q", "bob": "e1" * n + "q"}
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    results = context.Queue()
    procs = [
        context.Process(target=_reviewer, args=(str(review), name, k, results))
        for name, k in keys.items()
    ]
    for p in procs:
        p.start()
    reported = sorted(results.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert reported == [("ann", n, 0), ("bob", n, 0)]
    rv = open_review(review)
    ids = set(record_ids(review))
    assert {d.record_id for d in decisions(rv, reviewer="ann")} == ids
    assert {d.record_id for d in decisions(rv, reviewer="bob")} == ids
    assert {d.decision for d in decisions(rv, reviewer="bob")} == {"exclude"}


def test_two_reviewers_at_once_sqlite(tmp_path: Path) -> None:
    two_reviewers_at_once(make_screening_review(tmp_path / "r", n=40), 40)


def test_two_reviewers_at_once_postgresql(tmp_path: Path, postgres) -> None:
    url = postgres.new_database()
    two_reviewers_at_once(make_screening_review(tmp_path / "r", n=40, store=url), 40)


def test_screen_command_in_a_pseudo_terminal(review: Path) -> None:
    import pty
    import select

    ids = record_ids(review)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, its terminal the pty
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "evidencekit.core",
                "screen",
                "--stage",
                "title-abstract",
                "--reviewer",
                "ann",
                "--review",
                str(review),
            ],
        )
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        while marker not in seen:
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, f"no {marker!r} on the terminal; got {seen[-300:]!r}"
            seen += os.read(fd, 65536)

    def stored(n: int) -> None:
        # The screen is redrawn by differences, so watch the store, draining the terminal.
        nonlocal seen
        for _ in range(600):
            if len(current(review)) == n:
                return
            if select.select([fd], [], [], 0.1)[0]:
                seen += os.read(fd, 65536)
        raise AssertionError(f"{n} decisions never stored; terminal: {seen[-300:]!r}")

    read_until(b"0 of 6 decided")
    os.write(fd, b"i")
    stored(1)
    os.write(fd, b"e")
    read_until(b"Exclusion reason")
    os.write(fd, b"1")
    stored(2)
    os.write(fd, b"q")
    with contextlib.suppress(OSError):  # the child closed the terminal after its last line
        read_until(b"left to screen")
    os.waitpid(pid, 0)
    os.close(fd)
    assert current(review) == {ids[0]: ("include", ""), ids[1]: ("exclude", "wrong population")}


def test_screen_command_refuses_without_a_terminal(review: Path) -> None:
    from screening_review import run

    result = run(
        "screen", "--stage", "title-abstract", "--reviewer", "ann", "--review", str(review)
    )
    assert result.exit_code == 1 and "needs a terminal" in result.stderr
    assert json.dumps(current(review)) == "{}"
