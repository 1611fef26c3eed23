"""A minimal workflow holding a provisional deadline, as the dispute workflow does: on the
`calendar-updated` signal it recomputes the deadline with the pure engine, inside the sandbox."""

from __future__ import annotations

from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar import Calendar, CalendarYear
    from domain.deadlines import Deadline, compute_deadline, recompute


@workflow.defn(name="calendar-listener-test")
class CalendarListener:
    """Holds D01 from a start date; recomputes it when a calendar year arrives."""

    @workflow.init
    def __init__(self, start: date) -> None:
        # Here, not in run(): a signal in the first activation is handled before run() starts.
        self.years: list[CalendarYear] = []
        self.history: list[Deadline] = [compute_deadline("D01", start)]

    @workflow.run
    async def run(self, start: date) -> list[Deadline]:
        await workflow.wait_condition(lambda: len(self.history) > 1)
        return self.history

    @workflow.signal(name="calendar-updated")
    def calendar_updated(self, year: CalendarYear) -> None:
        self.years.append(year)
        self.history.append(recompute(self.history[-1], Calendar(self.years)))
