"""Phrase lists that mark boilerplate, and stop words that mark running prose.

These are data, not rules: the classifier learns how much each hit matters. The
lists are multilingual on purpose (the training pages come from 41 countries) and
deliberately short; add a phrase when an evaluation report shows a leak it explains.
"""

from __future__ import annotations

# Each category becomes one feature: does the line contain a phrase of it?
BOILERPLATE_PHRASES: dict[str, tuple[str, ...]] = {
    "ad": (
        "by taboola", "sponsored links", "sponsored link", "promoted links", "promoted content",
        "you may like", "you might like", "recommended by", "outbrain", "advertisement",
        "sponsored", "search ads", "search now", "paid content", "anzeige", "werbung",
        "publicité", "publicidad", "patrocinado", "annonce", "reklame", "annons",
        "pubblicità", "広告", "广告", "광고",
    ),
    "nav": (
        "home", "menu", "skip to content", "skip to main content", "main menu", "navigation",
        "previous", "next", "back to top", "go to top", "sitemap", "breadcrumb", "all rights reserved",
        "copyright", "©", "terms of use", "terms of service", "privacy policy", "contact us",
        "about us", "log in", "login", "sign in", "sign up", "register", "subscribe",
        "newsletter", "search", "startseite", "impressum", "datenschutz", "anmelden",
        "accueil", "connexion", "inicio", "iniciar sesión", "suscríbete", "aviso legal",
        "mentions légales", "首页", "登录", "注册", "ホーム", "ログイン", "홈", "로그인",
    ),
    "share": (
        "share", "share this", "tweet", "facebook", "twitter", "whatsapp", "linkedin",
        "pinterest", "email this", "print", "copy link", "teilen", "partager", "compartir",
        "condividi", "分享", "シェア", "공유",
    ),
    "comment": (
        "comments", "comment", "no comments yet", "leave a comment", "leave a reply",
        "add a comment", "post a comment", "reply", "kommentare", "kommentar",
        "commentaires", "comentarios", "commenti", "评论", "コメント", "댓글",
    ),
    "related": (
        "related articles", "related posts", "related stories", "read more", "read also",
        "see also", "more from", "more stories", "trending", "most popular", "most read",
        "must watch", "recommended", "you may also like", "also read", "weiterlesen",
        "mehr zum thema", "lire aussi", "lire la suite", "leer más", "te puede interesar",
        "相关", "関連", "관련",
    ),
    "cookie": (
        "cookie", "cookies", "we use cookies", "accept all", "consent", "gdpr",
        "try our ai features", "explore what", "download the app", "get the app", "undo",
        "loading", "javascript", "enable javascript",
    ),
    "meta": (
        "minutes ago", "minute ago", "hours ago", "hour ago", "days ago", "yesterday",
        "updated", "published", "posted", "min read", "tags", "filed under", "photo",
        "image", "credit", "getty images", "vor stunden", "il y a", "hace",
    ),
}

# Frequent function words; their share in a line is a strong "this is prose" signal.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a an and are as at be been but by for from had has have he her his i if in into is it its
    it's not of on or our she so than that the their them then there these they this to was we
    were what when which who will with would you your
    der die das und ist nicht ein eine einen dem den des mit von zu auf für sich auch als
    es im wie bei nach aus noch wird sind war hat oder aber
    le la les et est un une des du en dans pour pas que qui sur au avec ce il elle sont par
    el los las y es un una de del que en por con para se no lo su al como más pero
    il lo gli e è di che per non una con sono della nel da
    o os as um uma do da dos das em com não
    het een en van is dat op te voor zijn met niet
    og er det som på til med ikke har den av
    """.split()
)
