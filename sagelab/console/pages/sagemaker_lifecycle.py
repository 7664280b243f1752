"""Lifecycle configurations: the "Start notebook" and "Create notebook" shell scripts a
notebook instance runs, stored base64-encoded as the API wants them."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.responses import Response

from sagelab.console.pagekit import Crumb, PageContext, page, url
from sagelab.console.pages.sagemaker import BASE, Column, Listing, crumbs, listing_routes, render
from sagelab.gateway.errors import ServiceError

PATH = BASE + "/lifecycle-configurations"
TITLE = "Lifecycle configurations"
NAME = "NotebookInstanceLifecycleConfigName"
LISTING = Listing(
    title=TITLE,
    path=PATH,
    operation="ListNotebookInstanceLifecycleConfigs",
    items="NotebookInstanceLifecycleConfigs",
    name_key=NAME,
    columns=(
        Column("Name", NAME, "link"),
        Column("Creation time", "CreationTime", "when"),
        Column("Last modified", "LastModifiedTime", "when"),
    ),
    delete="DeleteNotebookInstanceLifecycleConfig",
    create=("Create configuration", PATH + "/create"),
)
FIRST_LINE = "#!/bin/bash\n\nset -e\n\n"


def _hook(script: str) -> list[dict[str, str]] | None:
    if not script.strip():
        return None
    return [{"Content": base64.b64encode(script.encode()).decode()}]


def _script(hooks: list[dict[str, Any]] | None) -> str:
    """The script as a person wrote it (the API holds it base64-encoded)."""
    if not hooks:
        return ""
    try:
        return base64.b64decode(hooks[0]["Content"]).decode("utf-8", "replace")
    except (binascii.Error, KeyError):
        return str(hooks[0].get("Content", ""))


def _form(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "lifecycle_create.html",
        title="Create lifecycle configuration",
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb("Create lifecycle configuration")),
        name=pc.field("name"),
        on_start=pc.field("on_start", FIRST_LINE),
        on_create=pc.field("on_create", FIRST_LINE),
        error=error,
    )


@page(PATH + "/create")
def lifecycle_create(pc: PageContext) -> Response:
    return _form(pc)


@page(PATH + "/create", methods=("POST",))
def lifecycle_create_submit(pc: PageContext) -> Response:
    name = pc.field("name").strip()
    # Browsers send a textarea's lines CRLF-separated; the scripts run under bash.
    scripts = {k: pc.field(k).replace("\r\n", "\n") for k in ("on_start", "on_create")}
    try:
        pc.call(
            "sagemaker",
            "CreateNotebookInstanceLifecycleConfig",
            NotebookInstanceLifecycleConfigName=name,
            OnStart=_hook(scripts["on_start"]) if scripts["on_start"] != FIRST_LINE else None,
            OnCreate=_hook(scripts["on_create"]) if scripts["on_create"] != FIRST_LINE else None,
        )
    except ServiceError as err:
        return _form(pc, err)
    return pc.redirect(url(f"{PATH}/{name}"), flash=f"Created lifecycle configuration {name}.")


@page(PATH + "/{name}")
def lifecycle_detail(pc: PageContext) -> Response:
    config = pc.call(
        "sagemaker",
        "DescribeNotebookInstanceLifecycleConfig",
        NotebookInstanceLifecycleConfigName=pc.path_param("name"),
    )
    name = config[NAME]
    return render(
        pc,
        "lifecycle_detail.html",
        title=name,
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb(name)),
        config=config,
        on_start=_script(config.get("OnStart")),
        on_create=_script(config.get("OnCreate")),
    )


ROUTES = [
    *listing_routes(LISTING, "lifecycle"),
    lifecycle_create,
    lifecycle_create_submit,
    lifecycle_detail,
]
