"""IAM operations (query protocol), one mixin per family of entities."""

from __future__ import annotations

from sagelab.services.base import Deps
from sagelab.services.iam import keyring
from sagelab.services.iam.account_api import AccountApi
from sagelab.services.iam.attach_api import AttachApi
from sagelab.services.iam.group_api import GroupApi
from sagelab.services.iam.key_api import KeyApi
from sagelab.services.iam.policy_api import PolicyApi
from sagelab.services.iam.role_api import RoleApi
from sagelab.services.iam.simulate_api import SimulateApi
from sagelab.services.iam.tag_api import TagApi
from sagelab.services.iam.user_api import UserApi


class IamApi(
    UserApi, GroupApi, RoleApi, TagApi, PolicyApi, AttachApi, KeyApi, AccountApi, SimulateApi
):
    service_name = "iam"

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.keyring = keyring.attach(deps.meta, deps.settings.secrets_dir)
