"""Per-page triage: keep the text layer, or OCR the page?

A text layer is distrusted when it is empty, made of ``(cid:NN)`` placeholders (fonts without a
ToUnicode map), full of private-use or control glyphs, a scan with a few stray characters, or
text no lexicon recognises (garbage from a wrong encoding). A scan often carries an invisible
text layer from the scanner's own OCR: when such a layer does not read cleanly (``reading``: the
share of words that read right, which also sees broken numbers, split words and capitals for
marked letters) the page is OCR'd as well and the better reading kept (``better``). The reason
is kept on the page so a data engineer can see why a page was or was not OCR'd.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import language
from .document import Word
from .source import PageRead

CID = re.compile(r"\(cid:\d+\)")
# damage a lexicon rate does not see
INNER_CAPITAL = re.compile(r"(?<=[a-zāčēģīķļņšūž])[A-ZĀČĒĢĪĶĻŅŠŪŽ](?=[a-zāčēģīķļņšūž])")
JUNK_IN_WORD = re.compile(r"[^\W\d_][}{|\\~^<>\[\]]|[}{|\\~^<>\[\]][^\W\d_]")
# "l0", "1O", an amount glued to its unit ("972,81EUR"), a lone "I" in "I I 972,81"
BROKEN_NUMBER = re.compile(r"\d[IlOo]|[IlOo]\d|\d[.,]\d+[^\W\d_]{2,}|^[Il]$")
NUMBER = re.compile(r"^(?:[\d.,]+|[Il]$)")


@dataclass(frozen=True, slots=True)
class TriageRules:
    max_cid_share: float = 0.10  # of words
    max_bad_char_share: float = 0.05  # of characters
    scan_image_cover: float = 0.5  # a page mostly covered by images ...
    scan_max_words: int = 30  # ... with only this many words is a scan
    min_words_for_lexicon: int = 12
    min_lexicon_ratio: float = 0.35
    max_sideways_share: float = 0.5  # of letters: a page set sideways reads as scrambled columns
    # a scan's text layer that reads this well is kept unread (born-digital pages read 0.85-0.99)
    clean_reading: float = 0.95
    layer_advantage: float = 0.03  # OCR must read this much better to replace a text layer


class Verdict(NamedTuple):
    needs_ocr: bool
    reason: str
    compare: bool = False  # OCR the page, then keep whichever reading reads better


def _bad_char_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if unicodedata.category(c) in ("Co", "Cc", "Cn") or c == "\ufffd")
    return bad / len(chars)


def reading(words: Sequence[str]) -> float:
    """Share of words that read right (0-1): not a broken number (``l0 709,73``, a lone ``I``
    before digits, ``972,81EUR``), not a word with a capital inside small letters
    (``registrEta``) or a stray sign among its letters (``LATVI}ASR``), and, if a word, one
    some lexicon knows (so a split ``EPUBLIKASU`` counts against it)."""
    tokens = [w for w in words if any(c.isalnum() for c in w)]
    if not tokens:
        return 0.0
    lexical = [w for w in tokens if language.WORD.fullmatch(w.strip(".,;:!?()\"'„“”«»"))]
    known = dict(zip(lexical, language.known_words([w.strip(".,;:!?()\"'„“”«»") for w in lexical])))
    bad = 0
    for i, w in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        broken = bool(BROKEN_NUMBER.search(w)) and (
            any(c.isdigit() for c in w) or bool(NUMBER.match(following))
        )
        damaged = broken or bool(INNER_CAPITAL.search(w) or JUNK_IN_WORD.search(w))
        bad += damaged or (w in known and not known[w])
    return 1.0 - bad / len(tokens)


def better(
    layer: list[Word], ocr: list[Word], rules: TriageRules = TriageRules()
) -> tuple[bool, str]:
    """(keep the OCR reading, why): the reading whose words read right more often wins; the
    text layer, exact in its geometry, wins ties."""
    from_layer, from_ocr = reading([w.text for w in layer]), reading([w.text for w in ocr])
    keep_ocr = from_ocr > from_layer + rules.layer_advantage
    return keep_ocr, (
        f"OCR reads {from_ocr:.0%} against the text layer's {from_layer:.0%}: "
        f"{'OCR' if keep_ocr else 'text layer'} kept"
    )


def assess(
    read: PageRead, known_ratio: Callable[[str], float], rules: TriageRules = TriageRules()
) -> Verdict:
    """Whether the page needs OCR, why, and whether to compare both readings afterwards."""
    words = read.page.words
    if not words:
        return Verdict(True, "empty text layer")
    cid = sum(1 for w in words if CID.search(w.text)) / len(words)
    if cid > rules.max_cid_share:
        return Verdict(True, f"{cid:.0%} of words are (cid:NN) glyphs (no ToUnicode map)")
    text = " ".join(w.text for w in words)
    bad = _bad_char_share(text)
    if bad > rules.max_bad_char_share:
        return Verdict(True, f"{bad:.0%} private-use, control or unknown glyphs")
    if read.sideways > rules.max_sideways_share:
        return Verdict(True, f"{read.sideways:.0%} of the text runs sideways (a turned page)")
    scan = read.image_cover >= rules.scan_image_cover
    if scan and len(words) <= rules.scan_max_words:
        return Verdict(
            True, f"scanned page ({read.image_cover:.0%} image) with {len(words)} stray words"
        )
    alpha = [w.text for w in words if any(c.isalpha() for c in w.text)]
    if len(alpha) >= rules.min_words_for_lexicon:
        ratio = known_ratio(" ".join(alpha))
        if ratio < rules.min_lexicon_ratio:
            return Verdict(True, f"lexicons know {ratio:.0%} of words: text layer is garbage")
    if scan:
        share = reading([w.text for w in words])
        if share < rules.clean_reading:
            why = (f"scanned page ({read.image_cover:.0%} image) whose text layer reads "
                   f"{share:.0%}: OCR'd to compare")
            return Verdict(True, why, compare=True)
        return Verdict(False, f"scanned page whose text layer reads {share:.0%}: text layer kept")
    if len(alpha) >= rules.min_words_for_lexicon:
        return Verdict(False, f"text layer kept (lexicons know {ratio:.0%})")
    return Verdict(False, "text layer kept (short page)")
