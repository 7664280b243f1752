"""Notebook instance records: the Describe document in `sm_resources.doc`, what the user asked
for in `desired` (InService, Stopped or Deleted), and the transitions SageMaker allows.

API calls only check a transition and record the wish; the reconciler (`reconcile.py`) walks
the status there: Pending → InService → Stopping → Stopped → Pending …, Deleting, Failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.notebooks import rows
from sagelab.store.tables import sm_resources

KIND = "notebook-instance"
PENDING, IN_SERVICE, STOPPING, STOPPED = "Pending", "InService", "Stopping", "Stopped"
FAILED, DELETING = "Failed", "Deleting"
DELETED = "Deleted"  # a wish only: the record is gone once it is granted

# Members the Summary shows, drawn from the document.
_SUMMARY = (
    "NotebookInstanceName",
    "NotebookInstanceArn",
    "NotebookInstanceStatus",
    "Url",
    "InstanceType",
    "CreationTime",
    "LastModifiedTime",
    "NotebookInstanceLifecycleConfigName",
    "DefaultCodeRepository",
    "AdditionalCodeRepositories",
)


@dataclass(frozen=True)
class Instance:
    scope: resources.Scope
    name: str
    status: str
    doc: dict[str, Any]
    desired: str

    @property
    def arn(self) -> str:
        return str(self.doc["NotebookInstanceArn"])

    @property
    def key(self) -> tuple[str, str, str]:
        """(account, region, lower-cased name): how the runtime tables name it."""
        return (self.scope.account_id, self.scope.region, self.name.lower())


def scope(account: str, region: str) -> resources.Scope:
    return resources.Scope(KIND, account, region)


def not_found() -> SageMakerValidation:
    return SageMakerValidation(message="RecordNotFound")


def _from_row(row: Any) -> Instance:
    where = resources.Scope(row.kind, row.account_id, row.region)
    wish = (row.desired or {}).get("state", IN_SERVICE)
    return Instance(where, row.name, row.status, dict(row.doc), wish)


def find(conn: Connection, where: resources.Scope, name: str) -> Instance | None:
    row = conn.execute(
        select(sm_resources).where(
            sm_resources.c.kind == where.kind,
            sm_resources.c.account_id == where.account_id,
            sm_resources.c.region == where.region,
            sm_resources.c.name_key == name.lower(),
        )
    ).first()
    return None if row is None else _from_row(row)


def require(conn: Connection, where: resources.Scope, name: str) -> Instance:
    found = find(conn, where, name)
    if found is None:
        raise not_found()
    return found


def every(conn: Connection) -> list[Instance]:
    """Every instance of every account, oldest first: the reconciler's worklist."""
    query = select(sm_resources).where(sm_resources.c.kind == KIND)
    return [_from_row(r) for r in conn.execute(query.order_by(sm_resources.c.created_at))]


def insert_instance(
    conn: Connection, where: resources.Scope, doc: dict[str, Any], tags: list[dict[str, str]]
) -> None:
    name = doc["NotebookInstanceName"]
    values = {"doc": doc, "status": PENDING, "desired": {"state": IN_SERVICE}, "tags": tags}
    rows.insert_row(conn, where, name, doc["NotebookInstanceArn"], doc["CreationTime"], values)


def check_status(inst: Instance, allowed: Iterable[str], target: str) -> None:
    """SageMaker's refusal of a transition, worded as it words it."""
    allowed = tuple(allowed)
    if inst.status in allowed and inst.desired != DELETED:
        return
    raise SageMakerValidation(
        message=f"Status ({inst.status}) not in ([{', '.join(allowed)}]). Unable to transition "
        f"to ({target}) for Notebook Instance ({inst.arn})"
    )


def wish(conn: Connection, inst: Instance, state: str, now: float) -> None:
    """Record what the user asked for; the reconciler grants it."""
    doc = {**inst.doc, "LastModifiedTime": now}
    rows.update_row(conn, inst.scope, inst.name, desired={"state": state}, doc=doc, modified_at=now)


def amend(conn: Connection, inst: Instance, changes: dict[str, Any], now: float) -> None:
    """UpdateNotebookInstance: `changes` maps members to new values, None removing them."""
    doc = {**inst.doc, "LastModifiedTime": now}
    for member, value in changes.items():
        if value is None:
            doc.pop(member, None)
        else:
            doc[member] = value
    rows.update_row(conn, inst.scope, inst.name, doc=doc, modified_at=now)


def set_status(
    conn: Connection, inst: Instance, status: str, now: float, reason: str | None = None
) -> Instance:
    """The reconciler's write. A reason is kept only with Failed, as SageMaker shows it."""
    doc = {**inst.doc, "NotebookInstanceStatus": status, "LastModifiedTime": now}
    doc.pop("FailureReason", None)
    if reason is not None:
        doc["FailureReason"] = reason
    rows.update_row(conn, inst.scope, inst.name, status=status, doc=doc, modified_at=now)
    return Instance(inst.scope, inst.name, status, doc, inst.desired)


def describe(inst: Instance) -> dict[str, Any]:
    return dict(inst.doc)


def summary(res: resources.Resource) -> dict[str, Any]:
    return {k: res.doc[k] for k in _SUMMARY if res.doc.get(k) is not None}
