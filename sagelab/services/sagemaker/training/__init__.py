"""SageMaker training jobs: validation, the Describe document, the status machine, and the
reconciler step that runs each job as child processes (one per instance) of the runner.

Modules: `validation` (what CreateTrainingJob refuses), `jobs` (documents),
`status` (the status machine over a document), `workdir` (the emulated /opt/ml trees),
`launch` (process specs), `output` (output → CloudWatch Logs, metrics),
`reconcile` (the step), `search` (Search over training jobs). What is common to every kind
of job (records, hosts, log copying, role credentials) is in `sagemaker.jobs`.
"""

from __future__ import annotations

from sagelab.services.sagemaker import resources

KIND = "training-job"


def scope(account: str, region: str) -> resources.Scope:
    return resources.Scope(KIND, account, region)
