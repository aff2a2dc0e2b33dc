from django.http import HttpResponse


def my_tasks(request, *a, **k):
    return HttpResponse("WIP")


def settings_view(request, *a, **k):
    return HttpResponse("WIP")
