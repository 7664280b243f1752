"""LocalRunner: user code as child processes of the server, each in its own session.

Every child runs under `wrapper.py`, which records the exit code in `state_dir`, next to a
JSON record of the wrapper's pid and kernel start time. A restarted server reads those back
(`adopt`): the start time tells a process of ours from an unrelated one that reuses its pid.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from sagelab.runner.base import ProcessSpec, ProcessState, ProcessStatus

_WRAPPER = Path(__file__).with_name("wrapper.py")
_INHERITED = ("PATH", "HOME", "LANG")
_LOG_READ_MAX = 1 << 20
_HAS_PROC = Path("/proc/self/stat").exists()


@dataclass(frozen=True)
class _Record:
    name: str
    pid: int  # the wrapper's, which is also its process group's id
    start_time: int | None  # clock ticks after boot, from /proc/<pid>/stat
    log_path: str


@dataclass
class _Tracked:
    record: _Record
    popen: subprocess.Popen[bytes] | None  # None when adopted from an earlier server
    signalled: bool = False  # we stopped it, so a missing exit code is no surprise


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state letter, start time) of a live or zombie pid, None when it does not exist."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[19])


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_alive(record: _Record) -> bool:
    if not _HAS_PROC:
        return _pid_exists(record.pid)
    stat = _proc_stat(record.pid)
    if stat is None or stat[0] in ("Z", "X"):
        return False
    return record.start_time is None or stat[1] == record.start_time


def _kill_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class LocalRunner:
    def __init__(self, state_dir: Path) -> None:
        self._dir = state_dir
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._tracked: dict[str, _Tracked] = {}

    def start(self, spec: ProcessSpec) -> None:
        with self._lock:
            current = self._tracked.get(spec.name)
            if current is not None and self._is_running(current):
                raise ValueError(f"process {spec.name!r} is already running")
            exit_file = self._file(spec.name, ".exit")
            exit_file.unlink(missing_ok=True)
            popen = _spawn(spec, exit_file)
            stat = _proc_stat(popen.pid)
            record = _Record(spec.name, popen.pid, stat[1] if stat else None, str(spec.log_path))
            self._save(record)
            self._tracked[spec.name] = _Tracked(record, popen)

    def poll(self, name: str) -> ProcessStatus:
        with self._lock:
            tracked = self._tracked.get(name)
            if tracked is None:
                return ProcessStatus(ProcessState.LOST, None, None)
            return self._status(tracked)

    def stop(self, name: str, grace: float) -> None:
        with self._lock:
            tracked = self._tracked.get(name)
            if tracked is None or not self._is_running(tracked):
                return
            _signal_leader(tracked, signal.SIGTERM)
        timer = threading.Timer(grace, self._kill, args=(tracked,))
        timer.daemon = True
        timer.start()

    def logs(self, name: str, offset: int = 0) -> tuple[bytes, int]:
        with self._lock:
            tracked = self._tracked.get(name)
        if tracked is None:
            return b"", offset
        try:
            with open(tracked.record.log_path, "rb") as log:
                log.seek(offset)
                data = log.read(_LOG_READ_MAX)
        except FileNotFoundError:
            return b"", offset
        return data, offset + len(data)

    def adopt(self) -> list[str]:
        running = []
        with self._lock:
            for path in sorted(self._dir.glob("*.json")):
                record = _Record(**json.loads(path.read_text()))
                if record.name in self._tracked:
                    continue
                self._tracked[record.name] = _Tracked(record, None)
                if _is_alive(record):
                    running.append(record.name)
        return running

    def stop_all(self, grace: float) -> None:
        with self._lock:
            targets = [t for t in self._tracked.values() if self._is_running(t)]
            for tracked in targets:
                _signal_leader(tracked, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(self._is_running(t) for t in targets):
            time.sleep(0.05)
        for tracked in targets:
            self._kill(tracked)
            if tracked.popen is not None:
                tracked.popen.wait()

    def _kill(self, tracked: _Tracked) -> None:
        # The whole group, even when the wrapper is gone: its child's children may linger.
        # An adopted pid that has exited is no longer ours: it may name someone else's group.
        with self._lock:
            if tracked.popen is not None or self._is_running(tracked):
                _kill_group(tracked.record.pid, signal.SIGKILL)

    def _is_running(self, tracked: _Tracked) -> bool:
        return self._status(tracked).state is ProcessState.RUNNING

    def _status(self, tracked: _Tracked) -> ProcessStatus:
        pid = tracked.record.pid
        running = ProcessStatus(ProcessState.RUNNING, None, pid)
        if tracked.popen is not None:
            code = tracked.popen.poll()
            if code is None:
                return running
            recorded = self._exit_code(tracked.record.name)
            return ProcessStatus(ProcessState.EXITED, code if recorded is None else recorded, pid)
        if _is_alive(tracked.record):
            return running
        recorded = self._exit_code(tracked.record.name)
        if recorded is not None or tracked.signalled:
            return ProcessStatus(ProcessState.EXITED, recorded, pid)
        return ProcessStatus(ProcessState.LOST, None, pid)

    def _exit_code(self, name: str) -> int | None:
        try:
            return int(self._file(name, ".exit").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def _save(self, record: _Record) -> None:
        path = self._file(record.name, ".json")
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(record)))
        os.replace(tmp, path)

    def _file(self, name: str, suffix: str) -> Path:
        stem = quote(name, safe="")
        if len(stem) > 200:  # file names stop at 255 bytes
            stem = hashlib.sha256(name.encode()).hexdigest()
        return self._dir / f"{stem}{suffix}"


def _spawn(spec: ProcessSpec, exit_file: Path) -> subprocess.Popen[bytes]:
    env = {k: os.environ[k] for k in _INHERITED if k in os.environ} | spec.env
    argv = [sys.executable, "-I", str(_WRAPPER), str(exit_file), "--", *spec.argv]
    spec.log_path.parent.mkdir(parents=True, exist_ok=True)
    with spec.log_path.open("ab") as log:
        return subprocess.Popen(
            argv,
            cwd=spec.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _signal_leader(tracked: _Tracked, sig: signal.Signals) -> None:
    """Signal the wrapper, which forwards SIGTERM to the command it runs."""
    tracked.signalled = True
    if tracked.popen is not None:
        tracked.popen.send_signal(sig)
    elif _is_alive(tracked.record):
        with contextlib.suppress(ProcessLookupError):
            os.kill(tracked.record.pid, sig)
