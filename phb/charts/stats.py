"""Charts for "How sure can we be?": survey figures with their intervals, and the self-selection model.

Each chart spec is written once here and used by the chapter, the live explorer (widgets/stats.py)
and the kernel-free twin: a builder takes the rows a model produced and, optionally, the twin's
sliders, which it binds so that the browser filters a precomputed grid.

Twin grids use short column names and values rounded to 4 decimal places: every row ships inside
the page, so a smaller grid is a faster page.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from phb import twin
from phb.charts import theme
from phb.models import selection, stats

#: Digits kept in twin grids (a hundredth of a percentage point: far below what a reader can see).
DIGITS = 4

# ---------------------------------------------------------------------------------------- sliders
#: The twin's sliders for the interval explorer: sample size and observed share. The default
#: sample size is the 2014 POET survey's 129 budget holders, snapped to the slider's step (130).
N_SLIDER = twin.Slider("n", "Sample size (people who answered)", 10, 300, 10, default=130)
SHARE_SLIDER = twin.Slider("share", "Observed share", 0, 1, 0.05, default=0.85)
INTERVAL_SLIDERS = (N_SLIDER, SHARE_SLIDER)

#: The twin's sliders for the self-selection explorer.
STRENGTH_SLIDER = twin.Slider("strength", "Selection strength", 0, 2, 0.2, default=selection.STRENGTH)
SURVEY_SLIDER = twin.Slider("survey_size", "Survey size (respondents)", 50, 1000, 50, default=150)
SELECTION_SLIDERS = (STRENGTH_SLIDER, SURVEY_SLIDER)

#: The selection explorer's three rows, top to bottom.
SELECTION_ROWS = ("The truth (everyone)", "Average of many surveys", "One survey (95% interval)")

#: The two interval methods as the charts name them (Wilson first: the book's default).
METHOD_NAMES = ("Wilson score", "Clopper–Pearson (exact)")

_PERCENT = ".0%"
_PERCENT1 = ".1%"


def compact(grid: pd.DataFrame) -> alt.InlineData:
    """A twin grid as inline CSV with every column parsed as a number.

    JSON rows repeat every column name in every row; CSV names them once, which makes a twin's
    page several times smaller. The browser parses it back to the same numbers.
    """
    grid = grid.copy()
    for column in grid.columns:  # 130.0 -> 130: whole numbers without a decimal point
        if np.issubdtype(grid[column].dtype, np.floating) and (grid[column] % 1 == 0).all():
            grid[column] = grid[column].astype(int)
    return alt.InlineData(
        values=grid.to_csv(index=False, lineterminator="\n"),
        format=alt.DataFormat(type="csv", parse={c: "number" for c in grid.columns}),
    )


def _pct(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.1%}"


# ---------------------------------------------------------------------------------------- headline figures
def headline_readable(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table as a reader sees it: words and percentages, no internal columns."""
    return pd.DataFrame(
        {
            "Figure": table["label"],
            "Survey": table["survey"],
            "As reported": table["statement"],
            "Sample size": [("not published" if pd.isna(n) else f"{int(n):,}") for n in table["n"]],
            "Counts that fit": table["counts"],
            "Lowest population share (95%)": [_pct(v) for v in table["lower"]],
            "Highest population share (95%)": [_pct(v) for v in table["upper"]],
        }
    )


def _n_text(n: object, why: object) -> str:
    if not pd.isna(n):
        return f"n = {int(n):,}"
    return "not a count" if isinstance(why, str) and "not a count" in why else "n unknown"


def headline_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Each headline figure as the range of population shares it allows, its sample size in its label.

    ``table`` is :func:`phb.models.stats.interval_table` output with a ``survey`` column. For each row the
    thin line is the widest 95% Wilson interval the reported figure allows; the thick bar is the
    range of shares the survey itself could have observed ("more than 80%" of 129 people: 80.6% to
    100%). Rows whose sample size is unpublished, or whose figure no count can produce, carry no
    line: a note in the row says why.
    """
    data = table.copy()
    data["order"] = np.arange(len(data))
    data["row"] = [f"{label} ({_n_text(n, c)})" for label, n, c in zip(data["label"], data["n"], data["counts"])]
    data["note"] = [
        "" if p is True else (f"{s}: no whole number of {int(n):,} gives this" if p is False else f"{s}: {c}")
        for s, c, p, n in zip(data["statement"], data["counts"], data["possible"], data["n"])
    ]
    data["interval"] = ["" if pd.isna(lo) else f"{lo:.1%} to {hi:.1%}" for lo, hi in zip(data["lower"], data["upper"])]
    data["seen"] = [
        "" if pd.isna(lo) else (f"{lo:.1%}" if lo == hi else f"{lo:.1%} to {hi:.1%}")
        for lo, hi in zip(data["share_low"], data["share_high"])
    ]
    data = data[
        ["row", "survey", "order", "note", "interval", "seen", "statement", "share_low", "share_high", "lower", "upper"]
    ]
    y = alt.Y("row:N", sort=alt.EncodingSortField("order"), title=None, axis=alt.Axis(labelLimit=300, labelFontSize=11))
    # Colour only the surveys that have something drawn (the palette has seven colours).
    surveys = list(dict.fromkeys(data.loc[data["share_low"].notna(), "survey"]))
    colour = theme.category_colour("survey", surveys, "Survey", alt.Legend(orient="bottom", columns=2, labelLimit=200))
    tooltip = [
        alt.Tooltip("row:N", title="Figure"),
        alt.Tooltip("statement:N", title="Reported"),
        alt.Tooltip("seen:N", title="Survey could have seen"),
        alt.Tooltip("interval:N", title="Population share (95%)"),
    ]
    base = alt.Chart(data).encode(y=y)
    x = alt.X("lower:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=_PERCENT), title="Share of people")
    interval = base.mark_rule(strokeWidth=2).encode(x=x, x2="upper:Q", color=colour, tooltip=tooltip)
    observed = base.mark_bar(height=10).encode(x="share_low:Q", x2="share_high:Q", color=colour, tooltip=tooltip)
    # A bar from a share to itself has no width: a tick marks single-count figures too.
    tick = base.mark_tick(thickness=3, size=16).encode(x="share_low:Q", color=colour, tooltip=tooltip)
    note = base.mark_text(align="left", baseline="middle", fontStyle="italic", fontSize=11).encode(
        x=alt.value(4), text="note:N"
    )
    return alt.layer(interval, observed, tick, note).properties(width=270)


# ---------------------------------------------------------------------------------------- width by n
def width_chart(frame: pd.DataFrame, marks: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    """The Wilson interval around one observed share as the sample grows (log scale of n).

    ``frame`` is :func:`phb.models.stats.width_by_n` output; ``marks`` (optional, columns ``n``, ``label``,
    ``lower``, ``upper``) places the book's surveys on the curve, labelled in a staircase so that
    neighbouring sizes do not overprint.
    """
    data = frame[["n", "estimate", "lower", "upper"]].copy()
    x = alt.X(
        "n:Q",
        scale=alt.Scale(type="log", nice=False, domain=[float(data["n"].min()), float(data["n"].max())]),
        title="Sample size (log scale)",
    )
    y_scale = alt.Scale(domain=[0, 1])
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.3)
        .encode(
            x=x,
            y=alt.Y(
                "lower:Q", scale=y_scale, axis=alt.Axis(format=_PERCENT), title="Population share (95% Wilson interval)"
            ),
            y2="upper:Q",
            tooltip=[
                alt.Tooltip("n:Q", title="Sample size"),
                alt.Tooltip("lower:Q", format=_PERCENT1, title="Lower"),
                alt.Tooltip("upper:Q", format=_PERCENT1, title="Upper"),
            ],
        )
    )
    line = alt.Chart(data).mark_line().encode(x=x, y="estimate:Q")
    layers = [band, line]
    if marks is not None and len(marks):
        m = marks.sort_values("n").reset_index(drop=True)
        m["label_y"] = 0.97 - 0.065 * np.arange(len(m))
        tip = [
            alt.Tooltip("label:N", title="Survey"),
            alt.Tooltip("n:Q", title="Sample size"),
            alt.Tooltip("lower:Q", format=_PERCENT1, title="Lower"),
            alt.Tooltip("upper:Q", format=_PERCENT1, title="Upper"),
        ]
        layers.append(
            alt.Chart(m)
            .mark_rule(strokeWidth=2, color=theme.PALETTE[1])
            .encode(x="n:Q", y="lower:Q", y2="upper:Q", tooltip=tip)
        )
        layers.append(
            alt.Chart(m)
            .mark_rule(strokeDash=[2, 3], color=theme.PALETTE[1])
            .encode(x="n:Q", y="upper:Q", y2="label_y:Q")
        )
        # Labels run right of their line, except near the right edge, where they run left.
        edge = float(np.sqrt(data["n"].min() * data["n"].max()) * 3)
        for side, keep, dx in (("left", m["n"] < edge, 4), ("right", m["n"] >= edge, -4)):
            if keep.any():
                layers.append(
                    alt.Chart(m[keep])
                    .mark_text(align=side, dx=dx, color=theme.INK)
                    .encode(x="n:Q", y="label_y:Q", text="label:N", tooltip=tip)
                )
    return alt.layer(*layers)


# ---------------------------------------------------------------------------------------- interval explorer
def interval_row(n: float, share: float) -> dict[str, float]:
    """One twin-grid row: both intervals for ``share`` of ``n`` (wide, short names, rounded).

    Columns: ``k`` (the count), ``wl``/``wu`` (Wilson lower/upper), ``cl``/``cu``
    (Clopper–Pearson lower/upper). Built from :func:`phb.models.stats.share_interval`, the model
    the live explorer calls through :func:`phb.models.stats.interval_scenario`.
    """
    count = int(round(n))
    wilson = stats.share_interval(float(share), count, "wilson")
    exact = stats.share_interval(float(share), count, "clopper-pearson")
    return {
        "k": int(wilson.successes),
        "wl": round(float(wilson.lower), DIGITS),
        "wu": round(float(wilson.upper), DIGITS),
        "cl": round(float(exact.lower), DIGITS),
        "cu": round(float(exact.upper), DIGITS),
    }


def interval_grid(sliders: Sequence[twin.Slider] = INTERVAL_SLIDERS) -> pd.DataFrame:
    """The interval twin's grid: :func:`interval_row` at every slider setting (a fresh copy)."""
    return _interval_grid(tuple(sliders)).copy()


@lru_cache(maxsize=4)
def _interval_grid(sliders: tuple[twin.Slider, ...]) -> pd.DataFrame:
    """Cached: the grid depends only on the sliders, and is built wherever chapter 9 runs (1,260 intervals)."""
    return twin.precompute(interval_row, sliders)


def _heading(chart: alt.Chart) -> alt.Chart:
    """A twin's heading (its ``head`` field: what the sliders are set to), in bold at the plot's
    top left, its bottom just above the plot: wrapped onto several lines on a phone, it grows
    upwards (book_assets/phb-charts.js raises the lines), not over the plot's first row."""
    return chart.mark_text(dy=-6, align="left", baseline="bottom", color=theme.INK, fontWeight=600).encode(
        x=alt.value(0), y=alt.value(0), text="head:N"
    )


def interval_chart(data: pd.DataFrame, sliders: Sequence[twin.Slider] | None = None) -> alt.TopLevelMixin:
    """Wilson and Clopper–Pearson intervals for the chosen sample size and share, on one 0–100% axis.

    ``data`` has the columns of :func:`interval_row` plus ``n`` and ``share``: one row for the live
    explorer, or the whole grid with ``sliders`` for the twin (which then shows the selected row,
    and ships the grid as compact CSV).
    """
    chart = alt.Chart(compact(data) if sliders else data)
    if sliders:
        chart = twin.bind(chart, sliders)
    wilson, exact = METHOD_NAMES
    # One row per setting holds both intervals; fold it into one row per method so that a single
    # set of marks draws both.
    chart = chart.transform_fold(["wl", "cl"], as_=["m", "lo"]).transform_calculate(
        hi="datum.m == 'wl' ? datum.wu : datum.cu",
        method=f"datum.m == 'wl' ? '{wilson}' : '{exact}'",
        est="datum.k / datum.n",
        text="format(datum.lo, '.1%') + ' to ' + format(datum.m == 'wl' ? datum.wu : datum.cu, '.1%')",
        head="datum.k + ' of ' + datum.n + ' people (' + format(datum.k / datum.n, '.1%') + ')'",
    )
    y = alt.Y("method:N", title=None, sort=list(METHOD_NAMES))
    colour = alt.Color(
        "method:N", legend=None, scale=alt.Scale(domain=list(METHOD_NAMES), range=[theme.PALETTE[0], theme.PALETTE[1]])
    )
    x = alt.X(
        "lo:Q",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format=_PERCENT, title="Share of the population (95% confidence interval)"),
    )
    rule = chart.mark_rule(strokeWidth=6).encode(
        x=x,
        x2="hi:Q",
        y=y,
        color=colour,
        tooltip=[alt.Tooltip("method:N", title="Method"), alt.Tooltip("text:N", title="Interval")],
    )
    dot = chart.mark_point(filled=True, size=120, color=theme.INK).encode(x="est:Q", y=y)
    label = chart.mark_text(dy=-16, color=theme.INK).encode(x="est:Q", y=y, text="text:N")
    head = _heading(chart.transform_filter("datum.m == 'wl'"))
    return alt.layer(rule, dot, label, head).properties(height=160, width=440)


# ---------------------------------------------------------------------------------------- selection explorer
def selection_row(strength: float, survey_size: float, **settings: float) -> dict[str, float]:
    """One twin-grid row: :func:`phb.models.selection.simulate` at this setting (short names, rounded).

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
    chart = alt.Chart(compact(data) if sliders else data)
    if sliders:
        chart = twin.bind(chart, sliders)
    truth, average, one = SELECTION_ROWS
    chart = chart.transform_fold(["truth", "expected", "estimate"], as_=["w", "v"]).transform_calculate(
        row=f"datum.w == 'truth' ? '{truth}' : datum.w == 'expected' ? '{average}' : '{one}'",
        text=(
            "datum.w == 'truth' ? format(datum.truth, '.1%') : datum.w == 'expected' ? "
            "format(datum.expected, '.1%') + ': bias ' + "
            "format(100 * (datum.expected - datum.truth), '+.1f') + ' points' : "
            "format(datum.estimate, '.1%') + ' (' + format(datum.lower, '.1%') + ' to ' + "
            "format(datum.upper, '.1%') + ')'"
        ),
        head=("'Selection strength ' + format(datum.strength, '.1f') + ', ' + datum.survey_size + ' respondents'"),
    )
    y = alt.Y("row:N", title=None, sort=list(SELECTION_ROWS))
    colour = alt.Color(
        "row:N",
        legend=None,
        scale=alt.Scale(domain=list(SELECTION_ROWS), range=[theme.PALETTE[2], theme.PALETTE[1], theme.PALETTE[0]]),
    )
    x = alt.X(
        "v:Q", scale=alt.Scale(domain=[0.5, 1]), axis=alt.Axis(format=_PERCENT, title="Share reporting a good outcome")
    )
    truth_line = (
        chart.transform_filter("datum.w == 'truth'").mark_rule(strokeDash=[4, 3], color=theme.PALETTE[2]).encode(x=x)
    )
    interval = (
        chart.transform_filter("datum.w == 'estimate'")
        .mark_rule(strokeWidth=5)
        .encode(x=alt.X("lower:Q"), x2="upper:Q", y=y, color=colour)
    )
    dot = chart.mark_point(filled=True, size=140, opacity=1).encode(
        x=x, y=y, color=colour, tooltip=[alt.Tooltip("row:N", title="What"), alt.Tooltip("text:N", title="Share")]
    )
    label = chart.mark_text(dy=-16, color=theme.INK).encode(x=x, y=y, text="text:N")
    head = _heading(chart.transform_filter("datum.w == 'truth'"))
    return alt.layer(truth_line, interval, dot, label, head).properties(height=200, width=420)


def bias_curve_chart(curve: pd.DataFrame) -> alt.TopLevelMixin:
    """The truth, the average self-selected survey and one survey's interval as selection strengthens.

    ``curve`` is :func:`phb.models.selection.bias_curve` output.
    """
    data = curve[["strength", "truth", "expected", "estimate", "lower", "upper"]].copy()
    long = data.melt(id_vars=["strength"], value_vars=["truth", "expected"], var_name="what", value_name="share")
    long["what"] = long["what"].map({"truth": "The truth (everyone)", "expected": "Average of many surveys"})
    x = alt.X("strength:Q", title="Selection strength (0 = everyone equally likely to answer)")
    y_scale = alt.Scale(domain=[0.5, 1])
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("share:Q", scale=y_scale, axis=alt.Axis(format=_PERCENT), title="Share reporting a good outcome"),
            color=alt.Color(
                "what:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(
                    domain=["The truth (everyone)", "Average of many surveys", "One survey (95% interval)"],
                    range=[theme.PALETTE[2], theme.PALETTE[1], theme.PALETTE[0]],
                ),
            ),
            strokeDash=alt.condition("datum.what == 'The truth (everyone)'", alt.value([6, 4]), alt.value([1, 0])),
            tooltip=[
                alt.Tooltip("what:N", title="Line"),
                alt.Tooltip("strength:Q", title="Strength"),
                alt.Tooltip("share:Q", format=_PERCENT1, title="Share"),
            ],
        )
    )
    data["what"] = "One survey (95% interval)"
    bars = (
        alt.Chart(data)
        .mark_rule(opacity=0.6)
        .encode(x=x, y=alt.Y("lower:Q", scale=y_scale), y2="upper:Q", color="what:N")
    )
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=30)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", scale=y_scale),
            color="what:N",
            tooltip=[
                alt.Tooltip("strength:Q", title="Strength"),
                alt.Tooltip("estimate:Q", format=_PERCENT1, title="One survey"),
                alt.Tooltip("lower:Q", format=_PERCENT1, title="Interval from"),
                alt.Tooltip("upper:Q", format=_PERCENT1, title="Interval to"),
            ],
        )
    )
    return alt.layer(bars, dots, lines)


# ---------------------------------------------------------------------------------------- the chapter's figures
#: The book's surveys, placed on the sample-size chart: (figure id of the sample size, label).
SURVEY_SIZES: tuple[tuple[str, str], ...] = (
    ("study2011_focus_group_n", "2011 focus groups"),
    ("study2011_survey_n", "2011 survey"),
    ("poet2014_holders_n", "POET 2014 holders"),
    ("poet2013_holders_n", "POET 2013 holders"),
    ("poet2015_holders_n", "POET 2015 holders"),
    ("nateval_sample_n", "Evaluation (both arms)"),
)


def headline_figure() -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The headline chart, described, and the table a reader sees beside it."""
    table = stats.headline_table()
    known = table[table["n_known"] & (table["possible"] == True)]  # noqa: E712
    widest = known.loc[(known["upper"] - known["lower"]).idxmax()]
    chart = theme.describe(
        headline_chart(table),
        title="What the headline survey figures allow, with the sample behind each",
        subtitle="Thick bar: shares the survey could have seen. Thin line: 95% interval for everyone.",
        description=(
            f"A dot-and-line chart of {len(table)} reported figures from the 2011 NHS Confederation "
            f"study, the POET surveys of 2013 to 2015 and the national evaluation, on a 0 to 100% "
            f"axis, each with its sample size written beside it. For {len(known)} figures the "
            f"sample is known and a 95% Wilson interval is drawn; the widest is "
            f"'{widest['label']}' ({widest['statement']}), from {widest['lower']:.0%} to "
            f"{widest['upper']:.0%}. {int((~table['n_known']).sum())} figures have no published "
            f"sample size or are not counts, and {int((table['possible'] == False).sum())} "  # noqa: E712
            "cannot be produced by any whole number of the stated sample; these have no line."
        ),
    )
    return chart, headline_readable(table)


def survey_marks() -> pd.DataFrame:
    """The book's survey sizes from data/, for :func:`width_chart`."""
    from phb.data import figure

    return pd.DataFrame([{"n": int(figure(i).value), "label": label} for i, label in SURVEY_SIZES])


def width_figure(share: float = 0.5) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """How the interval around ``share`` narrows from 10 to 3,000 people, with the book's surveys.

    The curve uses even sample sizes so that a half is a whole count; each survey's own interval
    uses its own size (the nearest whole count to ``share``).
    """
    marks = survey_marks()
    ns = np.unique(2 * np.round(np.geomspace(10, 3000, 60) / 2).astype(int))
    frame = stats.width_by_n(ns, share)
    own = stats.width_by_n(marks["n"].to_numpy(), share)
    marks = marks.assign(lower=own["lower"].to_numpy(), upper=own["upper"].to_numpy())
    first, last = frame.iloc[0], frame.iloc[-1]
    chart = theme.describe(
        width_chart(frame, marks),
        title=f"The 95% interval around {share:.0%} narrows slowly as samples grow",
        description=(
            f"A shaded band on a log scale of sample size: the Wilson interval around an observed "
            f"{share:.0%} is {first['lower']:.0%} to {first['upper']:.0%} with {int(first['n'])} "
            f"people and {last['lower']:.1%} to {last['upper']:.1%} with {int(last['n']):,}. "
            f"Orange lines mark the book's surveys: "
            + ", ".join(f"{r.label} ({r.n:,}, {r.lower:.0%} to {r.upper:.0%})" for r in marks.itertuples())
            + "."
        ),
    )
    table = pd.concat(
        [
            pd.DataFrame(
                {"Sample size": marks["n"], "Survey": marks["label"], "lower": marks["lower"], "upper": marks["upper"]}
            ),
            pd.DataFrame(
                {"Sample size": frame["n"], "Survey": "", "lower": frame["lower"], "upper": frame["upper"]}
            ).loc[lambda f: f["Sample size"].isin([10, 30, 100, 300, 1000, 3000])],
        ]
    ).sort_values("Sample size")
    table = pd.DataFrame(
        {
            "Sample size": table["Sample size"].to_numpy(),
            "Survey": table["Survey"].to_numpy(),
            "Lower (95%)": table["lower"].map(_pct).to_numpy(),
            "Upper (95%)": table["upper"].map(_pct).to_numpy(),
            "Width (points)": ((table["upper"] - table["lower"]) * 100).round(1).to_numpy(),
        }
    )
    return chart, table


def interval_twin() -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The kernel-free interval explorer: a chart over the precomputed grid, bound to two sliders."""
    grid = interval_grid()
    chart = theme.describe(
        interval_chart(grid, INTERVAL_SLIDERS),
        title="Move the sliders: 95% intervals for a share of a sample",
        description=(
            "Two horizontal intervals on a 0 to 100% axis, Wilson score above and Clopper–Pearson "
            "below, around a dot at the observed share, with the count written above. Two sliders "
            f"set the sample size ({N_SLIDER.minimum:g} to {N_SLIDER.maximum:g} people) and the "
            "observed share; both intervals shrink as the sample grows and are lopsided near 0% "
            "and 100%."
        ),
    )
    default = grid[np.isclose(grid["share"], SHARE_SLIDER.snap(SHARE_SLIDER.default))]
    table = pd.DataFrame(
        {
            "Sample size": default["n"].astype(int),
            "Count": default["k"],
            "Wilson lower": default["wl"].map(_pct),
            "Wilson upper": default["wu"].map(_pct),
            "Clopper–Pearson lower": default["cl"].map(_pct),
            "Clopper–Pearson upper": default["cu"].map(_pct),
        }
    )
    return chart, table


def selection_twin(**settings: float) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The kernel-free selection explorer: selection strength and survey size → bias."""
    grid = selection_grid(**settings)
    chart = theme.describe(
        selection_chart(grid, SELECTION_SLIDERS),
        title="Move the sliders: a self-selected survey against the truth",
        description=(
            "Three rows on a share axis: a green dot for the true share in the whole simulated "
            "population, an orange dot for the average self-selected survey, and a blue dot with "
            "its 95% interval for one survey. Sliders set the selection strength and the number "
            "of respondents; as selection strengthens the surveys move right of the truth, and a "
            "larger survey narrows the interval without moving it back."
        ),
    )
    at = grid[np.isclose(grid["survey_size"], SURVEY_SLIDER.snap(SURVEY_SLIDER.default))]
    table = pd.DataFrame(
        {
            "Selection strength": at["strength"],
            "Truth": at["truth"].map(_pct),
            "Average survey": at["expected"].map(_pct),
            "One survey": at["estimate"].map(_pct),
            "Interval from": at["lower"].map(_pct),
            "Interval to": at["upper"].map(_pct),
        }
    )
    return chart, table


def bias_figure(**settings: float) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The bias curve over selection strength, described, with its table."""
    curve = selection.bias_curve(**settings)
    last = curve.iloc[-1]
    chart = theme.describe(
        bias_curve_chart(curve),
        title="Stronger self-selection pulls the survey away from the truth",
        description=(
            f"Lines against selection strength from 0 to {last['strength']:g}: the truth stays flat "
            f"at {last['truth']:.0%}; the average self-selected survey climbs to "
            f"{last['expected']:.0%}. Dots with vertical lines show one survey of "
            f"{selection.SURVEY_SIZE} people at each strength with its 95% interval, which stops "
            "covering the truth once selection is moderate."
        ),
    )
    table = pd.DataFrame(
        {
            "Selection strength": curve["strength"],
            "Most engaged fifth's chance of answering, × least engaged": curve["engaged_ratio"].round(1),
            "Truth": curve["truth"].map(_pct),
            "Average survey": curve["expected"].map(_pct),
            "One survey": curve["estimate"].map(_pct),
            "Interval from": curve["lower"].map(_pct),
            "Interval to": curve["upper"].map(_pct),
        }
    )
    return chart, table
