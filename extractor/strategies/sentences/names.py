"""What a name can and cannot be: the checks that turn the model's name lists into entities.

A small model names places, amounts and job titles as companies, and writes one company in
several forms. These rules are general (a country is never a company; "Xiaomi Corp" and "Xiaomi
India" are one firm), so they hold for any article, not just the seeds.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from extractor.strategies.sentences.candidates import is_title_word
from extractor_schemas.text import CORPORATE_SUFFIXES, find, fold, is_corporate_suffix

__all__ = [
    "CORPORATE_SUFFIXES",
    "company_problem",
    "core_name",
    "full_program_name",
    "has_digit",
    "is_corporate",
    "is_place",
    "occurs",
    "organization_problem",
    "person_problem",
    "program_problem",
    "program_tail",
    "same_person",
    "snap",
    "speaker_in",
    "split_conjunction",
    "without_determiner",
    "without_title",
]

# Words that make up place names; a name made only of these is a place, not a firm.
_PLACE_WORDS = frozenset(
    """
    africa america asia bangladesh beijing bengaluru britain chennai china delhi east
    europe france germany hong india indonesia japan kolkata kong korea mainland malaysia
    middle mumbai new noida north pakistan shenzhen singapore south southeast states taiwan
    thailand the uk united us usa vietnam west
    """.split()
)
_ORG_WORDS = re.compile(
    r"\b(association|ministry|registrar|exchange|aayog|council|authority|commission|bureau|"
    r"department|agency|institute|board|federation|chamber|government|research|bank)\b",
    re.IGNORECASE,
)
_PROGRAM_WORDS = re.compile(
    r"\b(scheme|programm?e?|initiative|incentives?|policy|mission|plan)\b", re.IGNORECASE
)
_COUNTRY_TAIL = re.compile(r"\s*\(?(india|china)\)?$")


def occurs(name: str, text: str) -> bool:
    """Whether a name occurs in a text, both folded (`extractor_schemas.text.fold`).

    A model copies "Nestlé" composed from an article written decomposed (NFD), drops a soft hyphen
    inside "Tech\u00adnologies" and straightens "Xiaomi’s": the name is still there.
    """
    return find(text, name) is not None


def is_place(name: str) -> bool:
    """Every word is a place word: "India", "West Asia", "the US", "Southeast Asia"."""
    words = [w.strip(".,'()") for w in fold(name).split()]
    return bool(words) and all(w in _PLACE_WORDS for w in words)


def has_digit(name: str) -> bool:
    return any(ch.isdigit() for ch in name)


def is_corporate(name: str) -> bool:
    """Whether the last word is a legal form ("Dixon Technologies India Ltd")."""
    words = fold(name).split()
    return bool(words) and is_corporate_suffix(words[-1])


def core_name(name: str) -> str:
    """The name, folded, without corporate suffixes or a country tail: what identifies the firm."""
    words = fold(name).split()
    while len(words) > 1 and is_corporate_suffix(words[-1]):
        words.pop()
    core = " ".join(words)
    stripped = _COUNTRY_TAIL.sub("", core)
    return stripped or core


# Determiners: they stand before a name ("All Realme phones", "its Xiaomi unit"), never in it.
_DETERMINERS = frozenset(
    "all both each every its their his her our this these those such some many most".split()
)


def without_determiner(name: str) -> str:
    """ "All Realme" is Realme: a determiner the model copied before a firm's name."""
    words = name.split()
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words) if len(words) < len(name.split()) else name


def split_conjunction(name: str) -> list[str]:
    """ "Dixon and Foxconn" is two names when every part is capitalised."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", name) if p.strip()]
    if len(parts) > 1 and all(p[:1].isupper() for p in parts):
        return parts
    return [name]


def company_problem(name: str, common: frozenset[str] = frozenset()) -> str | None:
    """Why a name cannot be a company, or None when it may be one; `common` holds the words
    the article writes lowercase.

    A firm's name is a proper name: no lowercase word inside it but a connector or a legal form
    ("BBK group"; not "Mumbai-based family office", "India-made phones"), and a one-word name the
    article also writes lowercase is a common noun ("Appliances", "Mint", "We").
    """
    if is_place(name):
        return f"{name!r} is a place, not a company"
    if has_digit(name):
        return f"{name!r} contains digits: an amount or date, not a company"
    if name[:1].islower():
        return f"{name!r} is not a proper name"
    if name.endswith("-based"):
        return f"{name!r} describes a location, not a company"
    words = name.split()
    if any(_common_noun(w) for w in words[1:]):
        return f"{name!r} holds a common noun: not a firm's name"
    if len(words) == 1 and name.lower() in common:
        return f"{name!r} is a word the article writes lowercase: a common noun, not a firm"
    return None


def _common_noun(word: str) -> bool:
    """A lowercase word that is neither a connector ("of", "and") nor a legal form ("group")."""
    return (
        word[:1].islower()
        and word not in {"of", "and", "for", "de", "&"}
        and not re.match(r"^[a-z]{1,2}[A-Z]", word)
        and not is_corporate_suffix(word)
    )


def person_problem(name: str, common: frozenset[str] = frozenset()) -> str | None:
    """Why a name cannot be a person's; `common` holds the words the article writes lowercase.

    A word the article also writes lowercase is a common noun ("Optiemus Electronics", where
    the text speaks of "electronics"), and a personal name is made of proper nouns only.
    """
    words = name.split()
    if len(words) < 2:
        return f"{name!r} is a single word: not a full personal name"
    if any(w.lower() in common for w in words):
        return f"{name!r} holds a word the article writes lowercase: not a personal name"
    if is_corporate(name) or is_place(name) or has_digit(name):
        return f"{name!r} is not a personal name"
    if not all(w[:1].isupper() for w in words if len(w) > 2):
        return f"{name!r} is not a personal name"
    return None


def organization_problem(name: str) -> str | None:
    if is_place(name) or has_digit(name):
        return f"{name!r} is not an organization name"
    if is_corporate(name):
        return f"{name!r} has a corporate suffix: a company, not an organization"
    return None


def program_problem(name: str, sentence: str) -> str | None:
    if _PROGRAM_WORDS.search(name) or _PROGRAM_WORDS.search(program_tail(name, sentence)):
        return None
    return f"{name!r} names no scheme, program, initiative or policy"


def program_tail(name: str, sentence: str) -> str:
    """The words right after a name in its sentence ("Make in India’ initiative")."""
    found = find(sentence, name)
    return sentence[found[1] : found[1] + 14] if found else ""


def full_program_name(name: str, sentence: str) -> str:
    """Extends a name to the program word that follows it, as the article writes it."""
    found = find(sentence, name)
    if found is None or _PROGRAM_WORDS.search(name):
        return name
    at, end = found
    match = re.match(
        r"[’'\"”]?\s*(initiative|scheme|programm?e?|policy|mission)\b",
        sentence[end:],
        re.IGNORECASE,
    )
    if match is None:
        return name
    start = at - 1 if at > 0 and sentence[at - 1] in "‘'\"“" else at
    return sentence[start : end + match.end()]


# One typing slip (a doubled, dropped or wrong letter, or two letters swapped) per this many
# letters of the name is still a copy of it; more is another name.
_LETTERS_PER_SLIP = 6
_INITIALS = re.compile(r"^(?:[A-Z](?:\.\s*|\s+))+")


def _without_suffixes(folded: str) -> str:
    words = folded.split()
    while len(words) > 1 and is_corporate_suffix(words[-1]):
        words.pop()
    return " ".join(words)


def same_person(name: str, candidate: str) -> bool:
    """ "A.Lall", "A. B. Lall" or "Atul Lall" for "Atul B Lall": the same surname after the
    initials of the first names, or after the first name with a middle initial left out."""
    words = candidate.split()
    if len(words) < 2:
        return False
    given = name.split()
    if len(given) >= 2 and fold(given[0]) == fold(words[0]) and fold(given[-1]) == fold(words[-1]):
        return all(len(w.strip(".")) == 1 for w in words[1:-1]) and len(given) < len(words)
    initials = _INITIALS.match(name)
    if initials is None:
        return False
    letters = [ch for ch in initials.group() if ch.isalpha()]
    surname = name[initials.end() :].strip()
    return (
        fold(surname) == fold(words[-1])
        and len(letters) <= len(words) - 1
        and all(fold(ch) == fold(w[:1]) for ch, w in zip(letters, words, strict=False))
    )


def snap(name: str, candidates: list[str]) -> str | None:
    """The one span of the sentence the model meant by a name it did not copy exactly, if any.

    A 270M model's copy of a name is often slightly wrong: a legal form the text does not write
    ("Dixon Corp" for "Dixon"), initials run into the surname ("A.Lall" for "Atul B Lall"), or a
    typing slip. The answer is replaced by the candidate it is a copy of, so what is kept is the
    text's own span; with no candidate close enough, or two equally close, it is not kept.
    """
    folded = fold(name)
    bare = _without_suffixes(folded)
    exact = [c for c in candidates if bare in (fold(c), _without_suffixes(fold(c)))]
    if exact:
        return exact[0] if len(set(exact)) == 1 else None
    by_initials = [c for c in candidates if same_person(name, c)]
    if len(by_initials) == 1:
        return by_initials[0]
    allowed = max(1, len(bare) // _LETTERS_PER_SLIP)
    scored = sorted(
        (OSA.distance(bare, _without_suffixes(fold(c))), c)
        for c in candidates
        if abs(len(c) - len(name)) <= allowed + 12
    )
    close = [c for d, c in scored if d <= allowed and d == scored[0][0]]
    return close[0] if len(close) == 1 else None


def without_title(name: str) -> str:
    """A person's name without the organization and title the model copied with it.

    "Dixon MD Atul Lall" and "Chief Executive Kiran Talwen" name Atul Lall and Kiran Talwen: a
    job title is never part of a personal name, so what follows the last title word is the name,
    when that is still a first name and a surname.
    """
    words = name.split()
    titled = [i for i, w in enumerate(words) if is_title_word(w)]
    if not titled or len(words) - titled[-1] - 1 < 2:
        return name
    return " ".join(words[titled[-1] + 1 :])


def speaker_in(who: str, people: list[str]) -> str | None:
    """The speaker an attribution names (`preextract.attribution`), if the text settles it.

    A person of the article named in it ("Rajeev Nanda, chief financial officer of …", "MeitY
    joint secretary Anand Prakash"), the fullest form first; a surname alone, when one person of
    the article bears it ("Bhardwaj"); or a source the story describes instead of naming ("an
    industry executive", "a Vivo India spokesperson"), which is the speaker as written. A
    pronoun or a document ("the filing") is left to the model.
    """
    # The first named, the fullest form at a place: "Dixon vice-chairman Atul B Lall in a
    # statement, which referred to … Narendra Modi" is Atul B Lall's.
    named = sorted(
        ((at, -len(p), p) for p in people if (at := _position(p, who)) is not None),
    )
    if named:
        return named[0][2]
    if re.fullmatch(r"[A-Z][\w’'-]+", who):
        bearers = {p for p in people if len(p.split()) > 1 and fold(p.split()[-1]) == fold(who)}
        fullest = max(bearers, key=len, default=None)
        if fullest is not None and all(same_person(p, fullest) or p == fullest for p in bearers):
            return fullest
        return None
    if re.match(r"(?:an?)\s", who, re.IGNORECASE):
        return who
    return None


def _position(name: str, text: str) -> int | None:
    found = find(text, name)
    return found[0] if found else None
