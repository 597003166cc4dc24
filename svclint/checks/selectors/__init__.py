"""Selectors and labels (SVC1xx): what a selector matches, and the syntax of labels."""
