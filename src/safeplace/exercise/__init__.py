"""The exercise format, its hardened loader and the library. Never imports Textual."""
