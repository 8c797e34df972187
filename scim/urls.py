"""``/v2/`` (and ``/v2`` itself): every SCIM path goes to one view; scim2-server routes inside it."""
from django.urls import path, re_path

from scim.views import scim_endpoint

app_name = "scim"

urlpatterns = [
    path("v2", scim_endpoint, name="root"),
    re_path(r"^v2/(?P<path>.*)$", scim_endpoint, name="any"),
]
