"""Finding the people and the tickets a record knows in free text, however they are written.

Text is matched folded: accents taken off (NFKD), invisible characters (zero-width, bidi,
soft hyphen) left out, curly apostrophes and dashes made straight. What matches is then
replaced in the text as typed, with the accents and invisible characters inside it.

Found and replaced, in this order (an earlier find wins where two overlap):
tracker links; e-mail addresses (any, with or without a dot in the domain); ticket ids
(the record's own, `ABC-123`, `#123`, `issue#123`, `PR 12`, `org/repo#123`); `@handles`;
and every person's name: the whole name, each part of it (`Zoë`, `Quinn`, `Jean`, `Luc`),
after a title (`Dr. Quinn`), in any case, with or without accents, apostrophes or
hyphens (`OBrien`, `Jean Luc`). A name or part that is an everyday word (`Will`, `May`,
`Rose`), or is shorter than three letters (`Li`), is a name only where it is
capitalised; a month name next to a number or after `in`, `since`, `until`... is a date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

NO_ROLE = "the team"
TICKET = "an internal ticket"

# Straightened in folded text: curly and modifier apostrophes, Unicode hyphens.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_STRAIGHT = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "‐": "-", "‑": "-"})
TITLES = r"(?i:(?:dr|mr|mrs|ms|mx|miss|prof|sir|dame|rev)\.?\s+)"
# Parts of a name that do not name anyone alone: particles and suffixes.
PARTICLES = frozenset(
    "al bin ibn da das de del della der den di do dos du la le st van von jr sr ii iii iv".split()  # noqa: SIM905
)
MONTHS = frozenset({"april", "may", "june", "august"})
# Names that are also everyday words: alone, they are replaced only when capitalised.
COMMON_WORDS = MONTHS | frozenset(
    """
    amber angel archer art autumn baker bell best bill bishop black bob brook brown case
    cash chase cliff cook crystal dale dash dawn daisy dean don drew faith fisher forest
    frank gene glen golden grace gray green grey guy hall harmony hazel hill holly hope
    hunter iris ivy jack jade joy king lane lily little long love major mark mason max
    melody miles miller moody nick noble page park parker pat pearl penny porter price
    ray reed rich river rob rod rose ruby rusty sage sandy short sky smith stone storm
    strong summer sue sunny swift tony violet wade walker west white will winter wood
    young
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
MIN_PART = 3  # shorter parts ("Li", "Al") are names only when capitalised
_DATE_BEFORE = re.compile(
    r"(?i:\d|\b(?:in|since|until|till|during|early|mid|late|last|next|of))\s*$"
)
_DATE_AFTER = re.compile(r"\s*\d")

_URL = re.compile(r"(?i:https?://|www\.)[^\s<>\"'`|]+")
_TRACKER = re.compile(
    r"(?i:atlassian\.net|jira|/browse/[a-z]|/issues?/|/-/issues|/pulls?/\d|/merge_requests/"
    r"|/tickets?/|linear\.app/|youtrack|bugzilla|show_bug|redmine|servicenow|zendesk)"
)
_EMAIL = re.compile(r"(?<![\w.+%'-])[\w.+%'-]*\w@\w[\w-]*(?:\.\w[\w-]*)*")
_HANDLE = re.compile(r"(?<![\w@])@\w(?:[\w.-]*\w)?")
# Uppercase prefixes of `XYZ-123` that name a standard or a severity, not a ticket.
_NOT_TICKETS = (
    "SEV|UTF|ISO|SHA|AES|RFC|CVE|CWE|TLS|SSL|HTTP|IPV|MD|PCI|SOC|COVID|GPT|RSA|DES|EC|IEEE"
    "|ANSI|WCAG|PEP|X|H|P|S|R|T|V"
)
_TICKETS = re.compile(
    r"(?i:\b(?:issues?|bugs?|tickets?|pr|mr|pull\s+request|merge\s+request|case|jira|story"
    r"|task)\s*(?:#|no\.?|number)\s*\d+\b)"
    r"|(?i:\b(?:issue|bug|ticket|pr|mr|jira)\s+\d+\b)"
    r"|(?<![\w/.-])[\w.-]+/[\w.-]+#\d+\b"
    r"|(?<![\w&#])#\d+\b"
    rf"|(?<![\w-])(?!(?:{_NOT_TICKETS})-)[A-Z][A-Z0-9]{{1,9}}-\d+(?![\w-])"
)


def fold(text: str) -> tuple[str, Sequence[int]]:
    """The text as matched, and for each of its characters the index it came from."""
    if text.isascii():
        return text, range(len(text))
    out: list[str] = []
    where: list[int] = []
    done = 0
    for run in _NON_ASCII.finditer(text):  # ASCII needs no folding: copied as it is
        out.append(text[done : run.start()])
        where.extend(range(done, run.start()))
        for i in range(run.start(), run.end()):
            for c in unicodedata.normalize("NFKD", text[i]):
                if not (unicodedata.combining(c) or unicodedata.category(c) == "Cf"):
                    out.append(c.translate(_STRAIGHT))
                    where.append(i)
        done = run.end()
    out.append(text[done:])
    where.extend(range(done, len(text)))
    return "".join(out), where


def _hidden(char: str) -> bool:
    return bool(unicodedata.combining(char)) or unicodedata.category(char) == "Cf"


def _word_pattern(word: str, capitalised: bool) -> str:
    """A word of a name in any case (or capitalised): apostrophes optional, a hyphen also
    a space or nothing."""
    out = [{"'": "'?", "-": r"[-\s]?", ".": r"\.?"}.get(c, re.escape(c)) for c in word]
    if capitalised and word[:1].upper() != word[:1].lower():
        return f"{re.escape(word[0].upper())}(?i:{''.join(out[1:])})"
    return f"(?i:{''.join(out)})"


def _letters(word: str) -> str:
    return re.sub(r"[^\w]|_", "", word).lower()


class Scrubber:
    """Takes every name (as its role) and ticket id a record knows out of a text."""

    def __init__(self, roles: dict[str, str], tickets: list[str]) -> None:
        """`roles`: each person's name and what replaces it; `tickets`: the record's ids."""
        self.people: list[tuple[list[str], str]] = []
        names: dict[str, str] = {}  # folded words joined by spaces -> role
        parts: dict[str, set[str]] = {}
        for name, role in roles.items():
            words = [w for w in fold(name)[0].split() if not re.fullmatch(TITLES, w + " ")]
            if not words:
                continue
            self.people.append(([_letters(w) for w in words], role))
            names.setdefault(" ".join(words).lower(), role)
            if len(words) > 2:
                names.setdefault(f"{words[0]} {words[-1]}".lower(), role)
            for n, word in enumerate(words):
                for part in {word, *word.split("-")} if len(words) > 1 else word.split("-"):
                    letters = _letters(part)
                    particle = letters in PARTICLES and not (n == 0 and part == word)
                    if len(letters) >= 2 and not particle:  # "Al Smith": "Al" is a name
                        parts.setdefault(part.lower(), set()).add(role)
        alternatives = dict(names)
        for part, found in parts.items():
            # A part two people share with different roles names neither: "the team".
            alternatives.setdefault(part, found.pop() if len(found) == 1 else NO_ROLE)
        self.roles: list[str] = []
        self.months: set[int] = set()
        patterns = []
        for i, (name, role) in enumerate(sorted(alternatives.items(), key=lambda x: -len(x[0]))):
            words = name.split()
            exact = all(_letters(w) in COMMON_WORDS for w in words) or len(_letters(name)) < 3
            spaced = r"\s+".join(_word_pattern(w, exact) for w in words)
            patterns.append(f"(?P<n{i}>{spaced})")
            self.roles.append(role)
            if len(words) == 1 and _letters(name) in MONTHS:
                self.months.add(i)
        self.names = (
            re.compile(rf"(?<!\w){TITLES}?(?:{'|'.join(patterns)})(?!\w)") if patterns else None
        )
        known = sorted({fold(t)[0] for t in tickets if t}, key=len, reverse=True)
        self.known_tickets = (
            re.compile(rf"(?i)(?<![\w-])(?:{'|'.join(map(re.escape, known))})(?![\w-])")
            if known
            else None
        )

    def who(self, token: str) -> str:
        """The role of the person a handle or an e-mail's local part names, if one does."""
        key = _letters(token.split("+")[0]).rstrip("0123456789")  # sean+pager2: sean
        for words, role in self.people:
            first, last = words[0], words[-1]
            ways = {"".join(words), first, last, first[:1] + last, first + last[:1]}
            if key in {w for w in ways if len(w) >= MIN_PART}:
                return role
        return NO_ROLE

    def _found(self, folded: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, replacement) in the folded text, the strongest finds first."""
        for m in _URL.finditer(folded) if "://" in folded or "www." in folded else ():
            if _TRACKER.search(m.group(0)):
                yield m.start(), m.end(), TICKET
        at = "@" in folded
        for m in _EMAIL.finditer(folded) if at else ():
            yield m.start(), m.end(), self.who(m.group(0).split("@")[0])
        if self.known_tickets is not None:
            for m in self.known_tickets.finditer(folded):
                yield m.start(), m.end(), TICKET
        for m in _TICKETS.finditer(folded):
            yield m.start(), m.end(), TICKET
        for m in _HANDLE.finditer(folded) if at else ():
            yield m.start(), m.end(), self.who(m.group(0)[1:])
        if self.names is not None:
            for m in self.names.finditer(folded):
                index = int((m.lastgroup or "n0")[1:])
                if index in self.months and (
                    _DATE_BEFORE.search(folded, max(0, m.start() - 16), m.start())
                    or _DATE_AFTER.match(folded, m.end())
                ):
                    continue  # "May 3", "3 May", "in May": a date
                yield m.start(), m.end(), self.roles[index]

    def __call__(self, text: str) -> str:
        if not text:
            return text
        folded, where = fold(text)
        spans: list[tuple[int, int, str]] = []
        taken = bytearray(len(folded))  # 1 where a find already is
        for start, end, replacement in self._found(folded):
            if taken.find(1, start, end) == -1:
                spans.append((start, end, replacement))
                taken[start:end] = b"\x01" * (end - start)
        out = []
        done = 0
        for start, end, replacement in sorted(spans):
            first, last = where[start], where[end - 1] + 1
            while last < len(text) and _hidden(text[last]):
                last += 1  # an accent typed as its own character goes with its letter
            if out and not text[done:first].strip() and out[-1].lower() == replacement.lower():
                done = last  # "Asa Lindqvist": two parts of one name, one role
                continue
            before = text[:first].rstrip(" \t\"'“‘(\u200b\u200c\u200d\u2060\ufeff")
            if not before or before.endswith((".", "!", "?", "\n")):
                replacement = replacement[:1].upper() + replacement[1:]
            out += [text[done:first], replacement]
            done = last
        out.append(text[done:])
        return "".join(out)
