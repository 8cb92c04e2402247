"""Reusable widgets: dialogs, the item and risk editors, the dependency picker, the status line."""
