"""iCalendar feeds and availability import. Not built yet: see issue 5."""
