"""The form of an action: its fields with defaults, and problems shown in place.

Review first checks what the form itself can tell (required fields, whole numbers, no control
characters in text), then plans the request on the AWS loop (fresh reads) and validates it;
problems keep the form open with the values as typed, so nothing is lost and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from snaptui.aws.validation import ValidationError, check_text
from snaptui.ui.action_specs import ActionSpec, FieldSpec

Submit = Callable[[dict[str, Any]], Awaitable[tuple[Any | None, list[str]]]]


def _widget(spec: FieldSpec) -> Input | Select[str] | Checkbox:
    field_id = f"field-{spec.name}"
    match spec.kind:
        case "bool":
            return Checkbox(spec.label, value=bool(spec.default), id=field_id, compact=True)
        case "select":
            return Select(
                [(label, value) for value, label in spec.options],
                value=spec.default
                if spec.default in [v for v, _ in spec.options]
                else Select.BLANK,
                allow_blank=True,
                id=field_id,
                compact=True,
            )
        case "int":
            return Input(str(spec.default), id=field_id, type="integer", compact=True)
        case _:
            return Input(str(spec.default), id=field_id, compact=True)


def field_problems(spec: ActionSpec, values: dict[str, Any]) -> list[str]:
    """What is wrong with ``values`` before anything is planned: empty required fields, an
    integer field that is not a whole number (``-`` or ``+`` alone pass the Input's filter),
    control characters in text (pasted escape codes, line breaks)."""
    problems = []
    for field in spec.fields:
        value = values[field.name]
        if field.required and value in ("", None):
            problems.append(f"{field.label} is required")
        elif field.kind == "int" and value not in ("", None):
            try:
                int(value)
            except ValueError:
                problems.append(f"{field.label}: {value!r} is not a whole number: type digits only")
        elif field.kind == "text" and isinstance(value, str):
            problems += check_text(value, field.label)
    return problems


class ActionForm(ModalScreen[Any | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_form")]

    def __init__(self, spec: ActionSpec, submit: Submit) -> None:
        super().__init__()
        self.spec = spec
        self.submit = submit

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(Text(self.spec.title, style="bold"), id="form-title")
            for spec in self.spec.fields:
                if spec.kind != "bool":
                    yield Label(spec.label + (" *" if spec.required else ""))
                yield _widget(spec)
                if spec.help:
                    yield Static(Text(spec.help, style="dim"), classes="field-help")
            for note in self.spec.notes:
                yield Static(Text(note, style="italic"), classes="field-help")
            yield Static(id="form-problems")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel", id="form-cancel")
                yield Button("Review", id="form-review", variant="primary")

    def on_mount(self) -> None:
        first = self.query("Input, Select, Checkbox").first()
        first.focus()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.spec.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Checkbox):
                values[spec.name] = widget.value
            elif isinstance(widget, Select):
                values[spec.name] = "" if widget.value is Select.BLANK else widget.value
            else:
                values[spec.name] = widget.value.strip()
        return values

    def show_problems(self, problems: list[str]) -> None:
        text = Text()
        for problem in problems:
            text.append(f"✗ {problem}\n", style="bold red")
        self.query_one("#form-problems", Static).update(text)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-review")
    @on(Input.Submitted)
    def review(self) -> None:
        values = self.values()
        problems = field_problems(self.spec, values)
        if problems:
            self.show_problems(problems)
            return
        self.query_one("#form-review", Button).disabled = True
        self.show_problems([])
        self.query_one("#form-problems", Static).update(Text("Checking…", style="dim"))
        self._plan(values)

    @work(exclusive=True, exit_on_error=False)
    async def _plan(self, values: dict[str, Any]) -> None:
        try:
            request, problems = await self.submit(values)
        except ValidationError as error:  # raised while planning, before anything is sent
            request, problems = None, list(error.problems)
        finally:
            self.query_one("#form-review", Button).disabled = False
        if problems:
            self.show_problems(problems)
        else:
            self.dismiss(request)
