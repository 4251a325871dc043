"""The one place that runs hunspell's ``unmunch``: every inflected form of the Latvian dictionary.

hunspell-lv ships stems plus affix rules; expanding them is exactly what hunspell's own
``unmunch`` does (2.7 million lines, 2.3 million distinct lower-case forms, in under a second),
so we run it rather than re-implement affix expansion in Python.
"""
from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from ..errors import MissingDependencyError

DICTIONARY = Path("/usr/share/hunspell/lv_LV.dic")
AFFIXES = Path("/usr/share/hunspell/lv_LV.aff")


def dictionary_files() -> tuple[Path, Path]:
    for path in (DICTIONARY, AFFIXES):
        if not path.exists():
            raise MissingDependencyError(
                f"{path} not found: the Latvian hunspell dictionary is missing "
                "(Debian: apt-get install hunspell-lv)"
            )
    return DICTIONARY, AFFIXES


def expanded_forms(timeout: float = 300.0) -> Iterator[str]:
    """Every word form the dictionary accepts, one per line of ``unmunch`` output."""
    dic, aff = dictionary_files()
    program = shutil.which("unmunch")
    if program is None:
        raise MissingDependencyError(
            "unmunch is not installed (Debian: apt-get install hunspell-tools)"
        )
    result = subprocess.run(
        [program, str(dic), str(aff)], capture_output=True, timeout=timeout, check=True
    )
    for line in result.stdout.decode("utf-8", errors="replace").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            yield word
