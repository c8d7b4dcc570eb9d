"""Several organizations sharing the bot, for tests: flows/ copied with an organizations.yaml of four.

東京都 serves prefecture 13 except 八王子市, which serves itself (and keeps Saturday mornings); 大阪府 has its own
canned replies; the default organization keeps the shipped hours (weekdays 9:00-17:00) for everyone else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEEKDAYS = '{mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00", fri: "09:00-17:00"}'
ORGANIZATIONS = f"""
kakehashi:
  default: true
  name: {{ja: かけはし相談員, en: Kakehashi counselors}}
  hours: {WEEKDAYS}
  closed_on_holidays: true
tokyo:
  name: {{ja: 東京都相談窓口, en: Tokyo consultation}}
  prefectures: ["13"]
  hours: {WEEKDAYS}
  closed_on_holidays: true
hachioji:
  name: {{ja: 八王子市相談窓口, en: Hachioji consultation}}
  municipalities: {{"13": [八王子市]}}
  hours: {{mon: "08:30-17:15", tue: "08:30-17:15", wed: "08:30-17:15", thu: "08:30-17:15", fri: "08:30-17:15",
          sat: "09:00-12:00"}}
  closed_on_holidays: true
osaka:
  name: {{ja: 大阪府相談窓口, en: Osaka consultation}}
  prefectures: ["27"]
  hours: {WEEKDAYS}
  canned: canned/osaka.yaml
"""
OSAKA_CANNED = """
osaka_hello:
  title: {ja: 大阪のあいさつ, en: Osaka greeting}
  text: {ja: 大阪府の相談員です。, en: This is an Osaka counselor.}
"""


def multi_org_flows(parent: Path) -> Path:
    """A flows/ directory (under `parent`) whose organizations.yaml has the four organizations."""
    flows = parent / "flows"
    if not flows.exists():
        shutil.copytree(ROOT / "flows", flows)
        (flows / "organizations.yaml").write_text(ORGANIZATIONS, encoding="utf-8")
        (flows / "canned").mkdir()
        (flows / "canned" / "osaka.yaml").write_text(OSAKA_CANNED, encoding="utf-8")
    return flows
