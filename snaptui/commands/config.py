"""``snaptui config path|show|edit|example``: find, read, edit and learn ``config.toml``.

``edit`` opens ``$VISUAL``/``$EDITOR`` (a new file starts as the commented example), then
validates what was saved and names the line of any problem. Exit codes: 0 fine, 2 problems.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import tomli_w

from snaptui import config, locations, state
from snaptui.toml_files import write_text_atomically

EXIT_OK = 0
EXIT_PROBLEM = 2
FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vim", "vi")

EXAMPLE = """\
# snaptui configuration (`snaptui config path` says where this file lives).
# snaptui reads it and never rewrites it; what you pick inside the UI (theme, last profile
# and region) is kept in state.toml instead. Never put credentials here: they belong to the
# AWS chain (~/.aws/credentials, `aws sso login`, an instance profile).

# AWS profile used when neither --profile nor AWS_PROFILE is given.
profile = "dev"

# Region used when nothing more specific sets one. Order: --region, AWS_REGION,
# AWS_DEFAULT_REGION, [profiles.NAME] region below, the profile's region in ~/.aws/config,
# then this.
region = "eu-west-1"

# Open every session read-only (as if --read-only were always given).
read_only = false

# Seconds between progress polls while snapshots are pending (1 to 3600).
refresh_interval = 5

# A Textual theme (ctrl+p, "Change theme" lists them). A theme picked in the UI is
# remembered in state.toml and wins over this one.
theme = "nord"

# Tags added to everything snaptui creates (snapshots, volumes, AMIs, instances), next to
# its own snaptui:* provenance tags. The aws: and snaptui: prefixes are reserved.
[tags]
team = "platform"
cost-center = "cc-1234"

# What a restore proposes before you change anything.
[restore]
# "same": the type of the snapshot's source volume (gp3 when unknown); or gp3, gp2, io1,
# io2, st1, sc1, standard. (CreateVolume itself would pick gp2.)
volume_type = "same"
# "ask": the form asks; "never": restore detached; "source": propose the instance the
# snapshot's volume was attached to (still confirmed).
attach = "ask"

# How long to wait for AWS, and how often to try a request (the first try included).
# Calls that must not run twice (CreateSnapshot, CreateImage...) are only sent again when AWS
# refused them (throttling) or the connection never opened.
[network]
connect_timeout = 5
read_timeout = 30
max_attempts = 5

# Key remapping: binding id = "keys" (comma-separated; Textual key names). Ids include
# quit, help, filter, command, refresh, compare, back, open, pause, action_log, details,
# copy_id, mark, sort_next, sort_reverse, view_instances ... (snaptui doctor does not
# list them; an unknown id is reported when the UI starts).
[keys]
refresh = "f5,r"
help = "f1,question_mark"

# Settings per AWS profile (the names in ~/.aws/config).
[profiles.prod]
read_only = true            # refuse every change while this profile is active
region = "us-east-1"        # beats the profile's region in ~/.aws/config
tags = { environment = "prod" }

[profiles.dev]
region = "eu-west-1"
tags = { environment = "dev" }
"""


def commented(example: str) -> str:
    """The example with every setting commented out: a new file that changes nothing."""
    lines = []
    for line in example.splitlines():
        is_setting = line and not line.startswith("#")
        lines.append(f"# {line}" if is_setting else line)
    return "\n".join(lines) + "\n"


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "config",
        help="show, edit or locate config.toml",
        description="snaptui's own settings (never credentials). "
        "Example: snaptui config edit; SNAPTUI_CONFIG=/path/config.toml overrides the path.",
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    actions.add_parser("path", help="print where config.toml is (it may not exist yet)")
    show = actions.add_parser(
        "show", help="print the settings in effect (defaults included) and any problem"
    )
    show.add_argument("--json", action="store_true", help="print them as JSON")
    actions.add_parser(
        "edit", help="open config.toml in $VISUAL/$EDITOR, then check it (created if missing)"
    )
    actions.add_parser("example", help="print a complete example with every key explained")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    match args.config_command:
        case "path":
            print(locations.config_file())
            return EXIT_OK
        case "show":
            return show(as_json=args.json)
        case "edit":
            return edit()
        case _:
            print(EXAMPLE, end="")
            return EXIT_OK


def report_problems(loaded: config.LoadedConfig) -> int:
    for problem in loaded.problems:
        print(f"snaptui: {problem}", file=sys.stderr)
    return EXIT_PROBLEM if loaded.problems else EXIT_OK


def show(*, as_json: bool = False) -> int:
    loaded = config.load()
    remembered = state.load(locations.state_file()).to_toml()
    if as_json:
        print(
            json.dumps(
                {
                    "path": str(loaded.path),
                    "exists": loaded.path.exists(),
                    "problems": list(loaded.problems),
                    "config": loaded.config.to_toml(),
                    "state": remembered,
                },
                indent=2,
            )
        )
        return EXIT_PROBLEM if loaded.problems else EXIT_OK
    exists = "" if loaded.path.exists() else " (no file: all defaults)"
    print(f"# settings in effect, from {loaded.path}{exists}")
    print(tomli_w.dumps(loaded.config.to_toml()), end="")
    if remembered:
        print(f"\n# remembered from the UI, in {locations.state_file()}")
        print("\n".join(f"# {line}" for line in tomli_w.dumps(remembered).splitlines()))
    return report_problems(loaded)


def editor_command() -> list[str] | None:
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return shlex.split(value)
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    return None


def _ask_again() -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input("Edit again? [Y/n] ").strip().lower()
    except EOFError:
        return False
    return answer in ("", "y", "yes")


def edit(path: Path | None = None) -> int:
    path = path or locations.config_file()
    command = editor_command()
    if command is None:
        print("snaptui: no editor found: set $EDITOR (e.g. export EDITOR=vi)", file=sys.stderr)
        return EXIT_PROBLEM
    if not path.exists():
        write_text_atomically(path, commented(EXAMPLE))
        print(f"snaptui: created {path} from the example (everything commented out)")
    while True:
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except FileNotFoundError:
            print(f"snaptui: cannot run the editor {command[0]!r}", file=sys.stderr)
            return EXIT_PROBLEM
        if result.returncode != 0:
            print(f"snaptui: the editor exited with {result.returncode}", file=sys.stderr)
        loaded = config.load(path)
        if not loaded.problems:
            print(f"snaptui: {path} is valid")
            return EXIT_OK
        report_problems(loaded)
        if not _ask_again():
            return EXIT_PROBLEM
