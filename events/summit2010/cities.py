"""Cities taking part in the 2010 General Assembly.

Facts: about 50 cities take part, among them Barcelona, Frankfurt, San
Francisco, Berlin, Moscow, Hanoi and Ulaanbaatar; Seoul is expected to be the
first chair city; seven cities, among them Barcelona, Berlin and Frankfurt,
present a best practice. Assumed, and listed in the rows' `invented_fields`:
that Seoul was elected chair (the record only expects it), and that the other
presenting cities are San Francisco, Moscow, Hanoi and Ulaanbaatar. Invented
outright (is_sample): every other city, including the vice-chair cities.
Position orders the roles: chair, vice-chairs, members; the public list sorts by
name within a role.
"""

# (English name, Korean name, ISO country code)
_FACT_PRESENTERS = [
    ("Barcelona", "바르셀로나", "ES"),
    ("Berlin", "베를린", "DE"),
    ("Frankfurt", "프랑크푸르트", "DE"),
]
# Named as taking part; that they are the other presenters is assumed.
_ASSUMED_PRESENTERS = [
    ("San Francisco", "샌프란시스코", "US"),
    ("Moscow", "모스크바", "RU"),
    ("Hanoi", "하노이", "VN"),
    ("Ulaanbaatar", "울란바타르", "MN"),
]
_VICE_CHAIR_SAMPLES = [
    ("Bogotá", "보고타", "CO"),
    ("Istanbul", "이스탄불", "TR"),
    ("Kuala Lumpur", "쿠알라룸푸르", "MY"),
    ("Nairobi", "나이로비", "KE"),
]
_MEMBER_SAMPLES = [
    ("Accra", "아크라", "GH"),
    ("Addis Ababa", "아디스아바바", "ET"),
    ("Amman", "암만", "JO"),
    ("Amsterdam", "암스테르담", "NL"),
    ("Astana", "아스타나", "KZ"),
    ("Auckland", "오클랜드", "NZ"),
    ("Bangkok", "방콕", "TH"),
    ("Beijing", "베이징", "CN"),
    ("Bishkek", "비슈케크", "KG"),
    ("Busan", "부산", "KR"),
    ("Cairo", "카이로", "EG"),
    ("Colombo", "콜롬보", "LK"),
    ("Dhaka", "다카", "BD"),
    ("Dubai", "두바이", "AE"),
    ("Helsinki", "헬싱키", "FI"),
    ("Ho Chi Minh City", "호찌민", "VN"),
    ("Jakarta", "자카르타", "ID"),
    ("Johannesburg", "요하네스버그", "ZA"),
    ("Kathmandu", "카트만두", "NP"),
    ("Kigali", "키갈리", "RW"),
    ("Lisbon", "리스본", "PT"),
    ("Manila", "마닐라", "PH"),
    ("Mexico City", "멕시코시티", "MX"),
    ("New Delhi", "뉴델리", "IN"),
    ("Paris", "파리", "FR"),
    ("Phnom Penh", "프놈펜", "KH"),
    ("Prague", "프라하", "CZ"),
    ("São Paulo", "상파울루", "BR"),
    ("Shanghai", "상하이", "CN"),
    ("Stockholm", "스톡홀름", "SE"),
    ("Sydney", "시드니", "AU"),
    ("Tallinn", "탈린", "EE"),
    ("Tashkent", "타슈켄트", "UZ"),
    ("Tokyo", "도쿄", "JP"),
    ("Vienna", "빈", "AT"),
    ("Vientiane", "비엔티안", "LA"),
    ("Warsaw", "바르샤바", "PL"),
    ("Yokohama", "요코하마", "JP"),
]


def _city(name_en, name_ko, country, *, role, position, is_sample, presents_best_practice=False, invented=()):
    return {
        "name_en": name_en,
        "name_ko": name_ko,
        "country": country,
        "role": role,
        "position": position,
        "is_sample": is_sample,
        "presents_best_practice": presents_best_practice,
        "invented_fields": list(invented),
    }


CITIES = [
    # The record: Seoul "is expected to be" the first chair city.
    _city("Seoul", "서울", "KR", role="chair", position=0, is_sample=False, invented=["role"]),
    *(_city(*city, role="vice_chair", position=1, is_sample=True) for city in _VICE_CHAIR_SAMPLES),
    *(
        _city(*city, role="member", position=2, is_sample=False, presents_best_practice=True)
        for city in _FACT_PRESENTERS
    ),
    *(
        _city(
            *city,
            role="member",
            position=2,
            is_sample=False,
            presents_best_practice=True,
            invented=["presents_best_practice"],
        )
        for city in _ASSUMED_PRESENTERS
    ),
    *(_city(*city, role="member", position=2, is_sample=True) for city in _MEMBER_SAMPLES),
]
