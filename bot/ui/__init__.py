"""What every screen shares, the user's, the desk's and the admins': the View a handler
renders, text fitted to Telegram's limits, bold and paragraphs, and the Previous/Next row."""
