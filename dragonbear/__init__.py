"""dragonbear."""
