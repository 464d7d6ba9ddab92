"""Built-in evidencekit plugins, registered through the same hooks as third-party ones."""
