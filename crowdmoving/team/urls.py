from django.urls import URLPattern, URLResolver

app_name = "team"

urlpatterns: list[URLPattern | URLResolver] = []
