"""The fake service and the pytest plugin for its users."""
