"""IAM console: the dashboard and account settings (alias, password policy), and what the
other IAM pages share: the sidebar layout, the job-function grouping of managed policies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.responses import Response

from sagelab.console.listing import IAM, console_page, every_item
from sagelab.console.pagekit import Crumb, MenuEntry, PageContext, page, url
from sagelab.gateway.errors import ServiceError

MENU = [MenuEntry(10, "IAM", "/iam", "Manage access to AWS resources")]

# AWS's "AWS managed - job function" filter: the policies of "AWS managed policies for job
# functions" (IAM User Guide). Most live under /job-function/; two predate that path.
JOB_FUNCTION_NAMES = {"AdministratorAccess", "PowerUserAccess"}
AWS_POLICY = "arn:aws:iam::aws:policy/"
POLICY_TYPE_LABELS = {
    "aws": "AWS managed",
    "customer": "Customer managed",
    "job": "AWS managed - job function",
}
POLICY_TYPES = [("", "All types"), *POLICY_TYPE_LABELS.items()]


def crumbs(*trail: tuple[str, str | None]) -> list[Crumb]:
    return [Crumb("IAM", url("/iam")), *(Crumb(label, link) for label, link in trail)]


def render(
    pc: PageContext, template: str, title: str, section: str, trail: Sequence[Any], **values: Any
) -> Response:
    """An IAM page: the sidebar with `section` current, the crumbs IAM > trail."""
    return pc.render(template, title=title, crumbs=crumbs(*trail), section=section, **values)


def policy_kind(policy: dict[str, Any]) -> str:
    """"customer", "job" (an AWS managed job-function policy) or "aws"."""
    if not str(policy["Arn"]).startswith(AWS_POLICY):
        return "customer"
    job = policy.get("Path") == "/job-function/" or policy["PolicyName"] in JOB_FUNCTION_NAMES
    return "job" if job else "aws"


def policy_type(policy: dict[str, Any]) -> str:
    return POLICY_TYPE_LABELS[policy_kind(policy)]


def with_type(policy: dict[str, Any]) -> dict[str, Any]:
    """A ListPolicies item with its console type: `Type` (label) and `kind` (filter value)."""
    return {**policy, "Type": policy_type(policy), "kind": policy_kind(policy)}


def matches(policy: dict[str, Any], search: str, kind: str) -> bool:
    """The Policies list filters: the search box (name) and the type select."""
    if search and search.lower() not in str(policy["PolicyName"]).lower():
        return False
    if kind == "job":
        return policy_kind(policy) == "job"
    return True


def scope_of(kind: str) -> str:
    return {"aws": "AWS", "job": "AWS", "customer": "Local"}.get(kind, "All")


def all_items(pc: PageContext, operation: str, member: str, **params: Any) -> list[Any]:
    """Every item of an IAM listing (an entity's groups, keys, policies)."""
    return list(every_item(pc, IAM, operation, member, **params))


def list_page(
    pc: PageContext, operation: str, section: str, title: str, **params: Any
) -> Response:
    """A list of IAM entities (`iam/<section>.html`), one API page at a time."""
    items = operation.removeprefix("List")
    return render(
        pc,
        f"iam/{section}.html",
        title,
        section,
        [(title, None)],
        **console_page(pc, IAM, operation, items, **params),
    )


def permissions(pc: PageContext, entity: str, **name: str) -> dict[str, list[Any]]:
    """The managed (`attached`) and inline policies of a User, Group or Role."""
    return {
        "attached": all_items(pc, f"ListAttached{entity}Policies", "AttachedPolicies", **name),
        "inline": all_items(pc, f"List{entity}Policies", "PolicyNames", **name),
    }


def drop_permissions(pc: PageContext, entity: str, **name: str) -> None:
    """Detaches a User's, Group's or Role's managed policies and deletes its inline ones:
    what Delete<entity> refuses over (DeleteConflict), removed first as the console does."""
    held = permissions(pc, entity, **name)
    for policy in held["attached"]:
        pc.call("iam", f"Detach{entity}Policy", PolicyArn=policy["PolicyArn"], **name)
    for policy_name in held["inline"]:
        pc.call("iam", f"Delete{entity}Policy", PolicyName=policy_name, **name)


def create_group(pc: PageContext, name: str, policy_arns: list[str]) -> None:
    """The console's Create group (its page, the Add user wizard's dialog): the group, then
    each chosen policy attached."""
    pc.call("iam", "CreateGroup", GroupName=name)
    for arn in policy_arns:
        pc.call("iam", "AttachGroupPolicy", GroupName=name, PolicyArn=arn)


def delete_selected(
    pc: PageContext, cascade: Callable[[PageContext, str], None], back: str
) -> Response:
    """The Delete button of a list (or of one entity's page): each selected name with its
    cascade; the first refusal stops there and is flashed as the API's error."""
    names = pc.fields("selected")
    try:
        for name in names:
            cascade(pc, name)
    except ServiceError as err:
        return pc.redirect(back, flash=f"{err.code}: {err.message}", level="error")
    return pc.redirect(back, flash=f"Deleted {', '.join(names)}.")


def sign_in_url(pc: PageContext, alias: str | None = None) -> str:
    return f"{pc.endpoint_url}/_sagelab/{alias or pc.principal.account_id}/console"


def _alias(pc: PageContext) -> str | None:
    aliases = pc.call("iam", "ListAccountAliases")["AccountAliases"]
    return str(aliases[0]) if aliases else None


@page("/iam")
def dashboard(pc: PageContext) -> Response:
    summary: dict[str, int] = {}
    error: ServiceError | None = None
    try:
        summary = pc.call("iam", "GetAccountSummary")["SummaryMap"]
        alias = _alias(pc)
    except ServiceError as err:
        alias, error = None, err
    return render(
        pc,
        "iam/dashboard.html",
        "IAM Dashboard",
        "dashboard",
        [("Dashboard", None)],
        summary=summary,
        account_alias=alias,
        sign_in_link=sign_in_url(pc, alias),
        account_id=pc.principal.account_id,
        error=error,
    )


@page("/iam/alias", methods=("POST",))
def alias_save(pc: PageContext) -> Response:
    back = pc.field("back") or url("/iam")
    try:
        if pc.field("action") == "delete":
            current = _alias(pc)
            if current:
                pc.call("iam", "DeleteAccountAlias", AccountAlias=current)
            return pc.redirect(back, flash="Account alias deleted.")
        pc.call("iam", "CreateAccountAlias", AccountAlias=pc.field("alias").strip())
    except ServiceError as err:
        return pc.redirect(back, flash=f"{err.code}: {err.message}", level="error")
    return pc.redirect(back, flash="Account alias saved.")


# The password policy's fields: their type and the words AWS's console puts beside them.
PASSWORD_POLICY_FIELDS: dict[str, tuple[type, str]] = {
    "MinimumPasswordLength": (int, "Password minimum length"),
    "RequireUppercaseCharacters": (
        bool, "Require at least one uppercase letter from Latin alphabet (A-Z)"),
    "RequireLowercaseCharacters": (
        bool, "Require at least one lowercase letter from Latin alphabet (a-z)"),
    "RequireNumbers": (bool, "Require at least one number"),
    "RequireSymbols": (bool, "Require at least one non-alphanumeric character"),
    "AllowUsersToChangePassword": (bool, "Allow users to change their own password"),
    "MaxPasswordAge": (int, "Password expiration (days)"),
    "PasswordReusePrevention": (int, "Prevent password reuse (remember this many passwords)"),
    "HardExpiry": (bool, "Password expiration requires administrator reset"),
}


def _password_policy(pc: PageContext) -> dict[str, Any] | None:
    try:
        return dict(pc.call("iam", "GetAccountPasswordPolicy")["PasswordPolicy"])
    except ServiceError as err:
        if err.code == "NoSuchEntity":
            return None
        raise


def _settings_page(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "iam/account_settings.html",
        "Account settings",
        "settings",
        [("Account settings", None)],
        policy=_password_policy(pc),
        account_alias=_alias(pc),
        editing=pc.query("edit") == "1" or error is not None,
        fields=PASSWORD_POLICY_FIELDS,
        flag=bool,
        error=error,
    )


@page("/iam/account-settings")
def account_settings(pc: PageContext) -> Response:
    return _settings_page(pc)


def _policy_params(pc: PageContext) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, (kind, _) in PASSWORD_POLICY_FIELDS.items():
        if kind is bool:
            params[name] = pc.field(name) == "true"
        elif pc.field(name).strip():
            params[name] = int(pc.field(name)) if pc.field(name).strip().isdigit() else -1
    return params


@page("/iam/account-settings", methods=("POST",))
def account_settings_save(pc: PageContext) -> Response:
    try:
        if pc.field("action") == "delete":
            pc.call("iam", "DeleteAccountPasswordPolicy")
            return pc.redirect(url("/iam/account-settings"), flash="Password policy deleted.")
        pc.call("iam", "UpdateAccountPasswordPolicy", **_policy_params(pc))
    except ServiceError as err:
        return _settings_page(pc, err)
    return pc.redirect(url("/iam/account-settings"), flash="Password policy saved.")


ROUTES = [dashboard, alias_save, account_settings, account_settings_save]
