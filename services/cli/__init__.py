"""The ``tocsin`` console command."""
