// The chat as LINE draws it: a date line when the day changes, the bot's bubbles on the left (a round avatar
// on the first of a run), the person's in green on the right, the time beside each.
// An item is {who: "bot", line: <LINE message JSON>} | {who: "me", text | sticker} | {who: "note", text},
// each with `at` (epoch ms).
import { flexContents } from "./flex.js";

const STICKER = "☺";  // stands in for the sticker picture LINE would show (a glyph every font has)

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const dayOf = (at) => new Date(at).toDateString();

function dateLabel(at) {
  if (dayOf(at) === dayOf(Date.now())) return "今日";
  return new Date(at).toLocaleDateString("ja-JP", { month: "numeric", day: "numeric", weekday: "short" });
}

function botContent(message, act) {
  if (message.type === "text") return el("div", "bubble bot", message.text);
  if (message.type !== "flex") return el("div", "bubble bot unknown", `[${message.type}] ${message.altText ?? ""}`);
  const card = el("div", "card");
  card.append(flexContents(message.contents, act));
  // What a notification and the chat list would show instead of the card: it has to stay discreet.
  const alt = el("p", "alt", `通知 / Notification: ${message.altText ?? ""}`);
  alt.title = "通知・トーク一覧に出る文 / Shown in notifications and the chat list";
  card.append(alt);
  return card;
}

function content(item, act) {
  if (item.who === "bot") return botContent(item.line, act);
  if (item.sticker) return el("div", "bubble me sticker", STICKER);
  return el("div", "bubble me", item.text);
}

// Draws one item at the end of `list`; `previous` decides the date line and the avatar.
export function drawItem(list, item, previous, act) {
  if (!previous || dayOf(previous.at) !== dayOf(item.at)) list.append(el("div", "date", dateLabel(item.at)));
  if (item.who === "note") {
    list.append(el("p", "note", item.text));
    return;
  }
  const row = el("div", `row ${item.who}`);
  if (item.who === "bot") {
    const first = previous?.who !== "bot";
    row.append(first ? el("span", "avatar", "か") : el("span", "avatar-space"));
    row.firstChild.setAttribute("aria-hidden", "true");
  }
  const time = new Date(item.at).toLocaleTimeString("ja-JP", { hour: "numeric", minute: "2-digit" });
  row.append(content(item, act), el("time", "time", time));
  list.append(row);
}
