"""The page-level decisions after the classifier: sentence runs, the tiny-page rule, the headline."""

import dataclasses

import numpy as np
import pytest

from boilersift.decide import (
    TEXT_DECISIONS,
    DecisionConfig,
    byline_lines,
    comment_verdict,
    content_mask,
    continues,
    decide,
    headline,
    is_paragraph,
    link_shares,
    main_region,
    repeated_paragraphs,
    smooth_runs,
    text_runs,
)

ARTICLE = [
    "Kremlin says Trump criticism won't hit US-Russia prisoner swap plans",
    "AP image",
    "MOSCOW: The Kremlin said Tuesday that",
    "Donald Trump",
    "'s criticism of",
    "Vladimir Putin",
    "will not affect plans for a US-Russia prisoner exchange that the two presidents discussed.",
    "Trump called Putin crazy after Russia pummelled Ukraine, and the Kremlin downplayed the spat.",
]


@pytest.mark.parametrize("previous, line, expected", [
    ("MOSCOW: The Kremlin said Tuesday that", "Donald Trump", True),  # ends on a stop word
    ("Donald Trump", "'s criticism of", True),                       # a clitic
    ("Vladimir Putin", "will not affect plans", True),               # lower case
    ("He said so.", "and then left", False),                         # a sentence end
    ('He said "no."', "then left", False),                           # ... inside quotes
    ("Home", "News", False),                                         # a menu
    ("Read more in", "Politics", True),
    ("Explore what we can do for you:", "Features", False),          # a colon opens a list
    ("Posted in", "Travel | Food", True),
])
def test_continues(previous, line, expected):
    assert continues(previous, line) is expected


def test_text_runs_group_the_pieces_of_one_sentence():
    assert text_runs(ARTICLE).tolist() == [0, 1, 2, 2, 2, 2, 2, 3]
    assert text_runs([]).tolist() == []


def test_smoothing_raises_a_fragment_to_its_sentence_and_lowers_nothing():
    p = np.array([0.01, 0.01, 0.49, 0.23, 0.52, 0.8, 0.95, 0.2])
    smoothed = smooth_runs(ARTICLE, p)
    words = np.array([6, 2, 3, 2, 14])  # white-space separated: US-Russia is one word
    mean = (words * p[2:7]).sum() / words.sum()
    np.testing.assert_allclose(smoothed[2:7], np.maximum(p[2:7], mean))
    assert smoothed[3] > 0.5 > p[3]
    np.testing.assert_array_equal(smoothed[[0, 1, 7]], p[[0, 1, 7]])  # lines of their own: unchanged


PARAGRAPH = "In the latest swap last month, a dual citizen was released from a jail where she was serving twelve years."
LAST = ("In exchange the United States freed a dual citizen accused of breaking sanctions by trying to export "
        "electronics to Russian companies.")
SHORT = "A short sentence ends here."


# Chinese and Japanese are written without spaces: a paragraph is counted in their characters.
ZH_PARAGRAPH = ("据新华社报道，国家统计局今天发布的数据显示，今年前三个季度全国居民人均可支配收入比上年同期名义增长"
                "百分之六点三，扣除价格因素实际增长百分之五点九，增速比上半年加快零点一个百分点。")  # 84 Han characters
JA_PARAGRAPH = ("気象庁によりますと、発達した低気圧の影響で、北日本を中心に今夜から明日にかけて大雪や暴風となるおそれが"
                "あり、交通機関への影響に十分な注意が必要だということです。")  # 76 kana and Han
# Korean is written with spaces: 11 words, however many characters.
KO_SENTENCE = "서울시는 오늘 오후 시청에서 기자회견을 열고 내년부터 대중교통 요금을 인상한다고 발표했다."


@pytest.mark.parametrize("text, expected", [
    (PARAGRAPH, True), (LAST, True), (SHORT, False),
    (PARAGRAPH.rstrip("."), False),  # no sentence end: a title or a fragment
    (ZH_PARAGRAPH, True), (JA_PARAGRAPH, True),
    ("气象台发布大风预警，今天夜间到明天白天本市有六级左右偏北大风，请注意防范。", False),  # 34 characters
    (ZH_PARAGRAPH.rstrip("。"), False),
    (KO_SENTENCE, False),  # Korean is spaced: its words count, not its characters
    ("Überschrift: Straßenbahn-Verlängerung für Köln-Mülheim genehmigt, sagt die Stadtverwaltung.", False),
])
def test_is_paragraph(text, expected):
    assert is_paragraph(text) is expected


def test_paragraph_lines_is_is_paragraph_of_each_line():
    from boilersift.decide import count_words, paragraph_lines

    texts = [PARAGRAPH, SHORT, ZH_PARAGRAPH, KO_SENTENCE, JA_PARAGRAPH, PARAGRAPH.rstrip(".")]
    expected = [is_paragraph(t) for t in texts]
    assert paragraph_lines(texts, count_words(texts)).tolist() == expected == [True, False, True, False, True, False]
    # consecutive Chinese paragraphs are one passage, as English ones are
    assert text_runs(["首页", ZH_PARAGRAPH, ZH_PARAGRAPH, "评论"]).tolist() == [0, 1, 1, 2]


def test_consecutive_paragraphs_are_one_passage():
    texts = ["by Taboola", PARAGRAPH, LAST, "Comments", PARAGRAPH, SHORT, LAST]
    assert text_runs(texts).tolist() == [0, 1, 1, 2, 3, 4, 5]
    p = np.array([0.01, 0.9, 0.22, 0.01, 0.3, 0.9, 0.3])
    smoothed = smooth_runs(texts, p)
    assert smoothed[2] > 0.45 and smoothed[1] == 0.9  # the weak paragraph rises, the strong one stays
    np.testing.assert_array_equal(smoothed[[0, 3, 4, 5, 6]], p[[0, 3, 4, 5, 6]])


def test_smoothing_without_split_sentences_is_the_identity():
    p = np.array([0.3, 0.6])
    assert smooth_runs(["One sentence.", "Another one."], p) is p


@pytest.mark.parametrize("probabilities, expected", [
    ([0.1], [True]),                       # a tiny page with nothing kept is kept whole
    ([0.1, 0.2, 0.3], [True, True, True]),
    ([0.1, 0.6, 0.3], [False, True, False]),  # something reached the threshold: as usual
    ([0.1, 0.2, 0.3, 0.1], [False] * 4),     # more blocks, too few words for a main region: nothing is kept
    ([], []),
])
def test_content_mask_tiny_pages(probabilities, expected):
    texts = [f"line {i}" for i in range(len(probabilities))]
    assert content_mask(texts, np.array(probabilities), 0.5).tolist() == expected


@pytest.mark.parametrize("texts, keep, expected", [
    # two lines above the first content line, on topic: the headline
    (ARTICLE, [0, 0, 1, 1, 1, 1, 1, 1], 0),
    # right above
    (ARTICLE[:1] + ARTICLE[2:], [0, 1, 1, 1, 1, 1, 1], 0),
    # three lines above: too far
    (ARTICLE[:1] + ["AP image", "Photo: AP"] + ARTICLE[2:], [0, 0, 0, 1, 1, 1, 1, 1, 1], None),
    # three lines above, but two of them the byline and the date: they do not count
    (ARTICLE[:1] + ["By Jane Doe", "Published June 3, 2024, 14:07"] + ARTICLE[2:], [0, 0, 0, 1, 1, 1, 1, 1, 1], 0),
    # off topic: a menu item, a teaser for another story
    (["Sports and weather", *ARTICLE[2:]], [0, 1, 1, 1, 1, 1, 1], None),
    (["Elon Musk regrets some of his posts", *ARTICLE[2:]], [0, 1, 1, 1, 1, 1, 1], None),
    # a sentence, not a title
    (["Kremlin says Trump criticism won't hit US-Russia prisoner swap plans.", *ARTICLE[2:]],
     [0, 1, 1, 1, 1, 1, 1], None),
    # too short to be a title
    (["Kremlin Trump", *ARTICLE[2:]], [0, 1, 1, 1, 1, 1, 1], None),
    # the page starts with its content
    (ARTICLE, [1, 1, 1, 1, 1, 1, 1, 1], None),
])
def test_headline(texts, keep, expected):
    assert headline(texts, np.array(keep, dtype=bool)) == expected


def test_content_mask_adds_the_headline():
    keep = content_mask(ARTICLE, np.array([0.01, 0.01, 0.6, 0.6, 0.6, 0.6, 0.9, 0.9]), 0.4)
    assert keep.tolist() == [True, False, True, True, True, True, True, True]


# (decision switched off, probabilities of ARTICLE + PARAGRAPH + LAST, what must change)
SWITCHES = [
    ("sentences", DecisionConfig(sentences=False), "the sentence's fragments stay below the threshold"),
    ("passages", DecisionConfig(passages=False), "the last paragraph keeps its own low score"),
    ("headline", DecisionConfig(headline=False), "the headline is not kept"),
]
PAGE = ARTICLE + [PARAGRAPH, LAST]
RAW = np.array([0.01, 0.01, 0.49, 0.23, 0.52, 0.8, 0.95, 0.6, 0.9, 0.3])


def test_decide_is_the_smoothing_then_the_mask():
    decision = decide(PAGE, RAW, 0.5)
    np.testing.assert_array_equal(decision.probabilities, smooth_runs(PAGE, RAW))
    np.testing.assert_array_equal(decision.keep, content_mask(PAGE, decision.probabilities, 0.5))
    assert decision.keep.tolist() == [True, False] + [True] * 8


@pytest.mark.parametrize("name, config, what", SWITCHES, ids=[s[0] for s in SWITCHES])
def test_each_decision_can_be_switched_off(name, config, what):
    on, off = decide(PAGE, RAW, 0.5), decide(PAGE, RAW, 0.5, config)
    changed = {"sentences": [2, 3], "passages": [9], "headline": [0]}[name]
    assert on.keep[changed].all() and not off.keep[changed].any(), what
    others = [i for i in range(1, len(PAGE)) if i not in changed]  # the headline depends on the content kept
    assert on.keep[others].tolist() == off.keep[others].tolist()


WORDY = "a line of running text with enough words in it that three such lines hold more than fifty words."


@pytest.mark.parametrize("probabilities, expected", [
    ([0.1, 0.3, 0.35, 0.3, 0.05, 0.1], slice(1, 4)),  # the run above the page's mean
    ([0.3, 0.05, 0.05, 0.05, 0.3, 0.32], slice(4, 6)),  # the larger of two runs
    ([0.3, 0.25, 0.05, 0.32, 0.05, 0.05], slice(0, 4)),  # a dip inside a run costs less than it joins
    ([0.2] * 5, slice(0, 5)),  # all alike: no region stands out, the page is kept whole
])
def test_main_region(probabilities, expected):
    assert main_region([WORDY] * len(probabilities), np.array(probabilities)) == expected


def test_a_page_with_nothing_above_the_threshold_keeps_its_main_region_if_it_has_words():
    probabilities = np.array([0.1, 0.3, 0.35, 0.3, 0.05, 0.1])
    assert content_mask([WORDY] * 6, probabilities, 0.5).tolist() == [False, True, True, True, False, False]
    # 3 x 4 words: fewer than MAIN_REGION_WORDS, a menu more likely than an article
    assert not content_mask(["Home News Sports Weather"] * 6, probabilities, 0.5).any()
    off = DecisionConfig(main_region=False)
    assert not content_mask([WORDY] * 6, probabilities, 0.5, off).any()
    assert not content_mask([WORDY] * 6, probabilities, 1.01).any()  # a threshold no probability reaches


def test_tiny_pages_can_be_left_alone():
    assert decide(["one line"], np.array([0.1]), 0.5, DecisionConfig(tiny_page_blocks=0)).keep.tolist() == [False]


def test_a_model_takes_its_decisions_from_its_config(tiny_model):
    from boilersift import Model, segment_text

    blocks = segment_text("\n".join(PAGE))
    plain = Model(tiny_model.classifier, tiny_model.threshold, decisions=DecisionConfig(False, False, 0, False, False))
    raw = tiny_model.score_pages([blocks])[0]
    assert [r.probability for r in plain.classify_blocks(blocks)] == raw.tolist()
    assert [r.is_content for r in plain.classify_blocks(blocks)] == (raw >= tiny_model.threshold).tolist()


THREAD = ["An article paragraph that the model keeps as the content of the page.", "Reply",
          "I disagree with most of what this article says about bridges.", "Log in to comment"]


@pytest.mark.parametrize("comments, expected", [
    ("auto", [True, False, False, True]),     # too little kept outside the thread to be an article: the model's verdict
    ("exclude", [True, False, False, False]),  # nothing of the thread
    ("include", [True, False, True, True]),    # what reads as a comment joins; "Reply" does not
    ("model", [True, False, False, True]),     # the model's verdict stands
])
def test_comment_threads(comments, expected):
    keep = np.array([True, False, False, True])
    in_comments = np.array([False, True, True, True])
    assert comment_verdict(THREAD, keep, in_comments, DecisionConfig(comments=comments)).tolist() == expected


def _words(n: int) -> str:
    return " ".join(["word"] * n)


# (kept words outside the thread, kept words in it, kind of page, is the thread kept by "auto"?)
@pytest.mark.parametrize("outside, inside, kind, thread_kept", [
    (60, 20, "article", False),  # an article with comments under it
    (60, 20, None, False),       # a model that has not learned kinds: the same
    (60, 60, "article", False),  # as many words outside as inside is still an article
    (60, 20, "forum", True),     # a forum's posts are the model's to judge
    (30, 20, "article", True),   # too little outside the thread to call it an article
    (60, 80, "article", True),   # mostly thread: a forum the kind missed
], ids=["article", "unknown kind", "even", "forum", "short", "mostly thread"])
def test_auto_drops_the_thread_under_an_article(outside, inside, kind, thread_kept):
    texts = [_words(outside), _words(inside), "Reply"]
    keep, in_comments = np.array([True, True, False]), np.array([False, True, True])
    verdict = comment_verdict(texts, keep, in_comments, DecisionConfig(), kind)
    assert verdict.tolist() == [True, thread_kept, False]
    assert decide(texts, np.array([0.9, 0.9, 0.1]), 0.5, DecisionConfig(passages=False), in_comments, kind
                  ).keep.tolist() == [True, thread_kept, False]


# (kept words above the thread, kind of page, comments, the decisions: which lines are kept?)
# The lines: the article, the thread's two lines, then a teaser that the model keeps.
@pytest.mark.parametrize("above, kind, comments, expected", [
    (60, "article", "auto", [True, False, False, False]),   # the article ended where its thread began
    (60, "article", "exclude", [True, False, False, False]),
    (60, "forum", "auto", [True, True, False, True]),      # a forum's thread is left to the model
    (30, "article", "exclude", [True, False, False, True]),  # too little above: a thread in a menu
    (60, "article", "model", [True, True, False, True]),
], ids=["article", "exclude", "forum", "little above", "model"])
def test_in_a_text_scrape_the_article_ends_where_its_thread_begins(above, kind, comments, expected):
    texts = [_words(above), _words(20), "Reply", "A teaser of another story that reads like prose"]
    keep, in_comments = np.array([True, True, False, True]), np.array([False, True, True, False])
    config = dataclasses.replace(TEXT_DECISIONS, comments=comments)
    assert comment_verdict(texts, keep, in_comments, config, kind).tolist() == expected
    # HTML pages keep what follows: their comment-classed blocks are not in one place
    html = comment_verdict(texts, keep, in_comments, DecisionConfig(comments=comments), kind)
    assert html[3]


def test_a_model_finds_the_comment_thread_in_the_markup(tiny_model):
    from boilersift import Model
    from boilersift.blocks.html import segment_html

    blocks = segment_html("<body><article><p>The council said the bridge reopened on Monday after repairs.</p>"
                          "</article><div id=comments><p>Great news, I drove over it this morning at last.</p>"
                          "<a href=#>Reply</a></div></body>")
    probabilities = np.array([0.9, 0.1, 0.1])
    for comments, expected in [("auto", [True, False, False]), ("include", [True, True, False]),
                               ("exclude", [True, False, False])]:
        model = Model(tiny_model.classifier, 0.5, decisions=DecisionConfig(comments=comments))
        assert model.decide(blocks, probabilities).keep.tolist() == expected, comments

    # Under an article of 50 words or more, "auto" drops the thread the model kept; on a forum it stays.
    article = " ".join(["The council said the bridge reopened on Monday after repairs."] * 6)
    blocks = segment_html(f"<body><article><p>{article}</p></article><div id=comments>"
                          "<p>Great news, I drove over it this morning at last.</p></div></body>")
    model = Model(tiny_model.classifier, 0.5)
    assert model.decide(blocks, np.array([0.9, 0.8])).keep.tolist() == [True, False]
    assert model.decide(blocks, np.array([0.9, 0.8]), kind="forum").keep.tolist() == [True, True]


def test_a_model_finds_the_comment_thread_in_the_lines_of_a_text_scrape(tiny_model):
    from boilersift import Model
    from boilersift.blocks.text import segment_lines

    article = ["The council said the old river bridge reopened on Monday after two years of repairs."] * 9
    thread = ["3 Comments"] + ["Great news, I drove over it this morning at last.", "Reply"] * 3
    blocks = segment_lines(article + thread)
    probabilities = np.array([0.9] * 9 + [0.1] + [0.8, 0.1] * 3)
    kept = {comments: Model(tiny_model.classifier, 0.5, decisions=DecisionConfig(comments=comments))
            .decide(blocks, probabilities).keep.tolist()[9:] for comments in ("auto", "include", "model")}
    assert kept == {"auto": [False] * 7, "include": [False] + [True, False] * 3, "model": [False] + [True, False] * 3}

def test_code_comments_are_no_thread(tiny_model):
    from boilersift.blocks.html import SIGNALS, segment_html
    from boilersift.pipeline import comment_threads

    blocks = segment_html("<body><article><p>Add one to the counter like this.</p><pre><code>"
                          "<span class='token comment'>// add one</span>\nx += 1</code></pre></article>"
                          "<ol class=comment-list><li>Thanks, that helped.</li></ol></body>")
    assert [b.text for b in blocks][-1] == "Thanks, that helped."
    comment = 1 << SIGNALS.index("cls_comment")
    assert [b.dom.signals & comment > 0 for b in blocks] == [False, True, True]  # the code says "comment" too
    assert comment_threads(blocks).tolist() == [False, False, True]
    assert comment_threads([]) is None


@pytest.mark.parametrize("kind, margin, kept", [
    (None, 0.1, False),        # kind unknown: the threshold as it is
    ("article", 0.1, False),   # an article: the threshold as it is
    ("listing", 0.1, True),    # another kind: 0.1 lower, so 0.45 is content at 0.5
    ("product", 0.0, False),   # no margin (a text model's decisions)
    ("forum", 0.04, False),    # 0.46 still above 0.45
], ids=["no kind", "article", "listing", "no margin", "small margin"])
def test_pages_that_are_no_article_are_cut_lower(kind, margin, kept):
    texts = ["A block of a page scored just under the threshold, at 0.45 here."]
    config = DecisionConfig(sentences=False, passages=False, tiny_page_blocks=0, headline=False, main_region=False,
                            kind_margin=margin)
    assert decide(texts, np.array([0.45]), 0.5, config, kind=kind).keep.tolist() == [kept]


def test_html_models_cut_lower_by_kind_and_text_models_paragraphs(tiny_model):
    from boilersift import Model
    from boilersift.decide import DEFAULT_DECISIONS, KIND_MARGIN, PARAGRAPH_MARGIN, TEXT_DECISIONS

    assert tiny_model.decisions == TEXT_DECISIONS and TEXT_DECISIONS.kind_margin == 0.0
    assert Model.load(input_format="html").decisions == DEFAULT_DECISIONS
    assert DEFAULT_DECISIONS.kind_margin == KIND_MARGIN
    assert TEXT_DECISIONS.paragraph_margin == PARAGRAPH_MARGIN and DEFAULT_DECISIONS.paragraph_margin == 0.0
    assert TEXT_DECISIONS.repeats and not DEFAULT_DECISIONS.repeats


BODY = ("The harbour bridge reopened on Monday after six months of repairs to its deck and railings, "
        "the city council said in a statement.")


@pytest.mark.parametrize("text, probability, margin, threshold, kept", [
    (BODY, 0.35, 0.2, 0.5, True),                 # a paragraph of running prose: content from 0.3
    (BODY, 0.25, 0.2, 0.5, False),                # under that
    (BODY, 0.35, 0.0, 0.5, False),                # no margin
    ("A short line, scored 0.35 at 0.5.", 0.35, 0.2, 0.5, False),  # too few words for a paragraph
    (BODY.rstrip("."), 0.35, 0.2, 0.5, False),    # no sentence end
    (BODY, 0.95, 0.2, 1.01, False),               # a threshold above 1 asks for nothing
    (ZH_PARAGRAPH, 0.35, 0.2, 0.5, True),         # a paragraph in Chinese
], ids=["paragraph", "under the margin", "no margin", "short line", "no sentence end", "nothing asked", "Chinese"])
def test_paragraphs_are_cut_lower(text, probability, margin, threshold, kept):
    config = DecisionConfig(sentences=False, passages=False, tiny_page_blocks=0, headline=False, main_region=False,
                            paragraph_margin=margin)
    assert decide([text], np.array([probability]), threshold, config).keep.tolist() == [kept]


NOTICE = "Comments are moderated and may take a day to appear; please keep to the topic and be civil to others."


@pytest.mark.parametrize("texts, probabilities, kept", [
    ([BODY, "Share", BODY], [0.9, 0.1, 0.9], [True, False, False]),        # the article's print copy
    ([NOTICE, "Reply", NOTICE, "Reply", NOTICE], [0.6, 0.1, 0.6, 0.1, 0.6], [True, False, False, False, False]),
    ([BODY, BODY], [0.9, 0.9], [True, True]),                              # within one run of kept lines
    (["Read more", BODY, "Share", "Read more"], [0.9, 0.9, 0.1, 0.9], [True, True, False, True]),  # a short line
    ([BODY.rstrip("."), "Share", BODY.rstrip(".")], [0.9, 0.1, 0.9], [True, False, True]),  # no sentence end
    ([ZH_PARAGRAPH, "分享", ZH_PARAGRAPH], [0.9, 0.1, 0.9], [True, False, False]),  # a paragraph in Chinese
], ids=["print copy", "notice under every comment", "one run", "short line", "no sentence end", "Chinese"])
def test_a_repeated_paragraph_is_content_once(texts, probabilities, kept):
    config = DecisionConfig(sentences=False, passages=False, tiny_page_blocks=0, headline=False, main_region=False,
                            repeats=True)
    probabilities = np.array(probabilities)
    assert decide(texts, probabilities, 0.5, config).keep.tolist() == kept
    off = dataclasses.replace(config, repeats=False)
    assert decide(texts, probabilities, 0.5, off).keep.tolist() == (probabilities >= 0.5).tolist()
    repeated = repeated_paragraphs(texts, probabilities >= 0.5)
    assert repeated.tolist() == [not k and p >= 0.5 for k, p in zip(kept, probabilities)]


# (the lines of a page, which the model keeps, which are byline or date lines)
@pytest.mark.parametrize("texts, kept, bylines", [
    (["Home", "Harbour bridge reopens", "By Jane Doe", "June 3, 2024 14:07", BODY], [1, 4], [2, 3]),
    (["Brücke wieder offen", "Von Eva Kirchner-Rätsch", "Do 25.04.24 | 14:07 Uhr", BODY], [0, 3], [1, 2]),
    (["Harbour bridge reopens", "Published 3 June 2024", "5 min read", BODY], [0, 3], [1, 2]),
    (["03.06.2024", "Harbour bridge reopens", BODY], [1, 2], [0]),  # a date above the headline
    (["Harbour bridge reopens", "By 2030 it will be gone.", BODY], [0, 2], []),  # a sentence, not a byline
    (["Harbour bridge reopens", "by the river", BODY], [0, 2], []),  # no name after "by"
    (["Door hinges", "Door Hinges", BODY], [0, 2], []),  # "door" is Dutch for "by", and English
    (["Harbour bridge reopens", "Best bridges of 2024", BODY], [0, 2], []),  # a year alone is no date
    (["Harbour bridge reopens", BODY, "By Jane Doe"], [0, 1], []),  # after the first paragraph
    (["By Jane Doe", "June 3, 2024"], [], []),  # nothing kept: no article to head
], ids=["english", "german", "published", "date above", "sentence", "no name", "door", "a year",
     "after the body", "nothing kept"])
def test_byline_lines(texts, kept, bylines):
    keep = np.isin(np.arange(len(texts)), kept)
    assert byline_lines(texts, keep) == bylines


@pytest.mark.parametrize("bylines, expected", [
    ("model", [False, True, False, True, True]),
    ("include", [False, True, True, True, True]),
    ("exclude", [False, True, False, False, True]),
])
def test_bylines_choice(bylines, expected):
    texts = ["Home", "Harbour bridge reopens after repairs", "By Jane Doe", "June 3, 2024 14:07", BODY]
    probabilities = np.array([0.1, 0.2, 0.3, 0.6, 0.9])  # the headline is the headline rule's
    assert decide(texts, probabilities, 0.5, DecisionConfig(bylines=bylines)).keep.tolist() == expected


@pytest.mark.parametrize("field, choices", [
    ("comments", "auto, exclude, include, model"),
    ("bylines", "model, include, exclude"),
    ("favor", "balanced, precision, recall"),
])
def test_unknown_choice(field, choices):
    with pytest.raises(ValueError, match=f"{field}=.maybe.: choose from {choices}"):
        DecisionConfig(**{field: "maybe"})


@pytest.mark.parametrize("favor, kind, kept", [
    ("balanced", None, [False, True, True]),      # the threshold as it is: 0.5
    ("precision", None, [False, False, True]),    # 0.6: 0.55 is noise
    ("recall", None, [True, True, True]),         # 0.4: 0.45 is content
    ("precision", "listing", [False, True, True]),  # 0.6, then 0.1 lower on a page that is no article
])
def test_favor_moves_the_threshold(favor, kind, kept):
    texts = ["A block at 0.45 here, under the threshold.", "A block at 0.55 here, over it.", "One at 0.65."]
    config = DecisionConfig(sentences=False, passages=False, tiny_page_blocks=0, headline=False, main_region=False,
                            favor=favor)
    assert decide(texts, np.array([0.45, 0.55, 0.65]), 0.5, config, kind=kind).keep.tolist() == kept


TEASERS = ["A paragraph of the article, at 0.9 here, with a link in it.", "Council approves the budget",
           "Mayor announces new parking fees"]
LINKS = [(("a link", "/x"),), (("Council approves the budget", "/a"),), (("Mayor announces", "/b"),)]


def test_link_shares_are_the_linked_characters_of_each_block():
    assert link_shares(TEASERS, LINKS).round(2).tolist() == [0.1, 1.0, 0.47]
    assert link_shares(["Home", "x"], [(("Home", "/"), ("Home", "/")), ()]).tolist() == [1.0, 0.0]  # at most all


@pytest.mark.parametrize("kind, links, all_links, kept", [
    ("article", True, True, [True, False, True]),   # the block all in links is noise
    ("listing", True, True, [True, True, True]),    # a listing's links are what it lists
    (None, True, True, [True, True, True]),         # kind unknown: left to the model
    ("article", False, True, [True, True, True]),   # the input does not tell (a text scrape, HTML)
    ("article", True, False, [True, True, True]),   # switched off
], ids=["article", "listing", "no kind", "no links", "off"])
def test_a_block_all_in_links_is_noise_on_an_article(kind, links, all_links, kept):
    config = DecisionConfig(sentences=False, passages=False, tiny_page_blocks=0, headline=False, main_region=False,
                            all_links=all_links)
    decision = decide(TEASERS, np.array([0.9, 0.8, 0.7]), 0.5, config, kind=kind,
                      links=link_shares(TEASERS, LINKS) if links else None)
    assert decision.keep.tolist() == kept


def test_a_page_that_keeps_only_links_keeps_them():
    """A list of chapters the page-type stage calls an article: dropping its links would leave it empty."""
    config = DecisionConfig(sentences=False, passages=False, tiny_page_blocks=0, headline=False, main_region=False)
    chapters = ["Chapters", "1. The ring", "2. The road"]
    links = link_shares(chapters, [(), (("1. The ring", "/1"),), (("2. The road", "/2"),)])
    decision = decide(chapters, np.array([0.2, 0.8, 0.7]), 0.5, config, kind="article", links=links)
    assert decision.keep.tolist() == [False, True, True]
