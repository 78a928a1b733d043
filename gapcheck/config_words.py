"""Every word of a profile's or a sites list's error, in Chinese, in one place: pydantic's error types and
gapcheck's own checks, each as the problem and its fix. `{input}` is the value written there (quoted)."""

from __future__ import annotations

AT_KEY = "{file}:{line}: 键 '{key}'：{problem}；{fix}"
TOP = "（顶层）"
WHAT = {"profile": "检查配置", "sites": "网站清单"}
SHAPE = {
    "profile": "检查配置应是“键: 值”的映射（name:、extends:、requirements: …）",
    "sites": "网站清单应是“键: 值”的映射（defaults:、notify:、sites:）；格式见 config/sites.example.yaml",
}
NOT_FOUND = "{file}: 找不到{what}文件；检查文件名或路径"
UNREADABLE = "{file}: 读不了{what}（{reason}）；把它存为 UTF-8 文本"
NOT_YAML = "{where}: 不是有效的 YAML（{reason}）；检查那里的缩进和引号"
NOTHING = "空值"
"""What a key with nothing after it holds."""
OR = "、"
"""Joins the choices pydantic lists as "'a', 'b' or 'c'"."""

MISSING_MORE = {
    "sites": "，每个网站写一项（- url: http://www.example.gov.cn/）",
    "url": "，写网站首页，如 http://www.example.gov.cn/",
}
"""What to write under a missing key, where "add it" is not enough."""

PROBLEM: dict[str, tuple[str, str]] = {
    # pydantic's error types
    "missing": ("缺少 {name}:", "加上 {name}:{more}"),
    "extra_forbidden": ("不认识的键", "可用的键：{allowed}"),
    "string_type": ("应写文字，这里是 {input}", "写一段文字"),
    "int_type": ("应写整数，这里是 {input}", "写一个整数"),
    "float_type": ("应写数，这里是 {input}", "写一个数"),
    "finite_number": ("{input} 不是有限的数", "写一个有限的数，不要写 .nan 或 .inf"),
    "bool_type": ("应写 true 或 false，这里是 {input}", "写 true 或 false"),
    "list_type": ("应写列表，这里是 {input}", "写成列表，如 [甲, 乙]"),
    "dict_type": ("应写映射，这里是 {input}", "每项写成“键: 值”"),
    "model_type": ("应写映射，这里是 {input}", "每项写成“键: 值”"),
    "greater_than_equal": ("{input} 太小，应不小于 {ge}", "写一个不小于 {ge} 的数"),
    "greater_than": ("{input} 太小，应大于 {gt}", "写一个大于 {gt} 的数"),
    "less_than_equal": ("{input} 太大，应不大于 {le}", "写一个不大于 {le} 的数"),
    "too_short": ("是空的", "至少写 {min_length} 项"),
    "enum": ("不认识的值 {input}", "写 {expected} 之一"),
    "literal_error": ("不认识的值 {input}", "写 {expected} 之一"),
    "other": ("{input} 不合要求（{message}）", "照 config/ 下的示例文件改正"),
    # gapcheck's own
    "alias": ("用了 YAML 别名（*名字，指向 &名字 处的值），配置文件不接受别名", "把这个值完整写出来，删去 & 和 *"),
    "key_not_scalar": ("键是一个列表或映射", "键只写一个词，如 exclude:"),
    "blank": ("是空的", "写上值，或删去这个键"),
    "regex": ("{input} 不是正则表达式（{reason}）", "在 ? 和 ( 等特殊字符前加反斜杠"),
    "period": ("{input} 不是时间长度", "写成 14d、6m 或 1y 这样"),
    "timezone": ("{input} 不是时区名称", "写 IANA 时区名称，如 Asia/Shanghai（北京时间）"),
    "render": (
        "不认识的值 {input}",
        "写 auto、off 或 all（只渲染部分网页时，把网址的正则表达式写在 crawl.render_urls 下）",
    ),
    "alias_pair": ("{host!r}: {base!r} 不是“主机名: 网址”", "写成如 www.example.gov.cn: http://127.0.0.1:8080"),
    "unknown_rule": ("{reason}", "运行 gapcheck rules 查看规则编号"),
    "rule_prefix": ("规则设置要写一条规则的完整编号，不能写前缀", "写成如 GK302"),
    "rule_without_settings": ("{code} 没有可设置的项", "删去这一项"),
    "no_profile": ("找不到检查配置 {ref!r}", "写 .yaml 文件的路径，或内置检查配置之一：{names}"),
    "extends_cycle": ("检查配置互相继承成环（{cycle}）", "删去其中一个 extends:"),
    "url": ("{problem}", "{fix}"),
    "same_portal": (
        "与第 {other} 个网站是同一网站（{url}）",
        "每个网站只列一次（http 与 https、端口不同也是同一网站）",
    ),
    "slug_taken": ("报告目录名 {slug!r} 已被第 {other} 个网站使用", "给其中一个写 slug:，换一个目录名"),
    "slug_unsafe": ("{input} 不能用作目录名", "只用字母、数字、点、横线和下划线，以字母或数字开头"),
    "profile_file": ("找不到检查配置文件 {path}", "写相对于本文件的路径，或内置检查配置的名称"),
    "keep_runs": ("至少要保留 2 次", "每份报告都与上一次比较，保留最近两次以上"),
    "webhook": ("{input} 不是网址", "写接收检查结果摘要的完整网址，如 https://hooks.example.gov.cn/gapcheck"),
    "notify_empty": ("webhook: 和 smtp: 一个也没写", "写上其中一个，或删去 notify:"),
    "password": ("网站清单里不写密码", "把密码放进环境变量，在 password_env: 写变量名"),
    "env_name": ("{input} 不是环境变量名", "写变量名，如 GAPCHECK_SMTP_PASSWORD，不要写密码本身"),
    "address": ("{input} 不是电子邮件地址", "写成 web@example.gov.cn 这样"),
}
