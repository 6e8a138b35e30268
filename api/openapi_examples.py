"""Examples of every operation in the OpenAPI document: the values of its path parameters, the
body it takes and the body it answers, taken from real answers of the API to the test suite's
requests on the sample data (``make openapi-examples`` records them again).

They are kept in ``openapi_examples.json`` next to this module, and checked against the
operations' schemas by the tests, so that an example never shows what the API does not do.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

EXAMPLES_PATH = Path(__file__).with_name("openapi_examples.json")


@cache
def recorded() -> dict[str, dict[str, Any]]:
    """Operation id: ``parameters`` (name: value), ``request`` and ``response`` (each
    ``{"content_type", "body"}``, and the response's ``status``)."""
    if not EXAMPLES_PATH.is_file():
        return {}
    examples: dict[str, dict[str, Any]] = json.loads(EXAMPLES_PATH.read_text())
    return examples


def add_examples(document: dict[str, Any]) -> dict[str, Any]:
    """Put each operation's recorded examples where OpenAPI readers look for them."""
    examples = recorded()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            example = examples.get(operation.get("operationId", ""))
            if not example:
                continue
            for parameter in operation.get("parameters", ()):
                value = example.get("parameters", {}).get(parameter["name"])
                if parameter["in"] == "path" and value is not None:
                    parameter["example"] = value
            request = example.get("request")
            content = operation.get("requestBody", {}).get("content", {})
            if request and request["content_type"] in content:
                content[request["content_type"]]["example"] = request["body"]
            response = example.get("response")
            if response:
                answer = operation.get("responses", {}).get(response["status"], {})
                content = answer.get("content", {})
                if response["content_type"] in content:
                    content[response["content_type"]]["example"] = response["body"]
    _schema_examples(document)
    return document


def _schema_examples(document: dict[str, Any]) -> None:
    """An answer no test recorded shows its model's own first example, when it has one."""
    schemas = document.get("components", {}).get("schemas", {})
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for answer in operation.get("responses", {}).values():
                for entry in answer.get("content", {}).values():
                    reference = entry.get("schema", {}).get("$ref", "")
                    schema = schemas.get(reference.rpartition("/")[2], {})
                    if "example" not in entry and schema.get("examples"):
                        entry["example"] = schema["examples"][0]
