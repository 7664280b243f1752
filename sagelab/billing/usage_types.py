"""Usage types as AWS's bills name them: `USE1-Notebk:ml.t2.medium`, `USE1-Train:…`,
`USE1-Host:…` for SageMaker; `TimedStorage-ByteHrs`, `Requests-Tier1` (PUT, COPY, POST, LIST)
and `Requests-Tier2` (GET and the rest) for S3, prefixed with the region's code outside
us-east-1 as S3's are."""

from __future__ import annotations

from dataclasses import dataclass

from sagelab.billing import prices

SAGEMAKER = "Amazon SageMaker"
S3 = "Amazon Simple Storage Service"

NOTEBOOK, TRAINING, HOSTING = "Notebk", "Train", "Host"
STORAGE, TIER1, TIER2 = "TimedStorage-ByteHrs", "Requests-Tier1", "Requests-Tier2"
INSTANCE_FAMILIES = (NOTEBOOK, TRAINING, HOSTING)

UNITS = {NOTEBOOK: "Hrs", TRAINING: "Hrs", HOSTING: "Hrs", STORAGE: "GB-Mo"}
REQUESTS_UNIT = "Requests"


@dataclass(frozen=True)
class UsageType:
    family: str  # one of the constants above
    instance_type: str | None = None

    @property
    def service(self) -> str:
        return SAGEMAKER if self.family in INSTANCE_FAMILIES else S3

    @property
    def unit(self) -> str:
        return UNITS.get(self.family, REQUESTS_UNIT)

    def name(self, region: str) -> str:
        code = prices.region_code(region)
        if self.instance_type is not None:
            return f"{code}-{self.family}:{self.instance_type}"
        return self.family if region == "us-east-1" else f"{code}-{self.family}"


def parse(name: str) -> UsageType:
    """The inverse of `UsageType.name`, region aside."""
    head, _, instance_type = name.partition(":")
    if instance_type:
        return UsageType(head.split("-", 1)[1], instance_type)
    for family in (STORAGE, TIER1, TIER2):
        if head.endswith(family):
            return UsageType(family)
    raise ValueError(f"not a usage type sagelab meters: {name}")
