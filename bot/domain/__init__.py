"""Pure logic: no Telegram, no SQL. Handlers call it and render what it decides."""
