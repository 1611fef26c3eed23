"""Several respondents per case: roles with their provisions, credit codes checked (GB 32100), the
list checked as a whole, and the employer field kept as the first respondent."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from domain.identifiers import IdentifierError
from domain.intake import IntakeRequest, registered_facts
from domain.parties import ROLES, RespondentRole, check_respondents, contact_channel, normalise_contact
from tests.stories import PARTNER_FIRM_USCC, PLATFORM_USCC, SUBCONTRACTOR_USCC, rider, uscc, wage_arrears


def _codes(exc: ValidationError) -> list[str]:
    return [str((e.get("ctx") or {}).get("code", e["type"])) for e in exc.errors()]


def test_the_rider_names_the_partner_firm_first_and_the_platform() -> None:
    request = IntakeRequest.model_validate(rider())
    assert [(p.role, p.uscc) for p in request.parties] == [
        (RespondentRole.partner, PARTNER_FIRM_USCC), (RespondentRole.platform, PLATFORM_USCC)]
    facts = registered_facts("LD-2026-000001", request, request.knew_on)
    assert [(r.seq, r.role, r.name) for r in facts.respondents] == [
        (1, RespondentRole.partner, "上海众骑劳务外包有限公司"), (2, RespondentRole.platform, "上海快送信息科技有限公司")]
    assert facts.employer_uscc == PARTNER_FIRM_USCC, "the employer field stays the first respondent"


def test_a_single_employer_intake_is_one_respondent_in_the_employer_role() -> None:
    request = IntakeRequest.model_validate(wage_arrears())
    assert [(p.role, p.uscc) for p in request.parties] == [(RespondentRole.employer, SUBCONTRACTOR_USCC)]


BAD_CHECK = PLATFORM_USCC[:17] + ("0" if PLATFORM_USCC[17] != "0" else "1")


@pytest.mark.parametrize(
    ("respondent", "code"),
    [
        # GB 32100-2015 s. 4: the 18th character is the check character.
        ({"name": "上海快送信息科技有限公司", "role": "platform", "uscc": BAD_CHECK}, "uscc.check"),
        ({"name": "上海快送信息科技有限公司", "role": "platform", "uscc": "91310000MA1FL3XD5"}, "uscc.format"),
        ({"name": "上海快送信息科技有限公司", "role": "platform", "contact": "1391666"}, "contact.format"),
        ({"name": "上海快送信息科技有限公司", "role": "platform", "contact": "hr@"}, "contact.email"),
        ({"name": "上海快送信息科技有限公司", "role": "courier"}, "enum"),
        # The same respondent twice.
        ({"name": "上海众骑劳务外包有限公司", "role": "platform"}, "respondents.duplicate_name"),
        ({"name": "另一家公司", "role": "platform", "uscc": PARTNER_FIRM_USCC}, "respondents.duplicate_uscc"),
        # Migrant Workers' Wages Regulation Art. 29-30: the contractor chain answers for unpaid wages only.
        ({"name": "上海建工总承包有限公司", "role": "contractor"}, "respondents.role_needs_wage_claim"),
    ],
)
def test_a_wrong_respondent_is_refused_with_its_reason(respondent: dict[str, Any], code: str) -> None:
    body = rider(claims=[{"kind": "damages", "amount": "15000.00"}], category="unlawful_dismissal")
    body["respondents"] = [respondent]
    with pytest.raises(ValidationError) as caught:
        IntakeRequest.model_validate(body)
    assert any(c.startswith(code) for c in _codes(caught.value)), _codes(caught.value)


def test_the_contractor_chain_is_accepted_for_construction_wages() -> None:
    """Migrant Workers' Wages Regulation Art. 30: the general contractor pays first when a subcontractor defaults."""
    main = uscc("91310000MA1G6F2B3")
    request = IntakeRequest.model_validate(
        wage_arrears(respondents=[{"name": "上海建工总承包有限公司", "role": "contractor", "uscc": main}]))
    assert [p.role for p in request.parties] == [RespondentRole.employer, RespondentRole.contractor]


@pytest.mark.parametrize(("raw", "normal", "channel"), [
    ("139 1666 0000", "13916660000", "sms"),
    ("+86 139-1666-0000", "13916660000", "sms"),
    ("HR@Example.CN", "hr@example.cn", "email"),
])
def test_contacts_are_a_mobile_or_an_email(raw: str, normal: str, channel: str) -> None:
    assert normalise_contact(raw) == normal and contact_channel(normal) == channel
    with pytest.raises(IdentifierError):
        normalise_contact("not a contact")


def test_every_role_names_its_provision() -> None:
    assert set(ROLES) == set(RespondentRole)
    assert all("/" in rule.basis and rule.zh and rule.en for rule in ROLES.values())
    # LDMAL Art. 22 para 2: the dispatch agency and the using unit are joint parties.
    assert "第二十二条第二款" in ROLES[RespondentRole.dispatch_agency].basis
    assert ROLES[RespondentRole.dispatch_agency].basis == ROLES[RespondentRole.using_unit].basis
    assert check_respondents([(RespondentRole.dispatch_agency, "A", None), (RespondentRole.using_unit, "B", None)], False) is None
