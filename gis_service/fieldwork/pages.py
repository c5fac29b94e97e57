"""The phone page (an offline-capable web app) and the reviewer's page."""
from django.http import HttpResponse


def phone_form(request):
    return HttpResponse("todo")


service_worker = asset = review_page = phone_form
