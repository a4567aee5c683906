"""Encoding detection: a scrape that is not UTF-8 (and has no byte-order mark, declared
charset or --encoding) is read in the encoding detected, which the JSON Lines output and
--debug name; UTF-8 input is read, and written, exactly as before."""

from __future__ import annotations

import io
import json
from typing import NamedTuple

import pytest
from conftest import run

from boilersift import BoilersiftError
from boilersift.blocks.decode import Decoded, decode_html_page, decode_page, repair_mojibake
from boilersift.blocks.page import page_blocks
from boilersift.blocks.text import segment_text


class Scrape(NamedTuple):
    id: str
    encoding: str  # what the scrape is saved in
    detected: str  # the codec it is read with: the same text (cp932 is Windows' Shift-JIS, ...)
    text: str


# A few lines of prose with the menus, dates and share buttons around it, as scraped.
SCRAPES = [
    Scrape("english-cp1252", "cp1252", "cp1252", """\
Home | News | Business | Sport | Contact us
Bridge reopens after six months of repairs
Published 12 March 2024 – updated 19:05
Residents had waited for this day since the autumn: since Monday morning, cars have been crossing the bridge again.
The mayor cut the ribbon at the opening and said it was “a huge relief” for everyone who commutes across the river.
The work cost about £4 million; besides the new deck, the council’s engineers built a protected cycle lane.
Share this article · Facebook · Twitter · Email
"""),
    Scrape("french-cp1252", "cp1252", "cp1252", """\
Accueil | Actualités | Société | Économie
Le pont Saint-Michel rouvre après six mois de travaux
Publié le 12 mars 2024 à 18h30 — mis à jour à 19h05
Les riverains l’attendaient depuis l’automne : la circulation a repris lundi matin sur le pont, qui relie les deux rives du quartier.
« C’est un soulagement pour tout le monde », a déclaré la maire, Hélène Garçon, en coupant le ruban devant une foule nombreuse.
Les travaux, d’un coût de 4,2 millions d’euros, ont permis de remplacer le tablier et de créer une piste cyclable protégée.
Partager sur Facebook · Twitter · Courriel
© 2024 Le Courrier du Quartier – Tous droits réservés
"""),
    # latin-1 text holds no bytes 0x80-0x9F, where the two differ: cp1252 reads it the same
    Scrape("german-latin-1", "latin-1", "cp1252", """\
Startseite | Nachrichten | Wetter | Über uns
Die Brücke über den Mühlbach ist nach sechs Monaten Bauzeit wieder geöffnet
Veröffentlicht am 12. März 2024
Die Anwohner hatten seit dem Herbst auf diesen Tag gewartet: Seit Montagmorgen rollt der Verkehr wieder über die Brücke.
Die Bürgermeisterin sprach bei der Eröffnung von einer großen Erleichterung für das ganze Viertel.
Die Arbeiten kosteten 4,2 Millionen Euro; neben der Fahrbahn wurde auch ein geschützter Radweg gebaut.
Teilen: Facebook · Twitter · E-Mail
© 2024 Stadtanzeiger - Alle Rechte vorbehalten
"""),
    Scrape("japanese-shift-jis", "shift_jis", "cp932", """\
ホーム | ニュース | 経済 | スポーツ | お問い合わせ
改修工事を終えた橋、半年ぶりに通行再開
2024年3月12日 18時30分
市中心部と川向こうの住宅地を結ぶ橋が、約半年に及ぶ改修工事を終え、月曜日の朝から再び通行できるようになった。
開通式では市長がテープカットを行い、「地域の皆さんにとって大きな安心です」と語った。
工事費は約6億円で、床版の交換に加えて、自転車専用の通行帯も新たに整備された。
この記事をシェアする　ツイート　ブックマーク
Copyright (C) 2024 地域新聞社 All Rights Reserved.
"""),
    Scrape("chinese-gbk", "gbk", "gb18030", """\
首页 | 新闻 | 财经 | 体育 | 联系我们
大桥维修完毕，时隔半年重新通车
发布时间：2024年3月12日 18:30
连接市中心与河对岸住宅区的大桥经过约半年的维修，于周一早上重新开放通行。
市长在通车仪式上为大桥剪彩，并表示：“这对整个社区来说都是一个好消息。”
此次工程总投资约三千万元，除了更换桥面之外，还新建了一条受保护的自行车道。
分享到：微信 微博 QQ空间
版权所有 2024 城市日报社
"""),
    Scrape("korean-euc-kr", "euc_kr", "cp949", """\
홈 | 뉴스 | 경제 | 스포츠 | 고객센터
보수 공사를 마친 다리, 반년 만에 통행 재개
입력 2024년 3월 12일 오후 6시 30분
도심과 강 건너 주택가를 잇는 다리가 약 반년에 걸친 보수 공사를 마치고 월요일 아침부터 다시 통행이 가능해졌다.
시장은 개통식에서 테이프를 자르며 “지역 주민 모두에게 반가운 소식”이라고 말했다.
공사비는 약 50억 원이 들었으며, 상판 교체와 함께 자전거 전용 도로도 새로 만들어졌다.
공유하기 페이스북 트위터 카카오톡
저작권자 (C) 2024 지역신문 무단전재 및 재배포 금지
"""),
    Scrape("russian-koi8-r", "koi8_r", "koi8_r", """\
Главная | Новости | Экономика | Спорт | Контакты
Мост через реку снова открыт после полугодового ремонта
Опубликовано 12 марта 2024 года в 18:30
Мост, соединяющий центр города с жилыми кварталами на другом берегу, в понедельник утром вновь открылся для движения.
На церемонии открытия мэр перерезал ленточку и сказал, что это большое облегчение для всех жителей района.
Работы обошлись примерно в двести миллионов рублей; помимо замены настила, на мосту появилась защищённая велодорожка.
Поделиться: ВКонтакте Телеграм
© 2024 Городская газета. Все права защищены.
"""),
]
BY_ID = pytest.mark.parametrize("scrape", SCRAPES, ids=[s.id for s in SCRAPES])


def html_page(text: str, head: str = "") -> str:
    """The scrape as the page it came from: the menu in <nav>, a paragraph per line."""
    menu, *lines = text.splitlines()
    return (f"<html><head>{head}<title>News</title></head><body><nav>{menu}</nav>"
            + "".join(f"<p>{line}</p>\n" for line in lines) + "</body></html>")


@BY_ID
def test_a_scrape_in_a_legacy_encoding_is_detected(scrape: Scrape) -> None:
    assert decode_page(scrape.text.encode(scrape.encoding), "x.txt") == Decoded(scrape.text, scrape.detected)


@BY_ID
def test_an_html_page_without_a_charset_is_detected(scrape: Scrape) -> None:
    page = html_page(scrape.text)
    assert decode_html_page(page.encode(scrape.encoding), "x.html") == Decoded(page, scrape.detected)


# The labels a page declares these encodings by (WHATWG's), where Python's names differ: browsers,
# and w3lib from 2.6, read no charset in <meta charset="latin-1"> or "euc_kr".
HTML_LABELS = {"latin-1": "iso-8859-1", "euc_kr": "euc-kr", "koi8_r": "koi8-r"}


@BY_ID
def test_a_declared_charset_decides_and_is_not_reported(scrape: Scrape) -> None:
    label = HTML_LABELS.get(scrape.encoding, scrape.encoding)
    page = html_page(scrape.text, head=f'<meta charset="{label}">')
    assert decode_html_page(page.encode(scrape.encoding), "x.html") == Decoded(page)
    page = html_page(scrape.text)
    assert decode_html_page(page.encode(scrape.encoding), "x.html", label) == Decoded(page)


@BY_ID
def test_a_charset_no_browser_reads_is_read_by_detection(scrape: Scrape) -> None:
    page = html_page(scrape.text, head='<meta charset="no-such-charset">')
    assert decode_html_page(page.encode(scrape.encoding), "x.html").text == page


@BY_ID
@pytest.mark.parametrize("label", ["ebcdic-cp-us", "utf-7", "hz-gb-2312", "iso-2022-kr"])
def test_a_declared_charset_that_reads_ascii_otherwise_is_read_by_detection(scrape: Scrape, label: str) -> None:
    page = html_page(scrape.text, head=f'<meta charset="{label}">')  # the bytes that say so are ASCII
    assert decode_html_page(page.encode(scrape.encoding), "x.html").text == page


@BY_ID
def test_a_served_charset_that_would_replace_the_page_is_read_by_detection(scrape: Scrape) -> None:
    page = html_page(scrape.text)  # WHATWG's label of its "replacement" encoding: the page as one U+FFFD
    assert decode_html_page(page.encode(scrape.encoding), "x.html", "hz-gb-2312").text == page


@BY_ID
def test_a_declared_utf16_is_utf8_as_browsers_read_it(scrape: Scrape) -> None:
    page = html_page(scrape.text, head='<meta charset="utf-16">')
    assert decode_html_page(page.encode("utf-8"), "x.html") == Decoded(page)


@BY_ID
def test_utf8_is_read_as_before_and_not_reported(scrape: Scrape) -> None:
    assert decode_page(scrape.text.encode("utf-8"), "x.txt") == Decoded(scrape.text)
    assert decode_html_page(html_page(scrape.text).encode("utf-8"), "x.html") == Decoded(html_page(scrape.text))


@pytest.mark.parametrize(("scrape", "flag"), [(SCRAPES[-1], "cp1251"), (SCRAPES[1], "latin-1")],
                         ids=["koi8-r read as cp1251", "cp1252 read as latin-1"])
def test_the_encoding_flag_overrides_detection(scrape: Scrape, flag: str) -> None:
    data = scrape.text.encode(scrape.encoding)
    assert decode_page(data, "x.txt", flag) == Decoded(data.decode(flag))


def test_the_first_non_utf8_byte_far_into_the_file() -> None:
    """Detection reads a sample from the line where UTF-8 fails, not the ASCII before it."""
    scrape = SCRAPES[3]
    ascii_part = "The bridge reopened on Monday after six months of repairs, the council said.\n" * 3000
    data = ascii_part.encode() + scrape.text.encode(scrape.encoding)
    assert decode_page(data, "x.txt") == Decoded(ascii_part + scrape.text, "cp932")


def test_a_truncated_scrape_drops_its_cut_character() -> None:
    scrape = SCRAPES[3]
    data = scrape.text.encode(scrape.encoding)
    cut = data[:data.index("工事費".encode(scrape.encoding)) + 1]  # half of a two-byte character
    text, detected = decode_page(cut, "x.txt", partial=True)
    assert detected == "cp932" and scrape.text.startswith(text) and text.endswith("と語った。\n")


# (case id, bytes, exact message)
UNDETECTABLE = [
    ("binary data is refused before any detection", "Café\n".encode("cp1252") + b"\x00\x01\x02\xff",
     "x.txt: binary data (NUL bytes), not a text scrape"),
    ("no encoding fits", bytes(range(0x80, 0x100)) * 8,
     "x.txt: not valid utf-8 at byte 0, nor in any encoding detected; pass --encoding (e.g. cp1252)"),
    ("a byte the detected encoding lacks, past the sample (mixed encodings)",
     ("Café au lait, crème brûlée — the “menu” of the day.\n" * 2000).encode("cp1252") + b"\x81\n",
     "x.txt: not valid utf-8 at byte 3, nor cp1252 (detected) at byte 104000; pass --encoding (e.g. cp1252)"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in UNDETECTABLE], ids=[c[0] for c in UNDETECTABLE])
def test_what_detection_does_not_read(data: bytes, message: str) -> None:
    with pytest.raises(BoilersiftError) as info:
        decode_page(data, "x.txt")
    assert str(info.value) == message


def test_a_byte_order_mark_decides() -> None:
    with pytest.raises(BoilersiftError, match=r"^x.txt: not valid utf-8 at byte \d+; pass --encoding"):
        decode_page(b"\xef\xbb\xbf" + "Café\n".encode("cp1252"), "x.txt")


def warc_without_charset(pages: list[bytes]) -> bytes:
    """A WARC of HTML responses whose Content-Type declares no charset."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for i, body in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


def test_a_batch_of_legacy_scrapes_needs_no_flag(tmp_path) -> None:
    """One `predict` over a directory: every scrape is read, the JSON Lines output names
    each detected encoding (and nothing for UTF-8), and --debug says it on stderr."""
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for scrape in SCRAPES:
        (in_dir / f"{scrape.id}.txt").write_bytes(scrape.text.encode(scrape.encoding))
    (in_dir / "english-utf-8.txt").write_text(SCRAPES[0].text, encoding="utf-8")
    (in_dir / "crawl.warc").write_bytes(warc_without_charset([html_page(s.text).encode(s.encoding) for s in SCRAPES]))
    proc = run("--debug", "predict", in_dir, "--output-format", "jsonl", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]

    for scrape in SCRAPES:
        path = str(in_dir / f"{scrape.id}.txt")
        lines = [row for row in rows if row.get("source") == path]
        assert [row["text"] for row in lines] == [block.text for block in segment_text(scrape.text)]
        assert {row["encoding"] for row in lines} == {scrape.detected}
        assert f"boilersift: debug: {path}: not UTF-8; read as {scrape.detected} (detected)" in proc.stderr
    utf8 = [row for row in rows if row.get("source") == str(in_dir / "english-utf-8.txt")]
    assert utf8 and all("encoding" not in row for row in utf8)

    pages = [row for row in rows if "warc_record_id" in row]
    assert [page["encoding"] for page in pages] == [scrape.detected for scrape in SCRAPES]
    for page, scrape in zip(pages, SCRAPES):  # blocks have their white space collapsed
        assert {" ".join(line.split()) for line in scrape.text.splitlines()} <= set(page["lines"])


# Mojibake: a page an earlier step decoded with the wrong codec, handed over as text.
LEGACY = [s for s in SCRAPES if s.encoding not in ("cp1252", "latin-1")]


@BY_ID
def test_utf8_read_as_latin1_is_repaired(scrape: Scrape) -> None:
    """What a client makes of a UTF-8 page whose HTTP header names no charset (requests' ``.text``)."""
    page = html_page(scrape.text, head='<meta charset="utf-8">')
    assert repair_mojibake(page.encode("utf-8").decode("latin-1")) == page


def as_windows_1252(data: bytes) -> str:
    """`data` read as a browser reads windows-1252: its five undefined bytes are C1 controls."""
    return "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in data)


@pytest.mark.parametrize("scrape", SCRAPES[:3], ids=[s.id for s in SCRAPES[:3]])
def test_utf8_read_as_windows_1252_is_repaired(scrape: Scrape) -> None:
    """“ ” ’ – € read as windows-1252 become â€œ â€\x9d â€™ â€“ â‚¬: not Latin-1, repaired all the same."""
    page = html_page(scrape.text + "Preis: 12 €\n")
    assert repair_mojibake(as_windows_1252(page.encode("utf-8"))) == page


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "detected"])
@pytest.mark.parametrize("scrape", LEGACY, ids=[s.id for s in LEGACY])
def test_a_legacy_encoding_read_as_latin1_is_repaired(scrape: Scrape, declared: bool) -> None:
    """GBK, Shift-JIS, EUC-KR or KOI8-R bytes read one character per byte: read again in the
    encoding the page declares, else in the one detected."""
    page = html_page(scrape.text, head=f'<meta charset="{scrape.encoding}">' if declared else "")
    assert repair_mojibake(page.encode(scrape.encoding).decode("latin-1")) == page


@BY_ID
def test_text_that_was_read_right_is_left_alone(scrape: Scrape) -> None:
    page = html_page(scrape.text)
    assert repair_mojibake(page) is page
    latin = page.encode(scrape.encoding).decode("latin-1")  # right if the page was Latin-1 text
    if scrape.encoding in ("cp1252", "latin-1"):
        assert repair_mojibake(latin) is latin


@pytest.mark.parametrize("text", ["Prix : 12 € à Genève, « déjà » vu", "SÃO PAULO – Ã©", "Straße © 2024 " * 3],
                         ids=["euro-and-accents", "capital-a-tilde", "latin-1-only"])
def test_latin_text_with_the_marks_of_mojibake_is_left_alone(text: str) -> None:
    page = html_page(text + "\nMore text.")
    assert repair_mojibake(page) is page


@pytest.mark.parametrize("text", ["%\x80", "\x80\x81%"])
def test_no_encoding_that_reads_ascii_otherwise_is_detected(text: str) -> None:
    """A scrape's ASCII is ASCII: a short odd line is never read as EBCDIC, where "%\x80" is a line
    break and "Ø" (found by test_segment_any_text)."""
    assert repair_mojibake(text, lines=True) == text


def test_the_lines_of_mojibake_beside_true_latin_1_are_repaired_in_a_scrape() -> None:
    """A scrape of a UTF-8 page read as Latin-1 whose entities gave true characters ("&deg;" is "°",
    no UTF-8 by itself): the whole does not read back as UTF-8, each line of mojibake does. In an
    HTML page the entities are still entities, and a page that does not read back whole stays."""
    scrape = "Weather\n-30°C today\n" + as_windows_1252("It can’t stop – “snow” © 2012\n".encode("utf-8")) + "End."
    assert repair_mojibake(scrape, lines=True) == "Weather\n-30°C today\nIt can’t stop – “snow” © 2012\nEnd."
    assert repair_mojibake(scrape) is scrape
    assert [b.text for b in segment_text(scrape)][2] == "It can’t stop – “snow” © 2012"


def test_a_model_reads_a_repaired_page(default_html_model) -> None:
    page = html_page(SCRAPES[4].text, head='<meta charset="gbk">')
    mojibake = page.encode("gbk").decode("latin-1")
    blocks = default_html_model.html_blocks(page)
    assert [b.text for b in default_html_model.html_blocks(mojibake)] == [b.text for b in blocks]
    assert [b.text for b in default_html_model.html_blocks(mojibake.encode("latin-1"))] == [b.text for b in blocks]


def test_a_stray_bad_byte_in_the_declared_encoding_is_read_as_a_browser_reads_it() -> None:
    """One byte that is no GBK (a page cut and pasted together) becomes U+FFFD; the rest is read."""
    page = html_page(SCRAPES[4].text * 20, head='<meta charset="gb18030">')
    data = page.encode("gb18030")
    cut = data.index("分享".encode("gb18030"))
    broken = data[:cut] + b"\xb0" + data[cut:]
    assert repair_mojibake(broken.decode("latin-1")) == broken.decode("gb18030", errors="replace")


@pytest.mark.parametrize("scrape", [SCRAPES[1], SCRAPES[4]], ids=[SCRAPES[1].id, SCRAPES[4].id])
def test_a_text_scrape_is_repaired_before_it_is_split(scrape: Scrape) -> None:
    mojibake = scrape.text.encode("utf-8").decode("latin-1")
    assert segment_text(mojibake) == segment_text(scrape.text)


@pytest.mark.parametrize("style", ["dom", "nodes", "blocks"])
def test_training_pages_are_repaired_as_predicted_pages_are(style: str) -> None:
    """`label` and `train` segment an (HTML, gold) page as `predict` does: its gold then aligns."""
    page = html_page(SCRAPES[4].text, head='<meta charset="gbk">')
    mojibake = page.encode("gbk").decode("latin-1")
    assert [b.text for b in page_blocks(mojibake, style)] == [b.text for b in page_blocks(page, style)]


@pytest.mark.parametrize("style", ["dom", "nodes", "blocks"])
def test_a_page_in_bytes_is_read_in_its_declared_encoding(style: str) -> None:
    page = html_page(SCRAPES[4].text, head='<meta charset="gbk">')
    assert [b.text for b in page_blocks(page.encode("gbk"), style)] == [b.text for b in page_blocks(page, style)]


def test_an_unknown_segmentation_is_refused() -> None:
    with pytest.raises(ValueError, match="choose from nodes, blocks, dom"):
        page_blocks("<p>text</p>", "paragraphs")
