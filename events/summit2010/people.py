"""Speakers of the 2010 General Assembly.

Facts: Darrell M. West (keynote) and Song Jeong-hee (head of the organising
Informatization Planning Group). Everyone else is invented (is_sample): one
presenter for each of the seven best-practice cities, and a moderator and two
panellists for each workshop session, at fictional organisations. Sessions link
speakers by slug (see programme.py).
"""


def _speaker(slug, name, title, organisation, city, country, biography, *, is_sample=True):
    """Build a speaker row from (Korean, English) pairs."""
    row = {"slug": slug, "country": country, "is_sample": is_sample}
    for field, (ko, en) in {
        "name": name,
        "title": title,
        "organisation": organisation,
        "city": city,
        "biography": biography,
    }.items():
        row[f"{field}_ko"], row[f"{field}_en"] = ko, en
    return row


SEOUL = ("서울", "Seoul")

SPEAKERS = [
    # Facts.
    _speaker(
        "darrell-m-west",
        ("대럴 엠 웨스트", "Darrell M. West"),
        ("부소장", "Vice President"),
        ("브루킹스연구소", "Brookings Institution"),
        ("워싱턴", "Washington"),
        "US",
        (
            "대럴 엠 웨스트 교수는 미국 제1의 싱크탱크로 알려진 워싱턴 브루킹스연구소의 부소장입니다. "
            "창립총회 개막식에서 기조연설을 합니다.",
            "Professor Darrell M. West is Vice President of the Brookings Institution in Washington, known as the "
            "leading think tank in the United States. He gives the keynote speech at the opening ceremony.",
        ),
        is_sample=False,
    ),
    _speaker(
        "song-jeong-hee",
        ("송정희", "Song Jeong-hee"),
        ("정보화기획단장", "Head, Informatization Planning Group"),
        ("서울특별시", "Seoul Metropolitan Government"),
        SEOUL,
        "KR",
        (
            "송정희 단장은 창립총회를 주관하는 서울특별시 정보화기획단을 이끌고 있습니다. “서울시의 IT 정책, 기술, "
            "기업을 세계적으로 알리면 도시 브랜드 가치를 높일 수 있고, IT 기업이 협의체를 발판으로 신흥시장을 "
            "개척하면 일자리와 소득 확대를 동반하게 될 것”이라고 말했습니다.",
            "Song Jeong-hee heads the Seoul Metropolitan Government's Informatization Planning Group, which "
            "organises the General Assembly. “If we make Seoul's IT policies, technology and companies known "
            "around the world, we raise the value of the city's brand; and if IT companies use the organisation "
            "to open up emerging markets, more jobs and income will follow.”",
        ),
        is_sample=False,
    ),
    # Best-practice presenters (invented).
    _speaker(
        "jordi-puig",
        ("조르디 푸이그", "Jordi Puig"),
        ("전자정부 국장", "Director of e-Government"),
        ("바르셀로나 시청", "Barcelona City Council"),
        ("바르셀로나", "Barcelona"),
        "ES",
        (
            "공개 의견 수렴과 동네 사업의 주민 참여 계획 등 바르셀로나의 온라인 시민참여 사업을 이끌고 있습니다.",
            "Leads Barcelona's online citizen participation: open consultations and residents' planning of "
            "neighbourhood projects.",
        ),
    ),
    _speaker(
        "katrin-weber",
        ("카트린 베버", "Katrin Weber"),
        ("전자정부 팀장", "Head of e-Government"),
        ("베를린 주정부 내무부", "Senate Department for the Interior, Berlin"),
        ("베를린", "Berlin"),
        "DE",
        (
            "베를린의 온라인 민원 서비스와 주민참여예산 포털을 맡고 있습니다.",
            "Responsible for Berlin's online citizen services and its participatory budgeting portal.",
        ),
    ),
    _speaker(
        "thomas-becker",
        ("토마스 베커", "Thomas Becker"),
        ("최고정보책임자(CIO)", "Chief Information Officer"),
        ("프랑크푸르트암마인시", "City of Frankfurt am Main"),
        ("프랑크푸르트", "Frankfurt"),
        "DE",
        (
            "프랑크푸르트의 전자 참여 사업과 생활 불편 온라인 신고 서비스를 이끌고 있습니다.",
            "Leads Frankfurt's e-participation work and its online service for reporting problems in public spaces.",
        ),
    ),
    _speaker(
        "michael-chen",
        ("마이클 첸", "Michael Chen"),
        ("기술국 부국장", "Deputy Director, Department of Technology"),
        ("샌프란시스코시", "City and County of San Francisco"),
        ("샌프란시스코", "San Francisco"),
        "US",
        (
            "샌프란시스코의 공공데이터 개방과 311 시민 민원 창구를 담당합니다.",
            "Works on San Francisco's open data and its 311 citizen service line.",
        ),
    ),
    _speaker(
        "sergei-volkov",
        ("세르게이 볼코프", "Sergei Volkov"),
        ("정보기술국 부국장", "Deputy Head, Department of Information Technology"),
        ("모스크바시 정부", "Moscow City Government"),
        ("모스크바", "Moscow"),
        "RU",
        (
            "모스크바 시민을 위한 전자 민원 포털을 총괄합니다.",
            "Oversees Moscow's portal of electronic public services for residents.",
        ),
    ),
    _speaker(
        "nguyen-van-minh",
        ("응우옌 반 민", "Nguyen Van Minh"),
        ("정보통신국 부국장", "Deputy Director, Department of Information and Communications"),
        ("하노이시 인민위원회", "Hanoi People's Committee"),
        ("하노이", "Hanoi"),
        "VN",
        (
            "시민과 기업을 위한 하노이의 원스톱 온라인 행정 서비스를 이끌고 있습니다.",
            "Leads Hanoi's one-stop online administrative services for citizens and businesses.",
        ),
    ),
    _speaker(
        "batbayar-dorj",
        ("바트바야르 도르지", "Batbayar Dorj"),
        ("전자정부실장", "Head of the e-Government Office"),
        ("울란바타르 시장실", "Office of the Governor of Ulaanbaatar"),
        ("울란바타르", "Ulaanbaatar"),
        "MN",
        (
            "울란바타르의 전자정부 계획과 시민 의견 접수 서비스를 책임지고 있습니다.",
            "Responsible for Ulaanbaatar's e-government plan and its citizen feedback service.",
        ),
    ),
    # Workshop: U-City (invented).
    _speaker(
        "kim-min-jun",
        ("김민준", "Kim Min-jun"),
        ("도시공학과 교수", "Professor of Urban Engineering"),
        ("한강대학교", "Hangang University"),
        SEOUL,
        "KR",
        (
            "센서 네트워크를 활용한 도시 서비스를 연구하며, U-City 세션의 사회를 맡습니다.",
            "Researches city services built on sensor networks and moderates the U-City session.",
        ),
    ),
    _speaker(
        "lee-seo-yeon",
        ("이서연", "Lee Seo-yeon"),
        ("선임연구원", "Senior Researcher"),
        ("한국디지털도시연구원", "Korea Institute for Digital Cities"),
        SEOUL,
        "KR",
        (
            "국내 신도시의 교통·방범·환경 통합관제센터 계획을 연구합니다.",
            "Studies how Korea's new towns plan integrated control centres for traffic, safety and the environment.",
        ),
    ),
    _speaker(
        "anna-lindqvist",
        ("안나 린드크비스트", "Anna Lindqvist"),
        ("스마트시티 프로그램 책임자", "Smart City Programme Lead"),
        ("북유럽 도시기술센터", "Nordic Urban Technology Centre"),
        ("스톡홀름", "Stockholm"),
        "SE",
        (
            "북유럽 도시들과 함께 에너지·교통 분야의 센서 데이터 활용을 연구합니다.",
            "Works with Nordic cities on using sensor data for energy and transport.",
        ),
    ),
    # Workshop: GIS (invented).
    _speaker(
        "park-ji-hoon",
        ("박지훈", "Park Ji-hoon"),
        ("공간정보공학과 교수", "Professor of Geoinformatics"),
        ("남산대학교", "Namsan University"),
        SEOUL,
        "KR",
        (
            "지리정보시스템을 가르치며, GIS 세션의 사회를 맡습니다.",
            "Teaches geographic information systems and moderates the GIS session.",
        ),
    ),
    _speaker(
        "choi-yu-jin",
        ("최유진", "Choi Yu-jin"),
        ("공간데이터실장", "Head of Spatial Data"),
        ("한국공간데이터연구원", "Korea Spatial Data Institute"),
        ("대전", "Daejeon"),
        "KR",
        (
            "공공기관 사이의 도시 지도와 공간 데이터 공유를 연구합니다.",
            "Works on sharing city maps and spatial data between public agencies.",
        ),
    ),
    _speaker(
        "david-morgan",
        ("데이비드 모건", "David Morgan"),
        ("오픈 지오데이터 랩 소장", "Director, Open Geodata Lab"),
        ("태평양지리정보연구소", "Pacific Institute for Geographic Information"),
        ("밴쿠버", "Vancouver"),
        "CA",
        (
            "시민이 다시 쓸 수 있는 지도 데이터를 공개하는 방법에 대해 도시들에 자문합니다.",
            "Advises cities on publishing map data that citizens can reuse.",
        ),
    ),
    # Workshop: UN e-Government network (invented).
    _speaker(
        "maria-santos",
        ("마리아 산토스", "Maria Santos"),
        ("프로그램 담당관", "Programme Officer"),
        ("국제전자정부협력센터", "International Centre for e-Government Cooperation"),
        ("마닐라", "Manila"),
        "PH",
        (
            "UN 전자정부 네트워크에 속한 도시 사이의 연수와 교류를 조율하며, 이 세션의 사회를 맡습니다.",
            "Coordinates training and exchanges between cities of the UN e-government network and moderates "
            "this session.",
        ),
    ),
    _speaker(
        "jung-ha-neul",
        ("정하늘", "Jung Ha-neul"),
        ("행정학과 부교수", "Associate Professor of Public Administration"),
        ("한강대학교", "Hangang University"),
        SEOUL,
        "KR",
        (
            "UN 전자정부 평가를 비롯한 전자정부 국제 비교를 연구합니다.",
            "Researches international comparisons of e-government, including the UN e-government survey.",
        ),
    ),
    _speaker(
        "ahmed-al-farsi",
        ("아흐메드 알파르시", "Ahmed Al-Farsi"),
        ("전자정부 자문관", "e-Government Adviser"),
        ("걸프 디지털거버넌스센터", "Gulf Centre for Digital Governance"),
        ("무스카트", "Muscat"),
        "OM",
        (
            "지방정부가 지역 및 UN 전자정부 네트워크에 참여하도록 자문합니다.",
            "Advises municipalities on joining regional and UN e-government networks.",
        ),
    ),
    # Workshop: CCL and open public information (invented).
    _speaker(
        "oh-seung-woo",
        ("오승우", "Oh Seung-woo"),
        ("정보법학과 교수", "Professor of Information Law"),
        ("남산대학교", "Namsan University"),
        SEOUL,
        "KR",
        (
            "공공정보의 저작권과 이용허락을 연구하며, CCL 세션의 사회를 맡습니다.",
            "Works on copyright and the licensing of public information and moderates the CCL session.",
        ),
    ),
    _speaker(
        "seo-min-ji",
        ("서민지", "Seo Min-ji"),
        ("공공데이터 정책연구원", "Public Data Policy Researcher"),
        ("한국공공데이터포럼", "Korea Open Data Forum"),
        SEOUL,
        "KR",
        (
            "지방정부가 크리에이티브 커먼즈 라이선스(CCL)로 정보를 공개하는 방안을 연구합니다.",
            "Studies how local governments can publish information under Creative Commons licences (CCL).",
        ),
    ),
    _speaker(
        "laura-bianchi",
        ("라우라 비앙키", "Laura Bianchi"),
        ("법률 책임자", "Legal Lead"),
        ("오픈 라이선싱 랩", "Open Licensing Lab"),
        ("토리노", "Turin"),
        "IT",
        (
            "이탈리아 도시들이 공공데이터에 공개 라이선스를 적용하도록 돕습니다.",
            "Helps Italian cities apply open licences to public data.",
        ),
    ),
]
