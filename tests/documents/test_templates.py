"""Every catalogue template, rendered from the stories' sample data: the PDF says what it must,
embeds its CJK fonts, carries fixed metadata, and the same inputs give the same bytes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.document_samples import LI_ID
from domain.documents import CATALOGUE, DocumentType
from infrastructure.documents.environment import template_info
from tests.documents.conftest import TEMPLATES, RenderedSample, render_sample
from tests.documents.support import pdf_fonts, pdf_info, pdf_text

KEY_PHRASES: dict[DocumentType, list[str]] = {
    DocumentType.case_receipt: [
        "受理回执",
        "LD-2026-000123",
        "K7QM-4XTP-9HRW",
        "李建国",
        "上海宏基建筑劳务有限公司",
        "人民币叁万陆仟元整",
        "2026年3月17日前",
        "二〇二六年三月二日",
    ],
    DocumentType.mediation_application: [
        "劳动争议调解申请书",
        "申请人：李建国",
        "钢筋工",
        "被申请人：上海宏基建筑劳务有限公司",
        "调解请求",
        "人民币叁万陆仟元整",
        "事实和理由",
        "此致",
        "上海市浦东新区总工会劳动争议调解中心",
    ],
    DocumentType.arbitration_application: [
        "劳动人事争议仲裁申请书",
        "（46岁）",
        LI_ID,
        "法定代表人",
        "赵志强",
        "仲裁请求",
        "36,000.00",
        "合计：人民币叁万陆仟元整",
        "证据和证据来源",
        "工资结算单",
        "张大军",
        "上海市浦东新区劳动人事争议仲裁委员会",
        "二〇二六年三月十八日",
    ],
    DocumentType.legal_aid_application: [
        "法律援助申请表",
        "李建国",
        "免予核查经济困难状况",
        "第四十二条第三项",
        "七日内进行审查",
        "上海市浦东新区法律援助中心",
    ],
    DocumentType.payment_order_application: [
        "支付令申请书",
        "王芳",
        "人民币肆万贰仟元整",
        "〔2026〕锦程劳调字第3号",
        "第十六条",
        "第二百二十五条",
        "杭州市西湖区人民法院",
        "二〇二六年九月七日",
    ],
    DocumentType.evidence_list: [
        "证据清单",
        "工资结算单",
        "证明目的",
        "以上证据共3项",
        "上海市浦东新区劳动人事争议仲裁委员会",
    ],
    DocumentType.mediation_agreement: [
        "调解协议书",
        "〔2026〕锦程劳调字第3号",
        "王芳",
        "杭州锦程进出口贸易有限公司",
        "纠纷的主要事实和争议事项",
        "人民币捌万肆仟元整",
        "第一期",
        "2026年8月31日前",
        "三十日内共同向人民法院申请司法确认",
        "本协议书一式三份",
        "调解员（签名）",
        "二〇二六年六月十二日",
    ],
    DocumentType.mediation_termination_notice: [
        "调解终止通知书",
        "〔2026〕浦工劳调终字第15号",
        "李建国（申请人）：",
        "终止调解",
        "申请仲裁",
        "时效期间为一年",
        "二〇二六年三月十七日",
    ],
    DocumentType.judicial_confirmation_application: [
        "司法确认申请书",
        "申请人（劳动者）：王芳",
        "请求事项",
        "2026年7月13日前",
        "第二百零五条",
        "杭州市西湖区人民法院",
    ],
    DocumentType.mediation_record: [
        "调解笔录",
        "2026年6月12日9时30分",
        "周敏",
        "孙建华",
        "调解结果",
        "以上笔录",
    ],
    DocumentType.reminder_letter: [
        "上海市浦东新区总工会",
        "〔2026〕浦工监提字第12号",
        "工会劳动法律监督提示函",
        "上海宏基建筑劳务有限公司：",
        "特此函告",
        "二〇二六年九月一日",
    ],
    DocumentType.opinion_notice: [
        "工会劳动法律监督意见书",
        "〔2026〕浦工监意字第7号",
        "王磊、孙丽",
        "十五个工作日",
        "2026年10月19日前",
        "主席：陈卫东",
        "抄送：上海市浦东新区人力资源和社会保障局",
        "二〇二六年九月二十一日",
    ],
    DocumentType.recommendation_notice: [
        "工会劳动法律监督建议书",
        "〔2026〕浦工监建字第4号",
        "上海市浦东新区人力资源和社会保障局：",
        "〔2026〕浦工监意字第7号",
        "2026年10月26日前",
        "特此建议",
    ],
    DocumentType.lead_transfer_letter: [
        "劳动违法线索移送函",
        "上海市浦东新区人民检察院：",
        "人民币叁拾壹万贰仟元整",
        "拒不支付劳动报酬罪",
        "浦人社监令〔2026〕118号",
        "二〇二六年十一月二十五日",
    ],
    DocumentType.inspection_referral_letter: [
        "东莞市虎门镇总工会",
        "〔2026〕虎工监转字第1号",
        "劳动保障监察线索转办函",
        "东莞市锦绣服装有限公司",
        "37名职工",
        "2026年2月2日前",
    ],
    DocumentType.case_transfer_letter: [
        "案件移送函",
        "移送劳动人事争议仲裁委员会",
        "上海市浦东新区劳动人事争议仲裁委员会",
        "2026年3月20日前确认收案",
        "LD-2026-000123",
        "调解终止通知书",
    ],
    DocumentType.mediation_invitation: [
        "调解邀请函",
        "上海宏建劳务分包有限公司：",
        "2026年3月5日前答复是否同意调解",
        "《企业劳动争议协商调解规定》第二十二条",
        "LD-2026-000123",
    ],
    DocumentType.sitting_notice: [
        "仲裁开庭通知书",
        "09:30",
        "第三仲裁庭",
        "李建国（申请人）、上海宏建劳务分包有限公司（被申请人）",
        "可以缺席裁决",
        "《劳动争议调解仲裁法》第三十五条",
    ],
    DocumentType.power_of_attorney: [
        "授权委托书",
        "周明（律师）",
        "代为提交证据、代为申请劳动争议仲裁",
        "一般授权：受托人不得代为撤回申请",
        "《民事诉讼法》第六十二条",
    ],
    DocumentType.case_summary_report: [
        "案件情况报告",
        "内部文件",
        "LD-2026-000123",
        "仲裁裁决期限（45日）",
        "D22",
        "3426**********2",
        "〔2026〕浦工劳调终字第15号",
    ],
}


def test_every_catalogue_entry_has_phrases_to_check() -> None:
    assert set(KEY_PHRASES) == set(DocumentType)


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_pdf_text_has_the_key_phrases(
    doc_type: DocumentType, rendered_samples: dict[DocumentType, RenderedSample]
) -> None:
    text = pdf_text(rendered_samples[doc_type].rendered.pdf.pdf)
    missing = [phrase for phrase in KEY_PHRASES[doc_type] if phrase not in text]
    assert not missing, f"{doc_type}: not in the PDF text: {missing}"
    assert f"第1页共{rendered_samples[doc_type].rendered.pdf.page_count}页" in text  # page numbers
    assert "核验码" in text and "None" not in text


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_pdf_embeds_a_cjk_font(
    doc_type: DocumentType, rendered_samples: dict[DocumentType, RenderedSample]
) -> None:
    fonts = pdf_fonts(rendered_samples[doc_type].rendered.pdf.pdf)
    assert any("CJK" in font["name"] for font in fonts), fonts
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts), fonts


def test_html_has_no_template_leftovers(
    rendered_samples: dict[DocumentType, RenderedSample],
) -> None:
    for doc_type, sample in rendered_samples.items():
        html = sample.rendered.html
        assert "{{" not in html and "{%" not in html and ">None<" not in html, doc_type
        assert '<html lang="zh-CN">' in html


def test_case_summary_masks_the_id_number(
    rendered_samples: dict[DocumentType, RenderedSample],
) -> None:
    text = pdf_text(rendered_samples[DocumentType.case_summary_report].rendered.pdf.pdf)
    assert LI_ID not in text and "13856781234" not in text


def test_pdf_metadata_is_fixed_by_the_issue_date(
    rendered_samples: dict[DocumentType, RenderedSample],
) -> None:
    info = pdf_info(rendered_samples[DocumentType.opinion_notice].rendered.pdf.pdf)
    assert (
        info["CreationDate"].startswith("2026-09-21T00:00:00+08")
        or info["CreationDate"] == "2026-09-20T16:00:00Z"
    )
    assert info["ModDate"] == info["CreationDate"]
    assert info["Title"] == "工会劳动法律监督意见书 〔2026〕浦工监意字第7号"
    assert info["Producer"].startswith("WeasyPrint ")
    assert info["Page size"].startswith("595.276 x 841.89")  # A4


def test_same_inputs_give_the_same_bytes(
    rendered_samples: dict[DocumentType, RenderedSample],
) -> None:
    for doc_type in (
        DocumentType.opinion_notice,
        DocumentType.mediation_agreement,
        DocumentType.case_receipt,
    ):
        again = render_sample(doc_type).rendered
        first = rendered_samples[doc_type].rendered
        assert again.html_sha256 == first.html_sha256, doc_type
        assert again.pdf.sha256 == first.pdf.sha256, doc_type


@pytest.mark.slow
def test_another_process_renders_the_same_bytes(
    tmp_path: Path, rendered_samples: dict[DocumentType, RenderedSample]
) -> None:
    out, html = tmp_path / "op.pdf", tmp_path / "op.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools",
            "documents",
            "sample",
            "opinion_notice",
            "--out",
            str(out),
            "--html",
            str(html),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    first = rendered_samples[DocumentType.opinion_notice].rendered
    assert hashlib.sha256(html.read_bytes()).hexdigest() == first.html_sha256
    assert hashlib.sha256(out.read_bytes()).hexdigest() == first.pdf.sha256


def test_every_template_declares_a_version_and_the_lock_is_current() -> None:
    import json

    lock = json.loads((TEMPLATES / "documents" / "versions.lock.json").read_text("utf-8"))
    for spec in CATALOGUE.values():
        info = template_info(TEMPLATES, spec.template)
        recorded = lock[spec.template]
        assert info.sha256 == recorded["sha256"] or info.version != recorded["version"], (
            f"{spec.template} (or a file it includes) changed, version still {info.version}:"
            " bump '{# version: N #}' and run `labourflow documents lock`"
        )
        assert (info.version, info.sha256) == (recorded["version"], recorded["sha256"]), (
            f"{spec.template}: run `labourflow documents lock`"
        )
