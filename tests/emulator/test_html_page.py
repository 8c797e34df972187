"""The page at `/`: sign in, approve/deny with a justification, seeded users, sign out."""
from html.parser import HTMLParser

import requests

from .conftest import PASSWORDS
from .test_access_requests import file_request


class Forms(HTMLParser):
    """Collects each form's action and input/textarea/button fields."""

    def __init__(self):
        super().__init__()
        self.forms, self.labels, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}, "buttons": []})
        elif tag in ("input", "textarea") and self.forms:
            self.forms[-1]["fields"][a.get("name")] = a.get("value", "")
        elif tag == "button" and self.forms and a.get("name"):
            self.forms[-1]["buttons"].append(a.get("value"))
        elif tag == "label":
            self.labels.append(a.get("for"))

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = Forms()
    parser.feed(html)
    return parser


def sign_in(emulator, user="admin"):
    browser = requests.Session()
    page = parse(browser.get(emulator.url + "/", timeout=5).text)
    form = page.forms[0]
    assert set(form["fields"]) == {"username", "password"} and {"username", "password"} <= set(page.labels)
    response = browser.post(emulator.url + form["action"], timeout=5,
                            data={"username": user, "password": PASSWORDS[user]})
    assert response.status_code == 200 and f"({user})" in response.text
    return browser, response


def review_form(html):
    return next(f for f in parse(html).forms if f["action"].startswith("/requests/"))


def test_anonymous_page_lists_the_seeded_users(emulator):
    text = " ".join(parse(requests.get(emulator.url + "/", timeout=5).text).text)
    for name, status in (("alice", "active"), ("dave", "password expired"), ("erin", "locked"),
                         ("frank", "disabled")):
        assert name in text and status in text
    assert "SCIM Auditors" in text and "Alice Archer" in text


def test_bad_password_shows_an_error(emulator):
    response = requests.post(emulator.url + "/signin", data={"username": "admin", "password": "x"}, timeout=5)
    assert response.status_code == 400 and "Login failed." in response.text


def test_admin_approves_a_pending_request(emulator, as_user, scim):
    alice = as_user("alice")
    file_request(alice, scim["secret_id"], comment="Need the connector")
    browser, page = sign_in(emulator)
    assert "Need the connector" in page.text and "SCIMSecret host" in page.text
    form = review_form(page.text)
    assert form["buttons"] == ["Approved", "Denied"] and form["fields"]["hours"] == "48"
    data = {**form["fields"], "justification": "Go ahead", "hours": "2", "decision": "Approved"}
    result = browser.post(emulator.url + form["action"], data=data, timeout=5)
    assert result.status_code == 200 and "approved" in result.text
    assert "No pending access requests." in result.text
    req = emulator.state.access_requests_list()[0]
    assert (req["status"], req["responseComment"]) == ("Approved", "Go ahead")
    assert alice.ok("GET", f"/api/v1/secrets/{scim['secret_id']}")["id"] == scim["secret_id"]
    history = alice.ok("GET", f"/api/v1/secret-access-requests/{req['id']}")
    assert history["approverDisplayName"] == "Administrator"


def test_deny_requires_a_justification(emulator, as_user, scim):
    file_request(as_user("bob"), scim["secret_id"])
    browser, page = sign_in(emulator)
    form = review_form(page.text)
    empty = browser.post(emulator.url + form["action"], data={**form["fields"], "decision": "Denied"}, timeout=5)
    assert empty.status_code == 400 and "justification is required" in empty.text
    assert emulator.state.access_requests_list()[0]["status"] == "Pending"
    denied = browser.post(emulator.url + form["action"], timeout=5,
                          data={**form["fields"], "justification": "No", "decision": "Denied"})
    assert denied.status_code == 200
    assert emulator.state.access_requests_list()[0]["status"] == "Denied"


def test_forged_form_without_csrf_is_refused_and_sign_out_ends_the_session(emulator, as_user, scim):
    file_request(as_user("bob"), scim["secret_id"])
    browser, page = sign_in(emulator)
    form = review_form(page.text)
    forged = browser.post(emulator.url + form["action"], data={"justification": "x", "decision": "Approved"},
                          timeout=5)
    assert forged.status_code == 403
    signout = next(f for f in parse(page.text).forms if f["action"] == "/signout")
    browser.post(emulator.url + "/signout", data=signout["fields"], timeout=5)
    assert "Sign in" in browser.get(emulator.url + "/", timeout=5).text
    assert emulator.state.access_requests_list()[0]["status"] == "Pending"


def test_users_who_cannot_review_see_no_requests(emulator, as_user, scim):
    file_request(as_user("bob"), scim["secret_id"])
    _, page = sign_in(emulator, "alice")
    assert "No pending access requests." in page.text
