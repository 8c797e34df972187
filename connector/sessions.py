"""The session engine (``SESSION_ENGINE``): Django's cached_db sessions, read in the same cache round trip as the
shared version tokens every signed-in request needs next (connector/services/shared_versions.py).

A signed-in page used to make two cache round trips before any view code: the session, then one ``get_many``
of the bootstrap and users tokens. Here the session's read asks for the tokens too; they are kept for the rest
of the request exactly as ``shared_version`` would have kept them. Storage, expiry and the database fallback
are Django's own; only the read is widened.
"""
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

from connector.services.shared_versions import VERSION_KEYS, shared_versions_prime


class SessionStore(CachedDbSessionStore):
    def load(self):
        try:
            found = self._cache.get_many([self.cache_key, *VERSION_KEYS])
        except Exception:  # as Django: a cache that refuses the key (or is down) falls back to the database
            found = {}
        shared_versions_prime(found)
        data = found.get(self.cache_key)
        if data is None:
            session = self._get_session_from_db()
            if session:
                data = self.decode(session.session_data)
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
            else:
                data = {}
        return data
