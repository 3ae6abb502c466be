"""The volunteer desk: staff, drafts, proposals, re-checks and their screens."""
