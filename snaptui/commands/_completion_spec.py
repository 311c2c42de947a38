"""What shell completion needs to know, read from the argparse parser itself (pure).

argparse has no completion of its own; rather than add a dependency (argcomplete), the
generator walks the parser: commands, their options, the choices of positionals and options,
and which options take a value. The scripts are therefore never out of date with the parser.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

__all__ = ["CommandSpec", "spec_of"]

REGION_OPTIONS = ("--region", "--to-region")
PROFILE_OPTIONS = ("--profile",)


@dataclass
class CommandSpec:
    name: str
    help: str = ""
    options: list[str] = field(default_factory=list)
    """Every option string (``--json``, ``-h``...)."""
    takes_value: list[str] = field(default_factory=list)
    """Options followed by a value (completion offers no option right after them)."""
    option_choices: dict[str, list[str]] = field(default_factory=dict)
    positional_choices: list[str] = field(default_factory=list)
    """Choices of the positionals (``ls``'s kinds, ``completion``'s shells)."""
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    """Subcommands (``demo serve``)."""

    @property
    def words(self) -> list[str]:
        """What to offer when nothing more specific applies."""
        return [*self.commands, *self.positional_choices, *self.options]


def _subcommand_help(action: argparse._SubParsersAction) -> dict[str, str]:  # type: ignore[type-arg]
    return {choice.dest: choice.help or "" for choice in action._choices_actions}


def spec_of(parser: argparse.ArgumentParser, name: str = "snaptui", help: str = "") -> CommandSpec:
    spec = CommandSpec(name, help)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = _subcommand_help(action)
            for sub_name, sub_parser in action.choices.items():
                spec.commands[sub_name] = spec_of(sub_parser, sub_name, helps.get(sub_name, ""))
        elif action.option_strings:
            spec.options.extend(action.option_strings)
            if action.nargs != 0:
                spec.takes_value.extend(action.option_strings)
                if action.choices:
                    for option in action.option_strings:
                        spec.option_choices[option] = [str(c) for c in action.choices]
        elif action.choices:
            spec.positional_choices.extend(str(c) for c in action.choices)
    return spec
