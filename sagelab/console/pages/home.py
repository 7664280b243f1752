"""The console home: the services, the account, the IAM users sign-in URL."""

from __future__ import annotations

from starlette.responses import Response

from sagelab.console.pagekit import PageContext, page


@page("/")
def home(pc: PageContext) -> Response:
    account = pc.principal.account_id
    return pc.render(
        "home.html",
        title="Console Home",
        account_id=account,
        sign_in_url=f"{pc.endpoint_url}/_sagelab/{account}/console",
    )


ROUTES = [home]
