"""URL routes of the coverage app: the API under /api/coverage/, the planners' page at /coverage/."""
from django.urls import path

from gis_service.coverage import page, views

urlpatterns = [
    path("coverage/", page.coverage_page, name="coverage-page"),
    path("api/coverage/units", views.UnitsView.as_view(), name="coverage-units"),
    path("api/coverage/units.csv", views.UnitsCsvView.as_view(), name="coverage-units-csv"),
    path("api/coverage/gaps", views.GapsView.as_view(), name="coverage-gaps"),
    path("api/coverage/proposals", views.ProposalsView.as_view(), name="coverage-proposals"),
    path("api/coverage/repairs", views.RepairsView.as_view(), name="coverage-repairs"),
    path("api/coverage/distance", views.DistanceView.as_view(), name="coverage-distance"),
    path("api/coverage/rasters", views.RastersView.as_view(), name="coverage-rasters"),
    path("api/coverage/jobs/<uuid:job_id>", views.JobView.as_view(), name="coverage-job"),
    path("api/coverage/jobs/<uuid:job_id>/result", views.JobResultView.as_view(), name="coverage-job-result"),
]
