"""`helpline screens`: every screen of the bot in one language, on one HTML page.

For translators and reviewers, who need to read each string where it stands. The page is made
by running the real bot (bot/telegram/local_bot.py, as `helpline demo` does) over the demo
directory and walking through it: her menus button by button, then scripted scenarios for
what changes something (erasing, reporting, talking to a person) and for the staff's side (the
volunteer desk, review, statistics). What is recorded is what the bot sent, so the preview
cannot drift from what users see. `page.py` draws it; `coverage.py` names the few catalog
strings that are on no screen, and why.
"""
