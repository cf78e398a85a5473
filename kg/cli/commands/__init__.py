"""The commands of `kg`, one module per family; :data:`kg.cli.main.COMMANDS` imports them on first use."""
