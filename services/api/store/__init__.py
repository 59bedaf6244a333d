"""What the API keeps in the database for other services to read: subscriptions and sources."""
