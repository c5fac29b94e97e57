"""URL routes of the fieldwork app: the phone page under /field/, the API under /api/field/."""
from django.contrib.auth.views import LoginView
from django.urls import path, re_path

from gis_service.fieldwork import pages, views

urlpatterns = [
    path("field/", pages.phone_form, name="field-form"),
    path("field/sw.js", pages.service_worker, name="field-sw"),
    path("field/assets/<str:name>", pages.asset, name="field-asset"),
    path("field/review/", pages.review_page, name="field-review"),
    path("field/login/", LoginView.as_view(template_name="fieldwork/login.html"), name="field-login"),
    path("api/field/token", views.TokenView.as_view(), name="field-token"),
    path("api/field/me", views.MeView.as_view(), name="field-me"),
    path("api/field/programmes", views.ProgrammesView.as_view(), name="field-programmes"),
    path("api/field/submissions", views.SubmissionsView.as_view(), name="field-submissions"),
    path("api/field/submissions/<uuid:client_uuid>", views.SubmissionView.as_view(), name="field-submission"),
    re_path(r"^api/field/submissions/(?P<client_uuid>[0-9a-f-]{36})/(?P<action>approve|reject|return)$",
            views.TransitionView.as_view(), name="field-transition"),
    path("api/field/submissions/<uuid:client_uuid>/duplicate-decision",
         views.DuplicateDecisionView.as_view(), name="field-duplicate-decision"),
    path("api/field/submissions/<uuid:client_uuid>/resubmit", views.ResubmitView.as_view(), name="field-resubmit"),
    path("api/field/submissions/<uuid:client_uuid>/nearby", views.NearbyView.as_view(), name="field-nearby"),
    re_path(r"^api/field/submissions/(?P<client_uuid>[0-9a-f-]{36})/photos/(?P<position>[0-9]+)/(?P<variant>image|thumbnail)$",
         views.PhotoView.as_view(), name="field-photo"),
    path("api/field/review-queue", views.ReviewQueueView.as_view(), name="field-review-queue"),
]
