"""One pane per stage of the meeting."""
