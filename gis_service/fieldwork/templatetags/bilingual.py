"""`{{ msgid|bilingual }}`: staff pages show Thai and English side by side, each from the gettext catalogue."""
from django import template
from django.utils.translation import gettext_lazy

from gis_service.i18n import english, thai

register = template.Library()


@register.filter
def bilingual(msgid: str) -> str:
    """The text in Thai, then in English: "เข้าสู่ระบบ · Sign in" (give it a msgid: `{% translate "..." noop as x %}`)."""
    text = gettext_lazy(msgid)
    return f"{thai(text)} · {english(text)}"
