"""The console with the real bot: a person asks for a counselor on LINE, a counselor answers in the console."""

from __future__ import annotations

import re

import pytest

from tests.console import desk_of, post_form
from tests.harness import until


@pytest.mark.cluster
def test_a_person_on_line_and_a_counselor_in_the_console(app, chat, counselor) -> None:  # noqa: ANN001
    chat.say("子どもに会えない")
    chat.tap("別居中")
    chat.say("人と話したい")
    queue = until(lambda: re.findall(r'data-ticket="([0-9a-f]+)"', counselor.get("/console/queue").get_data(True)))
    assert isinstance(queue, list) and len(queue) == 1
    ticket = queue[0]
    page = counselor.get(f"/console/t/{ticket}").get_data(as_text=True)
    assert "子どもに会えない" in page and "別居中" in page
    assert chat.user not in page and desk_of(app).tickets.get(ticket).user not in page  # type: ignore[union-attr]

    before = len(chat.fake.messages_to(chat.user))
    post_form(counselor, f"/console/t/{ticket}", f"/console/t/{ticket}/reply", text="相談員のあおいです。")
    chat.fake.wait_for(lambda f: len(f.messages_to(chat.user)) >= before + 2)
    assert "相談員：相談員のあおいです。" in [m["text"] for m in chat.fake.messages_to(chat.user)]

    chat.say("よろしくお願いします", expect=0)
    until(lambda: "よろしくお願いします" in counselor.get(f"/console/t/{ticket}/lines").get_data(as_text=True))

    post_form(counselor, f"/console/t/{ticket}", f"/console/t/{ticket}/close", outcome="houterasu")
    until(lambda: len(chat.fake.messages_to(chat.user)) > before + 2)
    assert 'data-status="closed"' in counselor.get(f"/console/t/{ticket}/lines").get_data(as_text=True)
