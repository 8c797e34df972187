"""Template variables that base.html reads: the signed-in person's role and access window."""


def connector_context(request):
    access = getattr(request, "connector_access", None)
    if access is None:
        return {"connector_role": "", "access_window_end": None, "connector_is_admin": False}
    return {"connector_role": access.label, "access_window_end": access.access_until,
            "connector_is_admin": access.is_admin}
