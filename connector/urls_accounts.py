from django.urls import path

from connector.views.accounts import signin_view, signout_view

urlpatterns = [
    path("login/", signin_view, name="login"),
    path("logout/", signout_view, name="logout"),
]
