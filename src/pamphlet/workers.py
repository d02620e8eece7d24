"""Decide which process does which task: this one and forked workers, costliest first.

`run(tasks, work, jobs)` calls ``work(task)`` for every task, in this process and
``jobs - 1`` forked workers. The workers inherit ``work`` (and all it holds: the
parsed stylesheets, the fonts) by forking; nothing is pickled on the way in.
`beside(work, jobs)` calls ``work()`` in one forked process while this one goes on.
"""

import os
from contextlib import contextmanager

from .diagnostics import Diagnostic, PamphletError

_shared = None      # (queue, work) while run() runs: what a forked worker inherits


def run(tasks: list, work, jobs: int | None, done=None) -> list:
    """``[work(task) for task in tasks]`` on up to ``jobs`` processes (default: every core).

    Every process takes the next task off one shared counter, so this process
    works too instead of waiting: one process fewer holding a layout engine.
    ``done(result, count, total)`` is called as each task ends. The results come
    in no particular order.
    """
    done = done or (lambda result, count, total: result)
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        return [done(work(task), count, len(tasks)) for count, task in
                enumerate(tasks, start=1)]
    return _forked(tasks, work, jobs, done)


def _forked(tasks: list, work, jobs: int, done) -> list:
    global _shared
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    queue = _Queue(tasks, context, done)
    _shared = (queue, work)       # the workers inherit it by forking
    thaw = _freeze()     # the workers' collector leaves the objects they inherit alone:
    try:                 # their pages stay shared instead of being copied
        # An executor, not a Pool: a worker that dies (a crash in a C library)
        # raises BrokenProcessPool here instead of leaving the build waiting forever.
        with ProcessPoolExecutor(jobs - 1, mp_context=context,
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            workers = [pool.submit(_drain) for _ in range(jobs - 1)]
            try:
                made = _drain()
            finally:
                queue.close()       # a failure here: the workers take nothing more
            return made + [result for worker in workers for result in worker.result()]
    except BrokenProcessPool:
        raise _crashed() from None
    finally:
        _shared = None
        thaw()


@contextmanager
def beside(work, jobs: int | None, doing: str):
    """``work()`` in a forked process while this one goes on: yields a handle whose
    ``result()`` waits for it (and raises what it raised). ``doing`` names the work
    for the error said if the process crashes.

    With one job (or ``work`` None) nothing is forked: ``work()`` runs when its result
    is asked for. Leaving the block waits for the process.
    """
    global _aside
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if work is None or (jobs or os.cpu_count() or 1) <= 1:
        yield _Later(work)
        return
    _aside = work                 # the process inherits it by forking
    thaw = _freeze()              # its collector leaves what it inherits alone
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            done = pool.submit(_call_aside)       # forks now
            thaw()
            yield _Waited(done, doing)
    finally:
        _aside = None
        thaw()


_aside = None       # what beside()'s forked process calls


def _freeze():
    """gc.freeze(), and what undoes it (at most once): nothing when the heap was frozen
    already — a resident's child (resident.py) inherits its resident's heap frozen, and
    gc.unfreeze() would thaw that too."""
    import gc

    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    thawed = []

    def thaw():
        if not frozen_before and not thawed:
            thawed.append(True)
            gc.unfreeze()
    return thaw


def _call_aside():
    global _ending
    _ending = True
    return _aside()


_ending = False     # True in beside()'s forked process


def ending() -> bool:
    """Whether this is `beside`'s forked process, which ends once its work is done: what
    it would free piece by piece can be left for its end (it ends with os._exit)."""
    return _ending


class _Later:
    """`beside`'s handle when nothing is forked: the work, done when asked for."""

    def __init__(self, work):
        self.work = work

    def result(self):
        return self.work() if self.work is not None else None


class _Waited:
    """`beside`'s handle on the forked process; a crash in it is said as `run` says it."""

    def __init__(self, future, doing: str):
        self.future, self.doing = future, doing

    def result(self):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.future.result()
        except BrokenProcessPool:
            raise _crashed(self.doing, "what was written beside it stays") from None


def _crashed(doing: str = "laying out page definitions",
             kept: str = "the last good PDF is untouched") -> PamphletError:
    return PamphletError(Diagnostic(
        f"a process {doing} stopped without a word (it crashed)",
        hint=f"build again with --jobs 1 to see where; {kept}"))


def die_with_parent(parent: int) -> None:
    """A worker ends when the build does, even when the build is killed (kill -9 leaves
    no process laying out parts for nobody): Linux sends it SIGKILL then."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:          # the build died before the line above ran
        os._exit(1)


class _Queue:
    """The tasks, and two counters every process shares: next and done."""

    def __init__(self, tasks: list, context, done):
        self.tasks = tasks
        self.done_callback = done
        self.next = context.Value("i", 0)
        self.done = context.Value("i", 0)

    def take(self):
        with self.next.get_lock():
            index = self.next.value
            self.next.value += 1
        return self.tasks[index] if index < len(self.tasks) else None

    def finish(self, result):
        with self.done.get_lock():
            self.done.value += 1
            count = self.done.value
        return self.done_callback(result, count, len(self.tasks))

    def close(self) -> None:
        with self.next.get_lock():
            self.next.value = len(self.tasks)


def _drain() -> list:
    """Work until no task is left to take (in this process or a worker)."""
    queue, work = _shared
    results = []
    while (task := queue.take()) is not None:
        results.append(queue.finish(work(task)))
    return results
