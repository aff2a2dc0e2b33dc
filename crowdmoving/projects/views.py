from django.http import HttpResponse


def home(request, *a, **k):
    return HttpResponse("WIP")


def detail(request, *a, **k):
    return HttpResponse("WIP")


def secret_link(request, *a, **k):
    return HttpResponse("WIP")


def take(request, *a, **k):
    return HttpResponse("WIP")


def hold(request, *a, **k):
    return HttpResponse("WIP")


def enter_code(request, *a, **k):
    return HttpResponse("WIP")


def wait(request, *a, **k):
    return HttpResponse("WIP")


def withdraw(request, *a, **k):
    return HttpResponse("WIP")


def confirm(request, *a, **k):
    return HttpResponse("WIP")
