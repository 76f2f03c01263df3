"""Compare in SQL: the two largest groups of a case attribute, KPIs side by side, edges and variants.

As `analysis.compare_by`: the larger group is A, differences are B minus A, shares are
fractions of each side's cases; edges and variants rank by the size of the share difference.
"""

from __future__ import annotations

from procmine.analysis.compare import KPIS, kpi_table
from procmine.errors import FilterError
from procmine.sqlforms import overview
from procmine.sqlforms.common import CASE_RUNS_CTE, EVENTS_CTE, MICROS, STEPS_CTE, identifier, split_sequence


def groups_statement(attribute: str) -> str:
    name = identifier(attribute)
    return f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}
SELECT CAST(c.{name} AS VARCHAR) AS value, count(*) AS cases
FROM case_runs r JOIN cases c ON c.case_id = r.case_id WHERE c.{name} IS NOT NULL
GROUP BY 1 ORDER BY cases DESC, value"""


def sides_cte(attribute: str) -> str:
    """Each case of the two compared groups with its side, 'a' or 'b' (values bound as $value_a/$value_b)."""
    name = identifier(attribute)
    return f"""sides AS (
    SELECT r.case_index, CASE WHEN CAST(c.{name} AS VARCHAR) = $value_a THEN 'a' ELSE 'b' END AS side
    FROM case_runs r JOIN cases c ON c.case_id = r.case_id
    WHERE CAST(c.{name} AS VARCHAR) IN ($value_a, $value_b)),
side_cases AS (SELECT side, count(*) AS n FROM sides GROUP BY side)"""


def _differences(per_side: str, keys: tuple[str, ...], median: str, median_difference: bool) -> str:
    on = " AND ".join(f"a.{k} = b.{k}" for k in keys)
    difference = f",\n       b.median - a.median AS {median.format(side='difference')}" if median_difference else ""
    chosen = ", ".join(f"coalesce(a.{k}, b.{k}) AS {k}" for k in keys)
    return f"""
per_side AS ({per_side}),
a AS (SELECT * FROM per_side WHERE side = 'a'),
b AS (SELECT * FROM per_side WHERE side = 'b')
SELECT {chosen}, coalesce(a.share, 0.0) AS share_a, coalesce(b.share, 0.0) AS share_b,
       a.median AS {median.format(side="a")}, b.median AS {median.format(side="b")},
       coalesce(b.share, 0.0) - coalesce(a.share, 0.0) AS share_difference{difference}
FROM a FULL OUTER JOIN b ON {on}
ORDER BY abs(coalesce(b.share, 0.0) - coalesce(a.share, 0.0)) DESC, {", ".join(keys)}"""


def edges_statement(attribute: str) -> str:
    per_side = f"""SELECT sd.side, st.source, st.target,
           count(DISTINCT st.case_index) / min(n.n) AS share, quantile_cont(st.wait, 0.5) / {MICROS} AS median
    FROM steps st JOIN sides sd ON sd.case_index = st.case_index JOIN side_cases n ON n.side = sd.side
    WHERE st.target IS NOT NULL GROUP BY sd.side, st.source, st.target"""
    return (f"WITH {EVENTS_CTE}, {CASE_RUNS_CTE}, {sides_cte(attribute)}, {STEPS_CTE},"
            + _differences(per_side, ("source", "target"), "median_{side}_seconds", True))


def variants_statement(attribute: str) -> str:
    per_side = f"""SELECT sd.side, r.sequence, count(*) / min(n.n) AS share,
           quantile_cont(r.duration, 0.5) / {MICROS} AS median
    FROM case_runs r JOIN sides sd ON sd.case_index = r.case_index JOIN side_cases n ON n.side = sd.side
    GROUP BY sd.side, r.sequence"""
    return (f"WITH {EVENTS_CTE}, {CASE_RUNS_CTE}, {sides_cte(attribute)},"
            + _differences(per_side, ("sequence",), "median_throughput_{side}_seconds", False))


def compute(engine, attribute: str, meta: dict) -> dict:
    """labels, kpis (metric, a, b, difference, relative_difference), edges and variants."""
    groups = engine.query(groups_statement(attribute))
    if len(groups) < 2:
        raise FilterError(f"Case attribute {attribute!r} has {len(groups)} value(s) in the log; "
                          "comparing needs two. Group by another attribute or compare two filters.")
    value_a, value_b = groups["value"].iloc[0], groups["value"].iloc[1]
    values = {"value_a": value_a, "value_b": value_b}
    rule = overview.open_rule(engine, meta)
    sides = engine.query(overview.statement(rule, sides_cte(attribute)), values).set_index("side")
    kpis = kpi_table({m: sides.loc["a", m] for m in KPIS}, {m: sides.loc["b", m] for m in KPIS})
    found = engine.query(variants_statement(attribute), values)
    found.insert(0, "activities", [split_sequence(text) for text in found.pop("sequence")])
    return {"labels": (f"{attribute}={value_a}", f"{attribute}={value_b}"), "kpis": kpis,
            "edges": engine.query(edges_statement(attribute), values), "variants": found}
