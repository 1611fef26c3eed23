"""Any channel -> legal aid (Legal Aid Law Art. 43; the reform's joint mechanism): every workflow that
runs a channel of the dispute offers "转请法律援助" on its tasks, to the roles that work them, and each
workflow declares a handler for it. The mediation organisation of a channel is one function."""

from __future__ import annotations

import pytest

from domain.catalogue import GROUPS, actions_of
from domain.organisations import Agency, mediation_agency
from workflows.registry import ALL_WORKFLOWS

CHANNELS = ("mediation", "agreement", "payment-order", "arbitration", "litigation", "enforcement", "inspection")


@pytest.mark.parametrize("workflow_type", CHANNELS)
def test_every_channel_refers_the_worker_to_legal_aid(workflow_type: str) -> None:
    names = {entry.name for entry in actions_of(GROUPS[workflow_type])}
    assert "refer_to_legal_aid" in names
    [cls] = [c for c in ALL_WORKFLOWS if getattr(c, "__temporal_workflow_definition").name == workflow_type]
    assert "refer_to_legal_aid" in cls.ACTIONS, f"{workflow_type} declares no handler"


def test_the_court_alone_asks_the_procuratorate_for_support() -> None:
    """CPL Art. 15: the judge's request (the union's is automatic, for vulnerable workers)."""
    offered = [t for t, group in GROUPS.items() if "refer_to_procuratorate" in {e.name for e in actions_of(group)}]
    assert offered == ["litigation"]


@pytest.mark.parametrize(
    ("channel", "agency"),
    [
        ("enterprise_committee", Agency.enterprise_committee),
        ("peoples_mediation", Agency.peoples_mediation),
        ("union_mediation", Agency.union_mediation),
        ("negotiation", Agency.union_mediation),
        (None, Agency.union_mediation),
    ],
)
def test_the_mediation_organisation_of_a_channel(channel: str | None, agency: Agency) -> None:
    assert mediation_agency(channel) is agency
