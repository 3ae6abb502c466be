"""Open Referral's Human Services Data Specification (HSDS) 3.0, both ways.

Out (`out.py`): the directory as the specification's `/services` answer, one page of
services, each with its organization, phones, contacts, languages, service areas, weekly
schedules, `assured_date` (the last check) and `metadata` (the audit trail). HSDS holds one
text per field, so the standard fields carry English (else the first language present) and
every language is kept as an attribute of the project's own taxonomies (`terms.py`), as are
the entry's id, its needs and the contacts HSDS has no field for (Telegram, KakaoTalk,
WeChat, Signal): a reader that knows only HSDS reads a complete service, and this package
reads back the whole entry. Staff ids never leave: the audit trail names staff by
pseudonyms made with a key drawn for each export and never kept.

In (`into.py`): services another Open Referral organisation publishes become drafts for
volunteers (`bot.desk.imports`), never entries users see; what does not map is reported.
"""

from bot.directory.hsds.into import Imported, NotHsds, read
from bot.directory.hsds.out import Change, Exported, Pseudonyms, export

__all__ = ["Change", "Exported", "Imported", "NotHsds", "Pseudonyms", "export", "read"]
