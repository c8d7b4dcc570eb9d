// The console's few lines of script: live updates by polling, and canned replies into the reply box.
"use strict";

function poll(box) {
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const res = await fetch(box.dataset.poll, { credentials: "same-origin", cache: "no-store" });
      if (res.status === 401) { location.reload(); return; }  // logged out: the page goes to the login form
      if (res.ok) box.innerHTML = await res.text();
    } catch (err) { /* offline for a moment: try again next time */ }
  };
  setInterval(refresh, 4000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-poll]").forEach(poll);
  const reply = document.getElementById("reply-text");
  document.querySelectorAll("button.canned").forEach((button) => {
    button.addEventListener("click", () => {
      if (!reply) return;
      const start = reply.selectionStart, end = reply.selectionEnd, text = button.dataset.text;
      reply.value = reply.value.slice(0, start) + text + reply.value.slice(end);
      reply.focus();
      reply.selectionStart = reply.selectionEnd = start + text.length;
    });
  });
});
