"""SageMaker batch transform jobs: validation, the Describe document and its status machine,
and the reconciler step that runs each job as one child process of the runner per instance.

Modules: `validation` (what CreateTransformJob refuses), `jobs` (documents, status),
`launch` (the instances' files and process specs), `outcome` (how a job ends, from its
instances), `reconcile`. What is common to every kind of job is in `sagemaker.jobs`.
"""

from __future__ import annotations

from sagelab.services.sagemaker import resources

KIND = "transform-job"


def scope(account: str, region: str) -> resources.Scope:
    return resources.Scope(KIND, account, region)
