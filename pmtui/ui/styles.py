"""The app's stylesheets (styles/ in a checkout, inside the package when installed).

`APP_CSS` holds what the first frames show (the meeting's header and set-up, the home
screen) and is parsed before them. `STAGES_CSS` holds the other stages' styles: it is read
before the first pane that needs it is built (`read_styles`), so a stage is styled from
its first frame and a meeting opening at the set-up parses it later. `SCREENS_CSS` holds
the screens pushed later (dialogs, pickers, search, trends): each of them names it as its
CSS_PATH, and the app reads it after its first frame (`PmtuiApp.read_screen_styles`), so
that opening one parses nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmtui.resources import resource_dir

if TYPE_CHECKING:
    from textual.app import App

APP_CSS = str(resource_dir("styles") / "pmtui.tcss")
STAGES_CSS = str(resource_dir("styles") / "stages.tcss")
SCREENS_CSS = str(resource_dir("styles") / "screens.tcss")


def read_styles(app: App[object], path: str) -> None:
    """Add a stylesheet to the app's unless it has it. Rules read this way style the
    widgets mounted after it: only widgets not yet mounted may match them."""
    if not app.stylesheet.has_source(path):
        app.stylesheet.read(path)
