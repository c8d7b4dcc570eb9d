"""A minimal, fast fake LINE Messaging API for load: counts what it is sent, answers after a set latency.

The tests' fake (tests/fake_line.py) validates everything and records every request; under thousands of
requests a second it would measure itself. This one is asyncio, keeps connections alive, and counts.

    python -m bench.fake_api --port 18700 --latency-ms 50
    GET /_stats → {"reply": n, "push": n, "loading": n, "other": n}
    POST /_latency?ms=50 → answers take 50 ms from now on
    GET /_arrivals → {reply token: when its reply was answered (wall clock)}, forgotten once read
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid

COUNTS = {"reply": 0, "push": 0, "loading": 0, "other": 0}
LATENCY = [0.0]  # seconds; changed between phases through POST /_latency
ARRIVALS: dict[str, float] = {}  # reply token → when the reply was answered, for end-to-end latency
PATHS = {"/v2/bot/message/reply": "reply", "/v2/bot/message/push": "push", "/v2/bot/chat/loading/start": "loading"}


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            if path == "/_stats":
                payload, status = json.dumps(COUNTS).encode(), "200 OK"
            elif path == "/_arrivals":
                payload, status = json.dumps(ARRIVALS).encode(), "200 OK"
                ARRIVALS.clear()
            elif path.startswith("/_latency?ms="):
                LATENCY[0] = float(path.partition("=")[2]) / 1000
                payload, status = b"{}", "200 OK"
            else:
                kind = PATHS.get(path.split("?")[0], "other")
                COUNTS[kind] += 1
                request = json.loads(body or b"{}") if method == "POST" else {}
                messages = request.get("messages", [])
                if kind == "reply":  # the answer reached LINE (LINE then takes LATENCY to say so)
                    ARRIVALS[request.get("replyToken", "")] = time.time()
                if LATENCY[0]:
                    await asyncio.sleep(LATENCY[0])
                sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": "q"} for _ in messages]
                payload, status = json.dumps({"sentMessages": sent}).encode(), "200 OK"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                         f"x-line-request-id: {uuid.uuid4()}\r\n\r\n".encode() + payload)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def serve(port: int, latency: float) -> None:
    LATENCY[0] = latency
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.latency_ms / 1000))


if __name__ == "__main__":
    main()
