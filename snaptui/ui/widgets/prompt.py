"""The bottom-line prompts: ``:`` commands (with completion) and ``/`` live filter."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from snaptui.ui.commandline import complete


class CommandSuggester(Suggester):
    """Suggests the first completion of what was typed (accept with → or tab)."""

    def __init__(self, regions: Callable[[], Sequence[str]], profiles: Callable[[], Sequence[str]]):
        super().__init__(use_cache=False, case_sensitive=True)
        self._regions = regions
        self._profiles = profiles

    async def get_suggestion(self, value: str) -> str | None:
        options = complete(value, self._regions(), self._profiles())
        return options[0] if options else None


class PromptInput(Input):
    """An Input whose escape closes it; tab accepts the suggestion instead of moving focus."""

    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("tab", "accept_suggestion", "Complete", show=False, priority=True),
    ]

    def action_close(self) -> None:
        self.post_message(self.Closed(self))

    def action_accept_suggestion(self) -> None:
        if self._suggestion:
            self.value = self._suggestion
            self.cursor_position = len(self.value)

    class Closed(Message):
        """The user pressed escape in the prompt."""

        def __init__(self, prompt: PromptInput) -> None:
            super().__init__()
            self.prompt = prompt

        @property
        def control(self) -> PromptInput:
            return self.prompt
