"""Loads content/*.yaml into typed, validated objects (see loader.py)."""

from bot.content.loader import ContentError, load_content
from bot.content.models import Content

__all__ = ["Content", "ContentError", "load_content"]
