"""The reconciler loop: steps run, kicks wake it, a failing step hurts no other."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from sagelab.reconciler import Reconciler


class Counter:
    def __init__(self, fails: bool = False) -> None:
        self.calls = 0
        self.fails = fails
        self.ran = threading.Event()

    def __call__(self) -> None:
        self.calls += 1
        self.ran.set()
        if self.fails:
            raise RuntimeError("step failed")


@pytest.fixture
def slow_loop() -> Iterator[Reconciler]:
    """A loop whose interval is far longer than any test: only kicks make it run again."""
    reconciler = Reconciler(interval=60)
    yield reconciler
    reconciler.stop()


def test_settle_runs_every_step_once_in_the_caller() -> None:
    reconciler = Reconciler()
    first, second = Counter(), Counter()
    reconciler.register(first)
    reconciler.register(second)
    reconciler.settle()
    assert (first.calls, second.calls) == (1, 1)


def test_the_loop_runs_steps_every_interval() -> None:
    reconciler = Reconciler(interval=0.01)
    step = Counter()
    reconciler.register(step)
    reconciler.start()
    time.sleep(0.3)
    reconciler.stop()
    calls = step.calls
    assert calls >= 5
    time.sleep(0.05)
    assert step.calls == calls  # stopped means stopped


def test_kick_wakes_the_loop_early(slow_loop: Reconciler) -> None:
    step = Counter()
    slow_loop.register(step)
    slow_loop.start()
    assert step.ran.wait(5)
    step.ran.clear()
    slow_loop.kick()
    assert step.ran.wait(5) and step.calls == 2


def test_a_failing_step_neither_stops_others_nor_the_loop(
    slow_loop: Reconciler, caplog: pytest.LogCaptureFixture
) -> None:
    broken, healthy = Counter(fails=True), Counter()
    slow_loop.register(broken)
    slow_loop.register(healthy)
    slow_loop.start()
    assert healthy.ran.wait(5)
    healthy.ran.clear()
    slow_loop.kick()
    assert healthy.ran.wait(5)
    assert broken.calls == 2 and healthy.calls == 2
    assert "step failed" in caplog.text
