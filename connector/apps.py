from django.apps import AppConfig


class ConnectorConfig(AppConfig):
    name = "connector"
    verbose_name = "SCIM Connector"

    def ready(self):
        from django.contrib import admin

        from connector import checks  # noqa: F401  (registers the system checks)
        from connector import signin_session  # noqa: F401  (connects the user_logged_in receiver)
        from connector.api import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
        from connector.forms.signin import AdminSigninForm
        from connector.services import audit_anchor  # noqa: F401  (publishes the anchor after audited actions)
        from connector.services.connection import bootstrap_cache_connect
        from connector.services.user_memo import user_memo_connect

        bootstrap_cache_connect()  # the bootstrap record is cached per process under a shared version key
        user_memo_connect()  # so are the signed-in people's user rows

        admin.site.login_form = AdminSigninForm  # the admin site signs in through Secret Server too
