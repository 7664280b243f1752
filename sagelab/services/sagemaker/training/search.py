"""Search(Resource=TrainingJob): flat filters on a few properties, joined by And or Or.

Supported: `TrainingJobName`, `TrainingJobStatus`, `CreationTime`, with Equals, NotEquals,
Contains and the four comparisons; anything else answers 501 naming it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.store.tables import sm_resources

PROPERTIES = ("TrainingJobName", "TrainingJobStatus", "CreationTime")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "NotEquals": operator.ne,
    "GreaterThan": operator.gt,
    "GreaterThanOrEqualTo": operator.ge,
    "LessThan": operator.lt,
    "LessThanOrEqualTo": operator.le,
    "Contains": lambda have, want: str(want) in str(have),
}


def _time(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError as err:
        raise SageMakerValidation(message=f"Invalid value '{text}' for CreationTime") from err


Predicate = Callable[[dict[str, Any]], bool]


def _predicate(f: dict[str, Any]) -> Predicate:
    name, op = f["Name"], f.get("Operator", "Equals")
    if name not in PROPERTIES:
        raise NotImplementedByUs(message=f"Search filter on {name} is not implemented by sagelab")
    if op not in _OPERATORS:
        raise NotImplementedByUs(message=f"Search operator {op} is not implemented by sagelab")
    compare = _OPERATORS[op]
    want: Any = _time(f.get("Value", "")) if name == "CreationTime" else f.get("Value", "")
    return lambda doc: name in doc and compare(doc[name], want)


def matcher(expression: dict[str, Any] | None) -> Predicate:
    if not expression:
        return lambda doc: True
    for member in ("NestedFilters", "SubExpressions"):
        if expression.get(member):
            raise NotImplementedByUs(
                message=f"SearchExpression.{member} is not implemented by sagelab"
            )
    tests = [_predicate(f) for f in expression.get("Filters", [])]
    combine = any if expression.get("Operator") == "Or" else all
    return lambda doc: combine(t(doc) for t in tests)


def search(
    conn: Connection,
    where: resources.Scope,
    expression: dict[str, Any] | None,
    sort_by: str | None,
    descending: bool,
) -> list[dict[str, Any]]:
    """Every matching job's document, with its tags, sorted."""
    keep = matcher(expression)
    rows = conn.execute(
        select(sm_resources).where(
            sm_resources.c.kind == where.kind,
            sm_resources.c.account_id == where.account_id,
            sm_resources.c.region == where.region,
        )
    )
    found = [{**row.doc, "Tags": list(row.tags or [])} for row in rows if keep(row.doc)]
    key = sort_by or "CreationTime"
    found.sort(key=lambda d: (key in d, d.get(key, "")), reverse=descending)
    return found
