"""What follows what on the ladder: each step opens one union task, waits, and returns the next
step. A missed reply period (Zhejiang P18 Art. 23 (2)), a refused notice (23 (1)) or a refused
correction (23 (3)) pre-draft the next notice; union staff confirm before anything is issued."""

from __future__ import annotations

from temporalio import workflow

from workflows.supervision_replies import SupervisionReplies

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.catalogue import Supervision
    from domain.ids import supervision_workflow_id
    from domain.records import DeadlineStatus

GOVERNMENT_DAYS = 30  # service level: the law sets the government no period (TUL Art. 23)
PROCURATORATE_DAYS = 10  # service level for the procuratorate's answer (rules 10.1, [L])
DECIDE = (Supervision.record_investigation, Supervision.draft_notice, Supervision.escalate_government, Supervision.close_matter)
OUTCOME_RECTIFIED = (sv.MatterOutcome.rectified, "用人单位已整改并提供证明", "Rectified, with proof")


class SupervisionSteps(SupervisionReplies):
    """The steps of the matter workflow."""

    async def step_decide(self) -> str:
        zh, en = ("调查并决定下一步", "Investigate and decide the next step")
        if self.investigation is not None:
            zh, en = ("决定下一步：起草文书、提请政府处理或结案", "Decide: draft, escalate or close")
        await self.wait_task("decide_next", zh, en, DECIDE, lambda: self.draft is not None or self.escalation is not None)
        return "closed" if self.closing else "government" if self.escalation else "approve"

    async def step_approve(self) -> str:
        assert self.draft is not None
        rung, before = self.draft.notice.rung, self.issued_seq
        self.withdrawn = False
        await self.wait_task(
            "approve_notice",
            f"审批{rung.zh}（须由起草人以外的工作人员审批）",
            f"Approve the {rung.value} (not by its drafter)",
            (Supervision.approve_notice, Supervision.revise_draft, Supervision.withdraw_draft),
            lambda: self.issued_seq > before or self.withdrawn,
            data={"draft": self.draft.model_dump(mode="json")},
        )
        return "closed" if self.closing else "decide" if self.withdrawn else "serve"

    async def step_serve(self) -> str:
        record, self.served = self.current, False
        await self.wait_task(
            "record_service",
            f"记录{record.rung.zh}（{record.document_no}）的送达",
            f"Record service of {record.document_no}",
            (Supervision.record_service,),
            lambda: self.served,
        )
        record = self.current
        if self.closing:
            return "closed"
        if record.rung is sv.Rung.lead_transfer:
            return "procuratorate"
        if record.rung is sv.Rung.recommendation_notice:
            return "referral"
        refused = record.service_method is sv.ServiceMethod.refused
        if record.rung is sv.Rung.opinion_notice and refused:
            return await self.escalate(sv.Trigger.refused_receipt)
        return "await_reply"

    async def step_await_reply(self) -> str:
        self.reply = None
        key = await self.start_reply_clock()
        record = self.current
        due = f"（{record.reply_due_on}前）" if key else "（无答复期限）"
        actions = (Supervision.record_reply, Supervision.close_matter) + (() if key else (Supervision.draft_notice,))
        await self.wait_task(
            "await_reply",
            f"等待用人单位答复{record.rung.zh}{due}",
            f"Await the reply to {record.document_no}",
            actions,
            lambda: self.reply is not None or self.draft is not None,
            deadline_key=key,
        )
        if key:
            await self.close_deadline(key, DeadlineStatus.met if self.reply else DeadlineStatus.missed)
        if self.closing:
            return "closed"
        if self.draft is not None:
            return "approve"
        if self.reply is None:
            await self.event(
                "reply_overdue",
                f"{record.rung.zh}答复期限{record.reply_due_on}届满，未答复",
                f"No reply to {record.document_no} by {record.reply_due_on}",
                citation="《浙江省工会劳动法律监督条例》第二十三条 / ZJ P18 Art. 23",
            )
            return await self.escalate(sv.Trigger.no_reply)
        reply, source = self.reply
        if source == "staff" and reply.kind is sv.ReplyKind.rectified:
            self.closing = OUTCOME_RECTIFIED
            return "closed"
        if source == "staff" and reply.kind is sv.ReplyKind.refused:
            return await self.escalate(sv.Trigger.refused)
        return "review_reply"

    async def step_review_reply(self) -> str:
        assert self.reply is not None
        reply, source = self.reply
        self.decision = None
        await self.wait_task(
            "decide_reply",
            "审查用人单位的答复并作出决定",
            "Decide on the reply",
            (Supervision.decide_reply, Supervision.close_matter),
            lambda: self.decision is not None,
            data={"reply": reply.model_dump(mode="json"), "source": source},
        )
        if self.closing or self.decision is None:
            return "closed"
        if self.decision.accept:
            reason = self.decision.reason
            self.closing = (
                OUTCOME_RECTIFIED
                if reply.kind is sv.ReplyKind.rectified
                else (sv.MatterOutcome.reply_accepted, f"工会采纳答复：{reason}", f"Reply accepted: {reason}")
            )
            return "closed"
        refused = reply.kind is sv.ReplyKind.refused
        return await self.escalate(sv.Trigger.refused if refused else sv.Trigger.reply_rejected)

    async def step_referral(self) -> str:
        """The recommendation notice opens the department's handling (a child workflow)."""
        notice = self.current
        assert notice.served_on is not None and notice.document_no is not None
        self.children += 1
        self.rungs.append(
            sv.RungRecord(
                seq=len(self.rungs) + 1,
                rung=sv.Rung.inspection_referral,
                trigger=notice.trigger,
                issued_on=notice.served_on,
                served_on=notice.served_on,
                addressee=notice.addressee,
            )
        )
        await self.record_rung(self.current)
        inp = self.inp
        referral = sv.ReferralInput(
            matter_no=inp.matter_no,
            team_code=inp.team_code,
            region=inp.region,
            jurisdiction=inp.jurisdiction,
            department=notice.addressee,
            notice_no=notice.document_no,
            served_on=notice.served_on,
            printed_due=notice.reply_due_on,
            calendar_years=inp.calendar_years,
            shift_days=inp.shift_days,
        )
        result: sv.ReferralResult = await workflow.execute_child_workflow(
            "supervision-referral",
            referral,
            result_type=sv.ReferralResult,
            id=f"{supervision_workflow_id(inp.matter_no)}/referral/{self.children}",
        )
        if result.outcome is sv.ReferralOutcome.rectified:
            self.closing = (
                sv.MatterOutcome.rectified_after_inspection,
                "经劳动保障监察处理，用人单位已改正",
                "Rectified after labour inspection",
            )
            return "closed"
        return "decide"

    async def step_government(self) -> str:
        assert self.escalation is not None
        key = f"government-{self.current.seq}"
        await self.set_service_deadline(key, self.escalation.on, GOVERNMENT_DAYS, "人民政府依法处理", "The government acts")
        self.response = None
        await self.wait_task(
            "record_government_response",
            "记录人民政府的处理情况",
            "Record what the government did",
            (Supervision.record_response, Supervision.close_matter),
            lambda: self.response is not None,
            deadline_key=key,
        )
        await self.close_deadline(key, DeadlineStatus.met)
        self.escalation = None
        if self.closing is None and self.response is not None and self.response.rectified:
            self.closing = (sv.MatterOutcome.government_handled, "经人民政府处理，用人单位已改正", "Rectified after the government acted")
        return "closed" if self.closing else "decide"

    async def step_procuratorate(self) -> str:
        record = self.current
        assert record.served_on is not None
        key = f"procuratorate-{record.seq}"
        await self.set_service_deadline(
            key, record.served_on, PROCURATORATE_DAYS, "检察机关审查移送的线索", "The procuratorate reviews the lead"
        )
        self.response = None
        await self.wait_task(
            "record_procuratorate_decision",
            "记录检察机关对移送线索的处理",
            "Record the procuratorate's decision",
            (Supervision.record_response,),
            lambda: self.response is not None,
            deadline_key=key,
        )
        await self.close_deadline(key, DeadlineStatus.met)
        remarks = f"：{self.response.remarks}" if self.response and self.response.remarks else ""
        self.closing = (sv.MatterOutcome.transferred, f"线索已移送检察机关{remarks}", "The lead went to the procuratorate")
        return "closed"
