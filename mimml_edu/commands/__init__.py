"""Subcommands of ``mimml-edu`` (one module each: ``add_arguments`` and ``run``)."""
