"""Pieces every page shares: live refresh and keyed table models, text formatting, resources."""
