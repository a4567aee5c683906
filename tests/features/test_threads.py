"""Comment threads of text scrapes: hand-written pages, with the lines a thread must cover."""

import pytest

from boilersift.features.threads import text_threads

ARTICLE = [
    "Bridge reopens after two years of repairs",
    "The old river bridge opened to traffic again on Monday after two years of repairs and delays.",
    "Engineers replaced the deck, strengthened the piers and repainted the whole steel frame in grey.",
    "The council said the work cost twelve million pounds, three million more than it had planned at first.",
    "Drivers who had taken a twenty-minute detour through the town centre welcomed the news at once.",
    "A cycle lane on the eastern side will open next month, once its railings have been fitted.",
    "Buses return to their old routes over the bridge from Saturday, the operator said on Monday.",
    "The next repairs, to the rail bridge upstream, are due to start in the spring of next year.",
]
COMMENTS = [
    "Comments (3)",
    "Great news, I drove over it this morning and it was smooth as anything.",
    "- Jo, Leeds, 12/1/2012 10:02",
    "Click to rate",
    "Report abuse",
    "Twelve million for a coat of paint and some railings seems a lot of money to me.",
    "- Sam, York, 12/1/2012 09:40",
    "Click to rate",
    "Report abuse",
    "About time too, the detour through the town centre added half an hour each way.",
    "- Ann, Hull, 12/1/2012 09:12",
    "Click to rate",
    "Report abuse",
]
FOOTER = ["Terms of use", "Privacy policy"]


def thread(lines: list[str]) -> list[int]:
    """The indices of the lines found in a thread."""
    return [i for i, inside in enumerate(text_threads(lines)) if inside]


def test_a_thread_under_an_article_runs_from_its_header_to_its_last_mark():
    lines = ARTICLE + COMMENTS + FOOTER
    assert thread(lines) == list(range(len(ARTICLE), len(ARTICLE) + len(COMMENTS)))


@pytest.mark.parametrize("header", ["17 комментариев", "Wasze komentarze (3)", "Σχόλια (2)", "Komentáře",
                                    "Reacties", "Yorumlar", "Kommentare", "Commentaires", "评论"])
def test_a_header_in_another_language_names_a_thread(header):
    lines = ARTICLE + [header] + COMMENTS[1:] + FOOTER
    assert thread(lines) == list(range(len(ARTICLE), len(ARTICLE) + len(COMMENTS)))


def test_the_date_of_each_comment_marks_a_thread():
    dated = ["Komentarze (3)"] + [line for i, (name, text) in enumerate(zip(("Anna", "Jo", "Sam"), COMMENTS[1::4]))
                                  for line in (f"0{i + 5}.01.2012, 2{i}:14", name, text)]
    assert thread(ARTICLE + dated + FOOTER) == list(range(len(ARTICLE), len(ARTICLE) + len(dated) - 2))


@pytest.mark.parametrize("lines", [
    pytest.param(ARTICLE + FOOTER, id="no thread"),
    pytest.param(ARTICLE + ["Comments"] + [line for text in COMMENTS[1::4] for line in (".", text)],
                 id="marks of punctuation only"),
    pytest.param(ARTICLE + ["Reactions"] + COMMENTS[1:], id="a header that names no comments"),
    pytest.param(COMMENTS + ARTICLE, id="comments before any prose"),
    pytest.param(ARTICLE + ["0 Comments"] + COMMENTS[1:], id="a header that says there are none"),
    pytest.param(ARTICLE + ["Comments", "No comments yet..."] + COMMENTS[1:], id="a thread said to be empty"),
    pytest.param(ARTICLE + COMMENTS[:5], id="marks that come back only once"),
    pytest.param(ARTICLE + [line for title in ARTICLE[1:4] for line in ("Comments: 12", title, "Read more")],
                 id="teaser cards that count their comments"),
    pytest.param(ARTICLE + ["Comments"] + [line for line in COMMENTS[1:] if len(line.split()) < 6],
                 id="marks with no comment between them (a menu)"),
    pytest.param(ARTICLE + ["Comments", "Pick a", "vase", "that recedes, and a", "vase", "that glows, and a",
                            "vase", "of any colour at all for the flowers."], id="words of sentences split at links"),
])
def test_no_thread(lines):
    assert thread(lines) == []


def test_marks_too_far_apart_make_no_thread():
    spaced = [*COMMENTS[:5], *ARTICLE[1:] * 5, *COMMENTS[5:]]
    assert thread(ARTICLE + spaced) == []


def test_an_empty_page():
    assert thread([]) == []
