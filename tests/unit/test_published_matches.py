"""A request answered from what is already published (条例第三十六条第（一）项): the matches of its
content among published items and documents, the drafted 告知, and the hints of an import."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from gongkai_desktop.domain.disclosure import DocumentFields, ItemFields
from gongkai_desktop.importers.requests_xlsx import COLUMN_FIELDS
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.ledger_documents import DocumentService
from gongkai_desktop.services.published_matches import (
    DOCUMENT,
    ITEM,
    PublishedMatchService,
    answer_draft,
    similarity,
)
from tests.conftest import ADMIN_PASSWORD

LINK = "http://xczx.example.gov.cn/art/2025/3/10/art_1.html"


def item(title: str, published: date | None = date(2025, 3, 10), **kw: object) -> ItemFields:
    values: dict[str, object] = {
        "title": title,
        "category": "决策公开",
        "attribute": "proactive",
        "ground": None,
        "formed_on": date(2025, 3, 3),
        "published_on": published,
        "channels": ("门户网站", "微信公众号"),
        "link": LINK,
    }
    values.update(kw)
    return ItemFields(**values)  # type: ignore[arg-type]


@pytest.fixture
def ledger(app_ctx, admin):  # type: ignore[no-untyped-def]
    """Published items with close titles, an unpublished and a withheld one, and a document."""
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    items = LedgerService(app_ctx.db, admin)
    ids = {
        "target": items.create_item(kf, item("会昌县2025年巩固拓展脱贫攻坚成果项目库公示")).id,
        "neighbour": items.create_item(kf, item("瑞金市2025年巩固拓展脱贫攻坚成果项目库公示")).id,
        "older": items.create_item(
            kf, item("会昌县2024年巩固拓展脱贫攻坚成果项目库公示", date(2024, 3, 1),
                     formed_on=date(2024, 2, 20))
        ).id,
        "unpublished": items.create_item(
            kf, item("会昌县2025年巩固拓展脱贫攻坚成果项目库调整公示", None, link="")
        ).id,
        "withheld": items.create_item(
            kf,
            item("会昌县2025年巩固拓展脱贫攻坚成果项目库内部审核意见", None, attribute="withheld",
                 ground="第十六条-内部事务信息", channels=(), link=""),
        ).id,
    }
    doc = DocumentService(app_ctx.db, admin).create_document(
        kf,
        DocumentFields(
            "赣乡振发〔2025〕3号",
            "江西省乡村振兴局关于印发衔接推进乡村振兴补助资金管理办法的通知",
            "normative",
            date(2025, 2, 1),
            published_on=date(2025, 2, 8),
            link="http://xczx.example.gov.cn/zcwj/3.html",
        ),
    )
    ids["document"] = doc.id
    return ids


def test_request_naming_a_published_item_offers_it_first(app_ctx, admin, ledger) -> None:  # type: ignore[no-untyped-def]
    """The item the request names comes first; unpublished and withheld items are never offered."""
    service = PublishedMatchService(app_ctx.db, admin)
    found = service.matches("本人申请获取会昌县2025年巩固拓展脱贫攻坚成果项目库的相关信息")
    assert (found[0].kind, found[0].id) == (ITEM, ledger["target"])
    offered = {m.id for m in found if m.kind == ITEM}
    assert ledger["unpublished"] not in offered and ledger["withheld"] not in offered
    assert found[0].channels == ("门户网站", "微信公众号") and found[0].link == LINK
    quoted = service.matches("申请公开《瑞金市2025年巩固拓展脱贫攻坚成果项目库公示》")
    assert quoted[0].id == ledger["neighbour"] and quoted[0].score > 1.5


def test_document_found_by_its_number(app_ctx, admin, ledger) -> None:  # type: ignore[no-untyped-def]
    """A request giving only the 文号 finds the normative document."""
    found = PublishedMatchService(app_ctx.db, admin).matches("请提供赣乡振发〔2025〕3号文件全文")
    assert (found[0].kind, found[0].id) == (DOCUMENT, ledger["document"])


def test_unrelated_request_offers_nothing(app_ctx, admin, ledger) -> None:  # type: ignore[no-untyped-def]
    """Content that shares nothing with the ledger offers no match."""
    assert PublishedMatchService(app_ctx.db, admin).matches("某小区物业维修基金使用明细") == []


def test_drafted_answer_names_channel_link_and_article(app_ctx, admin, ledger) -> None:  # type: ignore[no-untyped-def]
    """The 告知 says it is already published, how to get it (channel, link) and cites 第三十六条."""
    best = PublishedMatchService(app_ctx.db, admin).matches("会昌县2025年巩固拓展脱贫攻坚成果项目库")[0]
    text = answer_draft(best)
    assert "已于2025年03月10日主动公开，获取方式" in text
    assert "门户网站、微信公众号" in text and LINK in text
    assert "《会昌县2025年巩固拓展脱贫攻坚成果项目库公示》" in text
    assert "第三十六条第（一）项" in text


def test_similarity_weighs_numbers_and_whole_titles() -> None:
    """A named 文号 or a quoted whole title outweighs any partial resemblance."""
    title = "关于印发衔接推进乡村振兴补助资金管理办法的通知"
    assert similarity("请提供赣乡振发〔2025〕3号", "另一个标题", "赣乡振发〔2025〕3号") >= 1.0
    assert similarity(f"申请公开《{title}》", title) > similarity("乡村振兴补助资金", title)
    assert similarity("", title) == 0.0


def test_import_lists_the_published_matches_of_new_requests(app_ctx, admin, ledger, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Importing new open requests names, per row, the published record its content may name."""
    headers = list(COLUMN_FIELDS)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for reg_no, content in (
        ("M-1", "申请公开会昌县2025年巩固拓展脱贫攻坚成果项目库公示"),
        ("M-2", "某小区物业维修基金使用明细"),
    ):
        values = {"登记编号": reg_no, "收到日期": date(2025, 4, 1), "申请方式": "网络",
                  "申请人类型": "自然人", "申请内容": content, "承办处室": "开发指导处"}
        ws.append([values.get(h) for h in headers])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    code, out, err = run_cli("--as", "admin", "import", "requests", str(path), "--dry-run",
                             password=ADMIN_PASSWORD)
    assert code == 0, err
    assert f"第2行（M-1）申请内容可能已主动公开：《会昌县2025年巩固拓展脱贫攻坚成果项目库公示》（门户网站、微信公众号，{LINK}）" in out
    assert "M-2" not in out


def test_without_the_fts_index_the_like_search_ranks_by_shared_terms(app_ctx, admin, ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With the list's LIKE fallback (no FTS5 table) the item sharing most terms still comes first."""
    import gongkai_desktop.search as search

    monkeypatch.setattr(search, "has_fts", lambda session: False)
    found = PublishedMatchService(app_ctx.db, admin).matches(
        "本人申请获取会昌县2025年巩固拓展脱贫攻坚成果项目库的相关信息"
    )
    assert (found[0].kind, found[0].id) == (ITEM, ledger["target"])
