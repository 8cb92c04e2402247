"""roadmap-tui: plan, forecast and prioritise AI-product roadmaps kept as TOML files."""

__version__ = "0.1.0"
