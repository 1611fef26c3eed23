"""Demo organisations of every kind, with a team and accounts, for each shipped region (`make run`,
development only). Names come from the region's agencies (`domain/data/regions.json`), the ones
documents print, so the demo and the documents agree."""

from __future__ import annotations

from sqlmodel import select

from domain.organisations import ORG_NAMES, OrgKind
from domain.regions import regions
from domain.roles import Role
from infrastructure.db import Database
from infrastructure.tables import Organisation, Team, User

# Region -> the short tag in codes and usernames ("" for the default region, Pudong).
REGION_TAGS = {"shanghai-pudong": "", "hangzhou-xihu": "hz", "dongguan": "dg", "beijing-chaoyang": "cy"}
POLICE = {
    "shanghai-pudong": "上海市公安局浦东分局",
    "hangzhou-xihu": "杭州市公安局西湖区分局",
    "dongguan": "东莞市公安局",
    "beijing-chaoyang": "北京市公安局朝阳分局",
}
# Teams of the first version keep their codes (running cases refer to them).
LEGACY_TEAMS = {
    ("shanghai-pudong", OrgKind.union_mediation_centre): "union-med-1",
    ("shanghai-pudong", OrgKind.peoples_mediation): "peoples-med-1",
    ("shanghai-pudong", OrgKind.union_federation): "union-fed-1",
    ("hangzhou-xihu", OrgKind.union_mediation_centre): "union-med-hz",
}
SHORT = {
    OrgKind.union_federation: "union-fed",
    OrgKind.union_mediation_centre: "union-med",
    OrgKind.enterprise_committee: "ent-med",
    OrgKind.peoples_mediation: "peoples-med",
    OrgKind.legal_aid: "legal-aid",
    OrgKind.arbitration_commission: "arb",
    OrgKind.labour_inspection: "inspection",
    OrgKind.court: "court",
    OrgKind.procuratorate: "procuratorate",
    OrgKind.public_security: "police",
}
# Accounts per organisation kind: (username stem, role, display name). The first version's union
# accounts (mediator, union, ...) are kept by accounts.DEMO_USERS.
STAFF: dict[OrgKind, tuple[tuple[str, Role, str], ...]] = {
    OrgKind.enterprise_committee: (("ent-mediator", Role.mediator, "企业调解员 郑伟"),),
    OrgKind.peoples_mediation: (("pm-mediator", Role.mediator, "人民调解员 何芳"),),
    OrgKind.legal_aid: (
        ("aid-reviewer", Role.legal_aid_reviewer, "法律援助审查员 冯军"),
        ("aid-lawyer", Role.legal_aid_lawyer, "援助律师 韩雪"),
    ),
    OrgKind.arbitration_commission: (
        ("arb-clerk", Role.arbitration_clerk, "立案员 吴静"),
        ("arb-clerk2", Role.arbitration_clerk, "立案员 许诺"),
        ("arbitrator", Role.arbitrator, "仲裁员 钱峰"),
        ("arb-head", Role.commission_head, "仲裁委主任 赵明"),
    ),
    OrgKind.labour_inspection: (("inspector", Role.inspector, "劳动保障监察员 褚强"),),
    OrgKind.court: (
        ("court-clerk", Role.court_clerk, "立案庭书记员 卫兰"),
        ("judge", Role.judge, "审判员 蒋平"),
        ("enforcer", Role.enforcement_officer, "执行员 沈涛"),
    ),
    OrgKind.procuratorate: (("procurator", Role.procurator, "检察官 杨帆"),),
    OrgKind.public_security: (("police", Role.police_officer, "民警 朱浩"),),
}
HEADS: dict[OrgKind, tuple[str, Role, str]] = {  # who receives escalations, per organisation
    OrgKind.union_mediation_centre: ("supervisor", Role.supervisor, "调解中心主任 陈静"),
    OrgKind.arbitration_commission: ("arb-head", Role.commission_head, ""),
}
# Every other demo organisation's escalations go to one of its own accounts (a real organisation
# names its head when an administrator creates it): without one they would reach only the
# administrators (activities/notifications.py).
ACTING_HEADS: dict[OrgKind, str] = {
    OrgKind.union_federation: "union",
    OrgKind.enterprise_committee: "ent-mediator",
    OrgKind.peoples_mediation: "pm-mediator",
    OrgKind.legal_aid: "aid-reviewer",
    OrgKind.labour_inspection: "inspector",
    OrgKind.court: "judge",
    OrgKind.procuratorate: "procurator",
    OrgKind.public_security: "police",
}


# The first version's demo teams keep their names (documents of running demo cases print them).
LEGACY_NAMES = {
    "union-med-1": "浦东新区总工会劳动争议调解中心",
    "peoples-med-1": "浦东新区花木街道人民调解委员会",
    "union-fed-1": "浦东新区总工会",
    "union-med-hz": "西湖区总工会劳动争议调解中心",
}


def _name(region: str, kind: OrgKind) -> tuple[str, str]:
    area = regions()[region]
    legacy = LEGACY_TEAMS.get((region, kind))
    if legacy in LEGACY_NAMES:
        return LEGACY_NAMES[legacy], f"{ORG_NAMES[kind][1]} ({area.name_en})"
    agencies = {key: agency.name for key, agency in area.agencies.items()}
    district = area.name_zh.removeprefix("浙江省").removeprefix("广东省")
    names = {
        OrgKind.union_federation: agencies["union_federation"],
        OrgKind.union_mediation_centre: f"{agencies['union_federation']}劳动争议调解中心",
        OrgKind.enterprise_committee: f"{district}示范企业劳动争议调解委员会",
        OrgKind.peoples_mediation: f"{district}人民调解委员会",
        OrgKind.legal_aid: agencies["legal_aid_centre"],
        OrgKind.arbitration_commission: agencies["arbitration_commission"],
        OrgKind.labour_inspection: f"{agencies['inspection']}劳动保障监察大队",
        OrgKind.court: agencies["basic_court"],
        OrgKind.procuratorate: agencies["procuratorate"],
        OrgKind.public_security: POLICE[region],
    }
    return names[kind], f"{ORG_NAMES[kind][1]} ({area.name_en})"


def username(stem: str, region: str) -> str:
    tag = REGION_TAGS[region]
    return f"{stem}-{tag}" if tag else stem


def banner_accounts() -> str:
    """The agencies' demo accounts in one line for `labourflow run`'s banner: Pudong's names, and the
    suffix of each other region's."""
    names = [stem for accounts in STAFF.values() for stem, _, _ in accounts]
    others = ", ".join(f"-{tag}" for tag in REGION_TAGS.values() if tag)
    return f"{', '.join(names)} (other regions: {others}; `labourflow users list` lists all)"


def head_of(region: str, kind: OrgKind) -> str | None:
    """The demo organisation's head (its `supervisor`): who receives its escalations."""
    if kind is OrgKind.union_mediation_centre:  # the union's mediation centres: Pudong's and Xihu's have staff
        return {"shanghai-pudong": "supervisor", "hangzhou-xihu": "mediator-hz"}.get(region)
    if kind in HEADS:
        return username(HEADS[kind][0], region)
    if kind is OrgKind.union_federation and region != "shanghai-pudong":
        return None  # only Pudong's federation has union legal staff in the demo
    return username(ACTING_HEADS[kind], region) if kind in ACTING_HEADS else None


def demo_plan() -> list[tuple[Organisation, Team, list[User]]]:
    """Every demo organisation with its team and accounts (password hashes filled in by the caller)."""
    plan = []
    for region, tag in REGION_TAGS.items():
        for kind in OrgKind:
            code = f"{SHORT[kind]}-{tag or 'pd'}"
            team_code = LEGACY_TEAMS.get((region, kind), f"{code}-1")
            name_zh, name_en = _name(region, kind)
            supervisor = head_of(region, kind)
            org = Organisation(code=code, kind=kind.value, name_zh=name_zh, name_en=name_en, region=region, supervisor=supervisor)
            team = Team(code=team_code, name_zh=name_zh, name_en=name_en, kind=kind.value, region=region, organisation_code=code)
            users = [
                User(
                    username=username(stem, region),
                    role=role.value,
                    display_name=display,
                    team_code=team_code,
                    region=region,
                    password_hash="",
                )
                for stem, role, display in STAFF.get(kind, ())
            ]
            plan.append((org, team, users))
    return plan


async def seed_demo_agencies(db: Database, password_hash: str) -> int:
    """Create what is missing of the demo organisations, teams and accounts; returns accounts created."""
    created = 0
    async with db.session() as session:
        existing_users = set((await session.exec(select(User.username))).all())
        for org, team, users in demo_plan():
            stored_org = await session.get(Organisation, org.code)
            if stored_org is None:
                session.add(Organisation.model_validate(org.model_dump()))
                await session.flush()
            elif stored_org.supervisor is None and org.supervisor:  # demo data seeded before every organisation had a head
                stored_org.supervisor = org.supervisor
                session.add(stored_org)
            stored = await session.get(Team, team.code)
            if stored is None:
                session.add(Team.model_validate(team.model_dump()))
            elif stored.organisation_code is None:
                stored.organisation_code = org.code
                session.add(stored)
            for user in users:
                if user.username not in existing_users:
                    session.add(User.model_validate(user.model_dump(exclude={"id"}) | {"password_hash": password_hash}))
                    existing_users.add(user.username)
                    created += 1
        await session.commit()
    return created
