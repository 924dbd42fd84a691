"""The README's examples work as printed: a newcomer copies them first."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(language: str, containing: str = "") -> str:
    blocks = re.findall(r"```(\w*)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    matches = [body for lang, body in blocks if lang == language and containing in body]
    assert len(matches) == 1, f"expected one {language} block containing {containing!r}"
    return matches[0]


def test_readme_opens_with_the_two_commands() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README.read_text(encoding="utf-8"), re.S)[:2]
    assert commands[0].endswith("cin demo")
    assert "pytest" in commands[1]
    assert (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text().count(commands[1]) == 1


def test_csv_and_json_examples_import(cin, tmp_path: Path) -> None:
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(readme_block("csv"), encoding="utf-8")
    json_file = tmp_path / "cases.json"
    json_file.write_text(readme_block("json", '"cases"'), encoding="utf-8")
    assert cin("import", str(csv_file)).code == 0
    assert cin("import", str(json_file)).code == 0
    assert "EX-0001" in cin("due").out


def test_override_example_changes_the_wirral_visiting_timescale(cin, settings_dir: Path,
                                                                 tmp_path: Path) -> None:
    (settings_dir / "policies").mkdir()
    (settings_dir / "policies" / "wirral-local.toml").write_text(
        readme_block("toml", "extends"), encoding="utf-8")
    json_file = tmp_path / "cases.json"
    json_file.write_text(readme_block("json", '"cases"'), encoding="utf-8")
    assert cin("import", str(json_file)).code == 0
    explained = cin("explain", "EX-0001").out
    # Seen Wed 8 Jul 2026; every 15 working days instead of 20: 9-10 Jul (2), 13-17 (7),
    # 20-24 (12), 27, 28, 29 Jul (15) -> Wed 29 Jul 2026.
    assert "29 Jul 2026" in explained
    assert "15 working days after the visit of 8 Jul 2026" in explained


def test_every_key_is_in_the_readme_key_table() -> None:
    from screens.keys import ALL_COMMANDS

    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Keys"):text.index("## Your own caseload")]
    shown = {"question_mark": "?", "slash": "/", "right": "→", "left": "←"}
    missing = [c.id for c in ALL_COMMANDS
               if f"`{shown.get(k := c.key.split(',')[0], k)}`" not in table]
    assert missing == []
