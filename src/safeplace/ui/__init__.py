"""The Textual user interface: the only package that knows Textual."""
