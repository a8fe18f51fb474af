"""What every flow stands on: rows by organisation (crud), passwords and tokens (security), throttling."""
