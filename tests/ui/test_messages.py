"""The UI catalogue is complete: every key in Chinese and English, every key a template uses exists,
every value of every enum the pages show has a label, and both languages take the same
placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from api.forms import choice_values, field_keys
from api.i18n import catalogue
from domain.actions import WorkerActionKind
from domain.agency_systems import Scope
from domain.agents import AgentKind
from domain.case import Category, Channel, ClaimKind, Stage, VulnerableGroup
from domain.catalogue import STAFF_PAYLOADS as TASK_PAYLOADS
from domain.catalogue import WORKER_PAYLOADS
from domain.monitoring import Level, MoneyCategory, Outcome
from domain.parties import InvitationAnswer, RespondentRole
from domain.records import DeadlineStatus, TaskStatus
from domain.referrals import REFERRALS, ReferralKind, ReferralStatus
from domain.roles import Role
from domain.scope import ScopeIssue
from domain.sittings import SittingKind
from services.dashboard import SUPERVISION_DOCUMENTS
from services.document_verification import CheckStatus
from services.monitoring_report import LAYOUT

PAGES = Path(__file__).resolve().parents[2] / "templates" / "pages"
MESSAGES: dict[str, dict[str, str]] = catalogue(PAGES.parent)  # messages.json plus domain/data/labels.json
LITERAL_KEY = re.compile(r"""\bt\(\s*['"]([a-z_][\w.]*)['"]""")
PY_KEYS = re.compile(r"""(?:both\(request,\s*|translator\(request\)\()\s*['"]([a-z_][\w.]*)['"]""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert _placeholders(entry["zh"]) == _placeholders(entry["en"]), key


def test_every_key_used_in_templates_and_page_code_exists() -> None:
    used: set[str] = set()
    for template in PAGES.glob("*.html"):
        used |= set(LITERAL_KEY.findall(template.read_text("utf-8")))
    for module in (PAGES.parents[1] / "api").rglob("*.py"):
        used |= set(PY_KEYS.findall(module.read_text("utf-8")))
    assert used, "found no t('...') calls: the pattern is wrong"
    missing = sorted(key for key in used if key not in MESSAGES and not key.endswith("."))
    assert not missing, f"keys used but missing from messages.json: {missing}"
    dynamic = {key for key in used if key.endswith(".")}
    assert dynamic <= {prefix for prefix, _ in LABELLED}, (
        f"labels built from values not checked: {dynamic}"
    )


LABELLED = [
    ("stage.", [s.value for s in Stage]),
    ("category.", [c.value for c in Category]),
    ("channel.", [c.value for c in Channel]),
    ("claim.", [k.value for k in ClaimKind]),
    ("group.", [g.value for g in VulnerableGroup]),
    ("scope.", [s.value for s in ScopeIssue]),
    ("role.", [r.value for r in Role]),
    ("party_role.", [r.value for r in RespondentRole]),
    ("respond.done.", ["service", "answer", "evidence", "defence"]),
    ("sitting.", [k.value for k in SittingKind]),
    ("calendar.clash.", ["same_person", "same_place"]),
    ("agents.kind.", [k.value for k in AgentKind]),
    ("respond.answered.", [a.value for a in InvitationAnswer]),
    ("worker_action.", [a.value for a in WorkerActionKind]),
    ("worker_action_hint.", [a.value for a in WorkerActionKind]),
    ("action.", sorted(TASK_PAYLOADS)),
    (
        "field.",
        sorted(
            set().union(
                *(field_keys(m) for m in [*TASK_PAYLOADS.values(), *WORKER_PAYLOADS.values()])
            )
        ),
    ),
    (
        "choice.",
        sorted(
            set().union(
                *(choice_values(m) for m in [*TASK_PAYLOADS.values(), *WORKER_PAYLOADS.values()])
            )
            | {"true", "false"}
        ),
    ),
    ("users.done.", ["create", "password", "deactivate", "activate", "unlock"]),
    ("deadline.status.", [s.value for s in DeadlineStatus]),
    ("task.status.", [s.value for s in TaskStatus]),
    ("referral.status.", [s.value for s in ReferralStatus]),
    ("outbox.status.", ["pending", "sent", "failed"]),
    ("doc.", list(SUPERVISION_DOCUMENTS)),
    ("verify.status.", [s.value for s in CheckStatus]),
    ("scope.", [s.value for s in Scope]),
    ("systems.done.", ["revoke", "webhook"]),
    ("monitoring.", [f"{key}.{part}" for key in LAYOUT for part in ("title", "label")]),
    ("monitoring.col.", sorted({column for columns in LAYOUT.values() for column in columns})),
    ("monitoring.level.", [level.value for level in Level]),
    ("monitoring.outcome.", [outcome.value for outcome in Outcome]),
    ("monitoring.category.", [category.value for category in MoneyCategory]),
]


@pytest.mark.parametrize(("prefix", "values"), LABELLED)
def test_every_value_the_pages_show_has_a_label(prefix: str, values: list[str]) -> None:
    missing = [value for value in values if prefix + value not in MESSAGES]
    assert not missing, f"messages.json lacks {prefix}{{{', '.join(missing)}}}"


def test_every_referral_kind_has_its_rule_and_title() -> None:
    """Referral kinds are named in one place, their rule table (domain.referrals.REFERRALS)."""
    assert set(REFERRALS) == set(ReferralKind)
    assert all(rule.title_zh and rule.title_en for rule in REFERRALS.values())
