from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("connector.urls_accounts")),  # sign-in, sign-out
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/connector/", include("connector.api.urls")),
    path("api/access-requests/", include("accessrequests.api.urls")),
    path("history/", include("accessrequests.urls")),
    path("", include("connector.urls")),
]

handler403 = "connector.views.errors.permission_denied"
handler404 = "connector.views.errors.page_not_found"
handler500 = "connector.views.errors.server_error"
