"""The project directory, /projects/: search, filters, sort and pages (projects.directory).

A plain GET form: every search is a bookmarkable address and works without JavaScript. With
htmx the form and the page links swap only the results (``_directory_results.html``) and push
the address into the history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from .directory import DirectoryForm, directory_page

RESULTS_ID = "directory-results"
DIRECTORY_ID = "directory"  # the form and its results (_directory.html)


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET)
    form.is_valid()  # the valid fields filter; the others show their error at the field
    filters = form.filters()
    _domain, port = split_domain_port(request.get_host())
    page = directory_page(
        request.platform,  # type: ignore[attr-defined]
        filters,
        request.GET.get("page"),
        scheme=request.scheme or "http",
        port=f":{port}" if port else "",
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "projects": page.object_list,
        "page_numbers": page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        ),
        "query_string": params.urlencode(),
        "is_network": request.platform.is_default,  # type: ignore[attr-defined]
        "results_id": RESULTS_ID,
    }
    htmx = getattr(request, "htmx", None)
    if bool(htmx) and htmx.target == RESULTS_ID:  # type: ignore[union-attr]
        if form.errors:  # the form comes back too, with each error at its field
            response = render(request, "projects/_directory.html", context)
            response["HX-Retarget"] = f"#{DIRECTORY_ID}"
            response["HX-Reswap"] = "outerHTML"
        else:
            response = render(request, "projects/_directory_results.html", context)
    else:
        response = render(request, "projects/directory.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
