"""The workbench API: creating scenarios from the library, text, documents and uploads.

Good and bad input: invalid scenarios are refused with located problems and save nothing;
limits of size and nesting hold; an alias bomb is answered at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import yaml

from detente.scenario.loader import Scenario

from .api_support import (
    HANOI_BAD_PARTY,
    HANOI_TEXT,
    ONE_MIB,
    PD_TEXT,
    TRADE_TEXT,
    RecordingClient,
    TestClient,
    create,
    create_app,
    line_of,
    ok,
    refused,
    scenario_ids,
    start,
    versions,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# --- creating scenarios ------------------------------------------------------------------------


def test_a_scenario_from_the_library_describes_hanoi(client: TestClient, hanoi: Scenario) -> None:
    scenario = create(client, library="hanoi-2019")
    assert scenario["text"] == HANOI_TEXT
    assert scenario["document"] == json.loads(json.dumps(yaml.safe_load(HANOI_TEXT), default=str))
    assert scenario["title"] == "The Hanoi summit, 27-28 February 2019"
    assert scenario["name"] == scenario["title"]  # no name given
    assert scenario["summary"] == {
        "parties": 2,
        "options": 6,
        "states": hanoi.graph_model.n_states,
        "graph_model": True,
        "bargaining": True,
        "perceptions": True,
    }
    assert ok(client.get(f"/api/scenarios/{scenario['id']}")) == scenario


def test_text_json_text_and_document_make_the_same_scenario(client: TestClient) -> None:
    document = yaml.safe_load(PD_TEXT)
    from_text = create(client, text=PD_TEXT, name="from text")
    from_json = create(client, text=json.dumps(document), name="from json")
    from_document = create(client, document=document)
    assert from_text["name"] == "from text"
    assert from_text["text"] == PD_TEXT
    assert from_json["document"] == from_text["document"] == from_document["document"] == document
    assert yaml.safe_load(from_document["text"]) == document  # saved as YAML
    assert from_document["name"] == document["title"]
    for made in (from_text, from_json, from_document):
        assert made["summary"] == {
            "parties": 2,
            "options": 2,
            "states": 4,
            "graph_model": True,
            "bargaining": False,
            "perceptions": False,
        }
    listed = ok(client.get("/api/scenarios"))["scenarios"]
    assert {s["id"] for s in listed} == {from_text["id"], from_json["id"], from_document["id"]}
    assert listed[0]["id"] == from_document["id"]  # the latest changed first
    assert set(listed[0]) == {"id", "name", "title", "version", "updated"}


def test_a_bargaining_only_scenario_has_no_graph_summary(client: TestClient) -> None:
    scenario = create(client, text=TRADE_TEXT)
    assert scenario["summary"] == {
        "parties": 2,
        "options": 0,
        "states": None,
        "graph_model": False,
        "bargaining": True,
        "perceptions": False,
    }


def test_an_invalid_scenario_is_refused_with_located_problems(client: TestClient) -> None:
    detail = refused(client.post("/api/scenarios", json={"text": HANOI_BAD_PARTY}), 422)
    problems = {p["location"]: p for p in detail["problems"]}
    problem = problems["graph_model.options[2].party"]
    assert "nobody" in problem["message"]
    assert problem["line"] == line_of(HANOI_BAD_PARTY, "      party: nobody")
    assert HANOI_BAD_PARTY.splitlines()[problem["line"] - 1].strip() == "party: nobody"
    assert "nobody" in detail["message"]
    assert scenario_ids(client) == []


@pytest.mark.parametrize(
    ("text", "line"),
    [("format: detente/1\ntitle: a: b\nparties: []\n", 2), ("- a list\n- of items\n", 1)],
    ids=["yaml-syntax", "not-a-mapping"],
)
def test_text_that_is_not_a_scenario_mapping_is_refused(
    client: TestClient, text: str, line: int
) -> None:
    detail = refused(client.post("/api/scenarios", json={"text": text}), 422)
    assert detail["problems"]
    assert detail["problems"][0]["line"] == line
    assert scenario_ids(client) == []


def test_an_empty_scenario_is_refused(client: TestClient) -> None:
    detail = refused(client.post("/api/scenarios", json={"text": "  \n"}), 422)
    assert "empty" in detail["message"]
    assert scenario_ids(client) == []


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"text": 5}, "text"),
        ({"document": ["not", "a", "mapping"]}, "document"),
        ({"text": PD_TEXT, "document": {"format": "detente/1"}}, "exactly one"),
        ({"library": "hanoi-2019", "text": PD_TEXT}, "exactly one"),
        ({}, "exactly one"),
        ({"name": "nothing to make it from"}, "exactly one"),
        ({"library": "hanoi-2019", "colour": "blue"}, "colour"),
        ({"library": "hanoi-2019", "name": ""}, "name"),
        ({"library": "hanoi-2019", "name": "x" * 201}, "name"),
        ({"library": ""}, "library"),
        (["library", "hanoi-2019"], "request"),
    ],
    ids=[
        "text-not-string",
        "document-not-object",
        "text-and-document",
        "library-and-text",
        "nothing",
        "name-only",
        "unknown-field",
        "empty-name",
        "long-name",
        "empty-library",
        "body-not-object",
    ],
)
def test_malformed_create_requests_are_422(client: TestClient, body: Any, names: str) -> None:
    detail = refused(client.post("/api/scenarios", json=body), 422)
    assert names in detail["message"]
    assert scenario_ids(client) == []


def test_text_over_one_mebibyte_is_refused(client: TestClient) -> None:
    response = client.post("/api/scenarios", json={"text": "#" * (ONE_MIB + 1)})
    refused(response, 413 if response.status_code == 413 else 422)
    assert scenario_ids(client) == []


def test_nesting_too_deep_for_the_parser_is_refused_not_500(client: TestClient) -> None:
    depth = 1000
    text = "format: detente/1\ntitle: deep\nparties: " + "[" * depth + "]" * depth + "\n"
    raw = '{"document": {"format": "detente/1", "title": "deep", "parties": '
    raw += "[" * (depth - 100) + "]" * (depth - 100) + "}}"
    headers = {"content-type": "application/json"}
    for response in (
        client.post("/api/scenarios", json={"text": text}),
        client.post("/api/scenarios", content=raw, headers=headers),
        client.post("/api/scenarios/upload", files={"file": ("deep.yaml", text.encode())}),
    ):
        refused(response, 422)
    for response in (
        client.post("/api/validate", json={"text": text}),
        client.post("/api/validate", content=raw, headers=headers),
    ):
        if response.status_code == 200:
            assert response.json()["valid"] is False
        else:
            refused(response, 422)
    assert scenario_ids(client) == []


_BOMB_CHECK = """
import sys, time
from fastapi.testclient import TestClient
from detente.workbench.app import create_app
with TestClient(create_app(sys.argv[1], start_jobs=False)) as client:
    client.get("/api/health")
    began = time.monotonic()
    response = client.post("/api/validate", json={"text": sys.argv[2]})
    print(response.status_code, round(time.monotonic() - began, 3))
"""


def test_a_yaml_alias_bomb_is_answered_at_once(database: str) -> None:
    # About 400 bytes whose aliases expand to 10**8 strings ("billion laughs"): the server must
    # not walk the expansion. Checked in a subprocess, killed when it takes too long.
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 8)]
    bomb = "\n".join(lines) + "\n"
    assert len(bomb) < 1000
    try:
        finished = subprocess.run(
            [sys.executable, "-c", _BOMB_CHECK, database, bomb],
            capture_output=True,
            text=True,
            timeout=6,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("POST /api/validate of a 400-byte YAML alias bomb took more than 6 s")
    status, seconds = finished.stdout.split()
    assert status in ("200", "422"), finished.stderr
    assert float(seconds) < 2.0


def test_a_windows_file_with_bom_and_crlf_uploads(client: TestClient) -> None:
    data = ("\ufeff" + PD_TEXT.replace("\n", "\r\n")).encode("utf-8")
    scenario = ok(client.post("/api/scenarios/upload", files={"file": ("pd.yaml", data)}), 201)
    assert scenario["title"] == "Prisoner's Dilemma"
    assert scenario["summary"]["states"] == 4


def test_names_outside_latin1_export_as_attachments(client: TestClient) -> None:
    # The name is free text; the download's file name must still make a valid header.
    made = create(client, library="prisoners-dilemma", name="北朝鮮 talks")
    assert made["name"] == "北朝鮮 talks"
    response = client.get(f"/api/scenarios/{made['id']}/export")
    assert response.status_code == 200
    assert response.text == PD_TEXT
    assert response.headers["content-disposition"].startswith("attachment;")
    run = wait_for(client, start(client, made["id"], "inverse", {"state": "NN"})["id"])
    response = client.get(f"/api/runs/{run['id']}/export?format=csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"null", b'{"text": "unterminated'],
    ids=["bad", "empty", "null", "cut"],
)
def test_bodies_that_are_not_json_objects_are_422(client: TestClient, raw: bytes) -> None:
    headers = {"content-type": "application/json"}
    refused(client.post("/api/scenarios", content=raw, headers=headers), 422)
    refused(client.post("/api/validate", content=raw, headers=headers), 422)
    assert scenario_ids(client) == []


# --- uploads -----------------------------------------------------------------------------------


def test_an_upload_becomes_a_scenario_named_after_the_file(client: TestClient) -> None:
    files = {"file": ("dilemma.yaml", PD_TEXT.encode(), "application/yaml")}
    scenario = ok(client.post("/api/scenarios/upload", files=files), 201)
    assert scenario["name"] == "dilemma"
    assert scenario["text"] == PD_TEXT
    assert scenario["title"] == "Prisoner's Dilemma"
    assert versions(client, scenario["id"])[0]["message"] == "uploaded"


def test_the_upload_limit_is_inclusive(database: str) -> None:
    data = PD_TEXT.encode()
    with RecordingClient(create_app(database, upload_limit=len(data))) as client:
        made = ok(client.post("/api/scenarios/upload", files={"file": ("pd.yaml", data)}), 201)
        bigger = data + b"\n"
        detail = refused(
            client.post("/api/scenarios/upload", files={"file": ("pd.yaml", bigger)}), 413
        )
        assert f"{len(data):,}" in detail["message"]
        assert scenario_ids(client) == [made["id"]]


def test_an_upload_beyond_one_mebibyte_is_413_by_default(client: TestClient) -> None:
    padding = b"#" * ONE_MIB  # a YAML comment: valid, but too big
    files = {"file": ("big.yaml", PD_TEXT.encode() + padding)}
    refused(client.post("/api/scenarios/upload", files=files), 413)
    assert scenario_ids(client) == []


def test_an_upload_that_is_not_utf8_is_422(client: TestClient) -> None:
    data = PD_TEXT.replace("Two suspects", "Deux détenus").encode("latin-1")
    detail = refused(client.post("/api/scenarios/upload", files={"file": ("pd.yaml", data)}), 422)
    assert "UTF-8" in detail["message"]
    assert scenario_ids(client) == []


def test_an_invalid_upload_has_problems_with_lines(client: TestClient) -> None:
    files = {"file": ("bad.yaml", HANOI_BAD_PARTY.encode())}
    detail = refused(client.post("/api/scenarios/upload", files=files), 422)
    lines = {p["location"]: p["line"] for p in detail["problems"]}
    assert lines["graph_model.options[2].party"] == line_of(HANOI_BAD_PARTY, "      party: nobody")
    assert scenario_ids(client) == []


def test_an_upload_without_a_file_is_422(client: TestClient) -> None:
    assert "file" in refused(client.post("/api/scenarios/upload"), 422)["message"]
    refused(client.post("/api/scenarios/upload", data={"file": "not a file"}), 422)
    refused(client.post("/api/scenarios/upload", files={"other": ("x.yaml", b"a: 1")}), 422)
    assert scenario_ids(client) == []
