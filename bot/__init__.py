"""Back Care Bot: a Telegram coach for a daily back-pain exercise routine.

Layers import only downwards (checked by lint-imports; see docs/architecture.md):

    __main__, demo        entry points: run, migrate, demo
    app                   the composition root: builds the Application, wires handlers
    handlers              one module per feature: parse an update, call down, render
    reminders             the morning reminder fan-out and its schedule
    coaching, summaries   guided sessions and their timers; the weekly summary
    runtime               plumbing: context, services, transport, turns, clock, webhook
    pictures              exercise figures drawn from content/poses.yaml; uploaded once
    db                    models, migrations, repositories (fetch and store)
    content               content/*.yaml, validated; texts in the editors' words
    domain                pure rules: triage, routine, session machine, schedule, search
"""
