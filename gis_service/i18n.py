"""Interface text in both languages: written once in English with gettext_lazy, Thai from locale/th/.

APIs that answer in both languages at once (a `title` beside a Thai `title_th`, a message with
`message_th`) render the same lazy string under each language here, so no Thai text is kept in
Python beside its catalogue entry.
"""
from django.utils import translation
from django.utils.functional import Promise, lazy

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


def by_language(english_text: str | Promise, thai_text: str | Promise) -> Promise:
    """A text already given in each language (a place's two names), rendered in whichever is active."""
    return _by_language_lazy(english_text, thai_text)


def _pick_by_language(english_text: str | Promise, thai_text: str | Promise) -> str:
    # A language like "th-th" still counts as Thai; with none active (a management command) it is English.
    active = (translation.get_language() or ENGLISH).split("-")[0]
    return str(thai_text if active == THAI else english_text)


# Lazy so that a message built from it (format_lazy) picks the name when rendered, not when raised.
_by_language_lazy = lazy(_pick_by_language, str)
