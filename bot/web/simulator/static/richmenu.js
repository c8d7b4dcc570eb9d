// The rich menu under the chat, as LINE shows it: the chat bar opens and closes it, and each area of the
// picture is a button that does the area's action. The definition is the very object LINE is sent.
const toggle = document.getElementById("sim-richmenu-toggle");
const menu = document.getElementById("sim-richmenu");

function setOpen(open) {
  menu.hidden = !open;
  toggle.setAttribute("aria-expanded", String(open));
  toggle.dataset.open = String(open);
}

export async function loadRichMenu(api, act) {
  const res = await fetch(`${api}richmenu`, { cache: "no-store" }).catch(() => null);
  if (!res?.ok) return;  // no menu: the chat bar stays hidden, as on a channel without one
  const def = await res.json();
  const picture = document.createElement("img");
  picture.src = def.image;
  picture.alt = "";  // the areas below carry the words
  menu.replaceChildren(picture);
  for (const { bounds, action } of def.areas) {
    const area = document.createElement("button");
    area.type = "button";
    area.className = "area";
    area.dataset.command = (action.data ?? "").replace(/^cmd:/, "");
    area.setAttribute("aria-label", action.label ?? action.displayText ?? "");
    // Percentages of the menu's size, so the areas stay on their picture at any width.
    area.style.left = `${(100 * bounds.x) / def.size.width}%`;
    area.style.top = `${(100 * bounds.y) / def.size.height}%`;
    area.style.width = `${(100 * bounds.width) / def.size.width}%`;
    area.style.height = `${(100 * bounds.height) / def.size.height}%`;
    area.addEventListener("click", () => act(action));
    menu.append(area);
  }
  toggle.textContent = def.chatBarText;
  toggle.hidden = false;
  toggle.addEventListener("click", () => setOpen(menu.hidden));
  setOpen(def.selected);
}
