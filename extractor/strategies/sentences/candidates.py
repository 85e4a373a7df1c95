"""The spans of a sentence that can be names: what the model may choose from.

A 270M model asked to copy names writes slightly wrong copies (a doubled letter, an invented
"Corp", "A.Lall" for "Atul B Lall", a straight apostrophe for a curly one) and invents a name
when the sentence holds none. Offering it the sentence's own name-shaped spans as a constrained
choice makes every answer a verbatim span, and an empty choice a valid one. The rules are
English orthography, not any article's names: proper names are capitalised runs (with "of",
"and", "&" inside), a legal form ends a firm's name, a possessive or a "-led"/"-based" tail is
not part of it, a short form stands in brackets, and a job title is not part of a person's name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractor_schemas.text import is_corporate_suffix

__all__ = [
    "INSTITUTION_NOUNS",
    "candidates",
    "common_words",
    "institutions",
    "is_title_word",
    "model_text",
    "person_shaped",
    "program_names",
    "title_before",
    "titled_people",
]

# A word as written: letters or digits, with inner apostrophes, periods, hyphens and ampersands.
# A period stays inside ("U.S.", "Ltd.") unless a capitalised word follows it directly, as where
# a page glues two sentences ("exports.However").
_TOKEN = re.compile(r"[^\W_](?:[\w&'’\-]|\.(?![A-Z][a-z]))*|&", re.UNICODE)
_MIXED_CASE = re.compile(r"^[a-z]{1,2}[A-Z]")  # "iPhone", "iQOO", "eBay"
# Closed-class English words (articles, pronouns, prepositions, conjunctions, sentence adverbs):
# capitalised only because a sentence or clause starts with them, never a name on their own.
_FUNCTION_WORDS = frozenset(
    """
    a about above according after again against also although among an and another any are as at
    be because before being besides between both but by can could did do does during each earlier
    either even every for from further had has have he her here hers him his how however i if in
    into is it its itself just last later like many may meanwhile more most much my neither next
    no nor not now of on once one only or other others our out over own same several she should
    since so some still such than that the their them then there these they this those though
    through thus to too under unlike until up upon us was we were what when where whereas whether
    which while who whom whose why will with within without would yet you your
    """.split()
)
# Calendar words: a date, never a name.
_CALENDAR = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)
# Number words: a quantity, never a name, wherever they stand ("Two of the firms …").
_NUMBERS = frozenset(
    """
    two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
    thousand million billion crore lakh first second third half dozen
    """.split()
)
# A nationality or people ("Chinese", "Indian", "Koreans", "British"): an adjective or a people,
# not a name, when it stands alone; "Indian Railways" is a longer run and stays.
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ese|ians?|ish|eans?|cans?)$")
# Job titles and honorifics: they stand before or after a person's name and are not part of it
# ("Vice Chairman & MD Atul B Lall", "CEO Mira Talwen", "Mr Talwen").
TITLE_WORDS = frozenset(
    """
    ceo cfo coo cto cmo md chairman chairperson chairwoman chair president vice director
    directors minister ministers secretary officer executive chief head founder cofounder
    co-founder analyst analysts manager managing partner spokesperson spokesman spokeswoman
    deputy senior governor commissioner mr mrs ms dr prof shri smt prime additional
    """.split()
)
# Words that join capitalised words inside one name ("Ministry of Electronics and Information
# Technology", "Procter & Gamble").
_CONNECTORS = frozenset({"of", "and", "&", "for", "de"})
_POSSESSIVE = re.compile(r"['’]s$|['’]$")
# A lowercase tail after a hyphen describes the name before it: "Noida-based", "Tata-led".
_DESCRIPTIVE_TAIL = re.compile(r"-[a-z][\w\-]*$")
_SHORT_FORM = re.compile(r"^[^\W\d_][\w.&\-]{0,9}$")


def model_text(sentence: str) -> str:
    """The sentence as the model reads it: composed (NFC), without invisible format characters
    (soft hyphens, zero-width spaces), whitespace runs (lines the page split) as one space.

    Candidates are spans of this text; `names.occurs` finds them in the document's own text,
    whatever its typing, so evidence and spans stay the document's."""
    text = unicodedata.normalize("NFC", sentence)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


@dataclass(frozen=True)
class _Word:
    text: str  # the word as it will stand in a name (possessive or descriptive tail removed)
    start: int
    end: int
    capital: bool  # capitalised, or mixed case such as "iQOO"
    ends_name: bool  # a possessive, a "-led" tail or a comma/closing bracket after it
    first: bool  # the first word of the sentence or of a clause


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        raw, start = match.group(), match.start()
        gap = text[previous_end:start]
        first = not words or bool(re.search(r"[.,;:!?\"“”‘(\[—–]|’\s|'\s", gap))
        word, tail = (raw, "") if raw.lower() in TITLE_WORDS else _strip_tail(raw)
        end = start + len(word)
        after = text[start + len(raw) : start + len(raw) + 1]
        capital = word[:1].isupper() or bool(_MIXED_CASE.match(word))
        ends = bool(tail) or after in {",", ";", ":", ")", "]", "’", "”", '"'}
        words.append(_Word(word, start, end, capital, ends, first))
        previous_end = match.end()
    return words


def _strip_tail(raw: str) -> tuple[str, str]:
    """The word without a possessive, a descriptive hyphen tail or a sentence's final period."""
    for pattern in (_POSSESSIVE, _DESCRIPTIVE_TAIL):
        found = pattern.search(raw)
        if found and found.start() > 0:
            return raw[: found.start()], raw[found.start() :]
    if raw.endswith(".") and not _keeps_period(raw):
        return raw.rstrip("."), ""
    return raw, ""


def _keeps_period(raw: str) -> bool:
    """ "Ltd.", "Co.", an initial "A." and "U.S." keep their period; a sentence's last word not."""
    core = raw.rstrip(".")
    return is_corporate_suffix(raw) or len(core) == 1 or "." in core


def _is_title(word: _Word) -> bool:
    return word.text.lower().strip(".") in TITLE_WORDS


def common_words(document: str) -> frozenset[str]:
    """The words a document writes in lowercase: a capital on one of them at a sentence's or
    clause's start is the start's, not a name's ("Smartphones made by …", "Industry sources")."""
    return frozenset(w for w in re.findall(r"\b[a-z][a-z’'\-]*\b", document))


def _is_name_word(word: _Word, common: frozenset[str] = frozenset()) -> bool:
    lowered = word.text.lower()
    return (
        word.capital
        and not any(c.isdigit() for c in word.text)
        and not _is_title(word)
        and lowered not in _CALENDAR
        and lowered not in _NUMBERS
        and not (word.first and (lowered in _FUNCTION_WORDS or lowered in common))
    )


def _runs(words: list[_Word], common: frozenset[str]) -> list[list[_Word]]:
    """Maximal runs of name words, joined by connectors that stand between two name words."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if _is_name_word(word, common) and (
            not current or not word.first or _after_connector(current)
        ):
            current.append(word)
            i += 1
            if word.ends_name:
                runs.append(current)
                current = []
            continue
        joins = (
            current
            and word.text.lower() in _CONNECTORS
            and i + 1 < len(words)
            and _is_name_word(words[i + 1], common)
            and not words[i + 1].first
        )
        if joins:
            current.append(word)
            i += 1
            continue
        if current:
            runs.append(current)
            current = []
        if _is_name_word(word, common):
            continue  # starts a new run on the next pass of the loop
        i += 1
    if current:
        runs.append(current)
    return runs


def _after_connector(current: list[_Word]) -> bool:
    return current[-1].text.lower() in _CONNECTORS


def _span(text: str, run: list[_Word]) -> str:
    return text[run[0].start : run[-1].end]


def _forms(text: str, run: list[_Word]) -> list[str]:
    """The run, and its parts where it may join two names.

    At "and" the parts are names of their own ("Oppo and Vivo"); the whole stays a candidate
    when an "of" before it makes one name ("Ministry of Electronics and Information Technology").
    At "of" after two or more words the parts are offered beside the whole ("Mira Talwen of
    Kestrin Systems"); after one word, "of" completes a head noun ("Registrar of Companies").
    """
    forms = [_span(text, run)]
    words = [w.text.lower() for w in run]
    if "and" in words:
        parts = _split(run, "and")
        forms = ([forms[0]] if "of" in words[: words.index("and")] else []) + [
            _span(text, p) for p in parts
        ]
    if "of" in words and words.index("of") >= 2:
        forms.extend(_span(text, p) for p in _split(run, "of"))
    return forms


def _split(run: list[_Word], connector: str) -> list[list[_Word]]:
    parts: list[list[_Word]] = [[]]
    for word in run:
        if word.text.lower() == connector:
            parts.append([])
        else:
            parts[-1].append(word)
    return [p for p in (_trim_connectors(p) for p in parts) if p]


def _bracketed(text: str, run: list[_Word]) -> list[str]:
    """ "Registrar of Companies (RoC)": the name with its bracketed short form, and the short form.

    The bracket may also hold a country ("Realme Mobile Telecommunications (India)"), which stays
    part of the firm's name as written."""
    end = run[-1].end
    found = re.match(r"\s*\(([^()]{1,40})\)", text[end:])
    if found is None:
        return []
    inner = found.group(1).strip()
    forms = [text[run[0].start : end + found.end()]]
    if _SHORT_FORM.match(inner) and any(c.isupper() for c in inner):
        forms.append(inner)
    return forms


def _trim_connectors(run: list[_Word]) -> list[_Word]:
    """Without connectors at either end, nor a function word at its end ("Pune The")."""
    while run and (run[-1].text.lower() in _CONNECTORS | _FUNCTION_WORDS):
        run = run[:-1]
    while run and run[0].text.lower() in _CONNECTORS:
        run = run[1:]
    return run


def candidates(sentence: str, common: frozenset[str] = frozenset()) -> list[str]:
    """Every span of the sentence that can be a name, in order, each once.

    Each is a verbatim substring of `sentence` (pass `model_text` of the document's sentence);
    `common` is `common_words` of its document. A legal form alone ("[Inc]") or a nationality
    ("Chinese", "South Korean") is no candidate.
    """
    found: list[str] = []
    for run in _runs(_words(sentence), common):
        run = _trim_connectors(run)
        if not run:
            continue
        found.extend(_forms(sentence, run))
        found.extend(_bracketed(sentence, run))
    return [c for c in dict.fromkeys(found) if c in sentence and _may_name(c)]


def _may_name(candidate: str) -> bool:
    words = candidate.split()
    return not _DEMONYM.match(words[-1]) and not (
        len(words) == 1 and is_corporate_suffix(candidate)
    )


def person_shaped(name: str) -> bool:
    """Two or more capitalised words, none a legal form: a candidate that could be a person."""
    words = name.split()
    return (
        len(words) >= 2
        and all(w[:1].isupper() for w in words)
        and not any(is_corporate_suffix(w) for w in words)
        and "(" not in name
    )


# Title words that are adjectives or stand for a firm before a name ("its partner Dixon", "senior
# Kestrin staff"): only a noun title right before a name makes it a person's.
_NOT_BEFORE_A_NAME = frozenset({"partner", "senior", "deputy", "vice", "additional", "managing"})
# How many words an appositive title may take after the comma ("senior vice president").
_TITLE_AFTER_REACH = 4
# Words that close an appositive title ("director of …", "partner at …") where no comma does.
_TITLE_CLOSERS = frozenset({"of", "at", "for", "with", "in", "who"})
_DETERMINER = r"(?:(?:an?|the|its|their|his|her)\s+)?(?:[\w’'-]+['’]s\s+)?"


def is_title_word(word: str) -> bool:
    """A job title or honorific, hyphenated ones by their last part ("Vice-Chairman")."""
    return word.lower().strip(".,").split("-")[-1] in TITLE_WORDS


def title_before(text: str, start: int) -> tuple[int, int] | None:
    """The span of the title phrase right before a name, if one stands there.

    "CEO Arvind Malhotra", "chief financial officer Li Wei", "vice-chairman and MD Atul B Lall",
    "Indian Prime Minister Narendra Modi": title words, the lowercase words between them, and a
    nationality before them. A comma closes the phrase ("MD, Dixon Technologies" is a firm).
    """
    words = list(re.finditer(r"\S+", text[:start]))
    if not words or text[start - 1 : start] != " ":
        return None
    last = words[-1].group()
    if last.endswith(",") or not is_title_word(last) or last.lower() in _NOT_BEFORE_A_NAME:
        return None
    first = len(words) - 1
    for k in range(len(words) - 2, -1, -1):
        word = words[k].group()
        if word.endswith(","):
            break
        if is_title_word(word) or (_DEMONYM.match(word) and k == first - 1):
            first = k
        elif not (word.lower() in {"and", "&"} or _is_lowercase_word(word)):
            break
    return words[first].start(), words[-1].end()


def _is_lowercase_word(word: str) -> bool:
    return word[:1].islower() and word.lower() not in _FUNCTION_WORDS


def _titled_before(text: str, start: int) -> bool:
    return title_before(text, start) is not None


def _titled_after(text: str, end: int) -> bool:
    """ "Kunal Sethi, chief executive officer of …", "Rakesh Menon, partner at …", "X, the firm's
    CEO,": a title phrase after the comma, closed by punctuation or a preposition; "…, told
    analysts earlier" is a verb phrase, not a title."""
    found = re.match(rf",\s+{_DETERMINER}", text[end:])
    if found is None:
        return False
    words = text[end + found.end() :].split()[:_TITLE_AFTER_REACH]
    titled = False
    for word in words:
        bare = word.lower().rstrip(",.;:")
        if is_title_word(word) and not _plural_title(word):
            if word[-1] in ",.;:":
                return True
            titled = True
        elif titled and bare in _TITLE_CLOSERS:
            return True
        elif bare not in {"and", "&"} and (not word[:1].islower() or bare in _FUNCTION_WORDS):
            return False
    return titled and len(words) < _TITLE_AFTER_REACH


def _plural_title(word: str) -> bool:
    """ "analysts", "directors": a group's title, never one person's."""
    bare = word.lower().strip(".,;:")
    return bare.endswith("s") and bare[:-1] in TITLE_WORDS


def titled_people(sentence: str, common: frozenset[str] = frozenset()) -> list[str]:
    """The sentence's person-shaped names that a job title stands right beside.

    English sets a title in apposition to a person's name, before it ("CEO Arvind Malhotra") or
    after it with a comma ("Kunal Sethi, managing director of Karbonn"): such a name is a person
    whether or not the sentence has a speech verb, and in a list of titles and names each is.
    A firm can stand there too ("Dixon, a partner of …"): the caller drops names it knows as firms.
    """
    people = []
    for name in candidates(sentence, common):
        if not person_shaped(name):
            continue
        for match in re.finditer(re.escape(name), sentence):
            if _titled_before(sentence, match.start()) or _titled_after(sentence, match.end()):
                people.append(name)
                break
    return people


# Head nouns of a public or collective body: a name headed by one names an organization, not a
# firm ("Ministry of Electronics and Information Technology", "Registrar of Companies", "India
# Cellular & Electronics Association", "Enforcement Directorate", "Counterpoint Research").
INSTITUTION_NOUNS = frozenset(
    """
    ministry department directorate registrar commission council authority board bureau agency
    association federation chamber institute exchange tribunal court parliament research
    """.split()
)


def _head(words: list[str]) -> str:
    """The head noun of a name: the word before its first "of"/"for", else its last word."""
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in {"of", "for"}:
            return words[i - 1]
    return words[-1]


def institutions(
    sentence: str, common: frozenset[str] = frozenset()
) -> list[tuple[str, str | None]]:
    """The sentence's organization names by their head noun, each with the short form the
    sentence gives it in brackets ("Ministry of … Technology (MeitY)" → MeitY), if any.

    Only the longest such span counts: "Ministry of Electronics" inside "Ministry of Electronics
    and Information Technology" is the same body cut short.
    """
    spans = [c for c in candidates(sentence, common) if "(" not in c]
    named = [c for c in spans if _head(c.split()).lower() in INSTITUTION_NOUNS]
    longest = [c for c in named if not any(c != other and c in other for other in named)]
    found = []
    for name in longest:
        short = re.match(r"\s*\(([^()]{1,12})\)", sentence[sentence.index(name) + len(name) :])
        inner = short.group(1).strip() if short else None
        found.append((name, inner if inner and _SHORT_FORM.match(inner) else None))
    return found


# Nouns that head a program's name ("Electronics Component Manufacturing Scheme", "the PLI scheme
# for IT hardware", "the National Semiconductor Mission").
_PROGRAM_NOUN = r"(?:[Ss]cheme|[Pp]rogram(?:me)?|[Ii]nitiative|[Mm]ission)"
# A named program: a capitalised name headed by a program noun, its short form in brackets; or
# a short form (after the lowercase words it stands for) and the noun, then what it is for, to
# the clause's end ("production-linked incentive (PLI) scheme for mobile phones").
_PROGRAM = re.compile(
    rf"(?<![\w’'])(?P<abbreviated>(?:(?:[a-z][\w-]*\s+){{1,4}}\([A-Z][\w&.-]{{1,9}}\)|"
    rf"[A-Z]{{2,}})\s+{_PROGRAM_NOUN}\b(?:\s+for(?:\s+[\w-]+)+)?)"
    rf"|(?<![\w’'])(?P<named>(?:[A-Z][\w-]*\s+)+{_PROGRAM_NOUN}\b(?:\s+\([A-Z][\w&.-]{{1,9}}\))?)"
)


def program_names(sentence: str) -> list[str]:
    """The programs a sentence names, as written, the longest form each (see `_PROGRAM`).

    The words a short form stands for are the lowercase words right before its bracket, after
    any function word ("beneficiary of the production-linked incentive (PLI)" begins at
    "production"); a "for" phrase ends at punctuation or at a function word ("for IT hardware
    last year"). A program noun alone ("The scheme") names no program.
    """
    found = []
    for match in _PROGRAM.finditer(sentence):
        words = match.group().split()
        if match.group("abbreviated"):
            words = _until_function_word(words)
        while words and words[0].lower() in _FUNCTION_WORDS:
            words = words[1:]
        if len(words) > 1:
            found.append(" ".join(words))
    return found


def _until_function_word(words: list[str]) -> list[str]:
    """The words from the last function word before the short form to the first after "for"."""
    bracket = next((i for i, w in enumerate(words) if w.startswith("(")), 0)
    start = max((i + 1 for i in range(bracket) if words[i].lower() in _FUNCTION_WORDS), default=0)
    if "for" not in words:
        return words[start:]
    cut = words.index("for") + 1
    # As written: "IT hardware" is no "it".
    while (
        cut < len(words)
        and (words[cut] not in _FUNCTION_WORDS or words[cut] == "and")
        and not words[cut - 1].endswith((",", ";", ":"))
    ):
        cut += 1
    kept = words[start:cut]
    while kept and kept[-1].lower() in {"and", "for"}:
        kept = kept[:-1]
    return [*kept[:-1], kept[-1].rstrip(",;:.")] if kept else kept
