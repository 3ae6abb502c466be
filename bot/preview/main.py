"""The page for one language: the walk (tour.py), drawn (page.py).

Logging is held at CRITICAL while it runs: the walk shows faults on purpose (the database
not answering, a fault in the bot), and their log lines would read as if it had failed.
"""

from __future__ import annotations

import asyncio
import logging

from bot.preview import page as drawing
from bot.preview import tour
from bot.preview.record import Section


def sections(lang: str) -> list[Section]:
    logging.disable(logging.CRITICAL)
    try:
        return asyncio.run(tour.take(lang))
    finally:
        logging.disable(logging.NOTSET)


def page(lang: str) -> str:
    return drawing.render(lang, sections(lang))
