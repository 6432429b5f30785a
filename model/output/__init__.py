"""What runs leave behind: results folders (used by the CLI and notebooks alike), plots and
reports."""
