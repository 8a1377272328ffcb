"""Several hand-ins at once, with a progress bar: done of all, how many run now, how many failed a
requirement, how many the suite could not judge, and tqdm's estimate of the time left.

Threads, not processes: each worker only waits for its suite subprocess.
"""
from __future__ import annotations

import concurrent.futures
import sys
import threading
from typing import Callable, Iterable, TypeVar

from tqdm import tqdm

Job = TypeVar("Job")
Result = TypeVar("Result")


class Progress:
    """The counts behind the bar's postfix; `render` is its text."""

    def __init__(self):
        self.running = self.failing = self.unjudged = 0
        self._lock = threading.Lock()

    def started(self) -> None:
        with self._lock:
            self.running += 1

    def finished(self, failing: bool, judged: bool) -> None:
        with self._lock:
            self.running -= 1
            self.failing += failing
            self.unjudged += not judged

    def render(self) -> str:
        return f"running {self.running}, with a failed requirement {self.failing}, not judged {self.unjudged}"


def run_all(jobs: Iterable[Job], work: Callable[[Job], Result], *, workers: int,
            outcome: Callable[[Result], tuple[bool, bool]], stream=None,
            on_interrupt: Callable[[], None] | None = None) -> list[Result]:
    """work(job) for every job, `workers` at once, in the jobs' order; `outcome(result)` is
    (failing, judged) for the bar."""
    jobs = list(jobs)
    progress = Progress()
    results: list[Result | None] = [None] * len(jobs)
    with tqdm(total=len(jobs), unit="hand-in", desc="grading", file=stream or sys.stderr, dynamic_ncols=True,
              postfix=progress.render()) as bar:
        screen = threading.Lock()   # tqdm's bar is drawn from every worker

        def one(index: int) -> None:
            progress.started()
            with screen:
                bar.set_postfix_str(progress.render())
            failing, judged = False, False
            try:
                results[index] = work(jobs[index])
                failing, judged = outcome(results[index])
            finally:
                progress.finished(failing, judged)
                with screen:
                    bar.set_postfix_str(progress.render(), refresh=False)
                    bar.update()

        executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grade")
        try:
            for future in [executor.submit(one, i) for i in range(len(jobs))]:
                future.result()
        except BaseException:   # Ctrl-C: no new hand-in starts, the running ones are told to stop
            executor.shutdown(wait=False, cancel_futures=True)
            if on_interrupt:
                on_interrupt()
            raise
        executor.shutdown()
    return results
