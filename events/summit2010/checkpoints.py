"""Where the venue desk checks people in at the 2010 General Assembly: the
entrance on each day, and the door of each room that checks attendance (the four
workshop rooms). Assumed, like the rooms.

A checkpoint names its room by English name (as sessions do). Slugs are stable:
desks remember the checkpoint they were set to by its slug.
"""

from datetime import date

from events.summit2010.programme import ROOMS

ENTRANCES = [
    {
        "slug": f"entrance-{day.isoformat()}",
        "kind": "entrance",
        "day": day,
        "name_en": f"Entrance — September {day.day}",
        "name_ko": f"입구 — 9월 {day.day}일",
        "position": position,
    }
    for position, day in enumerate([date(2010, 9, 6), date(2010, 9, 7), date(2010, 9, 8)], start=1)
]

# The rooms whose door the desk staffs, in the rooms' order.
ROOM_DOOR_SLUGS = {
    "Regency Room": "door-regency-room",
    "Grand Salon": "door-grand-salon",
    "Namsan Room": "door-namsan-room",
    "Hangang Room": "door-hangang-room",
}

ROOM_DOORS = [
    {
        "slug": ROOM_DOOR_SLUGS[room["name_en"]],
        "kind": "room",
        "room": room["name_en"],
        "day": None,
        "name_en": f"{room['name_en']} door",
        "name_ko": f"{room['name_ko']} 출입구",
        "position": 10 + room["position"],
    }
    for room in ROOMS
    if room["checks_attendance"]
]

CHECKPOINTS = [*ENTRANCES, *ROOM_DOORS]
