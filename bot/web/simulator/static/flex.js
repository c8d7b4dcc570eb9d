// Flex messages drawn close enough to LINE to judge a card: the subset bot/line/render.py produces (bubble,
// carousel, box, text, separator, button, filler), with LINE's sizes and defaults. Anything else is drawn
// plainly with its type, so a component we don't know yet is seen, not silently dropped.
// Styles are set through element.style (CSSOM), which the page's Content-Security-Policy allows.

const FONT = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
const SPACE = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const WIDTH = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 500 };
const BUTTON = { primary: "#17c950", secondary: "#dcdfe5", link: "#42659a" };  // LINE's default colours

// "md" → "8px" through a table; LINE also takes pixels or percentages as they are.
function length(value, table) {
  if (value in table) return `${table[value]}px`;
  return /^\d+(\.\d+)?(px|%)$/.test(value ?? "") ? value : "";
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function box(c, act) {
  const node = el("div", `flex-box ${c.layout ?? "vertical"}`);
  const side = c.layout === "vertical" ? "marginTop" : "marginLeft";
  (c.contents ?? []).forEach((child, i) => {
    const part = component(child, act);
    // LINE puts a child's margin, else the box's spacing, between it and the one before it.
    if (i > 0) part.style[side] = length(child.margin ?? c.spacing, SPACE);
    node.append(part);
  });
  if (c.paddingAll) node.style.padding = length(c.paddingAll, SPACE);
  if (c.backgroundColor) node.style.backgroundColor = c.backgroundColor;
  return node;
}

function text(c) {
  const words = c.text ?? (c.contents ?? []).map((span) => span.text ?? "").join("");
  const node = el("p", `flex-text${c.wrap ? " wrap" : ""}`, words);  // unwrapped text ends in "…", as on LINE
  node.style.fontSize = length(c.size ?? "md", FONT);
  if (c.weight === "bold") node.style.fontWeight = "bold";
  if (c.color) node.style.color = c.color;
  if (c.align) node.style.textAlign = c.align === "end" ? "right" : c.align;
  return node;
}

function button(c, act) {
  const style = c.style ?? "link";
  const node = el("button", `flex-button ${style}`, c.action?.label ?? "");
  node.type = "button";
  node.style.height = c.height === "sm" ? "40px" : "52px";
  if (style === "link") node.style.color = c.color ?? BUTTON.link;
  else node.style.backgroundColor = c.color ?? BUTTON[style];
  node.addEventListener("click", () => act(c.action ?? {}));
  return node;
}

function separator(c) {
  const node = el("div", "flex-separator");
  if (c.color) node.style.backgroundColor = c.color;
  return node;
}

function unknown(c) {
  return el("div", "flex-unknown", `[${c.type}] ${c.text ?? c.altText ?? c.url ?? ""}`.trim());
}

const DRAW = { box, text, button, separator, filler: () => el("div", "flex-filler"), spacer: () => el("div", "") };

function component(c, act) {
  const node = (DRAW[c.type] ?? unknown)(c, act);
  // flex: 0 keeps the content's size; otherwise share the box's main axis in proportion (LINE's default
  // is 1 in horizontal boxes, 0 in vertical ones — set in the stylesheet).
  if (c.flex !== undefined) node.style.flex = c.flex === 0 ? "0 0 auto" : `${c.flex} 1 0`;
  return node;
}

function bubble(b, act) {
  const node = el("div", "flex-bubble");
  node.style.maxWidth = `${WIDTH[b.size ?? "mega"] ?? WIDTH.mega}px`;
  for (const block of ["header", "hero", "body", "footer"]) {
    if (!b[block]) continue;
    const part = component(b[block], act);
    part.classList.add(`flex-${block}`);
    const color = b.styles?.[block]?.backgroundColor;
    if (color) part.style.backgroundColor = color;
    if (b.styles?.[block]?.separator) part.classList.add("flex-separated");
    node.append(part);
  }
  return node;
}

// A flex message's contents: one bubble, or a carousel of them side by side.
export function flexContents(contents, act) {
  if (contents?.type === "bubble") return bubble(contents, act);
  if (contents?.type === "carousel") {
    const row = el("div", "flex-carousel");
    (contents.contents ?? []).forEach((b) => row.append(bubble(b, act)));
    return row;
  }
  return unknown(contents ?? { type: "?" });
}
