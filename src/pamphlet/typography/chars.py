"""Classify characters the way JLREQ does (its appendix A), for the pass and the checker."""

import unicodedata

# JLREQ cl-01 / cl-02: full-width brackets, their blank half before / after the ink.
OPENING = set("「『（［｛〔〈《【〘〖〝‘“｟")
CLOSING = set("」』）］｝〕〉》】〙〗〟’”｠")
# cl-06 full stops and cl-07 commas: blank right half.
STOPS = set("。．、，")
# cl-03 hyphens, cl-04 dividing marks, cl-05 middle dots, cl-09 iteration, cl-10 prolonged sound.
HYPHENS = set("‐〜゠–")
DIVIDING = set("？！‼⁇⁈⁉")
MIDDLE_DOTS = set("・：；")
ITERATION = set("ヽヾゝゞ々〻")
PROLONGED = set("ー")
SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ")
# Half-width punctuation that may not start a line either (UAX #14 CL, CP, IS, EX).
LATIN_CLOSING = set(")]},.:;!?%")
LATIN_OPENING = set("([{")
# cl-08: never spaced apart (——, ……).
INSEPARABLE = set("—―…‥〳〴〵")

NOT_AT_LINE_START = (CLOSING | STOPS | HYPHENS | DIVIDING | MIDDLE_DOTS | ITERATION
                     | PROLONGED | SMALL_KANA | LATIN_CLOSING)
NOT_AT_LINE_END = OPENING | LATIN_OPENING

# Zero-width characters the pass inserts. They draw nothing and are not in the PDF's text.
# SPACER carries a spacing (its letter-spacing) and, being a combining mark for line
# breaking (UAX #14 LB9), leaves every break opportunity as it was.
SPACER = "\u200c"
# JOINER forbids a break where it stands (number and unit).
JOINER = "\u2060"
INVISIBLE = {SPACER, JOINER, "\u200b", "\u200d", "\ufeff", "\u00ad"}

DIGITS = set("0123456789")
# Counters and units that stay with the number before them ("6,499人", "1.2億人").
MULTIPLIERS = set("十百千万億兆")
UNITS = set("人年月日時分秒歳名件回円個本枚台倍割位号階期週点社国歳才度代代組科課局所")
UNIT_WORDS = ("時間", "年間", "年度", "日間", "週間", "分間", "か月", "カ月", "ヶ月", "ヵ月",
              "か国", "カ国", "ヶ国", "か所", "カ所", "ヶ所", "年目", "人目", "回目", "日目")


def is_ideographic(char: str) -> bool:
    """Han, kana and the iteration / prolonged sound marks: the 和 side of 和欧間."""
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF or char in "々〆〇〻"
            or (0x3041 <= code <= 0x309F and char not in "゛゜")
            or (0x30A1 <= code <= 0x30FF and char not in "・")
            or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F)


def is_alphanumeric(char: str) -> bool:
    """A Latin (or other proportional) letter or a digit: the 欧 side of 和欧間."""
    category = unicodedata.category(char)
    return (category[0] == "L" or category == "Nd") and \
        unicodedata.east_asian_width(char) in ("Na", "N") and not is_ideographic(char)


def blank_after(char: str) -> bool:
    """The glyph's right half is blank (closing brackets, 、。)."""
    return char in CLOSING or char in STOPS


def blank_before(char: str) -> bool:
    """The glyph's left half is blank (opening brackets)."""
    return char in OPENING


def is_half_blank_punctuation(char: str) -> bool:
    return char in OPENING or char in CLOSING or char in STOPS


def wants_autospace(before: str, after: str) -> bool:
    """A quarter em between these two (CSS text-autospace: ideograph-alpha / -numeric)."""
    return ((is_ideographic(before) and is_alphanumeric(after))
            or (is_alphanumeric(before) and is_ideographic(after)))


def punctuation_kerning(before: str, after: str) -> float:
    """Space (em) to take out between two adjacent full-width punctuation marks.

    Each of 、。「」（） is half ink, half blank; JLREQ sets two of them in a row
    with one half-em blank at most (」「 is 1.5 em, 。」 and 」」 are solid).
    """
    if not (is_half_blank_punctuation(before) and is_half_blank_punctuation(after)):
        return 0.0
    if blank_after(before) or blank_before(after):
        return -0.5
    return 0.0


def justification_weight(char: str) -> float:
    """How much of a line's extra space a character takes on each of its sides.

    Full-width characters (ideographs, kana, punctuation) and spaces take space
    on both sides (inter-character justification); half-width letters, digits
    and separators take none, so Latin words and numbers are never letter-spaced,
    nor are the inseparable —— and …….
    """
    if char in INVISIBLE or char in INSEPARABLE:
        return 0.0
    if char in " \u00a0\u3000":
        return 1.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 0.0


def splits_number(before: str, after: str) -> bool:
    """A line (or column) ending ``before`` and the next beginning ``after`` split a number
    from its digits, separators, unit or multiplier (6,499|人, 1.2|億人, 3万|人)."""
    if not before or not after:
        return False
    digit_end = before[-1] in DIGITS or (before[-1] in ",." and before[-2:-1].isdigit())
    if digit_end:
        return after[0] in DIGITS or after[0] in ",." or after[0] in UNITS \
            or after[0] in MULTIPLIERS or any(after.startswith(w) for w in UNIT_WORDS)
    return before[-1] in MULTIPLIERS and before[-2:-1].isdigit() and after[0] in UNITS
