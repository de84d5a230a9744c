"""Three workstations, random offline periods and restarts: nothing lost, nothing doubled, numbers unique."""

from __future__ import annotations

from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from faults.sync_fault_kit import Hall, accept, assert_agree, doubled, hall, local_case_nos
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from db.models import OutboxOp

USERS = ("zhangmin", "wangyan", "zhangmin")
device = st.integers(0, len(USERS) - 1)


def _outbox(h: Hall, i: int) -> list[tuple[int, int, str]]:
    with h.made[i].ctx.read() as s:
        return [(r.epoch, r.device_seq, r.op_id) for r in
                s.execute(select(OutboxOp).order_by(OutboxOp.created_at, OutboxOp.device_seq)).scalars()]


def machine_for(template: Path) -> type[RuleBasedStateMachine]:
    class Hallway(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.stack = ExitStack()
            self.hall = self.stack.enter_context(hall(template))
            self.offline = [False] * len(USERS)
            self.made: list[str] = []

        @initialize()
        def enrol(self) -> None:
            for i, who in enumerate(USERS):
                self.hall.workstation(f"ws{i}", who)

        @rule(i=device, n=st.integers(1, 2))
        def accept_cases(self, i: int, n: int) -> None:
            self.made += accept(self.hall.made[i], n, USERS[i])

        @rule(i=device)
        def sync(self, i: int) -> None:
            if self.offline[i]:
                return  # the network of this workstation is down: it keeps working on its own
            outcome = self.hall.made[i].sync(USERS[i])
            assert outcome.ok and outcome.rejected == 0, outcome

        @rule(i=device)
        def toggle_network(self, i: int) -> None:
            self.offline[i] = not self.offline[i]

        @rule(i=device)
        def restart(self, i: int) -> None:
            from app.station.bootstrap import open_data_dir

            ws = self.hall.made[i]
            root = ws.ctx.data.root
            ws.ctx.dispose()
            ws.ctx = open_data_dir(root, demo=True, clock=self.hall.clock.now)

        @invariant()
        def numbers_unique_and_seqs_increase(self) -> None:
            if not self.hall.made:
                return
            assert not doubled(self.made)
            for i in range(len(self.hall.made)):
                assert not doubled(local_case_nos(self.hall.made[i]))
                by_epoch: dict[int, list[int]] = defaultdict(list)
                for epoch, seq, _op in _outbox(self.hall, i):
                    by_epoch[epoch].append(seq)
                for seqs in by_epoch.values():  # in the order the ops were made
                    assert all(x < y for x, y in zip(seqs, seqs[1:], strict=False)), seqs

        def teardown(self) -> None:
            try:
                if len(self.hall.made) == len(USERS):
                    for i in (0, 1, 2, 0, 1):
                        outcome = self.hall.made[i].sync(USERS[i])
                        assert outcome.ok, outcome
                    assert_agree(self.hall.server, self.hall.made, set(self.made))
                    self._same_numbering_on_both_sides()
            finally:
                self.stack.close()

        def _same_numbering_on_both_sides(self) -> None:
            from server.models import AppliedOp

            local = {op: (epoch, seq) for i in range(len(USERS)) for epoch, seq, op in _outbox(self.hall, i)}
            with self.hall.server.session() as s:
                held = [(r.device_id, r.epoch, r.device_seq, r.op_id) for r in s.execute(select(AppliedOp)).scalars()]
            assert not doubled([f"{d}/{e}/{q}" for d, e, q, _ in held])
            assert all(local[op] == (epoch, seq) for _d, epoch, seq, op in held)

    return Hallway


def test_three_workstations_offline_and_restarted(demo_template: Path) -> None:
    machine = machine_for(demo_template)
    machine.TestCase.settings = settings(max_examples=4, stateful_step_count=12, deadline=None,
                                         suppress_health_check=list(HealthCheck))
    machine.TestCase().runTest()
