"""Message catalogues, one module per language (id, en), each defining MESSAGES."""
