"""Every sentence the product shows a person, defined once (product.md wording).

Services, views, forms, templates (through the ``connector_context`` context processor) and the error
classes in ``connector/errors.py`` import these names; no other module spells one of these sentences out.
tests/unit/errors/test_messages_defined_once.py greps the source tree and fails on a second definition.
Composite messages (a prefix plus a reason) are composed from these parts where they are shown.
"""
from __future__ import annotations

# --- Secret Server and the connector's state ---------------------------------------------------------------
MSG_UNAVAILABLE = "Secret Server service unavailable."
MSG_NOT_CONFIGURED = "Secret Server Not Configured."
MSG_REFUSED = "Secret Server refused the request."
MSG_REFUSED_CHANGE = "Secret Server refused the change."
MSG_APP_MISSING_PERMISSION = "Application account is missing a required permission."
MSG_MIRROR_BEHIND = "Saved in Secret Server; the local copy will be repaired by the next sync."
MSG_WRITES_BUSY = "Another administrator is saving a change right now. Try again in a moment."
MSG_AUDIT_WRITE_FAILED = "The audit trail could not be written; the action was not performed."
MSG_SYNC_UNAVAILABLE_PREFIX = "Showing the last synchronised history;"

# --- sign-in and access ------------------------------------------------------------------------------------
MSG_INCORRECT = "Incorrect username or password."
MSG_EXPIRED = "Secret Server password has expired. Please login to Secret Server to reset your password."
MSG_NO_ACCESS = "Login does not have permission to access SCIM Connector."
MSG_NO_PERMISSION = f"{MSG_NO_ACCESS} Contact SCIM Connector owner for access."
MSG_PENDING = "Request sent and approval pending."
MSG_REQUEST_DENIED = "Your access request was denied."
MSG_LOCKED_OUT = "Too many failed sign-in attempts. Try again later."
MSG_USERNAME_REQUIRED = "Username required."
MSG_PASSWORD_REQUIRED = "Password required."
MSG_SIGNIN_AUDIT_FAILED = "The audit trail could not be written; you were not signed in."
MSG_TOKEN_REFUSED = "Secret Server refused the access token."
MSG_REMOVED = "Your access to SCIM Connector was removed in Secret Server."

# --- setup -------------------------------------------------------------------------------------------------
MSG_CONNECTION_SUCCESSFUL = "Connection Successful"
MSG_LOGIN_AS_ADMINISTRATOR = "Login as administrator."
MSG_INVALID_APP_ACCOUNT = "Invalid application account."
MSG_URL_HTTPS = "URL must be https."
MSG_URL_INVALID = "The provided URL is invalid."
MSG_FOLDER_DELETED = ("SCIM folder was deleted. Contact your Secret Server admin to move the SCIM Secrets into the "
                      "SCIM connector folder.")
MSG_SECRET_DELETED = "SCIM connector secret was deleted. To recover the secret, contact your secret server admin."

# --- configuration settings --------------------------------------------------------------------------------
MSG_SETTINGS_UPDATE_FAILED = "Unable to update Configuration."
MSG_SETTINGS_SAVED = "Configuration saved."
MSG_AUDITORS_GROUP_NOT_FOUND = ("Secret Server has no active group with this name; its members could not sign in "
                                "as auditors. Create the group in Secret Server first, or check the spelling.")
MSG_SETTINGS_CONFLICT = ("These settings were changed by someone else while you were editing. "
                         "The current values are shown; re-apply your changes.")
MSG_ALLOW_HTTP_IN_USE = "Allow Http cannot be disabled until all endpoints are https."
MSG_FIELD_REQUIRED = "This field is required."
MSG_UNKNOWN_SETTING = "Unknown setting."
MSG_WHOLE_NUMBER = "Enter a whole number."

# --- endpoints ---------------------------------------------------------------------------------------------
MSG_ENDPOINT_NOT_FOUND = "Endpoint not found."
MSG_ENDPOINT_NAME_REQUIRED = "Endpoint name is required."
MSG_ENDPOINT_NAME_TAKEN = "Endpoint name already exists and must be unique."
MSG_ENDPOINT_CONFLICT = ("This endpoint was changed by someone else while you were editing. "
                         "The current values are shown; re-apply your changes.")
