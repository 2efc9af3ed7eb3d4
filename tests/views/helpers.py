"""Driving the portal like a browser: read a page, fill in its real form, send it with its token.

`submit` refuses to send a field the form on the page does not have, or a choice that is not
one of the options of a select, radio or checkbox, so a test cannot pass on a form the page
does not actually show.
"""
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select

from portal.extensions import db
from tests.factories import PASSWORD

LOGIN_URL = "/account/inloggen"
LOGOUT_URL = "/account/uitloggen"
_CSRF_INPUT = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")
_TEXT_INPUTS = {"text", "hidden", "email", "password", "number", "date", "search", "url",
                "tel", "datetime-local", "time", "month", "week", "color", "range"}


def csrf_token(html):
    """The CSRF token of the first form on the page that carries one."""
    tag = _CSRF_INPUT.search(html)
    assert tag, "the page has no csrf_token field"
    return _VALUE.search(tag.group(0)).group(1)


class Form:
    def __init__(self, action, method):
        self.action, self.method = action, method
        self.controls = []  # dicts: name, kind, value, checked / options, multiple
        self.formactions = []
        self.buttons = []  # (name, value) of submit buttons that send a value

    @property
    def names(self):
        return {c["name"] for c in self.controls}

    def choices(self, name):
        """The values a select, radio group or checkbox list offers; None for free text."""
        values = []
        for control in self.controls:
            if control["name"] != name:
                continue
            if control["kind"] == "select":
                values += [value for value, _ in control["options"]]
            elif control["kind"] in ("radio", "checkbox"):
                values.append(control["value"])
            else:
                return None
        return values

    def defaults(self):
        """What a browser would send if nobody touched the form."""
        data = {}
        for c in self.controls:
            kind, name = c["kind"], c["name"]
            if kind in ("radio", "checkbox"):
                if c["checked"]:
                    data.setdefault(name, []).append(c["value"])
            elif kind == "select":
                chosen = [value for value, selected in c["options"] if selected]
                if not chosen and not c["multiple"] and c["options"]:
                    chosen = [c["options"][0][0]]
                data.setdefault(name, []).extend(chosen)
            else:
                data.setdefault(name, []).append(c["value"])
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._select = self._option = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "button" and ("formaction" in a or "name" in a):
            if "formaction" in a:
                self._form.formactions.append(a["formaction"])
            if "name" in a:
                self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                self._form.controls.append({"name": a["name"], "kind": kind,
                                            "value": a.get("value", "on"),
                                            "checked": "checked" in a})
            elif kind in _TEXT_INPUTS:
                self._form.controls.append({"name": a["name"], "kind": kind,
                                            "value": a.get("value", "")})
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "kind": "select", "options": [],
                            "multiple": "multiple" in a}
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "kind": "textarea", "value": ""}
            self._form.controls.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None:
            value, selected, label = self._option
            self._select["options"].append((label.strip() if value is None else value, selected))
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea["value"] = self._textarea["value"].removeprefix("\n")
            self._textarea = None


def forms(html):
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html, action=None):
    """The POST form sending to `action` (its action or a button's formaction), or else the
    page's own POST form (the navbar's sign-out form does not count)."""
    posting = [f for f in forms(html) if f.method == "post"]
    if action:
        found = [f for f in posting if f.action == action or action in f.formactions]
    else:
        found = [f for f in posting if f.action != LOGOUT_URL]
    assert found, f"no POST form for {action or 'this page'}"
    return found[0]


def find_button_form(html, value):
    """The POST form with a submit button sending `value`."""
    found = [f for f in forms(html) if f.method == "post" and value in dict(
        (v, n) for n, v in f.buttons)]
    assert found, f"no button {value!r} on this page"
    return found[0]


def submit(client, url, data=None, action=None, strict=True, follow_redirects=False,
           button=None):
    """GET `url`, fill in its form with `data` (None removes a field) and POST it like a browser:
    to the form's action, the `action` button's formaction, or the page itself. `button` names
    the value of the submit button pressed (<button name=... value=...>); it must be there."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    html = page.get_data(as_text=True)
    form = find_form(html, action) if button is None else find_button_form(html, button)
    values = form.defaults()
    if button is not None:
        name = next(n for n, v in form.buttons if v == button)
        values[name] = [button]
    for name, value in (data or {}).items():
        assert name in form.names, f"the form on {url} has no field {name!r}"
        if value is None:
            values.pop(name, None)
            continue
        sent = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        offered = form.choices(name)
        if strict and offered is not None:
            assert set(sent) <= set(offered), f"{name}: {sent} not among {offered}"
        values[name] = sent
    return client.post(action or form.action or url, data=values,
                       follow_redirects=follow_redirects)


def login(client, user, next=None):
    url = LOGIN_URL if next is None else f"{LOGIN_URL}?next={quote(next, safe='')}"
    response = submit(client, url, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"login of {user.email} answered {response.status_code}"
    return response


def logout(client):
    return submit(client, "/zoeken", action=LOGOUT_URL)


def text(response):
    return response.get_data(as_text=True)


def location(response):
    """The path (and query) a redirect points to, whether or not the header is absolute."""
    parts = urlsplit(response.location or "")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def field_error(response, name):
    """Whether the page shows an error next to the field `name`."""
    return f'id="{name}-error"' in text(response)


def form_alert(response):
    """Whether the page shows the error summary above its form."""
    return 'id="error-summary"' in text(response)


def reload(model, ident):
    """The row as the database has it now, not as this test's session last saw it."""
    db.session.expire_all()
    return db.session.get(model, ident)


def find(model, *where):
    """The one row matching `where` as the database has it now, or None."""
    db.session.expire_all()
    return db.session.scalars(select(model).where(*where)).one_or_none()


def find_all(model, *where):
    """Every row matching `where` as the database has it now, by id."""
    db.session.expire_all()
    return list(db.session.scalars(select(model).where(*where).order_by(model.id)))


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
