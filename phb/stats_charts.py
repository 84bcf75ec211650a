"""Charts for "How sure can we be?": survey figures with their intervals, and the self-selection model.

Each chart spec is written once here and used by the chapter, the live explorer (widgets/stats.py)
and the kernel-free twin: a builder takes the rows a model produced and, optionally, the twin's
sliders, which it binds so that the browser filters a precomputed grid.

Twin grids use short column names and values rounded to 4 decimal places: every row ships inside
the page, so a smaller grid is a faster page.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from phb import charts, selection, stats, twin

#: Digits kept in twin grids (a hundredth of a percentage point: far below what a reader can see).
DIGITS = 4

# ---------------------------------------------------------------------------------------- sliders
#: The twin's sliders for the interval explorer: sample size and observed share. The default
#: sample size is the 2014 POET survey's 129 budget holders, snapped to the slider's step (130).
N_SLIDER = twin.Slider("n", "Sample size (people who answered)", 10, 300, 10, default=130)
SHARE_SLIDER = twin.Slider("share", "Observed share", 0, 1, 0.05, default=0.85)
INTERVAL_SLIDERS = (N_SLIDER, SHARE_SLIDER)

#: The twin's sliders for the self-selection explorer.
STRENGTH_SLIDER = twin.Slider("strength", "Selection strength", 0, 2, 0.2,
                              default=selection.STRENGTH)
SURVEY_SLIDER = twin.Slider("survey_size", "Survey size (respondents)", 50, 1000, 50,
                            default=150)
SELECTION_SLIDERS = (STRENGTH_SLIDER, SURVEY_SLIDER)

_PERCENT = ".0%"
_PERCENT1 = ".1%"


def _pct(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.1%}"


# ---------------------------------------------------------------------------------------- headline figures
def headline_readable(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table as a reader sees it: words and percentages, no internal columns."""
    return pd.DataFrame({
        "Figure": table["label"],
        "Survey": table["survey"],
        "As reported": table["statement"],
        "Sample size": [("not published" if pd.isna(n) else f"{int(n):,}") for n in table["n"]],
        "Counts that fit": table["counts"],
        "Lowest population share (95%)": [_pct(v) for v in table["lower"]],
        "Highest population share (95%)": [_pct(v) for v in table["upper"]],
    })


def headline_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Each headline figure as the range of population shares it allows, with its sample size beside.

    ``table`` is :func:`phb.stats.interval_table` output with a ``survey`` column. For each row the
    thin line is the widest 95% Wilson interval the reported figure allows; the thick bar is the
    range of shares the survey itself could have observed ("more than 80%" of 129 people: 80.6% to
    100%). Rows whose sample size is unpublished, or whose figure no count can produce, carry no
    line: the text column says why.
    """
    data = table.copy()
    data["order"] = np.arange(len(data))
    data["n_text"] = [("n not published" if pd.isna(n) else f"n = {int(n):,}") for n in data["n"]]
    data["note"] = [
        f"{s}: {c}" if pd.isna(n) else
        (f"{s}: no count of {int(n):,} gives this" if not p else f"{s}: {c} people")
        for s, c, p, n in zip(data["statement"], data["counts"], data["possible"], data["n"])
    ]
    data["interval"] = [
        "" if pd.isna(lo) else f"{lo:.0%} to {hi:.0%}" for lo, hi in zip(data["lower"], data["upper"])
    ]
    keep = ["label", "survey", "order", "n_text", "note", "interval", "statement",
            "share_low", "share_high", "lower", "upper"]
    data = data[keep]
    y = alt.Y("label:N", sort=alt.EncodingSortField("order"), title=None,
              axis=alt.Axis(labelLimit=300))
    colour = alt.Color("survey:N", title="Survey", legend=alt.Legend(orient="bottom", columns=3))
    tooltip = [alt.Tooltip("label:N", title="Figure"), alt.Tooltip("statement:N", title="Reported"),
               alt.Tooltip("n_text:N", title="Sample"),
               alt.Tooltip("interval:N", title="Population share (95%)")]
    base = alt.Chart(data).encode(y=y)
    x_scale = alt.Scale(domain=[0, 1])
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("lower:Q", scale=x_scale, axis=alt.Axis(format=_PERCENT),
                title="Share of people (thin line: 95% interval for the population)"),
        x2="upper:Q", color=colour, tooltip=tooltip,
    )
    observed = base.mark_bar(height=10, opacity=0.9).encode(
        x="share_low:Q", x2="share_high:Q", color=colour, tooltip=tooltip,
    )
    # A bar from a share to itself has no width: draw a tick at single-count figures too.
    tick = base.mark_tick(thickness=3, size=16).encode(
        x="share_low:Q", color=colour, tooltip=tooltip,
    )
    plot = alt.layer(interval, observed, tick).properties(width=380)
    text = base.mark_text(align="left", baseline="middle").encode(
        x=alt.value(0), text="note:N",
    ).properties(width=250)
    n_col = base.mark_text(align="left", baseline="middle", fontWeight=600).encode(
        x=alt.value(0), text="n_text:N",
    ).properties(width=110)
    return alt.hconcat(plot, n_col, text, spacing=8).resolve_scale(y="shared")


# ---------------------------------------------------------------------------------------- width by n
def width_chart(frame: pd.DataFrame, marks: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    """The Wilson interval around one observed share as the sample grows (log scale of n).

    ``frame`` is :func:`phb.stats.width_by_n` output; ``marks`` (optional, columns ``n``, ``label``)
    places the book's surveys on the curve.
    """
    data = frame[["n", "estimate", "lower", "upper"]].copy()
    x = alt.X("n:Q", scale=alt.Scale(type="log", domain=[float(data["n"].min()), float(data["n"].max())]),
              title="Sample size (log scale)")
    y_scale = alt.Scale(domain=[0, 1])
    band = alt.Chart(data).mark_area(opacity=0.3).encode(
        x=x, y=alt.Y("lower:Q", scale=y_scale, axis=alt.Axis(format=_PERCENT),
                     title="Population share (95% Wilson interval)"),
        y2="upper:Q",
        tooltip=[alt.Tooltip("n:Q", title="Sample size"),
                 alt.Tooltip("lower:Q", format=_PERCENT1, title="Lower"),
                 alt.Tooltip("upper:Q", format=_PERCENT1, title="Upper")],
    )
    line = alt.Chart(data).mark_line().encode(x=x, y="estimate:Q")
    layers = [band, line]
    if marks is not None and len(marks):
        m = marks.merge(data, on="n", how="left")
        layers.append(alt.Chart(m).mark_rule(strokeDash=[4, 3], color=charts.PALETTE[1]).encode(
            x="n:Q", y="lower:Q", y2="upper:Q",
            tooltip=[alt.Tooltip("label:N", title="Survey"), alt.Tooltip("n:Q", title="Sample size")]))
        layers.append(alt.Chart(m).mark_text(angle=270, align="left", dx=4, dy=-6,
                                             color=charts.PALETTE[1]).encode(
            x="n:Q", y="upper:Q", text="label:N"))
    return alt.layer(*layers)


# ---------------------------------------------------------------------------------------- interval explorer
def interval_row(n: float, share: float) -> dict[str, float]:
    """One twin-grid row: both intervals for ``share`` of ``n`` (wide, short names, rounded).

    Columns: ``k`` (the count), ``wl``/``wu`` (Wilson lower/upper), ``cl``/``cu``
    (Clopper–Pearson lower/upper). Built from :func:`phb.stats.interval_scenario`, the same model
    the live explorer calls.
    """
    rows = stats.interval_scenario(int(round(n)), float(share)).set_index("method")
    return {
        "k": int(rows.loc["wilson", "successes"]),
        "wl": round(float(rows.loc["wilson", "lower"]), DIGITS),
        "wu": round(float(rows.loc["wilson", "upper"]), DIGITS),
        "cl": round(float(rows.loc["clopper-pearson", "lower"]), DIGITS),
        "cu": round(float(rows.loc["clopper-pearson", "upper"]), DIGITS),
    }


def interval_grid(sliders: Sequence[twin.Slider] = INTERVAL_SLIDERS) -> pd.DataFrame:
    """The interval twin's grid: :func:`interval_row` at every slider setting."""
    return twin.precompute(interval_row, sliders)


def interval_chart(data: pd.DataFrame, sliders: Sequence[twin.Slider] | None = None) -> alt.TopLevelMixin:
    """Wilson and Clopper–Pearson intervals for the chosen sample size and share, on one 0–100% axis.

    ``data`` has the columns of :func:`interval_row` plus ``n`` and ``share``: one row for the live
    explorer, or the whole grid with ``sliders`` for the twin (which then shows the selected row).
    """
    chart = alt.Chart(data)
    if sliders:
        chart = twin.bind(chart, sliders)
    chart = chart.transform_calculate(
        est="datum.k / datum.n",
        wtext="format(datum.wl, '.1%') + ' to ' + format(datum.wu, '.1%')",
        ctext="format(datum.cl, '.1%') + ' to ' + format(datum.cu, '.1%')",
        head="datum.k + ' of ' + datum.n + ' people (' + format(datum.k / datum.n, '.1%') + ')'",
    )
    x_scale = alt.Scale(domain=[0, 1])
    x_axis = alt.Axis(format=_PERCENT, title="Share of the population (95% confidence interval)")
    methods = [("Wilson score", "wl", "wu", "wtext", charts.PALETTE[0]),
               ("Clopper–Pearson (exact)", "cl", "cu", "ctext", charts.PALETTE[1])]
    layers = []
    for label, lo, hi, txt, colour in methods:
        y = alt.YDatum(label, type="nominal", title=None)
        layers.append(chart.mark_rule(strokeWidth=6, color=colour).encode(
            x=alt.X(f"{lo}:Q", scale=x_scale, axis=x_axis), x2=f"{hi}:Q", y=y,
            tooltip=[alt.Tooltip(f"{txt}:N", title=label)]))
        layers.append(chart.mark_point(filled=True, size=120, color=charts.INK).encode(
            x="est:Q", y=y))
        layers.append(chart.mark_text(dy=-16, color=charts.INK).encode(
            x="est:Q", y=y, text=f"{txt}:N"))
    layers.append(chart.mark_text(dy=-28, color=charts.INK, fontWeight=600).encode(
        x=alt.value(260), y=alt.value(0), text="head:N"))
    return alt.layer(*layers).properties(height=160)


# ---------------------------------------------------------------------------------------- selection explorer
def selection_row(strength: float, survey_size: float, **settings: float) -> dict[str, float]:
    """One twin-grid row: :func:`phb.selection.simulate` at this setting (short names, rounded).

    Columns: ``truth``, ``expected`` (average survey), ``estimate``/``lower``/``upper`` (one survey).
    """
    out = selection.simulate(strength, survey_size=int(round(survey_size)), **settings)
    return {key: round(out[key], DIGITS) for key in ("truth", "expected", "estimate", "lower", "upper")}


def selection_grid(sliders: Sequence[twin.Slider] = SELECTION_SLIDERS, **settings: float) -> pd.DataFrame:
    """The selection twin's grid: :func:`selection_row` at every slider setting."""
    return twin.precompute(lambda **kw: selection_row(**kw, **settings), sliders)


def selection_chart(data: pd.DataFrame, sliders: Sequence[twin.Slider] | None = None) -> alt.TopLevelMixin:
    """The truth, the average self-selected survey, and one survey with its 95% interval.

    ``data`` has the columns of :func:`selection_row` plus ``strength`` and ``survey_size``.
    """
    chart = alt.Chart(data)
    if sliders:
        chart = twin.bind(chart, sliders)
    chart = chart.transform_calculate(
        gap="datum.expected - datum.truth",
        etext="format(datum.estimate, '.1%') + ' (' + format(datum.lower, '.1%') + ' to ' + format(datum.upper, '.1%') + ')'",
        ttext="format(datum.truth, '.1%')",
        xtext="format(datum.expected, '.1%') + ': bias ' + format(datum.expected - datum.truth, '+.1%')",
        head="'Selection strength ' + format(datum.strength, '.1f') + ', ' + datum.survey_size + ' respondents'",
    )
    x_scale = alt.Scale(domain=[0.5, 1])
    x_axis = alt.Axis(format=_PERCENT, title="Share reporting a good outcome")
    rows = [("The truth (everyone)", "truth", None, None, "ttext", charts.PALETTE[2]),
            ("Average of many surveys", "expected", None, None, "xtext", charts.PALETTE[1]),
            ("One survey (95% interval)", "estimate", "lower", "upper", "etext", charts.PALETTE[0])]
    layers = [chart.mark_rule(strokeDash=[4, 3], color=charts.PALETTE[2]).encode(
        x=alt.X("truth:Q", scale=x_scale, axis=x_axis))]
    for label, value, lo, hi, txt, colour in rows:
        y = alt.YDatum(label, type="nominal", title=None)
        if lo:
            layers.append(chart.mark_rule(strokeWidth=5, color=colour).encode(
                x=f"{lo}:Q", x2=f"{hi}:Q", y=y))
        layers.append(chart.mark_point(filled=True, size=140, color=colour).encode(
            x=f"{value}:Q", y=y, tooltip=[alt.Tooltip(f"{txt}:N", title=label)]))
        layers.append(chart.mark_text(dy=-16, color=charts.INK).encode(x=f"{value}:Q", y=y,
                                                                        text=f"{txt}:N"))
    layers.append(chart.mark_text(dy=-28, color=charts.INK, fontWeight=600).encode(
        x=alt.value(260), y=alt.value(0), text="head:N"))
    return alt.layer(*layers).properties(height=200)


def bias_curve_chart(curve: pd.DataFrame) -> alt.TopLevelMixin:
    """The truth, the average self-selected survey and one survey's interval as selection strengthens.

    ``curve`` is :func:`phb.selection.bias_curve` output.
    """
    data = curve[["strength", "truth", "expected", "estimate", "lower", "upper"]].copy()
    long = data.melt(id_vars=["strength"], value_vars=["truth", "expected"],
                     var_name="what", value_name="share")
    long["what"] = long["what"].map({"truth": "The truth (everyone)",
                                     "expected": "Average of many surveys"})
    x = alt.X("strength:Q", title="Selection strength (0 = everyone equally likely to answer)")
    y_scale = alt.Scale(domain=[0.5, 1])
    lines = alt.Chart(long).mark_line().encode(
        x=x, y=alt.Y("share:Q", scale=y_scale, axis=alt.Axis(format=_PERCENT),
                     title="Share reporting a good outcome"),
        color=alt.Color("what:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["The truth (everyone)", "Average of many surveys",
                                                "One survey (95% interval)"],
                                        range=[charts.PALETTE[2], charts.PALETTE[1], charts.PALETTE[0]])),
        strokeDash=alt.condition("datum.what == 'The truth (everyone)'", alt.value([6, 4]),
                                 alt.value([1, 0])),
        tooltip=[alt.Tooltip("what:N", title="Line"), alt.Tooltip("strength:Q", title="Strength"),
                 alt.Tooltip("share:Q", format=_PERCENT1, title="Share")],
    )
    data["what"] = "One survey (95% interval)"
    bars = alt.Chart(data).mark_rule(opacity=0.6).encode(x=x, y="lower:Q", y2="upper:Q",
                                                          color="what:N")
    dots = alt.Chart(data).mark_point(filled=True, size=30).encode(
        x=x, y="estimate:Q", color="what:N",
        tooltip=[alt.Tooltip("strength:Q", title="Strength"),
                 alt.Tooltip("estimate:Q", format=_PERCENT1, title="One survey"),
                 alt.Tooltip("lower:Q", format=_PERCENT1, title="Interval from"),
                 alt.Tooltip("upper:Q", format=_PERCENT1, title="Interval to")])
    return alt.layer(bars, dots, lines)
