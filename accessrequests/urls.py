from django.urls import path

from accessrequests import views

app_name = "accessrequests"

urlpatterns = [
    path("", views.history, name="history"),
    path("export.csv", views.export, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.detail, name="detail"),
]
