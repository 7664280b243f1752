"""Notebook instance lifecycle configurations: OnCreate and OnStart shell scripts, kept as the
API carries them (base64 `Content`, at most one hook of each kind)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.notebooks import rows

KIND = "notebook-instance-lifecycle-config"
HOOKS = ("OnCreate", "OnStart")


def scope(account: str, region: str) -> resources.Scope:
    return resources.Scope(KIND, account, region)


def arn_of(where: resources.Scope, name: str) -> str:
    return arns.sagemaker(where.region, where.account_id, KIND, name)


def check_hooks(hooks: dict[str, list[dict[str, str]] | None]) -> None:
    for hook, scripts in hooks.items():
        for script in scripts or []:
            try:
                base64.b64decode(script["Content"], validate=True)
            except (binascii.Error, ValueError) as err:
                raise SageMakerValidation(
                    message=f"{hook} content must be a base64-encoded script: {err}"
                ) from None


def script(doc: dict[str, Any], hook: str) -> bytes | None:
    """The decoded script of one hook, or None when the configuration has none."""
    scripts = doc.get(hook) or []
    return base64.b64decode(scripts[0]["Content"]) if scripts else None


def require(conn: Connection, where: resources.Scope, name: str, verb: str) -> resources.Resource:
    found = resources.find(conn, where, name)
    if found is None:
        raise SageMakerValidation(
            message=f"Unable to {verb} Notebook Instance Lifecycle Config "
            f"'{arn_of(where, name)}'. (Details: Notebook Instance Lifecycle Config does not "
            "exist.)"
        )
    return found


def require_for_instance(conn: Connection, where: resources.Scope, name: str) -> None:
    if resources.find(conn, where, name) is None:
        raise SageMakerValidation(
            message=f"Notebook Instance Lifecycle Config '{arn_of(where, name)}' does not exist."
        )


def create(
    conn: Connection,
    where: resources.Scope,
    name: str,
    hooks: dict[str, list[dict[str, str]] | None],
    now: float,
) -> str:
    arn = arn_of(where, name)
    if resources.find(conn, where, name) is not None:
        raise SageMakerValidation(
            message=f"Unable to create Notebook Instance Lifecycle Config {arn}. (Details: "
            "Notebook Instance Lifecycle Config already exists.)"
        )
    doc = {
        "NotebookInstanceLifecycleConfigArn": arn,
        "NotebookInstanceLifecycleConfigName": name,
        "CreationTime": now,
        "LastModifiedTime": now,
        **{hook: scripts for hook, scripts in hooks.items() if scripts},
    }
    rows.insert_row(conn, where, name, arn, now, {"doc": doc})
    return arn


def update(
    conn: Connection,
    where: resources.Scope,
    name: str,
    hooks: dict[str, list[dict[str, str]] | None],
    now: float,
) -> None:
    """Hooks not given are left as they are; an empty list removes one."""
    found = require(conn, where, name, "update")
    doc = {**found.doc, "LastModifiedTime": now}
    for hook, scripts in hooks.items():
        if scripts is None:
            continue
        if scripts:
            doc[hook] = scripts
        else:
            doc.pop(hook, None)
    rows.update_row(conn, where, name, doc=doc, modified_at=now)


def summary(res: resources.Resource) -> dict[str, Any]:
    return {
        "NotebookInstanceLifecycleConfigName": res.name,
        "NotebookInstanceLifecycleConfigArn": res.arn,
        "CreationTime": res.created_at,
        "LastModifiedTime": res.modified_at,
    }
