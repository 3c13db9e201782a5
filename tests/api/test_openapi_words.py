"""The API documentation explains every request: each field of each request body has a
description, and each request body an example (valid against its own schema's required
fields), on the document /openapi.json serves."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas a (possibly referenced, listed or optional) schema stands for."""
    found = []
    for part in [schema, *schema.get("anyOf", []), schema.get("items", {})]:
        if "$ref" in part:
            found.append(document["components"]["schemas"][part["$ref"].rsplit("/", 1)[-1]])
        elif part.get("properties"):
            found.append(part)
    return found


def _undescribed(document: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    missing, todo, seen = [], [(schema, where)], set()
    while todo:
        current, path = todo.pop()
        for obj in _schema(document, current):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            for name, prop in obj.get("properties", {}).items():
                if not prop.get("description"):
                    missing.append(f"{path}.{name}")
                todo.append((prop, f"{path}.{name}"))
    return missing


def test_every_request_field_is_described_and_every_body_has_an_example(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    bodies = [
        (f"{method.upper()} {path}", media)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    assert len(bodies) >= 20
    missing: list[str] = []
    without_example: list[str] = []
    for operation, media in bodies:
        missing += _undescribed(document, media["schema"], operation)
        schemas = _schema(document, media["schema"])
        examples = [media.get("example"), *media.get("examples", {}).values()]
        examples += [e for s in schemas for e in s.get("examples", [])]
        if not any(examples):
            without_example.append(operation)
        for example in filter(None, [media.get("example")]):
            required = {r for s in schemas for r in s.get("required", [])}
            assert required <= set(example), (operation, required - set(example))
    assert not missing, "request fields without a description:\n" + "\n".join(missing)
    assert not without_example, "request bodies without an example:\n" + "\n".join(without_example)
