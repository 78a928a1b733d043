"""Every Chinese word the report shows, in one place so the Markdown, HTML, Excel and CSV renderings never drift."""

from __future__ import annotations

from checks.reasons import FETCH_REASON  # why a link failed: worded in checks/, where the rules read it
from checks.scoring import PASS_MARK, SiteVerdict
from core.model import FetchError

# The verdict is stored in report.json as the word itself, so the rules' enum holds it; these are its names here.
VERDICT_PASS = SiteVerdict.PASSED.value
VERDICT_FAIL = SiteVerdict.FAILED.value
NOT_CHECKED = "未能检查"
"""A site of a batch without a verdict: it did not answer, or its report.json cannot be read."""
PROVISIONAL = "{verdict}（检查不完整）"
"""A 合格 of a crawl that did not see the whole portal: it holds only for the pages seen. A 不合格 stands as it
is (the gaps found are there whatever was not seen)."""
VERDICT_RULE = f"得分不低于 {PASS_MARK:g} 分且无单项否决即为合格；问题是各项检查发现的不足，不都扣分"
"""Under the verdict: why a site with problems can be 合格."""

INCOMPLETE = {
    "title": "检查不完整",
    "page_limit": "抓取了 {pages} 个页面，达到本次检查的页面数上限 {limit}，其余页面未检查",
    "page_limit_unknown": "抓取了 {pages} 个页面，达到页面数上限，其余页面未检查",
    "stopped": "服务器连续出错，{n} 个站内页面停止请求，结束时再次请求仍未取得，未检查",
    "unprocessed": "gapcheck 处理 {n} 个页面时内部出错，这些页面的内容和链接未检查；请加上 --verbose 重新运行，并把错误报告给 gapcheck 的维护者",
    "note": "结论只对已检查的页面成立：「缺少」「未更新」类问题可能漏报。提高页面数上限（--max-pages 或 crawl.max_pages）、"
    "待网站恢复正常后重新检查。",
}
"""The banner of a report whose crawl did not see the whole portal, and the reasons it names."""

FINDING_COUNT = {
    "fail": "问题",
    "warn": "警告",
    "unverified": "待核实",
    "manual": "人工核查",
    "pass": "通过",
}
"""How many findings have each status, wherever a count is shown (report, CLI, index, notices), in this order.
The count of failing findings is 问题, never 不合格: that word is the site's verdict, and a 合格 site may have
problems."""

STATUS = {
    "pass": "通过",
    "fail": "不合格",
    "warn": "警告",
    "unverified": "待核实",
    "manual": "人工核查",
}

SEVERITY = {
    "veto": "单项否决",
    "major": "严重",
    "minor": "一般",
    "info": "提示",
}

COLUMN_STATUS = {
    "fresh": "按时更新",
    "stale": "超期未更新",
    "blank": "空白栏目",
    "undated": "无日期",
    "unlimited": "不限更新期",
}

LINK_VERDICT = {
    "broken": "失效",
    "unverified": "待核实",
    "skipped": "未检查（离线）",
}

# Sheet names of report.xlsx (at most 31 characters, none of []:*?/\).
SHEET = {
    "summary": "汇总",
    "findings": "检查结果",
    "columns": "栏目",
    "links": "链接",
    "fixed": "已整改",
}

TEXT = {
    "report": "检查报告",
    "verdict": "总体结论",
    "score": "得分",
    "checked": "检查项",
    "vetoes": "单项否决",
    "problems": "问题清单",
    "columns": "栏目更新情况",
    "template": "网站模板（不计入栏目内容的重复区块）",
    "template_block": "区块位置",
    "template_pages": "出现页面数",
    "template_text": "区块文字",
    "links": "失效链接",
    "checks": "检查规则执行情况",
    "footer": "检查信息",
    "site": "网站",
    "start_url": "首页地址",
    "rule": "检查规则",
    "severity": "严重程度",
    "status": "结论",
    "subject": "检查对象",
    "message": "问题说明",
    "evidence": "证据",
    "url": "页面地址",
    "how_to_fix": "整改建议",
    "deduction": "扣分",
    "count": "处",
    "column_name": "栏目",
    "column_kind": "类别",
    "item_count": "条目数",
    "newest": "最近更新",
    "limit_days": "更新时限（天）",
    "no_limit": "不限",
    "link_url": "链接地址",
    "http_status": "状态码",
    "reason": "原因",
    "found_on": "所在页面",
    "homepage": "首页",
    "more_pages": "等 {n} 个页面",
    "more_items": "另有 {n} 个",
    "page_count": "页面数",
    "anchor_text": "链接文字",
    "links_note": "每个失效地址一行，列出它所在的页面；同一地址出现在多个页面时只列一次。",
    "links_by_page": "按页面查看",
    "links_by_page_note": "同样的链接按所在页面列出：打开一个页面，可见其中每个失效链接的文字和地址。",
    "links_on_page": "{n} 个链接",
    "run_id": "运行编号",
    "as_of": "数据截至",
    "as_of_note": "更新时限等按此日倒推计算",
    "checked_at": "检查时间",
    "timezone": "时区",
    "started_at": "开始时间",
    "finished_at": "结束时间",
    "profile": "检查方案",
    "basis": "检查依据",
    "pages": "抓取页面",
    "links_checked": "检查链接",
    "none": "—",
    "no_vetoes": "未发现单项否决问题。",
    "no_problems": "未发现问题。",
    "no_columns": "未识别到栏目。",
    "no_links": "未发现失效或待核实链接。",
    "no_checks": "没有检查记录。",
    "vetoes_note": "以下问题任一存在即判定网站不合格。",
    "problems_note": "单项否决问题见上文，此处列出其余问题，按检查规则分组。",
    "generated_by": "由 gapcheck 生成",
    "rule_title": "规则名称",
    "status_counts": "检查结果统计",
    "quantity": "数量",
    "deductions": "扣分明细",
    "total": "合计",
    "no_deductions": "没有扣分。",
    "on_homepage": "在首页",
    "yes": "是",
    "no": "否",
    # History: compared with the previous finished run of the same site.
    "changes_new": "新增问题",
    "changes_fixed": "已整改",
    "changes_open": "仍未整改",
    "since_run": "较运行 #{id}",
    "first_run": "首次检查",
    "fixed_list": "已整改问题",
    "fixed_note": "上次检查（运行 #{id}）发现、本次已不再存在的问题。",
    "open_since": "自运行 #{id}（{as_of}）起未整改",
    # The score-over-time chart: finished runs of the same site, oldest first.
    "trend": "得分趋势",
    "trend_caption": "最近 {n} 次检查的得分（满分 100）",
    "trend_single": "仅有一次检查记录",
    "trend_note": "同一网站最近 {n} 次已完成的检查，按时间先后排列；虚线为合格线。",
    "pass_line": "合格线",
    "trend_run": "运行",
    "fail_count": FINDING_COUNT["fail"],
    # The 变化 column of report.xlsx / report.csv and the summary sheet's comparison.
    "change": "变化",
    "change_new": "新增",
    "change_open": "仍存在",
    "change_open_since": "仍存在（自运行 #{id}，{as_of}）",
    "changes_head": "与上次检查相比",
    "fixed_sheet_note": "已整改的 {n} 个问题见“{sheet}”工作表。",
}

# Why a failing finding costs no points, or fewer than its rule deducts: after the 扣分 cell's number.
DEDUCTION_WHY = {
    "veto": "单项否决项，不扣分，直接判定不合格",
    "no_points": "本规则不单独扣分，见规则说明",
    "counted": "同一检查对象已按 {rule} 扣分，不重复扣",
    "capped": "本规则合计最多扣 {cap} 分，已扣满",
}

CHANGE = {
    "new": "新",
    "open": "未整改",
}

# The search and filter bar of report.html (shown only with JavaScript on).
FILTER = {
    "title": "筛选检查结果",
    "search": "搜索",
    "placeholder": "规则编号、名称、检查对象、证据或网址",
    "status": "结论",
    "change": "变化",
    "severity": "严重程度",
    "reset": "清除筛选",
    "all": "共 {total} 项检查结果",
    "some": "显示 {n} / {total} 项检查结果",
    "empty": "没有符合筛选条件的项。",
    "print_note": "打印时列出全部内容。",
}

# Filter choices, in the order shown: the words the counts use.
FILTER_STATUS = FINDING_COUNT

FILTER_CHANGE = {
    "new": "新增",
    "open": "仍存在",
}

# Decisions people keep across runs: `gapcheck accept` and `gapcheck manual`, and their report section.
DECISIONS = {
    "section": "已确认/误报",
    "note": "有人确认过的问题：「已确认」仍计入得分和结论，「误报」不计入；按问题的指纹延续到以后的检查。",
    "accepted": "已确认",
    "false_positive": "误报",
    "kind": "类别",
    "reason": "理由",
    "by": "确认人",
    "at": "时间",
    "manual_section": "人工核查结果",
    "manual_note": "人工核查项由检查人员填写结论，延续到同一网站以后的检查。",
    "result": "结论",
    "note_head": "说明",
    "pass": "合格",
    "fail": "不合格",
    "evidence": "人工核查：{result}（{by}，{at}）{note}",
}

# What `gapcheck accept`, `manual`, `sites`, `runs`, `export` and `recheck` print.
COMMANDS = {
    "accept_needs_run": "gapcheck accept：请写运行编号和问题指纹（gapcheck accept RUN FINGERPRINT --reason 理由），"
    "或用 --list 列出已确认/误报",
    "accept_needs_reason": "gapcheck accept：请用 --reason 写明理由（为什么接受或为什么是误报）",
    "accept_unknown": "运行 #{id} 中没有指纹为 {fp} 的检查结果；运行 gapcheck accept {id} --db {db} 列出它的问题及指纹",
    "accept_findings_head": "运行 #{id} 的问题（指纹　规则　检查对象）：",
    "accept_done": "已记录：{kind}　{rule} {subject}（指纹 {fp}，{by}）；同一网站以后的检查沿用此结论",
    "withdraw_done": "已撤销 {fp} 的确认/误报（{by}）",
    "withdraw_none": "网站 {site} 没有指纹为 {fp} 的确认/误报可撤销；gapcheck accept --list --db {db} 列出现有的",
    "accept_list_none": "没有已确认/误报的问题",
    "rerun_hint": "重新写出报告：gapcheck report {id} --db {db} --out 报告文件夹",
    "manual_not_manual": "运行 #{id} 中 {rule} 不是人工核查项；人工核查项是：{rules}",
    "manual_done": "已记录：{rule} 人工核查{result}（{by}）；同一网站以后的检查沿用此结论",
    "no_runs": "数据库 {db} 中没有运行记录",
    "no_site": "数据库 {db} 中没有“{site}”的运行记录；gapcheck sites --db {db} 列出已有的网站",
    "many_sites": "“{site}”对应多个网站（{sites}）；请写其中一个的网址",
    "derived": "复查自 #{id}",
    "export_done": "已写出 {n} 个网址：{path}",
    "export_cannot": "{path}：无法写入（{reason}）；用 --csv 指定一个可写的文件",
    "recheck_no_run": "数据库 {db} 中没有包含 {url} 的已完成运行；先用 gapcheck check 检查整个网站",
    "recheck_other_site": "{url} 不属于运行 #{id} 检查的网站（{start}）；每次只复查同一网站的页面",
    "recheck_profile": "{db}：运行 #{id} 用的检查配置“{profile}”不是内置配置；请用 --profile 指定该配置的 YAML 文件",
    "recheck_head": "复查 {n} 个页面（基于运行 #{id}，新运行 #{new}）",
}
ACCEPT_HEAD = ("编号", "网站", "类别", "规则", "检查对象", "指纹", "理由", "确认人", "时间")
SITES_HEAD = ("网站", "名称", "运行次数", "最近运行", "时间", "结论", "得分", "问题")
RUNS_HEAD = ("运行", "网站", "名称", "数据截至", "时间", "状态", "结论", "得分", "问题", "来源")
EXPORT_HEAD = ("网址", "最终网址", "状态码", "标题", "深度", "来源页面", "错误")
STATE = {
    "crawling": "抓取中",
    "interrupted": "已中断",
    "crawled": "未评判",
    "done": "完成",
    "failed": "失败",
}
"""RunState values in words (`gapcheck runs`)."""

# `gapcheck diff` and `gapcheck history`.
CLI = {
    "diff_head": "运行 #{a}（数据截至 {a_as_of}）→ 运行 #{b}（数据截至 {b_as_of}）",
    "diff_other_site": "注意：两次运行检查的不是同一网站（{a_url} / {b_url}）",
    "new": "新增问题",
    "fixed": "已整改",
    "still_open": "仍未整改",
    "none": "（无）",
    "subject": "检查对象",
    "evidence": "证据",
    "no_run": "数据库 {db} 中没有运行 {id}；运行 gapcheck history URL --db {db} 查看已有的运行",
    "no_db": "数据库 {db} 不存在；用 --db 指定 gapcheck check 使用的数据库",
    "no_history": "数据库 {db} 中没有 {url} 的运行记录",
    "state_failed": "失败",
    "state_running": "未完成",
    "resume_conflict": "{flag}：运行 {run} 开始时{was}，这次续查{given}；--resume 沿用开始时的检查方案和抓取选项，"
    "请去掉 {flag} 再续查，或不加 --resume 重新检查",
    "resume_value": "为 {value}",
    "resume_flag_on": "加了 {flag}",
    "resume_flag_off": "未加 {flag}",
    "resume_hint": "抓取（运行 {run}）在完成前被停止；运行 {command} 从停下的地方继续",
    "stopping": "正在停止：不再发出新的请求，等正在进行的请求完成后保存（再按一次 Ctrl-C 立即停止）。",
    "stopping_resume": "之后运行 {command} 继续检查。",
    "stopped_now": "检查已停止，已抓取的页面已保存；运行 {command} 继续检查",
}
HISTORY_HEAD = ("运行", "数据截至", "完成时间", "结论", "得分", "问题", "新增", "已整改")
"""The columns of `gapcheck history`."""


def verdict_key(verdict: object) -> str:
    """pass / fail / other: a CSS class and colour key for a verdict, never its text."""
    return {VERDICT_PASS: "pass", VERDICT_FAIL: "fail"}.get(verdict, "other") if isinstance(verdict, str) else "other"


def label(mapping: dict[str, str], key: object) -> str:
    """The Chinese label for `key`, or the key itself so an unknown value still shows up."""
    return mapping.get(key, str(key)) if isinstance(key, str) else TEXT["none"]


def page_error_words(error: str) -> str:
    """What a stored page error means, in words: the kind's (FETCH_REASON), or the words a run stored before
    the spider recorded facts only (store schema 7 and older: "kind: words")."""
    kind, _, said = error.partition(":")
    if said.strip():
        return said.strip()
    try:
        return FETCH_REASON.get(FetchError(kind.strip()), kind)
    except ValueError:
        return kind
