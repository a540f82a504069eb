"""The local practice record: SQLite store, practice days and statistics. Never imports Textual."""
