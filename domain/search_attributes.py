"""Names of the custom search attributes of case workflows: business ids and routing facts only,
never personal data. Workflows set them, the infrastructure registers them with the server and
the services start workflows with them; this is the one list."""

from __future__ import annotations

CASE_NO = "CaseNo"
STAGE = "Stage"
CHANNEL = "Channel"
CATEGORY = "Category"
REGION = "Region"
KEYWORDS = (CASE_NO, STAGE, CHANNEL, CATEGORY, REGION)  # every one is a Keyword attribute
