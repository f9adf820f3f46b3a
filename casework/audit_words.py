"""The audit log's vocabulary: actions, object types, fields and coded values in words.

Chinese is the source language (as everywhere in chengxin); `web/translations/en/core.po`
holds the English. A code missing here is shown as it is stored, so a new table or action
still appears in the log, only less readably.
"""

from __future__ import annotations

import json
from typing import Any

from archive.kernel.accounts import ROLE_LABELS, Role
from archive.kernel.people import PERSON_KIND_LABELS, PersonKind
from archive.records.models import (
    ACCESS_LABELS,
    FILE_ROLE_LABELS,
    RECORD_TYPE_LABELS,
    AccessLevel,
    FileRole,
    RecordType,
)
from archive.submissions.models import STATE_LABELS as SUBMISSION_STATE_LABELS
from archive.submissions.models import SubmissionState
from casework.credit.models import (
    EVALUATION_LABELS,
    OCCASION_LABELS,
    RECORD_KIND_LABELS,
    REPAIR_STATUS_LABELS,
    EvaluationKind,
    Occasion,
    RecordKind,
    RepairStatus,
)
from casework.models import STATE_LABELS as CASE_STATE_LABELS
from casework.models import CaseState
from casework.models.cases import OUTCOME_LABELS, SOURCE_LABELS, CaseSource, Outcome

ACTION_WORDS: dict[str, str] = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "view": "查看",
    "view_refused": "查看被拒绝",
    "view_report": "查看查重报告",
    "view_reporter": "查看举报人身份",
    "download": "下载文件",
    "download_report": "下载查重报告",
    "download_evidence": "下载证据",
    "download_refused_fixity": "下载被拒绝（文件校验失败）",
    "search": "检索档案",
    "login": "登录",
    "login_failed": "登录失败",
    "fixity_audit": "文件完整性核查",
    "fixity_failed": "文件完整性核查未通过",
    "export_batch": "导出查重批次",
    "dispose": "销毁档案",
    "credit_check": "信用核查",
    "credit_search": "检索信用档案",
    "credit_file_viewed": "查看信用档案",
    "credit_report_issued": "出具信用报告",
    "credit_repair_proof_download": "下载修复证明材料",
    "credit_export": "信用信息报送",
    "credit_export_failed": "信用信息报送失败",
    "credit_export_download": "下载报送文件",
    "people_import": "导入人员名册",
}

# table -> (noun, the kind of object it belongs to, the column naming that object or None
# when the row is the object itself).
TABLES: dict[str, tuple[str, str, str | None]] = {
    "users": ("用户", "user", None),
    "user_roles": ("用户角色", "user", "user_id"),
    "api_tokens": ("API 令牌", "user", "user_id"),
    "people": ("人员", "person", None),
    "records": ("档案", "record", None),
    "record_people": ("档案人员", "record", "record_id"),
    "record_keywords": ("档案关键词", "record", "record_id"),
    "record_files": ("档案文件", "record", "record_id"),
    "record_disposal_requests": ("档案销毁申请", "record", "record_id"),
    "record_tombstones": ("档案销毁记录", "record", "record_id"),
    "archive_file_texts": ("档案全文", "record", "record_id"),
    "archive_search_docs": ("档案检索索引", "record", "record_id"),
    "cases": ("案件", "case", None),
    "case_events": ("案件记录", "case", "case_id"),
    "case_deadlines": ("案件期限", "case", "case_id"),
    "case_deadline_extensions": ("期限延长", "case", "case_id"),
    "case_reminders": ("期限提醒", "case", "case_id"),
    "case_messages": ("案件往来消息", "case", "case_id"),
    "case_evidence": ("证据", "case", "case_id"),
    "case_interviews": ("谈话记录", "case", "case_id"),
    "case_documents": ("案件文书", "case", "case_id"),
    "case_panel_members": ("调查组成员", "case", "case_id"),
    "case_conflicts": ("利益冲突声明", "case", "case_id"),
    "case_recusal_checks": ("回避审查", "case", "case_id"),
    "case_parties": ("被调查人", "case", "case_id"),
    "case_reporters": ("举报人", "case", "case_id"),
    "case_decisions": ("处理决定", "case", "case_id"),
    "case_sanctions": ("处理措施", "case", "case_id"),
    "case_appeals": ("申诉", "case", "case_id"),
    "credit_records": ("信用记录", "credit_record", None),
    "credit_record_events": ("信用记录事件", "credit_record", "record_id"),
    "credit_repairs": ("信用修复申请", "person", "person_id"),
    "credit_grades": ("信用等级", "person", "person_id"),
    "credit_reports": ("信用报告", "person", "person_id"),
    "credit_commitment_signatures": ("承诺书签署", "person", "person_id"),
    "credit_commitment_templates": ("承诺书模板", "", None),
    "credit_commitment_versions": ("承诺书版本", "", None),
    "credit_rule_sets": ("信用评价规则", "", None),
    "credit_exports": ("信用信息报送", "", None),
    "screening_batches": ("查重批次", "batch", None),
    "submissions": ("查重文件", "submission", None),
    "corpus_documents": ("比对库文献", "", None),
    "stored_files": ("存储文件", "", None),
    "holidays": ("节假日", "", None),
    "scheduled_runs": ("定时任务", "", None),
}

FIELD_WORDS: dict[str, str] = {
    "username": "用户名",
    "display_name": "姓名",
    "email": "电子邮箱",
    "is_active": "启用",
    "password_hash": "密码",
    "token_hash": "令牌",
    "role": "角色",
    "roles": "角色",
    "university_id": "工号/学号",
    "name": "名称",
    "kind": "类别",
    "unit": "单位",
    "title": "标题",
    "id_number": "身份证号",
    "credit_code": "统一社会信用代码",
    "number": "编号",
    "type": "类型",
    "summary": "摘要",
    "allegation": "举报内容",
    "description": "说明",
    "state": "状态",
    "status": "状态",
    "outcome": "结论",
    "source": "来源",
    "owner_id": "承办人",
    "user_id": "用户",
    "person_id": "人员",
    "case_id": "案件",
    "record_id": "记录",
    "access_level": "访问范围",
    "access_roles": "可访问角色",
    "sealed_until": "封存至",
    "access_reason": "限制理由",
    "credit_handoff": "信用移交",
    "archive_status": "归档",
    "reason": "事由",
    "decision_reason": "审核理由",
    "statement": "申请说明",
    "note": "备注",
    "file_name": "文件名",
    "sha256": "哈希",
    "decided_on": "决定日期",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "due_on": "期限",
    "opened_on": "立案日期",
    "closed_on": "结案日期",
    "grade": "信用等级",
    "score": "分数",
    "sanction_code": "处理措施代码",
    "is_public": "公示",
    "keywords": "关键词",
    "discipline": "学科",
    "year": "年度",
    "misconduct_type": "不端行为类型",
    "state_entered_on": "进入当前状态日期",
    "last_login_at": "最近登录",
    "accepted_on": "受理日期",
    "date_start": "开始日期",
    "date_end": "结束日期",
    "case_number": "案件编号",
    "sanctions": "处理措施",
    "parent_id": "上级档案",
    "retention_class": "保管期限",
    "retention_basis": "保管依据",
    "retention_until": "保管至",
    "created_by_id": "登记人",
    "stored_file_id": "存储文件",
    "label": "说明",
    "position": "排序",
    "added_at": "添加时间",
    "added_by_id": "添加人",
    "size": "大小",
    "media_type": "文件类型",
    "original_name": "原文件名",
    "last_verified_at": "最近校验",
    "last_verified_ok": "校验通过",
    "ip": "IP 地址",
    "contact": "联系方式",
    "is_anonymous": "匿名",
    "basis": "依据",
    "rule": "规则",
    "met_on": "完成日期",
    "original_due_on": "原定期限",
    "from_state": "原状态",
    "to_state": "新状态",
    "actor_id": "操作人",
    "actor_label": "操作人",
    "at": "时间",
    "is_internal": "内部",
    "finding": "认定",
    "source_ref": "来源编号",
    "screening_submission_id": "查重文件",
    "archive_record_id": "档案",
    "action": "操作",
    "actor": "操作人",
    "added_by_label": "添加人",
    "after": "变更后",
    "alert": "提醒",
    "appeal_due_on": "申诉期限",
    "applied_at": "申请时间",
    "applied_by_id": "申请人",
    "applied_on": "申请日期",
    "approved_at": "批准时间",
    "approved_by": "批准人",
    "approved_by_id": "批准人",
    "as_of": "截止日期",
    "assigned_at": "指派时间",
    "assigned_by_id": "指派人",
    "attempts": "尝试次数",
    "author": "作者",
    "author_id": "作者",
    "author_key": "作者标识",
    "author_label": "作者",
    "author_university_id": "作者工号/学号",
    "batch_id": "查重批次",
    "before": "变更前",
    "body": "正文",
    "body_seg": "正文分词",
    "char_count": "字数",
    "chars": "字数",
    "checked_at": "核查时间",
    "checked_by_id": "核查人",
    "code": "代码",
    "compare_peers": "批次内互查",
    "computed_at": "计算时间",
    "content_sha256": "内容哈希",
    "context": "情形",
    "copy_ratio": "复制比",
    "copy_ratio_without_own": "去除本人文献复制比",
    "copy_ratio_without_quotes": "去除引用文献复制比",
    "created_on": "创建日期",
    "credit_class": "失信等级",
    "data": "数据",
    "day": "日期",
    "deadline_id": "期限",
    "decided_at": "决定时间",
    "decided_by_id": "决定人",
    "deciding_unit": "决定单位",
    "decision_id": "处理决定",
    "decision_note": "审批意见",
    "decision_number": "决定文号",
    "disclosure_until": "公示截止",
    "disposed_at": "销毁时间",
    "doc_id": "文献编号",
    "entity_id": "对象编号",
    "entity_type": "对象类型",
    "explanation": "说明",
    "extracted_at": "提取时间",
    "file_size": "文件大小",
    "filed_by_id": "提交人",
    "filed_on": "提交日期",
    "files": "文件",
    "finding_facts": "认定事实",
    "finding_type": "认定类型",
    "findings": "认定",
    "format": "格式",
    "from_outside": "外部来文",
    "from_seq": "起始序号",
    "grams": "片段",
    "grounds": "理由",
    "handed_off_at": "移交时间",
    "has_met_obligations": "已履行义务",
    "hash": "哈希",
    "held_on": "日期",
    "indexed_at": "索引时间",
    "interviewee": "谈话对象",
    "interviewer1_id": "谈话人",
    "interviewer2_id": "谈话人",
    "is_ban": "禁止类措施",
    "is_clear": "无利益冲突",
    "is_lead": "组长",
    "is_misconduct": "构成学术不端",
    "is_permanent": "长期有效",
    "is_question": "提问",
    "is_repairable": "可修复",
    "is_self_declared": "本人声明",
    "is_serious": "情节严重",
    "is_workday": "调休上班",
    "issued_at": "出具时间",
    "issued_by_id": "出具人",
    "keyword": "关键词",
    "last_result": "最近结果",
    "last_run_at": "最近运行",
    "last_run_on": "最近运行日期",
    "last_seen_at": "最近访问",
    "last_used_at": "最近使用",
    "level": "级别",
    "major": "重大",
    "max_source_id": "最大来源",
    "max_source_ratio": "单篇最大复制比",
    "meta_seg": "元数据分词",
    "min_match_chars": "最小匹配字数",
    "months": "月数",
    "new_due_on": "新期限",
    "obligations_evidence": "履行义务证明",
    "occasion": "场合",
    "old_due_on": "原期限",
    "options": "选项",
    "outcome_on": "结论日期",
    "outcome_reason": "结论理由",
    "party_id": "被调查人",
    "paused_on": "暂停日期",
    "place": "地点",
    "plain": "纯文本",
    "prev_hash": "前一哈希",
    "progress": "进度",
    "proof_file_id": "证明材料",
    "published_on": "发表日期",
    "read_at": "阅读时间",
    "reason_code": "原因代码",
    "reason_message": "原因",
    "reasons": "理由",
    "receipt_digest": "回执摘要",
    "received_from": "来源",
    "record_number": "档案编号",
    "record_type": "档案类型",
    "recorded_at": "记录时间",
    "recorded_by_id": "记录人",
    "relation": "关系",
    "removed_at": "移除时间",
    "removed_reason": "移除理由",
    "repair_id": "信用修复申请",
    "report": "报告",
    "report_number": "报告编号",
    "report_to_province": "报送省级平台",
    "requested_at": "申请时间",
    "requested_by": "申请人",
    "requested_by_id": "申请人",
    "revoked_at": "撤销时间",
    "role_note": "角色说明",
    "row_count": "行数",
    "rule_set_id": "规则版本",
    "rules": "规则",
    "scope": "范围",
    "seq": "序号",
    "signature_id": "承诺书签署",
    "signed_at": "签署时间",
    "signed_by_id": "签署人",
    "signed_scan_id": "签字扫描件",
    "source_path": "来源路径",
    "started_at": "开始时间",
    "supersedes_id": "替代",
    "template_id": "承诺书模板",
    "text": "文本",
    "text_sha256": "文本哈希",
    "thread": "会话",
    "title_seg": "标题分词",
    "to_seq": "截止序号",
    "venue": "发表载体",
    "verification_code": "验证码",
    "version_id": "版本",
    "vote": "表决",
    "warnings": "提示",
    "corrects_id": "更正",
}

DETAIL_WORDS: dict[str, str] = {
    "q": "检索词",
    "number": "编号",
    "file": "文件",
    "record": "档案",
    "action": "核查事项",
    "allowed": "结果",
    "on": "日期",
    "in_register": "在人员名册中",
    "format": "格式",
    "report_number": "报告编号",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "rows": "行数",
    "file_name": "文件名",
}

SYSTEM_ACTORS: dict[str, str] = {
    "system": "系统",
    "cli": "命令行",
    "demo": "演示数据",
    "anonymous": "匿名访问者",
    "anonymous-tipster": "匿名举报人",
    "screening": "查重任务",
    "scheduler": "定时任务",
    "casework": "案件系统",
    "daily": "每日任务",
    "test-seed": "测试数据",
}

STATUS_WORDS = {
    "active": "有效",
    "disposed": "已销毁",
    "pending": "待处理",
    "approved": "已批准",
    "refused": "已拒绝",
    "rejected": "已拒绝",
    "proposed": "拟处理",
    "decided": "已决定",
    "handed_off": "已移交",
    "withdrawn": "已撤回",
    "done": "已完成",
    "failed": "失败",
}
DONE_WORDS = {"done": "已完成", "pending": "待办", "failed": "失败"}
CHECK_ACTIONS = {
    "admission": "招生录取",
    "hiring": "人员聘用",
    "promotion": "职务职称晋升",
    "funding": "经费资助",
    "award": "评奖评优",
    "project_application": "项目申报",
}


def _coded(key: str, value: str, table: str) -> str | None:
    """The words for a stored code, when the field holds one."""
    tables: list[dict[Any, str]] = []
    if key in ("state", "from_state", "to_state"):
        tables = [
            {
                k.value: v
                for k, v in CASE_STATE_LABELS.items()
                if isinstance(k, CaseState)
            },
            {
                k.value: v
                for k, v in SUBMISSION_STATE_LABELS.items()
                if isinstance(k, SubmissionState)
            },
        ]
    elif key == "status":
        tables = [
            {
                k.value: v
                for k, v in REPAIR_STATUS_LABELS.items()
                if isinstance(k, RepairStatus)
            },
            STATUS_WORDS,
        ]
    elif key == "role" and table == "user_roles":
        tables = [{r.value: ROLE_LABELS[r][0] for r in Role}]
    elif key == "role" and table == "record_files":
        tables = [
            {k.value: v for k, v in FILE_ROLE_LABELS.items() if isinstance(k, FileRole)}
        ]
    elif key == "kind" and table in ("people", ""):
        tables = [
            {
                k.value: v
                for k, v in PERSON_KIND_LABELS.items()
                if isinstance(k, PersonKind)
            }
        ]
    elif key == "type":
        tables = [
            {
                k.value: v
                for k, v in RECORD_TYPE_LABELS.items()
                if isinstance(k, RecordType)
            }
        ]
    elif key == "access_level":
        tables = [
            {k.value: v for k, v in ACCESS_LABELS.items() if isinstance(k, AccessLevel)}
        ]
    elif key == "source":
        tables = [
            {k.value: v for k, v in SOURCE_LABELS.items() if isinstance(k, CaseSource)}
        ]
    elif key == "outcome":
        tables = [
            {k.value: v for k, v in OUTCOME_LABELS.items() if isinstance(k, Outcome)}
        ]
    elif key in ("credit_handoff", "archive_status"):
        tables = [DONE_WORDS]
    elif key == "action":
        tables = [CHECK_ACTIONS]
    elif key == "occasion":
        tables = [
            {k.value: v for k, v in OCCASION_LABELS.items() if isinstance(k, Occasion)}
        ]
    elif key == "kind":
        tables = [
            {
                k.value: v
                for k, v in RECORD_KIND_LABELS.items()
                if isinstance(k, RecordKind)
            },
            {
                k.value: v
                for k, v in EVALUATION_LABELS.items()
                if isinstance(k, EvaluationKind)
            },
        ]
    for words in tables:
        if value in words:
            return words[value]
    return None


def value_words(table: str, key: str, value: Any) -> str:
    """A stored value as a reader reads it: codes in words, yes/no, lists joined."""
    if value is None or value == "":
        return "—" if value is None else ""
    if isinstance(value, bool):
        if key == "allowed":
            return "可以办理" if value else "不予办理"
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_words(table, key, v) for v in value)
    if isinstance(value, dict):
        # Structured settings (rule sets, report options) are read as they are stored.
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if text == "[redacted]":
        return "（不记录）"
    if key == "number" and text.startswith("pending-"):
        return "（待编号）"  # a record holds a placeholder until its number is drawn
    return _coded(key, text, table) or STATUS_WORDS.get(text, text)
