"""The volunteers' screens, as data: text in Telegram's HTML and rows of buttons.

Like the users' screens they touch neither Telegram nor the database: they are given plain
values (bot/desk/summaries.py), never rows. Directory text and anything typed by staff is
escaped here; diffs are shown as preformatted text.
"""
