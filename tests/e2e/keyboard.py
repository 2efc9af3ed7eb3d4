"""Keyboard helpers for the browser tests: move the focus with keys, and check that every
element it reaches shows a focus indicator a person can see.

The indicator must be an outline (or a box shadow) of at least 2px whose colour stands out at
least 3:1 (WCAG 2.2, non-text contrast) against what lies behind it, and nothing may be painted
over the element. Problems are collected in PROBLEMS, so a journey runs to its end and then
reports every element on its way whose focus was not visible.
"""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.db import local_today
from tests import factories

MIN_CONTRAST = 3.0
MIN_WIDTH_PX = 2.0


# --- the focus and its indicator ------------------------------------------------------------

# What the focused element is, whether it matches the target, and what its focus looks like:
# outline and box shadow, and the background colours behind the indicator. Those are sampled
# just outside the element, where an outline or shadow is drawn (on all four sides, as the
# element may sit on another element than its parent, like the skip link over the navbar): the
# element found there, then its ancestors up to the first opaque background colour. And whether
# another element is painted over the focused one (hiding it, focus ring and all).
_FOCUS_JS = r"""
async (match) => {
  const predicate = __PREDICATE__;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {describe: "(body: focus left the page)", matches: false, unchecked: true};
  }
  // Measure the focus style as it ends up, not halfway through a transition (Bootstrap's .btn
  // fades its box shadow in), nor while the page still scrolls the element into view (smoothly,
  // as Bootstrap asks for).
  await Promise.all(el.getAnimations().map((a) => a.finished.catch(() => null)));
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  // A smooth scroll moves within two frames of the focus; then wait for it to stand still.
  for (let i = 0, still = 0, last = scrollX + "," + scrollY; i < 180 && still < 2; i++) {
    await frame();
    const now = scrollX + "," + scrollY;
    still = now === last ? still + 1 : 0;
    last = now;
  }
  const text = (node) => (node.innerText || node.textContent || "").trim().replace(/\s+/g, " ");
  const describeOf = (node) => {
    let name = node.tagName.toLowerCase();
    if (node.id) name += "#" + node.id;
    for (const attr of ["name", "type", "value", "href"]) {
      if (node.hasAttribute(attr) && (attr !== "value" || node.tagName === "BUTTON"
                                      || node.type === "checkbox" || node.type === "radio")) {
        name += "[" + attr + "=" + node.getAttribute(attr) + "]";
      }
    }
    if (!node.id && !node.hasAttribute("name") && node.classList.length) {
      name += "." + [...node.classList].slice(0, 3).join(".");
    }
    const label = node.labels && node.labels.length ? text(node.labels[0])
      : (node.getAttribute("aria-label") || text(node));
    return label ? name + ' "' + label.slice(0, 50) + '"' : name;
  };
  // On the calendar button inside a date field, the field is document.activeElement but does
  // not match :focus: the browser draws its own ring there, out of the page's reach.
  if (!el.matches(":focus")) {
    const describe = describeOf(el) + " (its calendar button)";
    return {describe, matches: false, unchecked: true};
  }
  const describe = describeOf(el);
  const layersFrom = (start) => {
    const layers = [];
    for (let node = start; node; node = node.parentElement) {
      const s = getComputedStyle(node);
      layers.push({color: s.backgroundColor, image: s.backgroundImage});
      const alpha = s.backgroundColor.match(/rgba\([^)]*,\s*([\d.]+)\)/);
      if (s.backgroundColor !== "transparent" && !(alpha && parseFloat(alpha[1]) < 1)) break;
    }
    return layers;
  };
  const cs = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outlineWidth = parseFloat(cs.outlineWidth) || 0;
  const offset = parseFloat(cs.outlineOffset) || 0;
  const spreads = cs.boxShadow.split(/,(?![^(]*\))/)
    .map((shadow) => parseFloat((shadow.match(/-?[\d.]+px/g) || [])[3] || "0"));
  const reach = cs.outlineStyle !== "none" && outlineWidth > 0
    ? offset + outlineWidth / 2 : Math.max(0, ...spreads) / 2;
  const backgrounds = [];
  if (reach < 0) {
    backgrounds.push(layersFrom(el));
  } else {
    const d = reach + 0.5, cx = (rect.left + rect.right) / 2, cy = (rect.top + rect.bottom) / 2;
    for (const [x, y] of [[rect.left - d, cy], [rect.right + d, cy], [cx, rect.top - d],
                          [cx, rect.bottom + d]]) {
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const behind = document.elementsFromPoint(x, y).find((n) => n !== el && !el.contains(n));
      if (behind) backgrounds.push(layersFrom(behind));
    }
    if (!backgrounds.length) backgrounds.push(layersFrom(el.parentElement));
  }
  // Something painted over the element hides it, focus ring and all. Looked for in the middle of
  // its first line box: a link wrapping over two lines has a bounding box much wider than its
  // text, whose middle may fall beside it.
  let coveredBy = null;
  const line = el.getClientRects()[0] || rect;
  const mx = (line.left + line.right) / 2, my = (line.top + line.bottom) / 2;
  if (mx >= 0 && my >= 0 && mx < innerWidth && my < innerHeight) {
    const top = document.elementFromPoint(mx, my);
    if (top && top !== el && !el.contains(top) && !(el.labels && [...el.labels].includes(top))) {
      coveredBy = describeOf(top);
    }
  }
  let matches = false;
  if (match) {
    matches = match.selector ? el.matches(match.selector) : !!predicate(el);
  }
  return {
    describe, matches, unchecked: false,
    outlineStyle: cs.outlineStyle, outlineWidth, outlineColor: cs.outlineColor,
    boxShadow: cs.boxShadow, width: rect.width, height: rect.height, backgrounds, coveredBy,
  };
}
"""

# Elements whose focus was not visible, per page: description -> why. Checked at each test's end.
PROBLEMS = {}


def _rgba(text):
    """(r, g, b, a) from a computed colour such as 'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)'."""
    found = re.search(r"rgba?\(([^)]*)\)", text or "")
    if not found:
        return 0.0, 0.0, 0.0, 0.0  # 'transparent' and anything unknown
    parts = [float(p) for p in re.split(r"[,\s/]+", found.group(1).strip()) if p]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def _over(top, bottom):
    """An (r, g, b, a) colour painted over an opaque (r, g, b) one."""
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), bottom, strict=True))


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other):
    """WCAG contrast ratio of two opaque (r, g, b) colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _backdrops(layers):
    """The opaque colours one background sample can be: its colour layers painted over each
    other on the white canvas, and every colour stop of a gradient among them."""
    base = (255.0, 255.0, 255.0)
    stops = []
    for layer in reversed(layers):
        base = _over(_rgba(layer["color"]), base)
        stops.extend(re.findall(r"rgba?\([^)]*\)", layer["image"] or ""))
    return [base] + [_over(_rgba(stop), base) for stop in stops]


def _shadows(box_shadow):
    """(colour, spread px) of each box shadow in a computed box-shadow value."""
    if not box_shadow or box_shadow == "none":
        return []
    result = []
    for shadow in re.split(r",(?![^(]*\))", box_shadow):
        lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", shadow)]
        colour = re.search(r"rgba?\([^)]*\)", shadow)
        spread = lengths[3] if len(lengths) > 3 else 0.0
        result.append((colour.group(0) if colour else "rgb(0, 0, 0)", spread))
    return result


def focus_problem(info):
    """Why the focus on this element is not visible enough, or None when it is."""
    if info["width"] <= 0 or info["height"] <= 0:
        return "the focused element has no size on screen"
    if info["coveredBy"]:
        return f"hidden: {info['coveredBy']} is painted over it"
    backdrops = [c for layers in info["backgrounds"] for c in _backdrops(layers)]
    indicators = []
    if info["outlineStyle"] != "none" and info["outlineWidth"] > 0:
        indicators.append((f"outline {info['outlineStyle']} {info['outlineWidth']:g}px "
                           f"{info['outlineColor']}", info["outlineColor"],
                           info["outlineWidth"]))
    for colour, spread in _shadows(info["boxShadow"]):
        indicators.append((f"box-shadow {colour} spread {spread:g}px", colour, spread))
    if not indicators:
        return "no outline and no box shadow (outline-style none)"
    found = []
    for name, colour, width in indicators:
        worst = min(contrast(_over(_rgba(colour), bg), bg) for bg in backdrops)
        behind = min(backdrops, key=lambda bg: contrast(_over(_rgba(colour), bg), bg))
        if width >= MIN_WIDTH_PX and worst >= MIN_CONTRAST:
            return None
        found.append(f"{name}: {worst:.2f}:1 against rgb{tuple(round(c) for c in behind)}")
    return f"needs >= {MIN_WIDTH_PX:g}px and >= {MIN_CONTRAST:g}:1; has " + "; ".join(found)


def _focused(page, match=None):
    predicate = (match or {}).get("predicate") or "null"
    info = page.evaluate(_FOCUS_JS.replace("__PREDICATE__", predicate), match)
    if not info["unchecked"]:
        problem = focus_problem(info)
        if problem:
            PROBLEMS.setdefault(f"{path_of(page)}: {info['describe']}", problem)
    return info


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def _match(target):
    """A CSS selector, or a JavaScript predicate of the element ("el => ...")."""
    if "=>" in target or target.lstrip().startswith("function"):
        return {"predicate": target, "selector": None}
    return {"selector": target, "predicate": None}


def check_focus(page):
    """Check (and record) the indicator of the element that has the focus now."""
    return _focused(page)


def tab_to(page, target, limit=80, key="Tab"):
    """Press Tab (or `key`) until the focused element matches `target`; check the indicator
    of every element the focus passes. Fails listing those elements if it is not reached."""
    passed = []
    match = _match(target)
    for _ in range(limit):
        page.keyboard.press(key)
        info = _focused(page, match)
        passed.append(info["describe"])
        if info["matches"]:
            return info
    pytest.fail(f"{key} x{limit} on {path_of(page)} did not reach {target}; the focus passed:\n  "
                + "\n  ".join(passed), pytrace=False)


def assert_focus_was_always_visible():
    """The end of every journey: each element the focus reached showed it."""
    problems = "\n".join(f"  {where}\n      {why}" for where, why in PROBLEMS.items())
    assert not PROBLEMS, f"focus not visible on {len(PROBLEMS)} element(s):\n{problems}"


def active(page, expression="el.id"):
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def press_and_wait(page, key, url):
    """Press a key that loads a page (a link, a form) and wait for that page's load."""
    with page.expect_navigation(url=url):
        page.keyboard.press(key)


# --- steps shared by the journeys ---------------------------------------------------------------


def skip_link_first(page):
    """The first Tab on a fresh page reaches the skip link, with a visible focus."""
    page.keyboard.press("Tab")
    info = _focused(page)
    assert active(page, "el.getAttribute('href')") == "#main", (
        f"first Tab on {path_of(page)} focused {info['describe']}, not the skip link")
    assert active(page, "el.textContent.trim()") == "Naar de inhoud"
    expect(page.locator("a[href='#main']")).to_be_visible()


def sign_in(page, base, login):
    """The login form by keyboard: Tab to the fields, type, Enter."""
    page.goto(f"{base}/account/inloggen")
    skip_link_first(page)
    tab_to(page, "#email")
    page.keyboard.type(login)
    tab_to(page, "#password")
    page.keyboard.type(factories.PASSWORD)
    press_and_wait(page, "Enter", lambda url: "/account/inloggen" not in url)


def date_to_type(page, selector):
    """A date in the field's min..max range (from today when it has no min) whose day equals
    its month (12 December...), at least a week ahead.

    Chromium orders the parts of <input type=date> by the browser's own language (mm/dd/yyyy
    for en-US, dd-mm-yyyy for nl), not by the page's locale; with day == month the same digits
    are right in both orders."""
    first, last = (page.eval_on_selector(selector, f"el => el.{a}") for a in ("min", "max"))
    day = max(date.fromisoformat(first) if first else local_today(),
              local_today()) + timedelta(days=7)
    while day.day != day.month:
        day += timedelta(days=1)
    assert not last or day <= date.fromisoformat(last), f"no date to type in {first}..{last}"
    return day


def type_date(page, day):
    """Type a date into the focused <input type=date>, two digits for the day and the month
    and four for the year: each part moves on to the next by itself."""
    page.keyboard.type(day.strftime("%d%m%Y"))


def type_time(page, moment):
    """Type a morning time into the focused <input type=time>: hours and minutes, two digits
    each, then "A" for AM.

    Like the date, the field's parts follow the browser's own language: hh:mm AM/PM for en-US,
    where the AM/PM part must be filled too, and 24 hours for nl, which ignores the "A". Before
    noon the same keys are right in both."""
    assert moment.hour < 12, "type_time types morning times only"
    page.keyboard.type(moment.strftime("%H%M") + "A")


def choose_with_arrows(page, selector, value, limit=30):
    """Press ArrowDown on the focused select or radio group until it holds `value`."""
    for _ in range(limit):
        if page.eval_on_selector(selector, "el => el.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"ArrowDown x{limit} in {selector} never chose {value!r}")


# Marks the element the focus meets first, and tells whether the focus is back on it: the walk
# through a page has then met every element in its tab order (the date field's parts repeat
# the same element, so "seen before" alone would stop too early).
_BACK_AT_START = """() => {
  const el = document.activeElement;
  if (!document.querySelector('[data-focus-walk-start]')) {
    el.setAttribute('data-focus-walk-start', '');
    return false;
  }
  return el.hasAttribute('data-focus-walk-start');
}"""


# Back as the page was: no focus, no mark (a later screenshot shows no focused skip link).
_LEAVE = """() => {
  document.activeElement && document.activeElement.blur();
  document.querySelectorAll('[data-focus-walk-start]')
    .forEach((el) => el.removeAttribute('data-focus-walk-start'));
}"""


def focus_problems_on_page(page, limit=300):
    """Tab once round the whole page; {element: why} for each element whose focus is not
    visible (the same check as the journeys'). The page is left as it was, with no focus."""
    problems = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUS_JS.replace("__PREDICATE__", "null"), None)
        if info["unchecked"]:  # between the last element and the first, or a calendar button
            continue
        if page.evaluate(_BACK_AT_START):
            break
        problem = focus_problem(info)
        if problem:
            problems[info["describe"]] = problem
    else:
        problems["(the walk)"] = f"Tab x{limit} never came back to the first element"
    page.evaluate(_LEAVE)
    return problems
