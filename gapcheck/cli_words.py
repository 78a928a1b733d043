"""Every word of the `gapcheck` command's help and errors, in Chinese, in one place: the help of each
subcommand and option, argparse's own words, and the errors gapcheck raises. What the command prints about a
run (diff, history) is in report/labels.py (CLI), with the report's words; profile and sites list errors are
in config_words.py. Option names, metavars in caps, file names and URLs stay as they are typed."""

from __future__ import annotations

# argparse's own words, which gapcheck/chinese_argparse.py supplies (and says why not through gettext).
USAGE = "用法："
POSITIONALS = "位置参数"
OPTIONS = "选项"
HELP_OPTION = "显示帮助并退出"
COMMAND = "命令"
"""The metavar of the subcommand: `gapcheck [-h] 命令 ...`."""
ERROR_LINE = "{prog}：错误：{message}\n"
PARSE_ERROR = {
    # argparse's English template -> ours (%(name)s and %s become {name} and {p0}, {p1}); the tests check each
    # is still one the running argparse says
    "argument %(argument_name)s: %(message)s": "参数 {argument_name}：{message}",
    "the following arguments are required: %s": "缺少参数：{p0}",
    "unrecognized arguments: %s": "不认识的参数：{p0}；运行 gapcheck -h 或 gapcheck 命令 -h 查看可用的参数",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：{value}（可选：{choices}）",
    "invalid %(type)s value: %(value)r": "{value} 不是有效的{type}",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 {p0} 个值",
    "expected %s arguments": "需要 {p0} 个值",
    "not allowed with argument %s": "不能与 {p0} 同时使用",
    "one of the arguments %s is required": "{p0} 必须写一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项 {option} 不明确，可能是 {matches}",
    "ignored explicit argument %r": "不接受值 {p0}",
    "unexpected option string: %s": "不认识的选项 {p0}",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 {parser_name}（可用：{choices}）",
}
TYPE_NAME = {"int": "整数", "float": "数"}
"""argparse names a type by its function's name in "invalid int value"."""

DEFAULT_OUT = "{reports}/<网站>/<时间>，{reports}/<网站>/{latest} 为最新一次"
"""Where `gapcheck check`, `report` and `recheck` write their reports without --out (report_folders.py)."""
PROG = "政府网站合规检查：抓取网站，按检查指标写出问题报告。"

COMMAND_HELP = {
    "check": "抓取一个网站并写出问题报告",
    "batch": "检查网站清单（SITES.yaml）中的每个网站，写出汇总页并发送通知",
    "worker": "为连接到同一 Redis 的协调进程（check/batch --redis）抓取网页，直到被停止",
    "report": "对数据库中已有的一次运行重新判定并写出报告（不抓取）",
    "schema": "输出 report.json 的 JSON Schema",
    "rules": "列出全部检查规则",
    "init": "为新单位写一份检查配置模板",
    "diff": "比较数据库中的两次运行：新增、已整改和仍未整改的问题",
    "history": "列出一个网站在数据库中的每次运行，及新增和已整改的问题数",
    "demo": "检查内置的示例网站（在 127.0.0.1 上提供）",
    "index": "写出 DIR/index.html：DIR/<网站>/ 下的每份报告一行",
    "serve": "通过 HTTP 只读提供报告文件夹，/ 为 index.html",
    "probe": "访问清单中每个网站的首页一次，记录能否打开（每 15 分钟运行一次；一周的记录决定 GK804）",
    "accept": "把一个问题标为已接受或误报，以后的运行也照此计算",
    "manual": "录入人工核查项的结果（人工核查），以后的运行也照此计算",
    "recheck": "重新抓取几个网页（及其链接），重新判定最近一次运行，不必整站抓取",
    "sites": "数据库中的每个网站：运行次数、最近一次运行、结论、得分、未整改的问题",
    "runs": "数据库中的每次运行，或一个网站的（按网址、主机名或网站名称）",
    "export": "一次运行抓取的每个网址，及其状态、标题、层级和来源页",
    "schedule": "输出或安装网站清单的定时任务：每晚 02:00 的 gapcheck batch 和每 15 分钟的 gapcheck probe（cron 或 systemd）",
}

ARG_HELP = {
    "url": "网站首页的地址，如 http://www.example.gov.cn/",
    "profile": "内置检查配置的名称，或 YAML 检查配置文件的路径（默认：national）",
    "as_of": "各项更新时限从这一天往前算，如 2026-11-20（默认：今天）",
    "out": "报告文件夹（默认：{default}）",
    "progress_every": "不在终端上时（cron、systemd、CI）每隔这么多秒写一行进度（默认：{default}）；在终端上是实时刷新的一行",
    "db": "SQLite 数据库（默认：{default}）",
    "db_sites": "SQLite 数据库（默认：网站清单中的 db:，没有时为 {default}）",
    "max_pages": "抓取这么多个页面后停止",
    "timezone": "报告中时间所用的时区，IANA 名称（默认：检查配置的 timezone:，再无则 {default}，即北京时间）",
    "index_timezone": "汇总页中时间所用的时区，IANA 名称（默认：{default}，即北京时间）",
    "history_timezone": "完成时间所用的时区，IANA 名称（默认：{default}，即北京时间）",
    "bureau_name": "单位名称，作报告标题（默认：检查配置的单位名称）",
    "concurrency": "对同一主机同时发出的请求数（默认：2，不给网站添负担）",
    "delay": "对同一主机两次请求之间的秒数（默认：0.5，并开启 AutoThrottle；0 关闭 AutoThrottle）",
    "exclude": "不抓取网址与这个正则表达式匹配的页面（可写多次）",
    "ignore_robots": "不遵守 robots.txt（单位检查自己的网站时可用）",
    "render": "每个网页先在 Chromium 中渲染，用于页面由脚本生成的网站（较慢；也可用检查配置的 "
    "crawl.render / crawl.render_urls 选择网页）",
    "no_render": "从不启动 Chromium，也不查看首页是否由脚本生成（即 crawl.render: off）",
    "resume": "接着这个网站被中断（被终止、Ctrl-C）的那次运行继续，而不是重新开始",
    "full": "重新下载每个网页，而不是向网站确认上次运行以来未改变的网页（304）",
    "recheck_external": "重新检查每个外部链接，不沿用最近 crawl.external_cache_days 天内的检查结果",
    "offline": "只检查网站自身的网页和链接：外部链接不访问，列为未检查（内网或离线的机器；即 crawl.external: false）",
    "alias": "把测试环境或镜像当作正式网站检查：对 HOST 的请求发往 URL，报告中仍写 HOST 的网址"
    "（可写多次；即检查配置的 crawl.aliases）",
    "verbose": "显示 Scrapy 的日志",
    "redis": "通过连接到这个 Redis（redis://HOST:6379/0）的 gapcheck worker 进程抓取；数据库和报告仍在本机",
    "sites": "网站清单（格式见 config/sites.example.yaml）",
    "parallel": "同时抓取的网站数上限（默认只受可打开文件数限制：本进程的 CPU 和内存还够用就开始下一个网站；每个主机仍按礼貌的速度抓取）",
    "workers": "分给多少个进程抓取（默认：本机可用的 CPU 核数；同一主机的网站由同一个进程抓取；"
    "--parallel 是每个进程同时抓取的网站数上限；与 --redis 同用时不起作用）",
    "worker_redis": "redis://HOST:6379/0",
    "idle_exit": "这么多秒内没有可参与的抓取就退出（默认：一直运行到被停止）",
    "run": "运行编号（gapcheck history URL 列出编号）",
    "report_profile": "按哪个检查配置判定（默认：这次运行所用的）",
    "markdown": "输出 README 中的规则表",
    "name": "单位名称，如 某某市商务局",
    "init_out": "写到哪个文件（默认：profile.yaml）",
    "extends": "在哪个检查配置的基础上修改（默认：national）",
    "city_portal": "栏目必须链接到的政府门户网站的主机名（可写多次）",
    "run_a": "较早那次运行的编号",
    "run_b": "较晚那次运行的编号",
    "history_url": "检查时写的网站地址（http 或 https、端口不同都算同一网站），或它的主机名、网站名称",
    "demo_db": "SQLite 数据库（默认：报告文件夹中的一个文件）",
    "index_dir": "每个网站一个子文件夹的文件夹（内有 report.json 或 error.json）",
    "serve_dir": "报告文件夹（与 gapcheck index 的相同）",
    "port": "监听的端口（默认：8000；0 表示任选一个空闲端口）",
    "host": "监听的地址（默认：127.0.0.1，只有本机可访问；0.0.0.0 向网络开放）",
    "timeout": "首页必须在这么多秒内打开（默认：15，按检查指标的要求）",
    "cron": "输出 crontab 片段（默认）",
    "systemd": "输出 systemd 的服务和定时器单元",
    "accept_run": "问题所在的一次运行",
    "fingerprint": "问题的指纹（不写时列出全部问题）",
    "reason": "为什么接受，或为什么是误报",
    "accept_by": "谁决定的（默认：当前账户名）",
    "false_positive": "这条规则在这里判错了：既不扣分，也不影响结论",
    "withdraw": "撤销对这个问题的决定",
    "list": "列出有效的决定（RUN 所属网站的，或全部）",
    "manual_run": "这个网站的一次运行",
    "manual_rule": "人工核查项的规则编号，如 GK801",
    "manual_result": "写 合格 或 不合格",
    "manual_note": "检查了什么，怎样检查的",
    "manual_by": "谁检查的（默认：当前账户名）",
    "recheck_urls": "已检查网站的网页",
    "recheck_profile": "按哪个检查配置判定（默认：最近一次运行所用的）",
    "recheck_as_of": "各项更新时限从这一天往前算（默认：最近一次运行的日期）",
    "recheck_delay": "对同一主机两次请求之间的秒数",
    "runs_site": "网站首页地址、主机名或网站名称",
    "export_run": "运行编号",
    "export_csv": "要写的 CSV 文件（UTF-8，带 BOM）",
    "install": "把片段加入你的 crontab，或写出单元文件（root 写到 /etc/systemd/system，否则写到 ~/.config/systemd/user）",
}

ERROR = {
    # values typed on the command line (argparse adds "参数 --option：" in front)
    "as_of": "{text!r} 不是日期；写成 2026-11-20 这样",
    "timezone": "--timezone {text!r}：不是时区名称；写 IANA 时区名称，如 Asia/Shanghai（北京时间）",
    "positive": "{text!r} 不是不小于 1 的整数；写一个正整数：1、2、3……",
    "seconds": "{text!r} 不是秒数；写一个有限的秒数（0 或更大），如 0.5；不接受 nan、inf",
    "seconds_above_0": "{text!r}：秒数应大于 0；写一个正数，如 15",
    "regex": "{text!r} 不是正则表达式（{reason}）；在 ? 和 ( 等特殊字符前加反斜杠",
    "alias": "{text!r} 不是 HOST=URL；写成如 www.example.gov.cn=http://127.0.0.1:8080",
    "port": "--port {port}：端口应在 0 到 65535 之间；换一个端口",
    "url": "{problem}；{fix}",
    "interrupted": "检查已停止（Ctrl-C）",
    "batch_stopped": "批量检查已停止（Ctrl-C）：已检查完的网站报告已写出，未发送通知；未完成的网站可逐个续查：",
    "internal_errors": "警告：{n} 个页面因内部错误未能处理；加上 --verbose 再运行一次，查看错误并报告给开发人员",
    "run_not_finished": "{db}：运行 {id} 的状态是“{state}”，抓取没有完成；运行 gapcheck check {url} --resume 继续被中断的抓取",
    "run_profile_unknown": "{db}：运行 {id} 是按名为 {profile!r} 的检查配置判定的，它不是内置检查配置；"
    "用 --profile 指定那个检查配置的 YAML 文件",
    "resume_with_redis": "--resume 不能与 --redis 同时使用：分布式抓取的待抓列表在 Redis 中，不能从数据库继续；"
    "去掉 --resume 重新运行",
    "index_empty": "{dir}：没有网站的检查结果（DIR/<网站>/report.json 或 error.json）；指定 gapcheck batch 写报告的文件夹",
    "index_no_dir": "{dir}：文件夹不存在；指定 gapcheck batch 写报告的文件夹（每个网站一个子文件夹）",
    "index_unwritable": "{dir}：写不了 {name}（{reason}）；检查这个文件夹的权限和剩余空间",
    "serve_no_dir": "{dir}：文件夹不存在；指定存放报告的文件夹（gapcheck batch 写出的，每个网站一个子文件夹）",
    "serve_listen": "无法在 {host}:{port} 上监听（{reason}）；用 --port 或 --host 换一个",
    "warning": "警告：{message}",
    "reports_unwritable": "{out}：写不了报告（{reason}）；用 --out 指定一个可写的文件夹",
    "profile_exists": "{path}：文件已存在；用 --out 指定一个新文件名",
    "profile_unwritable": "{path}：写不了检查配置（{reason}）；用 --out 指定一个可写的路径",
    "no_stopped_run": "{url}：数据库 {db} 中没有这个网站被中断的运行；去掉 --resume 重新运行",
    "select_ignore": "{file}：键 'select'/'ignore'：{reason}；运行 gapcheck rules 查看规则编号",
    "robots": "{url}：robots.txt 禁止抓取首页；单位检查自己的网站时可加 --ignore-robots（或在检查配置中写 "
    "crawl.obey_robots: false）",
    "no_answer": "{url}：网站没有响应（{reason}）；检查网址是否写对，以及本机能否访问这个网站",
    "no_answer_reason": "没有回应",
    "crawl_failed": "抓取出错：{reason}",
    "locked": "{url}：另一个 gapcheck 正在用 {db} 检查这个网站（{holder}）；等它完成，或停止它后加 --resume "
    "再运行（锁文件 {lock}）",
    "store_open": "{db}：打不开 gapcheck 数据库（{reason}）；用 --db 指定一个可写的路径",
    "store_write": "{db}：写不进 gapcheck 数据库（{reason}）；清理那里的磁盘空间，或用 --db 换一个位置的数据库"
    "（被中断的抓取可用 --resume 继续）",
    "store_newer": "{db}：数据库的版本（{version}）比这个 gapcheck 的（{ours}）新；升级 gapcheck，或用 --db 换一个数据库文件",
    "store_no_run": "{db}：没有运行 {id}；运行 gapcheck history URL --db {db} 查看已有的运行",
    "redis_url": "{option} {url!r}：{reason}；写成 redis://HOST:6379/0 这样",
    "redis_unreachable": "{option} {url}：连不上 Redis（{reason}）；在那台机器上启动 redis-server"
    "（apt-get install redis-server），或写对地址",
    "redis_password": "{option} {url}：Redis 拒绝了密码（密码错误，或该服务器要求密码而地址中没有）；"
    "在地址中写上 redis-server 的 requirepass 密码：redis://:密码@主机:6379/0（TLS 用 rediss://）",
    "no_worker": "gapcheck：没有 worker 连接到 {url}；在任何能访问它的机器上启动一个：gapcheck worker --redis {url}",
    "systemd_unwritable": "{dir}：写不了 systemd 单元（{reason}）；以 root 运行写到 /etc/systemd/system，"
    "或把 {env} 设为一个可写的文件夹",
    "no_crontab": "找不到 crontab 命令；安装 cron（apt-get install cron），或改用 gapcheck schedule SITES.yaml --systemd --install",
    "crontab_failed": "crontab：安装定时任务失败（{reason}）；用 gapcheck schedule SITES.yaml 输出它，再用 crontab -e 加入",
}
"""gapcheck's own errors: the file or key, the problem, then after "；" the fix."""

WORKER = {
    "attached": "worker {worker}：已连接到 {url}",
    "crawling": "worker {worker}：抓取 {url}（任务 {job}）",
    "left": "worker {worker}：离开任务 {job}，已发出 {requests} 个请求，完成 {pages} 个页面",
    "orphaned": "worker {worker}：任务 {job} 的协调进程已不在；放弃这个任务",
    "rejected": "，跳过 {n} 条不是合法数据的内容",
}
"""A worker's log lines, read by the operators who run it."""

BATCH_WORKER = {
    "started": "检查进程 {pid}：{urls}",
    "died": "检查进程 {pid} 意外退出（{how}），这个网站没有检查完；已抓取的页面保留在数据库中。"
    "查看系统日志（如 dmesg 中内存不足的记录）后重新运行 gapcheck batch",
    "signal": "被信号 {n} 结束",
    "exit": "退出码 {n}",
    "rejected": "gapcheck：检查进程 {pid} 发来一行不是合法数据的内容（{why}），已跳过，未执行其中任何内容",
    "rejected_total": "gapcheck：检查进程 {pid} 共发来 {n} 行不是合法数据的内容，均已跳过",
    "store_failed": "gapcheck batch 写不进数据库，这个网站的抓取已停止",
}
"""`gapcheck batch --workers N`: which process checks which portals, and what went wrong with one."""

PROBE = {"ok": "正常", "failed": "失败"}
"""The first column of `gapcheck probe`."""

NOTIFY = {
    # the outcome line of each channel after a batch, which the operators read in the batch's log
    "sent": "通知：{channel} 已发送（{detail}）",
    "failed": "通知：{channel} 发送失败：{reason}（检查 SITES.yaml 中的 {key}）",
    "crashed": "通知：{channel} 发送失败：{kind}：{reason}",
    "nothing_new": "通知：没有新情况（没有新增的单项否决或问题，每个网站都已检查）；未发送",
    "webhook": "webhook {url}",
    "mail": "邮件 {host}:{port}",
    "recipients": "{n} 个收件人",
    "unparsable_url": "（无法解析的网址）",
    "not_a_url": "（不是网址）",
    # why sending failed
    "bad_url": "不是有效的网址",
    "not_http": "应写 http:// 或 https:// 开头的网址",
    "answered": "对方回答 HTTP {code} {reason}{where}",
    "redirected": "，重定向到 {url}",
    "no_recipient": "没有收件人",
    "username_only": "写了 notify.smtp.username，但没有写 notify.smtp.password_env（存放密码的环境变量名）",
    "password_env_only": "写了 notify.smtp.password_env，但没有写 notify.smtp.username",
    "password_unset": "环境变量 {name}（SMTP 密码）没有设置",
    "not_ascii": "用户名或密码含有 ASCII 以外的字符，Python 的 smtplib 无法发送",
    "not_offered": "服务器不支持（{reason}）",
    "login_refused": "登录被拒绝：{answer}",
    "recipients_refused": "收件人被拒绝（{refused}）",
    "sender_refused": "发件人被拒绝：{answer}",
    "server_answered": "服务器回答 {answer}",
    "server_closed": "服务器关闭了连接",
    "tls_certificate": "TLS 证书未被接受（{reason}）",
    "tls": "TLS 失败（{reason}）",
    "refused": "连接被拒绝",
    "no_dns": "主机名无法解析",
    "timeout": "{timeout:g} 秒内没有回应",
    "reset": "连接被重置",
}
"""The words of a batch's notifications: what was sent, and why a channel failed, naming the SITES.yaml key."""
