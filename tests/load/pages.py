"""Reading the portal's pages in the load test: forms, their CSRF token, radio and select
choices, and the links to requests. The standard library only, so the Locust process stays
light (it imports neither Flask nor SQLAlchemy)."""
import re
from html.parser import HTMLParser

BOOKING_LINK = re.compile(r'href="/aanvragen/(\d+)"')
NEEDS_ACTION = re.compile(r'id="needs-action".*?</section>', re.S)


class _Inputs(HTMLParser):
    """Every <input>, every <select> with its <option> values, every submit <button>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs, self.selects, self.buttons = [], {}, []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        elif tag == "select":
            self._select = attrs.get("name")
            self.selects.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append(attrs.get("value") or "")
        elif tag == "button" and attrs.get("name"):
            self.buttons.append((attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def read(html):
    parser = _Inputs()
    parser.feed(html)
    return parser


def csrf_token(html):
    """The CSRF token of the page's first form that carries one, or None."""
    for attrs in read(html).inputs:
        if attrs.get("name") == "csrf_token":
            return attrs.get("value")
    return None


def radio_values(html, name):
    return [a.get("value") for a in read(html).inputs
            if a.get("name") == name and a.get("type") == "radio"]


def select_values(html, name):
    """The non-empty options of a select (the empty first one is "choose...")."""
    return [value for value in read(html).selects.get(name, []) if value]


def buttons(html, name="action"):
    """The values of the submit buttons called `name` (the answers a request's page offers)."""
    return {value for button, value in read(html).buttons if button == name}


def needs_action_ids(html):
    """The requests in the dashboard's "Needs your action" section."""
    section = NEEDS_ACTION.search(html)
    return [int(n) for n in BOOKING_LINK.findall(section.group(0))] if section else []
