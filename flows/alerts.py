"""Alerts on failed harvests: the Prefect automation in ``automations/failed-harvest.yaml``, its webhook
action pointed at a Webhook block this module saves (``clusterharvest alerts --webhook URL``)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import yaml
from prefect.blocks.webhook import Webhook
from prefect.client.orchestration import get_client
from prefect.events.schemas.automations import AutomationCore

from clusterharvest.errors import ConfigError

AUTOMATION_FILE = Path("automations/failed-harvest.yaml")
WEBHOOK_BLOCK = "clusterharvest-alerts"


def create_alert(webhook: str, spec: Path = AUTOMATION_FILE) -> tuple[str, UUID]:
    """Save ``webhook`` as the Webhook block ``clusterharvest-alerts`` (replacing an earlier one), and create
    the automation ``spec`` describes (replacing one of the same name) with each of its ``call-webhook``
    actions calling that block.

    Returns:
        the automation's name and id.

    Raises:
        ConfigError: the file is missing or does not describe an automation.
    """
    try:
        data = yaml.safe_load(spec.read_text(encoding="utf-8"))
        automation = AutomationCore.model_validate(data)  # checked before anything is saved
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{spec}: not an automation Prefect accepts: {' '.join(str(exc).split())[:300]}") from None
    block_id = Webhook(url=webhook).save(WEBHOOK_BLOCK, overwrite=True)
    for action in data.get("actions", []):
        if action.get("type") == "call-webhook":
            action["block_document_id"] = str(block_id)
    automation = AutomationCore.model_validate(data)
    with get_client(sync_client=True) as client:
        for earlier in client.read_automations_by_name(automation.name):
            client.delete_automation(earlier.id)
        return automation.name, client.create_automation(automation)
