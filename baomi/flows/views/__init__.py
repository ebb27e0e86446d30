"""The flows' pages, one module per aggregate; `flows/urls.py` mounts them all."""
