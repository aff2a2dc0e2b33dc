from django.http import HttpResponse


def index(request, *a, **k):
    return HttpResponse("WIP")


def create(request, *a, **k):
    return HttpResponse("WIP")


def detail(request, *a, **k):
    return HttpResponse("WIP")
