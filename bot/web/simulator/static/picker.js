// LINE's datetime picker as the browser's own date input in a small dialog, with the action's min, max and
// initial date; `done` gets the postback params LINE would send ({"date": "YYYY-MM-DD"}).
const dialog = document.getElementById("sim-date-dialog");
const field = document.getElementById("sim-date");
const TYPES = { date: "date", time: "time", datetime: "datetime-local" };  // LINE's modes, the input's types
let chosen = null;  // the callback of the picker that is open

export function pickDate(action, done) {
  field.type = TYPES[action.mode] ?? "date";
  field.min = action.min ?? "";
  field.max = action.max ?? "";
  field.value = action.initial ?? "";
  document.getElementById("sim-date-label").textContent = action.label ?? "";
  chosen = (value) => done({ [action.mode ?? "date"]: value });
  dialog.showModal();
  field.focus();
}

document.getElementById("sim-date-ok").addEventListener("click", () => {
  if (!field.reportValidity()) return;  // empty, or outside min/max: the input says why
  dialog.close();
  chosen(field.value);
});
document.getElementById("sim-date-cancel").addEventListener("click", () => dialog.close());
