from django.http import HttpResponse


def project_create(request, *a, **k):
    return HttpResponse("WIP")


def dashboard(request, *a, **k):
    return HttpResponse("WIP")


def project_edit(request, *a, **k):
    return HttpResponse("WIP")


def project_status(request, *a, **k):
    return HttpResponse("WIP")


def project_secret(request, *a, **k):
    return HttpResponse("WIP")


def task_create(request, *a, **k):
    return HttpResponse("WIP")


def task_edit(request, *a, **k):
    return HttpResponse("WIP")


def task_remove(request, *a, **k):
    return HttpResponse("WIP")


def task_move(request, *a, **k):
    return HttpResponse("WIP")
