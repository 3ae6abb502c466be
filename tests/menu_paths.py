"""Ways through the needs menu for tests that are about something else: a need's list is one
tap from the needs menu, or two through the topic that groups it."""

from __future__ import annotations

from bot.menus.callback import Screen, decode
from tests.harness import Person


def _buttons(her: Person) -> list[str]:
    return [data for row in her.screen.buttons() for _, data in row]


async def open_need(her: Person, need: str) -> None:
    """From the needs menu, open the list of `need`: straight, or through each topic's own
    menu in turn until one offers it (without knowing which topic holds it)."""
    here = her.screen
    direct = [
        d for d in _buttons(her) if decode(d).screen is Screen.LIST and decode(d).need == need
    ]
    if direct:
        await her.press(direct[0])
        return
    for topic in [d for d in _buttons(her) if decode(d).screen is Screen.TOPIC]:
        await her.press(topic, here)
        found = [
            d for d in _buttons(her) if decode(d).screen is Screen.LIST and decode(d).need == need
        ]
        if found:
            await her.press(found[0])
            return
    raise AssertionError(f"no way to {need} from this needs menu")
