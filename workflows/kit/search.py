"""Search attribute updates of case workflows (the names are the domain's one list)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from domain import search_attributes as names

SA_STAGE = SearchAttributeKey.for_keyword(names.STAGE)
SA_CHANNEL = SearchAttributeKey.for_keyword(names.CHANNEL)


def stage_search_attributes(stage: str, channel: str) -> list[SearchAttributeUpdate[str]]:
    """Updates for a stage change."""
    return [SA_STAGE.value_set(stage), SA_CHANNEL.value_set(channel)]
