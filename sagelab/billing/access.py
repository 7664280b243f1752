"""Root's "IAM user access to billing" switch: off (AWS's default), IAM users and roles are
refused billing data whatever their policies allow; the Cost Explorer API and the console's
Billing page both ask here."""

from __future__ import annotations

from sagelab.billing.settings import billing_settings
from sagelab.gateway.context import Principal
from sagelab.store.metadata import MetadataStore


def may_see_billing(meta: MetadataStore, principal: Principal) -> bool:
    if principal.is_root:
        return True
    return billing_settings(meta, principal.account_id).iam_user_access
