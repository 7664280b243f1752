"""SageMaker batch transform jobs: validation, the Describe document and its status machine,
and the reconciler step that runs each job as one child process of the runner.

Modules: `validation` (what CreateTransformJob refuses), `jobs` (records, documents, status),
`runs` (the launched child of a job), `launch` (its files and process spec), `reconcile`.
"""

from __future__ import annotations

from sagelab.services.sagemaker import resources

KIND = "transform-job"


def scope(account: str, region: str) -> resources.Scope:
    return resources.Scope(KIND, account, region)
