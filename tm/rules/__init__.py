"""Shipped segmentation rules (SRX 2.0), read with importlib.resources."""
