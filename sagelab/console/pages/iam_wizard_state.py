"""The Add user wizard's state. It travels between the steps in hidden form fields, so the
server keeps nothing until "Create user"; each step owns the fields it shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sagelab.console.pagekit import PageContext

SCALARS = (
    "user_name",
    "programmatic",
    "console",
    "password_type",
    "custom_password",
    "require_reset",
    "permissions_mode",
    "copy_from",
)
LISTS = ("group", "policy", "tag_key", "tag_value")
STEP_FIELDS = {
    "details": {"user_name", "programmatic", "console", "password_type", "custom_password",
                "require_reset"},
    "permissions": {"permissions_mode", "group", "copy_from", "policy"},
    "tags": {"tag_key", "tag_value"},
    "review": set(),
    "success": set(),
}
USER_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")


@dataclass
class WizardState:
    values: dict[str, str]
    lists: dict[str, list[str]]

    @classmethod
    def of(cls, pc: PageContext) -> WizardState:
        return cls(
            {name: pc.field(name) for name in SCALARS},
            {name: pc.fields(name) for name in LISTS},
        )

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def flag(self, name: str) -> bool:
        return self.values[name] == "true"

    @property
    def groups(self) -> list[str]:
        return self.lists["group"]

    @property
    def policies(self) -> list[str]:
        return self.lists["policy"]

    @property
    def mode(self) -> str:
        return self.values["permissions_mode"] or "group"

    @property
    def tags(self) -> list[dict[str, str]]:
        pairs = zip(self.lists["tag_key"], self.lists["tag_value"], strict=False)
        return [{"Key": k.strip(), "Value": v} for k, v in pairs if k.strip()]

    def hidden(self, step: str) -> list[tuple[str, str]]:
        """Every field another step owns, as (name, value) pairs of hidden inputs."""
        own = STEP_FIELDS[step]
        pairs = [(n, v) for n, v in self.values.items() if n not in own and v]
        for name, items in self.lists.items():
            if name not in own:
                pairs += [(name, item) for item in items]
        return pairs

    def details_error(self) -> str | None:
        """What step 1 refuses, in the console's words."""
        if not USER_NAME.match(self.values["user_name"]):
            return "User name must be 1-64 characters: letters, digits and +=,.@_-"
        if not (self.flag("programmatic") or self.flag("console")):
            return "Select at least one access type."
        custom = self.values["password_type"] == "custom"
        if self.flag("console") and custom and not self.values["custom_password"]:
            return "Enter a custom password."
        return None
