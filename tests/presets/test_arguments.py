"""Typed arguments: whatever a user sends, argv keeps the preset's declared shape."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from djdesk_inspector.presets import arguments, registry, validation
from djdesk_inspector.presets.arguments import ArgumentErrors, ArgumentSpec, TargetChoices

CHOICES = TargetChoices.safe(
    ["shop", "contenttypes", "--settings=evil", "-o", "a b", "ok;rm", "$(id)", "é"],
    {
        "shop": ["0001_initial", "0002_product_price", "--pythonpath=/tmp", "-x"],
        "contenttypes": ["0001_initial"],
    },
    "test",
)

NASTY = [
    "--settings=x",
    "--settings",
    "--sett=x",
    "--pythonpath=/tmp",
    "-o",
    "-ofile",
    "--output=/etc/passwd",
    ";rm -rf /",
    "$(id)",
    "`id`",
    "a\nb",
    "shop\n--settings=x",
    "shop\x00",
    "\x00",
    "x" * 10_000,
    "ünïcødé",
    "🙂",
    "-1",
    "--",
    "",
    " shop",
    "shop ",
    "0001_initial",
    "shop",
    "CRITICAL",
    "3",
]

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.booleans(),
    st.none(),
    st.lists(st.sampled_from(NASTY), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.floats(allow_nan=True),
)

ALL_TYPES: list[dict[str, Any]] = [
    {"name": "app_label", "type": "app_label"},
    {"name": "migration", "type": "migration", "app_argument": "app_label"},
    {"name": "level", "type": "choice", "option": "--level", "choices": ["low", "high"]},
    {"name": "mode", "type": "choice", "choices": ["fast", "slow"]},
    {"name": "count", "type": "integer", "option": "--count", "minimum": -5, "maximum": 50},
    {"name": "depth", "type": "integer", "minimum": 0, "maximum": 9},
    {"name": "plan", "type": "flag", "option": "--plan"},
]

DECLARATIONS = [list(d.arguments) for d in registry.DEFAULTS] + [ALL_TYPES]


def specs_of(declared: list[dict[str, Any]]) -> list[ArgumentSpec]:
    specs, problems = arguments.parse_specs(declared)
    assert not problems, problems
    return specs


def assert_declared_shape(
    specs: list[ArgumentSpec], tokens: list[str], cleaned: dict[str, Any]
) -> None:
    """Each token is exactly what one declared argument may produce, in order."""
    expected: list[str] = []
    for spec in specs:
        if spec.name not in cleaned:
            continue
        value = cleaned[spec.name]
        if spec.type == "app_label":
            assert value in CHOICES.app_labels
        elif spec.type == "migration":
            assert value in CHOICES.migrations[cleaned[spec.app_argument]]
        elif spec.type == "choice":
            assert value in spec.choices
        elif spec.type == "integer":
            assert isinstance(value, int) and not isinstance(value, bool)
            assert spec.minimum is None or value >= spec.minimum
            assert spec.maximum is None or value <= spec.maximum
        elif spec.type == "flag":
            assert value is True
        if spec.type == "flag":
            expected.append(spec.option)
        elif spec.option:
            expected.append(f"{spec.option}={value}")
        else:
            expected.append(str(value))
    assert tokens == expected
    for token in tokens:
        assert "\n" not in token and "\x00" not in token and "\r" not in token
        declared_options = {s.option for s in specs if s.option}
        assert validation.restricted_option(token) is None or (
            token.split("=", 1)[0] in declared_options
        )
        assert not token.startswith("-") or any(
            token == s.option or token.startswith(f"{s.option}=") for s in specs if s.option
        )


@pytest.mark.parametrize("declared", DECLARATIONS, ids=lambda d: ",".join(a["name"] for a in d))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_fuzzed_values_never_leave_the_declared_shape(declared, data):
    specs = specs_of(declared)
    names = [s.name for s in specs] + ["settings", "--settings", "pythonpath", "x"]
    user = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    try:
        tokens, cleaned = arguments.bind(specs, user, CHOICES)
    except ArgumentErrors as exc:
        errors = exc.errors
    else:
        assert_declared_shape(specs, tokens, cleaned)
        return
    assert errors
    assert all(isinstance(v, list) and v for v in errors.values())


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(values, st.lists(values), st.dictionaries(st.text(max_size=8), values)))
def test_anything_but_an_object_is_refused(raw):
    specs = specs_of(ALL_TYPES)
    if isinstance(raw, dict) or raw is None:
        with contextlib.suppress(ArgumentErrors):
            arguments.bind(specs, raw, CHOICES)
        return
    with pytest.raises(ArgumentErrors):
        arguments.bind(specs, raw, CHOICES)


def test_valid_values_produce_the_expected_argv():
    specs = specs_of(ALL_TYPES)
    tokens, _ = arguments.bind(
        specs,
        {
            "app_label": "shop",
            "migration": "0002_product_price",
            "level": "high",
            "mode": "fast",
            "count": "-3",
            "depth": 4,
            "plan": True,
        },
        CHOICES,
    )
    assert tokens == [
        "shop",
        "0002_product_price",
        "--level=high",
        "fast",
        "--count=-3",
        "4",
        "--plan",
    ]


def test_user_order_never_changes_argv_order():
    specs = specs_of(ALL_TYPES)
    forward, _ = arguments.bind(specs, {"app_label": "shop", "plan": True}, CHOICES)
    backward, _ = arguments.bind(specs, {"plan": True, "app_label": "shop"}, CHOICES)
    assert forward == backward == ["shop", "--plan"]


def test_hostile_discovered_choices_are_dropped():
    assert CHOICES.app_labels == ("contenttypes", "shop")
    assert CHOICES.migrations["shop"] == ("0001_initial", "0002_product_price")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"app_label": "--settings=evil"}, "app_label"),
        ({"app_label": "nope"}, "app_label"),
        ({"migration": "0001_initial"}, "migration"),
        ({"app_label": "contenttypes", "migration": "0002_product_price"}, "migration"),
        ({"count": 51}, "count"),
        ({"count": True}, "count"),
        ({"count": "1e3"}, "count"),
        ({"count": 2.5}, "count"),
        ({"plan": "yes"}, "plan"),
        ({"level": "HIGH"}, "level"),
        ({"surprise": 1}, "__all__"),
    ],
)
def test_bad_values_are_reported_per_argument(values, field):
    with pytest.raises(ArgumentErrors) as caught:
        arguments.bind(specs_of(ALL_TYPES), values, CHOICES)
    assert field in caught.value.errors


def test_required_arguments_must_be_given():
    specs = specs_of(list(registry.BY_KEY["sqlmigrate"].arguments))
    with pytest.raises(ArgumentErrors) as caught:
        arguments.bind(specs, {}, CHOICES)
    assert set(caught.value.errors) == {"app_label", "migration"}


@pytest.mark.parametrize(
    "declared",
    [
        [{"name": "x", "type": "flag"}],  # a flag needs an option
        [{"name": "x", "type": "integer"}],  # positional integer without minimum >= 0
        [{"name": "x", "type": "integer", "minimum": -1}],
        [{"name": "x", "type": "choice", "choices": ["--settings=x"]}],
        [{"name": "x", "type": "choice", "choices": []}],
        [{"name": "x", "type": "choice", "choices": ["a b"]}],
        [{"name": "x", "type": "shell"}],
        [{"name": "X", "type": "flag", "option": "--x"}],
        [{"name": "x", "type": "flag", "option": "-x"}],
        [{"name": "x", "type": "flag", "option": "--x y"}],
        [{"name": "x", "type": "migration"}],
        [
            {"name": "x", "type": "flag", "option": "--x"},
            {"name": "x", "type": "flag", "option": "--y"},
        ],
        [{"name": "x", "type": "integer", "option": "--x", "minimum": 5, "maximum": 1}],
        [{"name": "x", "type": "flag", "option": "--x", "evil": True}],
        ["not an object"],
        "not a list",
    ],
)
def test_bad_declarations_are_refused(declared):
    _specs, problems = arguments.parse_specs(declared)
    assert problems
