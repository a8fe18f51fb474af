"""Work that runs beside the requests: solve jobs, the offer cascade, calendar refreshes, the notification sender."""
