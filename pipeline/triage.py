"""Per-page triage: keep the text layer, or OCR the page?

A text layer is distrusted when it is empty, made of ``(cid:NN)`` placeholders (fonts without a
ToUnicode map), full of private-use or control glyphs, a scan with a few stray characters, or
text the Latvian lexicon does not recognise (garbage from a wrong encoding). The reason is kept
on the page so a data engineer can see why a page was OCR'd.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .source import PageRead

CID = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True, slots=True)
class TriageRules:
    max_cid_share: float = 0.10  # of words
    max_bad_char_share: float = 0.05  # of characters
    scan_image_cover: float = 0.5  # a page mostly covered by images ...
    scan_max_words: int = 30  # ... with only this many words is a scan
    min_words_for_lexicon: int = 12
    min_lexicon_ratio: float = 0.35
    max_sideways_share: float = 0.5  # of letters: a page set sideways reads as scrambled columns


def _bad_char_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if unicodedata.category(c) in ("Co", "Cc", "Cn") or c == "\ufffd")
    return bad / len(chars)


def assess(
    read: PageRead, known_ratio: Callable[[str], float], rules: TriageRules = TriageRules()
) -> tuple[bool, str]:
    """Return (needs_ocr, reason)."""
    words = read.page.words
    if not words:
        return True, "empty text layer"
    cid = sum(1 for w in words if CID.search(w.text)) / len(words)
    if cid > rules.max_cid_share:
        return True, f"{cid:.0%} of words are (cid:NN) glyphs (no ToUnicode map)"
    text = " ".join(w.text for w in words)
    bad = _bad_char_share(text)
    if bad > rules.max_bad_char_share:
        return True, f"{bad:.0%} private-use, control or unknown glyphs"
    if read.sideways > rules.max_sideways_share:
        return True, f"{read.sideways:.0%} of the text runs sideways (a turned page)"
    if read.image_cover >= rules.scan_image_cover and len(words) <= rules.scan_max_words:
        return True, f"scanned page ({read.image_cover:.0%} image) with {len(words)} stray words"
    alpha = [w.text for w in words if any(c.isalpha() for c in w.text)]
    if len(alpha) >= rules.min_words_for_lexicon:
        ratio = known_ratio(" ".join(alpha))
        if ratio < rules.min_lexicon_ratio:
            return True, f"lexicons know {ratio:.0%} of words: text layer is garbage"
        return False, f"text layer kept (lexicons know {ratio:.0%})"
    return False, "text layer kept (short page)"
