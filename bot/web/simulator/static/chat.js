// The simulator's page: sends what the person does through the same API path as a LINE event, and draws
// what the bot sent as the very LINE messages a phone would receive (quick replies, flex, date picker).
import { drawItem } from "./transcript.js";
import { pickDate } from "./picker.js";
import { loadRichMenu } from "./richmenu.js";

const api = document.body.dataset.api;
const $ = (id) => document.getElementById(id);
const list = $("sim-messages"), scroller = $("sim-scroll"), quick = $("sim-quick"), input = $("sim-input");
const loading = $("sim-loading"), lang = $("sim-lang"), status = $("sim-status");
const STORE = "kakehashi-simulator";  // this tab's transcript, so a reload shows the chat, not a blank
const LANGS = { English: "日本語", 日本語: "English" };  // what the switch sends, and what it offers next

let items = [];
let generation = 0;  // bumped when the person changes: what a poll brings for the old one is dropped
let switching = null;  // the request making a new person, while it is under way
let polling = new AbortController();  // the poll under way, stopped when it asks for a person who left
let sending = Promise.resolve();  // events go one after another, in the order the person acted
let waitTimer, loadingTimer;

function save() {
  sessionStorage.setItem(STORE, JSON.stringify({ items: items.slice(-200), lang: lang.dataset.text }));
}

function toBottom() {
  scroller.scrollTop = scroller.scrollHeight;
}

function add(item) {
  item.at ??= Date.now();
  drawItem(list, item, items[items.length - 1], act);
  items.push(item);
  save();
  toBottom();
}

function showStatus(text) {
  status.textContent = text;
}

// ── the loading dots: on the bot's {"loading": s}, or when an answer takes more than a moment ──────
function showLoading(seconds) {
  clearTimeout(loadingTimer);
  loading.hidden = false;
  toBottom();
  loadingTimer = setTimeout(hideLoading, seconds * 1000);  // LINE stops it after that long too
}

function hideLoading() {
  clearTimeout(waitTimer);
  clearTimeout(loadingTimer);
  loading.hidden = true;
}

// ── sending ───────────────────────────────────────────────────────────────────────────────────
function post(path, body) {
  sending = sending.then(async () => {
    const res = await fetch(api + path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }).catch((err) => showStatus(`送れませんでした / Not sent (${err.message})`));
  return sending;
}

// `shown` is what the person's side of the chat shows (nothing for a postback without displayText).
function send(event, shown) {
  quick.replaceChildren();  // LINE hides the quick replies once the person acts
  if (shown) add({ who: "me", ...shown });
  clearTimeout(waitTimer);
  waitTimer = setTimeout(() => showLoading(5), 600);
  return post("events", event);
}

function sendText(text) {
  return send({ type: "text", text }, { text });
}

// What tapping a button does on LINE: a quick reply, a card's button and a rich-menu area alike.
function act(action) {
  if (action.type === "postback") {
    send({ type: "postback", data: action.data }, action.displayText && { text: action.displayText });
  } else if (action.type === "message") {
    sendText(action.text);
  } else if (action.type === "datetimepicker") {
    pickDate(action, (params) => {
      add({ who: "note", text: `選んだ日付 / Picked: ${Object.values(params)[0]}` });  // LINE shows none
      send({ type: "postback", data: action.data, params });
    });
  } else if (action.type === "uri" && action.uri?.startsWith("tel:")) {
    const digits = action.uri.slice(4);
    const written = (action.label ?? "").match(/\d[\d-]+\d/)?.[0];  // the number as the label writes it
    const number = written?.replaceAll("-", "") === digits ? written : digits;
    add({ who: "note", text: `☎ LINEならここで ${number} に電話をかけます / This would call ${number}` });
  } else if (action.type === "uri") {
    add({ who: "note", text: `↗ LINEならここで開きます / This would open ${action.uri}` });
  } else {
    add({ who: "note", text: `（${action.type} はこのシミュレーターでは動きません / not simulated）` });
  }
}

function showChips(message) {
  quick.replaceChildren(...(message?.quickReply?.items ?? []).map(({ action }) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = `chip ${action.type}`;
    chip.textContent = action.label;
    chip.addEventListener("click", () => act(action));
    return chip;
  }));
}

// ── receiving: one long poll at a time, backing off while the server is away ────────────────────
function receive(entry) {
  if (entry.loading) {
    showLoading(entry.loading);
    return;
  }
  hideLoading();
  for (const message of entry.line ?? []) add({ who: "bot", line: message });
  showChips(entry.line?.[entry.line.length - 1]);
}

async function poll() {
  let pause = 0;
  for (;;) {
    if (pause) await new Promise((done) => setTimeout(done, pause));
    if (switching) await switching.catch(() => {});  // a new person is being made: ask for them, not before
    const asked = generation;
    polling = new AbortController();
    try {
      const res = await fetch(`${api}messages?wait=8`, { cache: "no-store", signal: polling.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { entries, retry } = await res.json();
      if (asked === generation) entries.forEach(receive);
      if (pause) showStatus("");  // back after an outage
      pause = (retry ?? 0) * 1000;  // the server had no long poll free: ask again a moment later
    } catch (err) {
      if (err.name === "AbortError") continue;  // the person changed: ask again, now for the new one
      pause = Math.min(pause * 2 || 1000, 30000);
      showStatus(`ボットに届きません。再試行します… / Can't reach the bot, retrying (${err.message})`);
    }
  }
}

// ── the controls ──────────────────────────────────────────────────────────────────────────────
async function newUser() {
  generation++;
  items = [];
  list.replaceChildren();
  quick.replaceChildren();
  hideLoading();
  setLang("English");
  // No poll may be under way while the new id is set: one that left before could come back with the new
  // person's first messages (the greeting) under the old generation, and they would be dropped, gone for good.
  switching = post("new");
  polling.abort();
  try {
    await switching;
  } finally {
    switching = null;
  }
}

function setLang(next) {
  lang.dataset.text = next;
  lang.textContent = next;
  save();
}

function sendTyped() {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  sendText(text);
}

$("sim-send").addEventListener("click", sendTyped);
input.addEventListener("keydown", (e) => {
  // Enter while an IME is composing (Japanese input) confirms the characters; it must not send.
  if (e.key === "Enter" && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    sendTyped();
  }
});
$("sim-sticker").addEventListener("click", () => send({ type: "sticker" }, { sticker: true }));
$("sim-new-user").addEventListener("click", newUser);
lang.addEventListener("click", () => {
  sendText(lang.dataset.text);
  setLang(LANGS[lang.dataset.text]);
});

const kept = JSON.parse(sessionStorage.getItem(STORE) ?? "null");
if (kept?.items?.length) {
  kept.items.forEach(add);
  setLang(kept.lang ?? "English");
  const last = items[items.length - 1];
  if (last.who === "bot") showChips(last.line);
} else {
  newUser();  // like adding the bot as a friend: the greeting comes
}
new ResizeObserver(toBottom).observe(scroller);  // chips or the rich menu took room: keep the latest in view
poll();
loadRichMenu(api, act);
