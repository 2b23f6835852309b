"""The installation's date and time formats (``FORMAT_MODULE_PATH``).

One way to show a day and one to show a moment, on pages, in exports, e-mails and
reports: "2 Dec 2026" and "2 Dec 2026, 14:05 CET" (in the reader's time zone, see
`accounts.middleware`). A form's date field shows and reads ISO days, as the
browser's date picker does.
"""
