"""The edition itself: WeGO's founding General Assembly, Seoul, 6-8 September 2010.

Everything here is from the press release (docs/summit-facts.md) except the
details listed in `invented_fields` (the registration window, the capacity, the
venue's address and directions, the website, the contact address), which are assumed; the directions
also say so in their last sentence. The edition, city, stream service, data
attribution and venue sketch are what the pages say about this edition instead
of naming it in a template.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

TIME_ZONE = "Asia/Seoul"
SEOUL = ZoneInfo(TIME_ZONE)


def at(month: int, day: int, hhmm: str) -> datetime:
    """A moment of 2010 in Seoul time: at(9, 7, "09:30")."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(2010, month, day, hour, minute, tzinfo=SEOUL)


EVENT = {
    "slug": "wego-2010",
    "name_ko": "세계도시 전자정부 협의체(WeGO) 창립총회",
    "name_en": "WeGO Founding General Assembly",
    "short_name_ko": "WeGO 창립총회",
    "short_name_en": "WeGO General Assembly",
    "edition_ko": "창립총회",
    "edition_en": "Founding General Assembly",
    "city_ko": "서울",
    "city_en": "Seoul",
    "theme_ko": "세계도시 전자정부의 나눔과 번영",
    "theme_en": "e-Sharing for All",
    "description_ko": (
        "세계도시 전자정부 협의체(WeGO)가 2010년 9월 6일부터 8일까지 사흘간 남산 그랜드 하얏트 서울에서 "
        "창립총회를 엽니다. 바르셀로나, 프랑크푸르트, 샌프란시스코, 베를린, 모스크바, 하노이, 울란바타르 등 "
        "세계 50여 개 도시의 시장과 대표단이 모여 “세계도시 전자정부의 나눔과 번영(e-Sharing for All)”을 "
        "주제로 논의합니다.\n\n"
        "9월 7일에는 개막식과 본회의가 열립니다. 개막식에서는 미국 워싱턴 브루킹스연구소 부소장 대럴 엠 웨스트 "
        "교수가 기조연설을 하고, 바르셀로나, 베를린, 프랑크푸르트 등 7개 도시가 시민참여를 주제로 전자정부 "
        "우수사례를 발표합니다. 9월 8일 오전에는 U-City, GIS, UN 전자정부 네트워크, 공공정보 개방에 따른 CCL "
        "적용방안을 주제로 4개 세션의 워크숍이 열려 국내외 IT 전문가와 학계 관계자가 토론하며, 일반 시민과 IT "
        "관계자도 참석할 수 있습니다. 7일과 8일 이틀간 열리는 IT 전시관에는 삼성SDS, LG CNS, KT 등 8개 기업이 "
        "참여하고, 서울시도 u-City관과 GIS관을 엽니다.\n\n"
        "개막식은 서울시 인터넷방송(TV.seoul.go.kr)에서 생중계됩니다. 참석을 원하는 시민은 이 홈페이지에서 "
        "사전 온라인 등록을 하거나 행사장에서 현장 등록을 하면 됩니다. 회의는 전자회의시스템과 터치스크린 등 "
        "IT 신기술을 활용해 진행됩니다."
    ),
    "description_en": (
        "The World e-Governments Organization of Cities and Local Governments (WeGO) holds its founding General "
        "Assembly at Grand Hyatt Seoul on Namsan from September 6 to 8, 2010. Mayors and delegations of about 50 "
        "cities, among them Barcelona, Frankfurt, San Francisco, Berlin, Moscow, Hanoi and Ulaanbaatar, meet "
        "under the theme “e-Sharing for All”.\n\n"
        "September 7 brings the opening ceremony and the plenary session. At the opening, Professor Darrell M. "
        "West, Vice President of the Brookings Institution in Washington, gives the keynote speech, and seven "
        "cities, among them Barcelona, Berlin and Frankfurt, present e-government best practices on citizen "
        "participation. On the morning of September 8 a workshop in four sessions (U-City; GIS; the UN "
        "e-Government network; applying CCL to open public information) brings together IT experts and "
        "academics from Korea and abroad; citizens and IT professionals are welcome. The IT exhibition on September 7 "
        "and 8 shows eight companies, among them Samsung SDS, LG CNS and KT, and Seoul's own u-City and "
        "GIS pavilions.\n\n"
        "The opening ceremony is streamed live on Seoul's internet broadcasting service, TV.seoul.go.kr. "
        "Citizens who wish to attend can register in advance on this website or on the spot at the venue. The "
        "meeting itself runs on an electronic conference system with touchscreens."
    ),
    "about_ko": (
        "세계도시 전자정부 협의체(WeGO)는 서울시가 세계 도시에 제안해 창립하는 국제기구로, 도시가 주도해 "
        "창립하는 세계 최초의 IT 관련 국제기구입니다. 회원 도시들은 정보기술을 활용한 행정 모델을 공유해 "
        "투명하고 효율적인 정부를 만들고, 전 세계 도시민이 첨단 디지털 기술의 혜택을 누릴 수 있도록 정보격차 "
        "해소에 힘을 모읍니다.\n\n"
        "협의체는 2008년 33개 도시 시장과 대표단이 참석한 가운데 서울에서 열린 「세계 전자정부 시장 포럼」에서 "
        "‘서울 전자정부 선언’을 채택하며 창립의 단초를 마련했고, 2009년 ‘세계 CIO포럼’과 2010년 6월 ‘협의체 "
        "운영위원회’를 거쳐, 세계 50여 개 도시와 함께한 2년여의 준비 끝에 이번 창립총회에서 출범합니다.\n\n"
        "서울시는 미국 럿거스대학교와 성균관대학교가 공동으로 진행하고 유엔경제사회국(UNDESA)과 미국행정학회"
        "(ASPA)가 후원하는 2년 주기의 ‘세계 100대 도시 전자정부 평가’에서 2003년부터 4회 연속 1위를 차지했으며, "
        "2008년에는 “세계 IT 수도”라는 타이틀을 받았습니다. 세계 124개 도시에서 약 680명이 서울시의 전자정부를 "
        "배우러 다녀갔고, 모스크바를 시작으로 하노이, 울란바타르, 바르셀로나 등 10개 도시가 서울시와 전자정부 "
        "협력 양해각서(MOU)를 체결했습니다.\n\n"
        "창립총회는 서울특별시 정보화기획단(단장 송정희)이 주관하고, 유엔경제사회국(UNDESA) 산하 "
        "유엔거버넌스센터(UNPOG)가 공식 후원합니다."
    ),
    "about_en": (
        "WeGO, the World e-Governments Organization of Cities and Local Governments, was proposed by Seoul to "
        "cities around the world. It is the first international IT organisation founded on the initiative of a "
        "city. Its members share administrative models built on information technology to make government "
        "transparent and efficient, and work together to close the digital divide so that people in every city "
        "can benefit from digital technology.\n\n"
        "The idea began at the World e-Government Mayors Forum in Seoul in 2008, where the mayors and "
        "delegations of 33 cities adopted the Seoul e-Government Declaration. It was taken forward at the World "
        "CIO Forum in 2009 and at the organisation's steering committee in June 2010; after two years of "
        "preparation with about 50 cities, the organisation is founded at this General Assembly.\n\n"
        "Seoul has ranked first four times in a row since 2003 in the biennial e-government survey of the "
        "world's 100 largest cities, run by Rutgers University and Sungkyunkwan University and sponsored by "
        "UNDESA and the American Society for Public Administration (ASPA); in 2008 it was named “World IT "
        "Capital”. About 680 people from 124 cities have come to Seoul to learn from its e-government, and 10 "
        "cities, beginning with Moscow and including Hanoi, Ulaanbaatar and Barcelona, have signed e-government "
        "MOUs with Seoul.\n\n"
        "The General Assembly is organised by the Seoul Metropolitan Government's Informatization Planning "
        "Group, headed by Song Jeong-hee, and officially sponsored by the UN Project Office on Governance "
        "(UNPOG), part of UNDESA."
    ),
    "organiser_ko": "서울특별시 정보화기획단",
    "organiser_en": "Seoul Metropolitan Government, Informatization Planning Group",
    "sponsor_ko": "유엔경제사회국(UNDESA) 산하 유엔거버넌스센터(UNPOG)",
    "sponsor_en": "UN Project Office on Governance (UNPOG), part of UNDESA",
    "start_date": date(2010, 9, 6),
    "end_date": date(2010, 9, 8),
    "time_zone": TIME_ZONE,
    "venue_name_ko": "남산 그랜드 하얏트 서울",
    "venue_name_en": "Grand Hyatt Seoul, Namsan",
    "venue_sketch": "namsan",
    "venue_address_ko": "서울특별시 용산구 소월로 322",
    "venue_address_en": "322 Sowol-ro, Yongsan-gu, Seoul",
    # Assumed: the press release names the hotel only.
    "venue_directions_ko": (
        "지하철: 6호선 한강진역 또는 이태원역에서 내려 택시를 타면 남산 언덕길을 따라 몇 분 거리입니다. 총회 기간에는 "
        "이태원역과 호텔 사이에 셔틀버스가 다닙니다.\n"
        "공항: 인천국제공항에서 호텔에 서는 공항 리무진 버스로 약 70분 걸립니다.\n"
        "택시: 남산 소월로의 “그랜드 하얏트 서울”로 가 달라고 하면 됩니다.\n"
        "데모용으로 작성한 예시 안내입니다. 게시하기 전에 확인하세요."
    ),
    "venue_directions_en": (
        "Subway: Line 6 to Hangangjin or Itaewon Station, then a few minutes by taxi up Namsan; during the "
        "General Assembly a shuttle bus runs between Itaewon Station and the hotel.\n"
        "Airport: the airport limousine bus from Incheon International Airport stops at the hotel (about 70 "
        "minutes).\n"
        "Taxi: ask for Grand Hyatt Seoul (그랜드 하얏트 서울) on Sowol-ro, Namsan.\n"
        "Sample directions written for the demo: check them before publishing."
    ),
    # Assumed: the press release gives neither a registration window nor a capacity.
    "registration_opens_at": at(8, 2, "09:00"),
    "registration_closes_at": at(9, 8, "12:00"),
    "capacity": 1500,
    "live_stream_url": "http://TV.seoul.go.kr",
    "live_stream_provider_ko": "서울시 인터넷 방송",
    "live_stream_provider_en": "Seoul’s internet broadcasting service",
    "data_attribution": "WeGO / Seoul Metropolitan Government",
    "website": "http://www.we-gov.org/",
    "contact_email": "wego2010@we-gov.org",
    "is_current": True,
    "is_sample": False,
    "invented_fields": [
        "venue_address",
        "venue_directions",
        "registration_opens_at",
        "registration_closes_at",
        "capacity",
        "website",
        "contact_email",
    ],
}
