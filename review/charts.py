"""The dashboard's pictures, drawn by pygal as SVG on the server and put into the page.

The console's Content-Security-Policy runs no inline script or style, so each chart is
rendered without pygal's script (its tooltips) and its <style> is taken out of the SVG and
served as a stylesheet of its own (`stylesheet()`, at /staff/charts.css). Each chart has a
fixed id, so that stylesheet is the same for every page and can be cached.
"""
from __future__ import annotations

import functools
import xml.etree.ElementTree as ElementTree

import pygal
from markupsafe import Markup
from pygal.style import Style

FONTS = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
STYLE = Style(
    font_family=FONTS, title_font_size=16, label_font_size=13, major_label_font_size=13,
    legend_font_size=13, value_font_size=12, no_data_font_size=18, background="#ffffff",
    plot_background="#ffffff", foreground="#334155", foreground_strong="#0f172a",
    foreground_subtle="#cbd5e1", opacity=".85", opacity_hover=".95", transition="0ms",
    colors=("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"),
)
COMMON = dict(style=STYLE, disable_xml_declaration=True, js=[], width=760, height=340, margin=16,
              no_data_text="暂无数据", print_zeroes=False, truncate_legend=-1, truncate_label=-1)
SVG = "{http://www.w3.org/2000/svg}"


def weekly(weeks: list[str], series: dict[str, list[int]]) -> Markup:
    """Applications submitted per week, a bar per week stacked by programme."""
    return _drawn("weekly", tuple(weeks), tuple((name, tuple(counts)) for name, counts in series.items()))


def decision_times(buckets: list[tuple[str, int]]) -> Markup:
    """How long decisions took: how many within each span of days."""
    return _drawn("decision", tuple(map(tuple, buckets)))


def overdue(places: list[tuple[str, int]]) -> Markup:
    """Applications past their deadline, per district (or per street of a district)."""
    return _drawn("overdue", tuple(map(tuple, places)))


@functools.lru_cache(maxsize=256)
def _drawn(name: str, *figures) -> Markup:
    """A chart drawn once for the same figures: pygal takes some 20 ms a chart, and a team's
    figures change far less often than its members open the dashboard."""
    if name == "weekly":
        weeks, series = figures
        return _inline(_weekly(list(weeks), {n: list(c) for n, c in series}), name, "每周提交的申请，按救助项目")
    if name == "decision":
        return _inline(_decision_times(list(figures[0])), name, "从提交到决定用的天数")
    return _inline(_overdue(list(figures[0])), name, "逾期的申请")


def _weekly(weeks, series):
    chart = pygal.StackedBar(**COMMON, x_title="提交的周（周一开始）", y_title="份数")
    chart.x_labels = weeks
    for name, counts in series.items():
        chart.add(name, counts)
    _whole_numbers(chart, max((sum(week) for week in zip(*series.values())), default=0))
    return chart


def _decision_times(buckets):
    chart = pygal.Bar(**{**COMMON, "show_legend": False}, x_title="从提交到决定", y_title="份数",
                      print_values=True)
    chart.x_labels = [label for label, _ in buckets]
    chart.add("决定", [count for _, count in buckets])
    _whole_numbers(chart, max((count for _, count in buckets), default=0))
    return chart


def _overdue(places):
    chart = pygal.HorizontalBar(**{**COMMON, "show_legend": False, "height": max(160, 44 * len(places) + 80)},
                                print_values=True)
    chart.x_labels = [place for place, _ in places]
    chart.add("逾期", [count for _, count in places])
    _whole_numbers(chart, max((count for _, count in places), default=0))
    return chart


def _whole_numbers(chart, top: int) -> None:
    """Counts are whole: ticks at whole numbers (pygal would mark 0.1, 0.2 … for small ones)."""
    if top <= 0:
        return  # nothing to draw: pygal says 暂无数据
    step = max(1, -(-top // 8))
    chart.y_labels = list(range(0, top + step, step))


def _render(chart, name: str) -> ElementTree.Element:
    chart.uuid = name  # a fixed id: the stylesheet's selectors are the same on every page
    chart.config.classes = ["pygal-chart", "chart"]
    return chart.render_tree()


def _inline(chart, name: str, title: str) -> Markup:
    """The chart as an <svg> element for the page: no script, no style element or attribute
    (the browser would refuse them), a title for screen readers."""
    root = _render(chart, name)
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{SVG}script", f"{SVG}style", "script", "style"):
                parent.remove(child)
        parent.attrib.pop("style", None)  # pygal hides its (script-driven) tooltip this way
    for child in root:
        if child.tag in (f"{SVG}title", "title"):
            child.text = title
    root.set("role", "img")
    return Markup(ElementTree.tostring(root, encoding="unicode"))


@functools.cache
def stylesheet() -> str:
    """pygal's CSS for the dashboard's charts, as one stylesheet. Drawn once from sample
    figures with every series, so each colour a page may use has its rule."""
    samples = {
        "weekly": _weekly(["1"], {str(n): [1] for n in range(len(STYLE.colors))}),
        "decision": _decision_times([("1", 1)]),
        "overdue": _overdue([("1", 1)]),
    }
    css = [".chart-box svg { width: 100%; height: auto; max-width: 760px; display: block; }",
           "svg.chart .tooltip { display: none; }"]
    for name, chart in samples.items():
        root = _render(chart, name)
        css += [node.text or "" for node in root.iter() if node.tag in (f"{SVG}style", "style")]
    return "\n".join(css)
