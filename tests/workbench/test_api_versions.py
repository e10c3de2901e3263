"""The workbench API: saving versions, stale saves, exports, validation and deletion."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from .api_support import (
    HANOI_BAD_PARTY,
    HANOI_EDITED,
    HANOI_TEXT,
    LONG_ROBUSTNESS,
    PD_TEXT,
    TestClient,
    create,
    line_of,
    ok,
    refused,
    save,
    scenario_ids,
    start,
    versions,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# --- versions ----------------------------------------------------------------------------------


def test_saving_appends_versions_and_keeps_the_old_ones_verbatim(client: TestClient) -> None:
    first = create(client, library="hanoi-2019")
    sid = first["id"]
    second = save(client, sid, text=HANOI_EDITED, message="North Korea gives up everything")
    assert (second["version"], second["latest"]) == (2, 2)
    assert second["text"] == HANOI_EDITED
    assert second["created"] == first["created"]
    assert second["updated"] >= first["updated"]
    third_text = HANOI_EDITED.replace("title: The Hanoi summit", "title: Hanoi, edited")
    third = save(client, sid, text=third_text, base_version=2)
    assert (third["version"], third["title"]) == (3, "Hanoi, edited, 27-28 February 2019")

    listed = versions(client, sid)
    assert [v["number"] for v in listed] == [3, 2, 1]
    assert [v["title"] for v in listed] == [third["title"], first["title"], first["title"]]
    assert listed[1]["message"] == "North Korea gives up everything"
    assert listed[0]["message"] == ""
    for number, text in ((1, HANOI_TEXT), (2, HANOI_EDITED), (3, third_text)):
        old = ok(client.get(f"/api/scenarios/{sid}/versions/{number}"))
        assert (old["version"], old["latest"], old["text"]) == (number, 3, text)
        assert old["document"] == json.loads(json.dumps(yaml.safe_load(text), default=str))
    latest = ok(client.get(f"/api/scenarios/{sid}"))
    assert (latest["version"], latest["text"]) == (3, third_text)
    summary = ok(client.get("/api/scenarios"))["scenarios"][0]
    assert (summary["id"], summary["version"], summary["title"]) == (sid, 3, third["title"])


def test_saving_a_document_stores_its_yaml(client: TestClient) -> None:
    sid = create(client, library="prisoners-dilemma")["id"]
    document = yaml.safe_load(PD_TEXT)
    document["title"] = "Prisoner's Dilemma, as data"
    saved = save(client, sid, document=document, message="from the form")
    assert saved["document"] == document
    assert yaml.safe_load(saved["text"]) == document
    assert saved["title"] == "Prisoner's Dilemma, as data"
    assert ok(client.get(f"/api/scenarios/{sid}/versions/1"))["text"] == PD_TEXT
    # The document was written into the text it came from: only the title line changed.
    diff = ok(client.get(f"/api/scenarios/{sid}/diff", params={"old": 1}))
    assert (diff["added"], diff["removed"]) == (1, 1)
    assert [x["text"] for x in diff["lines"] if x["kind"] == "added"] == [
        "title: Prisoner's Dilemma, as data"
    ]


def test_a_document_from_an_old_version_is_written_afresh_or_refused(client: TestClient) -> None:
    sid = create(client, library="prisoners-dilemma")["id"]
    save(client, sid, text=PD_TEXT.replace("\n", "\n# a comment\n", 1))
    document = yaml.safe_load(PD_TEXT)
    refused(
        client.put(f"/api/scenarios/{sid}", json={"document": document, "base_version": 1}), 409
    )
    saved = save(client, sid, document=document, base_version=2)
    assert "# a comment" in saved["text"]  # edited in place from version 2


def test_saving_can_rename(client: TestClient) -> None:
    sid = create(client, library="prisoners-dilemma", name="first name")["id"]
    renamed = save(client, sid, text=PD_TEXT, name="second name")
    assert renamed["name"] == "second name"
    assert ok(client.get(f"/api/scenarios/{sid}"))["name"] == "second name"
    refused(client.put(f"/api/scenarios/{sid}", json={"text": PD_TEXT, "name": ""}), 422)
    assert ok(client.get(f"/api/scenarios/{sid}"))["name"] == "second name"


@pytest.mark.parametrize(
    "body",
    [
        {"text": HANOI_BAD_PARTY},
        {"text": ""},
        {"text": "title: [unclosed"},
        {"document": {"format": "detente/1", "title": "no parties"}},
        {"text": PD_TEXT, "document": yaml.safe_load(PD_TEXT)},
        {},
        {"text": PD_TEXT, "colour": "blue"},
        {"text": PD_TEXT, "base_version": 0},
        {"text": PD_TEXT, "base_version": "one"},
        {"text": PD_TEXT, "message": "m" * 501},
        {"library": "prisoners-dilemma"},
    ],
    ids=[
        "bad-party",
        "empty",
        "yaml-syntax",
        "document-without-parties",
        "text-and-document",
        "nothing",
        "unknown-field",
        "base-version-zero",
        "base-version-word",
        "long-message",
        "library-on-save",
    ],
)
def test_an_invalid_save_saves_nothing(client: TestClient, body: dict[str, Any]) -> None:
    before = create(client, library="hanoi-2019")
    sid = before["id"]
    detail = refused(client.put(f"/api/scenarios/{sid}", json=body), 422)
    if body.get("text") == HANOI_BAD_PARTY:
        assert any(p["line"] for p in detail["problems"])
    assert [v["number"] for v in versions(client, sid)] == [1]
    after = ok(client.get(f"/api/scenarios/{sid}"))
    assert after["text"] == HANOI_TEXT
    assert after["updated"] == before["updated"]


def test_a_save_from_a_stale_version_is_409_and_saves_nothing(client: TestClient) -> None:
    sid = create(client, library="hanoi-2019")["id"]
    save(client, sid, text=HANOI_EDITED, base_version=1)  # the current version: accepted
    detail = refused(
        client.put(f"/api/scenarios/{sid}", json={"text": PD_TEXT, "base_version": 1}), 409
    )
    assert "2" in detail["message"]
    refused(client.put(f"/api/scenarios/{sid}", json={"text": PD_TEXT, "base_version": 3}), 409)
    assert [v["number"] for v in versions(client, sid)] == [2, 1]
    assert ok(client.get(f"/api/scenarios/{sid}"))["text"] == HANOI_EDITED
    saved = save(client, sid, text=PD_TEXT, base_version=2)
    assert saved["version"] == 3


def test_export_gives_the_saved_text_of_each_version(client: TestClient) -> None:
    sid = create(client, library="hanoi-2019", name="Hanoi: 2019 / summit")["id"]
    save(client, sid, text=HANOI_EDITED)
    for query, text in (
        ("", HANOI_EDITED),
        ("?version=2", HANOI_EDITED),
        ("?version=1", HANOI_TEXT),
    ):
        response = client.get(f"/api/scenarios/{sid}/export{query}")
        assert response.status_code == 200
        assert response.text == text
        assert response.headers["content-type"].startswith("application/yaml")
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        filename = disposition.split("filename=")[1].split(";")[0].strip('"')
        assert filename.endswith(".yaml")
        assert "/" not in filename
        assert " " not in filename
    refused(client.get(f"/api/scenarios/{sid}/export?version=3"), 404)
    refused(client.get(f"/api/scenarios/{sid}/export?version=one"), 422)


def test_validate_reports_problems_and_saves_nothing(client: TestClient) -> None:
    hanoi = ok(client.post("/api/validate", json={"text": HANOI_TEXT}))
    assert (hanoi["valid"], hanoi["problems"]) == (True, [])
    assert hanoi["document"] == json.loads(json.dumps(yaml.safe_load(HANOI_TEXT), default=str))
    assert ok(client.post("/api/validate", json={"document": yaml.safe_load(PD_TEXT)}))["valid"]
    answer = ok(client.post("/api/validate", json={"text": HANOI_BAD_PARTY}))
    assert answer["valid"] is False
    problem = next(p for p in answer["problems"] if p["location"] == "graph_model.options[2].party")
    assert problem["line"] == line_of(HANOI_BAD_PARTY, "      party: nobody")
    assert set(problem) == {"location", "message", "hint", "line"}
    # Invalid as a scenario but well-formed YAML: the form can still follow the text.
    assert answer["document"]["graph_model"]["options"][2]["party"] == "nobody"
    broken = ok(client.post("/api/validate", json={"text": "parties: [unclosed"}))
    assert (broken["valid"], broken["document"]) == (False, None)
    empty = ok(client.post("/api/validate", json={"text": ""}))
    assert empty["valid"] is False
    assert empty["problems"]
    refused(client.post("/api/validate", json={"text": PD_TEXT, "document": {}}), 422)
    refused(client.post("/api/validate", json={}), 422)
    refused(client.post("/api/validate", json={"text": PD_TEXT, "name": "x"}), 422)
    assert scenario_ids(client) == []


# --- delete ------------------------------------------------------------------------------------


def test_delete_takes_the_versions_and_runs_with_it(client: TestClient) -> None:
    keep = create(client, library="prisoners-dilemma", name="keep")
    gone = create(client, library="hanoi-2019", name="gone")
    save(client, gone["id"], text=HANOI_EDITED)
    finished = wait_for(client, start(client, gone["id"], "inverse", {"state": "NNNNNN"})["id"])
    assert finished["status"] == "done"
    active = start(client, gone["id"], "robustness", LONG_ROBUSTNESS)
    kept_run = wait_for(client, start(client, keep["id"], "inverse", {"state": "NN"})["id"])
    assert kept_run["status"] == "done"

    response = client.delete(f"/api/scenarios/{gone['id']}")
    assert response.status_code == 204
    assert response.content == b""

    sid = gone["id"]
    for path in (
        f"/api/scenarios/{sid}",
        f"/api/scenarios/{sid}/versions",
        f"/api/scenarios/{sid}/versions/1",
        f"/api/scenarios/{sid}/versions/2",
        f"/api/scenarios/{sid}/export",
        f"/api/scenarios/{sid}/analysis",
        f"/api/runs?scenario_id={sid}",
        f"/api/runs/{finished['id']}",
        f"/api/runs/{finished['id']}/export",
        f"/api/runs/{active['id']}",
    ):
        refused(client.get(path), 404)
    refused(client.post(f"/api/runs/{active['id']}/cancel"), 404)
    refused(client.delete(f"/api/scenarios/{sid}"), 404)
    assert scenario_ids(client) == [keep["id"]]
    assert [r["id"] for r in ok(client.get("/api/runs"))["runs"]] == [kept_run["id"]]
    assert ok(client.get(f"/api/scenarios/{keep['id']}"))["text"] == PD_TEXT
    assert ok(client.get(f"/api/runs/{kept_run['id']}"))["status"] == "done"


def test_the_ids_of_deleted_scenarios_and_runs_are_not_reused(client: TestClient) -> None:
    # A stale tab or poller holding a deleted id must get 404, not someone else's scenario: a
    # save without base_version would otherwise land in the wrong scenario.
    keep = create(client, library="prisoners-dilemma")["id"]
    gone = create(client, library="hanoi-2019")["id"]
    run = wait_for(client, start(client, gone, "inverse", {"state": "NNNNNN"})["id"])
    assert client.delete(f"/api/scenarios/{gone}").status_code == 204
    fresh = create(client, library="chicken")["id"]
    fresh_run = start(client, keep, "inverse", {"state": "NN"})["id"]
    assert fresh != gone
    assert fresh_run != run["id"]
    refused(client.get(f"/api/scenarios/{gone}"), 404)
    refused(client.put(f"/api/scenarios/{gone}", json={"text": PD_TEXT}), 404)
    refused(client.get(f"/api/runs/{run['id']}"), 404)
    wait_for(client, fresh_run)


# --- differences between versions ----------------------------------------------------------


def test_diff_lists_every_line_with_what_changed(client: TestClient) -> None:
    sid = create(client, text=HANOI_TEXT)["id"]
    save(client, sid, text=HANOI_EDITED)
    answer = ok(client.get(f"/api/scenarios/{sid}/diff", params={"old": 1}))
    assert (answer["old"], answer["new"]) == (1, 2)
    lines = answer["lines"]
    old_text = [x["text"] for x in lines if x["kind"] != "added"]
    new_text = [x["text"] for x in lines if x["kind"] != "removed"]
    assert old_text == HANOI_TEXT.splitlines()  # the old version, read back from the diff
    assert new_text == HANOI_EDITED.splitlines()  # and the new one
    assert answer["added"] == sum(x["kind"] == "added" for x in lines) > 0
    assert answer["removed"] == sum(x["kind"] == "removed" for x in lines) > 0
    for x in lines:
        if x["old"] is not None:
            assert HANOI_TEXT.splitlines()[x["old"] - 1] == x["text"]
        if x["new"] is not None:
            assert HANOI_EDITED.splitlines()[x["new"] - 1] == x["text"]
    same = ok(client.get(f"/api/scenarios/{sid}/diff", params={"old": 2, "new": 2}))
    assert (same["added"], same["removed"]) == (0, 0)
    refused(client.get(f"/api/scenarios/{sid}/diff", params={"old": 3}), 404)
    refused(client.get(f"/api/scenarios/{sid}/diff"), 422)
    refused(client.get(f"/api/scenarios/{sid + 100}/diff", params={"old": 1}), 404)
