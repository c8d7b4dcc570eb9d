"""The instants tests run at: the suite never reads the wall clock for "what time is it for the person".

Every test starts at WEEKDAY_NOON (法テラス and the counselors open) unless it pins another instant; tests
about opening hours assert both an open and a closed case explicitly.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
WEEKDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=JST)  # a Wednesday
WEEKDAY_EVENING = datetime(2026, 11, 27, 21, 7, tzinfo=JST)  # a Friday, after 法テラス closes
SATURDAY_NIGHT = datetime(2026, 11, 28, 23, 30, tzinfo=JST)
SUNDAY_SMALL_HOURS = datetime(2026, 11, 29, 3, 0, tzinfo=JST)
HOLIDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=JST)  # 勤労感謝の日, a Monday
