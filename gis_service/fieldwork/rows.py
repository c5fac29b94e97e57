"""A new submission and its first review event, written by one INSERT statement.

One statement is atomic on its own, so a submission without photos needs no transaction around it: one
round trip instead of four (BEGIN, two INSERTs, COMMIT), and no ORM insert compiled twice (about 0.7 ms
of Python per submission). The values are prepared by the fields themselves (`pre_save`, which sets
`received_at`; `get_db_prep_save`; the geometry placeholder), as Django's own INSERT does.
"""
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model

from gis_service.fieldwork.models import ReviewState, Submission, SubmissionEvent

SUBMISSION_FIELDS = [f for f in Submission._meta.concrete_fields if not f.primary_key]
# The event's columns after submission_id, which comes from the submission row just inserted.
EVENT_FIELDS = [f for f in SubmissionEvent._meta.concrete_fields if not f.primary_key and f.name != "submission"]


def _placeholders_and_values(instance: Model, fields: list) -> tuple[list[str], list]:
    placeholders, values = [], []
    for field in fields:
        value = field.get_db_prep_save(field.pre_save(instance, add=True), connection=connection)
        get_placeholder = getattr(field, "get_placeholder", None)
        placeholders.append(get_placeholder(value, None, connection) if get_placeholder else "%s")
        values.append(value)
    return placeholders, values


def insert_with_first_event(submission: Submission, officer: User) -> SubmissionEvent:
    """Insert the submission and its 'submit' event; the instances get their ids (IntegrityError on a reused UUID)."""
    event = SubmissionEvent(actor=officer, action="submit", from_state="", to_state=ReviewState.SUBMITTED)
    submission_placeholders, submission_values = _placeholders_and_values(submission, SUBMISSION_FIELDS)
    event_placeholders, event_values = _placeholders_and_values(event, EVENT_FIELDS)
    sql = (
        f"WITH submission AS (INSERT INTO {Submission._meta.db_table} "
        f"({', '.join(f.column for f in SUBMISSION_FIELDS)}) VALUES ({', '.join(submission_placeholders)}) "
        f"RETURNING id) "
        f"INSERT INTO {SubmissionEvent._meta.db_table} "
        f"({SubmissionEvent._meta.get_field('submission').column}, {', '.join(f.column for f in EVENT_FIELDS)}) "
        f"SELECT id, {', '.join(event_placeholders)} FROM submission RETURNING submission_id, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, submission_values + event_values)
        submission.id, event.id = cursor.fetchone()
    for instance in (submission, event):
        instance._state.adding, instance._state.db = False, connection.alias
    event.submission = submission
    return event
