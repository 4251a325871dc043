"""Repairing mangled Latvian text: mojibake, detached marks, OCR confusions, stripped diacritics.

A noisy-channel corrector with guards and a word-sequence model. Only Latvian lines are
repaired (``language``); English, German or Russian lines stay as written and never reach the
model. For each word that is not already a Latvian form, candidates come from the channels
that damage Latvian text (a code page mix-up, a non-Latvian OCR model's confusions from
``data/ocr_confusions.json``, diacritics typed away), looked up in the lexicon and the word
model's vocabulary by their folded spelling, scored by log-frequency minus channel cost. The
guards decide what a word may become before anything chooses: a name keeps everything but its
visible damage, never its case ending (``names``); a word no channel places may be a few OCR
edits from a lexicon form (``channel``). The word-sequence model (``wordmodel``) then chooses
among each sentence's allowed candidates by their neighbours (``gada``/``gadā``); a form the
lexicon knows as written changes only by the model's keep margin, and the winner's margin is
the repair's score. Words the lexicon knows are not questioned in text with its diacritics
unless they show damage. Numbers, codes, acronyms, e-mails and URLs are never touched. Line
structure is kept: only words change.
"""
from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import ftfy

from . import channel, charmodel, language, names, reranker, wordmodel
from .document import Repair, RepairKind
from .lexicon import Lexicon, get_lexicon
from .resources import data_json
from .textnorm import LATVIAN_MARKED, confusions, fold

TOKEN = re.compile(r"\S+")
INNER_SPLIT = re.compile(r"[^\W\d_]-[^\W\d_]|\d\.[^\W\d_]{3,}")
SENTENCE_OPENERS = ".!?:;•-–—(\"“„«"
DAY_BEFORE = re.compile(r"(?<![\d.])\d{1,2}\. ?$")
LETTER_RUN = re.compile(r"[^\W\d_$§&€@]{3,}|[^\W\d_][^\W\d_$§&€@]*(?:[$§&€@][^\W\d_]*)+")
EDGE_PUNCT = "\"'“”„«»‚‘’″′()[]{}.,;:!?…–—-/*"
# a word of Latvian letters, capitalised or in capitals: no character in it shows damage
UNDAMAGED = re.compile(r"(?:[A-ZĀČĒĢĪĶĻŅŠŪŽ]?[a-zāčēģīķļņšūž]*|[A-ZĀČĒĢĪĶĻŅŠŪŽ]+)\Z")
# the marked small letter a capital inside a word stands for ("registrEta")
MARKED_SMALL = {fold(c).upper(): c for c in "āčēģīķļņšūž"}
DECLINED_END = "aeiousmāēīū"  # the last letter of a Latvian noun's case endings
ROMAN_HEADING = re.compile(r"^(\s*)([IVX]{1,5})(?=[.)](?:\s|$))", re.M)
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
CANDIDATE_MEMO = 50_000  # words whose candidate sets are remembered per process (about 0.6 kB each)
PROTECTED = re.compile(r"(?i)^(https?://|www\.)|@.*\.|\.(lv|com|eu|org|gov)$")
FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_line_breaks=False, fix_latin_ligatures=False,
    fix_character_width=False, normalization=None, explain=False,
)
# Spacing and combining marks that PDF text layers leave beside their letter.
SPACING_MARKS = {"¯": "\u0304", "ˉ": "\u0304", "ˇ": "\u030c", "¸": "\u0327", "˛": "\u0328", "ʼ": "\u0326"}
DETACHED = re.compile(r"([A-Za-z]) ?([¯ˉˇ¸˛\u0304\u030c\u0327\u0326\u0312])|([¯ˉˇ¸˛]) ?([A-Za-z])")


@dataclass(frozen=True)
class NeighbourRules:
    """Neighbour rules for text typed without diacritics (see ``_context`` in the rules file)."""

    after_comma_only: dict[str, str]
    before_punctuation: dict[str, str]
    agreement: list[tuple[str, str, str]]
    plural_words: dict[str, str]
    plural_endings: tuple[str, ...]
    plural_except: frozenset[str]


@dataclass(frozen=True)
class ModelRules:
    """How the word-sequence model (``wordmodel``) weighs in; see ``_context_model`` in the rules."""

    weight: float
    unigram_share: float
    max_options: int
    keep_margin_folded: float
    keep_margin_marked: float
    keep_margin_channel: float


@dataclass(frozen=True)
class Rules:
    mojibake_marks: frozenset[str]
    cedilla_fix: dict[str, str]  # letter + comma below (Unicode's Romanian form) -> the Latvian letter
    confusions: dict[str, list[str]]
    after_letter: dict[str, list[str]]
    word_start: dict[str, list[str]]
    word_end: dict[str, list[str]]
    ocr_word_start: dict[str, list[str]]  # with the reader "ocr_words" too, for OCR'd folded text
    ocr_word_end: dict[str, list[str]]
    confusion_cost: float
    max_variants: int
    prepositions: frozenset[str]
    preposition_window: int
    locative_endings: tuple[str, ...]
    not_locative: frozenset[str]
    preposition_locative_cost: float
    folded_max_diacritic_share: float
    folded_min_restorable_share: float
    phrases: dict[str, str]
    min_log_freq_in_marked_text: float
    ocr_damaged_share: float
    ocr_min_freq: float
    guess_windows: int
    signs: list[tuple[re.Pattern, dict[int, int]]]
    context: NeighbourRules
    model: ModelRules


@functools.cache
def rules() -> Rules:
    data = data_json("repair_rules.json")
    ocr, misread = confusions("words"), confusions("ocr_words")
    return Rules(
        mojibake_marks=frozenset(data["mojibake_marks"]),
        cedilla_fix=data["cedilla_fix"],
        confusions=ocr["anywhere"],
        after_letter=ocr["after_letter"],
        word_start=ocr["word_start"],
        word_end=ocr["word_end"],
        ocr_word_start=_merged(ocr["word_start"], misread["word_start"]),
        ocr_word_end=_merged(ocr["word_end"], misread["word_end"]),
        confusion_cost=data["confusion_cost"],
        max_variants=data["max_variants"],
        prepositions=frozenset(fold(p) for p in data["prepositions"]),
        preposition_window=data["preposition_window"],
        locative_endings=tuple(data["locative_endings"]),
        not_locative=frozenset(data["not_locative"]),
        preposition_locative_cost=data["preposition_locative_cost"],
        folded_max_diacritic_share=data["folded_text_max_diacritic_share"],
        folded_min_restorable_share=data["folded_text_min_restorable_share"],
        phrases=data["phrases"],
        min_log_freq_in_marked_text=math.log(data["min_freq_in_marked_text"]),
        ocr_damaged_share=data["ocr_damaged_share"],
        ocr_min_freq=data["ocr_min_freq"],
        guess_windows=data["guess_windows"],
        signs=[(re.compile(p), str.maketrans(a, b)) for p, a, b, _ in data["signs"]],
        context=NeighbourRules(
            after_comma_only=data["context"]["after_comma_only"],
            before_punctuation=data["context"]["before_punctuation"],
            agreement=[tuple(rule) for rule in data["context"]["agreement"]],
            plural_words=data["context"]["before_feminine_plural"]["words"],
            plural_endings=tuple(data["context"]["before_feminine_plural"]["endings"]),
            plural_except=frozenset(data["context"]["before_feminine_plural"]["except"]),
        ),
        model=ModelRules(**data["context_model"]),
    )


def _merged(table: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    return {read: table.get(read, []) + more.get(read, []) for read in table.keys() | more.keys()}


# ---------------------------------------------------------------- stages 1 and 2: characters


def _fix_mojibake(text: str, out: list[Repair]) -> str:
    """ftfy for UTF-8 read as a single-byte code page; line by line so lines stay lines."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        fixed = ftfy.fix_text(line, config=FTFY)
        if fixed != line:
            out.extend(_word_changes(line, fixed, "mojibake", 0.9))
            lines[i] = fixed
    return "\n".join(lines)


def _fix_marks(text: str, out: list[Repair]) -> str:
    """Re-attach detached marks (``a¯``, ``a ̄``), comma-below to cedilla, then NFC."""

    def attach(match: re.Match) -> str:
        letter = match.group(1) or match.group(4)
        mark = match.group(2) or match.group(3)
        combined = unicodedata.normalize("NFC", letter + SPACING_MARKS.get(mark, mark))
        combined = rules().cedilla_fix.get(letter + SPACING_MARKS.get(mark, mark), combined)
        if len(combined) != 1 or combined not in LATVIAN_MARKED:
            return match.group(0)
        out.append(Repair(match.group(0), combined, "diacritic_mark", 0.95, match.start()))
        return combined

    return unicodedata.normalize("NFC", DETACHED.sub(attach, text))


def _word_changes(before: str, after: str, kind: RepairKind, score: float) -> list[Repair]:
    a, b = before.split(), after.split()
    if len(a) != len(b):
        return [Repair(before, after, kind, score)]
    return [Repair(x, y, kind, score) for x, y in zip(a, b) if x != y]


# ---------------------------------------------------------------- stage 3 and 4: words


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    lead: str
    core: str
    trail: str


def _split(line: str, offset: int) -> list[_Token]:
    """Words with their edge punctuation; hyphenated compounds and ``12.julija`` split apart."""
    tokens: list[_Token] = []
    for m in TOKEN.finditer(line):
        raw = m.group(0)
        if INNER_SPLIT.search(raw.strip(EDGE_PUNCT)) and not PROTECTED.search(raw):
            tokens.extend(
                _Token(offset + m.start() + p.start(), offset + m.start() + p.end(), "", p.group(0), "")
                for p in LETTER_RUN.finditer(raw)
            )
            continue
        core = raw.strip(EDGE_PUNCT)
        lead = raw[: raw.find(core)] if core else raw
        trail = raw[len(lead) + len(core) :]
        tokens.append(_Token(offset + m.start(), offset + m.end(), lead, core, trail))
    return tokens


@functools.lru_cache(maxsize=65536)  # asked twice per word of every text; pure
def _protected(core: str) -> bool:
    if len(core) < 2 or PROTECTED.search(core):
        return True
    if any(c.isdigit() for c in core) and not re.fullmatch(r"[^\W\d_]+1[^\W\d_]*", core):
        return True
    if core.isupper():  # acronyms: ESF, PMP, ST
        return True
    uppers = sum(1 for c in core[1:] if c.isupper())
    return uppers >= 2 and not re.fullmatch(r"[^\W\d_]*[sS]S[^\W\d_]*", core)


def _variants(core: str, r: Rules, ocr: bool) -> list[tuple[str, int]]:
    """Spellings the OCR channel could have come from, with the number of confusions used;
    ``ocr``: the text shows a non-Latvian OCR model's damage (the reader "ocr_words" too)."""
    starts, ends = (r.ocr_word_start, r.ocr_word_end) if ocr else (r.word_start, r.word_end)
    options: list[list[tuple[str, int]]] = []
    i = 0
    while i < len(core):
        two = core[i : i + 2]
        pair = r.confusions.get(two, []) + (ends.get(two, []) if i == len(core) - 2 else [])
        if len(two) == 2 and pair:
            options.append([(two, 0)] + [(t, 1) for t in pair])
            i += 2
            continue
        ch = core[i]
        choices = [(ch, 0)]
        table = starts if i == 0 else ends if i == len(core) - 1 else {}
        for target in r.confusions.get(ch, []) + table.get(ch, []):
            choices.append((target, 1))
        if i > 0 and core[i - 1].isalpha():
            choices += [(t, 1) for t in r.after_letter.get(ch, [])]
        options.append(choices)
        i += 1
    if all(len(choices) == 1 for choices in options):
        return [(core, 0)]  # most words: no letter the channel reads another way
    variants: dict[str, int] = {}
    for combo in itertools.islice(itertools.product(*options), r.max_variants):
        text = "".join(part for part, _ in combo)
        cost = sum(c for _, c in combo)
        variants[text] = min(cost, variants.get(text, cost))
    return list(variants.items())


def _consistent(variant: str, form: str) -> bool:
    """A candidate must keep every diacritic the variant already has."""
    return len(variant) == len(form) and all(
        v == f or fold(v) == v for v, f in zip(variant, form)
    )


def _with_case(form: str, core: str, sentence_start: bool = True) -> str:
    """The core's capitalisation on the chosen form. A capital that was an OCR look-alike of a
    small letter ("Skiet" for "šķiet") stays small inside a sentence."""
    letters = [c for c in core if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return form.upper()
    if core[:1].isupper() and (sentence_start or core[:1].lower() == form[:1]):
        return form[:1].upper() + form[1:]
    return form


def _read_capital(core: str, form: str, r: Rules) -> str:
    """``core`` with its first letter made the capital an OCR model read as a small letter
    ("leraugot" for "Ieraugot": a sans-serif I is an l), when the chosen form starts with it."""
    capitals = [t for t in r.ocr_word_start.get(core[:1], []) if t.isupper()]
    return capitals[0] + core[1:] if any(fold(form[:1]) == t.lower() for t in capitals) else core


@dataclass(slots=True)
class _Choice:
    form: str
    score: float
    kind: RepairKind
    share: float
    options: dict[str, tuple[float, RepairKind]] = field(default_factory=dict)  # for the word model


def _candidates(core: str, lex: Lexicon, ocr: bool) -> Mapping[str, tuple[float, RepairKind]]:
    """form -> (log-score, kind) over every channel (shared: never changed by the caller).
    Words recur on every page, so the sets are remembered while the word model's vocabulary
    stays what it was (its ``generation``)."""
    model = wordmodel.get_model()
    return _channel_candidates(core, lex, ocr, model, model.generation)


@functools.lru_cache(maxsize=CANDIDATE_MEMO)
def _channel_candidates(core: str, lex: Lexicon, ocr: bool, model: wordmodel.WordModel,
                        generation: int) -> Mapping[str, tuple[float, RepairKind]]:
    r = rules()
    found: dict[str, tuple[float, RepairKind]] = {}
    variants = _variants(core, r, ocr)
    keys = {fold(v.lower()) for v, _ in variants}
    table = lex.by_fold(keys)
    for key, read in model.by_fold(keys).items():  # words the model has read
        known = {form for form, _ in table[key]}
        table[key] = table[key] + [(form, freq) for form, freq in read if form not in known]
    for variant, cost in variants:
        low = variant.lower()
        for form, freq in table[fold(low)]:
            if _consistent(low, form):
                kind: RepairKind = "ocr_confusion" if cost else "diacritic_restore"
                score = math.log(freq) - cost * r.confusion_cost
                if score > found.get(form, (-math.inf, kind))[0]:
                    found[form] = (score, kind)
    if r.mojibake_marks.intersection(core):
        try:
            decoded = core.encode("cp1252").decode("cp1257").lower()
        except UnicodeError:
            decoded = ""
        freq = lex.frequencies([decoded]).get(decoded, 0.0) if decoded else 0.0
        if freq > 0:
            found[decoded] = (math.log(freq), "mojibake")
    return MappingProxyType(found)


def _choose(
    token: _Token, previous: list[str], lex: Lexicon, r: Rules, folded_text: bool, after_day: bool,
    allowed: Callable[[str], bool] | None = None, ocr_text: bool = False,
) -> _Choice | None:
    core = token.core
    low = core.lower()
    own = lex.frequencies([low])[low]
    # a known word is only questioned when it carries a sign of damage; a lower-case "l" that
    # might be an OCR'd "ī" is not one (it is in half the words of the language)
    damaged = any(c in r.mojibake_marks or c in r.confusions for c in core) or any(
        c in r.after_letter and not c.islower() for c in core[1:]
    )
    if not folded_text and not damaged and (own > 0 or LATVIAN_MARKED.intersection(core)):
        return None  # a known word, or one already written with diacritics: not ours to judge
    found = {f: v for f, v in _candidates(core, lex, ocr_text).items() if allowed is None or allowed(f)}
    found = _marked_capitals(core, found)
    if not found and ocr_text and allowed is None:
        found_near = _nearest(core, lex, r, True, True)  # "val" for "vai", "Rudent" for "Rudenī"
        if found_near is not None:
            return found_near
    if not found:
        # outside the lexicon, in folded text: the signs that stand for one letter put back
        # ("noskréjusi"), then an undamaged lower-case word gets the character model's
        # spelling; a name, or a word with an OCR sign left in it ("veteriinu"), the letter
        # windows' guess, which needs more context
        inner = _inner_capitals(core)
        written = "".join(MARKED_SMALL[c] if i in inner else c for i, c in enumerate(core)).lower()
        written = _sure_letters(written, r) if folded_text else low
        if folded_text and written.isalpha() and core[:1].islower() and not _damage(written, r):
            guess = charmodel.restore(written)
        elif folded_text and low.isalpha() and low == fold(low):
            guess = lex.guess_marks(low, r.guess_windows)
        else:
            guess = written
        if allowed is not None and not allowed(guess):
            return None
        return _Choice(guess, 0.0, "diacritic_restore", 0.5) if guess != low else None
    # no locative after a preposition, nor after a day number ("12. jūlija", not "12. jūlijā")
    after_preposition = after_day or any(p in r.prepositions for p in previous[-r.preposition_window :])
    scored: dict[str, tuple[float, RepairKind]] = {}
    for form, (score, kind) in found.items():
        locative = form.endswith(r.locative_endings) and form not in r.not_locative
        if after_preposition and locative and fold(form) in {
            fold(f) for f in found if f != form and not f.endswith(r.locative_endings)
        }:
            score -= r.preposition_locative_cost
        scored[form] = (score, kind)
    if own > 0 and (low in found or not _inner_capitals(core)):
        # the word as written stays a candidate: the word model's keep margin is its say
        scored.setdefault(low, (math.log(own), "diacritic_restore"))
    best = max(scored, key=lambda f: (scored[f][0], f == low))  # a tie keeps the word
    rare = scored[best][0] < r.min_log_freq_in_marked_text
    if best != low and not folded_text and not damaged and rare:
        return None  # one stray plain word in good text: only restore words in common use
    total = sum(math.exp(s) for s, _ in scored.values()) or 1.0
    return _Choice(best, scored[best][0], scored[best][1], math.exp(scored[best][0]) / total, scored)


def _sure_letters(low: str, r: Rules) -> str:
    """A word with each sign that the OCR confusions read as one letter only put back
    (``é`` is ``ē``, ``$`` is ``š``); letter pairs and signs with two readings stay."""
    out = []
    for c in low:
        targets = r.confusions.get(c, [])
        out.append(targets[0] if len(targets) == 1 and not "a" <= c <= "z" else c)
    return "".join(out)


def _inner_capitals(core: str) -> list[int]:
    """Positions of capitals inside small letters that stand for a marked small letter."""
    return [i for i in range(1, len(core) - 1)
            if core[i] in MARKED_SMALL and core[i - 1].islower() and core[i + 1].islower()]


def _marked_capitals(core: str, found: dict[str, tuple[float, RepairKind]]
                     ) -> dict[str, tuple[float, RepairKind]]:
    """Candidates that read a capital inside small letters as its marked small letter
    ("palikuSi" is "palikuši", "registrEta" "reģistrēta"), when any does."""
    inner = _inner_capitals(core)
    if not inner:
        return found
    fitting = {f: v for f, v in found.items()
               if len(f) == len(core) and all(f[i] == MARKED_SMALL[core[i]] for i in inner)}
    return fitting or found


def _damage(core: str, r: Rules) -> set[int]:
    """Positions of the characters in ``core`` that show damage: mojibake letters, OCR
    look-alikes (``$``, ``é``, ``ii``), digits and signs among letters, letters of another
    script, a capital inside small letters (``RIga``, ``registrEta``)."""
    pairs = [k for k in r.confusions if len(k) == 2]
    if UNDAMAGED.match(core) and not any(k in core for k in pairs):
        return set()  # the common case, without a look at each character
    found = {
        i for i, c in enumerate(core)
        if c in r.mojibake_marks or c in r.confusions or not c.isalpha()
        or not unicodedata.name(c, "").startswith("LATIN")  # a Cyrillic or Arabic letter
        or (i and c.isupper() and not core.isupper())
    }
    for key in pairs:
        start = core.find(key)
        while start >= 0:
            found.update((start, start + 1))
            start = core.find(key, start + 1)
    return found


def _sign_fix(core: str, r: Rules, name: bool) -> _Choice | None:
    """A word no channel placed, with a sign among its letters that stands for one letter
    only (``Ka$ka``, ``saisto$os``): that letter put back, nothing else changed. In a name,
    which the lexicon cannot know, a capital inside small letters is its marked small letter
    too (``VieglatlEtikas``); elsewhere that guess would make words nobody wrote."""
    letters = list(core.lower())
    for i, c in enumerate(core):
        targets = r.confusions.get(c, [])
        inside = 0 < i < len(core) - 1 and core[i - 1].isalpha()
        if inside and not c.isalpha() and len(targets) == 1:
            letters[i] = targets[0]
        elif (name and inside and c.isupper() and core[i - 1].islower() and core[i + 1].islower()
              and core[-1] in DECLINED_END):  # a Latvian name, not "JavaScript", "LinkedIn"
            letters[i] = MARKED_SMALL.get(c, letters[i])
    form = "".join(letters)
    return _Choice(form, 0.0, "ocr_confusion", 0.9) if form != core.lower() else None


def _fix_signs(line: str, offset: int, r: Rules, out: list[Repair]) -> str:
    """Misread signs on a Latvian line (``92. $`` for ``92. §``, ``Il.`` for ``II.``, a bullet
    read as ``e``): rules from the data file, each translating its match letter for letter."""
    for pattern, table in r.signs:
        for m in pattern.finditer(line):
            fixed = m.group(0).translate(table)
            if fixed != m.group(0):
                out.append(Repair(m.group(0), fixed, "ocr_confusion", 0.9, offset + m.start()))
                line = line[: m.start()] + fixed + line[m.end() :]
    return line


def _ocr_damaged(tokens: list[_Token], r: Rules) -> bool:
    """Text a non-Latvian OCR model read: enough words show damage that a plain unknown word
    may hide a misread letter too (clean text has next to none)."""
    words = [t.core for t in tokens if len(t.core) > 2 and not _protected(t.core)]
    damaged = sum(1 for w in words if _damage(w, r))
    return bool(words) and damaged / len(words) >= r.ocr_damaged_share


def _nearest(core: str, lex: Lexicon, r: Rules, ocr_damaged: bool, ocr: bool) -> _Choice | None:
    """A word no channel could place, the lexicon form a few OCR edits away (``channel``).
    A plain letter is taken for a misread only in a damaged word, in text that shows OCR
    damage elsewhere, or in OCR'd text, and there only for a form in common use."""
    if not any(c.isalpha() for c in core) or lex.frequencies([core])[core.lower()] > 0:
        return None
    damaged = _damage(core, r)
    evident = bool(damaged) or ocr_damaged
    if not (evident or ocr):
        return None  # nothing to edit but marks, which are the diacritic channel's call
    found = channel.nearest(core, damaged, lex, r.confusions, misreads=evident or ocr,
                            min_freq=0.0 if evident else r.ocr_min_freq)
    if found is None:
        return None
    return _Choice(found.form, 0.0, "ocr_confusion", round(math.exp(-found.cost), 3))


def _guard(
    token: _Token, spotter: names.NameSpotter, sentence_start: bool, folded_text: bool,
    r: Rules,
) -> Callable[[str], bool] | None:
    """What a word may become, before its candidates are chosen; None lets every candidate
    through. A name keeps everything but its visible damage (``names.allows``), except in
    folded text, where the missing marks are the damage and its ending is chosen like any
    other word's."""
    name = spotter.is_name(token.lead, token.core, token.trail, sentence_start)
    if folded_text or not name:
        return None
    damaged = _damage(token.core, r)
    return lambda form: names.allows(form, token.core, damaged)


def _is_folded_text(tokens: list[_Token], lex: Lexicon, r: Rules) -> bool:
    """Latvian typed without diacritics: almost no marked letters, yet words that need them."""
    letters = [c for t in tokens for c in t.core if c.isalpha()]
    if not letters:
        return False
    marked = sum(1 for c in letters if c in LATVIAN_MARKED) / len(letters)
    if marked > r.folded_max_diacritic_share:
        return False
    words = [t.core.lower() for t in tokens if t.core.isalpha()]
    if not words:
        return False
    freqs = lex.frequencies(words)
    table = lex.by_fold(words)
    restorable = sum(1 for w in words if freqs[w] == 0 and table[w])
    return restorable / len(words) >= r.folded_min_restorable_share


def _fix_phrases(text: str, r: Rules, out: list[Repair]) -> str:
    """Fixed phrases whose words are ambiguous alone (``ka ari`` is always ``kā arī``).

    Matched on the folded text, which has the same length, so offsets carry over.
    """
    folded = fold(text.lower())
    for phrase, correct in r.phrases.items():
        pattern = re.compile(r"(?<!\w)" + r" +".join(map(re.escape, phrase.split())) + r"(?!\w)")
        for match in reversed(list(pattern.finditer(folded))):
            before = text[match.start() : match.end()]
            words = before.split()
            after = " ".join(_with_case(w, p) for w, p in zip(correct.split(), words))
            if after != before:
                out.append(Repair(before, after, "diacritic_restore", 0.9, match.start()))
                text = text[: match.start()] + after + text[match.end() :]
    return text


def _opens_sentence(lines: list[str], n: int, start: int) -> bool:
    before = lines[n][:start].rstrip()
    if not before:
        previous = lines[n - 1].rstrip() if n else ""
        return not previous or previous[-1] in SENTENCE_OPENERS
    return before[-1] in SENTENCE_OPENERS


def _in_context(form: str, before: _Neighbour, trail: str, next_core: str, lex: Lexicon, r: Rules) -> str:
    """The form the neighbouring words call for, in text typed without diacritics."""
    c = r.context
    if form in c.after_comma_only and "," not in before.trail:
        return c.after_comma_only[form]
    if form in c.before_punctuation and trail and trail[0] in ",.!?;:":
        return c.before_punctuation[form]
    for after, ending, replacement in c.agreement:
        if before.form.endswith(after) and form.endswith(ending):
            candidate = form[: -len(ending)] + replacement
            if lex.frequencies([candidate])[candidate] > 0:
                return candidate
    following = fold(next_core.lower())
    if form in c.plural_words and following.endswith(c.plural_endings) and following not in c.plural_except:
        return c.plural_words[form]
    return form


@dataclass(slots=True)
class _Neighbour:
    form: str = ""  # the previous word as repaired, lower case
    trail: str = "."  # its trailing punctuation; the text's start counts as a sentence end


def _add_agreement(sentence: list[list[tuple[str, float]]], freqs: dict[str, float],
                   ranker: reranker.Reranker) -> None:
    """Add the re-ranker's own score to each option of an ambiguous word: its frequency rank
    among the word's forms, its ending before the next word and after a comma (``reranker``)."""
    for k, options in enumerate(sentence):
        if len(options) < 2:
            continue
        following = sentence[k + 1][0][0] if k + 1 < len(sentence) else wordmodel.EOS
        comma = k > 0 and sentence[k - 1][0][0] == wordmodel.COMMA
        order = sorted(options, key=lambda o: (-freqs.get(o[0], 0.0), o[0]))
        rank = {form: n for n, (form, _) in enumerate(order)}
        options[:] = [(form, score + reranker.WEIGHT * ranker.own(form, rank[form], following, comma))
                      for form, score in options]


def _in_sentences(
    per_line: list[list[_Token]], latvian: list[bool], chosen: list[list[_Choice | None]],
    lex: Lexicon, r: Rules, folded_text: bool,
) -> None:
    """Let the word-sequence model re-choose among each word's candidate forms, sentence by
    sentence. The candidates are the ones the guards allowed (``_choose``); a line in another
    language is no part of any sentence. The form as written is kept unless the model prefers
    another by the keep margin (if the lexicon knows it); the winner's margin over its runner-up
    becomes its score."""
    m = r.model
    keep, stay = m.keep_margin_folded if folded_text else m.keep_margin_marked, m.keep_margin_channel
    freqs = lex.frequencies({f for row in chosen for c in row if c for f in c.options})
    sentences: list[list[list[tuple[str, float]]]] = [[]]
    places: list[list[tuple[_Choice, list[str]] | None]] = [[]]
    for n, tokens in enumerate(per_line):
        if not latvian[n] and sentences[-1]:
            sentences.append([])
            places.append([])
        for k, token in enumerate(tokens):
            choice = chosen[n][k]
            written = token.core.lower()
            word, comma, end = wordmodel.unit(choice.form if choice else written, token.trail)
            if choice and len(choice.options) > 1 and word:
                options = choice.options
                ranked = sorted(options, key=lambda f: -options[f][0])[: m.max_options]
                first = written if written in choice.options else ranked[0]
                forms = [first] + [f for f in ranked if f != first]
                sentences[-1].append([
                    (f, choice.options[f][0] - m.unigram_share * math.log(max(freqs[f], 1e-12))
                     + (keep if f == written and freqs[f] > 0 else stay if f == first else 0.0))
                    for f in forms
                ])
                places[-1].append((choice, forms))
            elif word:
                sentences[-1].append([(word, 0.0)])
                places[-1].append(None)
            if comma:
                sentences[-1].append([(wordmodel.COMMA, 0.0)])
                places[-1].append(None)
            if end and sentences[-1]:
                sentences.append([])
                places.append([])
    ambiguous = [i for i, s in enumerate(sentences) if any(len(options) > 1 for options in s)]
    ranker = reranker.get_reranker()
    for i in ambiguous:
        _add_agreement(sentences[i], freqs, ranker)
    decoded = wordmodel.get_model().decode([sentences[i] for i in ambiguous], m.weight,
                                           lambda b, c: reranker.WEIGHT * ranker.pair(b, c))
    for i, result in zip(ambiguous, decoded):
        for place, (winner, margin) in zip(places[i], result):
            if place:
                choice, forms = place
                choice.form, choice.kind = forms[winner], choice.options[forms[winner]][1]
                choice.share = 1 / (1 + math.exp(-min(margin, 50.0)))


def _fix_words(
    text: str, out: list[Repair], default_language: str = language.LATVIAN, ocr: bool = False
) -> str:
    """Words on Latvian lines: first what each word may become and the channels' candidates
    (guards, ``_choose``, the edit channel, sign fixes), then the word model's choice among
    them by sentence, then the folded-text neighbour rules as the words are written back."""
    r, lex = rules(), get_lexicon()
    lines = text.split("\n")
    offsets = list(itertools.accumulate([0] + [len(line) + 1 for line in lines[:-1]]))
    # only Latvian lines are repaired: English, German, Russian stay as written
    verdicts = language.line_languages(text, lex, default=default_language)
    latvian = [lang == language.LATVIAN for lang in verdicts]
    lines = [_fix_signs(ln, off, r, out) if ok else ln for ln, off, ok in zip(lines, offsets, latvian)]
    per_line = [_split(ln, off) if ok else [] for ln, off, ok in zip(lines, offsets, latvian)]
    all_tokens = [t for tokens in per_line for t in tokens]
    folded_text = _is_folded_text(all_tokens, lex, r)
    shows_ocr_damage = _ocr_damaged(all_tokens, r)
    ocr_damaged = not folded_text and shows_ocr_damage
    wordmodel.get_model().by_fold({fold(t.core.lower()) for t in all_tokens})  # one query per text
    previous: list[str] = []
    chosen: list[list[_Choice | None]] = []
    spotter = names.NameSpotter()
    for n, tokens in enumerate(per_line):
        chosen.append([])
        for token in tokens:
            choice = None
            start = token.start - offsets[n]
            allowed = _guard(token, spotter, _opens_sentence(lines, n, start), folded_text, r)
            if token.core and not _protected(token.core):
                after_day = bool(DAY_BEFORE.search(lines[n][:start]))
                choice = _choose(token, previous, lex, r, folded_text, after_day, allowed,
                                 folded_text and shows_ocr_damage)
                if choice is None and allowed is None and not folded_text:
                    choice = _nearest(token.core, lex, r, ocr_damaged, ocr)
                if choice is None and (allowed is not None or not token.core.isalpha()):
                    choice = _sign_fix(token.core, r, allowed is not None)
            chosen[n].append(choice)
            previous.append(fold(choice.form if choice else token.core.lower()))
        spotter.line_end()
    _in_sentences(per_line, latvian, chosen, lex, r, folded_text)
    before = _Neighbour()
    for n, tokens in enumerate(per_line):
        line = lines[n]
        pieces, cursor = [], 0
        for k, token in enumerate(tokens):
            start = token.start - offsets[n]
            choice = chosen[n][k]
            if not token.core or _protected(token.core):
                before = _Neighbour(token.core.lower(), token.trail)
                continue
            form = choice.form if choice else token.core.lower()
            if folded_text:
                next_core = tokens[k + 1].core if k + 1 < len(tokens) else ""
                in_context = _in_context(form, before, token.trail, next_core, lex, r)
                if in_context != form:
                    form, choice = in_context, _Choice(in_context, 0.0, "diacritic_restore", 0.8)
            before = _Neighbour(form, token.trail)
            if choice and choice.form != token.core.lower():
                # in typed folded text a capital is a capital ("Edoles" is "Ēdoles"); after a
                # non-Latvian OCR model it may be a look-alike ("Skiet" for "šķiet")
                capital = (folded_text and not shows_ocr_damage) or _opens_sentence(lines, n, start)
                new_core = _with_case(choice.form, _read_capital(token.core, choice.form, r), capital)
                out.append(Repair(token.core, new_core, choice.kind, round(choice.share, 3),
                                  token.start + len(token.lead)))
                pieces.append(line[cursor:start] + token.lead + new_core + token.trail)
                cursor = token.end - offsets[n]
        pieces.append(line[cursor:])
        lines[n] = "".join(pieces)
    text = "\n".join(lines)
    return _fix_phrases(text, r, out) if folded_text else text


def _roman(numeral: str) -> int:
    values = [ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0]))


def _fix_numbering(text: str, out: list[Repair]) -> str:
    """A section numbered one I too many, between its neighbours (``I.``, ``III.``, ``III.``):
    the middle one is ``II.``, a stroke read twice. Only a numeral that repeats the next one
    and skips one after the previous is changed."""
    found = list(ROMAN_HEADING.finditer(text))
    values = [_roman(m.group(2)) for m in found]
    for k in range(len(found) - 2, 0, -1):
        numeral = found[k].group(2)
        if values[k] == values[k - 1] + 2 == values[k + 1] and numeral.endswith("I"):
            start = found[k].start(2)
            out.append(Repair(numeral, numeral[:-1], "ocr_confusion", 0.8, start))
            text = text[:start] + numeral[:-1] + text[found[k].end(2):]
    return text


def repair_text(
    text: str, default_language: str = language.LATVIAN, ocr: bool = False
) -> tuple[str, list[Repair]]:
    """Repaired text and the changes made; the number of lines never changes.

    Words are repaired on Latvian lines only (``language.line_languages``);
    ``default_language`` is the verdict for text too short to show its own (a table cell: its
    page's language). ``ocr``: the text was read by OCR, so a word outside the lexicon may
    hide a misread letter ("nolenij" for "nolemj") even where no other word shows damage."""
    changes: list[Repair] = []
    text = _fix_mojibake(text, changes)
    text = _fix_marks(text, changes)
    text = _fix_words(text, changes, default_language, ocr)
    text = _fix_numbering(text, changes)
    return text, changes

