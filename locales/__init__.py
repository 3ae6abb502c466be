"""Gettext catalogs; a package only so that they install with the bot."""
