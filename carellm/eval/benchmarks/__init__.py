"""One module per public benchmark: its pinned files, its loader (items converted once), and its
published judge prompt and rubric, each cited where it was taken from."""
