"""Clips: the clips page, player, side-by-side compare, recorder, trim and attach dialogs."""
