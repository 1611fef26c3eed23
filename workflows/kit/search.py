"""Search attributes of case workflows: business ids and routing facts only, never personal data."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

SA_CASE_NO = SearchAttributeKey.for_keyword("CaseNo")
SA_STAGE = SearchAttributeKey.for_keyword("Stage")
SA_CHANNEL = SearchAttributeKey.for_keyword("Channel")
SA_CATEGORY = SearchAttributeKey.for_keyword("Category")
SA_REGION = SearchAttributeKey.for_keyword("Region")
SEARCH_ATTRIBUTES = (SA_CASE_NO, SA_STAGE, SA_CHANNEL, SA_CATEGORY, SA_REGION)


def stage_search_attributes(stage: str, channel: str) -> list[SearchAttributeUpdate[str]]:
    """Updates for a stage change."""
    return [SA_STAGE.value_set(stage), SA_CHANNEL.value_set(channel)]
