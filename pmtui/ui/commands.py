"""What each binding is called in the command palette: a name a person would type, and a
line of help. Footer labels are short ("Next ▶", "+1 min"); the palette is searched by
words ("next stage", "pause", "zone"), so it names commands in full."""

from __future__ import annotations

# binding id -> (name, help)
NAMES: dict[str, tuple[str, str]] = {
    "meeting.pause": ("Pause or resume the meeting clock", "Start, pause or resume the clock"),
    "meeting.extend": ("Give this stage one more minute", "Add a minute to the stage's timebox"),
    "meeting.back": ("Back to the previous stage", "Undo an accidental advance"),
    "meeting.next": ("Next stage", "Move on; the timer never blocks you"),
    "meeting.skip": ("Skip this stage", "Move on and mark the stage skipped in the minutes"),
    "meeting.jump": ("Go to a stage", "Pick any stage, the set-up among them"),
    "meeting.bell": ("Bell on or off", "Ring when a stage runs over its timebox"),
    "meeting.export": ("Export the minutes", "Write the Markdown minutes to the exports folder"),
    "meeting.leave": ("Back to the home screen", "Save this meeting and list the others"),
    "meeting.quit": ("Save and quit", "Save the meeting, wait for the disk, then quit"),
    "meeting.undo": ("Undo the last edit", "Take back the last change to the record"),
    "meeting.redo": ("Redo", "Make the undone change again"),
    "meeting.help": ("Keys of this screen", "Every key, as your keymap sets it"),
    "meeting.findings": ("What the coach would reword", "Every blame-prone phrase and where"),
    "timeline.edit": ("Edit this event", "Put the highlighted event in the entry line"),
    "timeline.delete": ("Delete this event", "Ctrl+Z brings it back"),
    "timeline.kind": ("Change the event's kind", "event, start, detection, mitigation, …"),
    "lessons.edit": ("Edit this note", "Put the highlighted note in its entry line"),
    "lessons.delete": ("Delete this note", "Ctrl+Z brings it back"),
    "lessons.vote_up": ("Vote for this note", "One more dot vote"),
    "lessons.vote_down": ("Take a vote back", "One dot vote fewer"),
    "lessons.move_left": ("Move the note to the column on the left", ""),
    "lessons.move_right": ("Move the note to the column on the right", ""),
    "lessons.start_why": ("Start a Five Whys chain from this note", ""),
    "lessons.sort": ("Sort the column by votes", ""),
    "actions.edit": ("Edit this action item", "Put it in the form"),
    "actions.delete": ("Delete this action item", "Ctrl+Z brings it back"),
    "actions.toggle_done": ("Mark the action item done or open", ""),
    "actions.link": ("Link the action item to a why", "Which cause does it address?"),
    "whys.add_answer": ("Answer the highlighted why", ""),
    "whys.branch": ("Another answer to the same why (branch)", ""),
    "whys.edit_answer": ("Edit this why", ""),
    "whys.delete_answer": ("Delete this why", "The answers below move up"),
    "whys.root_cause": ("Mark as root cause", "The same key takes the mark off"),
    "whys.contributing": ("Mark as contributing factor", "The same key takes the mark off"),
    "whys.tags": ("Tag this why", "Contributing-factor categories or a free tag"),
    "setup.tags": ("Tag the meeting", "Contributing-factor categories or a free tag"),
    "wrapup.tags": ("Tag the meeting", "Contributing-factor categories or a free tag"),
    "whys.edit_problem": ("Edit the chain's problem", ""),
    "whys.delete_chain": ("Delete this chain", ""),
    "whys.from_wrong": ("Start a chain from a 'went wrong' note", ""),
    "whys.new_chain": ("New Five Whys chain", ""),
}

# Commands that open the set-up, by what people look for there.
SETUP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("Set the time zone", "In the set-up (stage 0): times are typed in this zone"),
    ("Edit participants and roles", "In the set-up (stage 0)"),
    ("Set the severity, incident id or title", "In the set-up (stage 0)"),
    ("Set the facilitator", "In the set-up (stage 0), for the minutes"),
)
