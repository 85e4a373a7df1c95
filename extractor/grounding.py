"""Grounding: find each fact's evidence in the article ourselves, never trusting model offsets.

Models miscount characters and quietly repair what they copy (straight quotes for curly ones,
hyphens for dashes, collapsed line breaks), so offsets are always recomputed here, apart from the
model (as LangExtract's resolver does). A fact whose evidence cannot be located, or whose key
value (a name, an amount, the quoted words) is not in or next to that evidence, is not grounded:
it is removed and reported, never silently kept.

Alignment tries three tiers, strictest first, and reports which one succeeded:

* exact: the evidence is a substring of the text;
* normalised: equal after NFC, case folding, whitespace collapsing, invisible characters dropped
  and quote/dash unification (`extractor_schemas.text`);
* fuzzy: a token window that holds most evidence tokens (coverage) and little else (density).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from extractor_schemas.base import Grounded
from extractor_schemas.markers import (
    Dangling,
    DanglingRef,
    RecordType,
    TaskSchema,
    dangling_refs,
    describe,
    item_forms,
    record_lists,
)
from extractor_schemas.prediction import RejectedItem
from extractor_schemas.text import FoldedText, fold, fold_mapped
from extractor_schemas.vocab import GroundingKind

__all__ = [
    "AlignConfig",
    "Alignment",
    "GroundingResult",
    "align",
    "drop_dangling",
    "ground_record",
    "key_value_present",
    "key_values",
    "normalise",
    "record_aliases",
]


@dataclass(frozen=True)
class AlignConfig:
    """Thresholds of the fuzzy tier and of the key-value check.

    coverage 0.75 tolerates one wrong or missing word in four (a typo the token matcher misses,
    a dropped article) but not a half-invented sentence. density 0.6 lets the article hold a few
    words the model left out (a parenthesis, an inserted clause) while refusing a "quote" stitched
    from words scattered over a paragraph. Under 12 characters the fuzzy tier is off, since short
    strings match approximately almost anywhere. Tokens of 4+ characters may match with a
    rapidfuzz ratio of 0.8 (one edit in a 9-letter word); shorter ones must match exactly, as one
    edit turns 'the' into 'she'. The key-value window of 80 characters is about one clause each
    side: enough for "Xiaomi, which ..., said" but not the next paragraph.
    """

    coverage: float = 0.75
    density: float = 0.6
    min_fuzzy_chars: int = 12
    token_similarity: float = 0.8
    min_fuzzy_token_chars: int = 4
    key_window: int = 80
    fuzzy: bool = True


@dataclass(frozen=True)
class Alignment:
    """Where evidence sits in the text: `text[start:end]`, how it was found, and how well."""

    start: int
    end: int
    kind: GroundingKind
    score: float


@dataclass(frozen=True)
class GroundingResult:
    """The record reduced to grounded facts, and every fact removed on the way, with the cause."""

    record: BaseModel
    rejected: list[RejectedItem]


# ---------------------------------------------------------------------------------------------
# Normalisation with an offset map


_TOKEN = re.compile(r"\w+")


def normalise(text: str) -> str:
    """The comparison form of a text: the folding every name check uses, edges trimmed.

    NFC, invisible characters dropped, quote and dash forms unified, case folded, whitespace
    collapsed (`extractor_schemas.text`, shared with the name checks and the eval).
    """
    return fold(text)


@dataclass(frozen=True)
class _Document:
    """Everything about one text that alignment reuses across the facts of a record."""

    folded: FoldedText
    tokens: list[tuple[int, int]]
    positions: dict[str, list[int]]
    similar: dict[tuple[str, float], list[tuple[str, float]]] = field(default_factory=dict)

    @property
    def norm(self) -> str:
        return self.folded.text

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span back so it covers exactly the source characters it came from."""
        return self.folded.source_span(start, end)

    def similar_tokens(self, token: str, cutoff: float) -> list[tuple[str, float]]:
        """Words spelled like token, with similarity in [0, 1]; memoised: facts share words."""
        key = (token, cutoff)
        if key not in self.similar:
            found = process.extract(
                token,
                list(self.positions),
                scorer=fuzz.ratio,
                score_cutoff=cutoff * 100,
                limit=None,
            )
            self.similar[key] = [(candidate, score / 100) for candidate, score, _ in found]
        return self.similar[key]

    def char_boundaries(self, start: int, end: int) -> bool:
        """Whether a normalised span neither starts nor ends inside one source char's expansion."""
        return self.folded.whole_units(start, end)


@functools.lru_cache(maxsize=4)
def _prepare(text: str) -> _Document:
    """Build once per text: a record's 50 facts share one article."""
    folded = fold_mapped(text)
    tokens: list[tuple[int, int]] = []
    positions: dict[str, list[int]] = {}
    for index, match in enumerate(_TOKEN.finditer(folded.text)):
        tokens.append(match.span())
        positions.setdefault(match.group(), []).append(index)
    return _Document(folded, tokens, positions)


# ---------------------------------------------------------------------------------------------
# Alignment tiers


def align(evidence: str, text: str, config: AlignConfig = AlignConfig()) -> Alignment | None:
    """Locate evidence in text by the strictest tier that finds it; None when none does."""
    wanted = normalise(evidence)
    if not wanted:
        return None  # blank or invisible-only evidence states nothing, so it grounds nothing
    start = text.find(evidence)
    if start >= 0:
        return Alignment(start, start + len(evidence), GroundingKind.EXACT, 1.0)
    doc = _prepare(text)
    found = _align_normalised(wanted, doc)
    if found is None and config.fuzzy:
        found = _align_fuzzy(wanted, doc, config)
    return found


def _align_normalised(wanted: str, doc: _Document) -> Alignment | None:
    """First occurrence in the normalised text that starts and ends on whole source characters."""
    at = doc.norm.find(wanted)
    while at >= 0:
        end = at + len(wanted)
        if doc.char_boundaries(at, end):
            start, stop = doc.original(at, end)
            return Alignment(start, stop, GroundingKind.NORMALISED, 1.0)
        at = doc.norm.find(wanted, at + 1)
    return None


def _align_fuzzy(wanted: str, doc: _Document, config: AlignConfig) -> Alignment | None:
    """Best token window by coverage and density, reported as whole tokens of the source."""
    words = _TOKEN.findall(wanted)
    if len(wanted) < config.min_fuzzy_chars or not words:
        return None
    best = _best_window(_token_hits(Counter(words), doc, config), words, config)
    if best is None:
        return None
    first, last, score = best
    start, end = doc.original(doc.tokens[first][0], doc.tokens[last][1])
    return Alignment(start, end, GroundingKind.FUZZY, score)


_Hit = tuple[int, str, float]  # document token position, evidence token credited, similarity
_Window = tuple[int, int, float]  # first and last document token position, score


def _token_hits(need: Counter[str], doc: _Document, config: AlignConfig) -> list[_Hit]:
    """Document tokens matching an evidence token, in document order.

    Each position is credited to its most similar evidence token, and exact matches always win, so
    typo tolerance never steals a token that is spelled right.
    """
    best: dict[int, tuple[float, str]] = {}
    for token in need:
        if len(token) >= config.min_fuzzy_token_chars:
            for candidate, similarity in doc.similar_tokens(token, config.token_similarity):
                for position in doc.positions[candidate]:
                    if best.get(position, (0.0, ""))[0] < similarity:
                        best[position] = (similarity, token)
        for position in doc.positions.get(token, ()):
            best[position] = (1.0, token)
    return sorted((position, token, sim) for position, (sim, token) in best.items())


@dataclass(frozen=True)
class _Pattern:
    """The evidence's tokens as small ints, so the window scans compare ints, not strings."""

    ids: dict[str, int]
    need: list[int]  # per id: how often the evidence uses the token
    columns: list[list[int]]  # per id: its 1-based positions in the evidence (LCS columns)
    size: int

    @classmethod
    def of(cls, words: list[str]) -> _Pattern:
        ids = {word: n for n, word in enumerate(dict.fromkeys(words))}
        need = [0] * len(ids)
        columns: list[list[int]] = [[] for _ in ids]
        for column, word in enumerate(words, 1):
            need[ids[word]] += 1
            columns[ids[word]].append(column)
        return cls(ids, need, columns, len(words))


_Coded = tuple[int, int, float]  # a hit with its evidence token as a _Pattern id


def _best_window(hits: list[_Hit], words: list[str], config: AlignConfig) -> _Window | None:
    """Window between two hits that passes both bars with the best score, earliest on ties.

    Matching is in order (a longest common subsequence of tokens), so a later repeat of a word
    cannot stand in for a missing earlier one and a reordered "quote" is not a quote. That is
    costly, so a cheap order-free count, which can only overestimate, first picks the windows
    worth checking and bounds their score; starts are checked best bound first, so in a
    repetitive article most are never checked.
    """
    pattern = _Pattern.of(words)
    coded = [(position, pattern.ids[token], sim) for position, token, sim in hits]
    positions = [position for position, _, _ in coded]
    longest, enough = int(pattern.size / config.density), config.coverage * pattern.size
    starts = []
    for i in range(len(coded)):
        if bisect.bisect_right(positions, positions[i] + longest - 1) - i < enough:
            continue  # too few hits within reach for any window from here to cover enough
        ends, bound = _unordered_passing(coded, i, pattern, config)
        if ends:
            starts.append((bound, i, ends))
    best: _Window | None = None
    for bound, i, ends in sorted(starts, key=lambda start: (-start[0], start[1])):
        if best is not None and bound < best[2]:
            break
        found = _ordered_best(coded, i, ends, pattern, config)
        if found is not None and (best is None or (found[2], -found[0]) > (best[2], -best[0])):
            best = found
    return best


def _passes(matched: int, size: int, length: int, config: AlignConfig) -> bool:
    return matched >= config.coverage * size and matched >= config.density * length


def _unordered_passing(
    hits: list[_Coded], i: int, pattern: _Pattern, config: AlignConfig
) -> tuple[list[int], float]:
    """Hits ending a window from hits[i] that passes when word order is ignored, and a score bound.

    A window longer than len(evidence) / density can never be dense enough, which bounds the scan;
    hits beyond the evidence's count of a word (the fifth 'the') do not count as matched.
    """
    first, size = hits[i][0], pattern.size
    longest, enough = int(size / config.density), config.coverage * size
    seen = [0] * len(pattern.need)
    matched, bound = 0, 0.0
    ends = []
    for k in range(i, len(hits)):
        last, token, _ = hits[k]
        length = last - first + 1
        if length > longest:
            break
        if seen[token] < pattern.need[token]:
            matched += 1
        seen[token] += 1
        if matched >= enough and matched >= config.density * length:
            ends.append(k)
            bound = max(bound, 2 * matched / (size + length))
    return ends, bound


def _ordered_best(
    hits: list[_Coded], i: int, ends: list[int], pattern: _Pattern, config: AlignConfig
) -> _Window | None:
    """Best of the candidate windows from hits[i] once matches must follow the evidence's order.

    The score is the harmonic mean of coverage and density, each weighted by token similarity,
    so a typo costs a little and padding costs more. A cell packs (matches, similarity sum) into
    one float, matches * scale + similarity, so plain max() orders cells by matches first.
    """
    scale = pattern.size + 1
    row = [0.0] * scale
    best: _Window | None = None
    first, candidates = hits[i][0], set(ends)
    for k in range(i, ends[-1] + 1):
        last, token, similarity = hits[k]
        row = _lcs_step(row, pattern.columns[token], scale + similarity)
        matched = int(row[-1] // scale)
        length = last - first + 1
        if k in candidates and _passes(matched, pattern.size, length, config):
            score = 2 * (row[-1] - matched * scale) / (pattern.size + length)
            if best is None or score > best[2]:
                best = (first, last, score)
    return best


def _lcs_step(row: list[float], columns: list[int], gain: float) -> list[float]:
    """Extend a longest-common-subsequence row by one document token matching `columns`."""
    cells = row.copy()
    for column in columns:
        cells[column] = max(cells[column], row[column - 1] + gain)
    return list(itertools.accumulate(cells, max))


# ---------------------------------------------------------------------------------------------
# Key values

_LEADING_ARTICLES = frozenset({"the", "a", "an"})


def key_values(record_type: RecordType, item: BaseModel) -> list[str]:
    """Values that make the fact what it is (its `Key` fields): evidence that omits them
    supports another fact."""
    return [str(getattr(item, f.name)) for f in record_type.keys]


def aliases_of(
    schema: TaskSchema, lists: Mapping[str, Sequence[BaseModel]]
) -> dict[str, tuple[str, ...]]:
    """Every form of each item of a type with an `Aliases` field, keyed by each of its forms,
    case-folded.

    A partnership may name a company by an alias, and its evidence by the full name, or the reverse.
    """
    aliases: dict[str, tuple[str, ...]] = {}
    for name, record_type in schema.record_types.items():
        if record_type.alias_field is None:
            continue
        for entity in lists.get(name, ()):
            forms = tuple(item_forms(record_type, entity))
            for form in forms:
                known = aliases.get(form.casefold(), ())
                aliases[form.casefold()] = tuple(dict.fromkeys((*known, *forms)))
    return aliases


def record_aliases(record: BaseModel) -> dict[str, tuple[str, ...]]:
    """`aliases_of` a whole record, its schema read off its type."""
    schema = describe(type(record))
    return aliases_of(schema, record_lists(record, schema))


def key_value_present(
    value: str,
    window: str,
    aliases: Mapping[str, Sequence[str]],
    *,
    first_token: bool = False,
) -> bool:
    """Whether value, one of its aliases or (if allowed) its distinctive first token is in window.

    The first-token rule exists because articles shorten company names after, and often at, the
    first mention ("Xiaomi" for "Xiaomi Corp", "Dixon" for "Dixon Technologies India Ltd"), and
    models rarely list every short form as an alias. It is granted only where the field must name
    a company listed elsewhere in the record, so the shortened form still points at one entity.
    """
    folded = value.casefold()
    forms = [value, *(f for name, fs in aliases.items() if name.casefold() == folded for f in fs)]
    if first_token:
        forms += [lead for form in forms if (lead := _distinctive_first_token(form))]
    haystack = normalise(window)
    return any(_contains_words(haystack, normalise(form)) for form in forms)


def _distinctive_first_token(name: str) -> str | None:
    """First word of a multi-word name, skipping a leading article ('The Hindu' gives 'hindu')."""
    words = _TOKEN.findall(normalise(name))
    if words and words[0] in _LEADING_ARTICLES:
        words = words[1:]
    return words[0] if len(words) >= 2 else None


def _contains_words(haystack: str, needle: str) -> bool:
    """Substring test that refuses to cut words: 'LG' is not in 'bulging'."""
    if not needle:
        return False
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        left_ok = at == 0 or not (_is_word(haystack[at - 1]) and _is_word(needle[0]))
        right_ok = end == len(haystack) or not (_is_word(haystack[end]) and _is_word(needle[-1]))
        if left_ok and right_ok:
            return True
        at = haystack.find(needle, at + 1)
    return False


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# ---------------------------------------------------------------------------------------------
# Records


def ground_record(
    record: BaseModel, text: str, config: AlignConfig = AlignConfig()
) -> GroundingResult:
    """Keep only the facts grounded in text, with offsets, and report each one dropped.

    The record's type is a task's root model: its markers say which fields are keys, which are
    references and what a dangling reference costs.
    """
    schema = describe(type(record))
    aliases = record_aliases(record)
    rejected: list[RejectedItem] = []
    kept: dict[str, list[BaseModel]] = {}
    for name, record_type in schema.record_types.items():
        kept[name] = []
        for item in getattr(record, name):
            outcome = _ground_item(record_type, item, text, aliases, config)
            if isinstance(outcome, str):
                rejected.append(_rejection(name, item, outcome))
            else:
                kept[name].append(outcome)
    rejected += drop_dangling(schema, kept, _GROUNDING_REASONS)
    grounded = record.model_copy(update=kept)
    # Re-validating proves the result is a well-formed record, not merely a copied one.
    return GroundingResult(type(record).model_validate(grounded.model_dump()), rejected)


def _ground_item(
    record_type: RecordType,
    item: Grounded,
    text: str,
    aliases: Mapping[str, Sequence[str]],
    config: AlignConfig,
) -> Grounded | str:
    """The item with its span and grounding kind, or the reason it cannot be grounded."""
    found = align(item.evidence, text, config)
    if found is None:
        return "evidence not found in document"
    window = text[max(0, found.start - config.key_window) : found.end + config.key_window]
    for key, value in zip(record_type.keys, key_values(record_type, item), strict=True):
        shortened = key.key is not None and key.key.shortened
        if not key_value_present(value, window, aliases, first_token=shortened):
            return f"key value {value!r} not in or next to evidence"
    # A kind set before grounding is a repair by the strategy (a snapped name): never upgraded.
    kind = GroundingKind.FUZZY if item.grounding is GroundingKind.FUZZY else found.kind
    return item.model_copy(update={"span": (found.start, found.end), "grounding": kind})


def _rejection(record_type: str, item: BaseModel, reason: str) -> RejectedItem:
    return RejectedItem(record_type=record_type, item=item.model_dump(mode="json"), reason=reason)


@dataclass(frozen=True)
class DanglingReasons:
    """How a dropped reference is reported: by grounding (its referent was rejected) or by a
    strategy's merge (the answer never listed it). `{value}`, `{targets}`, `{target}`,
    `{field}` and `{owner}` are filled in."""

    item: str
    value: str


_GROUNDING_REASONS = DanglingReasons(
    item="references rejected {target} {value!r}",
    value="{field} dropped, {owner} kept: references rejected {target} {value!r}",
)


def drop_dangling(
    schema: TaskSchema, lists: dict[str, list[BaseModel]], reasons: DanglingReasons
) -> list[RejectedItem]:
    """Remove references that name no listed item, as each `Ref` marker says, in place.

    `Dangling.DROP_ITEM`: the item cannot stand without its referent (a partnership without a
    party is no partnership), so it goes. `Dangling.DROP_VALUE`: the item is still a grounded
    fact (a company whose parent went), so only the reference goes. Each loss is reported under
    the item's type; `Dangling.KEEP` references may name what the record does not list. An item
    dropped may leave references to it dangling in turn, so this repeats until none is left.
    """
    rejected: list[RejectedItem] = []
    while found := dangling_refs(schema, lists):
        rejected += _drop_once(schema, lists, found, reasons)
    return rejected


def _drop_once(
    schema: TaskSchema,
    lists: dict[str, list[BaseModel]],
    found: list[DanglingRef],
    reasons: DanglingReasons,
) -> list[RejectedItem]:
    rejected: list[RejectedItem] = []
    gone: set[tuple[str, int]] = set()
    for ref in found:
        if (ref.record_type, ref.index) in gone:
            continue
        item = lists[ref.record_type][ref.index]
        if ref.ref.dangling is Dangling.DROP_ITEM:
            gone.add((ref.record_type, ref.index))
            reason = _reason(reasons.item, schema, ref)
        else:
            reason = _reason(reasons.value, schema, ref)
        rejected.append(_rejection(ref.record_type, item, reason))
    for ref in found:
        if ref.ref.dangling is Dangling.DROP_VALUE and (ref.record_type, ref.index) not in gone:
            _drop_value(lists[ref.record_type], ref)
    for record_type, index in sorted(gone, reverse=True):
        del lists[record_type][index]
    return rejected


def _drop_value(items: list[BaseModel], ref: DanglingRef) -> None:
    item = items[ref.index]
    value = getattr(item, ref.field.name)
    update = [v for v in value if v != ref.value] if isinstance(value, list) else None
    items[ref.index] = item.model_copy(update={ref.field.name: update})


def _reason(template: str, schema: TaskSchema, ref: DanglingRef) -> str:
    owner = schema.type_of(ref.record_type).model.__name__.lower()
    return template.format(
        value=ref.value,
        target=ref.target_label(schema),
        targets=" or ".join(ref.ref.targets),
        field=_singular(ref.field.name) if ref.field.is_list else ref.field.name,
        owner=owner,
    )


def _singular(name: str) -> str:
    """A list field's one value, for a message: 'beneficiaries' gives 'beneficiary'."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name.removesuffix("s")
