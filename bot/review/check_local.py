"""The local_windows.yaml part of `kakehashi flows check`: every prefecture present, every entry sourced and
dated, phones and hours in a form the bot can read. A number nobody sourced must never reach a person."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from bot.content.texts import LANGUAGES, Texts
from bot.directory.local import FIELDS, KINDS, LINE, LINE_FIELDS
from bot.directory.places import PREFECTURES, municipalities
from bot.directory.windows import URGENCIES, WindowError, _closed_date, _hours

PHONE = re.compile(r"^(#\d{4}|0\d{1,4}(-\d{1,6}){1,2})$")  # 06-6364-1248, 0570-078374, #8008
ELEVEN_DIGITS = re.compile(r"^0[5789]0")  # 050 IP phones and mobiles; every other number has 10 digits
SOURCE = re.compile(r"^https?://\S+$")


def _dated(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _sourced(where: str, spec: Mapping[str, Any]) -> list[str]:
    problems = []
    if not SOURCE.match(str(spec.get("source", ""))):
        problems.append(f"{where}: no source URL (the official page it was taken from)")
    if not _dated(spec.get("checked", "")):
        problems.append(f"{where}: no checked date (YYYY-MM-DD, the day the source was read)")
    return problems


def phone_problem(phone: Any) -> str | None:
    text = str(phone)
    if not PHONE.match(text):
        return f"phone {text!r} is not a Japanese number (06-1234-5678) or a #short code"
    digits = re.sub(r"\D", "", text)
    expected = 11 if ELEVEN_DIGITS.match(digits) else 10
    if not text.startswith("#") and len(digits) != expected:
        return f"phone {text!r} has {len(digits)} digits ({expected} expected)"
    return None


def _entry_problems(where: str, spec: Any, known: tuple[str, ...] = FIELDS) -> list[str]:
    if not isinstance(spec, Mapping):
        return [f"{where}: must be a mapping of {known}"]
    problems = _sourced(where, spec)
    problems += [f"{where}: unknown field {k!r} (known: {known})" for k in spec if k not in known]
    if "name" in spec:
        name = spec["name"] if isinstance(spec["name"], Mapping) else {}
        problems += [f"{where}: no name in {lang}" for lang in LANGUAGES if not name.get(lang)]
    for part in ("fee", "note"):
        if part in spec:
            said = spec[part] if isinstance(spec[part], Mapping) else {}
            problems += [f"{where}: no {part} text in {lang}" for lang in LANGUAGES if not said.get(lang)]
    if "phone" in spec and (problem := phone_problem(spec["phone"])):
        problems.append(f"{where}: {problem}")
    try:
        if "hours" in spec:
            _hours(spec["hours"])
        for day in spec.get("closed_dates", ()):
            _closed_date(str(day))
    except WindowError as exc:
        problems.append(f"{where}: {exc}")
    if "url" in spec and not SOURCE.match(str(spec["url"])):
        problems.append(f"{where}: url must be a web address")
    return problems


def _line_problems(where: str, code: str, line: Any, flows: Collection[str] | None) -> list[str]:
    """A LINE consultation: named, sourced, offered for some problem or urgency, in a municipality we know."""
    problems = _entry_problems(where, line, LINE_FIELDS)
    if not isinstance(line, Mapping):
        return problems
    if "name" not in line:
        problems.append(f"{where}: a LINE consultation needs its name")
    if not line.get("serves") and not line.get("urgencies"):
        problems.append(f"{where}: serves no problem and no urgency, so it is never offered")
    problems += [f"{where}: unknown urgency {u!r}" for u in line.get("urgencies", ()) if u not in URGENCIES]
    if flows is not None:
        problems += [f"{where}: serves unknown flow {f!r}" for f in line.get("serves", ()) if f not in flows]
    city = line.get("city")
    if city and (code, city) not in municipalities().get(city, ()):
        problems.append(f"{where}: {city!r} is not a municipality of prefecture {code}")
    return problems


def local_problems(raw: Mapping[str, Any], flows: Collection[str] | None = None) -> list[str]:
    """`flows`: the flow ids a LINE consultation may serve (None: not checked)."""
    problems: list[str] = []
    dv = raw.get("dv_centre")
    if not isinstance(dv, Mapping) or phone_problem(dv.get("via", "")):
        problems.append("local_windows/dv_centre: needs `via` (the #8008 short code) with a source")
    else:
        problems += _sourced("local_windows/dv_centre", dv)
    places = raw.get("prefectures") or {}
    problems += [f"local_windows: prefecture {code} ({p.ja}) is missing" for code, p in PREFECTURES.items()
                 if code not in places]
    for code, entries in places.items():
        where = f"local_windows/{code}"
        if str(code) not in PREFECTURES:
            problems.append(f"{where}: not a prefecture code (01..47)")
            continue
        for kind, spec in (entries or {}).items():
            if kind == LINE:
                for i, line in enumerate(spec or ()):
                    problems += _line_problems(f"{where}/line[{i}]", str(code), line, flows)
            elif kind in KINDS:
                problems += _entry_problems(f"{where}/{kind}", spec)
            else:
                problems.append(f"{where}: unknown kind {kind!r} (known: {(*KINDS, 'line')})")
    return problems


LOCAL_TEXTS = ("local.ask", "local.button.decline", "local.saved", "local.declined", "local.nearby",
               "local.hours_unknown", "local.fee", "local.dv_centre",
               *(f"local.{part}.{kind}" for part in ("name", "note") for kind in KINDS))


def local_text_problems(texts: Texts) -> list[str]:
    """Every text the place question and the local windows say, in every language."""
    return [f"locales: {lang}:{key} is missing" for key in LOCAL_TEXTS for lang in LANGUAGES
            if not texts.has(lang, key)]
