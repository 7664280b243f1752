"""A job's files on disk: the emulated `/opt/ml` tree of each host (contracts §1.1) and the
spec its platform agent follows (`sagelab.container.layout`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sagelab.container import layout
from sagelab.container.layout import JobDir

GROUP = "homogeneousCluster"


def job_dir(data_dir: Path, region: str, name: str) -> JobDir:
    return JobDir(data_dir / "jobs" / region / name)


def hosts(doc: dict[str, Any]) -> list[str]:
    return [layout.host_name(i) for i in range(int(doc["ResourceConfig"]["InstanceCount"]))]


def _input_config(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    default_mode = doc["AlgorithmSpecification"].get("TrainingInputMode", "File")
    config = {}
    for channel in doc.get("InputDataConfig", []):
        mode = channel.get("InputMode") or default_mode
        entry = {
            "TrainingInputMode": "File" if mode == "FastFile" else mode,
            "S3DistributionType": channel["DataSource"]["S3DataSource"].get(
                "S3DataDistributionType", "FullyReplicated"
            ),
            "RecordWrapperType": channel.get("RecordWrapperType", "None"),
        }
        if channel.get("ContentType"):
            entry["ContentType"] = channel["ContentType"]
        config[channel["ChannelName"]] = entry
    return config


def _resource_config(doc: dict[str, Any], host: str, names: list[str]) -> dict[str, Any]:
    instance_type = doc["ResourceConfig"]["InstanceType"]
    return {
        "current_host": host,
        "current_instance_type": instance_type,
        "current_group_name": GROUP,
        "hosts": names,
        "instance_groups": [
            {"instance_group_name": GROUP, "instance_type": instance_type, "hosts": names}
        ],
        "network_interface_name": "eth0",
    }


def _spec(doc: dict[str, Any], algorithm: str, region: str, names: list[str]) -> dict[str, Any]:
    return {
        "job_name": doc["TrainingJobName"],
        "job_arn": doc["TrainingJobArn"],
        "algorithm": algorithm,
        "region": region,
        "hosts": names,
        "input_mode": doc["AlgorithmSpecification"].get("TrainingInputMode", "File"),
        "channels": doc.get("InputDataConfig", []),
        "output_path": doc["OutputDataConfig"]["S3OutputPath"],
        "checkpoint": doc.get("CheckpointConfig"),
    }


def prepare(job: JobDir, doc: dict[str, Any], algorithm: str, region: str) -> None:
    """Lay out the job's files afresh (a name reused after a reset finds no leftovers)."""
    shutil.rmtree(job.root, ignore_errors=True)
    job.root.mkdir(parents=True)
    names = hosts(doc)
    layout.write_json(job.spec, _spec(doc, algorithm, region, names))
    inputs = _input_config(doc)
    for host in names:
        base = job.base(host)
        config = base / "input" / "config"
        for folder in (config, base / "input" / "data", base / "model", base / "output" / "data"):
            folder.mkdir(parents=True, exist_ok=True)
        files = {
            "hyperparameters.json": doc.get("HyperParameters", {}),
            "inputdataconfig.json": inputs,
            "resourceconfig.json": _resource_config(doc, host, names),
        }
        for file_name, content in files.items():
            (config / file_name).write_text(json.dumps(content))
