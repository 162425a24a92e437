"""Daily reminders: when each is due, and sending them once, paced, whatever happens."""
