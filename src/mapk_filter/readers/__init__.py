"""Input readers: one module per input kind."""
