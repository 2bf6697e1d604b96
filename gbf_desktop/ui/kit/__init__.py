"""Pieces every page shares: the one row table model (`table`), the roles and delegates
(`delegates`), live refresh (`refresh`), Qt-free text formatting (`formatting`) and resources."""
