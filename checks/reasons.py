"""Why a link target is broken or undecided, in words a web team reads: the one place for each (report/labels
re-exports them). checks/answers.py chooses among them from the facts the spider recorded."""

from __future__ import annotations

from core.model import FetchError

HTTP_REASON = {
    400: "请求无效",
    401: "需要登录",
    403: "拒绝访问",
    404: "页面不存在",
    410: "页面已删除",
    429: "请求过多（限流）",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂不可用",
    504: "网关超时",
}
"""Why a link failed, by HTTP status."""

FETCH_REASON = {
    FetchError.DNS: "域名无法解析",
    FetchError.REFUSED: "连接被拒绝",
    FetchError.TIMEOUT: "请求超时",
    FetchError.TLS: "TLS/证书错误",
    FetchError.RESET: "连接中断",
    FetchError.REDIRECT_LOOP: "重定向次数过多（循环重定向）",
    FetchError.ROBOTS: "robots.txt 禁止访问",
    FetchError.TOO_LARGE: "超过下载大小上限（20 MB，含解压后），未读取",
    FetchError.BAD_URL: "网址格式错误",
    FetchError.MALFORMED_REDIRECT: "跳转目标网址格式错误",
    FetchError.NO_RESOLVER: "本机无法进行域名解析（DNS 不可用），未能检查",
    FetchError.OFFLINE: "未检查（离线）：离线或内网检查不请求外部链接",
    FetchError.CREDENTIALS: "网址含用户名和密码，未请求（请改为不带密码的地址）",
    FetchError.CIRCUIT_OPEN: "该主机连续多次请求失败，已停止向其发送请求",
    FetchError.OTHER: "请求失败（原因不明；运行时加 --verbose 可在日志中查看详情）",
}
"""Why a request got no usable answer, by `core.model.FetchError`: never an exception's own text."""

REDIRECT_NOT_WEB = "跳转到非网页地址"
"""A redirect to file:, ftp:, data: and the like: no visitor's browser shows a page there."""
REDIRECT_NOWHERE = "跳转缺少目标"
"""A 3xx without a Location header: the visitor is left on an empty answer."""
REDIRECT_MALFORMED = FETCH_REASON[FetchError.MALFORMED_REDIRECT]
PRIVATE_REDIRECT = "跳转到内网或本机地址 {host}，未跟随（检查自己内网的网站可设 crawl.private_redirects: true）"

SOFT_404_SAYS = "软404：页面显示「{words}」"
SOFT_404_LIKE_MISSING = "软404：与本站不存在页面的回应相同（标题「{title}」）"
SOFT_404_SENT_LIKE_MISSING = "软404：跳转到与不存在页面相同的地址 {url}"
CHALLENGE = "防火墙验证页面：页面显示「{words}」"
THROTTLED = "{status}：按服务器要求等待后仍被限流（要求等待 {seconds:g} 秒）"
BUSY = "服务器繁忙"
"""THROTTLED's {status} for a status without words of its own."""
