from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import navigation_pages


def navigation(request: HttpRequest) -> dict:
    """The platform's pages in the main navigation, loaded only when a template shows them:
    from the cache, or with one query (selectors.navigation_pages)."""
    platform = getattr(request, "platform", None)
    if platform is None:
        return {"navigation_pages": []}
    return {"navigation_pages": SimpleLazyObject(lambda: navigation_pages(platform))}
