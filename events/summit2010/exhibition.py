"""The IT exhibition of 7-8 September 2010.

Facts: eight companies, among them Samsung SDS, LG CNS and KT, and Seoul's own
u-City and GIS pavilions. The other five companies are fictional (is_sample).
Assumed in the rows from the record (listed in their `invented_fields`): every
booth number, and the companies' websites, which the record does not give.
"""

_SHOWCASE_KO = "창립총회 IT 전시관에서 세계를 주도하는 우리 기업의 첨단 IT 기술을 선보이는 8개 기업 가운데 하나입니다."
_SHOWCASE_EN = "One of the eight companies showing Korea's advanced IT at the General Assembly's IT exhibition."

EXHIBITORS = [
    # Seoul's own pavilions (facts).
    {
        "slug": "seoul-u-city-pavilion",
        "kind": "pavilion",
        "name_ko": "서울시 u-City관",
        "name_en": "Seoul u-City Pavilion",
        "booth": "S1",
        "description_ko": (
            "서울시가 직접 여는 전시관으로, 네트워크와 센서로 도시 서비스를 제공하는 유비쿼터스 도시를 소개합니다."
        ),
        "description_en": "Seoul's own pavilion on the ubiquitous city: city services built on networks and sensors.",
    },
    {
        "slug": "seoul-gis-pavilion",
        "kind": "pavilion",
        "name_ko": "서울시 GIS관",
        "name_en": "Seoul GIS Pavilion",
        "booth": "S2",
        "description_ko": (
            "서울시가 직접 여는 전시관으로, 서울시의 지리정보시스템(GIS)과 도시 지도 서비스를 소개합니다."
        ),
        "description_en": "Seoul's own pavilion on its geographic information systems (GIS) and city map services.",
    },
    # Companies named in the press release (facts).
    {
        "slug": "samsung-sds",
        "name_ko": "삼성SDS",
        "name_en": "Samsung SDS",
        "booth": "C1",
        "description_ko": "IT 서비스 기업. " + _SHOWCASE_KO,
        "description_en": "IT services company. " + _SHOWCASE_EN,
        "website": "https://www.samsungsds.com/",
    },
    {
        "slug": "lg-cns",
        "name_ko": "LG CNS",
        "name_en": "LG CNS",
        "booth": "C2",
        "description_ko": "IT 서비스 기업. " + _SHOWCASE_KO,
        "description_en": "IT services company. " + _SHOWCASE_EN,
        "website": "https://www.lgcns.com/",
    },
    {
        "slug": "kt",
        "name_ko": "KT",
        "name_en": "KT",
        "booth": "C3",
        "description_ko": "통신 기업. " + _SHOWCASE_KO,
        "description_en": "Telecommunications company. " + _SHOWCASE_EN,
        "website": "https://www.kt.com/",
    },
    # Fictional companies (samples).
    {
        "slug": "dasom-touch",
        "name_ko": "다솜터치",
        "name_en": "Dasom Touch",
        "booth": "C4",
        "description_ko": "터치스크린 키오스크와 전자회의시스템을 만듭니다.",
        "description_en": "Makes touchscreen kiosks and electronic conference systems.",
        "is_sample": True,
    },
    {
        "slug": "saebit-geosoft",
        "name_ko": "새빛지오소프트",
        "name_en": "Saebit GeoSoft",
        "booth": "C5",
        "description_ko": "지방정부를 위한 GIS 소프트웨어와 3차원 도시 모델을 개발합니다.",
        "description_en": "GIS software and 3D city models for local governments.",
        "is_sample": True,
    },
    {
        "slug": "arirang-records",
        "name_ko": "아리랑기록시스템",
        "name_en": "Arirang Records Systems",
        "booth": "C6",
        "description_ko": "시 행정을 위한 전자문서·기록관리 시스템을 공급합니다.",
        "description_en": "Electronic document and records management for city administrations.",
        "is_sample": True,
    },
    {
        "slug": "hanbit-civicnet",
        "name_ko": "한빛시빅넷",
        "name_en": "Hanbit CivicNet",
        "booth": "C7",
        "description_ko": "청원, 의견 수렴, 주민참여예산 등 온라인 시민참여 플랫폼을 만듭니다.",
        "description_en": (
            "Online platforms for citizen participation: petitions, consultations and participatory budgets."
        ),
        "is_sample": True,
    },
    {
        "slug": "maru-secure",
        "name_ko": "마루시큐어",
        "name_en": "Maru Secure",
        "booth": "C8",
        "description_ko": "공공 서비스를 위한 정보보호와 전자 본인확인 솔루션을 제공합니다.",
        "description_en": "Information security and electronic identification for public services.",
        "is_sample": True,
    },
]

for _position, _exhibitor in enumerate(EXHIBITORS, start=1):
    _exhibitor.setdefault("kind", "company")
    _exhibitor.setdefault("website", "")
    _exhibitor.setdefault("is_sample", False)
    _exhibitor["position"] = _position
    if _exhibitor["is_sample"]:
        _exhibitor["invented_fields"] = []  # the whole row is invented
    else:
        _exhibitor["invented_fields"] = ["booth", "website"] if _exhibitor["website"] else ["booth"]
