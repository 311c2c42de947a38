"""The ``:`` command line: every alias, every error message, completion."""

from __future__ import annotations

import pytest

from snaptui.ui.commandline import (
    HINT,
    Command,
    CommandError,
    Help,
    Quit,
    ShowView,
    SwitchProfile,
    SwitchRegion,
    complete,
    parse,
)
from snaptui.ui.views import ViewKind

ALIASES = {
    ViewKind.INSTANCES: ["instances", "instance", "inst", "i", "ec2"],
    ViewKind.VOLUMES: ["volumes", "volume", "vols", "vol", "v", "ebs"],
    ViewKind.SNAPSHOTS: ["snapshots", "snapshot", "snaps", "snap", "s"],
    ViewKind.IMAGES: ["images", "image", "img", "amis", "ami"],
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [(f":{alias}", kind) for kind, aliases in ALIASES.items() for alias in aliases],
)
def test_every_view_alias(text: str, kind: ViewKind) -> None:
    assert parse(text) == ShowView(kind)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (":q", Quit()),
        (":quit", Quit()),
        (":q!", Quit()),
        (":exit", Quit()),
        (":help", Help()),
        (":h", Help()),
        (":?", Help()),
        ("snapshots", ShowView(ViewKind.SNAPSHOTS)),  # the colon is optional
        ("  :  Snapshots  ", ShowView(ViewKind.SNAPSHOTS)),  # spaces and case do not matter
        (":region eu-west-1", SwitchRegion("eu-west-1")),
        (":region   us-gov-west-1 ", SwitchRegion("us-gov-west-1")),
        (":region AP-SOUTHEAST-2", SwitchRegion("ap-southeast-2")),
        (":region cn-north-1", SwitchRegion("cn-north-1")),
        (":profile prod", SwitchProfile("prod")),
        (":profile Prod-Admin", SwitchProfile("Prod-Admin")),  # profile names keep their case
        (":PROFILE sso.dev@team", SwitchProfile("sso.dev@team")),
    ],
)
def test_commands(text: str, command: Command) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"type a command — try {HINT}"),
        (":", f"type a command — try {HINT}"),
        (
            ":foo",
            "unknown command ':foo' — try :instances, :volumes, :snapshots, :images, "
            ":region NAME, :profile NAME, :q",
        ),
        (":snpashots", "unknown command ':snpashots' — did you mean :snapshots?"),
        (":volume5", "unknown command ':volume5' — did you mean :volumes?"),
        (":regoin eu-west-1", "unknown command ':regoin' — did you mean :region?"),
        (":region", ":region needs a name, e.g. :region eu-west-1"),
        (":region   ", ":region needs a name, e.g. :region eu-west-1"),
        (":region moon", "'moon' is not a region name, e.g. :region eu-west-1"),
        (":region eu-west", "'eu-west' is not a region name, e.g. :region eu-west-1"),
        (":region eu_west_1", "'eu_west_1' is not a region name, e.g. :region eu-west-1"),
        (":region eu-west-1 x", "'eu-west-1 x' is not a region name, e.g. :region eu-west-1"),
        (":profile", ":profile needs a name, e.g. :profile prod"),
        (":profile a b", "'a b' is not a profile name: profile names have no spaces"),
        (":snapshots prod", ":snapshots takes no argument — press / to filter"),
        (":ec2 prod", ":ec2 takes no argument — press / to filter"),
        (":q now", ":q takes no argument"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert str(caught.value) == message


REGIONS = ["eu-west-1", "eu-west-2", "eu-central-1", "us-east-1"]
PROFILES = ["default", "prod", "prod-admin", "staging"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["instances", "volumes", "snapshots", "images", "region ", "profile ", "help",
              "quit"]),
        (":", [":instances", ":volumes", ":snapshots", ":images", ":region ", ":profile ",
               ":help", ":quit"]),
        ("sn", ["snapshots"]),
        (":sn", [":snapshots"]),
        ("S", ["snapshots"]),
        ("snapshots", ["snapshots"]),
        ("i", ["instances", "images"]),
        ("im", ["images"]),
        ("am", ["ami"]),  # the shortest alias when the canonical name does not match
        ("e", ["ec2", "ebs", "exit"]),
        ("p", ["profile "]),
        ("reg", ["region "]),
        ("region ", ["region eu-west-1", "region eu-west-2", "region eu-central-1",
                     "region us-east-1"]),
        ("region eu-w", ["region eu-west-1", "region eu-west-2"]),
        (":region EU-C", [":region eu-central-1"]),
        ("region xx", []),
        ("profile prod", ["profile prod", "profile prod-admin"]),
        (":profile s", [":profile staging"]),
        ("snapshots x", []),  # no arguments to complete
        ("zz", []),
    ],
)  # fmt: skip
def test_complete(text: str, expected: list[str]) -> None:
    assert complete(text, REGIONS, PROFILES) == expected


@pytest.mark.parametrize("text", ["sn", ":im", "region eu-w", "profile st", "v", ":q"])
def test_every_completion_parses_or_waits_for_an_argument(text: str) -> None:
    for line in complete(text, REGIONS, PROFILES):
        if line.endswith(" "):
            with pytest.raises(CommandError, match="needs a name"):
                parse(line)
        else:
            parse(line)
