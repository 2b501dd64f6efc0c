"""The app's stylesheets (styles/ in a checkout, inside the package when installed).

`APP_CSS` holds what the first frames show (the meeting, the home screen) and is parsed
before them. `SCREENS_CSS` holds the screens pushed later (dialogs, pickers, search,
trends): each of them names it as its CSS_PATH, and the app reads it after its first
frame (`PmtuiApp.read_screen_styles`), so that opening one parses nothing more.
"""

from __future__ import annotations

from pmtui.resources import resource_dir

APP_CSS = str(resource_dir("styles") / "pmtui.tcss")
SCREENS_CSS = str(resource_dir("styles") / "screens.tcss")
