"""Session kinds, rooms and sessions of the 2010 General Assembly.

Facts: what happens on which day (opening ceremony with the keynote, plenary and
best-practice session on 7 September; the four workshop sessions on the morning
of 8 September; the IT exhibition on 7 and 8 September; the live stream of the
opening). Assumed: the sessions marked is_sample (arrivals, registration desks,
receptions and lunches), and in every session from the record its times and room,
who may attend (except the workshops, which the record opens to citizens) and
the workshops' seat booking: each such session lists them in `invented_fields`.

Sessions name their kind by slug, their room by English name and their speakers
by slug, in order, with their role.
"""

from events.summit2010.event import at

# Dark colours: white text on each has a contrast ratio of at least 4.5:1.
SESSION_KINDS = [
    {"slug": "registration", "name_ko": "도착 및 등록", "name_en": "Arrivals and registration", "colour": "#495057"},
    {"slug": "opening-ceremony", "name_ko": "개막식", "name_en": "Opening ceremony", "colour": "#8b1e3f"},
    {"slug": "keynote", "name_ko": "기조연설", "name_en": "Keynote", "colour": "#5b2a86"},
    {"slug": "plenary", "name_ko": "본회의", "name_en": "Plenary session", "colour": "#1d4e89"},
    {
        "slug": "best-practice",
        "name_ko": "우수사례 발표",
        "name_en": "Best-practice presentations",
        "colour": "#0b6e4f",
    },
    {"slug": "workshop", "name_ko": "워크숍", "name_en": "Workshop", "colour": "#9a3b00"},
    {"slug": "exhibition", "name_ko": "IT 전시", "name_en": "IT exhibition", "colour": "#005f73"},
    {"slug": "reception", "name_ko": "리셉션", "name_en": "Reception", "colour": "#6b4226"},
]
for _position, _kind in enumerate(SESSION_KINDS, start=1):
    _kind["position"] = _position

# All assumed: the press release names no rooms.
ROOMS = [
    {
        "name_ko": "등록 데스크",
        "name_en": "Registration Desk",
        "location_ko": "메인 로비",
        "location_en": "Main lobby",
        "capacity": None,
    },
    {
        "name_ko": "그랜드 볼룸",
        "name_en": "Grand Ballroom",
        "location_ko": "로비 층",
        "location_en": "Lobby level",
        "capacity": 800,
    },
    {
        "name_ko": "IT 전시장(볼룸 포이어)",
        "name_en": "Exhibition Hall (Ballroom Foyer)",
        "location_ko": "그랜드 볼룸 앞",
        "location_en": "In front of the Grand Ballroom",
        "capacity": None,
    },
    {
        "name_ko": "리젠시 룸",
        "name_en": "Regency Room",
        "location_ko": "로비 아래층",
        "location_en": "One floor below the lobby",
        "capacity": 150,
        "checks_attendance": True,
    },
    {
        "name_ko": "그랜드 살롱",
        "name_en": "Grand Salon",
        "location_ko": "로비 아래층",
        "location_en": "One floor below the lobby",
        "capacity": 120,
        "checks_attendance": True,
    },
    {
        "name_ko": "남산 룸",
        "name_en": "Namsan Room",
        "location_ko": "2층",
        "location_en": "Second floor",
        "capacity": 100,
        "checks_attendance": True,
    },
    {
        "name_ko": "한강 룸",
        "name_en": "Hangang Room",
        "location_ko": "2층",
        "location_en": "Second floor",
        "capacity": 80,
        "checks_attendance": True,
    },
    {
        "name_ko": "가든 테라스",
        "name_en": "Garden Terrace",
        "location_ko": "야외 정원 옆",
        "location_en": "Beside the outdoor garden",
        "capacity": 300,
    },
]
for _position, _room in enumerate(ROOMS, start=1):
    _room.setdefault("checks_attendance", False)
    _room["position"] = _position
    _room["is_sample"] = True

_WORKSHOP_START, _WORKSHOP_END = at(9, 8, "09:30"), at(9, 8, "12:00")
_WORKSHOP_PUBLIC_KO = " 국내외 IT 전문가와 학계 관계자가 토론하며, 일반 시민과 IT 관계자도 참석해 관람할 수 있습니다."
_WORKSHOP_PUBLIC_EN = (
    " IT experts and academics from Korea and abroad debate; citizens and IT professionals are welcome to attend."
)

SESSIONS = [
    # 6 September: assumed.
    {
        "slug": "arrivals-and-registration",
        "kind": "registration",
        "room": "Registration Desk",
        "title_ko": "대표단 도착 및 등록",
        "title_en": "Delegate arrivals and registration",
        "description_ko": "각 도시 대표단이 서울에 도착해 호텔 로비의 등록 데스크에서 명찰과 회의 자료를 받습니다.",
        "description_en": (
            "Delegations arrive in Seoul and collect their badges and conference papers at the registration desk "
            "in the hotel lobby."
        ),
        "starts_at": at(9, 6, "13:00"),
        "ends_at": at(9, 6, "18:00"),
        "audience": "delegates",
        "is_sample": True,
    },
    {
        "slug": "welcome-reception",
        "kind": "reception",
        "room": "Garden Terrace",
        "title_ko": "환영 리셉션",
        "title_en": "Welcome reception",
        "description_ko": "총회 개막에 앞서 각 도시 시장과 대표단이 서로 인사를 나누는 자리입니다.",
        "description_en": "An evening for mayors and delegations to meet before the General Assembly opens.",
        "starts_at": at(9, 6, "18:30"),
        "ends_at": at(9, 6, "20:30"),
        "audience": "delegates",
        "is_sample": True,
    },
    # 7 September.
    {
        "slug": "registration-7-september",
        "kind": "registration",
        "room": "Registration Desk",
        "title_ko": "등록 데스크 운영",
        "title_en": "Registration desk",
        "description_ko": (
            "대표단은 명찰을 받고, 사전 등록한 시민은 등록을 확인합니다. 사전 등록을 하지 않은 시민은 현장 등록을 "
            "할 수 있습니다."
        ),
        "description_en": (
            "Delegates collect their badges and citizens who registered online check in. Citizens who have not "
            "registered can register on the spot."
        ),
        "starts_at": at(9, 7, "08:00"),
        "ends_at": at(9, 7, "09:30"),
        "is_sample": True,
    },
    {
        "slug": "opening-ceremony",
        "kind": "opening-ceremony",
        "room": "Grand Ballroom",
        "title_ko": "개막식",
        "title_en": "Opening ceremony",
        "description_ko": (
            "세계 50여 개 도시의 시장과 대표단이 참석한 가운데 세계도시 전자정부 협의체 창립총회가 개막합니다. "
            "대럴 엠 웨스트 교수의 기조연설을 포함한 개막식은 서울시 인터넷방송(TV.seoul.go.kr)에서 생중계됩니다."
        ),
        "description_en": (
            "The founding General Assembly of WeGO opens before the mayors and delegations of about 50 cities. "
            "The opening ceremony, with the keynote speech by Professor Darrell M. West, is streamed live on "
            "Seoul's internet broadcasting service, TV.seoul.go.kr."
        ),
        "starts_at": at(9, 7, "09:30"),
        "ends_at": at(9, 7, "10:20"),
        "is_streamed": True,
    },
    {
        "slug": "keynote-darrell-m-west",
        "kind": "keynote",
        "room": "Grand Ballroom",
        "title_ko": "기조연설: 대럴 엠 웨스트 교수",
        "title_en": "Keynote speech: Professor Darrell M. West",
        "description_ko": (
            "개막식에서 미국 제1의 싱크탱크로 알려진 워싱턴 브루킹스연구소의 부소장 대럴 엠 웨스트 교수가 "
            "기조연설을 합니다. 서울시 인터넷방송(TV.seoul.go.kr)에서 생중계됩니다."
        ),
        "description_en": (
            "At the opening ceremony Professor Darrell M. West, Vice President of the Brookings Institution in "
            "Washington, known as the leading think tank in the United States, gives the keynote speech. "
            "Streamed live on TV.seoul.go.kr."
        ),
        "starts_at": at(9, 7, "10:20"),
        "ends_at": at(9, 7, "11:00"),
        "is_streamed": True,
        "speakers": [("darrell-m-west", "keynote")],
    },
    {
        "slug": "plenary-session",
        "kind": "plenary",
        "room": "Grand Ballroom",
        "title_ko": "본회의",
        "title_en": "Plenary session",
        "description_ko": (
            "회원 도시의 시장과 대표단이 본회의에서 다음 안건을 논의합니다.\n"
            "- 의장 도시 및 부의장 도시 선출: 초대 의장 도시는 그동안 협의체 창립을 주도해 온 서울시로 의견이 "
            "모아져 있습니다.\n"
            "- 차기 개최 도시 선정\n"
            "- 협의체 규약 최종 의결\n"
            "- 협의체 협력 프로그램과 사업\n"
            "- 향후 발전 방안\n"
            "회의는 전자회의시스템과 터치스크린 등 IT 신기술을 활용해 진행됩니다."
        ),
        "description_en": (
            "The mayors and delegations of the member cities meet in plenary. On the agenda:\n"
            "- election of the chair city and the vice-chair cities: Seoul, which led the founding of the "
            "organisation, is expected to be the first chair city;\n"
            "- selection of the next host city;\n"
            "- final adoption of the bylaws;\n"
            "- the organisation's cooperation programmes and projects;\n"
            "- its future development.\n"
            "The meeting runs on an electronic conference system with touchscreens."
        ),
        "starts_at": at(9, 7, "11:00"),
        "ends_at": at(9, 7, "12:30"),
        "audience": "delegates",
    },
    {
        "slug": "delegates-lunch",
        "kind": "reception",
        "room": "Garden Terrace",
        "title_ko": "대표단 오찬",
        "title_en": "Lunch for delegates",
        "description_ko": "본회의를 마친 시장과 대표단이 함께하는 오찬입니다.",
        "description_en": "Lunch for the mayors and delegations after the plenary session.",
        "starts_at": at(9, 7, "12:30"),
        "ends_at": at(9, 7, "14:00"),
        "audience": "delegates",
        "is_sample": True,
    },
    {
        "slug": "best-practices-citizen-participation",
        "kind": "best-practice",
        "room": "Grand Ballroom",
        "title_ko": "도시별 전자정부 우수사례 발표: 시민참여",
        "title_en": "e-Government best practices: citizen participation",
        "description_ko": (
            "도시별 전자정부 우수사례를 공유하는 자리입니다. 바르셀로나, 베를린, 프랑크푸르트 등 7개 도시가 "
            "시민참여를 주제로 각각의 선진사례를 발표합니다."
        ),
        "description_en": (
            "Cities share their e-government best practices: seven cities, among them Barcelona, Berlin and "
            "Frankfurt, each present their work on the theme of citizen participation."
        ),
        "starts_at": at(9, 7, "14:00"),
        "ends_at": at(9, 7, "17:30"),
        "speakers": [
            ("jordi-puig", "presenter"),
            ("katrin-weber", "presenter"),
            ("thomas-becker", "presenter"),
            ("michael-chen", "presenter"),
            ("sergei-volkov", "presenter"),
            ("nguyen-van-minh", "presenter"),
            ("batbayar-dorj", "presenter"),
        ],
    },
    {
        "slug": "it-exhibition-7-september",
        "kind": "exhibition",
        "room": "Exhibition Hall (Ballroom Foyer)",
        "title_ko": "IT 전시관 (첫째 날)",
        "title_en": "IT exhibition (day 1)",
        "description_ko": (
            "삼성SDS, LG CNS, KT 등 8개 기업이 세계를 주도하는 우리 기업의 첨단 IT 기술을 선보이고, 서울시도 "
            "u-City관과 GIS관을 열어 첨단 IT 기술을 소개합니다. 전시는 9월 7일과 8일 이틀간 열립니다."
        ),
        "description_en": (
            "Eight companies, among them Samsung SDS, LG CNS and KT, show Korea's advanced IT, and Seoul presents "
            "its own u-City and GIS pavilions. The exhibition is open on 7 and 8 September."
        ),
        "starts_at": at(9, 7, "09:00"),
        "ends_at": at(9, 7, "18:00"),
    },
    # 8 September.
    {
        "slug": "workshop-registration",
        "kind": "registration",
        "room": "Registration Desk",
        "title_ko": "워크숍 현장 등록",
        "title_en": "On-site registration for the workshop",
        "description_ko": "사전 등록한 참가자는 등록을 확인하고, 시민과 IT 관계자는 현장에서 등록할 수 있습니다.",
        "description_en": (
            "Participants who registered online check in; citizens and IT professionals can also register on the spot."
        ),
        "starts_at": at(9, 8, "08:30"),
        "ends_at": at(9, 8, "09:30"),
        "is_sample": True,
    },
    {
        "slug": "workshop-u-city",
        "kind": "workshop",
        "room": "Regency Room",
        "title_ko": "워크숍: U-City",
        "title_en": "Workshop: U-City",
        "description_ko": (
            "워크숍 4개 세션 가운데 하나로, 네트워크와 센서로 도시 서비스를 제공하는 유비쿼터스 도시(U-City)를 "
            "다룹니다." + _WORKSHOP_PUBLIC_KO
        ),
        "description_en": (
            "One of the four workshop sessions: the ubiquitous city (U-City), city services built on networks "
            "and sensors." + _WORKSHOP_PUBLIC_EN
        ),
        "speakers": [("kim-min-jun", "moderator"), ("lee-seo-yeon", "panellist"), ("anna-lindqvist", "panellist")],
    },
    {
        "slug": "workshop-gis",
        "kind": "workshop",
        "room": "Grand Salon",
        "title_ko": "워크숍: GIS",
        "title_en": "Workshop: GIS",
        "description_ko": (
            "워크숍 4개 세션 가운데 하나로, 도시 행정에 쓰이는 지리정보시스템(GIS)과 공간정보를 다룹니다."
            + _WORKSHOP_PUBLIC_KO
        ),
        "description_en": (
            "One of the four workshop sessions: geographic information systems (GIS) and spatial data in city "
            "administration." + _WORKSHOP_PUBLIC_EN
        ),
        "speakers": [("park-ji-hoon", "moderator"), ("choi-yu-jin", "panellist"), ("david-morgan", "panellist")],
    },
    {
        "slug": "workshop-un-e-government-network",
        "kind": "workshop",
        "room": "Namsan Room",
        "title_ko": "워크숍: UN 전자정부 네트워크",
        "title_en": "Workshop: UN e-Government network",
        "description_ko": (
            "워크숍 4개 세션 가운데 하나로, UN 전자정부 네트워크를 통한 도시 간 협력을 다룹니다." + _WORKSHOP_PUBLIC_KO
        ),
        "description_en": (
            "One of the four workshop sessions: cooperation between cities through the UN e-Government network."
            + _WORKSHOP_PUBLIC_EN
        ),
        "speakers": [
            ("maria-santos", "moderator"),
            ("jung-ha-neul", "panellist"),
            ("ahmed-al-farsi", "panellist"),
        ],
    },
    {
        "slug": "workshop-ccl-open-public-information",
        "kind": "workshop",
        "room": "Hangang Room",
        "title_ko": "워크숍: 공공정보 개방에 따른 CCL 적용방안",
        "title_en": "Workshop: applying CCL to open public information",
        "description_ko": (
            "워크숍 4개 세션 가운데 하나로, 공공정보를 개방할 때 크리에이티브 커먼즈 라이선스(CCL)를 적용하는 "
            "방안을 다룹니다." + _WORKSHOP_PUBLIC_KO
        ),
        "description_en": (
            "One of the four workshop sessions: applying Creative Commons licences (CCL) when public information "
            "is opened to everyone." + _WORKSHOP_PUBLIC_EN
        ),
        "speakers": [("oh-seung-woo", "moderator"), ("seo-min-ji", "panellist"), ("laura-bianchi", "panellist")],
    },
    {
        "slug": "it-exhibition-8-september",
        "kind": "exhibition",
        "room": "Exhibition Hall (Ballroom Foyer)",
        "title_ko": "IT 전시관 (둘째 날)",
        "title_en": "IT exhibition (day 2)",
        "description_ko": (
            "IT 전시 둘째 날입니다. 삼성SDS, LG CNS, KT 등 8개 기업과 서울시 u-City관, GIS관을 둘러볼 수 있습니다."
        ),
        "description_en": (
            "The second day of the IT exhibition: eight companies, among them Samsung SDS, LG CNS and KT, and "
            "Seoul's u-City and GIS pavilions."
        ),
        "starts_at": at(9, 8, "09:00"),
        "ends_at": at(9, 8, "16:00"),
    },
    {
        "slug": "farewell-lunch",
        "kind": "reception",
        "room": "Garden Terrace",
        "title_ko": "폐회 인사 및 환송 오찬",
        "title_en": "Closing remarks and farewell lunch",
        "description_ko": "주관 기관의 폐회 인사와 함께 대표단을 환송하는 오찬입니다.",
        "description_en": "The organisers thank the delegations over a farewell lunch.",
        "starts_at": at(9, 8, "12:30"),
        "ends_at": at(9, 8, "14:00"),
        "audience": "delegates",
        "is_sample": True,
        "speakers": [("song-jeong-hee", "presenter")],
    },
]

# What the record does not give about the sessions it names.
_INVENTED_IN_WORKSHOPS = ["starts_at", "ends_at", "room", "booking_required", "capacity"]
_INVENTED_IN_OTHERS = ["starts_at", "ends_at", "room", "audience"]

# The four workshop sessions run in parallel, each in its own room; every seat is booked.
_ROOM_SEATS = {room["name_en"]: room["capacity"] for room in ROOMS}
for _session in SESSIONS:
    _session.setdefault("audience", "public")
    _session.setdefault("is_streamed", False)
    _session.setdefault("is_sample", False)
    _session.setdefault("speakers", [])
    _is_workshop = _session["kind"] == "workshop"
    if _session["is_sample"]:
        _session["invented_fields"] = []  # the whole row is invented
    else:
        _session["invented_fields"] = list(_INVENTED_IN_WORKSHOPS if _is_workshop else _INVENTED_IN_OTHERS)
    if _is_workshop:
        _session.update(
            starts_at=_WORKSHOP_START,
            ends_at=_WORKSHOP_END,
            booking_required=True,
            capacity=_ROOM_SEATS[_session["room"]],
        )
    else:
        _session.setdefault("booking_required", False)
        _session.setdefault("capacity", None)
