"""The hostile-input suite: every case of ``hostile_cases.py`` runs in its own child process under a
time and memory limit, so a crash, a hang or a memory blow-up is a failed test, not a dead run.

The parent has imported cssegment and built the cases' shared inputs once; each case runs in a
child made by ``os.fork()`` (about a millisecond, no new interpreter), which first limits its
address space (``RLIMIT_AS``: what it had at the fork plus :data:`MEMORY_BUDGET`) and its CPU time
(``RLIMIT_CPU``), then runs the case and writes its outcome to a pipe. The parent runs
:data:`PARALLEL` children at a time and kills one that outlives :data:`WALL_SECONDS`.

Outcomes are classified as:

- ``result``: the call returned (and its ``check``, if the case has one, held; else ``wrong``);
- ``invalid``: ``cssegment.InvalidInputError`` (its message must start as the case says, if it says);
- ``not_fitted``: ``cssegment.NotFittedError``;
- ``other``: any other exception (never expected: an AttributeError, pybind11's TypeError...);
- ``memory``: ``MemoryError``, or killed by the address-space limit;
- ``crash``: the child died from a signal (a segfault, an abort) or exited without a word;
- ``timeout``: killed by the wall-clock or CPU limit.

A case expects one outcome, or ``clean`` (``result`` or ``invalid``: what a public entry point may
do with any input). The suite needs ``fork`` and ``RLIMIT_AS``: on Windows (no fork) and macOS
(which does not enforce ``RLIMIT_AS``) it is skipped with that reason; CI runs it on Linux.
"""

from __future__ import annotations

import faulthandler
import importlib.util
import json
import os
import select
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

if sys.platform != "linux":
    pytest.skip(
        "the hostile suite forks a child per case and limits it with RLIMIT_AS: Linux only "
        "(Windows has no fork, macOS does not enforce RLIMIT_AS); CI runs it on Linux",
        allow_module_level=True,
    )

import resource

import cssegment as cs

_spec = importlib.util.spec_from_file_location("hostile_cases", Path(__file__).with_name("hostile_cases.py"))
assert _spec is not None and _spec.loader is not None
hostile_cases = importlib.util.module_from_spec(_spec)
sys.modules["hostile_cases"] = hostile_cases  # its dataclass looks its module up there
_spec.loader.exec_module(hostile_cases)
CASES: list[Any] = hostile_cases.CASES

#: Address space a case may add to what the process had at the fork.
MEMORY_BUDGET = 1536 << 20
#: CPU seconds and wall-clock seconds a case may take (the largest cases take well under a second).
CPU_SECONDS = 8
WALL_SECONDS = 10.0
#: Children running at a time (CI machines have two cores).
PARALLEL = 2
#: Bytes of an outcome's detail sent back (a pipe holds 64 KiB before the writer blocks).
_DETAIL = 2000


def _address_space() -> int:
    """This process's virtual memory size in bytes (VmSize)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def _classify(call: Callable[[], Any], check: Callable[[Any], bool] | None) -> tuple[str, str]:
    """Run one case in this (child) process: its outcome class and a detail (message or result)."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call()
            ok = True if check is None else bool(check(result))
        said = "".join(f" [{w.category.__name__}: {w.message}]" for w in caught)
        return ("result" if ok else "wrong"), (repr(result)[:_DETAIL] + said)
    except cs.NotFittedError as error:  # before InvalidInputError: both are ValueErrors
        return "not_fitted", str(error)
    except cs.InvalidInputError as error:
        return "invalid", str(error)
    except MemoryError as error:
        return "memory", repr(error)
    except Exception as error:
        return "other", f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=4)}"


def _child(case: Any, pipe: int, cpu_seconds: int) -> None:
    """The child: limits, the case, its outcome on the pipe; never returns (no atexit, no pytest)."""
    status = 0
    try:
        faulthandler.disable()  # pytest's handler would print the child's stack on a crash; the parent reports it
        limit = _address_space() + MEMORY_BUDGET
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        outcome, detail = _classify(case.call, case.check)
        os.write(pipe, json.dumps([outcome, detail[:_DETAIL]]).encode())
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _fork() -> int:
    with warnings.catch_warnings():  # Python 3.12+ warns that fork() in a threaded process may deadlock;
        warnings.simplefilter("ignore", DeprecationWarning)  # the child only runs the case, then _exit
        return os.fork()


def _died(status: int, deadline_passed: bool) -> tuple[str, str]:
    """The outcome of a child that sent nothing, from its wait status."""
    if deadline_passed:
        return "timeout", "killed at the wall-clock limit"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGXCPU, signal.SIGKILL):
            return "timeout", f"killed by {signal.Signals(number).name} at the CPU-time limit"
        return "crash", f"killed by {signal.Signals(number).name}"
    return "crash", f"exited with status {os.WEXITSTATUS(status)} without an outcome"


def run_all(
    cases: list[Any], wall_seconds: float = WALL_SECONDS, cpu_seconds: int = CPU_SECONDS
) -> dict[str, tuple[str, str]]:
    """Every case's (outcome, detail), :data:`PARALLEL` children at a time."""
    outcomes: dict[str, tuple[str, str]] = {}
    waiting = list(reversed(cases))
    running: dict[int, tuple[Any, int, float, bytearray]] = {}  # read end -> (case, pid, deadline, bytes)
    while waiting or running:
        while waiting and len(running) < PARALLEL:
            case = waiting.pop()
            read, write = os.pipe()
            pid = _fork()
            if pid == 0:
                os.close(read)
                _child(case, write, cpu_seconds)
            os.close(write)
            running[read] = (case, pid, time.monotonic() + wall_seconds, bytearray())
        timeout = max(0.0, min(deadline for _, _, deadline, _ in running.values()) - time.monotonic())
        ready, _, _ = select.select(list(running), [], [], timeout)
        for read in list(running):
            case, pid, deadline, received = running[read]
            late = time.monotonic() > deadline
            if read in ready:
                chunk = os.read(read, 1 << 16)
                if chunk:
                    received += chunk
                    continue
            elif not late:
                continue
            if late and read not in ready:
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            os.close(read)
            del running[read]
            if received:
                outcome, detail = json.loads(received.decode())
                outcomes[case.id] = (outcome, detail)
            else:
                outcomes[case.id] = _died(status, late)
    return outcomes


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> dict[str, tuple[str, str]]:
    """The outcomes of the cases this session runs (all, or those ``-k`` selects), run together."""
    selected = {
        item.callspec.params["case"].id
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get("case"), hostile_cases.Case)
    }
    return run_all([case for case in CASES if case.id in selected])


def _expected(case: Any, outcome: str, detail: str) -> bool:
    if case.expect == "clean":
        return outcome in ("result", "invalid")
    if outcome != case.expect:
        return False
    return case.match is None or detail.startswith(case.match)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_hostile_case(case: Any, outcomes: dict[str, tuple[str, str]]) -> None:
    outcome, detail = outcomes[case.id]
    wanted = case.expect + (f" starting {case.match!r}" if case.match else "")
    assert _expected(case, outcome, detail), f"{case.id}: expected {wanted}, got {outcome}: {detail}"


def test_the_suite_is_large_and_its_lists_name_cases() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) >= 300 and len(set(ids)) == len(ids)
    families = {case.id.split(":")[0] for case in CASES}
    assert {"issue", "magnitude", "denormal", "huge-int", "span", "sentinel", "tampered", "mixed"} <= families


def test_the_runner_classifies_crashes_hangs_and_memory() -> None:
    """The classes the runner reports, each produced on purpose: a case that fails must show."""
    case = hostile_cases.Case
    probes = [
        case("probe:crash", lambda: os.kill(os.getpid(), signal.SIGSEGV)),
        case("probe:hang", lambda: time.sleep(60)),
        case("probe:spin", lambda: sum(iter(int, 1))),
        case("probe:memory", lambda: bytearray(MEMORY_BUDGET + (256 << 20))),
        case("probe:other", lambda: {}["x"]),
        case("probe:invalid", lambda: cs.TierModel.touch().assign([-1.0])),
        case("probe:result", lambda: 1 + 1, check=lambda value: value == 3),
        case("probe:exit", lambda: os._exit(3)),
    ]
    found = {key: value[0] for key, value in run_all(probes, wall_seconds=3.0, cpu_seconds=1).items()}
    assert found == {
        "probe:crash": "crash",
        "probe:hang": "timeout",
        "probe:spin": "timeout",
        "probe:memory": "memory",
        "probe:other": "other",
        "probe:invalid": "invalid",
        "probe:result": "wrong",
        "probe:exit": "crash",
    }
