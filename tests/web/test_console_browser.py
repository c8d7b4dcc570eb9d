"""The console in a real browser (headless Chromium): a counselor logs in, sees a request arrive, talks with
the person through LINE (the fake API), closes, and the bot answers the person again where they were."""

from __future__ import annotations

from typing import Any

from tests.browser import screenshot
from tests.console import PASSWORD, add_operator

RISK_QUESTION = "これまでに、DVや子どもへの虐待"


def log_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/console/login")
    page.fill("#login-username", name)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#queue")


def test_a_counselor_helps_in_the_browser_and_the_bot_resumes(page, live_app, app, chat) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    page.goto(f"{live_app}/console/")
    assert "/console/login" in page.url  # the console needs a login
    page.fill("#login-username", "aoi")
    page.fill("#login-password", "wrong password")
    page.click("#login-submit")
    assert page.locator("#login-error").is_visible()
    screenshot(page, "console-login-refused")
    log_in(page, live_app, "aoi")

    chat.say("子どもに会えない")
    chat.tap("別居中")
    chat.say("殴られた")  # danger seen before the request: the ticket is urgent
    chat.say("人と話したい")
    row = page.wait_for_selector("#waiting tr[data-ticket]")  # arrives by polling, no reload
    assert page.locator("#waiting tr.danger .badge.danger").inner_text() == "危険"
    ticket_id = row.get_attribute("data-ticket")
    screenshot(page, "console-queue")

    row.query_selector("a").click()  # type: ignore[union-attr]
    page.wait_for_selector("#summary")
    assert "別居中" in page.inner_text("#answers")
    html = page.content()
    assert chat.user not in html  # the LINE id is never shown
    page.fill("#reply-text", "相談員のあおいです。いまは安全な場所にいますか？")
    page.click("#reply-send")
    chat.fake.wait_for(lambda f: any("相談員：相談員のあおいです。" in m["text"] for m in f.messages_to(chat.user)))
    assert page.locator("#ticket-status").get_attribute("data-status") == "with_counselor"

    chat.say("はい、実家にいます", expect=0)
    page.wait_for_selector("#transcript li.line[data-who=user] >> text=はい、実家にいます")
    screenshot(page, "console-ticket")

    page.select_option("#close-outcome", "dv_centre")
    page.click("#close-submit")
    chat.fake.wait_for(lambda f: RISK_QUESTION in f.messages_to(chat.user)[-1]["text"])
    assert "相談員との会話が終わりました" in "\n".join(m["text"] for m in chat.fake.messages_to(chat.user)[-3:])
    assert "子どもの年齢" in chat.say("ない").text  # the bot answers again, the next question

    page.goto(f"{live_app}/console/")
    page.wait_for_selector(f"#closed tr[data-ticket='{ticket_id}']")
    screenshot(page, "console-queue-closed")
