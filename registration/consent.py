"""The personal-information consent texts of the registration form (Korean
Personal Information Protection Act, art. 15 and 22: purpose, items collected,
retention period, the right to refuse and what refusing means).

A consent text is a legal statement: what a person agreed to must be readable
later exactly as it was shown. So the texts are written here in both languages
(not through gettext, whose catalogues change), and each has a version. Change
a text only by adding a new version, and make the registration service store
that version (services.PRIVACY_TEXT_VERSION / NEWS_TEXT_VERSION; a test checks
that they match the versions here). Old versions stay in TEXTS for the record.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

from registration.models import ConsentKind

LANGUAGES = ("ko", "en")


@dataclass(frozen=True)
class Clause:
    heading: str
    body: str


@dataclass(frozen=True)
class ShownText:
    """A consent text in one language, as the form shows it."""

    kind: str
    version: str
    language: str
    title: str
    clauses: tuple[Clause, ...]
    agreement: str  # the label of the checkbox


@dataclass(frozen=True)
class ConsentText:
    kind: str
    version: str
    required: bool
    texts: dict[str, ShownText]

    def shown(self, language: str | None = None) -> ShownText:
        """The text in `language` (default: the active one), else Korean."""
        code = (language or get_language() or "ko")[:2]
        return self.texts.get(code) or self.texts["ko"]


def _text(kind: str, version: str, *, required: bool, **by_language) -> ConsentText:
    texts = {}
    for language in LANGUAGES:
        title, clauses, agreement = by_language[language]
        texts[language] = ShownText(
            kind=kind,
            version=version,
            language=language,
            title=title,
            clauses=tuple(Clause(heading, body) for heading, body in clauses),
            agreement=agreement,
        )
    return ConsentText(kind=kind, version=version, required=required, texts=texts)


PRIVACY = _text(
    ConsentKind.PRIVACY,
    "2010-08-01",
    required=True,
    ko=(
        "개인정보 수집·이용 동의 (필수)",
        [
            (
                "수집·이용 목적",
                "총회 참가 등록과 본인 확인, 입장권(QR 코드) 발급과 입장 확인, 워크숍 좌석 배정과 대기자 "
                "관리, 등록 확인·변경·취소와 행사 운영에 관한 전자우편 안내, 언론인·도시 대표단 등록의 승인.",
            ),
            (
                "수집 항목",
                "필수: 성명, 전자우편 주소, 국가, 도시, 참가자 구분, 전자우편 수신 언어, 선택한 세션, 소속 기관"
                "(시민은 선택). 선택: 직위, 전화번호, 접근성 또는 식사 관련 요청 사항(입력한 경우에 한해 편의 "
                "제공에만 이용). 자동 수집: 등록·동의 일시, 부정 이용 방지를 위한 접속 IP 주소(최대 10분간 보관).",
            ),
            (
                "보유·이용 기간",
                "행사 종료 후 3개월까지 보유·이용하고, 그 후 지체 없이 파기합니다. 다만, 다른 법령이 보존을 "
                "요구하는 정보는 그 법령이 정한 기간 동안 보관합니다.",
            ),
            (
                "동의를 거부할 권리와 거부에 따른 불이익",
                "개인정보 수집·이용에 동의하지 않을 권리가 있습니다. 동의하지 않으면 온라인 사전 등록을 할 수 "
                "없습니다. 이 경우에도 행사 기간에 행사장 등록 데스크에서 현장 등록을 할 수 있습니다.",
            ),
        ],
        "위 내용을 읽었으며, 개인정보 수집·이용에 동의합니다. (필수)",
    ),
    en=(
        "Consent to the collection and use of personal information (required)",
        [
            (
                "Purpose",
                "Registering you for the General Assembly and confirming who you are; issuing your ticket (QR "
                "code) and checking it at the entrance; booking workshop seats and running their waiting lists; "
                "e-mails about your registration (confirmation, changes, cancellation) and about running the "
                "event; the organisers' approval of press and city delegate registrations.",
            ),
            (
                "Items collected",
                "Required: name, e-mail address, country, city, attendee category, language for e-mails, the "
                "sessions you choose, organisation (optional for citizens). Optional: job title, phone "
                "number, accessibility or dietary needs (only if you give them, and used only to provide for "
                "them). Collected automatically: the time of registration and of consent, and the IP address of "
                "the submission to prevent abuse (kept for at most 10 minutes).",
            ),
            (
                "Retention period",
                "Kept and used until three months after the end of the event, then destroyed without delay, "
                "except information that another law requires to be kept, for the period that law sets.",
            ),
            (
                "Your right to refuse, and what refusing means",
                "You have the right to refuse this consent. If you refuse, you cannot register online. You can "
                "still register on site, at the registration desk at the venue during the event.",
            ),
        ],
        "I have read the above and agree to the collection and use of my personal information. (required)",
    ),
)

NEWS = _text(
    ConsentKind.NEWS,
    "2010-08-01",
    required=False,
    ko=(
        "WeGO 소식 수신 동의 (선택)",
        [
            ("수집·이용 목적", "행사 후 WeGO의 활동, 다음 총회와 행사 소식을 전자우편으로 보내 드립니다."),
            ("수집 항목", "성명, 전자우편 주소, 전자우편 수신 언어."),
            (
                "보유·이용 기간",
                "동의를 철회할 때까지, 길어도 행사 종료 후 2년까지 보유·이용하고, 그 후 지체 없이 파기합니다. "
                "주최 측에 알려(예: 소식 메일에 회신) 언제든지 철회할 수 있습니다.",
            ),
            (
                "동의를 거부할 권리와 거부에 따른 불이익",
                "동의하지 않을 권리가 있으며, 동의하지 않아도 등록과 행사 참가에는 아무런 불이익이 없습니다.",
            ),
        ],
        "행사 후 WeGO 소식을 전자우편으로 받는 데 동의합니다. (선택)",
    ),
    en=(
        "Consent to receive news from WeGO (optional)",
        [
            (
                "Purpose",
                "Sending you news by e-mail after the event about WeGO's work and its next assemblies and events.",
            ),
            ("Items collected", "Name, e-mail address, language for e-mails."),
            (
                "Retention period",
                "Until you withdraw this consent, and at most two years after the end of the event; then "
                "destroyed without delay. You can withdraw it at any time by telling the organisers (for "
                "example by replying to a news e-mail).",
            ),
            (
                "Your right to refuse, and what refusing means",
                "You have the right to refuse. Refusing changes nothing for your registration or your attendance.",
            ),
        ],
        "I agree to receive news from WeGO by e-mail after the event. (optional)",
    ),
)

SENSITIVE = _text(
    ConsentKind.SENSITIVE,
    "2010-08-01",
    required=False,
    ko=(
        "민감정보 처리 동의 (접근성·식사 요청 사항을 적은 경우에만)",
        [
            (
                "수집·이용 목적",
                "휠체어 접근, 수어 통역, 식사 등 요청하신 편의를 행사장에서 제공하기 위해서만 이용합니다.",
            ),
            (
                "수집 항목",
                "접근성 또는 식사 관련 요청 사항란에 적으신 내용(건강에 관한 정보가 포함될 수 있음).",
            ),
            ("보유·이용 기간", "행사 종료 후 3개월까지 보유·이용하고, 그 후 지체 없이 파기합니다."),
            (
                "동의를 거부할 권리와 거부에 따른 불이익",
                "동의하지 않을 권리가 있습니다. 동의하지 않으면 요청 사항란을 비워 두시면 되며, 등록과 참가에는 "
                "불이익이 없으나 요청하신 편의를 미리 준비해 드릴 수 없습니다.",
            ),
        ],
        "위 요청 사항(민감정보)의 처리에 동의합니다. (요청 사항을 적은 경우 필수)",
    ),
    en=(
        "Consent to processing sensitive information (only if you give accessibility or dietary needs)",
        [
            (
                "Purpose",
                "Used only to provide what you ask for at the venue, such as wheelchair access, sign language "
                "interpretation or a special meal.",
            ),
            (
                "Items collected",
                "What you write in the accessibility or dietary needs field (it may include health information).",
            ),
            ("Retention period", "Until three months after the end of the event, then destroyed without delay."),
            (
                "Your right to refuse, and what refusing means",
                "You have the right to refuse: leave the needs field empty. Your registration and attendance are "
                "not affected, but we cannot prepare what you need in advance.",
            ),
        ],
        "I agree to the processing of the needs I gave above (sensitive information). (required if you give needs)",
    ),
)

# Every version ever shown, by (kind, version): what a stored Consent row refers to.
TEXTS: dict[tuple[str, str], ConsentText] = {(t.kind, t.version): t for t in (PRIVACY, NEWS, SENSITIVE)}


def text_for(kind: str, version: str) -> ConsentText | None:
    return TEXTS.get((kind, version))
