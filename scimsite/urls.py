from django.contrib import admin
from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accessrequests.urls import api_urlpatterns as access_request_api_urlpatterns
from connector.urls import account_urlpatterns

# Swagger UI (served locally) injects inline styles; allow them on that one page only.
swagger_ui = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urlpatterns)),  # sign-in, sign-out
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", swagger_ui, name="api-docs"),
    path("favicon.ico", RedirectView.as_view(url=static("img/logo.svg"), permanent=True)),
    path("api/connector/", include("connector.api.urls")),
    path("api/access-requests/", include((access_request_api_urlpatterns, "accessrequests-api"))),
    path("history/", include("accessrequests.urls")),
    path("", include("scim.urls")),  # /v2/ (served by scim.middleware.ScimMiddleware; here for reverse())
    path("", include("connector.urls")),
]

handler403 = "connector.views.errors.permission_denied"
handler404 = "connector.views.errors.page_not_found"
handler500 = "connector.views.errors.server_error"
