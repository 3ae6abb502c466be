"""Talk to a person: an anonymous, time-limited relay between her and an on-duty volunteer.

The core of it, without Telegram: the keys derived from RELAY_KEY (`keys.py`), her route
sealed under them (`route.py`), case codes and topic names (`topic.py`), the one row per open
conversation and the blocks (`conversations.py`), who is on duty and under which first name
(`duty.py`), and what is counted (`counts.py`). docs/PRIVACY.md says what is kept and for how
long; docs/THREAT_MODEL.md what a seized server gives away.
"""
