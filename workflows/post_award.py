"""After the award (LDMAL Art. 47-50): for a final award the worker has 15 days to sue (D25) and
the employer 30 days to apply to the intermediate court to revoke it (D26; 15 days to sue after a
revocation, D27); for a non-final award either party has 15 days to sue (D30). Unchallenged, the
award binds."""

from __future__ import annotations

from datetime import date

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Note, Ruling, SuitFiled
    from domain.catalogue import PostAward
    from domain.final_award import AwardClass
    from domain.records import DeadlineStatus
    from domain.workflow_models import Milestone, PostAwardInput, PostAwardOutcome, PostAwardResult, WorkerOption


@workflow.defn(name="post-award", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class PostAwardWorkflow(StatutoryWorkflow):
    """The challenge windows after an award, and a revocation application if the employer files one."""

    def __init__(self) -> None:
        self.suit: SuitFiled | None = None
        self.revocation_filed: date | None = None
        self.revocation: Ruling | None = None

    @workflow.run
    async def run(self, inp: PostAwardInput) -> PostAwardResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        received = inp.award.received_on
        self.final = inp.classification.award_class is AwardClass.final
        self.status = "windows_open"
        if self.final:
            sue = await self.set_deadline("worker_sue", "D25", received)
            await self.set_deadline("employer_revoke", "D26", received)
            window = "employer_revoke"
            zh, en = (
                f"终局裁决：劳动者可在{sue.due}前起诉；用人单位可在{self.due('employer_revoke')}前申请撤销",
                f"Final award: the worker may sue by {sue.due}; the employer may apply to revoke by {self.due('employer_revoke')}",
            )
        else:
            sue = await self.set_deadline("worker_sue", "D30", received)
            window = "worker_sue"
            zh, en = (
                f"非终局裁决：任何一方可在{sue.due}前起诉，逾期裁决生效",
                f"Non-final award: either party may sue by {sue.due}; otherwise it binds",
            )
        await self.event("award_windows", zh, en, on=received, citation=sue.basis)
        await self._tell_parent(
            "award_windows",
            zh,
            en,
            (
                WorkerOption(
                    action="sue",
                    label_zh="不服裁决，向人民法院起诉",
                    label_en="Sue in court against the award",
                    last_day=sue.due,
                    rule=sue.rule,
                ),
            ),
        )
        await self.open_task(
            "record_award_challenge",
            "记录起诉或撤销申请",
            "Record a suit or a revocation application",
            (PostAward.record_suit, PostAward.record_revocation_application),
            deadline_key=window,
        )
        await self.until(window, lambda: self.suit is not None or self.revocation_filed is not None)
        if self.revocation_filed is not None and self.suit is None:
            await workflow.wait_condition(lambda: self.revocation is not None or self.suit is not None)
        await self.cancel_open_tasks("windows_closed")
        await self.settle()
        return await self._result()

    async def _result(self) -> PostAwardResult:
        today = self.clock.today()
        for key in ("worker_sue", "employer_revoke", "sue_after_revocation"):
            await self.close_deadline(key, DeadlineStatus.met)
        if self.suit is not None:
            self.status = "suit"
            return PostAwardResult(outcome=PostAwardOutcome.suit, noted_on=today, suit_filed_on=self.suit.filed_on, suit_by=self.suit.by)
        if self.revocation is not None and self.revocation.granted:
            self.status = "revoked"
            return PostAwardResult(outcome=PostAwardOutcome.revoked, noted_on=today)
        self.status = "effective"
        await self.event(
            "award_effective",
            "期限内无人起诉或撤销申请被驳回，裁决发生法律效力",
            "No timely challenge: the award is binding",
            citation="《劳动争议调解仲裁法》第四十七条、第五十条 / LDMAL Art. 47, 50",
        )
        return PostAwardResult(outcome=PostAwardOutcome.effective, noted_on=today)

    async def _tell_parent(self, kind: str, zh: str, en: str, options: tuple[WorkerOption, ...]) -> None:
        parent = workflow.info().parent
        if parent is not None:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                "milestone", Milestone(kind=kind, zh=zh, en=en, options=options)
            )

    @workflow.signal(name="record-suit")
    async def record_suit_signal(self, suit: SuitFiled) -> None:
        """The worker reports through the case page that they sued."""
        if self.suit is None:
            self.suit = suit
            await self.event("suit_filed", "劳动者向人民法院起诉", "The worker sued in the people's court", on=suit.filed_on)

    @action(PostAward.record_suit)
    async def record_suit(self, task: OpenTask, suit: SuitFiled, actor: Actor) -> ActionResult:
        key = "worker_sue" if suit.by == "worker" else ("employer_revoke" if self.final else "worker_sue")
        due = self.due(key)
        late = due is not None and suit.filed_on > due
        await self.event(
            "suit_filed",
            f"{'劳动者' if suit.by == 'worker' else '用人单位'}于{suit.filed_on}起诉" + ("（已逾期）" if late else ""),
            f"The {suit.by} sued on {suit.filed_on}" + (" (late)" if late else ""),
            actor=actor,
            on=suit.filed_on,
        )
        self.suit = suit
        return ActionResult(message_zh="已记录起诉", message_en="Suit recorded")

    @action(PostAward.record_revocation_application)
    async def record_revocation_application(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        self.revocation_filed = note.on
        await self.event(
            "revocation_applied",
            "用人单位向中级人民法院申请撤销裁决",
            "The employer applied to the intermediate court to revoke the award",
            actor=actor,
            on=note.on,
            citation="《劳动争议调解仲裁法》第四十九条 / LDMAL Art. 49",
        )
        await self.open_task(
            "record_revocation_ruling",
            "记录中级法院撤销裁定",
            "Record the intermediate court's ruling",
            (PostAward.record_revocation_ruling,),
        )
        return ActionResult(message_zh="已记录撤销申请", message_en="Revocation application recorded")

    @action(PostAward.record_revocation_ruling)
    async def record_revocation_ruling(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        if ruling.granted:
            sue = await self.set_deadline("sue_after_revocation", "D27", ruling.received_on or ruling.decided_on)
            zh, en = f"裁决被撤销，当事人可在{sue.due}前起诉", f"Award revoked: a party may sue by {sue.due}"
            await self._tell_parent(
                "award_revoked",
                zh,
                en,
                (WorkerOption(action="sue", label_zh="向人民法院起诉", label_en="Sue in court", last_day=sue.due, rule="D27"),),
            )
        else:
            zh, en = "撤销申请被驳回，裁决有效", "Revocation refused: the award stands"
        await self.event(
            "revocation_ruling", zh, en, actor=actor, on=ruling.decided_on, citation="《劳动争议调解仲裁法》第四十九条 / LDMAL Art. 49"
        )
        self.revocation = ruling
        return ActionResult(message_zh=zh, message_en=en)
