"""Review of submissions: approve (create or update the site and publish it), reject, return, decide duplicates."""
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from gis_service.accounts.permissions import has_role, is_administrator, province_ids_for_reviewer
from gis_service.accounts.roles import Role
from gis_service.fieldwork import checks
from gis_service.fieldwork.errors import Conflict, Forbidden, NotFound, Refused
from gis_service.fieldwork.lookup import DEGREES_PER_M
from gis_service.fieldwork.models import DuplicateDecision, Kind, ReviewState, Submission, SubmissionEvent
from gis_service.fieldwork.programmes import field_programme
from gis_service.i18n import thai
from gis_service.programmes.models import ProgrammeSite, Source

OPEN_STATES = {ReviewState.SUBMITTED}


def can_review(user: User, submission: Submission) -> bool:
    """Administrators review everywhere; reviewers in their provinces."""
    if is_administrator(user):
        return True
    return has_role(user, Role.REVIEWER) and submission.province_id in province_ids_for_reviewer(user)


def can_see(user: User, submission: Submission) -> bool:
    """The officer who sent it and those who may review it."""
    return submission.officer_id == user.id or can_review(user, submission)


def locked_submission(user: User, client_uuid, for_review: bool = True) -> Submission:
    """The submission row, locked for the transition, or 404/403."""
    submission = Submission.objects.select_for_update().filter(client_uuid=client_uuid).first()
    if submission is None or not can_see(user, submission):
        raise NotFound("uuid", "submission_not_found", f"No submission {client_uuid} that you can see.",
                       f"ไม่พบรายการ {client_uuid} ที่ท่านมีสิทธิ์ดู")
    if for_review and not can_review(user, submission):
        raise Forbidden("uuid", "not_a_reviewer",
                        "Only a reviewer of this province (or an administrator) may review this submission.",
                        "เฉพาะผู้ตรวจของจังหวัดนี้ (หรือผู้ดูแลระบบ) เท่านั้นที่ตรวจรายการนี้ได้")
    return submission


def require_state(submission: Submission, allowed: set[str], action_en: str, action_th: str) -> None:
    """Transitions only start from the states that allow them."""
    if submission.state not in allowed:
        raise Conflict("state", "wrong_state",
                       f"Submission {submission.client_uuid} is {submission.state}; it cannot be {action_en} now.",
                       f"รายการ {submission.client_uuid} อยู่ในสถานะ {thai(ReviewState(submission.state).label)} จึง{action_th}ไม่ได้")


def require_reason(reason: str) -> None:
    """Rejecting or returning says why, so the officer knows what to do."""
    if not reason.strip():
        raise Refused("reason", "reason_required", "Give a reason, so the officer knows what to change.",
                      "กรุณาระบุเหตุผล เพื่อให้เจ้าหน้าที่ทราบว่าต้องแก้ไขอะไร")


def record(submission: Submission, user: User, action: str, to_state: str, reason: str = "") -> None:
    """Move the submission and keep the trail: who, when, from what, to what, why."""
    SubmissionEvent.objects.create(submission=submission, actor=user, action=action, from_state=submission.state,
                                   to_state=to_state, reason=reason)
    submission.state = to_state
    submission.save(update_fields=["state", "site_uid", "duplicate_decision", "updated_at"])


@transaction.atomic
def approve(user: User, client_uuid, reason: str = "") -> Submission:
    """Create or update the programme site through the one validation path, publish it, record history."""
    submission = locked_submission(user, client_uuid)
    require_state(submission, OPEN_STATES, "approved", "อนุมัติ")
    programme = field_programme(submission.programme)
    if submission.kind == Kind.NEW_SITE and submission.duplicate_decision != DuplicateDecision.SAME_SITE:
        if submission.duplicate_candidates and not submission.duplicate_decision:
            raise Conflict("duplicate_decision", "duplicate_undecided",
                           "This submission may duplicate an existing site: decide 'same_site' or "
                           "'different_site' before approving.",
                           "รายการนี้อาจซ้ำกับจุดเดิม กรุณาระบุว่าเป็น 'จุดเดิม' หรือ 'จุดใหม่' ก่อนอนุมัติ")
        geometry = submission.line if programme.is_line else submission.location
        site = checks.build_new_site(programme, submission.attributes, geometry, submission.lao_id)
        site.source = Source.FIELD_GPS
        site.gps_accuracy_m = submission.accuracy_m
        site.created_by = submission.officer
    else:
        site = programme.model.objects.select_for_update().filter(uid=submission.site_uid).first()
        if site is None:
            raise Conflict("site", "site_gone", "The inspected site no longer exists: reject this submission.",
                           "ไม่พบจุดที่ตรวจสอบแล้ว กรุณาไม่อนุมัติรายการนี้")
        changes = {k: v for k, v in submission.attributes.items() if k in programme.inspection_attributes}
        if hasattr(site, "last_inspection_date"):
            site.last_inspection_date = timezone.localdate(submission.captured_at)
        checks.apply_inspection(programme, site, changes)
    site.published = True
    site.updated_by = user
    site._history_user = user
    site._change_reason = f"Field submission {submission.client_uuid} by {submission.officer.username}" + (
        f": {reason}" if reason else "")
    site.save()
    submission.site_uid = site.uid
    record(submission, user, "approve", ReviewState.APPROVED, reason)
    return submission


@transaction.atomic
def reject(user: User, client_uuid, reason: str) -> Submission:
    """Refuse the submission for good, saying why."""
    require_reason(reason)
    submission = locked_submission(user, client_uuid)
    require_state(submission, OPEN_STATES, "rejected", "ไม่อนุมัติ")
    record(submission, user, "reject", ReviewState.REJECTED, reason)
    return submission


@transaction.atomic
def return_for_changes(user: User, client_uuid, reason: str) -> Submission:
    """Send the submission back to the officer with what to change."""
    require_reason(reason)
    submission = locked_submission(user, client_uuid)
    require_state(submission, OPEN_STATES, "returned", "ส่งกลับ")
    record(submission, user, "return", ReviewState.RETURNED, reason)
    return submission


@transaction.atomic
def resubmit(user: User, client_uuid, attributes: dict, note: str) -> Submission:
    """The officer corrects a returned submission's attributes; it goes back to the queue."""
    submission = locked_submission(user, client_uuid, for_review=False)
    if submission.officer_id != user.id:
        raise Forbidden("uuid", "not_your_submission", "Only the officer who sent it may correct a submission.",
                        "เฉพาะเจ้าหน้าที่ผู้ส่งเท่านั้นที่แก้ไขรายการได้")
    require_state(submission, {ReviewState.RETURNED}, "resubmitted", "ส่งใหม่")
    programme = field_programme(submission.programme)
    if submission.kind == Kind.NEW_SITE:
        geometry = submission.line if programme.is_line else submission.location
        checks.build_new_site(programme, attributes, geometry, submission.lao_id)
    else:
        site = programme.model.objects.filter(uid=submission.site_uid).first()
        if site is not None:
            checks.apply_inspection(programme, site, attributes)
    submission.attributes = attributes
    submission.note = note or submission.note
    submission.save(update_fields=["attributes", "note", "updated_at"])
    record(submission, user, "resubmit", ReviewState.SUBMITTED, note)
    return submission


@transaction.atomic
def decide_duplicate(user: User, client_uuid, decision: str, site_uid=None, reason: str = "") -> Submission:
    """Same site (record as an inspection of the chosen candidate) or a different site (create a new one)."""
    submission = locked_submission(user, client_uuid, for_review=False)
    if submission.officer_id != user.id and not can_review(user, submission):
        raise Forbidden("uuid", "not_allowed", "Only the officer who sent it or a reviewer may decide this.",
                        "เฉพาะเจ้าหน้าที่ผู้ส่งหรือผู้ตรวจเท่านั้นที่ระบุได้")
    require_state(submission, {ReviewState.SUBMITTED, ReviewState.RETURNED}, "changed", "เปลี่ยน")
    if submission.kind != Kind.NEW_SITE or not submission.duplicate_candidates:
        raise Conflict("decision", "no_candidates", "This submission has no duplicate candidates to decide on.",
                       "รายการนี้ไม่มีจุดที่อาจซ้ำให้ระบุ")
    if decision == DuplicateDecision.SAME_SITE:
        candidate_sites = {c["uid"] for c in submission.duplicate_candidates if c.get("type") == "site"}
        if str(site_uid) not in candidate_sites:
            raise Refused("site", "not_a_candidate",
                          "For 'same_site', give the uid of one of the candidate sites listed with the submission.",
                          "สำหรับ 'จุดเดิม' กรุณาระบุ uid ของจุดเดิมจากรายการจุดที่อาจซ้ำ")
        submission.site_uid = site_uid
    else:
        submission.site_uid = None
    submission.duplicate_decision = decision
    SubmissionEvent.objects.create(submission=submission, actor=user, action=f"decide_{decision}",
                                   from_state=submission.state, to_state=submission.state, reason=reason)
    submission.save(update_fields=["site_uid", "duplicate_decision", "updated_at"])
    return submission


def nearby_sites(submission: Submission, radius_m: float = 500.0) -> list[ProgrammeSite]:
    """Sites of the submission's programme near it, for the reviewer's map."""
    programme = field_programme(submission.programme)
    point: Point = submission.location
    box = point.buffer(radius_m * DEGREES_PER_M)
    return list(programme.model.objects.filter(geom__bboverlaps=box).only(
        "uid", "code", "name_th", "name_en", "status", "published", "geom")[:200])
