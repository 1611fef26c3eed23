"""Build `domain/data/statutes.json` from the statute texts in `shared/domain/statutes/`.

Run by a maintainer when the texts change:
`python deploy/build_statutes.py ../shared/domain/statutes`.
The product never reads `shared/` at run time; it ships the JSON this script writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LAWREFBOOK_COMMIT = "2f4c5c23716267af9dbebbbbd6cbbf732b101981"
OUT = Path(__file__).resolve().parent.parent / "domain" / "data" / "statutes.json"

# code: (file or None, full title, short zh name, short en name, articles kept or None = all)
LAWS: dict[str, tuple[str | None, str, str, str, list[str] | None]] = {
    "LDMAL": (
        "劳动争议调解仲裁法(2007-12-29).md",
        "中华人民共和国劳动争议调解仲裁法",
        "劳动争议调解仲裁法",
        "LDMAL",
        None,
    ),
    "LCL": (
        "劳动合同法(2012-12-28).md",
        "中华人民共和国劳动合同法",
        "劳动合同法",
        "Labour Contract Law",
        None,
    ),
    "TUL": ("工会法(2021-12-24).md", "中华人民共和国工会法", "工会法", "Trade Union Law", None),
    "RLSS": (
        "劳动保障监察条例(2004-11-01).md",
        "劳动保障监察条例",
        "劳动保障监察条例",
        "Regulation on Labour Security Supervision",
        None,
    ),
    "MWPR": (
        "保障农民工工资支付条例(2019-12-30).md",
        "保障农民工工资支付条例",
        "保障农民工工资支付条例",
        "Regulation on Migrant Workers' Wage Payment",
        None,
    ),
    "WIIR": (
        "工伤保险条例(2010-12-20).md",
        "工伤保险条例",
        "工伤保险条例",
        "Work-Injury Insurance Regulation",
        None,
    ),
    "LAL": (
        "法律援助法(2021-08-20).md",
        "中华人民共和国法律援助法",
        "法律援助法",
        "Legal Aid Law",
        None,
    ),
    "PMA": (
        "人民调解法(2010-08-28).md",
        "中华人民共和国人民调解法",
        "人民调解法",
        "People's Mediation Law",
        None,
    ),
    "CPL": (
        "民事诉讼法(2023-09-01).md",
        "中华人民共和国民事诉讼法",
        "民事诉讼法",
        "Civil Procedure Law",
        [
            "85",
            "86",
            "87",
            "88",
            "95",
            "122",
            "126",
            "128",
            "152",
            "164",
            "171",
            "183",
            "205",
            "206",
            "225",
            "226",
            "227",
            "228",
            "250",
        ],
    ),
    "CPL-INTERP": (
        "最高人民法院关于适用《民事诉讼法》的解释(2022-04-01).md",
        "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释",
        "民事诉讼法解释",
        "SPC Civil Procedure Interpretation",
        ["355", "358", "372"],
    ),
    "CRIM": ("刑法.md", "中华人民共和国刑法", "刑法", "Criminal Law", ["276-1"]),
    "SPC-LABOUR-1": (
        "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）(2020-12-29).md",
        "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
        "劳动争议解释（一）",
        "SPC Labour Dispute Interpretation I",
        None,
    ),
    "SPC-WAGE-CRIME": (
        "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释(2013-01-16).md",
        "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释",
        "拒不支付劳动报酬刑事案件解释",
        "SPC Wage-Refusal Crime Interpretation",
        None,
    ),
    "SPC-CONFIRM": (
        "最高人民法院关于人民调解协议司法确认程序的若干规定(2011-03-23).md",
        "最高人民法院关于人民调解协议司法确认程序的若干规定",
        "司法确认程序规定",
        "SPC Judicial Confirmation Provisions",
        None,
    ),
    "SPC-ONLINE": (
        "人民法院在线调解规则(2021-12-30).md",
        "人民法院在线调解规则",
        "人民法院在线调解规则",
        "SPC Online Mediation Rules",
        None,
    ),
    "SPC-INVITED": (
        "最高人民法院关于人民法院特邀调解的规定(2016-06-28).md",
        "最高人民法院关于人民法院特邀调解的规定",
        "特邀调解规定",
        "SPC Invited Mediation Provisions",
        None,
    ),
    "ZJ-ARB": (
        "浙江省劳动人事争议调解仲裁条例(2020-09-24).md",
        "浙江省劳动人事争议调解仲裁条例",
        "浙江省劳动人事争议调解仲裁条例",
        "Zhejiang Labour Dispute Mediation and Arbitration Regulation",
        None,
    ),
    "ZJ-INSP": (
        "浙江省劳动保障监察条例(2020-09-24).md",
        "浙江省劳动保障监察条例",
        "浙江省劳动保障监察条例",
        "Zhejiang Labour Security Supervision Regulation",
        None,
    ),
    "ZJ-SUP": (
        "浙江省工会劳动法律监督条例(2016-09-29).md",
        "浙江省工会劳动法律监督条例",
        "浙江省工会劳动法律监督条例",
        "Zhejiang Union Labour-Law Supervision Regulation",
        None,
    ),
    # Cited by the reference but not in the statute set: no article text is shipped.
    "ARB-RULES": (
        None,
        "劳动人事争议仲裁办案规则（人社部令第33号）",
        "劳动人事争议仲裁办案规则",
        "Arbitration Case-Handling Rules (2017)",
        [],
    ),
    "LCL-REG": (
        None,
        "中华人民共和国劳动合同法实施条例",
        "劳动合同法实施条例",
        "Labour Contract Law Implementing Regulation",
        [],
    ),
    "RLSS-RULES": (
        None,
        "关于实施《劳动保障监察条例》若干规定（劳社部令第25号）",
        "关于实施《劳动保障监察条例》若干规定",
        "MOLSS Provisions on the Supervision Regulation",
        [],
    ),
    "SPP-TRANSFER": (
        None,
        "人民检察院办理行政执法机关移送涉嫌犯罪案件的规定",
        "人民检察院办理行政执法机关移送涉嫌犯罪案件的规定",
        "SPP Provisions on Transferred Criminal Cases",
        [],
    ),
    "PM-WORK": (
        None,
        "人民调解工作若干规定（司法部令第75号）",
        "人民调解工作若干规定",
        "MOJ Provisions on People's Mediation Work",
        [],
    ),
    "ACFTU-SUP": (
        None,
        "工会劳动法律监督办法（总工办发〔2021〕9号）",
        "工会劳动法律监督办法",
        "ACFTU Union Labour-Law Supervision Measures (2021)",
        [],
    ),
    "W16": (
        None,
        "某省工会劳动法律监督条例（省份未确认）",
        "某省工会劳动法律监督条例",
        "unidentified provincial union-supervision regulation",
        [],
    ),
    "W17": (
        None,
        "南昌市工会劳动法律监督规定（二手资料）",
        "南昌市工会劳动法律监督规定",
        "Nanchang union-supervision rule",
        [],
    ),
}

# Civil Code Art. 200-204 on counting periods: the Civil Code is not in the statute set; the text is
# the official 2020 text (NPC, 2020-05-28), checked against a public copy.
CIVIL_CODE = {
    "200": "民法所称的期间按照公历年、月、日、小时计算。",
    "201": "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。\n"
    "按照小时计算期间的，自法律规定或者当事人约定的时间开始计算。",
    "202": "按照年、月计算期间的，到期月的对应日为期间的最后一日；"
    "没有对应日的，月末日为期间的最后一日。",
    "203": "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。\n"
    "期间的最后一日的截止时间为二十四时；有业务时间的，停止业务活动的时间为截止时间。",
    "204": "期间的计算方法依照本法的规定，但是法律另有规定或者当事人另有约定的除外。",
}

DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
ARTICLE = re.compile(
    r"^第([零一二两三四五六七八九十百千]+)条(之([一二三四五六七八九十]+))?[\s\u3000]+(.*)$"
)


def chinese_number(text: str) -> int:
    """二百七十六 -> 276; 十五 -> 15."""
    total, digit = 0, 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        else:
            total += (digit or 1) * UNITS[char]
            digit = 0
    return total + digit


def parse_articles(text: str) -> dict[str, str]:
    """Article number ("27", "276-1") -> text (paragraphs joined by newlines)."""
    articles: dict[str, list[str]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.replace("\u200b", "").strip()
        if not line:
            continue
        if line.startswith("#") or line.startswith("<!--"):
            current = None
            continue
        match = ARTICLE.match(line)
        if match:
            number = str(chinese_number(match.group(1)))
            if match.group(3):
                number += f"-{chinese_number(match.group(3))}"
            current = number
            if current in articles:  # a later re-numbered duplicate: keep the first (current) text
                current = None
                continue
            articles[current] = [match.group(4).strip()]
        elif current is not None:
            articles[current].append(line)
    return {number: "\n".join(lines) for number, lines in articles.items()}


def build(source_dir: Path) -> dict[str, object]:
    laws: dict[str, object] = {}
    for code, (file_name, title, short_zh, short_en, keep) in LAWS.items():
        articles: dict[str, str] = {}
        if file_name:
            parsed = parse_articles((source_dir / file_name).read_text(encoding="utf-8"))
            wanted = keep if keep is not None else list(parsed)
            missing = [number for number in wanted if number not in parsed]
            if missing:
                raise SystemExit(f"{file_name}: articles not found: {missing}")
            articles = {number: parsed[number] for number in wanted}
        laws[code] = {
            "title_zh": title,
            "short_zh": short_zh,
            "short_en": short_en,
            "file": file_name,
            "shipped": bool(file_name),
            "articles": articles,
        }
    laws["CIVIL-CODE"] = {
        "title_zh": "中华人民共和国民法典",
        "short_zh": "民法典",
        "short_en": "Civil Code",
        "file": None,
        "shipped": True,
        "articles": CIVIL_CODE,
        "note": "Art. 200-204 only; not in shared/domain/statutes: official 2020 text.",
    }
    return {
        "source": {
            "repository": "LawRefBook/Laws",
            "commit": LAWREFBOOK_COMMIT,
            "copied_from": "shared/domain/statutes/ (files named per law)",
        },
        "laws": laws,
    }


def main() -> None:
    source_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/domain/statutes")
    data = build(source_dir)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    count = sum(len(law["articles"]) for law in data["laws"].values())  # type: ignore[index,arg-type]
    print(f"wrote {OUT} ({count} articles)")


if __name__ == "__main__":
    main()
