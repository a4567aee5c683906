"""Line labels from gold text by order-preserving token alignment (boilersift.labelled.labels)."""

import pytest

from boilersift.labelled.labels import align_labels, tokens

ARTICLE = ("The Kremlin said Tuesday that Donald Trump's criticism of Vladimir Putin will not "
           "affect plans for a US-Russia prisoner exchange.")

# (case id, page lines, gold text, expected labels)
ALIGN_CASES = [
    (
        "headline repeated in navigation",
        ["Home", "World", "Kremlin says Trump criticism won't hit swap plans", "Sport",
         "Kremlin says Trump criticism won't hit swap plans", ARTICLE, "Share this"],
        "Kremlin says Trump criticism won't hit swap plans\n" + ARTICLE,
        [0, 0, 0, 0, 1, 1, 0],
    ),
    (
        "inline-link fragments inside a gold sentence",
        ["MOSCOW: The Kremlin said Tuesday that", "Donald Trump", "'s criticism of", "Vladimir Putin",
         "will not affect plans for a US-Russia prisoner exchange.", "by Taboola"],
        "MOSCOW: " + ARTICLE,
        [1, 1, 1, 1, 1, 0],
    ),
    (
        "lines without word tokens are noise",
        ["|", "An article sentence that is in the gold text.", "...", "—", "* * *", "Another gold sentence here."],
        "An article sentence that is in the gold text. * * * Another gold sentence here.",
        [0, 1, 0, 0, 0, 1],
    ),
    (
        "CJK gold with hard wraps",
        ["首页", "城市公园今日重新开放",
         "经过半年的改造，城市公园今天上午重新向市民开放，新增了儿童游乐区和自行车道。", "相关新闻"],
        "城市公园今日重新开放\n经过半年的改造，城市公园今天上午\n重新向市民开放，新增了儿童游乐区\n和自行车道。",
        [0, 1, 1, 0],
    ),
    (
        "empty gold",
        ["Home", ARTICLE, "Footer"],
        "",
        [0, 0, 0],
    ),
    (
        "whitespace-only gold",
        ["Home", ARTICLE],
        " \n\t\n",
        [0, 0],
    ),
    (
        "single matching tokens are not a run",
        ["Trump", "Putin", "said", ARTICLE],
        ARTICLE,
        [0, 0, 0, 1],
    ),
    (
        "half of a line's tokens matched is enough",
        ["Read more: the prisoner exchange", "Read more about the weather forecast today"],
        "Officials discussed the prisoner exchange.",
        [1, 0],
    ),
    (
        "case and punctuation do not matter",
        ["THE KREMLIN SAID TUESDAY", "that donald trump's criticism..."],
        "The Kremlin said, on Tuesday, that Donald Trump's criticism",
        [1, 1],
    ),
    (
        "order matters: the gold's last sentence is not matched before its first",
        ["Second sentence of the story follows.", "First sentence of the story.",
         "Second sentence of the story follows."],
        "First sentence of the story. Second sentence of the story follows.",
        [0, 1, 1],
    ),
    (
        "no lines",
        [],
        ARTICLE,
        [],
    ),
]


@pytest.mark.parametrize("lines, gold, expected", [c[1:] for c in ALIGN_CASES], ids=[c[0] for c in ALIGN_CASES])
def test_align_labels(lines, gold, expected):
    assert align_labels(lines, gold) == expected


@pytest.mark.parametrize("text, expected", [
    ("Hello, World!", ["hello", "world"]),
    ("Donald Trump's", ["donald", "trump", "s"]),
    ("中文测试", ["中", "文", "测", "试"]),
    ("ニュース速報", ["ニ", "ュ", "ー", "ス", "速", "報"]),
    ("한국어", ["한", "국", "어"]),
    ("Präsident Müller", ["präsident", "müller"]),
    ("covid-19 2024", ["covid", "19", "2024"]),
    ("|  —  ...", []),
    ("", []),
])
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_labels_are_one_per_line_and_binary():
    lines = ["a b", "", "c d e", "   ", "f"]
    labels = align_labels(lines, "a b c d e f")
    assert len(labels) == len(lines)
    assert set(labels) <= {0, 1}
    assert labels[1] == 0 and labels[3] == 0
