"""Latvian municipalities, towns and the pre-2021 units they replaced, found in running text.

Names inflect ("Cēsis", "Cēsīs", "Cēsu novadā"), PDFs and OCR lose or mangle diacritics
("Rézekné", "Cesis"), and documents written before the 2021 reform name units that no longer
exist ("Babītes novads"), which analyses need mapped to today's municipality (Mārupes novads).
Every name, mapping and grammar rule is data in ``pipeline/data/municipalities_*``; this module
turns it into an index of generated word forms once per process and applies the context rules:
head nouns ("novads", "pilsēta"), "bijušais" for former units, lists and their stated counts.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Generic, NamedTuple, TypeVar, cast, get_args

from pipeline.document import Cell, MunicipalityKind, MunicipalityMention, MunicipalityStatus, Table
from pipeline.resources import data_json, data_rows
from pipeline.textnorm import LATVIAN_MARKED, match_key
from pipeline.textnorm import name_key as _fold

_CASES = ("nom", "gen", "dat", "acc", "loc")
_CITY_KINDS = ("valstspilseta", "pilseta")
_TOKEN = re.compile(r"[^\W_]+(?:[$€&][^\W_]+)*|\$[^\W\d_]+")
_WORD = re.compile(r"[^\W\d_]+")
# A full stop after a word (or right after the mention) followed by more text on the same line
# ends a sentence, so the names either side of it are not one enumeration.
_SENTENCE_END = re.compile(r"(?:^|[^\W\d_])\.[ \t]+\S")
# The mark that opens an item of a bulleted or numbered list, at the start of a line.
_ITEM_MARK = r"[ \t]*(?:[-–—•●▪·*]|\d{1,3}[.)])[ \t]+"
_ITEM_START = re.compile(_ITEM_MARK)
# the rest of one item's line, then (blank lines and) the mark of the next item
_GAP_OPENS_ITEM = re.compile(r"^[^\n]*(?:\n[ \t]*)*\n" + _ITEM_MARK + r"$")
_SENTENCE_START = re.compile(r"(?:[.!?:;•\n]|\s[-–—])\s*$")

T = TypeVar("T")


def _rules() -> dict:
    return data_json("municipalities_rules.json")


def _declension_class(word: str) -> str:
    for ending, cls in _rules()["infer"]:
        if word.endswith(ending):
            return cls
    raise ValueError(f"no declension rule for {word!r}")


def inflect(word: str, cls: str = "", plural: bool = False) -> dict[str, str]:
    """The five cases of a Latvian noun, built from its class's endings in the rules file."""
    table = _rules()["declension"]
    cls = cls or _declension_class(word)
    stem = word[: len(word) - len(table[cls]["nom"])]
    endings = table[table[cls]["plural"]] if plural else table[cls]
    return {case: stem + endings[case] for case in _CASES}


def _all_forms(word: str) -> set[str]:
    """Singular and, where the class has one, plural forms, folded: for nouns matched by meaning."""
    forms = set(inflect(word).values())
    if "plural" in _rules()["declension"][_declension_class(word)]:
        forms |= set(inflect(word, plural=True).values())
    return {_fold(f) for f in forms}


@dataclass(frozen=True, slots=True)
class _Unit:
    name: str
    kind: MunicipalityKind
    status: MunicipalityStatus
    successor: str
    code: str  # ISO 3166-2:LV of today's municipality
    atvk: str | None = None  # the unit's own ATVK 2021 code (none for former units and villages)


@dataclass(frozen=True, slots=True)
class _Place:
    """A name that can stand alone in text: a valstspilsēta, a town or a village."""

    unit: _Unit
    genitive: str
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class _Head:
    prefix: tuple[str, ...]  # folded fixed words before the declined noun ("republikas")
    singular: frozenset[str]
    plural: frozenset[str]
    refers: str  # novads | city | city_municipality | pagasts
    abbreviation: str = ""  # folded, written with a full stop: "nov.", "pag.", "pils."


class _FormIndex(Generic[T]):
    """Word form -> values; an exact hit wins, a folded one must not contradict the text's diacritics.

    Folding is for text that lost its diacritics ("Cesis") or got foreign ones ("Rézekné"); a
    word that has Latvian marks of its own is another word when they differ: "Lūdzu" (please) is
    not "Ludzu", the accusative of Ludza.
    """

    def __init__(self) -> None:
        self.exact: dict[str, list[T]] = defaultdict(list)
        self.folded: dict[str, list[tuple[str, T]]] = defaultdict(list)

    def add(self, form: str, value: T) -> None:
        self.exact[form.lower()].append(value)
        self.folded[_fold(form)].append((form.lower(), value))

    def get(self, word: str) -> list[T]:
        lower = word.lower()
        if lower in self.exact:
            return self.exact[lower]
        return [value for form, value in self.folded.get(_fold(word), []) if _compatible(lower, form)]


def _compatible(word: str, form: str) -> bool:
    """Every Latvian diacritic the word does have sits where the form has the same letter."""
    if len(word) != len(form):  # an OCR repair changed the length ("Jiirmala"): nothing to align
        return not LATVIAN_MARKED.intersection(word)
    return all(w == f or w not in LATVIAN_MARKED for w, f in zip(word, form))


@dataclass(slots=True)
class _Gazetteer:
    current: dict[str, _Unit]
    former: dict[str, _Unit]
    places: _FormIndex[tuple[_Place, str]]
    novads_modifiers: _FormIndex[str]
    parishes: _FormIndex[_Unit]  # by the genitive before "pagasts": "Bārtas"
    heads: list[_Head]
    coordinators: frozenset[str]
    former_markers: tuple[str, ...]
    not_a_place: frozenset[str]
    count_nouns: frozenset[str]
    villages: _FormIndex[tuple[_Place, str]]  # named only in strong context (villages_rules.json)
    village_parish: dict[str, str]  # village -> its parish, where known
    village_head: frozenset[str]  # folded forms of "ciems"
    village_abbreviation: str  # folded "c", written with a full stop

    def novads(self, name: str, former: bool) -> _Unit:
        """Today's unit unless the text says "bijušais" and a pre-2021 one of that name existed."""
        if (former and name in self.former) or name not in self.current:
            return self.former[name]
        return self.current[name]

    def city(self, place: _Place, former: bool, municipal: bool) -> _Unit:
        """A town or valstspilsēta, or the former republikas pilsēta when the context means the unit."""
        then = self.former.get(place.unit.name)
        if then and (former or (municipal and not _independent(place.unit))):
            return then
        return place.unit

    def bare(self, place: _Place, former: bool, municipal: bool) -> _Unit:
        """A name without a head noun; in a municipality list it stands for the unit named after it."""
        if not municipal or _independent(place.unit) or place.unit.name in self.former:
            return self.city(place, former, municipal)
        novads = f"{place.genitive} novads"
        if novads in self.current or novads in self.former:
            return self.novads(novads, former)
        return place.unit


def _independent(unit: _Unit) -> bool:
    """A valstspilsēta that is a municipality of its own (Rīga), not one inside a novads (Ogre)."""
    return unit.kind == "valstspilseta" and unit.successor == unit.name


def _kind(value: str) -> MunicipalityKind:
    """A gazetteer row's kind, checked once on load: a typo in a data file fails here, by name."""
    if value not in get_args(MunicipalityKind):
        raise ValueError(f"gazetteer: unknown municipality kind {value!r}")
    return cast(MunicipalityKind, value)


@cache
def _gazetteer() -> _Gazetteer:
    rules = _rules()
    atvk = data_rows("atvk_2021.tsv")
    atvk_code = {(r["name"], r["municipality"]): r["atvk"] for r in atvk}
    current = {r["name"]: _Unit(r["name"], _kind(r["kind"]), "current", r["name"], r["code"],
                                atvk_code[r["name"], r["name"]])
               for r in data_rows("municipalities_current.tsv")}
    former = {r["name"]: _Unit(r["name"], _kind(r["kind"]), "former", r["successor"], current[r["successor"]].code)
              for r in data_rows("municipalities_former.tsv")}
    places: _FormIndex[tuple[_Place, str]] = _FormIndex()
    standalone = [(u, "", False) for u in current.values() if u.kind == "valstspilseta"]
    for r in data_rows("municipalities_places.tsv"):
        owner = current[r["municipality"]]
        unit = _Unit(r["name"], _kind(r["kind"]), "current", owner.name, owner.code,
                     atvk_code.get((r["name"], owner.name)))
        standalone.append((unit, r["declension"], r["ambiguous"] == "yes"))
    parishes: _FormIndex[_Unit] = _FormIndex()
    for r in atvk:
        if r["kind"] == "pagasts":
            owner = current[r["municipality"]]
            unit = _Unit(r["name"], "pagasts", "current", owner.name, owner.code, r["atvk"])
            parishes.add(r["name"].removesuffix(" pagasts"), unit)
    for unit, cls, ambiguous in standalone:
        forms = inflect(unit.name, cls)
        place = _Place(unit, forms["gen"], ambiguous)
        for case, form in forms.items():
            places.add(form, (place, case))
    modifiers: _FormIndex[str] = _FormIndex()
    for name in current.keys() | former.keys():
        if name.endswith(" novads"):
            modifiers.add(name.removesuffix(" novads"), name)
    heads = []
    for spec in sorted(rules["heads"], key=lambda h: -len(h["words"])):
        *prefix, noun = spec["words"]
        heads.append(_Head(tuple(_fold(w) for w in prefix),
                           frozenset(_fold(f) for f in inflect(noun).values()),
                           frozenset(_fold(f) for f in inflect(noun, plural=True).values()),
                           spec["refers"], _fold(spec.get("abbreviation", ""))))
    villages, village_parish = _villages(current, {unit.name for unit, _, _ in standalone})
    village_rules = data_json("villages_rules.json")
    return _Gazetteer(
        current=current,
        former=former,
        places=places,
        novads_modifiers=modifiers,
        parishes=parishes,
        heads=heads,
        coordinators=frozenset(_fold(w) for w in rules["coordinators"]),
        former_markers=tuple(_fold(p) for p in rules["former_marker_prefixes"]),
        not_a_place=frozenset().union(*(_all_forms(n) for n in rules["not_a_place_nouns"]["nouns"])),
        count_nouns=frozenset().union(*(_all_forms(n) for n in rules["count_nouns"])),
        villages=villages,
        village_parish=village_parish,
        village_head=frozenset(_all_forms(village_rules["head"])),
        village_abbreviation=_fold(village_rules["abbreviation"]),
    )


def _villages(current: Mapping[str, _Unit], known: set[str]
              ) -> tuple[_FormIndex[tuple[_Place, str]], dict[str, str]]:
    """The larger villages of ``villages_geonames.tsv`` that are not already places, by their
    forms, and each one's parish where known (source and derivation in ``villages_geonames.md``)."""
    index: _FormIndex[tuple[_Place, str]] = _FormIndex()
    parish: dict[str, str] = {}
    for r in data_rows("villages_geonames.tsv"):
        if r["name"] in known:
            continue
        owner = current[r["municipality"]]
        forms = inflect(r["name"])
        place = _Place(_Unit(r["name"], "ciems", "current", owner.name, owner.code), forms["gen"], False)
        for case, form in forms.items():
            index.add(form, (place, case))
        if r["parish"]:
            parish[r["name"]] = r["parish"]
    return index, parish


class _Token(NamedTuple):  # a tuple: made by the hundred thousand, faster than a dataclass
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _tokenize(text: str) -> tuple[_Token, ...]:
    """The words of ``text`` with their offsets, kept for the last text only: its readers come
    one after another (a page's matcher, then the stated-count finder of ``find_municipalities``
    and of ``list_count_warnings``), and a longer memory would only serve repeated pages."""
    return tuple(_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text))


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    resolve: Callable[[bool], _Unit]  # argument: does the context enumerate municipalities?
    explicit: bool  # named with a head noun, which itself says "this is a municipality"
    ambiguous: bool  # a bare name that is also a common word: needs a list around it


class _Tokens:
    """A text's words with their offsets, and what lies between neighbours."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)

    def gap(self, i: int) -> str:
        """Text between token i and token i + 1."""
        return self.text[self.tokens[i].end:self.tokens[i + 1].start]

    def joined(self, i: int, same_line: bool = False) -> bool:
        """Tokens i and i + 1 exist and only whitespace (one line break at most) separates them."""
        if i + 1 >= len(self.tokens):
            return False
        gap = self.gap(i)
        return not gap.strip() and gap.count("\n") <= (0 if same_line else 1)

    def fold(self, i: int) -> str:
        return _fold(self.tokens[i].text)


class _Matcher(_Tokens):
    """One pass over one text's tokens, trying the longest reading first at each capitalised word.

    ``columns`` are the character spans of cells known to hold places (a table's place column, a
    list whose lines end in place names): there a nominative beside a capitalised word is still a
    place ("1 Imants Aizkalns Liepāja"), not a surname.
    """

    def __init__(self, text: str, gaz: _Gazetteer, columns: Sequence[tuple[int, int]] = ()) -> None:
        super().__init__(text)
        self.gaz = gaz
        self.columns = columns

    def in_column(self, at: int) -> bool:
        return any(start <= at < end for start, end in self.columns)

    def candidates(self) -> list[_Candidate]:
        found: list[_Candidate] = []
        i = 0
        while i < len(self.tokens):
            if not self.tokens[i].text[0].isupper():
                i += 1
                continue
            former = i > 0 and self.joined(i - 1) and self.fold(i - 1).startswith(self.gaz.former_markers)
            match = (self._coordinated(i, former) or self._headed(i, former) or self._bare(i, former)
                     or self._village(i))
            if match:
                cands, i = match
                found.extend(cands)
            else:
                i += 1
        return found

    def _head_at(self, j: int) -> tuple[_Head, int, bool] | None:
        """A head noun phrase starting at token j: (head, index of its last token, is plural)."""
        for head in self.gaz.heads:
            last = j + len(head.prefix)
            if last >= len(self.tokens) or not all(self.joined(k) for k in range(j, last)):
                continue
            if any(self.fold(j + n) != word for n, word in enumerate(head.prefix)):
                continue
            noun = self.fold(last)
            if noun in head.singular or noun in head.plural:
                return head, last, noun in head.plural
            if head.abbreviation and noun == head.abbreviation and self.abbreviated(last):
                return head, last, False
        return None

    def abbreviated(self, k: int) -> bool:
        """Token k is followed by a full stop: "pag.", "nov.", "pils." (but "Rīgas pils" is a castle)."""
        return self.text.startswith(".", self.tokens[k].end)

    def end(self, k: int) -> int:
        """Where a mention ending at token k ends: after the full stop of an abbreviated head."""
        short = any(self.fold(k) == h.abbreviation for h in self.gaz.heads if h.abbreviation)
        return self.tokens[k].end + (short and self.abbreviated(k))

    def _resolver(self, i: int, head: _Head, former: bool) -> Callable[[bool], _Unit] | None:
        """How token i resolves as the genitive in front of ``head``; None if it cannot stand there."""
        word = self.tokens[i].text
        if not word[0].isupper():
            return None
        if head.refers == "novads":
            names = self.gaz.novads_modifiers.get(word)
            return (lambda _municipal: self.gaz.novads(names[0], former)) if names else None
        if head.refers == "pagasts":
            parishes = self.gaz.parishes.get(word)
            return (lambda _municipal: parishes[0]) if parishes else None
        cities = [p for p, case in self.gaz.places.get(word) if case == "gen" and p.unit.kind in _CITY_KINDS]
        if not cities:
            return None
        implied = head.refers == "city_municipality"
        return lambda municipal: self.gaz.city(cities[0], former, municipal or implied)

    def _headed(self, i: int, former: bool) -> tuple[list[_Candidate], int] | None:
        """'Ogres novadā', 'Rīgas valstspilsēta', and 'Jelgavas pilsēta un novads' as two units."""
        if not self.joined(i):
            return None
        found = self._head_at(i + 1)
        if not found:
            return None
        head, last, _ = found
        resolve = self._resolver(i, head, former)
        if not resolve:
            return None
        cands = [_Candidate(self.tokens[i].start, self.end(last), resolve, True, False)]
        if self.joined(last) and self.fold(last + 1) in self.gaz.coordinators and self.joined(last + 1):
            following = last + 2  # "Jelgavas pilsēta un novads"
        elif last + 1 < len(self.tokens) and self.gap(last).strip() in ("/", "./"):
            following = last + 1  # "Ķekavas pag./nov."
        else:
            return cands, last + 1
        second = self._head_at(following)
        if second and second[0].refers != head.refers and (other := self._resolver(i, second[0], former)):
            cands.append(_Candidate(self.tokens[following].start, self.end(second[1]), other, True, False))
            last = second[1]
        return cands, last + 1

    def _coordinated(self, i: int, former: bool) -> tuple[list[_Candidate], int] | None:
        """'Jelgavas un Ozolnieku novados', 'Babītes, Mārupes un Olaines novadi': one unit per name."""
        names = [i]
        k = i
        while k + 1 < len(self.tokens):
            gap = self.gap(k)
            if gap.strip() == "," and gap.count("\n") <= 1:
                k += 1
            elif self.joined(k) and self.fold(k + 1) in self.gaz.coordinators and self.joined(k + 1):
                k += 2
            else:
                break
            if k >= len(self.tokens) or not self.tokens[k].text[0].isupper():
                return None
            names.append(k)
        if len(names) < 2 or not self.joined(k):
            return None
        found = self._head_at(k + 1)
        if not found or not found[2]:
            return None
        head, last, _ = found
        resolvers = [r for n in names if (r := self._resolver(n, head, former))]
        if len(resolvers) < len(names):
            return None
        cands = [_Candidate(self.tokens[n].start, self.tokens[n].end, r, True, False)
                 for n, r in zip(names, resolvers)]
        cands[-1].end = self.end(last)
        return cands, last + 1

    def _bare(self, i: int, former: bool) -> tuple[list[_Candidate], int] | None:
        """A name on its own, in any case; skipped where it names something else."""
        readings = self.gaz.places.get(self.tokens[i].text)
        if not readings:
            return None
        order = _rules()["case_preference"]
        place, _ = min(readings, key=lambda r: order.index(r[1]))
        # A nominative may be a surname; not if it can also be a genitive ("Daugavpils Marka Rotko centrs").
        cases = {c for _, c in readings}
        surname_like = "nom" in cases and "gen" not in cases
        tok = self.tokens[i]
        if self._names_something_else(i) or (
                surname_like and not self.in_column(tok.start) and self._next_to_a_name(i)):
            return None
        resolve = partial(self.gaz.bare, place, former)
        return [_Candidate(tok.start, tok.end, resolve, False, place.ambiguous)], i + 1

    def _village(self, i: int) -> tuple[list[_Candidate], int] | None:
        """A village, only where the text says it is a place: 'Ulbrokas ciems' or 'Ulbrokas c.',
        'Ulbroka, Stopiņu pag.' (an address: its own parish or municipality follows), or a cell
        of a place column. Bare in prose it may be a word or a surname (Ragana, Sala, Pope)."""
        readings = self.gaz.villages.get(self.tokens[i].text)
        if not readings:
            return None
        tok = self.tokens[i]
        unit = readings[0][0].unit
        resolve: Callable[[bool], _Unit] = lambda _municipal: unit  # noqa: E731
        if self.joined(i, same_line=True) and any(case == "gen" for _, case in readings):
            noun = self.fold(i + 1)
            if noun in self.gaz.village_head or (
                    noun == self.gaz.village_abbreviation and self.abbreviated(i + 1)):
                end = self.tokens[i + 1].end + (noun == self.gaz.village_abbreviation)
                return [_Candidate(tok.start, end, resolve, True, False)], i + 2
        if self.in_column(tok.start) or self._followed_by_its_unit(i, unit):
            return [_Candidate(tok.start, tok.end, resolve, False, False)], i + 1
        return None

    def _followed_by_its_unit(self, i: int, village: _Unit) -> bool:
        """', Stopiņu pag.' or ', Ropažu nov.' after the village: the parish or municipality it is in."""
        if i + 2 >= len(self.tokens) or self.gap(i).strip() != "," or "\n" in self.gap(i):
            return False
        found = self._head_at(i + 2)
        if not found or not self.joined(i + 1):
            return False
        word = self.tokens[i + 1].text
        if found[0].refers == "pagasts":
            return any(p.successor == village.successor for p in self.gaz.parishes.get(word))
        return found[0].refers == "novads" and village.successor in self.gaz.novads_modifiers.get(word)

    def _names_something_else(self, i: int) -> bool:
        """'Rīgas Stradiņa universitāte', 'Rīgas iela', 'Rīgas jūras līcis', 'Rundāles pagasts'."""
        spec = _rules()["not_a_place_nouns"]
        k = i
        for _ in range(spec["lookahead"]):
            if not self.joined(k, same_line=True):
                return False
            k += 1
            word = self.tokens[k].text
            if self.fold(k) in self.gaz.not_a_place:
                return True
            if not (word[0].isupper() or word.endswith(tuple(spec["adjective_endings"]))):
                return False
        return False

    def _next_to_a_name(self, i: int) -> bool:
        """A nominative beside another capitalised word is a personal name: 'Anna Kandava'.

        A word capitalised only because it opens a sentence ("Arī Cēsis ...") is no first name.
        """
        for k in (i - 1, i + 1):
            if not (0 <= k < len(self.tokens) and self.joined(min(i, k), same_line=True)):
                continue
            word = self.tokens[k].text
            if (word.istitle() and len(word) > 1 and not self.gaz.places.get(word)
                    and not self._opens_sentence(k)):
                return True
        return False

    def _opens_sentence(self, k: int) -> bool:
        return k == 0 or bool(_SENTENCE_START.search(self.gap(k - 1)))


@dataclass(slots=True)
class _Group:
    """Neighbouring mentions joined by list punctuation, coordination or an 'X - Y' dash."""

    members: list[int]
    items: int
    has_pair: bool
    structural: bool
    column: bool = False  # a table column or line-end list: each cell is its own item

    @property
    def is_list(self) -> bool:
        return self.items >= 2 and self.structural


def _link(text: str, a_end: int, b_start: int) -> str | None:
    """How two neighbouring mentions are joined: continuation | pair | structural | coordinated | None."""
    spec = _rules()["lists"]
    gap = text[a_end:b_start]
    if text[b_start].islower():  # "... pilsēta un novads": the second unit has only its head noun
        return "continuation"
    if "\n" not in gap and gap.strip() in spec["pair_dashes"]:
        return "pair"
    if _GAP_OPENS_ITEM.match(gap) and _ITEM_START.match(text, text.rfind("\n", 0, a_end) + 1):
        return "structural"  # both open a bulleted or numbered line, whatever the first one says after it
    if _SENTENCE_END.search(gap):
        return None
    words = [_fold(w) for w in _WORD.findall(gap)]
    coordinators = _gazetteer().coordinators
    if sum(w not in coordinators for w in words) > spec["max_filler_words"]:
        return "structural" if _other_items(gap, coordinators) else None
    if any(sep in gap for sep in spec["structural_separators"]):
        return "structural"
    if any(w in coordinators for w in words):
        return "coordinated"
    return None


def _other_items(gap: str, coordinators: frozenset[str]) -> bool:
    """The gap is itself list items this gazetteer does not know: ", Bārtas pagasts, Bunkas
    pagasts, " between two known ones; each a short capitalised name between separators."""
    spec = _rules()["lists"]
    separators = "|".join(map(re.escape, spec["structural_separators"]))
    pieces = [p.strip() for p in re.split(separators, gap)]
    if len(pieces) < 3 or pieces[0] or pieces[-1]:  # the gap starts and ends at a separator
        return False
    items = [[w for w in _WORD.findall(piece) if _fold(w) not in coordinators] for piece in pieces[1:-1]]
    return all(words and len(words) <= spec["max_item_words"] and words[0][0].isupper()
               for words in items)


def _groups(text: str, spans: list[tuple[int, int]], columns: Sequence[int | None] = ()) -> list[_Group]:
    """Chains of linked mentions in text order; spans must be sorted. Mentions with a column
    number (``columns[n]``, one per table column or line-end list) form one group per column,
    whatever lies between them: the rows of a member list are one enumeration."""
    groups: list[_Group] = []
    by_column: dict[int, _Group] = {}
    for n, (start, _end) in enumerate(spans):
        column = columns[n] if columns else None
        if column is not None:
            if column in by_column:
                by_column[column].members.append(n)
                by_column[column].items += 1
            else:
                by_column[column] = _Group([n], 1, False, True, column=True)
                groups.append(by_column[column])
            continue
        previous_in_column = n and columns and columns[n - 1] is not None
        link = _link(text, spans[n - 1][1], start) if n and not previous_in_column else None
        if link is None:
            groups.append(_Group([n], 1, False, False))
            continue
        g = groups[-1]
        g.members.append(n)
        g.items += link in ("structural", "coordinated")
        g.has_pair |= link == "pair"
        g.structural |= link == "structural"
    return groups


@dataclass(frozen=True, slots=True)
class _StatedCount:
    value: int
    phrase: str
    start: int
    end: int


def _stated_counts(text: str) -> list[_StatedCount]:
    """'32 pašvaldības', '32 \\npašvaldības', '6 vietējās pašvaldības'."""
    nouns = _gazetteer().count_nouns
    t = _Tokens(text)
    out = []
    for i, tok in enumerate(t.tokens):
        if not tok.text.isdigit():
            continue
        for k in (i + 1, i + 2):
            if not t.joined(k - 1):
                break
            if t.fold(k) in nouns:
                end = t.tokens[k].end
                out.append(_StatedCount(int(tok.text), " ".join(text[tok.start:end].split()), tok.start, end))
                break
    return out


def _attach_counts(text: str, extents: list[tuple[int, int]]) -> dict[int, _StatedCount]:
    """Index of a list (by its extent) -> the count stated just before it or, failing that, just after."""
    limit = _rules()["lists"]["count_max_distance_words"]

    def near(a: int, b: int) -> bool:
        return a <= b and len(_WORD.findall(text[a:b])) <= limit

    attached: dict[int, _StatedCount] = {}
    for count in _stated_counts(text):
        after = [n for n, (s, _) in enumerate(extents) if near(count.end, s)]
        before = [n for n, (_, e) in enumerate(extents) if near(e, count.start)]
        for n in after[:1] or before[-1:]:
            attached.setdefault(n, count)
    return attached


def find_municipalities(text: str, columns: Mapping[str, Sequence[str]] | None = None) -> list[MunicipalityMention]:
    """Every municipality, former municipality, town and listed village named in ``text``.

    Mentions come in text order; members of one enumeration share ``list_id`` ("L1", "L2", ...).
    Inside a list of municipalities (one with a head noun such as "novads", an "X - Y" pair or a
    stated count) a bare place name stands for the unit named after it: "Iecava - Babīte" are the
    former Iecavas and Babītes novadi. ``columns`` are the cell texts of table columns that hold
    places (``place_columns``), by the list_id their mentions get, so that one column is one
    list over all its pages; the lines of ``text`` that end in a place name are a list too.
    """
    gaz = _gazetteer()
    columns = columns or {}
    names = list(columns)
    spans = _column_spans(text, [columns[name] for name in names]) + _line_end_columns(text, gaz)
    owned = [(start, end) for start, end, _ in spans]
    company = _company_names(text)
    cands = sorted((c for c in _Matcher(text, gaz, owned).candidates()
                    if not any(a <= c.start < b for a, b in company)), key=lambda c: c.start)

    def column_of(c: _Candidate) -> int | None:
        return next((k for start, end, k in spans if start <= c.start < end), None)

    # A bare name that is also an ordinary word counts only beside other municipalities.
    supported = set()
    for g in _groups(text, [(c.start, c.end) for c in cands], [column_of(c) for c in cands]):
        if any(not cands[n].ambiguous for n in g.members):
            supported.update(g.members)
    cands = [c for n, c in enumerate(cands) if n in supported]

    groups = _groups(text, [(c.start, c.end) for c in cands], [column_of(c) for c in cands])
    provisional = [c.resolve(False) for c in cands]
    for g in groups:  # "Ķekava, Ķekavas pag./nov.": one address, not an enumeration of three
        if not g.column:
            g.items -= sum(_link(text, cands[a].end, cands[b].start) in ("structural", "coordinated")
                           and _contains(provisional[b], provisional[a], gaz)
                           for a, b in zip(g.members, g.members[1:]))
    lists = [g for g in groups if g.is_list]
    counted = _attach_counts(text, [(cands[g.members[0]].start, cands[g.members[-1]].end) for g in lists])
    table_column = {id(g): names[k] for g in lists if (k := column_of(cands[g.members[0]])) is not None and k >= 0}
    numbered = [g for g in lists if id(g) not in table_column]
    list_ids = {id(g): f"L{n + 1}" for n, g in enumerate(numbered)} | table_column
    counted_ids = {id(lists[n]) for n in counted}
    mentions = []
    for g in groups:
        for n in g.members:
            c = cands[n]
            # the list's other members, not the mention itself, say whether it enumerates
            # municipalities; the cells of a column are each on their own, and an explicit unit
            # that contains the place ("Ķekava, Ķekavas pag./nov.") is its address
            own = provisional[n].successor
            others_explicit = not g.column and any(
                cands[m].explicit and provisional[m].successor != own for m in g.members if m != n)
            municipal = g.has_pair or id(g) in counted_ids or others_explicit
            unit = c.resolve(municipal)
            mentions.append(MunicipalityMention(
                text=text[c.start:c.end], name=unit.name, code=unit.code, kind=unit.kind,
                status=unit.status, successor=unit.successor, list_id=list_ids.get(id(g)),
                atvk=unit.atvk, char_start=c.start, char_end=c.end))
    return _same_named_parishes(sorted(mentions, key=lambda m: m.char_start), gaz)


def _contains(outer: _Unit, inner: _Unit, gaz: _Gazetteer) -> bool:
    """``outer`` is the parish or municipality an address names after ``inner``: 'Ķekava,
    Ķekavas pag.' (the parish named after the town, or the village's own parish, or for a
    village of unknown parish one in its municipality), 'Kalvenes
    pag., Dienvidkurzemes nov.' (the municipality of the unit before it)."""
    if outer.kind == "novads" or _independent(outer):
        return inner.name != outer.name and inner.successor == outer.name
    if outer.kind != "pagasts" or inner.kind not in ("pilseta", "ciems") or inner.successor != outer.successor:
        return False
    if inner.kind == "ciems" and inner.name not in gaz.village_parish:
        return True  # a village whose parish the gazetteer does not know: any of its municipality's
    named_after = {f"{p.genitive} pagasts" for index in (gaz.places, gaz.villages)
                   for p, _ in index.get(inner.name) if p.unit.name == inner.name}
    return outer.name in named_after or gaz.village_parish.get(inner.name) == outer.name


def _same_named_parishes(mentions: list[MunicipalityMention], gaz: _Gazetteer) -> list[MunicipalityMention]:
    """Two parishes share a name (Salas, Pilskalnes pagasts): the one in a municipality the
    text names elsewhere is meant; without such a clue the first in the classifier stays."""
    named = {m.successor for m in mentions if m.kind != "pagasts"}
    for m in mentions:
        if m.kind != "pagasts":
            continue
        options = [u for u in gaz.parishes.get(m.name.removesuffix(" pagasts")) if u.successor in named]
        if options and options[0].atvk != m.atvk:
            u = options[0]
            m.code, m.successor, m.atvk = u.code, u.successor, u.atvk
    return mentions


def _company_names(text: str) -> list[tuple[int, int]]:
    """Spans of names in quotes after a company or organisation form: 'SIA "Priekules nami"'."""
    spec = _rules()["company_forms"]
    pattern = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(map(re.escape, spec))})\s*[\"„“”«'‘]([^\"„“”»'’\n]{{1,80}})")
    return [m.span(1) for m in pattern.finditer(text)]


def _column_spans(text: str, columns: Sequence[Sequence[str]]) -> list[tuple[int, int, int]]:
    """Where each column's cells are in ``text``: (start, end, column number), found in order.
    Cells and pages are repaired apart, so they are compared folded."""
    if not any(columns):
        return []  # most texts: no place column, and the text's key is not made
    key = match_key(text)
    spans = []
    for k, cells in enumerate(columns):
        at = 0
        for cell in cells:
            words = match_key(cell).split()
            if not words:
                continue
            pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")
            m = pattern.search(key, at) or pattern.search(key)
            if m:
                spans.append((m.start(), m.end(), k))
                at = m.end()
    return spans


def _line_end_columns(text: str, gaz: _Gazetteer) -> list[tuple[int, int, int]]:
    """The last words of lines that end in a place name, in a block where at least 3 lines end
    in a bare one after another capitalised word and half of all lines end in a place: a table
    read line by line, whose last column holds places ("1 Imants Aizkalns Liepāja", "2 Ilze
    Ozola Ādažu novads"). Each block's column number is negative, apart from the table
    columns' 0, 1, …"""
    spec = _rules()["lists"]
    spans: list[tuple[int, int, int]] = []
    offset = 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        ends, rows, lines, pos = [], 0, 0, offset
        for line in block.split("\n"):
            words = [w.group() for w in _TOKEN.finditer(line)]
            if len(words) >= 2:
                lines += 1
                before, last = words[-2:]
                if any(_fold(last) in h.singular for h in gaz.heads) and gaz.novads_modifiers.get(before):
                    ends.append((pos + line.rindex(before), pos + len(line)))
                elif last[0].isupper() and gaz.places.get(last):
                    start = line.rindex(last)
                    ends.append((pos + start, pos + start + len(last)))
                    rows += before.istitle() and not gaz.places.get(before)
            pos += len(line) + 1
        if rows >= spec["column_min_lines"] and len(ends) * 2 >= lines:
            spans.extend((a, b, -1 - offset) for a, b in ends)
        offset += len(block)
    return spans


def place_columns(table: Table) -> dict[str, list[Cell]]:
    """The body cells of each column whose cells are mostly places (a "Pašvaldība" or
    "Klubs/Pašvaldība" column of a member list), by the column's list_id ("p3-t1-c3")."""
    spec = _rules()["lists"]
    gaz = _gazetteer()
    header = set(table.header_rows())
    out = {}
    for col in range(table.n_cols):
        cells = [c for c in table.cells if c.col == col and c.row not in header and c.text.strip()]
        places = [c for c in cells if _Matcher(c.text, gaz, [(0, len(c.text))]).candidates()]
        if len(places) >= spec["column_min_lines"] and len(places) >= spec["column_share"] * len(cells):
            out[f"{table.table_id}-c{col}"] = cells
    return out


def list_count_warnings(text: str, mentions: list[MunicipalityMention]) -> list[str]:
    """Messages for lists whose stated size ("pieteicās 32 pašvaldības") differs from the items found.

    An item is one line of the list, so "Jelgavas pilsēta un novads" or "Iecava - Babīte" counts
    once, as applicants are counted.
    """
    by_list: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        if m.list_id:
            by_list[m.list_id].append((m.char_start, m.char_end))
    ids = sorted(by_list, key=lambda lid: min(by_list[lid]))
    spans = [sorted(by_list[lid]) for lid in ids]
    counts = _attach_counts(text, [(s[0][0], s[-1][1]) for s in spans])
    warnings = []
    for n, count in sorted(counts.items()):
        found = sum(g.items for g in _groups(text, spans[n]))
        if found != count.value:
            warnings.append(f"{ids[n]}: the text states {count.value} ('{count.phrase}') "
                            f"but {found} list items were found")
    return warnings
