"""Routes of the import API."""
from django.urls import path

from gis_service.imports import pages, views

urlpatterns = [
    path("imports/", pages.import_page, name="import-page"),
    path("imports/report", pages.report_download, name="import-report"),
    path("api/imports/dry-run", views.DryRunView.as_view(), name="import-dry-run"),
    path("api/imports", views.CommitView.as_view(), name="import-commit"),
    path("api/imports/<int:batch_id>", views.BatchView.as_view(), name="import-batch"),
    path("api/imports/<int:batch_id>/rollback", views.RollbackView.as_view(), name="import-rollback"),
]
