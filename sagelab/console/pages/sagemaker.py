"""Amazon SageMaker in the console: the menu entry, the sidebar of AWS's classic SageMaker
console, and the listing machinery every resource page shares (one API page per console
page, the API's own NextToken, delete of the selected row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from sagelab.console.listing import SAGEMAKER, console_page
from sagelab.console.pagekit import Crumb, MenuEntry, PageContext, page, url
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.models import service_model

BASE = "/sagemaker"
# Left-hand navigation: (section, [(label, path)]), in the order AWS shows them.
SIDEBAR: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Notebook",
        (
            ("Notebook instances", BASE + "/notebook-instances"),
            ("Lifecycle configurations", BASE + "/lifecycle-configurations"),
        ),
    ),
    ("Training", (("Training jobs", BASE + "/training-jobs"),)),
    (
        "Inference",
        (
            ("Models", BASE + "/models"),
            ("Endpoint configurations", BASE + "/endpoint-configs"),
            ("Endpoints", BASE + "/endpoints"),
            ("Batch transform jobs", BASE + "/transform-jobs"),
        ),
    ),
)
EMPTY = "There are currently no resources."


def crumbs(*trail: Crumb) -> list[Crumb]:
    return [Crumb("Amazon SageMaker", url(BASE + "/notebook-instances")), *trail]


def enum(shape: str) -> list[str]:
    """A SageMaker enumeration as the API model lists it (instance types, statuses)."""
    return list(service_model("sagemaker").shape_for(shape).enum)


def render(pc: PageContext, template: str, *, title: str, **values: Any) -> Response:
    """A SageMaker page: the sidebar knows which entry is current."""
    return pc.render(
        f"sagemaker/{template}", title=title, sidebar=SIDEBAR, sm_base=url(BASE), **values
    )


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # "link" (the resource's detail page), "when", "badge"


@dataclass(frozen=True)
class Listing:
    """A resource list page: which List operation fills it and how its rows read."""

    title: str
    path: str
    operation: str
    items: str
    name_key: str
    columns: tuple[Column, ...]
    delete: str | None = None  # the Delete operation, given `name_key`=<selected>
    statuses: tuple[str, ...] = ()  # the StatusEquals filter's choices
    create: tuple[str, str] | None = None  # (button label, path)
    extra: dict[str, Any] = field(default_factory=dict)  # fixed List parameters


def list_page(pc: PageContext, listing: Listing, error: ServiceError | None = None) -> Response:
    status = pc.query("status")
    return render(
        pc,
        "list.html",
        title=listing.title,
        crumbs=crumbs(Crumb(listing.title)),
        listing=listing,
        **console_page(
            pc,
            SAGEMAKER,
            listing.operation,
            listing.items,
            StatusEquals=status if listing.statuses and status else None,
            **listing.extra,
        ),
        status_filter=status,
        base=url(listing.path) + (f"?status={status}" if status else ""),
        empty=EMPTY,
        error=error,
    )


def delete_selected(pc: PageContext, listing: Listing) -> Response:
    assert listing.delete is not None
    name = pc.field("selected")
    try:
        pc.call("sagemaker", listing.delete, **{listing.name_key: name})
    except ServiceError as err:
        return list_page(pc, listing, error=err)
    return pc.redirect(url(listing.path), flash=f"Deleted {name}.")


def listing_routes(listing: Listing, slug: str) -> list[Route]:
    """The list page and, where the resource can be deleted, its delete action."""

    def show(pc: PageContext) -> Response:
        return list_page(pc, listing)

    show.__name__ = f"sagemaker_{slug}_list"
    routes = [page(listing.path)(show)]
    if listing.delete is not None:

        def remove(pc: PageContext) -> Response:
            return delete_selected(pc, listing)

        remove.__name__ = f"sagemaker_{slug}_delete"
        routes.append(page(listing.path + "/delete", methods=("POST",))(remove))
    return routes


@page(BASE)
def sagemaker_home(pc: PageContext) -> Response:
    return pc.redirect(url(BASE + "/notebook-instances"))


MENU = [MenuEntry(30, "Amazon SageMaker", BASE, "Build, train, and deploy machine learning models")]
ROUTES = [sagemaker_home]
