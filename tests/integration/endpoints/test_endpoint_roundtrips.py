"""Opening the endpoint list costs O(1) Secret Server calls whatever the number of endpoints (issue 10).

Counts, not times: the list renders from the mirror; a refresh (one search of the SCIM folder, then one read
per new or renamed endpoint) runs at most every 30 s across workers; the Refresh button re-reads everything.
"""
import pytest
from django.urls import reverse

from connector.models import EndpointMirror
from connector.services.endpoints import endpoint_create

pytestmark = pytest.mark.django_db


def _calls(ss):
    return [(r.method, r.path) for r in ss.requests if not r.path.startswith("/_emulator/")
            and r.path != "/oauth2/token"]


def _made_in_secret_server(ss_app, connector, count, prefix="Manual"):
    stub = ss_app.secret_stub(9, connector.folder_id)
    return [ss_app.create_secret(stub, name=f"{prefix} {i}", folder_id=connector.folder_id,
                                 fields={"url": f"https://m{i}.example.test", "username": "m", "password": "Pw-m",
                                         "notes": ""}) for i in range(count)]


@pytest.mark.parametrize("count", [0, 3, 12])
def test_opening_the_list_costs_one_search_then_nothing_whatever_the_count(admin_client, ss, connector, count):
    for i in range(count):
        endpoint_create(name=f"Endpoint {i}", url=f"https://e{i}.example.test/scim", username="u", password="Pw-1")
    ss.clear_requests()
    first = admin_client.get(reverse("connector:endpoint-list"))
    assert first.status_code == 200 and first.content.decode().count("Endpoint ") >= count
    assert _calls(ss) == [("GET", "/api/v1/secrets")]  # the mirror is current: no secret is re-read
    ss.clear_requests()
    assert admin_client.get(reverse("connector:endpoint-list")).status_code == 200
    assert _calls(ss) == []  # within 30 s: the mirror alone


def test_only_new_renamed_and_removed_endpoints_are_read(admin_client, ss, ss_app, connector):
    kept = endpoint_create(name="Kept", url="https://k.example.test/scim", username="u", password="Pw-1")
    renamed = endpoint_create(name="Old name", url="https://r.example.test/scim", username="u", password="Pw-1")
    removed = endpoint_create(name="Removed", url="https://x.example.test/scim", username="u", password="Pw-1")
    manual = _made_in_secret_server(ss_app, connector, 2)
    secret = ss_app.get_secret(renamed.endpoint.ss_secret_id)
    ss_app.update_secret(secret.with_values(name="New name"))
    ss_app.delete_secret(removed.endpoint.ss_secret_id)
    ss.clear_requests()
    body = admin_client.get(reverse("connector:endpoint-list")).content.decode()
    reads = sorted(int(p.rsplit("/", 1)[1]) for m, p in _calls(ss) if p.startswith("/api/v1/secrets/"))
    assert reads == sorted([renamed.endpoint.ss_secret_id] + [m.id for m in manual])
    assert kept.endpoint.ss_secret_id not in reads
    assert "New name" in body and "Manual 0" in body and "Manual 1" in body and "Removed" not in body
    assert not EndpointMirror.objects.get(ss_secret_id=removed.endpoint.ss_secret_id).active


def test_the_refresh_button_rereads_every_endpoint(admin_client, ss, ss_app, connector):
    made = [endpoint_create(name=f"E{i}", url=f"https://e{i}.example.test/scim", username="u", password="Pw-1")
            for i in range(3)]
    secret = ss_app.get_secret(made[0].endpoint.ss_secret_id)
    ss_app.update_secret(secret.with_values(url="https://changed.example.test/scim"))  # same name
    ss.clear_requests()
    body = admin_client.get(reverse("connector:endpoint-list") + "?refresh=1").content.decode()
    assert len([p for m, p in _calls(ss) if p.startswith("/api/v1/secrets/")]) == 3
    assert "https://changed.example.test/scim" in body
    assert 'name="refresh" value="1"' in body


def test_a_failed_refresh_shows_the_mirror_and_is_retried_by_the_next_open(admin_client, ss, connector):
    endpoint_create(name="Kept", url="https://k.example.test/scim", username="u", password="Pw-1")
    ss.inject_fault("status", count=5, status=503, path_prefix="/api/v1/secrets")
    body = admin_client.get(reverse("connector:endpoint-list")).content.decode()
    assert "Kept" in body and "Showing the local copy" in body
    ss.clear_faults()
    ss.clear_requests()
    body = admin_client.get(reverse("connector:endpoint-list")).content.decode()
    assert "Showing the local copy" not in body
    assert _calls(ss) == [("GET", "/api/v1/secrets")]


def test_the_list_rows_escape_names_and_link_to_edit_and_delete(admin_client, ss, ss_app, connector):
    made = endpoint_create(name='<b>"Okta" & co</b>', url="https://o.example.test/scim?a=1&b=2", username="o'k",
                           password="Pw-1", permission_mappings=[{"type": "Container", "value": "admin", "role": "Owner"}])
    manual = _made_in_secret_server(ss_app, connector, 1)[0]  # no token yet
    body = admin_client.get(reverse("connector:endpoint-list")).content.decode()
    sid = made.endpoint.ss_secret_id
    assert '<b>"Okta"' not in body and "&lt;b&gt;&quot;Okta&quot; &amp; co&lt;/b&gt;" in body
    assert "https://o.example.test/scim?a=1&amp;b=2" in body and "o&#x27;k" in body
    assert f'href="{reverse("connector:endpoint-edit", args=[sid])}"' in body
    assert f'href="{reverse("connector:endpoint-delete", args=[sid])}"' in body
    expires = EndpointMirror.objects.get(ss_secret_id=sid).token_expires_at
    assert f'<time datetime="{expires.isoformat()}">{expires:%Y-%m-%d}</time>' in body
    assert f'href="{reverse("connector:endpoint-edit", args=[manual.id])}"' in body
    assert '<span class="badge badge--error">No token</span>' in body
    assert "<td>1</td>" in body and "<td>0</td>" in body
