"""What a page shows in English that the Spanish catalog translates: the check behind
tests/web/test_spanish_pages.py.

The catalog's msgids are the English words of the pages. For every msgid whose Spanish
differs (or is missing, or only a fuzzy guess, which the service does not use), each piece
of it between placeholders and tags ("Hello, %(name)s" gives "Hello,")
is looked for, as whole words, in the text a person reads on the page (text and the
labels read aloud: aria-label, title), leaving out what the page marks as written in
another language (`lang="en"` inside a Spanish page: the language switch, which names each
language in itself, and the redisclosure notice, whose wording 42 CFR 2.32 gives in
English).
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from mentormatch import i18n

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
_READ_ALOUD = ("aria-label", "title", "alt", "placeholder")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})  # fmt: skip


class _Text(HTMLParser):
    """The words of a page a person reads or hears, outside the language switch."""

    def __init__(self, code: str) -> None:
        super().__init__(convert_charrefs=True)
        self.code = code
        self.words: list[str] = []
        self._skip: list[str] = []  # open elements whose content is not read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        other_language = tag != "html" and found.get("lang") not in (None, self.code)
        if self._skip or tag in ("script", "style") or other_language:
            if tag not in _VOID:  # an <input> has no end tag to pop it
                self._skip.append(tag)
            return
        self.words += [value for name, value in attrs if name in _READ_ALOUD and value]

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words.append(data)


def page_text(html: str, code: str = "es") -> str:
    parser = _Text(code)
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.words))


def _pieces(msgid: str) -> list[str]:
    """The English pieces of a msgid worth looking for (3 characters or more)."""
    parts = (p.strip(" .,:;!?()") for p in _PLACEHOLDER.split(msgid))
    return [p for p in parts if len(p) >= 3 and re.search(r"[A-Za-z]", p)]


@cache
def translated_pieces(code: str = "es") -> dict[str, str]:
    """Each English piece the catalog translates differently (or not yet), with its msgid."""
    path = i18n.LOCALES_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=code)
    pieces: dict[str, str] = {}
    for message in catalog:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if not message.id:
            continue
        used = [] if message.fuzzy else strings  # a fuzzy guess is not shown
        for msgid in ids:
            for piece in _pieces(msgid):
                if not any(piece in s for s in used):  # the Spanish keeps it ("SMART")
                    pieces[piece] = msgid
    return pieces


def untranslated(html: str, code: str = "es") -> dict[str, str]:
    """The English pieces found on the page, each with its msgid (empty when none)."""
    text = page_text(html, code)
    return {
        piece: msgid
        for piece, msgid in translated_pieces(code).items()
        if re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text)
    }
