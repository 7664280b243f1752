"""Billing, beyond AWS: a per-second meter of every metered resource (notebook, training and
hosting instance seconds by type; S3 storage and requests), priced with AWS's public
on-demand prices (`prices.json`, dated) to show what it would have cost on AWS, with and
without the lesson's free tier; forgotten resources, idle auto-stop, and root's
"IAM user access to billing" switch. Cost Explorer (`services/ce`) answers from the same
report; the console calls the functions below."""

from sagelab.billing.access import may_see_billing
from sagelab.billing.forgotten import forgotten
from sagelab.billing.free_tier import ALLOWANCES, Allowance, AllowanceUse
from sagelab.billing.idle import Idle
from sagelab.billing.meter import UsageMeter
from sagelab.billing.report import Line, Report, usage_report
from sagelab.billing.settings import BillingSettings, billing_settings, set_billing_settings

__all__ = [
    "ALLOWANCES",
    "Allowance",
    "AllowanceUse",
    "BillingSettings",
    "Idle",
    "Line",
    "Report",
    "UsageMeter",
    "billing_settings",
    "forgotten",
    "may_see_billing",
    "set_billing_settings",
    "usage_report",
]
