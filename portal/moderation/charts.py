"""Bar charts as SVG, drawn on the server by leather (a maintained charting library that writes
plain SVG with presentation attributes: no script and no style element, so the page's
Content-Security-Policy holds). Each chart has a table beside it with the same numbers; the
SVG is an image named by its title for screen readers."""
import math
import re

import leather
from markupsafe import escape

# The portal's colours and fonts, with text dark enough to read (WCAG AA on white).
leather.theme.background_color = "#ffffff"
leather.theme.title_color = "#212529"
leather.theme.label_color = "#212529"
leather.theme.tick_color = "#495057"
leather.theme.axis_title_color = "#212529"
leather.theme.default_series_colors = ["#0b5089"]
for name in ("title_font_family", "tick_font_family", "legend_font_family",
             "axis_title_font_family"):
    setattr(leather.theme, name, "system-ui, sans-serif")

WIDTH = 640
ROW = 34  # height per bar


def bar_chart(title, pairs):
    """An SVG of horizontal bars: (label, value) pairs, top first. Empty string when there is
    nothing to draw."""
    pairs = [(label, value) for label, value in pairs if value]
    if not pairs:
        return ""
    chart = leather.Chart()
    top = max(value for _label, value in pairs)
    step = max(1, math.ceil(top / 5))  # whole numbers: these are counts
    ticks = list(range(0, top + step, step))
    chart.add_x_scale(0, ticks[-1])
    chart.add_x_axis(ticks=ticks)
    chart.add_bars([(value, label) for label, value in reversed(pairs)])
    svg = chart.to_svg(width=WIDTH, height=80 + ROW * len(pairs))
    # scale with its column, and be one image named by its title
    return re.sub(r'^<svg width="(\d+)" height="(\d+)"',
                  lambda m: (f'<svg viewBox="0 0 {m.group(1)} {m.group(2)}" width="100%" '
                             f'role="img" aria-label="{escape(title)}" focusable="false"'),
                  svg, count=1)
