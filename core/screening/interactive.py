"""Screening in the terminal, one record at a time (``evidencekit screen``).

A prompt_toolkit application (it works over a plain SSH terminal): the record
(title, authors, year, journal, abstract) with the protocol's inclusion terms
and exclusion terms highlighted, progress, and single keys::

    i include   e exclude (then pick a reason)   m maybe   n full text not retrieved
    u undo the last decision   s skip   q quit   ? help

Each decision is written at once in its own transaction, so quitting (or losing
the connection) loses nothing, and the next session resumes with the records the
reviewer has not decided. Blind by default: other reviewers' decisions are not
shown unless ``show_others`` is set. Two reviewers may screen one store at once;
the store queues their writes.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.screening.write import NewDecision, record_decisions, remove_decision

HELP = "i include  e exclude  m maybe  n not retrieved  u undo  s skip  q quit  ? help"
REASON_KEYS = "123456789abcdfghjklmoprtvwxyz"


@dataclass
class SessionSummary:
    """What one screening session did."""

    stage: str
    reviewer: str
    decided: list[tuple[str, str, str]] = field(default_factory=list)  # record, decision, reason
    undone: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    remaining: int = 0
    errors: list[str] = field(default_factory=list)


def highlight(text: str, include: Sequence[str], exclude: Sequence[str]) -> list[tuple[str, str]]:
    """``text`` as prompt_toolkit fragments, the terms marked ``class:include`` or
    ``class:exclude`` (case-insensitive; exclusion terms win where both match)."""
    terms = [(t, "class:exclude") for t in exclude if t.strip()] + [
        (t, "class:include") for t in include if t.strip()
    ]
    if not terms or not text:
        return [("", text)]
    style = {t.casefold(): s for t, s in reversed(terms)}
    pattern = re.compile(
        "|".join(re.escape(t) for t, _ in sorted(terms, key=lambda x: -len(x[0]))), re.IGNORECASE
    )
    out: list[tuple[str, str]] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() > last:
            out.append(("", text[last : match.start()]))
        out.append((style.get(match.group(0).casefold(), "class:include"), match.group(0)))
        last = match.end()
    if last < len(text):
        out.append(("", text[last:]))
    return out


class ScreeningSession:
    """One reviewer screening one stage; :meth:`run` drives the terminal application."""

    def __init__(
        self,
        review: Any,
        stage: str,
        reviewer: str,
        *,
        show_others: bool = False,
        order: str = "store",
    ):
        from evidencekit.core.screening.progress import assignment, to_screen
        from evidencekit.core.screening.state import load_state

        if not reviewer.strip():
            raise EvidencekitError("name the reviewer (--reviewer NAME)")
        self.review = review
        self.reviewer = reviewer
        state = load_state(review)
        self.config = state.config
        self.stage = state.config.stage(stage)
        self.queue = to_screen(state, stage, reviewer)
        self.assigned = len(assignment(state, stage, reviewer))
        self.others = (
            {
                (d.record_id, d.reviewer): d
                for d in state.decisions
                if d.stage == stage and d.reviewer != reviewer
            }
            if show_others
            else {}
        )
        self.show_others = show_others
        self.position = 0
        self.history: list[str] = []  # records decided in this session, in order
        self.summary = SessionSummary(stage, reviewer)
        self.mode = "record"  # record | reason | help
        self.message = ""
        self._records: dict[str, Any] = {}
        # --order ranked: the queue follows the ranking screener, retrained on each decision.
        self.ranker = None
        if order == "ranked":
            from evidencekit.core.ranked_screening import RankedQueue

            self.ranker = RankedQueue(review, stage)
            self.queue = self.ranker.order(self.queue)
        elif order != "store":
            raise EvidencekitError(f"--order is 'store' or 'ranked', not {order!r}")
        self.store: Any = None  # open while run() runs: one engine for the session

    # -- state -------------------------------------------------------------------
    @property
    def current(self) -> str | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    def record(self, record_id: str) -> Any:
        if record_id not in self._records:
            from evidencekit.core.store import open_store, rows

            with contextlib.ExitStack() as stack:
                store = self.store or stack.enter_context(open_store(self.review))
                conn = stack.enter_context(store.read())
                ids = [record_id, *self.queue[self.position : self.position + 20]]
                for r in rows.load_records(conn, record_ids=ids, with_raw=False):
                    self._records[r.record_id] = r
        return self._records[record_id]

    def decide(self, decision: str, reason: str = "") -> None:
        """Store the decision on the current record (one transaction) and move on."""
        record_id = self.current
        if record_id is None:
            return
        try:
            record_decisions(
                self.review,
                [
                    NewDecision(
                        record_id, self.stage.name, self.reviewer, decision, reason, origin="screen"
                    )
                ],
                store=self.store,
            )
        except EvidencekitError as err:  # e.g. the store is busy: keep the record, say so
            self.message = f"not saved: {err}"
            self.summary.errors.append(str(err))
            return
        self.summary.decided.append((record_id, decision, reason))
        self.history.append(record_id)
        self.message = f"saved: {decision}" + (f" ({reason})" if reason else "")
        self.position += 1
        if self.ranker is not None:
            self.ranker.record(record_id, decision)
            self.queue[self.position :] = self.ranker.order(self.queue[self.position :])

    def undo(self) -> None:
        """Withdraw this session's last decision and show that record again."""
        if not self.history:
            self.message = "nothing to undo in this session"
            return
        record_id = self.history[-1]
        try:
            remove_decision(
                self.review, record_id, self.stage.name, self.reviewer, store=self.store
            )
        except EvidencekitError as err:
            self.message = f"not undone: {err}"
            return
        self.history.pop()
        if self.ranker is not None:
            self.ranker.forget(record_id)
        self.summary.decided = [d for d in self.summary.decided if d[0] != record_id]
        self.summary.undone.append(record_id)
        index = self.queue.index(record_id)
        self.queue.pop(index)
        if index < self.position:
            self.position -= 1
        self.queue.insert(self.position, record_id)  # it is the current record again
        self.message = f"undone: {record_id}"

    def skip(self) -> None:
        if self.current is not None:
            self.summary.skipped.append(self.current)
            self.position += 1
            self.message = "skipped (it stays in your queue)"

    # -- rendering -----------------------------------------------------------------
    def render(self) -> list[tuple[str, str]]:
        if self.mode == "help":
            return [("", HELP + "\n\npress any key to go back")]
        record_id = self.current
        decided = self.assigned - len(self.queue) + len(self.summary.decided)
        head = f"{self.stage.name} · {self.reviewer} · {decided} of {self.assigned} decided"
        if record_id is None:
            return [
                ("class:title", head + "\n\n"),
                ("", "Nothing left to screen. Press q to quit."),
            ]
        r = self.record(record_id)
        include, exclude = self.config.include_terms, self.config.exclude_terms
        authors = "; ".join(a.family + (f", {a.given}" if a.given else "") for a in r.authors)
        out: list[tuple[str, str]] = [
            (
                "class:title",
                f"{head} · record {self.position + 1} of {len(self.queue)} in this session\n",
            ),
            ("class:dim", f"{record_id}\n\n"),
            *[
                (s or "class:title", t)
                for s, t in highlight(r.title or "(no title)", include, exclude)
            ],
            ("", "\n"),
            ("class:dim", f"{authors}\n{r.year or ''} {r.journal}\n\n"),
            *highlight(r.abstract or "(no abstract)", include, exclude),
            ("", "\n"),
        ]
        if self.show_others:
            for (rid, name), d in sorted(self.others.items()):
                if rid == record_id:
                    out.append(("class:dim", f"\n{name}: {d.decision} {d.reason}"))
        if self.mode == "reason":
            out.append(("class:title", "\n\nExclusion reason (Esc: cancel):\n"))
            for key, reason in zip(REASON_KEYS, self.config.reasons, strict=False):
                out.append(("", f"  {key}  {reason}\n"))
            if not self.config.reasons:
                out.append(("", "  Enter  exclude without a reason (none declared)\n"))
        return out

    def status(self) -> list[tuple[str, str]]:
        return [("class:status", f" {HELP}   {self.message}")]

    # -- the application -------------------------------------------------------------
    def application(self, *, input: Any = None, output: Any = None) -> Any:
        from prompt_toolkit.application import Application
        from prompt_toolkit.filters import Condition
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.layout import HSplit, Layout, Window
        from prompt_toolkit.layout.controls import FormattedTextControl
        from prompt_toolkit.styles import Style

        kb = KeyBindings()
        in_record = Condition(lambda: self.mode == "record")
        in_reason = Condition(lambda: self.mode == "reason")
        in_help = Condition(lambda: self.mode == "help")

        @kb.add("i", filter=in_record)
        def _include(event: Any) -> None:
            self.decide("include")

        @kb.add("m", filter=in_record)
        def _maybe(event: Any) -> None:
            self.decide("maybe")

        @kb.add("n", filter=in_record)
        def _not_retrieved(event: Any) -> None:
            if self.stage.full_text:
                self.decide("not-retrieved")
            else:
                self.message = f"'not retrieved' is for a full-text stage, not {self.stage.name}"

        @kb.add("e", filter=in_record)
        def _exclude(event: Any) -> None:
            if self.current is not None:
                self.mode = "reason"

        @kb.add("u", filter=in_record)
        def _undo(event: Any) -> None:
            self.undo()

        @kb.add("s", filter=in_record)
        def _skip(event: Any) -> None:
            self.skip()

        @kb.add("?", filter=in_record)
        def _help(event: Any) -> None:
            self.mode = "help"

        @kb.add("q", filter=in_record)
        @kb.add("c-c")
        def _quit(event: Any) -> None:
            event.app.exit()

        @kb.add("<any>", filter=in_help)
        def _back(event: Any) -> None:
            self.mode = "record"

        @kb.add("escape", filter=in_reason, eager=True)
        def _cancel(event: Any) -> None:
            self.mode = "record"
            self.message = "exclusion cancelled"

        @kb.add("enter", filter=in_reason)
        def _no_reason(event: Any) -> None:
            if not self.config.reasons:
                self.mode = "record"
                self.decide("exclude")

        for key, reason in zip(REASON_KEYS, self.config.reasons, strict=False):

            def _pick(event: Any, reason: str = reason) -> None:
                self.mode = "record"
                self.decide("exclude", reason)

            kb.add(key, filter=in_reason)(_pick)

        style = Style.from_dict(
            {
                "include": "bold ansigreen",
                "exclude": "bold ansired",
                "title": "bold",
                "dim": "ansigray",
                "status": "reverse",
            }
        )
        layout = Layout(
            HSplit(
                [
                    Window(FormattedTextControl(self.render), wrap_lines=True),
                    Window(FormattedTextControl(self.status), height=1),
                ]
            )
        )
        return Application(
            layout=layout,
            key_bindings=kb,
            style=style,
            full_screen=True,
            input=input,
            output=output,
        )

    def run(self, *, input: Any = None, output: Any = None) -> SessionSummary:
        """Screen until the reviewer quits; return what was done."""
        from evidencekit.core.store import open_store

        with open_store(self.review) as self.store:
            try:
                self.application(input=input, output=output).run()
            finally:
                self.store = None
        self.summary.remaining = len(self.queue) - len(self.summary.decided)
        return self.summary
