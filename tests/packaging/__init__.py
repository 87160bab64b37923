"""The built distributions: contents, metadata, extras."""
