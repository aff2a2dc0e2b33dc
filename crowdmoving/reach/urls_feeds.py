"""Feeds, calendars and what search engines read (included at the root by config/urls.py)."""

from django.urls import path

from . import feeds, seo

app_name = "feeds"

urlpatterns = [
    path("feeds/projects.atom", feeds.projects_feed, name="projects"),
    path("feeds/o/<slug:slug>.atom", feeds.organisation_feed, name="organisation"),
    path("projects/<int:pk>/tasks.ics", feeds.project_calendar, name="project_calendar"),
    path("sitemap.xml", seo.sitemap_index, name="sitemap"),
    path("sitemap-pages.xml", seo.sitemap_section, {"section": "pages"}, name="sitemap_pages"),
    path(
        "sitemap-projects.xml",
        seo.sitemap_section,
        {"section": "projects"},
        name="sitemap_projects",
    ),
    path("robots.txt", seo.robots_txt, name="robots"),
]
