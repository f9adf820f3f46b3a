"""Archive pages: search with chips and counts, record page and download through the
access check, import upload, disposal list, JSON API."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from archive.kernel import audit, clock
from archive.kernel.files import blob_path, storage_root, store_bytes
from archive.records.fixity import check_files, list_files, record_results
from archive.records.models import RecordType
from archive.records.retention import list_disposal_requests
from tests.archive.factories_archive import (
    discipline_office,
    make_case_file,
    make_record,
    research_office,
)
from tests.helpers import login, post_form, text_of


def plain(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text with tags removed and no spaces added (highlights split words)."""
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def _seed(session):
    research = research_office(session, username="ky-web")
    jiwei = discipline_office(session, username="jw-web")
    blob = store_bytes(
        session, "项目正文：钙钛矿太阳能电池稳定性。".encode(), filename="正文.txt"
    )
    paper = make_record(
        session,
        research,
        title="钙钛矿太阳能电池稳定性研究",
        unit="物理学院",
        discipline="物理学",
        files=[(blob, "main")],
    )
    sealed = make_record(
        session,
        research,
        title="钙钛矿电池专利技术（封存）",
        access_level="sealed",
        sealed_until=clock.today() + timedelta(days=365),
        access_roles=["discipline_office"],
        access_reason="专利申请前保密",
    )
    case = make_case_file(session, None, title="钙钛矿论文图片篡改举报案")
    session.commit()
    return research, jiwei, paper, sealed, case


def test_search_page_shows_counts_chips_and_only_what_the_user_may_see(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "ky-web")
    page = client.get("/archive/search?q=钙钛矿&unit=物理学院")
    body = text_of(page)
    assert page.status_code == 200
    assert "第1-1条, 共1条" in body
    assert "物理学院" in body and "清除全部" in body
    html = page.get_data(as_text=True)
    assert "<mark>钙钛矿</mark>" in html
    assert sealed.title not in plain(page) and case.title not in plain(page)
    client.get("/logout")


def test_discipline_office_finds_the_case_file_and_the_visit_is_logged(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "jw-web")
    body = plain(client.get("/archive/search?q=钙钛矿"))
    assert "共3条" in body and case.title in body and sealed.title in body
    page = client.get(f"/archive/records/{case.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "本次访问已记录" in text and "被调查人" in text and "证据" in text
    views = audit.list_entries(
        session, entity_type="records", entity_id=str(case.id), action="view"
    )
    assert views and views[0].actor == "jw-web"
    searches = audit.list_entries(session, action="search")
    assert searches and searches[0].after["query"] == "钙钛矿"


def test_record_page_of_an_invisible_record_is_not_found(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "ky-web")
    assert client.get(f"/archive/records/{sealed.id}").status_code == 404
    assert client.get(f"/archive/records/{case.id}").status_code == 404
    assert (
        client.get(f"/archive/records/{case.id}/files/{case.files[0].id}").status_code
        == 404
    )


def test_download_through_the_access_check_and_refused_when_altered(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "ky-web")
    url = f"/archive/records/{paper.id}/files/{paper.files[0].id}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == "项目正文：钙钛矿太阳能电池稳定性。".encode()
    assert response.headers["X-Content-SHA256"] == paper.files[0].stored_file.sha256
    downloads = audit.list_entries(session, entity_id=str(paper.id), action="download")
    assert downloads
    path = blob_path(storage_root(session), paper.files[0].stored_file.sha256)
    path.chmod(0o640)
    path.write_bytes(b"altered")
    refused = client.get(url)
    assert refused.status_code == 409 and "校验失败" in text_of(refused)
    assert b"altered" not in refused.data


def test_api_search_respects_access(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "ky-web")
    data = client.get("/api/archive/search?q=钙钛矿").get_json()
    assert data["total"] == 1 and data["hits"][0]["id"] == paper.id
    assert sum(v["count"] for v in data["facets"]["type"]) == 1
    odd = client.get("/api/archive/search?q=%22%28*%5E").get_json()
    assert odd["total"] >= 0


def test_punctuation_only_query_is_not_an_error(client, session):
    _seed(session)
    login(client, "ky-web")
    page = client.get("/archive/search?q=%EF%BC%81%EF%BC%9F%E2%80%A6%E2%80%A6")
    assert page.status_code == 200 and "已忽略" in text_of(page)


def test_import_upload_and_report(client, session):
    research_office(session, username="ky-imp")
    session.commit()
    login(client, "ky-imp")
    csv_text = (
        "类型,题名,人员,单位,学科,开始日期,关键词,文件\n"
        "科研项目,深海热液区微生物多样性研究,陈一（负责人）,海洋学院,海洋科学,2022-03-01,深海;微生物,plan.txt\n"
        "论文,,无名,海洋学院,,2022-03-01,,\n"
    )
    files = {
        "table": (io.BytesIO(csv_text.encode()), "records.csv"),
        "files": [(io.BytesIO("立项书：深海热液喷口。".encode()), "plan.txt")],
    }
    strict = post_form(
        client,
        "/archive/records/import",
        {**files, "mode": "all"},
        content_type="multipart/form-data",
    )
    assert strict.status_code == 200
    assert "第 3 行" in text_of(strict) and "未导入" in text_of(strict)
    files = {
        "table": (io.BytesIO(csv_text.encode()), "records.csv"),
        "files": [(io.BytesIO("立项书：深海热液喷口。".encode()), "plan.txt")],
    }
    lenient = post_form(
        client,
        "/archive/records/import",
        {**files, "mode": "skip"},
        content_type="multipart/form-data",
    )
    body = text_of(lenient)
    assert "已导入 1 条" in body and "深海热液区微生物多样性研究" in body


def test_new_record_form_and_access_change(client, session):
    research_office(session, username="ky-new")
    session.commit()
    login(client, "ky-new")
    response = post_form(
        client,
        "/archive/records",
        {
            "type": "data",
            "title": "青藏高原冻土温度观测数据集",
            "people": "刘二（负责人）",
            "discipline": "地理学",
            "date_start": "2024-01-01",
            "keywords": "冻土；观测",
            "access_level": "open",
            "files": (io.BytesIO(b"t,depth\n-2.1,1.0\n"), "obs.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    record_url = response.headers["Location"]
    page = client.get(record_url)
    assert "青藏高原冻土温度观测数据集" in text_of(page) and "obs.csv" in text_of(page)
    record_id = int(record_url.rstrip("/").split("/")[-1])
    changed = post_form(
        client,
        f"/archive/records/{record_id}/access",
        {
            "access_level": "roles",
            "access_roles": ["discipline_office"],
            "access_reason": "数据共享协议限制",
        },
    )
    assert changed.status_code == 302
    assert (
        client.get(record_url).status_code == 404
    )  # the research office is no longer admitted
    bad = post_form(client, "/archive/records", {"type": "data", "title": ""})
    assert bad.status_code == 302


def test_disposal_page_request_and_approval(client, session):
    research = research_office(session, username="ky-disp")
    discipline_office(session, username="jw-disp")
    old = make_record(
        session,
        research,
        record_type="notebook",
        title="1999 年实验记录",
        date_start=date(1999, 1, 1),
    )
    session.commit()
    login(client, "ky-disp")
    assert "1999 年实验记录" in text_of(client.get("/archive/disposal"))
    post_form(
        client, "/archive/disposal/request", {"record_id": old.id, "reason": "期满"}
    )
    client.get("/logout")
    post_form(client, "/logout")
    login(client, "jw-disp")
    pending = rec_pending(session)
    response = post_form(
        client,
        f"/archive/disposal/{pending}/decide",
        {"decision": "approve", "note": "同意"},
    )
    assert response.status_code == 302
    page = text_of(client.get("/archive/disposal"))
    assert "销毁记录" in page and "1999 年实验记录" in page
    assert "已销毁" in text_of(client.get(f"/archive/records/{old.id}"))


def rec_pending(session):
    return list_disposal_requests(session)[0].id


def test_navigation_shows_the_archive(client, session):
    research_office(session, username="ky-nav")
    session.commit()
    login(client, "ky-nav")
    html = client.get("/").get_data(as_text=True)
    assert (
        'data-endpoint="archive.search"' in html
        and 'data-endpoint="archive.records"' in html
    )
    assert RecordType.CASE_FILE.value == "case_file"


def test_records_page_lists_files_that_failed_their_fixity_check(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    path = blob_path(storage_root(session), paper.files[0].stored_file.sha256)
    path.chmod(0o640)
    path.write_bytes(b"altered")
    record_results(session, check_files(storage_root(session), list_files(session)))
    session.commit()
    login(client, "ky-web")
    failures = text_of(client.get("/archive/records"))
    assert "文件校验失败" in failures and paper.number in failures
    assert "校验失败" in text_of(client.get(f"/archive/records/{paper.id}"))


def test_access_badge_says_who_can_open_the_record(client, session):
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "jw-web")
    case_page = client.get(f"/archive/records/{case.id}").get_data(as_text=True)
    badge = re.search(r'data-testid="access-badge"[^>]*>([^<]+)<', case_page)
    assert badge and "校内公开" not in badge.group(1)
    assert badge.group(1).strip() == "限调查人员、纪委查阅"
    sealed_page = client.get(f"/archive/records/{sealed.id}").get_data(as_text=True)
    badge = re.search(r'data-testid="access-badge"[^>]*>([^<]+)<', sealed_page)
    assert badge and "封存" in badge.group(1) and "限纪委查阅" in badge.group(1)
    paper_page = client.get(f"/archive/records/{paper.id}").get_data(as_text=True)
    badge = re.search(r'data-testid="access-badge"[^>]*>([^<]+)<', paper_page)
    assert badge and badge.group(1).strip() == "限科研处、纪委查阅"


def test_one_results_page_badges_each_access_rule_on_its_own(client, session):
    """Badge sentences are made once per access rule in a request, never one rule's
    sentence for another's record on the same page."""
    research, jiwei, paper, sealed, case = _seed(session)
    login(client, "jw-web")
    page = client.get("/archive/search").get_data(as_text=True)
    badges = dict(
        re.findall(
            r'href="/archive/records/(\d+)">.*?data-testid="access-badge"[^>]*>([^<]+)<',
            page,
            re.S,
        )
    )
    assert badges[str(case.id)].strip() == "限调查人员、纪委查阅"
    assert "封存" in badges[str(sealed.id)] and "限纪委查阅" in badges[str(sealed.id)]
    assert badges[str(paper.id)].strip() == "限科研处、纪委查阅"


def test_each_request_has_its_own_language_and_search_links(client, session):
    """The catalogue and the search arguments are read once per request, never kept
    from one request for the next (one worker serves every reader in turn)."""
    _seed(session)
    login(client, "ky-web")
    first = client.get("/archive/search?q=钙钛矿&unit=物理学院").get_data(as_text=True)
    assert "档案检索" in first and "unit=%E7%89%A9%E7%90%86" in first
    assert "限科研处、纪委查阅" in first  # the access badge
    client.get("/lang/en")
    second = client.get("/archive/search?q=电池").get_data(as_text=True)
    assert "Archive search" in second and "档案检索" not in second
    assert "Open to " in second and "限科研处" not in second
    # Every facet link carries this request's query, none the one before.
    assert "q=%E7%94%B5%E6%B1%A0" in second and "%E9%92%99" not in second
    client.get("/lang/zh")
    third = client.get("/archive/search?q=电池").get_data(as_text=True)
    assert "档案检索" in third and "Archive search" not in third
