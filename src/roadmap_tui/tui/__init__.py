"""The Textual editor: a thin face over model, store, forecast and priority."""
