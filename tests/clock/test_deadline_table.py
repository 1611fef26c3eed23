"""Every rule of the table (D01-D72), one row each (more for variants, extensions and provinces).

Rows start on Monday 2026-03-02 unless a story or a backward rule needs another day. Expected dates
were counted by hand on the 2026 official calendar; `cite` is the article the period comes from,
and the computed basis must cite it.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.deadlines import compute_deadline, rule_table

D = date
START = D(2026, 3, 2)
HEARING = D(2026, 3, 20)

# (rule, start, options, expected due or None, provisional, cite)
ROWS: list[tuple[str, date, dict[str, object], date | None, bool, str]] = [
    ("D01", START, {}, D(2027, 3, 2), True, "LDMAL Art. 27"),
    ("D02", START, {}, D(2027, 3, 2), True, "LDMAL Art. 27"),
    ("D03", START, {}, D(2026, 3, 17), False, "LDMAL Art. 14"),
    ("D04", START, {}, D(2026, 3, 17), False, "Arbitration Case-Handling Rules (2017) Art. 74"),
    ("D05", START, {}, D(2026, 3, 9), False, "Arbitration Case-Handling Rules (2017) Art. 76"),
    ("D06", START, {}, D(2026, 4, 1), False, "Civil Procedure Law Art. 205"),
    ("D07", START, {}, D(2026, 3, 5), False, "SPC Judicial Confirmation Provisions Art. 4"),
    ("D08", START, {}, D(2026, 3, 17), False, "SPC Judicial Confirmation Provisions Art. 5"),
    (
        "D08",
        START,
        {"extended": True},
        D(2026, 3, 27),
        False,
        "SPC Judicial Confirmation Provisions Art. 5",
    ),
    ("D09", START, {}, D(2026, 3, 17), False, "SPC Civil Procedure Interpretation Art. 372"),
    (
        "D09",
        START,
        {"variant": "third_party"},
        D(2026, 9, 2),
        False,
        "SPC Civil Procedure Interpretation Art. 372",
    ),
    (
        "D10",
        START,
        {},
        D(2026, 3, 9),
        False,
        "Civil Procedure Law Art. 226",
    ),  # day 5 is Saturday 03-07
    ("D11", START, {}, D(2026, 3, 17), False, "Civil Procedure Law Art. 227"),
    ("D12", START, {}, D(2026, 3, 17), False, "Civil Procedure Law Art. 227"),
    ("D13", START, {}, D(2026, 3, 9), False, "LDMAL Art. 29"),
    ("D14", START, {}, D(2026, 3, 9), False, "Arbitration Case-Handling Rules (2017) Art. 29"),
    ("D15", START, {}, D(2026, 3, 9), False, "LDMAL Art. 30"),
    ("D16", START, {}, D(2026, 3, 12), False, "LDMAL Art. 30"),
    ("D17", START, {}, D(2026, 3, 9), False, "LDMAL Art. 30"),
    ("D18", START, {}, D(2026, 3, 9), False, "LDMAL Art. 32"),
    (
        "D19",
        HEARING,
        {},
        D(2026, 3, 15),
        False,
        "LDMAL Art. 35",
    ),  # 5 days before, counted backwards
    ("D20", HEARING, {}, D(2026, 3, 17), False, "LDMAL Art. 35"),
    (
        "D21",
        START,
        {},
        D(2026, 3, 12),
        False,
        "Arbitration Case-Handling Rules (2017) article not confirmed",
    ),
    ("D22", START, {}, D(2026, 4, 16), False, "LDMAL Art. 43"),
    (
        "D22",
        START,
        {"extended": True},
        D(2026, 5, 6),
        False,
        "LDMAL Art. 43",
    ),  # day 60 = 05-01 holiday
    ("D23", START, {}, D(2026, 3, 17), False, "LDMAL Art. 43"),
    (
        "D24",
        START,
        {},
        None,
        False,
        "Zhejiang Labour Dispute Mediation and Arbitration Regulation Art. 39",
    ),
    (
        "D24",
        START,
        {"jurisdiction": "zhejiang"},
        D(2026, 4, 1),
        False,
        "Zhejiang Labour Dispute Mediation and Arbitration Regulation Art. 39",
    ),
    ("D25", START, {}, D(2026, 3, 17), False, "LDMAL Art. 48"),
    ("D26", START, {}, D(2026, 4, 1), False, "LDMAL Art. 49"),
    ("D27", START, {}, D(2026, 3, 17), False, "LDMAL Art. 49"),
    ("D28", START, {}, D(2026, 4, 1), False, "SPC Labour Dispute Interpretation I Art. 21"),
    ("D29", START, {}, D(2026, 4, 1), False, "SPC Labour Dispute Interpretation I Art. 18"),
    ("D30", START, {}, D(2026, 3, 17), False, "LDMAL Art. 50"),
    ("D31", START, {}, D(2026, 4, 1), False, "SPC Labour Dispute Interpretation I Art. 24"),
    ("D32", START, {}, D(2028, 3, 2), True, "Civil Procedure Law Art. 250"),
    ("D33", START, {}, D(2026, 6, 2), False, "SPC Labour Dispute Interpretation I Art. 49"),
    ("D34", START, {}, D(2026, 3, 9), False, "Civil Procedure Law Art. 126"),
    ("D35", START, {}, D(2026, 3, 17), False, "Civil Procedure Law Art. 128"),
    ("D36", START, {}, D(2026, 9, 2), False, "Civil Procedure Law Art. 152"),
    ("D36", START, {"extended": True}, D(2027, 3, 2), True, "Civil Procedure Law Art. 152"),
    ("D36", START, {"variant": "simplified"}, D(2026, 6, 2), False, "Civil Procedure Law Art. 164"),
    (
        "D36",
        START,
        {"variant": "simplified", "extended": True},
        D(2026, 7, 2),
        False,
        "Civil Procedure Law Art. 164",
    ),
    ("D37", START, {}, D(2026, 3, 17), False, "Civil Procedure Law Art. 171"),
    ("D37", START, {"variant": "ruling"}, D(2026, 3, 12), False, "Civil Procedure Law Art. 171"),
    ("D38", START, {}, D(2026, 6, 2), False, "Civil Procedure Law Art. 183"),
    ("D38", START, {"variant": "ruling"}, D(2026, 4, 1), False, "Civil Procedure Law Art. 183"),
    ("D39", START, {}, D(2026, 4, 1), False, "SPC Invited Mediation Provisions Art. 27"),
    ("D40", START, {}, D(2026, 3, 17), False, "SPC Invited Mediation Provisions Art. 27"),
    (
        "D40",
        START,
        {"variant": "simplified"},
        D(2026, 3, 9),
        False,
        "SPC Online Mediation Rules Art. 24",
    ),
    ("D41", START, {}, D(2026, 3, 5), False, "SPC Online Mediation Rules Art. 10"),
    ("D42", START, {}, D(2026, 3, 4), False, "SPC Online Mediation Rules Art. 10"),
    ("D43", START, {}, D(2026, 3, 5), False, "SPC Online Mediation Rules Art. 12"),
    ("D44", START, {}, D(2026, 3, 5), False, "SPC Online Mediation Rules Art. 15"),
    (
        "D45",
        START,
        {},
        D(2026, 3, 9),
        False,
        "MOLSS Provisions on the Supervision Regulation Art. 18",
    ),
    ("D46", START, {}, D(2026, 5, 28), False, "Regulation on Labour Security Supervision Art. 17"),
    (
        "D46",
        START,
        {"extended": True},
        D(2026, 7, 10),
        False,
        "Regulation on Labour Security Supervision Art. 17",
    ),
    ("D47", START, {}, D(2028, 3, 2), True, "Regulation on Labour Security Supervision Art. 20"),
    ("D48", START, {}, None, False, "Zhejiang Union Labour-Law Supervision Regulation Art. 17"),
    (
        "D48",
        START,
        {"jurisdiction": "zhejiang"},
        D(2026, 3, 9),
        False,
        "Zhejiang Union Labour-Law Supervision Regulation Art. 17",
    ),
    ("D49", START, {}, None, False, "Zhejiang Union Labour-Law Supervision Regulation Art. 22, 23"),
    (
        "D49",
        START,
        {"jurisdiction": "zhejiang"},
        D(2026, 3, 23),
        False,
        "Zhejiang Union Labour-Law Supervision Regulation Art. 22, 23",
    ),
    (
        "D50",
        START,
        {},
        D(2026, 3, 23),
        False,
        "unidentified provincial union-supervision regulation Art. 20",
    ),
    ("D51", START, {}, D(2026, 5, 6), False, "Nanchang union-supervision rule Art. 23"),
    (
        "D52",
        START,
        {},
        D(2026, 3, 9),
        False,
        "unidentified provincial union-supervision regulation Art. 23",
    ),
    ("D53", START, {}, D(2026, 5, 6), False, "Nanchang union-supervision rule Art. 24"),
    ("D54", START, {}, None, False, "—"),
    (
        "D55",
        START,
        {},
        None,
        False,
        "ACFTU Union Labour-Law Supervision Measures (2021) article not confirmed",
    ),
    ("D56", START, {}, D(2026, 3, 9), False, "Legal Aid Law Art. 43"),
    ("D57", START, {}, D(2026, 3, 5), False, "Legal Aid Law Art. 43"),
    ("D58", HEARING, {}, D(2026, 3, 13), False, "Legal Aid Law Art. 44"),
    ("D59", START, {}, D(2026, 3, 9), False, "Legal Aid Law Art. 49"),
    ("D60", START, {}, D(2026, 4, 2), False, "MOJ Provisions on People's Mediation Work Art. 33"),
    ("D61", START, {}, D(2026, 4, 1), False, "Work-Injury Insurance Regulation Art. 17"),
    ("D62", START, {}, D(2027, 3, 2), True, "Work-Injury Insurance Regulation Art. 17"),
    ("D63", START, {}, D(2026, 5, 6), False, "Work-Injury Insurance Regulation Art. 20"),
    (
        "D63",
        START,
        {"variant": "clear"},
        D(2026, 3, 17),
        False,
        "Work-Injury Insurance Regulation Art. 20",
    ),
    ("D64", START, {}, D(2026, 5, 6), False, "Work-Injury Insurance Regulation Art. 25"),
    (
        "D64",
        START,
        {"extended": True},
        D(2026, 6, 1),
        False,
        "Work-Injury Insurance Regulation Art. 25",
    ),
    ("D65", START, {}, D(2026, 3, 17), False, "Work-Injury Insurance Regulation Art. 26"),
    ("D66", START, {}, D(2026, 4, 2), False, "Labour Contract Law Art. 10, 82"),
    ("D67", START, {}, D(2026, 3, 17), False, "Labour Contract Law Art. 50"),
    ("D68", START, {}, D(2026, 3, 9), False, "SPP Provisions on Transferred Criminal Cases Art. 7"),
    ("D68", START, {"variant": "review"}, D(2026, 3, 9), False, "SPP Provisions on Transferred Criminal Cases Art. 7"),
    ("D69", START, {}, D(2026, 3, 9), False, "SPP Provisions on Transferred Criminal Cases Art. 7"),
    (
        "D69",
        START,
        {"variant": "review"},
        D(2026, 3, 17),
        False,
        "SPP Provisions on Transferred Criminal Cases Art. 7",
    ),
    (
        "D70",
        START,
        {},
        D(2026, 3, 9),
        False,
        "SPP Provisions on Transferred Criminal Cases Art. 10",
    ),
    (
        "D70",
        START,
        {"variant": "file"},
        D(2026, 3, 17),
        False,
        "SPP Provisions on Transferred Criminal Cases Art. 10",
    ),
    ("D71", START, {}, D(2026, 3, 12), False, "Civil Procedure Law Art. 86"),
    ("D72", START, {}, D(2026, 4, 1), False, "Civil Procedure Law Art. 95"),
    (
        "D72",
        START,
        {"jurisdiction": "zhejiang", "variant": "collective"},
        D(2026, 3, 12),
        False,
        "Zhejiang Labour Dispute Mediation and Arbitration Regulation Art. 41",
    ),
]

# The worked examples of stories.md (2026 official calendar).
STORIES: list[tuple[str, date, str, date, str]] = [
    ("D03", D(2026, 3, 2), "national", D(2026, 3, 17), "story 1: LDMAL Art. 14"),
    ("D13", D(2026, 3, 18), "national", D(2026, 3, 23), "story 1: LDMAL Art. 29"),
    (
        "D22",
        D(2026, 3, 23),
        "national",
        D(2026, 5, 7),
        "story 1: LDMAL Art. 43, May Day inside the period",
    ),
    (
        "D56",
        D(2026, 4, 28),
        "national",
        D(2026, 5, 6),
        "story 1: Legal Aid Law Art. 43, 05-05 holiday",
    ),
    ("D06", D(2026, 6, 12), "national", D(2026, 7, 13), "story 2: CPL Art. 205, 07-12 Sunday"),
    (
        "D49",
        D(2026, 9, 21),
        "zhejiang",
        D(2026, 10, 19),
        "story 4: Zhejiang Art. 22, 15 WD, 10-10 counts",
    ),
    ("D52", D(2026, 10, 19), "national", D(2026, 10, 26), "story 4: 5 WD"),
    ("D45", D(2026, 1, 26), "national", D(2026, 2, 2), "story 5: 5 WD"),
    (
        "D46",
        D(2026, 2, 2),
        "national",
        D(2026, 5, 7),
        "story 5: RLSS Art. 17, Spring Festival not counted",
    ),
    (
        "D02",
        D(2025, 5, 9),
        "national",
        D(2026, 5, 9),
        "story 6: LDMAL Art. 27, 05-09 make-up working day",
    ),
]


def _row_id(row: tuple[str, date, dict[str, object], date | None, bool, str]) -> str:
    options = ",".join(f"{key}={value}" for key, value in row[2].items())
    return f"{row[0]}[{options}] {row[5]}"


@pytest.mark.parametrize("row", ROWS, ids=[_row_id(row) for row in ROWS])
def test_rule(row: tuple[str, date, dict[str, object], date | None, bool, str]) -> None:
    rule, start, options, expected, provisional, cite = row
    deadline = compute_deadline(rule, start, **options)  # type: ignore[arg-type]
    assert deadline.due == expected
    assert deadline.provisional is provisional
    assert cite in deadline.basis
    if expected is None:
        assert deadline.length is None and deadline.unit is None
        assert "未规定期限" in deadline.explanation_zh


@pytest.mark.parametrize(
    ("rule", "start", "jurisdiction", "expected", "cite"), STORIES, ids=[s[4] for s in STORIES]
)
def test_story(rule: str, start: date, jurisdiction: str, expected: date, cite: str) -> None:
    deadline = compute_deadline(rule, start, jurisdiction=jurisdiction)
    assert deadline.due == expected
    assert (
        expected.isoformat() in deadline.explanation_zh
        and expected.isoformat() in deadline.explanation_en
    )


def test_every_rule_has_a_row() -> None:
    assert (
        {row[0] for row in ROWS}
        == {rule.id for rule in rule_table()}
        == {f"D{n:02d}" for n in range(1, 73)}
    )


def test_every_variant_and_extension_has_a_row() -> None:
    covered = {(row[0], str(row[2].get("variant"))) for row in ROWS}
    for rule in rule_table("zhejiang"):
        for variant in rule.variants:
            if variant.name != rule.default_variant:
                assert (rule.id, variant.name) in covered, (rule.id, variant.name)
    extended = {row[0] for row in ROWS if row[2].get("extended")}
    assert extended == {rule.id for rule in rule_table() if rule.extension}
