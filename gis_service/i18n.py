"""Interface text in both languages: written once in English with gettext_lazy, Thai from locale/th/.

APIs that answer in both languages at once (a `title` beside a Thai `title_th`, a message with
`message_th`) render the same lazy string under each language here, so no Thai text is kept in
Python beside its catalogue entry.
"""
from django.utils import translation
from django.utils.functional import Promise

THAI = "th"
ENGLISH = "en"


def in_language(text: str | Promise, language: str) -> str:
    """The text rendered in one language (a lazy gettext string is translated, plain text kept)."""
    with translation.override(language):
        return str(text)


def thai(text: str | Promise) -> str:
    """The Thai rendering of an interface text."""
    return in_language(text, THAI)


def english(text: str | Promise) -> str:
    """The English rendering of an interface text."""
    return in_language(text, ENGLISH)


def both(text: str | Promise) -> dict[str, str]:
    """The text in both languages, keyed by language code."""
    return {ENGLISH: english(text), THAI: thai(text)}
