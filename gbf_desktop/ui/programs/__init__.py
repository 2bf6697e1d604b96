"""Programs: the builder, its tree model and exercise forms, assigning a program to students."""
