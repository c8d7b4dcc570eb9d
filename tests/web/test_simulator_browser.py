"""The simulator in a real browser (headless Chromium): a newcomer is greeted, taps chips to a result card,
picks a date, types (not while an IME composes), sends a sticker, switches to English, starts over, taps the
rich menu, and sees LINE's loading dots — every event through the same stream, worker and engine as LINE's."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.engine.replies import Reply, Text
from bot.local_chat import LocalTransport
from bot.store.connection import open_redis
from bot.store.keyring import resolve_keyring
from bot.stream.envelope import Envelope
from bot.web.app import create_app
from bot.web.simulator.views import COOKIE
from tests.browser import screenshot
from tests.instants import JST, SATURDAY_NIGHT

GREETING = "友だち追加ありがとうございます"


@pytest.fixture
def app(settings, r, clock):  # noqa: ANN001, ANN201
    """This module's app has the simulator on (the suite's has LINE credentials, which turn it off).

    It has a Redis client of its own: the browser's last long poll may still be waiting in a server thread when
    the test ends, and it must end by itself, not read from the test's client after that is closed."""
    return create_app(settings.with_(simulator=True), open_redis(settings.redis_url), clock)


def bot_said(page: Any, text: str) -> None:
    page.wait_for_selector(f"#sim-messages .bubble.bot >> text={text}")


def tap(page: Any, label: str) -> None:
    page.locator("#sim-quick").get_by_role("button", name=label, exact=True).click()


def chips(page: Any) -> list[str]:
    return [c.strip() for c in page.locator("#sim-quick .chip").all_inner_texts()]


def mine(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#sim-messages .bubble.me").all_inner_texts()]


def greeted(page: Any, base: str) -> None:
    page.goto(f"{base}/simulator/")
    bot_said(page, GREETING)  # nobody pressed anything: opening the page is adding the bot as a friend
    page.wait_for_selector("#sim-quick .chip")


def test_a_newcomer_taps_through_to_a_result_card(page, live_app, worker) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 480, "height": 900})
    greeted(page, live_app)
    assert page.locator("#sim-messages .bubble.bot").count() == 3
    assert chips(page)[:2] == ["子どもに会えない", "別居中の浮気・不倫"] and len(chips(page)) == 8
    screenshot(page, "simulator-greeting")

    taps = ["子どもに会えない", "別居中", "ない", "10歳くらいまで", "いいえ・わからない", "何も決まっていない"]
    questions = ["いまの状況", "DVや子どもへの虐待", "子どもの年齢", "会うことを嫌がって", "決まっていること"]
    for label, question in zip(taps, questions, strict=False):
        tap(page, label)
        bot_said(page, question)  # the postback reached the engine: its next question came back
    tap(page, taps[-1])
    card = page.wait_for_selector(".flex-bubble")
    assert mine(page) == taps  # each tap shows its displayText as the person's bubble
    assert "親子交流" in card.inner_text()
    call = page.locator(".flex-bubble .flex-button.primary").first
    assert "電話" in call.inner_text()
    assert call.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(6, 199, 85)"  # the card's ACCENT
    alt = page.locator(".card .alt").first.inner_text()
    assert alt == "通知 / Notification: かけはしからのご案内です。"  # what a notification shows: discreet
    call.click()
    note = page.wait_for_selector(".note >> text=This would call")
    assert "0570078374" in note.inner_text() and page.url.endswith("/simulator/")  # nothing dialled
    screenshot(page, "simulator-visitation-card")

    page.reload()  # the tab keeps its transcript; the same person, not greeted again
    page.wait_for_selector(".flex-bubble")
    assert mine(page) == taps and page.locator(f".bubble.bot >> text={GREETING}").count() == 1


def test_at_night_the_card_says_when_houterasu_opens_and_offers_no_call_to_it(page, live_app, worker,  # noqa: ANN001
                                                                              clock) -> None:
    """The same walk on a Saturday at 23:30 JST: 法テラス is closed, so the card says when it opens instead."""
    clock.set(SATURDAY_NIGHT)
    page.set_viewport_size({"width": 480, "height": 900})
    greeted(page, live_app)
    taps = ["子どもに会えない", "別居中", "ない", "10歳くらいまで", "いいえ・わからない"]
    for label, question in zip(taps, ["いまの状況", "DVや子どもへの虐待", "子どもの年齢", "会うことを嫌がって",
                                      "決まっていること"], strict=True):
        tap(page, label)
        bot_said(page, question)
    tap(page, "何も決まっていない")
    page.wait_for_selector(".flex-bubble")
    assert "受付は月曜 9:00から" in "\n".join(page.locator(".flex-bubble").all_inner_texts())  # 相談先, a swipe away
    calls = page.locator(".flex-bubble .flex-button.primary").all_inner_texts()
    assert not any("法テラス" in c or "0570-078374" in c for c in calls)


def test_a_date_is_picked_in_the_consolation_flow(page, live_app, worker, clock) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 480, "height": 1400})
    greeted(page, live_app)
    page.fill("#sim-input", "慰謝料")
    page.press("#sim-input", "Enter")
    bot_said(page, "慰謝料を考えている理由")
    tap(page, "浮気・不倫")
    bot_said(page, "離婚については")
    tap(page, "もう離婚した")
    bot_said(page, "知った日はいつですか")
    tap(page, "日付を選ぶ")
    picker = page.locator("input[type=date]#sim-date")
    assert picker.is_visible()
    today = datetime.fromtimestamp(clock(), JST).date()
    assert picker.get_attribute("max") == today.isoformat() == picker.input_value()  # LINE's initial and max
    assert picker.get_attribute("min") == "1966-01-01"
    picker.fill((today + timedelta(days=3)).isoformat())
    page.click("#sim-date-ok")
    assert picker.is_visible()  # a day after max is refused by the input, not sent
    learned = today.replace(year=today.year - 1, day=min(today.day, 28))
    picker.fill(learned.isoformat())
    page.click("#sim-date-ok")
    assert not picker.is_visible()
    bot_said(page, "離婚が成立した日")  # divorced: the divorce's own 3 years need its date too
    tap(page, "日付を選ぶ")
    picker.fill(learned.isoformat())
    page.click("#sim-date-ok")
    page.wait_for_selector(".flex-bubble >> text=請求の期限")
    deadline = learned.replace(year=learned.year + 3)
    first = page.locator(".flex-bubble").filter(has_text="請求の期限").first.inner_text()
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日まで" in first  # the picked date reached the engine
    assert page.locator(f".note >> text=Picked: {learned.isoformat()}").count() == 2
    # the path from the top of the chat, then the card
    page.eval_on_selector(".bubble.me >> text=慰謝料", "b => b.scrollIntoView({block: 'start'})")
    screenshot(page, "simulator-consolation-card")


def test_typing_a_sticker_english_and_a_new_user(page, live_app, worker) -> None:  # noqa: ANN001
    greeted(page, live_app)
    page.fill("#sim-input", "ヘルプ")
    composing = "new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true})"
    page.eval_on_selector("#sim-input", f"i => i.dispatchEvent({composing})")
    time.sleep(0.3)
    assert mine(page) == [] and page.input_value("#sim-input") == "ヘルプ"  # the IME's Enter did not send
    page.click("#sim-send")
    bot_said(page, "使い方")
    assert mine(page) == ["ヘルプ"] and page.input_value("#sim-input") == ""

    page.click("#sim-sticker")
    page.wait_for_selector(".bubble.me.sticker")
    bot_said(page, "スタンプありがとうございます")

    assert page.inner_text("#sim-lang") == "English"
    page.click("#sim-lang")
    bot_said(page, "I will continue in English")
    assert mine(page)[-1] == "English" and page.inner_text("#sim-lang") == "日本語"
    screenshot(page, "simulator-english")

    page.click("#sim-new-user")
    bot_said(page, GREETING)
    assert mine(page) == [] and page.locator(f".bubble.bot >> text={GREETING}").count() == 1
    assert page.inner_text("#sim-lang") == "English"


def test_the_rich_menu_asks_for_a_person(page, live_app, worker, desk) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 480, "height": 900})
    greeted(page, live_app)
    menu, toggle = page.locator("#sim-richmenu"), page.locator("#sim-richmenu-toggle")
    menu.wait_for(state="visible")  # drawn once its definition arrives
    page.wait_for_function("() => document.querySelector('#sim-richmenu img')?.complete")
    assert toggle.inner_text().startswith("メニュー・相談先")  # `selected`: open at first
    assert page.eval_on_selector("#sim-richmenu img", "i => i.complete && i.naturalWidth") == 2500
    areas = page.locator("#sim-richmenu [data-command]")
    assert [areas.nth(i).get_attribute("data-command") for i in range(areas.count())] == \
        ["menu", "windows", "human", "emergency", "close"]
    toggle.click()
    menu.wait_for(state="hidden")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    menu.wait_for(state="visible")
    page.mouse.move(0, 0)  # no area under the pointer, for the picture
    screenshot(page, "simulator-richmenu")

    page.get_by_role("button", name="人と話したい", exact=True).click()  # the area, by its label
    page.locator("#sim-messages .bubble.bot").nth(3).wait_for()  # after the greeting's three
    assert mine(page) == ["人と話したい"]  # the area's displayText, as LINE shows it
    assert "相談員" in page.locator("#sim-messages .bubble.bot").last.inner_text()
    assert len(desk.tickets.waiting()) == 1  # the postback reached the engine: a request for a counselor


def test_the_loading_dots(page, live_app, settings, r) -> None:  # noqa: ANN001
    """No worker here: nothing answers until the test plays the bot through the worker's own transport."""
    page.goto(f"{live_app}/simulator/")
    loading = page.locator("#sim-loading")
    page.fill("#sim-input", "こんにちは")
    with page.expect_response(lambda res: res.url.endswith("/api/events")):  # after the page's new person
        page.press("#sim-input", "Enter")
    assert not loading.is_visible()  # an answer usually comes at once: no dots for that
    loading.wait_for(state="visible", timeout=2000)  # kept waiting: LINE's three dots

    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    person = cookie.split(".")[0]  # the visitor id, before the server's signature
    bot = LocalTransport(r, resolve_keyring(settings))
    env = Envelope(event_id=uuid.uuid4().hex, chat_id=f"local:sim:{person}", kind="text")
    bot.send(env, Reply((Text("おまたせしました"),)), 0, lambda _: None)
    bot_said(page, "おまたせしました")
    assert not loading.is_visible()

    bot.working(env)  # the worker's {"loading": 5}: a slow step is running
    loading.wait_for(state="visible")
    bot.send(env, Reply((Text("できました"),)), 0, lambda _: None)
    bot_said(page, "できました")
    assert not loading.is_visible()
