"""Coaching a session: turning the state machine's decisions into chat messages."""
