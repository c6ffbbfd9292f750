"""Counts, insights with deltas, and the dashboard's schema graph."""

from __future__ import annotations

from typing import Any

from djdesk_inspector.inspection import insights, schema_graph


def test_summary_of_a_live_document(showcase_live: dict[str, Any]) -> None:
    summary = insights.summarize(showcase_live["document"])
    assert summary["mode"] == "live"
    assert summary["apps"] == 6
    assert summary["models"] == 3 * 4 + 7 + 4  # generated + showcase + auth/contenttypes
    assert summary["abstract_models"] == 4  # Stamped, AbstractBaseUser, AbstractUser, Mixin
    assert summary["unapplied"] == 2
    assert summary["missing"] == 1
    assert summary["conflicts"] == 1
    assert summary["check_errors"] == 1
    assert summary["check_warnings"] == 0
    assert summary["deploy_warnings"] >= 2
    assert summary["urls"] == 7
    assert summary["probe_errors"] == 0


def test_summary_of_a_static_document_says_unknown(showcase_static: dict[str, Any]) -> None:
    summary = insights.summarize(showcase_static)
    assert summary["mode"] == "static"
    for key in (
        "unapplied",
        "missing",
        "check_errors",
        "check_warnings",
        "deploy_warnings",
        "urls",
    ):
        assert summary[key] is None, key
    assert summary["conflicts"] == 1
    assert summary["models"] == 3 * 4 + 7


def test_insights_with_and_without_a_previous_summary() -> None:
    latest = {"check_errors": 2, "unapplied": 0, "models": 10, "missing": None, "urls": 5}
    previous = {"check_errors": 3, "unapplied": 1, "models": 8, "missing": 2, "urls": None}
    by_key = {i["key"]: i for i in insights.insights(latest, previous)}
    assert by_key["check_errors"] == {
        "key": "check_errors",
        "label": "System check errors",
        "value": 2,
        "reason": None,
        "delta": -1,
        "severity": "error",
    }
    assert by_key["unapplied"]["severity"] == "ok"
    assert by_key["unapplied"]["delta"] == -1
    assert by_key["models"]["delta"] == 2 and by_key["models"]["severity"] == "info"
    assert by_key["missing"]["severity"] == "unknown" and by_key["missing"]["delta"] is None
    assert by_key["missing"]["reason"] == "not read"  # no reason stored with this summary
    assert by_key["urls"]["delta"] is None
    assert all(i["delta"] is None for i in insights.insights(latest))


def test_schema_graph(showcase_live: dict[str, Any]) -> None:
    graph = schema_graph.graph(showcase_live["document"])
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert "showcase.Club_places" not in nodes  # auto-created tables are edges
    assert nodes["showcase.Stamped"]["abstract"] is True
    assert nodes["showcase.FeaturedPlace"]["proxy"] is True
    assert nodes["auth.User"]["swapped"] == "showcase.Member"
    assert nodes["showcase.Restaurant"]["fields"] == 5
    edges = {(e["source"], e["target"], e["kind"], e["field"]) for e in graph["edges"]}
    assert ("showcase.Restaurant", "showcase.Place", "inherits", None) in edges
    assert ("showcase.Place", "showcase.Stamped", "inherits", None) in edges
    assert ("app01.Record01", "app01.Record00", "fk", "parent") in edges
    assert ("app02.Record00", "app01.Record00", "fk", "upstream") in edges
    members = next(e for e in graph["edges"] if e["field"] == "members")
    assert members["kind"] == "m2m" and members["through"] == "showcase.Membership"
    places = next(e for e in graph["edges"] if e["field"] == "places")
    assert places["through"] is None
    # Parent links are drawn once, as inheritance; generic FKs have no target.
    assert not any(e["field"] in ("place_ptr", "target") for e in graph["edges"])
    assert all(e["source"] in nodes and e["target"] in nodes for e in graph["edges"])


def test_schema_graph_for_one_app(showcase_live: dict[str, Any]) -> None:
    graph = schema_graph.graph(showcase_live["document"], app="app02")
    own = [n for n in graph["nodes"] if not n["external"]]
    assert {n["app"] for n in own} == {"app02"}
    external = {n["id"] for n in graph["nodes"] if n["external"]}
    assert external == {"app01.Record00"}


def test_schema_graph_of_a_static_document_stubs_unknown_targets(
    showcase_static: dict[str, Any],
) -> None:
    graph = schema_graph.graph(showcase_static)
    stub = next(n for n in graph["nodes"] if n["id"] == "contenttypes.ContentType")
    assert stub["external"] is True and stub["fields"] == 0
