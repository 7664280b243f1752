"""AWS Security Token Service: who is calling."""
