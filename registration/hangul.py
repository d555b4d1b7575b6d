"""A ticket read by a USB scanner while the computer's Korean input method is in
Hangul mode (2-set, 두벌식): the scanner "types" the keys of the ticket's code,
and the input method turns them into jamo and syllables ("dkssud" -> "안녕").

latin_keys() gives back the keys: syllables are decomposed into their jamo, and
each jamo is the key that types it. Shift+Q/W/E/R/T/O/P type ㅃㅉㄸㄲㅆㅒㅖ, so
those come back upper-case; for every other letter Hangul mode types the same
jamo with or without Shift, so the case is lost: checkin.find_ticket() compares
the ticket secret without case (a secret is 32 random characters, so no two differ
by case alone in practice). Digits, "-" and "_" pass through the input method.
"""

KEY_OF_JAMO = {
    "ㅂ": "q", "ㅈ": "w", "ㄷ": "e", "ㄱ": "r", "ㅅ": "t", "ㅛ": "y", "ㅕ": "u", "ㅑ": "i", "ㅐ": "o", "ㅔ": "p",
    "ㅁ": "a", "ㄴ": "s", "ㅇ": "d", "ㄹ": "f", "ㅎ": "g", "ㅗ": "h", "ㅓ": "j", "ㅏ": "k", "ㅣ": "l",
    "ㅋ": "z", "ㅌ": "x", "ㅊ": "c", "ㅍ": "v", "ㅠ": "b", "ㅜ": "n", "ㅡ": "m",
    "ㅃ": "Q", "ㅉ": "W", "ㄸ": "E", "ㄲ": "R", "ㅆ": "T", "ㅒ": "O", "ㅖ": "P",
    # Two keys make one jamo: vowels, and consonant clusters at the end of a syllable.
    "ㅘ": "hk", "ㅙ": "ho", "ㅚ": "hl", "ㅝ": "nj", "ㅞ": "np", "ㅟ": "nl", "ㅢ": "ml",
    "ㄳ": "rt", "ㄵ": "sw", "ㄶ": "sg", "ㄺ": "fr", "ㄻ": "fa", "ㄼ": "fq", "ㄽ": "ft", "ㄾ": "fx", "ㄿ": "fv",
    "ㅀ": "fg", "ㅄ": "qt",
}  # fmt: skip

# The jamo of a precomposed syllable U+AC00 + (initial * 21 + medial) * 28 + final.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
FIRST_SYLLABLE, LAST_SYLLABLE = 0xAC00, 0xD7A3


def has_hangul(text: str) -> bool:
    return any(char in KEY_OF_JAMO or FIRST_SYLLABLE <= ord(char) <= LAST_SYLLABLE for char in text)


def latin_keys(text: str) -> str:
    """The keys typed to get `text` in 2-set Hangul mode ("안녕" -> "dkssud");
    characters that are not Hangul are kept as they are."""
    keys = []
    for char in text:
        index = ord(char) - FIRST_SYLLABLE
        if 0 <= index <= LAST_SYLLABLE - FIRST_SYLLABLE:
            jamo = INITIALS[index // 588] + MEDIALS[index % 588 // 28] + FINALS[index % 28]
            keys.extend(KEY_OF_JAMO[j] for j in jamo)
        else:
            keys.append(KEY_OF_JAMO.get(char, char))
    return "".join(keys)
