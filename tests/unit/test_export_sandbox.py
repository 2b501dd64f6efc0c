"""Templates run sandboxed: known template-injection payloads run nothing and read nothing.

Each payload is written as a user's own template and exported through the command line.
A payload that got through would create MARKER, print the canary environment variable, or
print a file from outside the template folders; none may. Each one ends with exit status
2, a one-line message naming the template and the line, and no output file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pmtui.cli import main
from pmtui.core import sessionfile
from pmtui.core.models import Postmortem
from pmtui.export import ExportError, render_markdown
from pmtui.service.files import read_session_file
from pmtui.store.store import Store
from tests.conftest import SAMPLES

CANARY_VAR = "PMTUI_SANDBOX_CANARY"
CANARY = "canary-6f1d0c9e-not-for-templates"
OUTSIDE = "outside-the-template-folder-7a2b"

# {m} is the path of a file the payload would create; {o} the file outside the folder.
PAYLOADS = {
    "str-mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "tuple-base-subclasses": "{{ ().__class__.__base__.__subclasses__() }}",
    "view-model-class": "{{ title.__class__.__base__.__subclasses__() }}",
    "self-init-globals": "{{ self.__init__.__globals__.__builtins__.open('{m}', 'w') }}",
    "self-private-context": "{{ self._TemplateReference__context }}",
    "self-dict": "{{ self.__dict__ }}",
    "request-app-globals": "{{ request.application.__globals__.__builtins__"
    ".__import__('os').popen('touch {m}').read() }}",
    "config-items": "{{ config.items() }}",
    "cycler-os": "{{ cycler.__init__.__globals__.os.system('touch {m}') }}",
    "joiner-environ": "{{ joiner.__init__.__globals__.os.environ }}",
    "namespace-popen": "{{ namespace.__init__.__globals__.os.popen('touch {m}').read() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].environ['" + CANARY_VAR + "'] }}",
    "dict-global": "{{ dict(a=1) }}",
    "pm-dict": "{{ pm.__dict__ }}",
    "event-globals": "{{ metric.detect.__iter__.__globals__ }}",
    "include-etc-passwd": '{% include "/etc/passwd" %}',
    "include-absolute-outside": '{% include "{o}" %}',
    "import-dotdot": '{% import "../../x" as x %}',
    "include-dotdot-outside": '{% include "../outside/secret.txt" %}',
    "include-backslashes": '{% include "..\\\\outside\\\\secret.txt" %}',
    "include-drive": '{% include "C:/Windows/win.ini" %}',
    "extends-absolute": '{% extends "/etc/passwd" %}',
    "built-in-prefix-dotdot": '{% include "pmtui/../../../etc/passwd" %}',
    "link-out-of-folder": '{% include "link.txt" %}',
    "format-class": '{{ "{0.__class__.__mro__}".format(title) }}',
    "format-globals": '{{ "{0.__init__.__globals__}".format(self) }}',
    "format-map": '{{ "{a.__class__}".format_map({"a": title}) }}',
    "attr-filter-walk": '{{ title | attr("__class__") | attr("__mro__") }}',
    "attr-escaped-underscores": '{{ title | attr("\\x5f\\x5fclass\\x5f\\x5f") }}',
    "subscript-walk": '{{ title["__class__"]["__mro__"] }}',
    "map-attribute": '{{ events | map(attribute="__class__") | list }}',
    "map-attribute-globals": '{{ metrics | map(attribute="human.__globals__") | list }}',
    "selectattr-walk": '{{ events | selectattr("__class__") | list }}',
    "class-method": "{{ events[0].at.fromtimestamp(0) }}",
    "zone-from-file": "{{ events[0].tz.from_file }}",
    "mutate-record": "{{ pm.whys.pop() }}",
    "mutate-view-model": "{% set x = participants.append(1) %}",
    "huge-string": '{{ "x" * 10 ** 9 }}',
    "huge-list": "{{ [1] * 100000000 }}",
    "huge-power": "{{ 7 ** 100000000 }}",
    "huge-range": "{{ range(10 ** 9) | list | length }}",
}


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An archive holding one sample meeting, and its id."""
    data = tmp_path_factory.mktemp("archive")
    pm = read_session_file(str(SAMPLES[0]))
    return data, Store(data).create(sessionfile.to_record(pm))


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_payload_runs_nothing_reads_nothing_and_writes_nothing(
    payload: str,
    meeting: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, meeting_id = meeting
    monkeypatch.setenv(CANARY_VAR, CANARY)
    folder = tmp_path / "mine"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(OUTSIDE)
    (folder / "link.txt").symlink_to(secret)
    marker = tmp_path / "marker"
    template = folder / "evil.md.j2"
    template.write_text(
        "# Minutes\n\n" + payload.replace("{m}", str(marker)).replace("{o}", str(secret)) + "\n"
    )
    target = tmp_path / "out.md"

    code = main(
        ["--data", str(data), "export", meeting_id, "--template", str(template), "-o", str(target)]
    )
    out, err = capsys.readouterr()

    assert not marker.exists()
    for shown in (out, err):
        assert CANARY not in shown and OUTSIDE not in shown and "root:" not in shown
        assert not re.search(r"<(class|module|function|built-in) |'__builtins__':", shown)
    assert code == 2, (out, err)
    assert not target.exists()
    assert out == ""
    assert re.fullmatch(r"pmtui: \S*evil\.md\.j2: line 3: [^\n]+\n", err), err


def test_errors_name_the_template_and_the_line(tmp_path: Path) -> None:
    own = tmp_path / "own.md.j2"
    own.write_text("one\ntwo\n{{ title.__class__ }}\n")
    with pytest.raises(ExportError, match=r"own\.md\.j2: line 3: .*__class__"):
        render_markdown(Postmortem(title="x"), own)
    own.write_text('{% include "../x.md.j2" %}\n')
    with pytest.raises(ExportError, match=r"own\.md\.j2: line 1: \.\./x\.md\.j2: refused"):
        render_markdown(Postmortem(title="x"), own)


def test_a_syntax_error_in_an_included_template_names_both(tmp_path: Path) -> None:
    (tmp_path / "part.md.j2").write_text("x\ny\n{% for %}\n")
    own = tmp_path / "own.md.j2"
    own.write_text('a\n{% include "part.md.j2" %}\n')
    with pytest.raises(ExportError, match=r"own\.md\.j2: line 2: part\.md\.j2: line 3: "):
        render_markdown(Postmortem(title="x"), own)


def test_macros_beside_a_users_template_never_replace_the_built_in_ones(tmp_path: Path) -> None:
    pm = Postmortem(title="Cache outage", summary="The cache ran out of memory.")
    built_in = render_markdown(pm, "minutes")
    (tmp_path / "_macros.md.j2").write_text(
        "{% macro text(value) %}REPLACED{% endmacro %}"
        "{% macro notes(items) %}REPLACED{% endmacro %}"
    )
    own = tmp_path / "own.md.j2"
    # A built-in template included by a user's one still imports the built-in macros.
    own.write_text('{% include "pmtui/minutes.md.j2" %}')
    assert render_markdown(pm, own) == built_in
    assert "REPLACED" not in render_markdown(pm, "minutes")
    # The user's own macros are theirs by the plain name; the built-in ones by pmtui/.
    own.write_text(
        '{% import "_macros.md.j2" as mine %}{% import "pmtui/_macros.md.j2" as m %}'
        "{{ mine.text(summary) }} / {{ m.text(summary) }}\n"
    )
    assert render_markdown(pm, own) == "REPLACED / The cache ran out of memory.\n"


def test_a_users_template_without_its_own_macros_is_told_the_built_in_name(
    tmp_path: Path,
) -> None:
    own = tmp_path / "own.md.j2"
    own.write_text('{% import "_macros.md.j2" as m %}{{ m.text(summary) }}\n')
    with pytest.raises(ExportError, match=r'the built-in one is "pmtui/_macros\.md\.j2"'):
        render_markdown(Postmortem(title="x"), own)


def test_a_folder_of_partials_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "head.md.j2").write_text("# {{ title | md_inline }}\n")
    own = tmp_path / "own.md.j2"
    own.write_text('{% include "parts/head.md.j2" %}\n{{ range(3) | join(",") }}\n')
    assert render_markdown(Postmortem(title="x"), own) == "# x\n0,1,2\n"


def test_a_link_to_a_template_renders_from_the_folder_it_leads_to(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "minutes.md.j2").write_text('{% include "part.md.j2" %}')
    (real / "part.md.j2").write_text("# {{ title | md_inline }}\n")
    link = tmp_path / "mine.md.j2"
    link.symlink_to(real / "minutes.md.j2")
    assert render_markdown(Postmortem(title="x"), link) == "# x\n"
