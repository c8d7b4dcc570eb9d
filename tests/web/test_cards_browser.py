"""Every result card as a phone shows it: drawn by the simulator's own flex renderer in headless Chromium at
390 px, one screenshot per card in test-artifacts/cards/ for people to look at, and the first bubble (and,
as LINE gives a carousel's bubbles the height of the tallest, every bubble) within one screen.

The cards are built by the engine at a pinned instant (Tuesday 24 November 2026, 21:04 in Tokyo), rendered
by bot/line/render.py into the very JSON LINE would get, and drawn by bot/web/simulator/static/flex.js: no
clock, no server, no LINE.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.engine.inputs import Incoming
from bot.engine.replies import Card
from bot.engine.session import Session
from bot.line.render import render
from bot.settings import Settings
from bot.wiring import build_engine

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "bot" / "web" / "simulator" / "static"
ARTIFACTS = ROOT / "test-artifacts" / "cards"
PHONE_WIDTH = 390
SCREEN = 640  # px of a 390 × 844 phone that LINE's chat shows between the status and title bars and the input bar
AT = datetime(2026, 11, 24, 21, 4, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()
ENGINE = build_engine(Settings())

CARDS = {  # name → (language, what the person says or taps, in order)
    "legal_aid-eligible": ("ja", ["法テラス", "はい、相手は配偶者", "1", "東京23区", "20万", "5万", "100万", "いいえ"]),
    "legal_aid-dv": ("ja", ["法テラス", "いいえ", "2", "それ以外・わからない", "50万", "0", "400万", "はい"]),
    "protection_order-full": ("ja", ["DV", "いまは大丈夫", "夫・妻", "はい、同居している", "身体への暴力",
                                     "15歳以上の子がいる", "電話だけ"]),
    "protection_order-stalker": ("ja", ["DV", "いまは大丈夫", "同居したことのない相手", "身体への暴力", "いない",
                                        "まだしていない"]),
    "protection_order-full-en": ("en", ["protection order", "Not right now", "Husband or wife", "Yes, we do",
                                        "Physical violence", "Yes, 15 or older", "Only by phone"]),
    "consolation-affair": ("ja", ["慰謝料", "浮気・不倫", "もう離婚した", "2024/1/10", "2025/1/10"]),
    "consolation-dv": ("ja", ["慰謝料", "DV・モラハラ", "もう離婚した", "2023/6/1", "わからない"]),
    "consolation-sexless": ("ja", ["慰謝料", "セックスレス", "離婚はしない"]),
    "custody-old-dv": ("ja", ["共同親権", "離婚した", "2025/3/1", "話し合い（協議離婚）", "取り決めがある", "ある"]),
    "custody-new": ("ja", ["共同親権", "まだ・これから", "話し合い（協議離婚）", "取り決めていない", "ない"]),
    "visitation-separated": ("ja", ["子どもに会えない", "別居中", "ない", "10歳くらいまで", "いいえ・わからない",
                                    "何も決まっていない"]),
    "visitation-separated-osaka": ("ja", ["大阪に住んでいます", "子どもに会えない", "別居中", "ない", "10歳くらいまで",
                                          "いいえ・わからない", "何も決まっていない"]),  # local windows first (#18)
    "visitation-divorced": ("ja", ["子どもに会えない", "離婚した後", "ある・言われている", "10歳くらいより上",
                                   "嫌がっていると言われた", "調停調書・審判がある"]),
    "affair_separation-wronged": ("ja", ["浮気", "配偶者に不倫された", "別居した後", "離婚を前提に別居", "進んでいた",
                                         "あった", "1年未満", "これから離婚する", "2024/5/1"]),
    "affair_separation-partner-en": ("en", ["affair", "I am the partner", "Before separating", "Not divorcing",
                                            "Don't know"]),
    "emergency": ("ja", ["緊急"]),
    "emergency-en": ("en", ["emergency"]),
    "protection_order-not-covered": ("ja", ["DV", "いまは大丈夫", "同居している交際相手", "はい、同居している",
                                            "それ以外（暴言など）", "いない", "電話だけ"]),
    "protection_order-former": ("ja", ["DV", "いまは大丈夫", "元の配偶者・元の同居相手", "別れた後に始まった",
                                       "命や体への脅し", "いない", "まだしていない"]),
    "consolation-incompat": ("ja", ["慰謝料", "性格の不一致だけ"]),
    "consolation-affair-en": ("en", ["consolation money", "Affair", "Going to divorce", "2025/3/1"]),
    "legal_aid-over-income": ("ja", ["法テラス", "配偶者はいない", "4", "東京23区", "45万", "9万", "100万", "いいえ"]),
    "custody-old": ("ja", ["共同親権", "離婚した", "2020/1/1", "調停・審判・裁判", "取り決めていない", "ない"]),
}


def card_messages(lang: str, said: list[str]) -> list[dict[str, Any]]:
    s = Session(fresh=False, lang=lang)
    reply = None
    for text in said:
        reply = ENGINE.step(s, Incoming("text", text, at=AT))
    assert reply is not None and isinstance(reply.messages[-1], Card), (said, reply)
    return [m for m in render(reply) if m["type"] == "flex"]


def page_html(messages: list[dict[str, Any]]) -> str:
    """A LINE-like chat column at phone width with the bot's avatar, each flex message drawn by flex.js."""
    css = (STATIC / "simulator.css").read_text(encoding="utf-8")
    flex = (STATIC / "flex.js").read_text(encoding="utf-8").replace("export function", "function")
    data = json.dumps([m["contents"] for m in messages], ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{css}
body {{ display: block; background: #8cabd9; }}
.flex-carousel {{ align-items: flex-start; }} /* each bubble at its own height, to measure it */</style></head>
<body><div class="chat" id="chat"></div><script type="module">{flex}
const chat = document.getElementById("chat");
for (const contents of {data}) {{
  const row = el("div", "row bot");
  row.append(el("span", "avatar", "か"));
  const card = el("div", "card");
  card.append(flexContents(contents, () => {{}}));
  row.append(card);
  chat.append(row);
}}
document.body.dataset.ready = "1";
</script></body></html>"""


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, locale="ja-JP",
                                  device_scale_factor=1)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_card_fits_a_phone_screen(phone: Any, name: str) -> None:
    lang, said = CARDS[name]
    messages = card_messages(lang, said)
    phone.set_content(page_html(messages))
    phone.wait_for_selector("body[data-ready='1']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    for i, bubble in enumerate(phone.locator(".flex-bubble").all()[1:], start=2):  # one swipe away each
        bubble.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"))
    first = phone.locator(".flex-bubble").first.bounding_box()
    heights = [round(b.bounding_box()["height"]) for b in phone.locator(".flex-bubble").all()]
    tallest = max(heights)
    assert first["width"] <= PHONE_WIDTH - 46  # beside the avatar, inside the screen
    assert first["height"] <= SCREEN, f"{name}: the first bubble is {first['height']:.0f} px tall"
    assert tallest <= SCREEN, f"{name}: a bubble is {tallest:.0f} px tall (a carousel takes the tallest's height)"
    # the first bubble shows the answer and a way to act: call buttons or the swipe hint
    first_text = phone.locator(".flex-bubble").first.inner_text()
    assert "一般的な情報" in first_text or "general information" in first_text or name == "emergency"
    scroll = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll <= PHONE_WIDTH or phone.locator(".flex-carousel").count()  # only a carousel scrolls sideways


@pytest.mark.parametrize("name", ["protection_order-full", "custody-old-dv", "legal_aid-dv"])
def test_phone_numbers_stay_on_one_line(phone: Any, name: str) -> None:
    messages = card_messages(*CARDS[name])
    phone.set_content(page_html(messages))
    phone.wait_for_selector("body[data-ready='1']")
    broken = phone.evaluate("""() => {
      const found = [];
      for (const p of document.querySelectorAll('.flex-text')) {
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const m of node.data.matchAll(/0\\d{1,4}\\u2060?-\\u2060?\\d{2,6}(\\u2060?-\\u2060?\\d{3,4})?/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            found.push([m[0], tops.size]);
          }
        }
      }
      return found;
    }""")
    assert len(broken) >= 2, "no phone numbers found to check"
    assert [number for number, lines in broken if lines > 1] == []
