"""The CP dispatcher: time-slicing every running virtual machine on one event loop.

ARCHITECTURE.md "Time-sharing": one callback runs one slice of one runnable
virtual machine per loop pass, then returns to the loop so terminal I/O is
handled between slices; no thread and no task per virtual machine. As in
VM/370's scheduler, machines that just had terminal interaction (Q1) and
favored machines (SET FAVORED) go before long-running ones (Q2), which run
in order of a virtual-time deadline that SET PRIORITY weighs; a machine in
an enabled wait is off the run queue until an interruption can be pending
(a timer comes due, or CP posts one). The slice budget is calibrated so a
slice takes a millisecond or two, and each machine's virtual clock runs at
the measured instruction rate, so virtual time keeps pace with real time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

from server.cp.trace import snapshot, trace_lines
from server.cp.vm import RunState, VirtualMachine
from server.machine import interrupts
from server.machine.cpu import Stop

log = logging.getLogger(__name__)

TARGET_SLICE = 0.0015  # seconds of host CPU per slice: two loop passes answer a terminal
MIN_BUDGET, MAX_BUDGET = 500, 200_000
TOD_UNITS_PER_SECOND = 4096 * 1_000_000

StopHandler = Callable[[VirtualMachine, Stop], None]
ServiceHandler = Callable[[VirtualMachine], None]


class Dispatcher:
    """Runs virtual machines in slices, interactive ones first."""

    def __init__(self, target_slice: float = TARGET_SLICE) -> None:
        self.target_slice = target_slice
        self.q1: deque[VirtualMachine] = deque()
        self.q2: deque[VirtualMachine] = deque()
        self.waiting: dict[VirtualMachine, asyncio.TimerHandle | None] = {}
        self.wait_started: dict[VirtualMachine, float] = {}  # monotonic time of the wait
        self.budget = 5_000
        self.rate = 1.0  # measured instructions per microsecond
        self.on_stop: StopHandler | None = None
        self.on_cp_request: ServiceHandler | None = None
        self._scheduled = False
        self.busy_seconds = 0.0
        self.started = time.monotonic()

    # ---- queues -------------------------------------------------------------
    def make_runnable(self, vm: VirtualMachine, interactive: bool = False) -> None:
        self._unwait(vm)
        vm.interactive = vm.interactive or interactive
        if vm in self.q1 or vm in self.q2:
            return
        if self.q2:  # no credit for time spent off the queue: start at the current front
            vm.deadline = max(vm.deadline, min(other.deadline for other in self.q2))
        (self.q1 if vm.interactive or vm.user.favored else self.q2).append(vm)
        self._schedule()

    def remove(self, vm: VirtualMachine) -> None:
        self._unwait(vm)
        self.wait_started.pop(vm, None)
        for queue in (self.q1, self.q2):
            if vm in queue:
                queue.remove(vm)

    def wake(self, vm: VirtualMachine) -> None:
        """An interruption may now be pending for a waiting machine."""
        if vm.state is RunState.WAITING:
            self._end_wait(vm)
            vm.state = RunState.RUNNING
            self.make_runnable(vm)

    def _end_wait(self, vm: VirtualMachine, at_least: float = 0.0) -> None:
        """The real time the machine waited passes for its clock (and, with SET TIMER
        REAL, for its interval and CPU timers); ``at_least`` microseconds when a timer
        set the wait's end."""
        started = self.wait_started.pop(vm, None)
        if started is not None:
            waited = (time.monotonic() - started) * 1_000_000
            vm.machine.advance_time(max(waited, at_least))

    def _unwait(self, vm: VirtualMachine) -> None:
        handle = self.waiting.pop(vm, None)
        if handle is not None:
            handle.cancel()

    @property
    def queue_lengths(self) -> tuple[int, int]:
        return len(self.q1), len(self.q2)

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._pass)

    # ---- one slice ------------------------------------------------------------
    def _pass(self) -> None:
        self._scheduled = False
        if self.q1:
            vm = self.q1.popleft()
        elif self.q2:
            vm = min(self.q2, key=lambda candidate: candidate.deadline)  # virtual-time deadline
            self.q2.remove(vm)
        else:
            return
        vm.interactive = False
        try:
            reason = self._run(vm)
        except Exception:  # a CPU bug must cost this machine, never the system
            log.exception("virtual machine %s failed in the CPU", vm.userid)
            reason = Stop.CHECK_STOP
        self._after(vm, reason)
        # Let waiting threads (database, password hashing) take the GIL between slices:
        # compiled guest code holds it for whole slices, and a handoff would otherwise wait.
        time.sleep(0)
        if self.q1 or self.q2:
            self._schedule()

    def _run(self, vm: VirtualMachine) -> Stop:
        machine = vm.machine
        before = machine.instructions_executed
        started = time.process_time()
        if vm.trace.active:
            reason = self._traced_step(vm)
        else:
            reason = machine.run_slice(self.budget)
        elapsed = time.process_time() - started
        executed = machine.instructions_executed - before
        vm.user.virtual_seconds += elapsed
        vm.deadline += elapsed * vm.user.priority / 50  # SET PRIORITY: 1 runs most, 99 least
        self.busy_seconds += elapsed
        if reason is Stop.BUDGET and elapsed > 0 and not vm.trace.active:
            self._calibrate(executed, elapsed)
            machine.set_rate(self.rate)
        return reason

    def _traced_step(self, vm: VirtualMachine) -> Stop:
        """TRACE: one instruction, then CP looks at what it did."""
        state = snapshot(vm.machine)
        reason = vm.machine.run_slice(1)
        lines = trace_lines(vm.trace, state, vm.machine)
        if lines:
            vm.trace_output(lines)
            if not vm.trace.run and reason is Stop.BUDGET:
                vm.stop_message = ""  # stop after the traced event (NORUN); BEGIN goes on
        return reason

    def _calibrate(self, executed: int, elapsed: float) -> None:
        measured = executed / (elapsed * 1_000_000)
        self.rate = max(0.01, 0.8 * self.rate + 0.2 * measured)
        wanted = int(self.rate * 1_000_000 * self.target_slice)
        self.budget = max(MIN_BUDGET, min(MAX_BUDGET, (self.budget + wanted) // 2))

    def _after(self, vm: VirtualMachine, reason: Stop) -> None:
        vm.last_stop = reason
        if vm.state is not RunState.RUNNING:
            return  # CP stopped it meanwhile (attention, LOGOFF)
        if vm.stop_message is not None:  # CP stopped it on purpose (ADSTOP)
            vm.state = RunState.STOPPED
            if self.on_stop is not None:
                self.on_stop(vm, reason)
            return
        if vm.program is not None and reason not in (Stop.BUDGET, Stop.WAIT, Stop.DIAGNOSE):
            vm.program_stopped(reason)  # a Python guest's program: the guest takes over
            return
        diagnose = vm.diagnose
        if reason is Stop.DIAGNOSE and (diagnose.pending or diagnose.deferred) is not None:
            vm.state = RunState.IN_CP  # off the run queue until CP has answered
            if self.on_cp_request is not None:
                self.on_cp_request(vm)
        elif reason in (Stop.BUDGET, Stop.LIMIT, Stop.SVC, Stop.DIAGNOSE, Stop.IO, Stop.HOOK):
            (self.q1 if vm.user.favored else self.q2).append(vm)
        elif reason is Stop.WAIT:
            self._wait(vm)
        else:
            vm.state = RunState.STOPPED
            if self.on_stop is not None:
                self.on_stop(vm, reason)

    def _wait(self, vm: VirtualMachine) -> None:
        """Park a machine in an enabled wait until a timer can interrupt it."""
        vm.state = RunState.WAITING
        self.wait_started[vm] = time.monotonic()
        delay = interrupts.time_to_next_event(vm.machine.cpu)
        handle = None
        if delay is not None:
            seconds = max(delay / TOD_UNITS_PER_SECOND, 0.0005)

            def due() -> None:
                self.waiting.pop(vm, None)
                self._end_wait(vm, delay / 4096 + 1)
                self.wake(vm)

            handle = asyncio.get_running_loop().call_later(seconds, due)
        self.waiting[vm] = handle

    def load(self) -> float:
        """The share of time spent running virtual machines since start."""
        elapsed = time.monotonic() - self.started
        return self.busy_seconds / elapsed if elapsed > 0 else 0.0
