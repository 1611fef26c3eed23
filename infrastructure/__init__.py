"""Adapters to the world outside the domain: keys and signatures, storage, external services."""
