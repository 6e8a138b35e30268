"""Log lines: readable text at a terminal, or one JSON object per line (CloudWatch, Logs
Insights) when ``PIREP_LOG_FORMAT=json``, as the production images set."""

from __future__ import annotations

import logging.config
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

from api.core.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# For logging.config.dictConfig: each record's message, level and logger, an ISO time, and
# whatever the record carries besides (uvicorn's status_code, client_addr…).
JSON_FORMATTER: dict[str, Any] = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": "time",
    # Uvicorn's copy of the message with terminal colours.
    "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
}


def configure_logging(settings: Settings, text_format: str = TEXT_FORMAT) -> None:
    """Pirep's INFO lines (and every library's warnings) on standard error."""
    formatter = JSON_FORMATTER if settings.log_format == "json" else {"format": text_format}
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"default": formatter},
            "handlers": {
                "default": {"class": "logging.StreamHandler", "formatter": "default"},
            },
            "root": {"handlers": ["default"], "level": "INFO"},
        }
    )


def as_json(config: dict[str, Any]) -> dict[str, Any]:
    """A dictConfig (uvicorn's) whose formatters all write JSON lines."""
    return {**config, "formatters": dict.fromkeys(config["formatters"], JSON_FORMATTER)}
