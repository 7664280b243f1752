"""LocalRunner with real `python -c` children."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sagelab.runner import LocalRunner, ProcessSpec, ProcessState, ProcessStatus, open_runner

IGNORES_SIGTERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN)"
SLEEPS = "import time; print('up', flush=True); time.sleep(60)"


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def spec(tmp_path: Path, name: str, code: str, env: dict[str, str] | None = None) -> ProcessSpec:
    log = tmp_path / "logs" / f"{name.replace('/', '_')}.log"
    return ProcessSpec(name, [sys.executable, "-c", code], tmp_path, env or {}, log)


def exits(runner: LocalRunner, name: str) -> ProcessStatus:
    wait_for(lambda: runner.poll(name).state is not ProcessState.RUNNING)
    return runner.poll(name)


def says(runner: LocalRunner, name: str, text: bytes) -> None:
    wait_for(lambda: text in runner.logs(name)[0])


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def runner(state_dir: Path) -> Iterator[LocalRunner]:
    local = LocalRunner(state_dir)
    yield local
    local.stop_all(grace=0)


def test_exit_codes_are_reported(runner: LocalRunner, tmp_path: Path) -> None:
    runner.start(spec(tmp_path, "job/ok", "print('hi')"))
    runner.start(spec(tmp_path, "job/bad", "import sys; sys.exit(3)"))
    status = exits(runner, "job/ok")
    assert (status.state, status.exit_code) == (ProcessState.EXITED, 0) and status.pid
    assert exits(runner, "job/bad").exit_code == 3
    assert runner.logs("job/ok") == (b"hi\n", 3)


def test_the_child_gets_only_its_environment(
    runner: LocalRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGELAB_ROOT_SECRET", "leak")
    code = "import json, os; print(json.dumps(dict(os.environ)))"
    runner.start(spec(tmp_path, "env", code, env={"FOO": "bar", "HOME": "/nowhere"}))
    exits(runner, "env")
    seen = json.loads(runner.logs("env")[0])
    assert seen["FOO"] == "bar" and seen["HOME"] == "/nowhere" and "PATH" in seen
    assert "SAGELAB_ROOT_SECRET" not in seen


def test_logs_resume_from_an_offset(runner: LocalRunner, tmp_path: Path) -> None:
    go = tmp_path / "go"
    code = (
        "import os, time; print('one', flush=True)\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.01)\n"
        "print('two')"
    )
    runner.start(spec(tmp_path, "talk", code))
    says(runner, "talk", b"one\n")
    first, offset = runner.logs("talk")
    go.touch()
    exits(runner, "talk")
    assert (first, offset) == (b"one\n", 4)
    assert runner.logs("talk", offset) == (b"two\n", 8)
    assert runner.logs("talk", 8) == (b"", 8)
    assert runner.logs("nobody", 5) == (b"", 5)


def test_stop_lets_a_child_handle_sigterm(runner: LocalRunner, tmp_path: Path) -> None:
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *a: (print('bye', flush=True), sys.exit(0)))\n"
        "print('up', flush=True); time.sleep(60)"
    )
    runner.start(spec(tmp_path, "polite", code))
    says(runner, "polite", b"up")
    runner.stop("polite", grace=30)
    assert exits(runner, "polite").exit_code == 0
    assert runner.logs("polite")[0] == b"up\nbye\n"


def test_stop_kills_the_whole_group_after_grace(runner: LocalRunner, tmp_path: Path) -> None:
    code = f"{IGNORES_SIGTERM}; import os; print(os.getpid(), flush=True); time.sleep(60)"
    runner.start(spec(tmp_path, "stubborn", code))
    wait_for(lambda: runner.logs("stubborn")[0].endswith(b"\n"))
    child_pid = int(runner.logs("stubborn")[0])
    started = time.monotonic()
    runner.stop("stubborn", grace=0.5)
    assert time.monotonic() - started < 0.2
    assert runner.poll("stubborn").state is ProcessState.RUNNING
    assert exits(runner, "stubborn").exit_code == -9
    assert time.monotonic() - started >= 0.5
    wait_for(lambda: not Path(f"/proc/{child_pid}").exists())


def test_starting_a_running_name_twice_is_refused(runner: LocalRunner, tmp_path: Path) -> None:
    runner.start(spec(tmp_path, "once", SLEEPS))
    with pytest.raises(ValueError, match="already running"):
        runner.start(spec(tmp_path, "once", SLEEPS))
    runner.stop("once", grace=5)
    exits(runner, "once")
    runner.start(spec(tmp_path, "once", "pass"))  # an exited name may run again
    assert exits(runner, "once").exit_code == 0


def test_an_unknown_name_is_lost(runner: LocalRunner) -> None:
    assert runner.poll("never") == ProcessStatus(ProcessState.LOST, None, None)


def test_a_new_runner_adopts_what_still_runs(
    runner: LocalRunner, state_dir: Path, tmp_path: Path
) -> None:
    runner.start(spec(tmp_path, "train/long", SLEEPS))
    runner.start(spec(tmp_path, "train/ends", "import sys, time; time.sleep(0.5); sys.exit(5)"))
    runner.start(spec(tmp_path, "train/done", "pass"))
    exits(runner, "train/done")
    restarted = LocalRunner(state_dir)
    assert restarted.adopt() == ["train/ends", "train/long"]
    assert restarted.poll("train/long") == runner.poll("train/long")
    assert restarted.poll("train/done").exit_code == 0
    assert exits(restarted, "train/ends") == ProcessStatus(
        ProcessState.EXITED, 5, runner.poll("train/ends").pid
    )
    says(restarted, "train/long", b"up")
    restarted.stop("train/long", grace=5)
    assert exits(restarted, "train/long").exit_code == -15


def test_an_adopted_child_that_ignores_sigterm_is_killed(
    runner: LocalRunner, state_dir: Path, tmp_path: Path
) -> None:
    runner.start(spec(tmp_path, "deaf", f"{IGNORES_SIGTERM}; time.sleep(60)"))
    restarted = LocalRunner(state_dir)
    assert restarted.adopt() == ["deaf"]
    restarted.stop("deaf", grace=0.3)
    assert exits(restarted, "deaf").state is ProcessState.EXITED


def _fake_record(state_dir: Path, name: str, pid: int, start_time: int) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "pid": pid, "start_time": start_time, "log_path": "/nonexistent"}
    (state_dir / f"{name}.json").write_text(json.dumps(record))


def _start_time(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[19])


def test_vanished_and_reused_pids_are_lost(state_dir: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    _fake_record(state_dir, "vanished", gone.pid, 1)
    # Our own pid is alive but started at another time: someone else's process now.
    _fake_record(state_dir, "imposter", os.getpid(), _start_time(os.getpid()) - 1)
    restarted = LocalRunner(state_dir)
    assert restarted.adopt() == []
    for name in ("vanished", "imposter"):
        assert restarted.poll(name).state is ProcessState.LOST
    restarted.stop("imposter", grace=0)  # must not signal this test process
    restarted.stop_all(grace=0)


def test_stop_all_ends_every_child(runner: LocalRunner, tmp_path: Path) -> None:
    runner.start(spec(tmp_path, "a", SLEEPS))
    runner.start(spec(tmp_path, "b", f"{IGNORES_SIGTERM}; print('up', flush=True); time.sleep(60)"))
    says(runner, "b", b"up")
    runner.stop_all(grace=0.3)
    assert runner.poll("a").exit_code == -15 and runner.poll("b").exit_code == -9


def test_open_runner_picks_by_url(tmp_path: Path) -> None:
    assert isinstance(open_runner("local", tmp_path), LocalRunner)
    with pytest.raises(NotImplementedError, match="ray://"):
        open_runner("ray://head:10001", tmp_path)
    with pytest.raises(ValueError, match="local"):
        open_runner("k8s://x", tmp_path)
