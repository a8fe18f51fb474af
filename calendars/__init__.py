"""iCalendar: feeds for subscribed calendars (events, rendering) and the import of workers' busy times
(parsing in a bounded child process, fetching a registered URL)."""
