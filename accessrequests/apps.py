from django.apps import AppConfig


class AccessRequestsConfig(AppConfig):
    name = "accessrequests"
    verbose_name = "Access requests"
