"""The platform agent of one training host: `python -m sagelab.container.train <job dir> <host>`.

What SageMaker does around a training container, in the order it does it: restore
checkpoints, fetch every channel (as the execution role, through sagelab's S3, so IAM
applies), run the algorithm in the host's `/opt/ml` tree, then upload the model, the output
data and the checkpoints. Each phase is appended to the host's status file, which the server
turns into SecondaryStatus; a failure's reason goes there too, prefixed `ClientError:` when the
user must fix something and `AlgorithmError:` otherwise. SIGTERM (StopTrainingJob,
MaxRuntimeInSeconds) stops the work, keeps what the model folder holds, and ends `Stopped`.
"""

from __future__ import annotations

import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from sagelab.container import artifacts, layout, staging
from sagelab.container.channels import Channel
from sagelab.container.errors import ClientFault, Stopped, run_agent
from sagelab.container.layout import JobDir

_REASON_MAX = 1024
USER_ERROR, INTERNAL_ERROR = 1, 2


class Agent:
    def __init__(self, job: JobDir, host: str) -> None:
        self.job = job
        self.host = host
        self.spec: dict[str, Any] = layout.read_json(job.spec)
        self.base = job.base(host)
        self.phases: list[tuple[str, float]] = []
        self._s3: Any = None

    @property
    def index(self) -> int:
        return int(self.spec["hosts"].index(self.host))

    @property
    def s3(self) -> Any:
        if self._s3 is None:
            import boto3  # only now: the agent's start-up time is the job's
            from botocore.config import Config

            # Generous retries: a job outlives a restart of the server it talks to.
            retries = Config(retries={"mode": "standard", "max_attempts": 12})
            self._s3 = boto3.client("s3", region_name=self.spec["region"], config=retries)
        return self._s3

    def phase(self, name: str, failure: str | None = None) -> None:
        self.phases.append((name, time.time()))
        status = {"phases": self.phases, "failure": failure}
        layout.write_json(self.job.status(self.host), status)

    def run(self) -> int:
        try:
            self.phase(layout.DOWNLOADING)
            self._restore_checkpoints()
            self._stage_channels()
            self.phase(layout.TRAINING)
            code = self._train()
            if code != 0:
                return self._fail(code, self._failure_text(code))
            self.phase(layout.UPLOADING)
            self._upload()
            self.phase(layout.COMPLETED)
            return 0
        except Stopped:
            return self._stopped()
        except ClientFault as fault:
            return self._fail(USER_ERROR, str(fault))
        except ClientError as err:  # S3 refused the role: its permissions are the user's
            return self._fail(USER_ERROR, f"S3 request failed: {_client_error_text(err)}")
        except Exception as err:  # the agent's own failure: the user cannot fix it
            traceback.print_exc()
            return self._fail(INTERNAL_ERROR, _client_error_text(err))

    def _channels(self) -> list[Channel]:
        mode = self.spec["input_mode"]
        return [Channel.from_config(entry, mode) for entry in self.spec["channels"]]

    def _stage_channels(self) -> None:
        from sagelab.container import pipe

        data = self.base / "input" / "data"
        hosts = len(self.spec["hosts"])
        for channel in self._channels():
            if channel.input_mode == "Pipe":
                cache = self.job.cache(self.host) / channel.name
                files = staging.stage_files(self.s3, channel, cache, self.index, hosts)
                pipe.start_feeder(data, channel, files)
            else:
                staging.stage_files(self.s3, channel, data / channel.name, self.index, hosts)
            print(f"Channel {channel.name}: {channel.input_mode} mode, data ready", flush=True)

    def _train(self) -> int:
        from sagelab.algorithms.contract import run_training

        self.job.shared.mkdir(exist_ok=True)
        return run_training(self.spec["algorithm"], self.base, self.job.shared)

    def _failure_text(self, code: int) -> str:
        failure = self.base / "output" / "failure"
        if failure.exists() and failure.read_text().strip():
            return failure.read_text().strip()
        return f"The algorithm exited with code {code} without writing /opt/ml/output/failure."

    def _fail(self, code: int, text: str) -> int:
        prefix = "ClientError" if code == USER_ERROR else "AlgorithmError"
        self.phase(layout.FAILED, f"{prefix}: {text}"[:_REASON_MAX])
        print(f"{prefix}: {text}", file=sys.stderr, flush=True)
        return code

    def _checkpoint(self) -> tuple[str, Path] | None:
        config = self.spec.get("checkpoint")
        if not config:
            return None
        local = str(config.get("LocalPath") or "/opt/ml/checkpoints")
        # Paths under /opt/ml are the host's emulated tree; others are used as given.
        if local.startswith("/opt/ml/"):
            return config["S3Uri"], self.base / local[len("/opt/ml/") :]
        return config["S3Uri"], Path(local)

    def _restore_checkpoints(self) -> None:
        checkpoint = self._checkpoint()
        if checkpoint is not None:
            artifacts.restore_checkpoints(self.s3, *checkpoint)

    def _upload(self) -> None:
        checkpoint = self._checkpoint()
        if checkpoint is not None:
            artifacts.save_checkpoints(self.s3, checkpoint[1], checkpoint[0])
        if self.index != 0:
            return  # algo-1's model is the job's artifact
        output, name = self.spec["output_path"], self.spec["job_name"]
        artifacts.upload_folder_tar(self.s3, self.base / "model", artifacts.model_uri(output, name))
        data = self.base / "output" / "data"
        if data.is_dir() and any(data.iterdir()):
            uri = artifacts.model_uri(output, name).replace("model.tar.gz", "output.tar.gz")
            artifacts.upload_folder_tar(self.s3, data, uri)

    def _stopped(self) -> int:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            self._upload()
        except Exception:  # a stop still ends Stopped, whatever the upload did
            traceback.print_exc()
        self.phase(layout.STOPPED)
        return 0


def _client_error_text(err: Exception) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        return f"{error.get('Code')}: {error.get('Message')} ({err})"
    return f"{type(err).__name__}: {err}"


def main(argv: list[str]) -> int:
    return run_agent("sagelab.container.train", argv, lambda d, h: Agent(JobDir(d), h))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
