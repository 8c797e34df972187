"""Messages page and its live fragment (included by connector/urls.py, app "connector")."""
from django.urls import path

from connector.views import messages

urlpatterns = [
    path("messages/", messages.messages_page, name="messages"),
    path("messages/feed/", messages.messages_feed, name="messages-feed"),
]
