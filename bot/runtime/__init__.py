"""The plumbing every feature stands on: the clock, the custom CallbackContext and the
services it carries, one database session per update, users' turns, the rate-limited
transport, the countdown display, metrics, logging and the webhook server."""
