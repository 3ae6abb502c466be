"""`helpline demo` with the relay on plays both sides: `v:` lines are a volunteer's answers in
the topic, and what the volunteers see is printed too, marked."""

from __future__ import annotations

from pathlib import Path

from tests.harness import RELAY_CHAT_ID
from tests.relay_helpers import RELAY_KEY
from tests.test_cli import helpline

RELAY_ENV = {"RELAY_CHAT_ID": str(RELAY_CHAT_ID), "RELAY_KEY": RELAY_KEY}


def test_the_demo_plays_a_conversation_in_korean_from_both_sides(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "2",  # 중국에 있습니다
            "2",  # 머물 곳
            "1",  # 안전하게 지낼 곳
            "2",  # 사람과 이야기하기
            "1",  # 시작하기
            "안녕하십니까. 도움이 필요합니다.",
            "v:안녕하십니까. 무엇을 도와드릴까요?",
            "v:#1",  # 끝내기
        ]
    )
    result = helpline("demo", "--lang", "ko", cwd=tmp_path, stdin=script + "\n", env=RELAY_ENV)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    topic = [line for line in out.splitlines() if line.startswith("    ┃ [topic ")]
    assert topic[0].endswith("· ko · CN · shelter] bot: " + topic[0].split("] bot: ")[1])
    assert any(line.endswith("bot: 안녕하십니까. 도움이 필요합니다.") for line in topic)
    assert any(line.endswith("volunteer: 안녕하십니까. 무엇을 도와드릴까요?") for line in topic)
    # Her words are in the topic before the volunteer's answer is typed, as in the real group.
    assert out.index("bot: 안녕하십니까. 도움이 필요합니다.") < out.index("> v:안녕하십니까.")
    assert "[the volunteer's own chat] bot: A new conversation in Korean is waiting." in out
    her_side = [line for line in out.splitlines() if not line.startswith("    ┃")]
    assert "안녕하십니까. 무엇을 도와드릴까요?" in her_side and "— Mina" in her_side
    assert topic[-1].endswith("(deleted, with every message in it)")
    lines = out.rstrip().splitlines()
    end = len(lines) - 1 - lines[::-1].index("이야기가 끝났습니다.")
    assert lines[end + 1] == "이야기의 글은 지워졌습니다."
    assert all(line.startswith("[") for line in lines[end + 2 :])  # its buttons, and no more


def test_v_lines_are_plain_messages_when_the_relay_is_off(tmp_path: Path) -> None:
    result = helpline("demo", cwd=tmp_path, stdin="v:hello\n")
    assert result.returncode == 0
    assert "No person reads what you send here" in result.stdout and "┃" not in result.stdout


def test_a_v_line_with_no_conversation_open_says_so(tmp_path: Path) -> None:
    result = helpline("demo", cwd=tmp_path, stdin="v:hello\n", env=RELAY_ENV)
    assert result.returncode == 0
    assert "(no conversation is open in the volunteers' group)" in result.stdout
