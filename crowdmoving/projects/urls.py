from django.urls import path

from . import views

app_name = "projects"

task = "projects/<int:pk>/tasks/<int:task_id>"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:pk>/", views.detail, name="detail"),
    path("projects/<int:pk>/join/<str:secret>/", views.secret_link, name="secret_link"),
    path(f"{task}/take/", views.take, name="take"),
    path(f"{task}/hold/", views.hold, name="hold"),
    path(f"{task}/code/", views.enter_code, name="enter_code"),
    path(f"{task}/wait/", views.wait, name="wait"),
    path(f"{task}/withdraw/", views.withdraw, name="withdraw"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
