"""The line-bot-sdk echo sample, as LINE's own examples write it: parse, then reply inside the request.

The second baseline: answers per second when the answer is sent before the webhook returns. Configured
from the environment: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE_URL.
"""

from __future__ import annotations

import os

from flask import Flask, Response, abort, request
from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, PostbackEvent, TextMessageContent


def create_app() -> Flask:
    app = Flask(__name__)
    handler = WebhookHandler(os.environ["LINE_CHANNEL_SECRET"])
    config = Configuration(host=os.environ["LINE_API_BASE_URL"], access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"])
    api = MessagingApi(ApiClient(config))

    @app.post("/callback")
    def callback() -> Response:
        try:
            handler.handle(request.get_data(as_text=True), request.headers.get("X-Line-Signature", ""))
        except InvalidSignatureError:
            abort(400)
        return Response("OK\n")

    @handler.add(MessageEvent, message=TextMessageContent)
    def echo_text(event: MessageEvent) -> None:
        text = event.message.text  # type: ignore[union-attr]
        api.reply_message(ReplyMessageRequest(replyToken=event.reply_token, messages=[TextMessage(text=text)]))

    @handler.add(PostbackEvent)
    def echo_postback(event: PostbackEvent) -> None:
        api.reply_message(ReplyMessageRequest(replyToken=event.reply_token,
                                              messages=[TextMessage(text=event.postback.data)]))

    return app
