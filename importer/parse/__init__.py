"""Source files → plain records. Nothing here touches the database."""
