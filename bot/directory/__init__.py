"""The directory of vetted contacts: its file format, what a user may see, imports, exports
and the audit trail."""
