"""The phone page's words, written once in English; Thai comes from the gettext catalogue (locale/th/).

They are embedded in the page for both languages, so the language switch works offline. `{name}`
placeholders are filled in by the page script.
"""
from django.utils.translation import gettext_lazy as _

from gis_service.i18n import both

WORDS = {
    "title": _("Field registration"),
    "signin": _("Sign in"),
    "username": _("Username"),
    "password": _("Password"),
    "position": _("GPS position"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "accuracy": _("Accuracy"),
    "waiting_fix": _("Waiting for a GPS fix…"),
    "programme": _("Programme"),
    "new_site": _("New site"),
    "inspection": _("Inspect a site"),
    "site_uid": _("Site inspected (uid)"),
    "track_start": _("Start recording the track"),
    "track_stop": _("Stop recording"),
    "accuracy_reason": _("Reason for sending with a weak fix"),
    "photos": _("Photos"),
    "note": _("Note"),
    "save_send": _("Save and send"),
    "outbox": _("My submissions"),
    "online": _("Online: submissions are sent"),
    "offline": _("Offline: submissions stay on this phone and are sent when the network is back"),
    "fix_good": _("Good fix"),
    "fix_weak": _("Weak fix: give a reason to send"),
    "fix_bad": _("Fix too poor: move into the open and wait"),
    "no_fix": _("No GPS position yet"),
    "need_reason": _("Accuracy is worse than {limit} m: give a reason"),
    "too_poor": _("Accuracy {acc} m is worse than the limit of {limit} m: cannot send yet"),
    "required": _("Fill in: {field}"),
    "need_site": _("Give the uid of the site inspected"),
    "need_track": _("Record a track of at least 2 points"),
    "need_signin": _("Sign in before sending"),
    "queued": _("Queued"),
    "sending": _("Sending"),
    "sent": _("Sent"),
    "refused": _("Refused"),
    "counts": _("Queued {q} · Sent {s} · Refused {r}"),
    "saved_queued": _("Saved on this phone; it will be sent when there is a network"),
    "signed_in_as": _("Signed in as {user}"),
    "signin_failed": _("Sign-in failed"),
    "review_state": _("Review state"),
    "retry_at": _("Will retry"),
    "yes": _("yes"),
    "track_points": _("{n} points"),
    "state_submitted": _("Waiting for review"),
    "state_approved": _("Approved"),
    "state_rejected": _("Rejected"),
    "state_returned": _("Returned for changes"),
}


# The reviewer's page shows Thai and English side by side.
REVIEW_WORDS = {
    "reason": _("Reason"),
    "same_site": _("Same site {code} ({distance} m)"),
    "different_site": _("A different site"),
    "approve": _("Approve"),
    "return": _("Return"),
    "reject": _("Reject"),
    "waiting": _("{n} waiting for review"),
}


def words_by_language(words: dict = WORDS) -> dict[str, dict[str, str]]:
    """Every word of a page in English and Thai: {"en": {...}, "th": {...}}."""
    rendered = {key: both(text) for key, text in words.items()}
    return {language: {key: texts[language] for key, texts in rendered.items()} for language in ("en", "th")}
